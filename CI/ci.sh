#!/bin/sh
# CI: dependencies, then the README's commands. Gates on every step.
# Each step prints its time: CI has 90 min in all, make prove most of it.
set -e
cd "$(dirname "$0")/.."
t0=$(date +%s)
step() {
  s=$(date +%s)
  "$@"
  echo "ci: $* took $(( $(date +%s) - s )) s ($(( $(date +%s) - t0 )) s in all)"
}
step sh CI/deps.sh
step make prove
step make coq
# -j2: the builds use both cores (the tests themselves run one at a time)
step make -j2 test
# reliability gates (README "Reliability"): ~3-4 min together
step make -j2 test-asan
step make -j2 test-tsan
step make lint
step make -j2 fuzz FUZZ_TIME=20
step make -j2 test-exhaustive
