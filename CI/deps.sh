#!/bin/sh
# Installs what make prove / make test and the reliability gates (make
# test-asan, make lint, make fuzz) need on Debian 12 (as root).
# libclang-rt-14-dev holds libFuzzer and clang's sanitizer runtimes (clang
# only recommends it); gcc's ASan/UBSan runtimes come with gcc.
set -e
pkgs="frama-c-base why3 z3 cvc4 cvc5 gappa coq libcoq-interval gcc clang libclang-rt-14-dev clang-tidy cppcheck make python3"
need=""
for t in frama-c why3 z3 cvc4 cvc5 gappa coqc gcc clang clang-tidy cppcheck make python3; do command -v $t >/dev/null || need=1; done
dpkg -s libclang-rt-14-dev >/dev/null 2>&1 || need=1
dpkg -s libcoq-interval >/dev/null 2>&1 || need=1
[ -z "$need" ] && exit 0
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y $pkgs
