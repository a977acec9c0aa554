#!/bin/sh
# Run each test binary (paths relative to the repo root, or absolute) from the
# repo root, echo its output, and count its PASS:/FAIL: lines. A binary that
# exits non-zero without printing FAIL:, or prints no check at all, counts as
# one failure. Ends with "N passed, M failed"; exit status 0 iff M == 0.
cd "$(dirname "$0")/.." || exit 2
passed=0
failed=0
log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT
for bin in "$@"; do
    "$bin" >"$log" 2>&1
    rc=$?
    cat "$log"
    p=$(grep -c '^PASS: ' "$log")
    f=$(grep -c '^FAIL: ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL: $bin exited with status $rc"
        f=1
    elif [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL: $bin printed no checks"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
