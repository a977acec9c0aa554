#!/bin/sh
# Determinism across compilers and flags: build vik-ref (kernels + harness)
# with gcc -O0, gcc -O2, gcc -O3 -march=native and, when clang is installed,
# clang -O2 and clang -O3 -march=native (all -std=c99 -ffp-contract=off, never
# fast-math), run every build on every vendored case (tests/data/ops/*:
# linear, softmax, rmsnorm, silu, swiglu, rope; tests/data/attention/case*;
# tests/data/mx/case*; tests/data/formats; tests/data/moe/*: idx.npy and
# weight64.npy of the four routers; tests/data/models/*: the three models'
# prefill logits and greedy continuations) and require every output file to be
# byte-identical to the gcc -O0 build's (the RoPE table calls libm, the same
# library in every build); build/vik-ref (make's CFLAGS), when
# present, is compared too. Prints PASS:/FAIL: lines for tests/run.sh; a
# compiler that is not installed is a SKIP: line, which counts as neither.
# Run from anywhere; works in the repo root. Exit status 0 iff nothing failed.
cd "$(dirname "$0")/.." || exit 2
BASE="-std=c99 -Wall -Wextra -ffp-contract=off -Ikernels -Ispec -Iharness"
SRC="kernels/*.c harness/vik_ref.c harness/npy.c harness/rope_table.c harness/model_load.c harness/model.c harness/par.c"
work=$(mktemp -d /tmp/vik-determinism-XXXXXX) || exit 2
trap 'rm -rf "$work"' EXIT
failed=0

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

cases=""
for d in tests/data/ops/* tests/data/attention/case* tests/data/mx/case* tests/data/formats \
    tests/data/moe/* tests/data/models/*; do
    [ -d "$d" ] && cases="$cases $d"
done
ncases=$(echo $cases | wc -w)
if [ "$ncases" -lt 30 ]; then
    fail "determinism: expected >= 30 vendored case dirs, found $ncases"
fi

# build TAG CC FLAGS...: build $work/TAG/vik-ref; 0 on success.
build() {
    tag=$1 cc=$2
    shift 2
    mkdir -p "$work/$tag"
    # shellcheck disable=SC2086 # SRC and BASE are word lists
    if $cc $BASE "$@" $SRC -o "$work/$tag/vik-ref" -lpthread -lm >"$work/$tag.log" 2>&1; then
        return 0
    fi
    fail "determinism: $cc $* builds vik-ref ($(head -c 300 "$work/$tag.log"))"
    return 1
}

# run TAG BIN: run BIN on every case into $work/TAG/out/<case>; 0 if all exit 0.
run() {
    tag=$1 bin=$2 bad=""
    for c in $cases; do
        if ! "$bin" "$c" "$work/$tag/out/$c" >/dev/null 2>"$work/$tag.err"; then
            bad="$bad $c"
        fi
    done
    if [ -n "$bad" ]; then
        fail "determinism: $tag vik-ref fails on:$bad ($(head -c 200 "$work/$tag.err"))"
        return 1
    fi
    return 0
}

# compare TAG DESC: the same output files as the baseline, each byte-identical.
compare() {
    tag=$1 desc=$2 bad="" n=0
    for f in $(cd "$work/gcc-O0/out" && find . -type f | sort); do
        n=$((n + 1))
        cmp -s "$work/gcc-O0/out/$f" "$work/$tag/out/$f" || bad="$bad ${f#./}"
    done
    m=$(find "$work/$tag/out" -type f | wc -l)
    if [ -z "$bad" ] && [ "$m" -eq "$n" ]; then
        pass "determinism: $desc: $n output files on $ncases cases byte-identical to gcc -O0"
    else
        fail "determinism: $desc differs from gcc -O0 ($m files, baseline $n): $(echo $bad | head -c 400)"
    fi
}

if ! command -v gcc >/dev/null 2>&1; then
    fail "determinism: gcc not installed"
    exit 1
fi
if ! build gcc-O0 gcc -O0 || ! run gcc-O0 "$work/gcc-O0/vik-ref"; then
    fail "determinism: no gcc -O0 baseline, nothing compared"
    exit 1
fi
n=$(find "$work/gcc-O0/out" -type f | wc -l)
pass "determinism: gcc -O0 baseline built and ran on $ncases cases ($n output files)"

check_build() {   # TAG DESC CC FLAGS...
    tag=$1 desc=$2
    shift 2
    build "$tag" "$@" && run "$tag" "$work/$tag/vik-ref" && compare "$tag" "$desc"
}

check_build gcc-O2 "gcc -O2" gcc -O2
# the models with every matrix product split by rows over 2 and 3 threads
# (VIK_THREADS, threshold 0): the other cases do not use threads, so their
# files are compared again, harmlessly
for n in 2 3; do
    if [ -x "$work/gcc-O2/vik-ref" ]; then
        VIK_THREADS=$n run "gcc-O2-t$n" "$work/gcc-O2/vik-ref" &&
            compare "gcc-O2-t$n" "gcc -O2, VIK_THREADS=$n"
    fi
done
check_build gcc-O3-native "gcc -O3 -march=native" gcc -O3 -march=native
if command -v clang >/dev/null 2>&1; then
    check_build clang-O2 "clang -O2" clang -O2
    check_build clang-O3-native "clang -O3 -march=native" clang -O3 -march=native
else
    echo "SKIP: determinism: clang -O2 and clang -O3 -march=native (clang not installed; CI/deps.sh installs it)"
fi
if [ -x build/vik-ref ]; then
    run make-default build/vik-ref &&
        compare make-default "build/vik-ref (make, CFLAGS)"
fi
exit $failed
