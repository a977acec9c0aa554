/* vik MoE routing (see moe.h). */
#include "moe.h"
#include "float_logic.h"

/* a ranks before b: a > b as values, or equal values and the lower index */
/*@ requires \is_finite(sa) && \is_finite(sb);
    assigns \nothing;
    ensures rank: \result != 0 <==> (sa > sb || (sa == sb && a < b));
*/
static int ahead(float sa, float sb, uint32_t a, uint32_t b) {
  return sa > sb || (sa == sb && a < b);
}

void vik_topk(uint32_t *idx, const float *s, uint32_t E, uint32_t k) {
  uint32_t ord[VIK_MOE_EMAX];              /* a permutation of 0 .. E-1 */
  //@ ghost uint32_t pos[VIK_MOE_EMAX];    /* its inverse: ord[pos[e]] == e */
  uint32_t i, j;
  /*@ loop invariant bounds: 0 <= i <= E;
      loop invariant id: \forall integer p; 0 <= p < i ==> ord[p] == p && pos[p] == p;
      loop assigns i, ord[0 .. E - 1], pos[0 .. E - 1];
      loop variant E - i;
  */
  for (i = 0u; i < E; i++) {
    ord[i] = i;
    //@ ghost pos[i] = i;
  }
  /* position j gets the best of positions j .. E-1 */
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant range: \forall integer p; 0 <= p < E ==> ord[p] < E;
      loop invariant inv: \forall integer e; 0 <= e < E ==> pos[e] < E && ord[pos[e]] == e;
      loop invariant distinct: \forall integer p, q; 0 <= p < q < E ==> ord[p] != ord[q];
      loop invariant ranked: \forall integer a, p; 0 <= a < j && a < p < E ==> before(s, ord[a], ord[p]);
      loop invariant out: \forall integer a; 0 <= a < j ==> idx[a] == ord[a];
      loop assigns j, i, ord[0 .. E - 1], pos[0 .. E - 1], idx[0 .. k - 1];
      loop variant k - j;
  */
  for (j = 0u; j < k; j++) {
    uint32_t b = j;
    /*@ loop invariant bounds: j + 1 <= i <= E && j <= b < i;
        loop invariant best: \forall integer q; j <= q < i ==> ord[b] == ord[q] || before(s, ord[b], ord[q]);
        loop assigns i, b;
        loop variant E - i;
    */
    for (i = j + 1u; i < E; i++)
      if (ahead(s[ord[i]], s[ord[b]], ord[i], ord[b])) b = i;
    uint32_t t = ord[j];
    //@ ghost pos[ord[b]] = j;
    //@ ghost pos[t] = b;
    ord[j] = ord[b];
    ord[b] = t;
    idx[j] = ord[j];
  }
  /*@ assert left: \forall integer e; 0 <= e < E ==> (\forall integer a; 0 <= a < k ==> idx[a] != e) ==>
                     k <= pos[e] && ord[pos[e]] == e; */
  /*@ assert best0: \forall integer a, e; 0 <= a < k && 0 <= e < E && k <= pos[e] ==>
                      before(s, ord[a], ord[pos[e]]); */
  /*@ assert best1: \forall integer a, e; 0 <= a < k && 0 <= e < E && k <= pos[e] && ord[pos[e]] == e ==>
                      before(s, ord[a], e); */
  /*@ assert best2: \forall integer a, e; 0 <= a < k && 0 <= e < E && k <= pos[e] && ord[pos[e]] == e ==>
                      before(s, idx[a], e); */
  /*@ assert best: \forall integer a, e; 0 <= a < k && 0 <= e < E ==>
                     (\forall integer b; 0 <= b < k ==> idx[b] != e) ==> before(s, idx[a], e); */
}

/* idx[j] = j, w[j] = 0: the defined output of a rejected row */
/*@ requires k: 1 <= k <= VIK_MOE_KMAX;
    requires valid: \valid(idx + (0 .. k - 1)) && \valid(w + (0 .. k - 1));
    requires sep: \separated(idx + (0 .. k - 1), w + (0 .. k - 1));
    assigns idx[0 .. k - 1], w[0 .. k - 1];
    ensures out: \forall integer j; 0 <= j < k ==> idx[j] == j && w[j] == 0;
*/
static void reject(uint32_t *idx, float *w, uint32_t k) {
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant out: \forall integer a; 0 <= a < j ==> idx[a] == a && w[a] == 0;
      loop assigns j, idx[0 .. k - 1], w[0 .. k - 1];
      loop variant k - j;
  */
  for (uint32_t j = 0u; j < k; j++) { idx[j] = j; w[j] = 0.0f; }
}

/* p / S clamped to [0, 1]: p <= S in exact arithmetic, so the clamp binds
   only within rounding; S >= 2^-100 keeps the quotient finite */
/*@ requires p: \is_finite(p) && 0 <= p <= 1;
    requires S: \is_finite(S) && 0x1p-100 <= S <= 64;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= 1;
*/
static float share(float p, float S) {
  float q = p / S;
  //@ assert q: \is_finite(q) && 0 <= q <= 0x1p100;
  return q > 1.0f ? 1.0f : q;
}

/* S + p for S <= 33 and p in [0, 1]: rounds by at most 2^-18 */
/*@ requires S: \is_finite(S) && 0 <= S <= 33;
    requires p: \is_finite(p) && 0 <= p <= 1;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0 <= \result <= S + p + 0x1p-18;
*/
static float acc_add(float S, float p) {
  float r = S + p;
  //@ assert err: \abs(rsub(r, S + p)) <= 0x1p-18;
  return r;
}

int vik_route_softmax_topk(uint32_t *idx, float *w, float *score, const float *logits, uint32_t E,
                           uint32_t k, int renorm) {
  if (vik_softmax(score, logits, E) != VIK_OK) { reject(idx, w, k); return VIK_EDOMAIN; }
  vik_topk(idx, score, E, k);
  float S = 0.0f;
  uint32_t j;
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant sum: \is_finite(S) && 0 <= S <= j * (1 + 0x1p-18);
      loop invariant plain: \forall integer a; 0 <= a < j ==> w[a] == score[idx[a]];
      loop invariant range: \forall integer a; 0 <= a < j ==> \is_finite(w[a]) && 0 <= w[a] <= 1;
      loop assigns j, S, w[0 .. k - 1];
      loop variant k - j;
  */
  for (j = 0u; j < k; j++) {
    w[j] = score[idx[j]];
    S = acc_add(S, w[j]);
  }
  if (renorm != 0) {
    int pos = S >= 0x1p-100f;              /* false only for a row of -inf logits */
    /*@ loop invariant bounds: 0 <= j <= k;
        loop invariant range: \forall integer a; 0 <= a < k ==> \is_finite(w[a]) && 0 <= w[a] <= 1;
          loop assigns j, w[0 .. k - 1];
        loop variant k - j;
    */
    for (j = 0u; j < k; j++) w[j] = pos ? share(w[j], S) : 0.0f;
  }
  return VIK_OK;
}

int vik_route_topk_softmax(uint32_t *idx, float *w, const float *logits, uint32_t E, uint32_t k) {
  uint32_t i, j;
  /*@ loop invariant bounds: 0 <= i <= E;
      loop invariant fin: \forall integer a; 0 <= a < i ==> logit_fin(logits[a]);
      loop assigns i;
      loop variant E - i;
  */
  for (i = 0u; i < E; i++)
    if (vik_logit_class(logits[i]) != 1) { reject(idx, w, k); return VIK_EDOMAIN; }
  vik_topk(idx, logits, E, k);
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant sel: \forall integer a; 0 <= a < j ==> w[a] == logits[idx[a]];
      loop invariant fin: \forall integer a; 0 <= a < j ==> logit_fin(w[a]);
      loop assigns j, w[0 .. k - 1];
      loop variant k - j;
  */
  for (j = 0u; j < k; j++) w[j] = logits[idx[j]];
  //@ assert row: row_ok(w, k);
  (void)vik_softmax(w, w, k);              /* VIK_OK: every entry in the domain */
  return VIK_OK;
}
