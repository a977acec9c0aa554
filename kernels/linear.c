/* vik matrix products in a fixed summation order (see linear.h). */
#include "linear.h"
#include "float_logic.h"

/* Bounds the proof carries: a product is at most P = 2^40; a lane that has
   added k products is at most k * (P + 2^28), 2^28 being half an ulp at 2^53,
   the largest a lane can reach (4097 * (2^40 + 2^28) < 2^53). */

/* One tree addition: a sum of two lanes whose magnitudes are at most 2^56
   stays finite; with a power-of-two bound B on both, |result| <= 2B. */
/*@ requires fa: \is_finite(a) && \abs(a) <= 0x1p56;
    requires fb: \is_finite(b) && \abs(b) <= 0x1p56;
    assigns \nothing;
    ensures fin: \is_finite(\result);
    ensures b54: \abs(a) <= 0x1p53 && \abs(b) <= 0x1p53 ==> \abs(\result) <= 0x1p54;
    ensures b55: \abs(a) <= 0x1p54 && \abs(b) <= 0x1p54 ==> \abs(\result) <= 0x1p55;
    ensures b56: \abs(a) <= 0x1p55 && \abs(b) <= 0x1p55 ==> \abs(\result) <= 0x1p56;
    ensures b57: \abs(\result) <= 0x1p57;
*/
static float tree_add(float a, float b) { return a + b; }

float vik_dot_f32(const float *a, const float *b, uint32_t n) {
  float acc[VIK_LANES];
  uint32_t c = n / VIK_LANES, r = n % VIK_LANES, k, l;
  /*@ loop invariant bounds: 0 <= l <= VIK_LANES;
      loop invariant zero: \forall integer j; 0 <= j < l ==> acc[j] == 0.0;
      loop assigns l, acc[0 .. VIK_LANES - 1];
      loop variant VIK_LANES - l;
  */
  for (l = 0u; l < VIK_LANES; l++) acc[l] = 0.0f;
  /*@ loop invariant bounds: 0 <= k <= c;
      loop invariant fin: \forall integer j; 0 <= j < VIK_LANES ==>
                            \is_finite(acc[j]) && \abs(acc[j]) <= k * (0x1p40 + 0x1p28);
      loop assigns k, l, acc[0 .. VIK_LANES - 1];
      loop variant c - k;
  */
  for (k = 0u; k < c; k++) {
    const float *ak = a + k * VIK_LANES, *bk = b + k * VIK_LANES;
    /*@ loop invariant bounds: 0 <= l <= VIK_LANES;
        loop invariant done: \forall integer j; 0 <= j < l ==>
                               \is_finite(acc[j]) && \abs(acc[j]) <= (k + 1) * (0x1p40 + 0x1p28);
        loop invariant todo: \forall integer j; l <= j < VIK_LANES ==>
                               \is_finite(acc[j]) && \abs(acc[j]) <= k * (0x1p40 + 0x1p28);
        loop assigns l, acc[0 .. VIK_LANES - 1];
        loop variant VIK_LANES - l;
    */
    for (l = 0u; l < VIK_LANES; l++) {
      float x = ak[l], y = bk[l];
      //@ assert bx: \is_finite(x) && \abs(x) <= 0x1p20 && \is_finite(y) && \abs(y) <= 0x1p20;
      float p = x * y;
      //@ assert bp: \is_finite(p) && \abs(p) <= 0x1p40;
      float s0 = acc[l];
      //@ assert bs: \is_finite(s0) && \abs(s0) <= 0x1p52;
      float s = s0 + p;
      //@ assert err: \abs(rsub(s, s0 + p)) <= 0x1p28;
      //@ assert err2: \abs(s - (s0 + p)) <= 0x1p28;
      acc[l] = s;
    }
  }
  /* the n % 16 tail: element 16c + l goes to lane l, as in a full chunk */
  const float *at = a + c * VIK_LANES, *bt = b + c * VIK_LANES;
  //@ assert tail: r > 0 ==> c <= 4095;
  /*@ loop invariant bounds: 0 <= l <= r;
      loop invariant done: \forall integer j; 0 <= j < l ==>
                             \is_finite(acc[j]) && \abs(acc[j]) <= (c + 1) * (0x1p40 + 0x1p28);
      loop invariant todo: \forall integer j; l <= j < VIK_LANES ==>
                             \is_finite(acc[j]) && \abs(acc[j]) <= c * (0x1p40 + 0x1p28);
      loop assigns l, acc[0 .. VIK_LANES - 1];
      loop variant r - l;
  */
  for (l = 0u; l < r; l++) {
    float x = at[l], y = bt[l];
    //@ assert bx: \is_finite(x) && \abs(x) <= 0x1p20 && \is_finite(y) && \abs(y) <= 0x1p20;
    float p = x * y;
    //@ assert bp: \is_finite(p) && \abs(p) <= 0x1p40;
    float s0 = acc[l];
    //@ assert bs: \is_finite(s0) && \abs(s0) <= 0x1p52;
    float s = s0 + p;
    //@ assert err: \abs(rsub(s, s0 + p)) <= 0x1p28;
    //@ assert err2: \abs(s - (s0 + p)) <= 0x1p28;
    acc[l] = s;
  }
  //@ assert lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
  /* the fixed tree: 8 + 4 + 2 + 1 additions, each level at most doubling */
  /*@ loop invariant bounds: 0 <= l <= 8;
      loop invariant done: \forall integer j; 0 <= j < l ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p54;
      loop invariant todo: \forall integer j; l <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
      loop assigns l, acc[0 .. 7];
      loop variant 8 - l;
  */
  for (l = 0u; l < 8u; l++) acc[l] = tree_add(acc[l], acc[l + 8u]);
  /*@ loop invariant bounds: 0 <= l <= 4;
      loop invariant done: \forall integer j; 0 <= j < l ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p55;
      loop invariant todo: \forall integer j; l <= j < 8 ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p54;
      loop assigns l, acc[0 .. 3];
      loop variant 4 - l;
  */
  for (l = 0u; l < 4u; l++) acc[l] = tree_add(acc[l], acc[l + 4u]);
  /*@ loop invariant bounds: 0 <= l <= 2;
      loop invariant done: \forall integer j; 0 <= j < l ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p56;
      loop invariant todo: \forall integer j; l <= j < 4 ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p55;
      loop assigns l, acc[0 .. 1];
      loop variant 2 - l;
  */
  for (l = 0u; l < 2u; l++) acc[l] = tree_add(acc[l], acc[l + 2u]);
  return tree_add(acc[0], acc[1]);
}

void vik_matmul_f32(float *y, const float *x, const float *w, uint32_t T, uint32_t n, uint32_t m,
                    uint32_t o0, uint32_t o1) {
  /* row-outer: each weight row is read from memory once and reused, from
     cache, for all T tokens (prefill); the order of the dots does not change
     any result bit. Each y entry is a vik_dot_f32 result, finite by its contract. */
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop invariant wb: bounded_f32(w, m * n);
      loop invariant xb: bounded_f32(x, T * n);
      loop assigns o, y[0 .. T * m - 1];
      loop variant o1 - o;
  */
  for (uint32_t o = o0; o < o1; o++) {
    //@ assert woff: \forall integer k; 0 <= k < n ==> 0 <= o * n + k < m * n;
    //@ assert wrow: \forall integer k; 0 <= k < n ==> \is_finite(w[o * n + k]) && \abs(w[o * n + k]) <= 0x1p20;
    /*@ loop invariant bounds: 0 <= t <= T;
        loop invariant wb: bounded_f32(w, m * n);
        loop invariant xb: bounded_f32(x, T * n);
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert xoff: \forall integer k; 0 <= k < n ==> 0 <= t * n + k < T * n;
      //@ assert xrow: \forall integer k; 0 <= k < n ==> \is_finite(x[t * n + k]) && \abs(x[t * n + k]) <= 0x1p20;
      //@ assert in: 0 <= t * m + o < T * m;
      y[t * m + o] = vik_dot_f32(w + o * n, x + t * n, n);
    }
  }
}
