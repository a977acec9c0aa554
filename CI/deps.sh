#!/bin/sh
# Installs what make prove / make test need on Debian 12 (as root).
set -e
need=""
for t in frama-c why3 z3 cvc4 cvc5 gappa gcc clang make python3; do command -v $t >/dev/null || need=1; done
[ -z "$need" ] && exit 0
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y frama-c-base why3 z3 cvc4 cvc5 gappa gcc clang make python3
