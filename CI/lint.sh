#!/bin/sh
# make lint: cppcheck and clang-tidy over kernels/*.c and harness/*.c (the
# arguments), C99 as built. Zero findings or exit 1. Configuration:
# .clang-tidy (checks and the reason for each one disabled) and
# .cppcheck-suppressions (each suppression with its reason).
cd "$(dirname "$0")/.." || exit 2
INC="-Ikernels -Ispec -Iharness"
status=0
log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT

# tidy ARGS...: clang-tidy without its "N warnings generated." lines (the
# count of diagnostics from disabled checks, not findings).
tidy() {
    clang-tidy --quiet "$@" >"$log" 2>&1
    rc=$?
    grep -v 'warnings\{0,1\} generated\.$' "$log"
    return "$rc"
}

# cppcheck: warnings, style, performance and portability; its
# unusedFunction check is not enabled because kernels/ is a library whose
# public functions are called from outside the analysed files.
echo "lint: cppcheck $*"
cppcheck --std=c99 --enable=warning,style,performance,portability \
    --library=posix --inline-suppr --suppressions-list=.cppcheck-suppressions \
    --error-exitcode=1 --quiet $INC "$@" || status=1

kern=""
harn=""
for f in "$@"; do
    case "$f" in
    # harness/model.c is kernel code whose proof is not finished (README):
    # its index products are bounded the same way, by plan_layout's limits
    kernels/* | harness/model.c) kern="$kern $f" ;;
    *) harn="$harn $f" ;;
    esac
done
# clang-tidy, .clang-tidy's checks. In kernels/ the uint32 index products
# (x + t * n, codes + b * 32, ...) are widened to size_t only after they are
# formed: bugprone-implicit-widening-of-multiplication-result flags each one.
# There they cannot wrap: the contracts bound every operand size (n <=
# VIK_MX_NMAX = 2^30; T*n, m*n, T*m <= VIK_MAT_MAX = 2^30), and -wp-rte proves
# each access through them valid. The harness keeps the check.
if [ -n "$kern" ]; then
    echo "lint: clang-tidy$kern"
    tidy --checks=-bugprone-implicit-widening-of-multiplication-result \
        $kern -- -std=c99 -ffp-contract=off $INC || status=1
fi
# The harness files one clang-tidy process each: analysed together with
# harness/model_load.c in one process, the analyzer reported npy.c's
# va_list as uninitialized (clang-analyzer-valist.Uninitialized; no finding
# when either file is analysed alone, which is how the compiler sees them).
if [ -n "$harn" ]; then
    echo "lint: clang-tidy$harn"
    for f in $harn; do
        tidy "$f" -- -std=c99 -ffp-contract=off $INC || status=1
    done
fi
if [ "$status" -eq 0 ]; then
    echo "lint: no findings"
else
    echo "lint: findings above"
fi
exit "$status"
