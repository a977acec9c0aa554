#!/bin/sh
# fuzz/run.sh SECONDS BIN...: run each libFuzzer binary (build/fuzz/fuzz_T)
# for SECONDS on its committed seed corpus fuzz/corpus/T (read only: new
# inputs go to build/fuzz/T/corpus, crash inputs to build/fuzz/T/crash-*),
# with fuzz/T.dict when present. One PASS:/FAIL: line per target with its
# execution count, then "N passed, M failed"; exit status 0 iff no target
# crashed (a crash, leak, sanitizer report, timeout or out-of-memory, which
# all end libFuzzer with a non-zero status).
cd "$(dirname "$0")/.." || exit 2
secs=$1
shift
passed=0
failed=0
for bin in "$@"; do
    name=$(basename "$bin")
    t=${name#fuzz_}
    work=build/fuzz/$t
    mkdir -p "$work/corpus" || exit 2
    dict=
    [ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
    log=$work/log.txt
    # -timeout: one input running 10 s is a hang, reported as a crash
    "$bin" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$work/" $dict "$work/corpus" "fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "PASS: $name: ${execs:-?} executions in $secs s, no crash"
        passed=$((passed + 1))
    else
        tail -n 40 "$log"
        echo "FAIL: $name: crashed (exit $rc) after ${execs:-?} executions; log $log, input $work/crash-* (or leak-*, timeout-*, oom-*)"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
