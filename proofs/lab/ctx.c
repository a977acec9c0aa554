/* An experiment, not part of make prove (2026-12-07, sixteenth session,
   verified/NOTES.md): CVC5 1.0.3 answers "Unknown error" on trivial goals
   of vik_forward (a loop invariant's preservation, a call's ids
   precondition: one quantifier instance). This file reproduces it outside
   model.c: f has vik_forward's requires, calls regions (model.c is
   included), runs the token loop and calls g2. Measured: the loop
   invariant's preservation and g2's ids fail with "Unknown error"
   (also with why3's memlimit at 8000); g2's fact as an assert after the
   loop proves in 0.3 s; Z3 proves g2's in 0.34 s and times out on the
   preservation; CVC4 1.8 fails on the float literals (Debian's build has
   no floating point). In vik_forward the same preservation goal proved
   in two runs and failed in a third. Run:
     WHY3CONFIG=$PWD/build/proof/why3/why3.conf frama-c \
       -cpp-extra-args="-Ikernels -Ispec -Iharness -DVIK_WSUM_OPAQUE -DVIK_SUMS_OPAQUE" \
       -wp -wp-rte -warn-special-float non-finite -wp-driver proofs/wp/rsub.driver \
       -wp-prover cvc5 -wp-timeout 20 -wp-fct f -wp-prop=ids proofs/lab/ctx.c */
#include "model.c"
/*@ requires ids: \forall integer t; 0 <= t < T ==> tok[t] < V;
    assigns \nothing; */
void g2(const uint32_t *tok, uint32_t T, uint32_t V);
/*@ requires model_ok(m, p) && plan_layout(p, m->cfg) && model_apart(m, fa) && model_apart_u(m, fu) && \valid(fa + (0 .. p->nf - 1)) && \valid(fu + (0 .. p->nu - 1));
    requires tok: \valid_read(tok + (0 .. T - 1));
    requires apart: \base_addr(fu) != \base_addr(fa) && \base_addr(tok) != \base_addr(fa) && \base_addr(tok) != \base_addr(fu) && \base_addr(logits) != \base_addr(fa) && wmat_apart(m->lm_head, logits);
    requires T: 1 <= T <= p->Tmax;
    requires lg: \valid(logits + (0 .. (all_logits ? T : 1) * m->cfg.vocab - 1));
    assigns \nothing;
*/
int f(const vik_model *m, const vik_plan *p, float *fa, uint32_t *fu, const uint32_t *tok, uint32_t T, uint32_t V, uint32_t i, uint32_t pos0, float *logits, int all_logits) {
  vik_config c;
  uint32_t t;
  if (!m || !p || !fa || !fu || !tok || !logits) return 1;
  c = m->cfg;
  vik_plan pl = *p;
  regions(p, c, fa, fu, T);
  /*@ loop invariant bounds: 0 <= t <= T;
      loop invariant ids: \forall integer q; 0 <= q < t ==> tok[q] < c.vocab;
      loop assigns t;
      loop variant T - t;
  */
  for (t = 0u; t < T; t++)
    if (tok[t] >= c.vocab) return 1;
  if (pos0 >= pl.S || T > pl.S - pos0) return 1;
  g2(tok, T, c.vocab);
  return 0;
}
