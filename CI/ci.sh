#!/bin/sh
# CI: dependencies, then the README's commands. Gates on every step.
set -e
cd "$(dirname "$0")/.."
sh CI/deps.sh
make prove
make test
make test-exhaustive
