#!/bin/sh
# Bad input to the harness CLI (build/vik-ref, or $VIK_REF): every case must
# end with exit status 2 (never a crash, i.e. a status >= 128 or a sanitizer
# abort), a message on stderr naming the offending path, and no output file
# (OUT_DIR not created, or an existing OUT_DIR left empty, no temporaries).
# Cases: usage errors, missing or non-directory case dir, an OUT_DIR that is
# a file, and for the input file of each case kind (formats encode_input.npy,
# mx input.npy, linear x.npy / w.npy) a series of malformed .npy files
# (empty, not .npy, truncated preamble/header/data, trailing bytes, version
# 2.0, fortran order, wrong or big-endian dtype, bad header syntax, wrong
# rank). NaN inputs: refused where the kernel's precondition excludes them
# (linear, naming the element); accepted where the format defines them (MX:
# scale 255, the documented choice; formats: the NaN codes). The .npy reader
# on the same files is covered byte by byte in tests/test_npy.c and by
# fuzz/fuzz_npy. Prints PASS:/FAIL: lines for tests/run.sh.
cd "$(dirname "$0")/.." || exit 2
VIK=${VIK_REF:-build/vik-ref}
work=$(mktemp -d /tmp/vik-bad-input-XXXXXX) || exit 2
trap 'rm -rf "$work"' EXIT
failed=0

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }

if [ ! -x "$VIK" ]; then
    fail "bad input: $VIK is not built"
    exit 1
fi

# npy FILE DESCR SHAPE [FORTRAN [VERSION]]: a format 1.0 header of 118
# bytes (data at offset 128), data appended by the caller.
npy() {
    printf "\\223NUMPY\\00${5:-1}\\000\\166\\000" >"$1"
    printf "%-117s\n" "{'descr': '$2', 'fortran_order': ${4:-False}, 'shape': $3, }" >>"$1"
}
F1='\000\000\200\077'           # 1.0f, little-endian
FNAN='\000\000\300\177'         # quiet NaN
# floats FILE N BYTES: append N copies of the 4-byte pattern
floats() {
    i=0
    while [ "$i" -lt "$2" ]; do printf "$3" >>"$1"; i=$((i + 1)); done
}

# expect_bad DESC CASEDIR OUTDIR NAME_IN_MESSAGE: exit 2, stderr mentions the
# name, OUTDIR absent (or empty if it existed before).
expect_bad() {
    existed=0
    [ -d "$3" ] && existed=1
    "$VIK" "$2" "$3" >"$work/out.log" 2>"$work/err.log"
    rc=$?
    left=absent
    if [ -e "$3" ]; then
        left=$(ls -A "$3" 2>/dev/null | wc -l)
    fi
    want=absent
    [ "$existed" -eq 1 ] && want=0
    if [ "$rc" -eq 2 ] && [ -s "$work/err.log" ] && grep -qF -- "$4" "$work/err.log" &&
        [ "$left" = "$want" ] && [ ! -s "$work/out.log" ]; then
        pass "vik-ref $1: exit 2, message names $4, no output"
    else
        fail "vik-ref $1 (exit $rc, out dir: $left entries, want $want; stderr: $(head -c 300 "$work/err.log"))"
    fi
}

# ---- usage and directories ----
"$VIK" >/dev/null 2>"$work/err.log"; rc=$?
[ "$rc" -eq 2 ] && grep -q usage "$work/err.log" && pass "vik-ref with no argument: exit 2, usage" ||
    fail "vik-ref with no argument (exit $rc)"
"$VIK" a b c >/dev/null 2>"$work/err.log"; rc=$?
[ "$rc" -eq 2 ] && grep -q usage "$work/err.log" && pass "vik-ref with three arguments: exit 2, usage" ||
    fail "vik-ref with three arguments (exit $rc)"
expect_bad "on a missing case dir" "$work/nonexistent" "$work/out" "$work/nonexistent"
: >"$work/plainfile"
expect_bad "on a case dir that is a file" "$work/plainfile" "$work/out" "$work/plainfile"
mkdir "$work/empty"
expect_bad "on an empty case dir" "$work/empty" "$work/out" "no known case kind"
mkdir "$work/fmt"
npy "$work/fmt/encode_input.npy" '<f4' '(2,)'; floats "$work/fmt/encode_input.npy" 2 "$F1"
expect_bad "with OUT_DIR an existing file" "$work/fmt" "$work/plainfile/sub" "$work/plainfile"

# ---- malformed .npy files, for each case kind's input ----
# bad_npy KIND FILE: FILE (a path in a fresh case dir) gets each defect.
# A valid file of the right type for the kind is: float32, rank 2 [1, 32]
# (mx, linear), rank 1 [32] (formats).
bad_npy() {
    kind=$1 file=$2 shape=$3 n=$4
    dir=$(dirname "$file") name=$(basename "$file")
    : >"$file"
    expect_bad "$kind: empty $name" "$dir" "$work/out" "$name"
    printf 'x,y\n1,2\n' >"$file"
    expect_bad "$kind: $name not .npy (CSV)" "$dir" "$work/out" "$name"
    printf '\223NUMPY\001' >"$file"
    expect_bad "$kind: $name cut inside the preamble" "$dir" "$work/out" "$name"
    npy "$file" '<f4' "$shape"; head -c 60 "$file" >"$work/cut" && mv "$work/cut" "$file"
    expect_bad "$kind: $name cut inside the header" "$dir" "$work/out" "$name"
    npy "$file" '<f4' "$shape"; floats "$file" $((n - 1)) "$F1"
    expect_bad "$kind: $name data one element short" "$dir" "$work/out" "$name"
    npy "$file" '<f4' "$shape"; floats "$file" "$n" "$F1"; printf '\000' >>"$file"
    expect_bad "$kind: $name with a trailing byte" "$dir" "$work/out" "$name"
    npy "$file" '<f4' "$shape" False 2; floats "$file" "$n" "$F1"
    expect_bad "$kind: $name format version 2.0" "$dir" "$work/out" "$name"
    npy "$file" '<f4' "$shape" True; floats "$file" "$n" "$F1"
    expect_bad "$kind: $name fortran_order True" "$dir" "$work/out" "$name"
    npy "$file" '>f4' "$shape"; floats "$file" "$n" '\077\200\000\000'
    expect_bad "$kind: $name big-endian float32" "$dir" "$work/out" "$name"
    npy "$file" '<f8' "$shape"; floats "$file" "$((2 * n))" "$F1"
    expect_bad "$kind: $name float64 (wrong dtype)" "$dir" "$work/out" "$name"
    npy "$file" '|u1' "$shape"; floats "$file" "$((n / 4))" "$F1"
    expect_bad "$kind: $name uint8 (wrong dtype)" "$dir" "$work/out" "$name"
    npy "$file" '<f2' "$shape"; floats "$file" "$((n / 2))" "$F1"
    expect_bad "$kind: $name float16 (unsupported dtype)" "$dir" "$work/out" "$name"
    npy "$file" '<f4' "[$n]"; floats "$file" "$n" "$F1"
    expect_bad "$kind: $name shape a list, not a tuple" "$dir" "$work/out" "$name"
    npy "$file" '<f4' "(-$n,)"; floats "$file" "$n" "$F1"
    expect_bad "$kind: $name negative dimension" "$dir" "$work/out" "$name"
    npy "$file" '<f4' '(99999999999999999999999,)'
    expect_bad "$kind: $name dimension beyond size_t" "$dir" "$work/out" "$name"
    npy "$file" '<f4' "(1, 1, $n)"; floats "$file" "$n" "$F1"
    expect_bad "$kind: $name rank 3" "$dir" "$work/out" "$name"
    # and once with an existing, empty OUT_DIR: it must stay empty
    mkdir -p "$work/out"
    npy "$file" '<f4' "$shape"; floats "$file" $((n - 1)) "$F1"
    expect_bad "$kind: $name data short, existing OUT_DIR stays empty" "$dir" "$work/out" "$name"
    rmdir "$work/out"
}

bad_npy formats "$work/fmt/encode_input.npy" '(32,)' 32
mkdir "$work/mx"
bad_npy mx "$work/mx/input.npy" '(1, 32)' 32
mkdir "$work/lin"
npy "$work/lin/w.npy" '<f4' '(2, 32)'; floats "$work/lin/w.npy" 64 "$F1"
bad_npy "linear (x)" "$work/lin/x.npy" '(1, 32)' 32
npy "$work/lin/x.npy" '<f4' '(1, 32)'; floats "$work/lin/x.npy" 32 "$F1"
bad_npy "linear (w)" "$work/lin/w.npy" '(2, 16)' 32

# ---- NaN inputs ----
npy "$work/lin/w.npy" '<f4' '(2, 32)'; floats "$work/lin/w.npy" 63 "$F1"; printf "$FNAN" >>"$work/lin/w.npy"
expect_bad "linear: NaN in w.npy [1, 31]" "$work/lin" "$work/out" "w.npy: element [1, 31]"

# MX: a NaN makes its block's scale 255 (the documented choice), the other
# block quantizes normally.
npy "$work/mx/input.npy" '<f4' '(2, 32)'; floats "$work/mx/input.npy" 5 "$F1"
printf "$FNAN" >>"$work/mx/input.npy"; floats "$work/mx/input.npy" 58 "$F1"
if "$VIK" "$work/mx" "$work/out" >/dev/null 2>"$work/err.log"; then
    s=$(tail -c 2 "$work/out/mxfp4_scales.npy" | od -An -tu1 | tr -s ' ')
    s8=$(tail -c 2 "$work/out/mxfp8_e4m3_scales.npy" | od -An -tu1 | tr -s ' ')
    # block 1 is all 1.0: scale 2^(0 - emax), codes 127 - 2 (E2M1), 127 - 8 (E4M3)
    [ "$s" = " 255 125" ] && [ "$s8" = " 255 119" ] &&
        pass "vik-ref mx: a NaN block gets scale 255, the finite block its OCP scale" ||
        fail "vik-ref mx: scales of [NaN block, 1.0 block]: mxfp4 '$s', mxfp8 '$s8', want ' 255 125', ' 255 119'"
else
    fail "vik-ref mx with a NaN block exits $? ($(head -c 300 "$work/err.log"))"
fi
rm -rf "$work/out"

# formats: NaN is an input like any other (encodes to the NaN codes).
npy "$work/fmt/encode_input.npy" '<f4' '(2,)'; printf "$FNAN$F1" >>"$work/fmt/encode_input.npy"
if "$VIK" "$work/fmt" "$work/out" >/dev/null 2>"$work/err.log"; then
    e=$(tail -c 2 "$work/out/e4m3_encode_rne.npy" | od -An -tu1 | tr -s ' ')
    [ "$e" = " 127 56" ] && pass "vik-ref formats: NaN encodes to E4M3 0x7F, 1.0 to 0x38" ||
        fail "vik-ref formats: E4M3 of NaN, 1.0 = '$e', want ' 127 56'"
else
    fail "vik-ref formats with a NaN input exits $? ($(head -c 300 "$work/err.log"))"
fi

[ "$failed" -eq 0 ]
