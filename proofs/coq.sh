#!/bin/sh
# proofs/coq.sh DIR: check the Coq scripts of proofs/coq in a fresh copy
# under DIR (no stale .vo of an earlier run), in dependency order, with
# Debian's coq and libcoq-interval (make deps). Fails on a script coqc
# rejects and on any Admitted/admit/Axiom/Parameter/Hypothesis, which coqc
# would accept. Used by make coq and by make prove (proofs/prove.sh), which
# counts the Coq-proved ACSL lemmas of spec/exp_logic.h in the ledger.
set -u
cd "$(dirname "$0")/.."
D=$1
ORDER="exp_poly.v exp_facts.v exp_acc.v"
[ "$(ls proofs/coq/*.v | wc -l)" = "$(echo $ORDER | wc -w)" ] ||
  { echo "coq: proofs/coq has a script not in proofs/coq.sh's ORDER"; exit 1; }
if grep -n -E '\b(Admitted|admit|Axiom|Parameter|Hypothesis|Conjecture)\b' proofs/coq/*.v; then
  echo "coq: an admitted or assumed fact above"; exit 1
fi
command -v coqc >/dev/null || { echo "coq: coqc missing; run make deps"; exit 2; }
rm -rf $D && mkdir -p $D && cp proofs/coq/*.v $D/ || exit 1
cd $D
for f in $ORDER; do
  coqc -q -R . Vik $f || { echo "coq: $f rejected"; exit 1; }
  echo "coq: $f checked"
done
