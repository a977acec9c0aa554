#!/bin/sh
# fuzz/run.sh SECONDS BIN...: run each libFuzzer binary (build/fuzz/fuzz_T)
# for SECONDS on its committed seed corpus fuzz/corpus/T (read only: new
# inputs go to build/fuzz/T/corpus, crash inputs to build/fuzz/T/crash-*),
# with fuzz/T.dict when present. One PASS:/FAIL: line per target with its
# execution count, then "N passed, M failed"; exit status 0 iff no target
# crashed (a crash, leak, sanitizer report, timeout or out-of-memory, which
# all end libFuzzer with a non-zero status). Two targets run at once.
cd "$(dirname "$0")/.." || exit 2
secs=$1
shift
passed=0
failed=0
# one TARGET: run it, leave its exit status in build/fuzz/T/rc
one() {
    name=$(basename "$1")
    t=${name#fuzz_}
    work=build/fuzz/$t
    dict=
    [ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
    # -timeout: one input running 10 s is a hang, reported as a crash
    "$1" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$work/" $dict "$work/corpus" "fuzz/corpus/$t" >"$work/log.txt" 2>&1
    echo $? >"$work/rc"
}
# two targets at a time: each libFuzzer process uses one core
while [ $# -gt 0 ]; do
    pair=$1
    [ $# -gt 1 ] && pair="$1 $2"
    for bin in $pair; do
        t=$(basename "$bin"); t=${t#fuzz_}
        mkdir -p "build/fuzz/$t/corpus" || exit 2
        rm -f "build/fuzz/$t/rc"
        one "$bin" &
    done
    wait
    for bin in $pair; do
        name=$(basename "$bin")
        t=${name#fuzz_}
        work=build/fuzz/$t
        log=$work/log.txt
        rc=$(cat "$work/rc" 2>/dev/null || echo 2)
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
    shift
    [ $# -gt 0 ] && shift
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
