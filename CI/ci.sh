#!/bin/sh
# CI: dependencies, then the README's commands. Gates on every step.
set -e
cd "$(dirname "$0")/.."
sh CI/deps.sh
make prove
make test
# reliability gates (README "Reliability"): ~3-4 min together
make test-asan
make test-tsan
make lint
make fuzz FUZZ_TIME=20
make test-exhaustive
