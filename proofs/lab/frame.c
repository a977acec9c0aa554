/* An experiment, not part of make prove (2026-12-07, verified/NOTES.md,
   "Fifteenth session"): frame lemmas over two labels to carry one layer's
   facts across the arena's writes. f fills the arena's two parts, then
   asserts each part of layer_ok. Measured (CVC5, 60 s a goal):
   - the lemmas: bounded_frame 0.2 s, wmat_frame 0.3 s (it needs the
     validity at L2 as a premise, wmat_v: the allocation state is per
     label); same_f32{Pre,Here}(fa) 1.3-1.9 s;
   - with -wp-prop="wmat_frame,bounded_frame,samef,same8,wq0,q,k,n1": n1,
     q, k 0.2-0.3 s; the whole file: n1, n2 0.16 s but q .. r 28-43 s, and
     CVC5 crashes on e (the experts): to understand before vik_forward
     relies on it. Without the lemmas each part took 37-52 s.
   Run:
     WHY3CONFIG=$PWD/build/proof/why3/why3.conf frama-c -cpp-extra-args="-Ikernels -Ispec -Iharness" \
       -wp -wp-rte -warn-special-float non-finite -wp-driver proofs/wp/rsub.driver -wp-prover cvc5 \
       -wp-timeout 60 proofs/lab/frame.c */
#include "model.h"
/* memory outside a's and u's blocks the same at L1 and L2 */
/*@ predicate same_out{L1,L2}(float *a, uint32_t *u) =
      (\forall float *q; \base_addr{L1}(q) != \base_addr{L1}(a) ==> \at(*q, L1) == \at(*q, L2)) &&
      (\forall uint32_t *q; \base_addr{L1}(q) != \base_addr{L1}(u) ==> \at(*q, L1) == \at(*q, L2));
    predicate same_f32{L1,L2}(float *a) =
      \forall float *q; \base_addr{L1}(q) != \base_addr{L1}(a) ==>
        (\is_finite(\at(*q, L1)) ==> \is_finite(\at(*q, L2))) && \at(*q, L1) == \at(*q, L2);
    predicate same_u8{L1,L2} = \forall uint8_t *q; \at(*q, L1) == \at(*q, L2);
    lemma bounded_frame{L1,L2}: \forall float *w, float *a, integer n;
      bounded_f32{L1}(w, n) && \base_addr{L1}(w) != \base_addr{L1}(a) && same_f32{L1,L2}(a) ==> bounded_f32{L2}(w, n);
    predicate wmat_v{L}(vik_wmat w, integer m, integer n) =
      (w.fmt == VIK_W_F32 && \valid_read(w.f + (0 .. m * n - 1))) ||
      (w.fmt == VIK_W_MXFP4 && n % VIK_MX_BLOCK == 0 &&
       \valid_read(w.codes + (0 .. m * (n / 2) - 1)) &&
       \valid_read(w.scales + (0 .. m * (n / VIK_MX_BLOCK) - 1)) &&
       \separated(w.codes + (0 .. m * (n / 2) - 1), w.scales + (0 .. m * (n / VIK_MX_BLOCK) - 1)));
    lemma wmat_frame{L1,L2}: \forall vik_wmat w, float *a, integer m, integer n;
      wmat_ok{L1}(w, m, n) && wmat_v{L2}(w, m, n) && wmat_apart{L1}(w, a) && same_f32{L1,L2}(a) && same_u8{L1,L2} ==>
        wmat_ok{L2}(w, m, n);
*/
/*@ requires layer: layer_ok(ly, c) && layer_apart(ly, c, fa) && \base_addr(ly) != \base_addr(fu) &&
                    (c.arch == VIK_ARCH_MIXTRAL ==> \base_addr(ly->experts) != \base_addr(fu));
    requires valid: \valid(fa + (0 .. nf - 1)) && \valid(fu + (0 .. nu - 1));
    assigns fa[0 .. nf - 1], fu[0 .. nu - 1];
*/
void f(const vik_layer *ly, vik_config c, float *fa, uint32_t *fu, uint32_t nf, uint32_t nu) {
  uint32_t i;
  /*@ loop invariant 0 <= i <= nf;
      loop assigns i, fa[0 .. nf - 1];
      loop variant nf - i;  */
  for (i = 0; i < nf; i++) fa[i] = 1.0f;
  /*@ loop invariant 0 <= i <= nu;
      loop assigns i, fu[0 .. nu - 1];
      loop variant nu - i;  */
  for (i = 0; i < nu; i++) fu[i] = 1u;
  //@ assert same: same_out{Pre,Here}(fa, fu);
  //@ assert samef: same_f32{Pre,Here}(fa);
  //@ assert same8: same_u8{Pre,Here};
  //@ assert wq0: \at(ly->wq, Pre) == ly->wq;
  //@ assert n1: bounded_f32(ly->attn_norm, c.dim);
  //@ assert n2: bounded_f32(ly->ffn_norm, c.dim);
  //@ assert q: wmat_ok(ly->wq, c.n_heads * c.head_dim, c.dim);
  //@ assert k: wmat_ok(ly->wk, c.n_kv_heads * c.head_dim, c.dim);
  //@ assert v: wmat_ok(ly->wv, c.n_kv_heads * c.head_dim, c.dim);
  //@ assert o: wmat_ok(ly->wo, c.dim, c.n_heads * c.head_dim);
  //@ assert w1: c.arch == VIK_ARCH_LLAMA ==> wmat_ok(ly->w1, c.hidden, c.dim);
  //@ assert r: c.arch == VIK_ARCH_MIXTRAL ==> wmat_ok(ly->router, c.n_experts, c.dim);
  //@ assert e: c.arch == VIK_ARCH_MIXTRAL ==> \forall integer j; 0 <= j < 3 * c.n_experts ==> wmat_ok(ly->experts[j], j % 3 == 1 ? c.dim : c.hidden, j % 3 == 1 ? c.hidden : c.dim);
}
