#!/bin/sh
# make prove: Frama-C WP over every kernels/*.c with the project's own Why3 config.
# Fails when a goal is unproved, a kernels/ function has no contract, or a
# function's proved-goal count falls below the committed ledger verified/ledger.txt.
set -u
cd "$(dirname "$0")/.."
B=build/proof; mkdir -p $B
for t in frama-c why3 z3 cvc5 gappa; do
  command -v $t >/dev/null || { echo "prove: $t missing; run: apt-get update && apt-get install -y frama-c-base why3 z3 cvc4 cvc5 gappa (or: make deps)"; exit 2; }
done
sh proofs/why3-config.sh $B/why3/why3.conf 2>/dev/null || { echo "prove: why3 config failed"; exit 2; }
export WHY3CONFIG=$PWD/$B/why3/why3.conf
fail=0
: > $B/report.txt
# wp_run LOG OPTIONS... : one Frama-C WP run over every kernels/*.c
wp_run() {
  log=$1; shift
  frama-c -cpp-extra-args="-Ikernels -Ispec" -wp -wp-rte -warn-special-float non-finite \
    -wp-driver proofs/wp/rsub.driver \
    -wp-prover z3wp,cvc5,gappa -wp-timeout 10 -wp-par 2 "$@" kernels/*.c > $B/$log 2>&1 \
    || { echo "prove: frama-c failed ($log)"; fail=1; }
  cat $B/$log >> $B/report.txt
}
# decoders whose value clause needs a case split over every code (wp:range);
# the split is costly, so only these functions get it
SPLIT=vik_e4m3_decode,vik_e5m2_decode,vik_e2m1_decode,vik_e8m0_decode
wp_run main.log -wp-skip-fct $SPLIT -wp-prop=-@lemma -wp-timeout 20   # 20 s: one rne goal takes ~9 s
wp_run split.log -wp-fct $SPLIT -wp-auto wp:range
# lemmas of spec/: the grid lemmas are proved by a case split over the exponent
wp_run lemma.log -wp-prop=@lemma -wp-auto wp:range
python3 proofs/ledger.py $B/report.txt verified/ledger.txt || fail=1
exit $fail
