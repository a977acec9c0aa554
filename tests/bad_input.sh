#!/bin/sh
# Bad input to the harness CLI (build/vik-ref, or $VIK_REF): every case must
# end with exit status 2 (never a crash, i.e. a status >= 128 or a sanitizer
# abort), a message on stderr naming the offending path, and no output file
# (OUT_DIR not created, or an existing OUT_DIR left empty, no temporaries).
# Cases: usage errors, missing or non-directory case dir, an OUT_DIR that is
# a file, and for every input file of each case kind (formats
# encode_input.npy, mx input.npy, linear x.npy / w.npy, softmax and silu
# x.npy, swiglu gate.npy / up.npy, rmsnorm x.npy / w.npy, rope x.npy /
# pos.npy, attention q.npy / k.npy / v.npy / sinks.npy) a series of
# malformed .npy files (empty, not .npy, truncated preamble/header/data,
# trailing bytes, version 2.0, fortran order, wrong or big-endian dtype, bad
# header syntax, wrong rank). NaN inputs: refused where the kernel's
# precondition excludes them (linear and the nn/attention kinds, naming the
# element, as are inf and values past the kernel's bound: 2^20 linear,
# RMSNorm, attention q/k/v; 2^60 SwiGLU, sinks; 2^100 softmax, where -inf is
# a masked entry and accepted; 2^120 SiLU, RoPE); accepted where the format
# defines them (MX: scale 255, the documented choice; formats: the NaN
# codes). Shapes that disagree, RoPE positions outside [0, 2^20), and for
# attention a missing or malformed meta.json (not an object, truncated,
# trailing text, missing or duplicate key, wrong types, numbers out of range,
# bad strings, too deep, too large, control or NUL bytes) or one that
# disagrees with the arrays. MoE (logits.npy, bias.npy, meta.json): NaN,
# inf and |x| > 2^100 logits refused (-inf accepted by the softmax-top-k
# rule only), biases NaN, inf or past 2^20; an unknown rule, k or E outside
# moe.h's limits or disagreeing with logits, bias present for a rule
# without one or absent for DeepSeek, DeepSeek group numbers outside
# ds_dims and routed scaling factors outside (0, 1024] (as float32), and
# malformed meta.json. Each kind's valid base case is checked to run
# first, so the refusals are the defect's doing. The .npy reader
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
# bad_npy KIND FILE SHAPE N [RANKBAD [DESCR [PATTERN]]]: FILE (a path in a
# case dir that is otherwise valid) gets each defect in turn. A valid FILE
# is DESCR (default '<f4') with shape SHAPE (N elements, N a multiple of 4),
# data N copies of the 4-byte PATTERN (default 1.0f); RANKBAD is a shape of
# the wrong rank (default (1, 1, N)).
bad_npy() {
    kind=$1 file=$2 shape=$3 n=$4 rankbad=${5:-"(1, 1, $4)"} descr=${6:-'<f4'} pat=${7:-$F1}
    dir=$(dirname "$file") name=$(basename "$file")
    : >"$file"
    expect_bad "$kind: empty $name" "$dir" "$work/out" "$name"
    printf 'x,y\n1,2\n' >"$file"
    expect_bad "$kind: $name not .npy (CSV)" "$dir" "$work/out" "$name"
    printf '\223NUMPY\001' >"$file"
    expect_bad "$kind: $name cut inside the preamble" "$dir" "$work/out" "$name"
    npy "$file" "$descr" "$shape"; head -c 60 "$file" >"$work/cut" && mv "$work/cut" "$file"
    expect_bad "$kind: $name cut inside the header" "$dir" "$work/out" "$name"
    npy "$file" "$descr" "$shape"; floats "$file" $((n - 1)) "$pat"
    expect_bad "$kind: $name data one element short" "$dir" "$work/out" "$name"
    npy "$file" "$descr" "$shape"; floats "$file" "$n" "$pat"; printf '\000' >>"$file"
    expect_bad "$kind: $name with a trailing byte" "$dir" "$work/out" "$name"
    npy "$file" "$descr" "$shape" False 2; floats "$file" "$n" "$pat"
    expect_bad "$kind: $name format version 2.0" "$dir" "$work/out" "$name"
    npy "$file" "$descr" "$shape" True; floats "$file" "$n" "$pat"
    expect_bad "$kind: $name fortran_order True" "$dir" "$work/out" "$name"
    npy "$file" ">${descr#<}" "$shape"; floats "$file" "$n" '\077\200\000\000'
    expect_bad "$kind: $name big-endian ${descr#<}" "$dir" "$work/out" "$name"
    npy "$file" '<f8' "$shape"; floats "$file" "$((2 * n))" "$F1"
    expect_bad "$kind: $name float64 (wrong dtype)" "$dir" "$work/out" "$name"
    npy "$file" '|u1' "$shape"; floats "$file" "$((n / 4))" "$F1"
    expect_bad "$kind: $name uint8 (wrong dtype)" "$dir" "$work/out" "$name"
    npy "$file" '<f2' "$shape"; floats "$file" "$((n / 2))" "$F1"
    expect_bad "$kind: $name float16 (unsupported dtype)" "$dir" "$work/out" "$name"
    npy "$file" "$descr" "[$n]"; floats "$file" "$n" "$pat"
    expect_bad "$kind: $name shape a list, not a tuple" "$dir" "$work/out" "$name"
    npy "$file" "$descr" "(-$n,)"; floats "$file" "$n" "$pat"
    expect_bad "$kind: $name negative dimension" "$dir" "$work/out" "$name"
    npy "$file" "$descr" '(99999999999999999999999,)'
    expect_bad "$kind: $name dimension beyond size_t" "$dir" "$work/out" "$name"
    npy "$file" "$descr" "$rankbad"; floats "$file" "$n" "$pat"
    expect_bad "$kind: $name wrong rank $rankbad" "$dir" "$work/out" "$name"
    # and once with an existing, empty OUT_DIR: it must stay empty
    mkdir -p "$work/out"
    npy "$file" "$descr" "$shape"; floats "$file" $((n - 1)) "$pat"
    expect_bad "$kind: $name data short, existing OUT_DIR stays empty" "$dir" "$work/out" "$name"
    rmdir "$work/out"
    # leave FILE valid for the next caller
    npy "$file" "$descr" "$shape"; floats "$file" "$n" "$pat"
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

# ---- the kernels of nn.h and attn.h: softmax, silu, swiglu, rmsnorm,
# rope, attention. Each case dir is first checked valid (exit 0, its
# outputs), then each input file gets the malformed .npy series, then
# out-of-domain values (NaN, inf, past the kernel's bound: refused, naming
# the element), wrong shapes, and for attention malformed meta.json. ----

rm -rf "$work/out"

# expect_ok DESC CASEDIR OUTPUT...: exit 0 and exactly the named outputs.
expect_ok() {
    desc=$1 dir=$2
    shift 2
    rm -rf "$work/ok"
    "$VIK" "$dir" "$work/ok" >"$work/out.log" 2>"$work/err.log"
    rc=$?
    missing=""
    for f in "$@"; do [ -f "$work/ok/$f" ] || missing="$missing $f"; done
    n=$(ls -A "$work/ok" 2>/dev/null | wc -l)
    if [ "$rc" -eq 0 ] && [ -z "$missing" ] && [ "$n" -eq "$#" ]; then
        pass "vik-ref $desc: exit 0, writes exactly $*"
    else
        fail "vik-ref $desc (exit $rc, $n files, missing:$missing; stderr: $(head -c 300 "$work/err.log"))"
    fi
    rm -rf "$work/ok"
}

# f32file FILE SHAPE N [PATTERN]: a valid float32 file of N copies.
f32file() { npy "$1" '<f4' "$2"; floats "$1" "$3" "${4:-$F1}"; }
# f32with FILE SHAPE N K PATTERN: N elements, element K (0-based) PATTERN,
# the others 1.0f.
f32with() {
    npy "$1" '<f4' "$2"; floats "$1" "$4" "$F1"; printf "$5" >>"$1"
    floats "$1" $(($3 - $4 - 1)) "$F1"
}
FINF='\000\000\200\177'         # +inf
FMINF='\000\000\200\377'        # -inf
P20='\001\000\200\111'          # 2^20 (1 + 2^-23)
P60='\001\000\200\135'          # 2^60 (1 + 2^-23)
P100='\001\000\200\161'         # 2^100 (1 + 2^-23)
P120='\001\000\200\173'         # 2^120 (1 + 2^-23)
I0='\000\000\000\000'           # int32 0

# softmax: x [rows, n] in a dir named softmax*
mkdir "$work/softmax_a"
f32file "$work/softmax_a/x.npy" '(1, 32)' 32
expect_ok "softmax: x [1, 32]" "$work/softmax_a" y64.npy
bad_npy softmax "$work/softmax_a/x.npy" '(1, 32)' 32
f32with "$work/softmax_a/x.npy" '(2, 16)' 32 20 "$FMINF"
expect_ok "softmax: a -inf entry (masked) is accepted" "$work/softmax_a" y64.npy
f32with "$work/softmax_a/x.npy" '(2, 16)' 32 20 "$FNAN"
expect_bad "softmax: NaN in x [1, 4]" "$work/softmax_a" "$work/out" "x.npy: element [1, 4] = nan is NaN"
f32with "$work/softmax_a/x.npy" '(2, 16)' 32 3 "$FINF"
expect_bad "softmax: +inf in x [0, 3]" "$work/softmax_a" "$work/out" "x.npy: element [0, 3] = inf is infinite"
f32with "$work/softmax_a/x.npy" '(2, 16)' 32 31 "$P100"
expect_bad "softmax: x [1, 15] = 2^100 (1 + 2^-23) > 2^100" "$work/softmax_a" "$work/out" "x.npy: element [1, 15]"
f32file "$work/softmax_a/x.npy" '(0, 32)' 0
expect_bad "softmax: x [0, 32] (empty)" "$work/softmax_a" "$work/out" "x.npy: shape [0, 32] has an empty dimension"
f32file "$work/softmax_a/x.npy" '(1, 65537)' 65537
expect_bad "softmax: rows of 65537 > VIK_NN_MAX" "$work/softmax_a" "$work/out" "x.npy: rows of n = 65537"
mkdir "$work/neither"
f32file "$work/neither/x.npy" '(1, 32)' 32
expect_bad "x.npy alone in a dir named neither softmax* nor silu*" "$work/neither" "$work/out" "no known case kind"

# silu: x [rows, n] in a dir named silu*
mkdir "$work/silu_a"
f32file "$work/silu_a/x.npy" '(1, 32)' 32
expect_ok "silu: x [1, 32]" "$work/silu_a" y64.npy
bad_npy silu "$work/silu_a/x.npy" '(1, 32)' 32
f32with "$work/silu_a/x.npy" '(4, 8)' 32 9 "$FNAN"
expect_bad "silu: NaN in x [1, 1]" "$work/silu_a" "$work/out" "x.npy: element [1, 1]"
f32with "$work/silu_a/x.npy" '(4, 8)' 32 0 "$FMINF"
expect_bad "silu: -inf in x [0, 0]" "$work/silu_a" "$work/out" "x.npy: element [0, 0] = -inf is infinite"
f32with "$work/silu_a/x.npy" '(4, 8)' 32 31 "$P120"
expect_bad "silu: x [3, 7] = 2^120 (1 + 2^-23) > 2^120" "$work/silu_a" "$work/out" "x.npy: element [3, 7]"

# swiglu: gate, up [rows, n]
mkdir "$work/swiglu"
f32file "$work/swiglu/gate.npy" '(1, 32)' 32
f32file "$work/swiglu/up.npy" '(1, 32)' 32
expect_ok "swiglu: gate, up [1, 32]" "$work/swiglu" y64.npy
bad_npy "swiglu (gate)" "$work/swiglu/gate.npy" '(1, 32)' 32
bad_npy "swiglu (up)" "$work/swiglu/up.npy" '(1, 32)' 32
f32with "$work/swiglu/gate.npy" '(1, 32)' 32 7 "$P60"
expect_bad "swiglu: gate [0, 7] = 2^60 (1 + 2^-23) > 2^60" "$work/swiglu" "$work/out" "gate.npy: element [0, 7]"
f32file "$work/swiglu/gate.npy" '(1, 32)' 32
f32with "$work/swiglu/up.npy" '(1, 32)' 32 30 "$FNAN"
expect_bad "swiglu: NaN in up [0, 30]" "$work/swiglu" "$work/out" "up.npy: element [0, 30]"
f32file "$work/swiglu/up.npy" '(2, 16)' 32
expect_bad "swiglu: gate [1, 32] and up [2, 16]" "$work/swiglu" "$work/out" "want the same shape"
rm "$work/swiglu/up.npy"
expect_bad "swiglu: up.npy missing" "$work/swiglu" "$work/out" "up.npy"

# rmsnorm: x [T, n], w [n] (1-D w: not linear)
mkdir "$work/rms"
f32file "$work/rms/x.npy" '(1, 32)' 32
f32file "$work/rms/w.npy" '(32,)' 32
expect_ok "rmsnorm: x [1, 32], w [32]" "$work/rms" y64.npy
bad_npy "rmsnorm (x)" "$work/rms/x.npy" '(1, 32)' 32
bad_npy "rmsnorm (w)" "$work/rms/w.npy" '(32,)' 32
f32with "$work/rms/x.npy" '(1, 32)' 32 12 "$P20"
expect_bad "rmsnorm: x [0, 12] = 2^20 (1 + 2^-23) > 2^20" "$work/rms" "$work/out" "x.npy: element [0, 12]"
f32file "$work/rms/x.npy" '(1, 32)' 32
f32with "$work/rms/w.npy" '(32,)' 32 5 "$FNAN"
expect_bad "rmsnorm: NaN in w [5]" "$work/rms" "$work/out" "w.npy: element [5]"
f32file "$work/rms/w.npy" '(28,)' 28
expect_bad "rmsnorm: x [1, 32] with w [28]" "$work/rms" "$work/out" "w.npy [28]"

# rope: x [T, H, D], pos int32 [T]
mkdir "$work/rope"
f32file "$work/rope/x.npy" '(4, 1, 8)' 32
npy "$work/rope/pos.npy" '<i4' '(4,)'; floats "$work/rope/pos.npy" 4 "$I0"
expect_ok "rope: x [4, 1, 8], pos [4]" "$work/rope" y64_halves.npy y64_interleaved.npy
bad_npy "rope (x)" "$work/rope/x.npy" '(4, 1, 8)' 32 '(4, 8)'
bad_npy "rope (pos)" "$work/rope/pos.npy" '(4,)' 4 '(4, 1)' '<i4' "$I0"
npy "$work/rope/pos.npy" '<i4' '(4,)'; floats "$work/rope/pos.npy" 2 "$I0"
printf '\377\377\377\377' >>"$work/rope/pos.npy"; floats "$work/rope/pos.npy" 1 "$I0"
expect_bad "rope: pos [2] = -1" "$work/rope" "$work/out" "pos.npy: element [2] = -1"
npy "$work/rope/pos.npy" '<i4' '(4,)'; printf '\000\000\020\000' >>"$work/rope/pos.npy"
floats "$work/rope/pos.npy" 3 "$I0"
expect_bad "rope: pos [0] = 2^20" "$work/rope" "$work/out" "pos.npy: element [0] = 1048576"
npy "$work/rope/pos.npy" '<i4' '(3,)'; floats "$work/rope/pos.npy" 3 "$I0"
expect_bad "rope: x has 4 tokens, pos 3" "$work/rope" "$work/out" "pos.npy 3 positions"
npy "$work/rope/pos.npy" '<i4' '(4,)'; floats "$work/rope/pos.npy" 4 "$I0"
f32with "$work/rope/x.npy" '(4, 1, 8)' 32 17 "$FNAN"
expect_bad "rope: NaN in x [2, 0, 1]" "$work/rope" "$work/out" "x.npy: element [2, 0, 1]"
f32with "$work/rope/x.npy" '(4, 1, 8)' 32 17 "$P120"
expect_bad "rope: x [2, 0, 1] > 2^120" "$work/rope" "$work/out" "x.npy: element [2, 0, 1]"
f32file "$work/rope/x.npy" '(4, 4, 7)' 112
expect_bad "rope: D = 7 (odd)" "$work/rope" "$work/out" "D = 7"

# attention: q [Hq, Tq, D], k, v [Hkv, S, D], sinks [Hq], meta.json
A=$work/attn
mkdir "$A"
META='{"Hq": 4, "Hkv": 2, "Tq": 1, "S": 2, "Dh": 8, "causal": true, "qpos0": 1, "window": 0, "sinks": true}'
attn_base() {
    f32file "$A/q.npy" '(4, 1, 8)' 32
    f32file "$A/k.npy" '(2, 2, 8)' 32
    f32file "$A/v.npy" '(2, 2, 8)' 32
    f32file "$A/sinks.npy" '(4,)' 4
    printf '%s' "$META" >"$A/meta.json"
}
attn_base
expect_ok "attention: q [4, 1, 8], k, v [2, 2, 8], sinks, meta.json" "$A" out64.npy
bad_npy "attention (q)" "$A/q.npy" '(4, 1, 8)' 32 '(4, 8)'
bad_npy "attention (k)" "$A/k.npy" '(2, 2, 8)' 32 '(2, 16)'
bad_npy "attention (v)" "$A/v.npy" '(2, 2, 8)' 32 '(2, 2, 2, 4)'
bad_npy "attention (sinks)" "$A/sinks.npy" '(4,)' 4 '(4, 1)'
f32with "$A/q.npy" '(4, 1, 8)' 32 9 "$FNAN"
expect_bad "attention: NaN in q [1, 0, 1]" "$A" "$work/out" "q.npy: element [1, 0, 1]"
attn_base; f32with "$A/k.npy" '(2, 2, 8)' 32 31 "$FINF"
expect_bad "attention: +inf in k [1, 1, 7]" "$A" "$work/out" "k.npy: element [1, 1, 7] = inf"
attn_base; f32with "$A/v.npy" '(2, 2, 8)' 32 0 "$P20"
expect_bad "attention: v [0, 0, 0] = 2^20 (1 + 2^-23) > 2^20" "$A" "$work/out" "v.npy: element [0, 0, 0]"
attn_base; f32with "$A/sinks.npy" '(4,)' 4 3 "$P60"
expect_bad "attention: sink [3] > 2^60" "$A" "$work/out" "sinks.npy: element [3]"
attn_base; f32with "$A/sinks.npy" '(4,)' 4 0 "$FMINF"
expect_bad "attention: sink [0] = -inf" "$A" "$work/out" "sinks.npy: element [0] = -inf"
# shapes against each other and the contract
attn_base; f32file "$A/v.npy" '(2, 4, 4)' 32
expect_bad "attention: k [2, 2, 8], v [2, 4, 4]" "$A" "$work/out" "want q [Hq, Tq, D], k and v [Hkv, S, D]"
attn_base; f32file "$A/sinks.npy" '(8,)' 8
expect_bad "attention: 8 sinks for 4 heads" "$A" "$work/out" "sinks.npy: 8 sinks"
attn_base; f32file "$A/q.npy" '(3, 1, 8)' 24
printf '%s' '{"Hq": 3, "Hkv": 2, "Dh": 8, "causal": true, "qpos0": 1, "window": 0, "sinks": false}' >"$A/meta.json"
rm "$A/sinks.npy"
expect_bad "attention: Hq 3 not a multiple of Hkv 2" "$A" "$work/out" "multiple of Hkv"
attn_base; rm "$A/sinks.npy"
printf '%s' '{"Hq": 4, "Hkv": 2, "Dh": 8, "causal": true, "qpos0": 2, "window": 0, "sinks": false}' >"$A/meta.json"
expect_bad "attention: qpos0 = S = 2" "$A" "$work/out" "qpos0 = 2"
attn_base; f32file "$A/q.npy" '(4, 2, 8)' 64
printf '%s' '{"Hq": 4, "Hkv": 2, "Dh": 8, "causal": true, "qpos0": 1, "window": 0, "sinks": true}' >"$A/meta.json"
expect_bad "attention: Tq = 2 > S - qpos0 = 1" "$A" "$work/out" "the cache k, v holds positions 0 .. S - 1 = 1"
attn_base; rm "$A/k.npy"
expect_bad "attention: k.npy missing" "$A" "$work/out" "k.npy"
# meta.json against the files
attn_base; rm "$A/sinks.npy"
expect_bad "attention: meta sinks true, sinks.npy absent" "$A" "$work/out" "sinks.npy is absent"
attn_base; printf '%s' "${META%true\}}false}" >"$A/meta.json"
expect_bad "attention: meta sinks false, sinks.npy present" "$A" "$work/out" "sinks.npy is present"
attn_base; printf '%s' "$(echo "$META" | sed 's/"Hq": 4/"Hq": 8/')" >"$A/meta.json"
expect_bad "attention: meta Hq 8, q has 4 heads" "$A" "$work/out" "disagree with q.npy"
attn_base; printf '%s' "$(echo "$META" | sed 's/"S": 2/"S": 3/')" >"$A/meta.json"
expect_bad "attention: meta S 3, k holds 2" "$A" "$work/out" "disagree with q.npy"
attn_base; printf '%s' "$(echo "$META" | sed 's/"causal": true/"causal": false/')" >"$A/meta.json"
expect_bad "attention: causal false" "$A" "$work/out" "causal only"
# malformed meta.json: each exits 2 naming meta.json
attn_base; rm "$A/meta.json"
expect_bad "attention: meta.json missing" "$A" "$work/out" "meta.json"
# bad_meta DESC TEXT [MESSAGE]: meta.json holding TEXT is refused.
bad_meta() {
    attn_base
    printf '%s' "$2" >"$A/meta.json"
    expect_bad "attention: meta.json $1" "$A" "$work/out" "meta.json: byte ${3:-}"
}
bad_meta "empty" ''
bad_meta "not JSON" 'Hq=4'
bad_meta "an array" '[4, 2, 8]'
bad_meta "cut short" '{"Hq": 4, "Hkv": 2'
bad_meta "with trailing text" "$META x"
bad_meta "with two objects" "$META$META"
bad_meta "without qpos0" '{"Hq": 4, "Hkv": 2, "Dh": 8, "causal": true, "window": 0, "sinks": true}'
bad_meta "with Hq twice" '{"Hq": 4, "Hq": 4, "Hkv": 2, "Dh": 8, "causal": true, "qpos0": 1, "window": 0, "sinks": true}'
bad_meta "Hq a string" "$(echo "$META" | sed 's/"Hq": 4/"Hq": "4"/')"
bad_meta "Hq 4.0" "$(echo "$META" | sed 's/"Hq": 4/"Hq": 4.0/')"
bad_meta "Hq 4e0" "$(echo "$META" | sed 's/"Hq": 4/"Hq": 4e0/')"
bad_meta "Hq -4" "$(echo "$META" | sed 's/"Hq": 4/"Hq": -4/')"
bad_meta "Hq 04" "$(echo "$META" | sed 's/"Hq": 4/"Hq": 04/')"
bad_meta "window 2^32" "$(echo "$META" | sed 's/"window": 0/"window": 4294967296/')"
bad_meta "window 10^30" "$(echo "$META" | sed 's/"window": 0/"window": 1000000000000000000000000000000/')"
bad_meta "causal 1" "$(echo "$META" | sed 's/"causal": true/"causal": 1/')"
bad_meta "causal True" "$(echo "$META" | sed 's/"causal": true/"causal": True/')"
bad_meta "single quotes" "$(echo "$META" | tr '"' "'")"
bad_meta "a missing comma" "$(echo "$META" | sed 's/, "Dh"/ "Dh"/')"
bad_meta "a trailing comma" "$(echo "$META" | sed 's/}$/, }/')"
bad_meta "an unterminated string" '{"Hq": 4, "name": "abc'
bad_meta "a bad escape" "$(echo "$META" | sed 's/^{/{"n": "a\\qb", /')"
bad_meta "an unknown value nested 40 deep" "{\"x\": $(printf '[%.0s' $(seq 40))$(printf ']%.0s' $(seq 40)), ${META#\{}"
attn_base; printf '{"Hq": 4,\001 "Hkv": 2}' >"$A/meta.json"
expect_bad "attention: meta.json with a control byte" "$A" "$work/out" "meta.json: byte"
attn_base; printf '{"Hq": 4, "n": "a\001b"}' >"$A/meta.json"
expect_bad "attention: meta.json with a control byte in a string" "$A" "$work/out" "control character"
attn_base; printf '{"Hq": 4\000, "Hkv": 2}' >"$A/meta.json"
expect_bad "attention: meta.json with a NUL byte" "$A" "$work/out" "meta.json: byte 8"
attn_base; head -c 70000 /dev/zero | tr '\0' ' ' >"$A/meta.json"
expect_bad "attention: meta.json of 70000 bytes" "$A" "$work/out" "larger than 65536 bytes"
# accepted: other keys of any JSON type, any key order, whitespace, escapes
attn_base
printf '%s' ' { "note": "a \"b\" \\u00e9 \n", "list": [1, -2.5e3, {"k": [true, false, null]}], "sinks": true, "window": 0,
  "qpos0": 1, "causal": true, "Dh": 8, "Hkv": 2, "Hq": 4, "extra": {} }  ' >"$A/meta.json"
expect_ok "attention: meta.json with extra keys of every JSON type, reordered" "$A" out64.npy

# moe: logits [T, E], meta.json {rule, E, k; DeepSeek n_group, topk_group,
# routed_scaling_factor}, bias [E] for DeepSeek only. Outputs idx.npy and
# weight64.npy.
M=$work/moe
mkdir "$M"
MIX='{"E": 8, "k": 2, "rule": "softmax, topk, renormalize"}'
DS='{"E": 8, "k": 2, "n_group": 4, "topk_group": 2, "routed_scaling_factor": 2.5, "rule": "sigmoid; select on sigmoid+bias within top groups (group score = sum of top-2); weights = sigmoid normalized * rsf"}'
moe_base() {   # [META]: logits [4, 8] of 1.0, meta.json (default MIX), no bias
    f32file "$M/logits.npy" '(4, 8)' 32
    rm -f "$M/bias.npy"
    printf '%s' "${1:-$MIX}" >"$M/meta.json"
}
ds_base() {    # [META]: a DeepSeek case, bias [8] of 1.0
    moe_base "${1:-$DS}"
    f32file "$M/bias.npy" '(8,)' 8
}
moe_base
expect_ok "moe (Mixtral rule): logits [4, 8], meta.json" "$M" idx.npy weight64.npy
for rule in "softmax, topk, no renormalization" "topk on logits, softmax over selected" \
    mixtral qwen_nonorm gptoss; do
    moe_base "{\"E\": 8, \"k\": 2, \"rule\": \"$rule\"}"
    expect_ok "moe: rule \"$rule\"" "$M" idx.npy weight64.npy
done
ds_base
expect_ok "moe (DeepSeek-V3 rule): logits [4, 8], bias [8], meta.json" "$M" idx.npy weight64.npy
ds_base "$(echo "$DS" | sed 's/"rule": ".*"/"rule": "deepseek_v3"/')"
expect_ok "moe: rule \"deepseek_v3\"" "$M" idx.npy weight64.npy
moe_base
bad_npy "moe (logits)" "$M/logits.npy" '(4, 8)' 32 '(32,)'
ds_base
bad_npy "moe DeepSeek (bias)" "$M/bias.npy" '(8,)' 8 '(8, 1)'
# values outside the routers' domain
moe_base; f32with "$M/logits.npy" '(4, 8)' 32 13 "$FNAN"
expect_bad "moe: NaN in logits [1, 5]" "$M" "$work/out" "logits.npy: element [1, 5] = nan is NaN"
moe_base; f32with "$M/logits.npy" '(4, 8)' 32 31 "$FINF"
expect_bad "moe: +inf in logits [3, 7]" "$M" "$work/out" "logits.npy: element [3, 7] = inf is infinite"
moe_base; f32with "$M/logits.npy" '(4, 8)' 32 0 "$P100"
expect_bad "moe: logits [0, 0] = 2^100 (1 + 2^-23) > 2^100" "$M" "$work/out" "logits.npy: element [0, 0]"
moe_base; f32with "$M/logits.npy" '(4, 8)' 32 9 "$FMINF"
expect_ok "moe (softmax-top-k): a -inf logit (masked) is accepted" "$M" idx.npy weight64.npy
moe_base '{"E": 8, "k": 2, "rule": "gptoss"}'; f32with "$M/logits.npy" '(4, 8)' 32 9 "$FMINF"
expect_bad "moe (gpt-oss): a -inf logit" "$M" "$work/out" "logits.npy: element [1, 1] = -inf is infinite; vik_route_topk_softmax"
ds_base; f32with "$M/logits.npy" '(4, 8)' 32 9 "$FMINF"
expect_bad "moe (DeepSeek): a -inf logit" "$M" "$work/out" "logits.npy: element [1, 1] = -inf is infinite; vik_route_deepseek"
ds_base; f32with "$M/logits.npy" '(4, 8)' 32 30 "$FNAN"
expect_bad "moe (DeepSeek): NaN in logits [3, 6]" "$M" "$work/out" "logits.npy: element [3, 6]"
ds_base; f32with "$M/bias.npy" '(8,)' 8 3 "$FNAN"
expect_bad "moe (DeepSeek): NaN in bias [3]" "$M" "$work/out" "bias.npy: element [3] = nan"
ds_base; f32with "$M/bias.npy" '(8,)' 8 7 "$P20"
expect_bad "moe (DeepSeek): bias [7] = 2^20 (1 + 2^-23) > 2^20" "$M" "$work/out" "bias.npy: element [7]"
ds_base; f32with "$M/bias.npy" '(8,)' 8 0 "$FMINF"
expect_bad "moe (DeepSeek): bias [0] = -inf" "$M" "$work/out" "bias.npy: element [0] = -inf"
# shapes
moe_base; f32file "$M/logits.npy" '(0, 8)' 0
expect_bad "moe: logits [0, 8] (empty)" "$M" "$work/out" "logits.npy: shape [0, 8] has an empty dimension"
moe_base; f32file "$M/logits.npy" '(4, 4)' 16
expect_bad "moe: meta E 8, logits [4, 4]" "$M" "$work/out" "E = 8, but logits.npy has 4 experts"
moe_base '{"E": 516, "k": 2, "rule": "mixtral"}'; f32file "$M/logits.npy" '(1, 516)' 516
expect_bad "moe: E = 516 > 512" "$M" "$work/out" "E = 516, k = 2"
moe_base '{"E": 8, "k": 0, "rule": "mixtral"}'
expect_bad "moe: k = 0" "$M" "$work/out" "k = 0"
moe_base '{"E": 8, "k": 9, "rule": "mixtral"}'
expect_bad "moe: k = 9 > E = 8" "$M" "$work/out" "k = 9"
moe_base '{"E": 40, "k": 33, "rule": "mixtral"}'; f32file "$M/logits.npy" '(1, 40)' 40
expect_bad "moe: k = 33 > 32" "$M" "$work/out" "k = 33"
ds_base; f32file "$M/bias.npy" '(12,)' 12
expect_bad "moe (DeepSeek): 12 biases for E = 8" "$M" "$work/out" "bias.npy: 12 biases for E = 8"
ds_base; rm "$M/bias.npy"
expect_bad "moe (DeepSeek): bias.npy missing" "$M" "$work/out" "bias.npy: absent"
moe_base; f32file "$M/bias.npy" '(8,)' 8
expect_bad "moe (Mixtral): a bias.npy" "$M" "$work/out" "takes no bias"
moe_base; f32file "$M/q.npy" '(1, 1, 8)' 8
expect_bad "moe: logits.npy and q.npy (attention) together" "$M" "$work/out" "ambiguous case"
rm -f "$M/q.npy"
# the rule and the DeepSeek numbers
bad_moe() {    # DESC META MESSAGE [ds]: meta.json holding META is refused
    if [ -n "${4:-}" ]; then ds_base "$2"; else moe_base "$2"; fi
    expect_bad "moe: meta.json $1" "$M" "$work/out" "$3"
}
bad_moe "unknown rule" '{"E": 8, "k": 2, "rule": "softmax"}' 'unknown rule "softmax"'
bad_moe "rule with a different case" '{"E": 8, "k": 2, "rule": "Mixtral"}' 'unknown rule "Mixtral"'
bad_moe "rule with an escape" '{"E": 8, "k": 2, "rule": "mi\u0078tral"}' 'unknown rule "mi?tral"'
bad_moe "rule a number" '{"E": 8, "k": 2, "rule": 3}' 'want a string (key "rule")'
bad_moe "rule of 300 bytes" "{\"E\": 8, \"k\": 2, \"rule\": \"$(printf 'a%.0s' $(seq 300))\"}" 'string longer than 255 bytes'
bad_moe "without rule" '{"E": 8, "k": 2}' 'required key missing (key "rule")'
bad_moe "without k" '{"E": 8, "rule": "mixtral"}' 'required key missing (key "k")'
bad_moe "k a string" '{"E": 8, "k": "2", "rule": "mixtral"}' 'want an integer (key "k")'
bad_moe "k -2" '{"E": 8, "k": -2, "rule": "mixtral"}' 'key "k"'
bad_moe "with rule twice" '{"E": 8, "k": 2, "rule": "mixtral", "rule": "gptoss"}' 'duplicate key'
bad_moe "cut short" '{"E": 8, "k": 2, "rule": "mix' 'meta.json: byte'
bad_moe "with trailing text" "$MIX x" 'trailing characters'
bad_moe "renormalize false for the renormalising rule" '{"E": 8, "k": 2, "rule": "mixtral", "renormalize": false}' 'disagrees with the rule'
bad_moe "renormalize for gpt-oss" '{"E": 8, "k": 2, "rule": "gptoss", "renormalize": true}' 'disagrees with the rule'
bad_moe "n_group for Mixtral" '{"E": 8, "k": 2, "rule": "mixtral", "n_group": 4}' 'belong to the DeepSeek-V3 rule'
bad_moe "DeepSeek without n_group" "$(echo "$DS" | sed 's/"n_group": 4, //')" 'needs n_group' ds
bad_moe "DeepSeek without routed_scaling_factor" "$(echo "$DS" | sed 's/"routed_scaling_factor": 2.5, //')" 'needs n_group' ds
bad_moe "DeepSeek n_group 3 (not dividing 8)" "$(echo "$DS" | sed 's/"n_group": 4/"n_group": 3/')" 'n_group = 3' ds
bad_moe "DeepSeek n_group 8 (groups of 1)" "$(echo "$DS" | sed 's/"n_group": 4/"n_group": 8/')" 'n_group = 8' ds
bad_moe "DeepSeek n_group 0" "$(echo "$DS" | sed 's/"n_group": 4/"n_group": 0/')" 'n_group = 0' ds
bad_moe "DeepSeek topk_group 5 > n_group" "$(echo "$DS" | sed 's/"topk_group": 2/"topk_group": 5/')" 'topk_group = 5' ds
bad_moe "DeepSeek topk_group 0" "$(echo "$DS" | sed 's/"topk_group": 2/"topk_group": 0/')" 'topk_group = 0' ds
bad_moe "DeepSeek k 5 > topk_group * G = 4" "$(echo "$DS" | sed 's/"k": 2/"k": 5/')" 'k = 5' ds
bad_moe "DeepSeek rsf 0" "$(echo "$DS" | sed 's/"routed_scaling_factor": 2.5/"routed_scaling_factor": 0/')" 'routed_scaling_factor = 0' ds
bad_moe "DeepSeek rsf -2.5" "$(echo "$DS" | sed 's/"routed_scaling_factor": 2.5/"routed_scaling_factor": -2.5/')" 'routed_scaling_factor = -2.5' ds
bad_moe "DeepSeek rsf 1025" "$(echo "$DS" | sed 's/"routed_scaling_factor": 2.5/"routed_scaling_factor": 1025/')" 'routed_scaling_factor = 1025' ds
bad_moe "DeepSeek rsf 1e40 (inf as float32)" "$(echo "$DS" | sed 's/"routed_scaling_factor": 2.5/"routed_scaling_factor": 1e40/')" 'routed_scaling_factor = inf' ds
bad_moe "DeepSeek rsf 1e-50 (0 as float32)" "$(echo "$DS" | sed 's/"routed_scaling_factor": 2.5/"routed_scaling_factor": 1e-50/')" 'routed_scaling_factor = 0' ds
bad_moe "DeepSeek rsf a string" "$(echo "$DS" | sed 's/"routed_scaling_factor": 2.5/"routed_scaling_factor": "2.5"/')" 'want a number (key "routed_scaling_factor")' ds
bad_moe "DeepSeek rsf 2.5.0" "$(echo "$DS" | sed 's/"routed_scaling_factor": 2.5/"routed_scaling_factor": 2.5.0/')" 'meta.json: byte' ds
bad_moe "DeepSeek rsf 2." "$(echo "$DS" | sed 's/"routed_scaling_factor": 2.5/"routed_scaling_factor": 2./')" 'invalid number' ds
bad_moe "DeepSeek rsf of 70 digits" "$(echo "$DS" | sed "s/\"routed_scaling_factor\": 2.5/\"routed_scaling_factor\": 2.$(printf '5%.0s' $(seq 70))/")" 'number longer than 63 characters' ds
moe_base; rm "$M/meta.json"
expect_bad "moe: meta.json missing" "$M" "$work/out" "meta.json: cannot open"
# accepted: rsf in other spellings, extra keys, renormalize agreeing
ds_base "$(echo "$DS" | sed 's/"routed_scaling_factor": 2.5/"routed_scaling_factor": 25e-1/')"
expect_ok "moe (DeepSeek): routed_scaling_factor 25e-1" "$M" idx.npy weight64.npy
moe_base '{"note": [1, {"a": null}], "renormalize": true, "k": 2, "E": 8, "rule": "mixtral"}'
expect_ok "moe: extra keys, renormalize true for the renormalising rule" "$M" idx.npy weight64.npy

[ "$failed" -eq 0 ]
