/* vik elementwise kernels (see nn.h). */
#include "nn.h"
#include "float_logic.h"
#include "exp_logic.h"
#include "linear_logic.h"
#include <math.h>

#define F32_MAX 0x1.fffffep127f   /* v < -F32_MAX holds for -inf alone */

/* ---------------------------------------------------------------- exp */

/* 2^(-16 b) for b <= 9, exact (2^-144 is a float32 subnormal): a product
   of one select per bit of b, so that gcc vectorises it (a chain of
   b == 0 ? .. : b == 1 ? .. becomes a table lookup, which it does not) */
/*@ requires b: b <= 9;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 < \result <= 1;
    ensures val: \result == EXP_S16(b);
*/
static float pow2_m16(uint32_t b) {
  float lo = b % 2u == 1u ? 0x1p-16f : 1.0f;
  uint32_t c = b / 2u;
  float p1 = c % 2u == 1u ? 0x1p-32f : 1.0f;
  float p2 = (c / 2u) % 2u == 1u ? 0x1p-64f : 1.0f;
  float p3 = c >= 4u ? 0x1p-128f : 1.0f;
  return ((p1 * p2) * p3) * lo;
}

/* e^r on the reduced range (Cephes expf): 1 + r + r^2 P(r). Its rounding
   is bounded against EXP_P (spec/exp_logic.h), the same polynomial in real
   arithmetic, which proofs/coq/exp_poly.v bounds against e^r. */
/*@ requires r: \is_finite(r) && \abs(r) <= 0.35;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0.6 <= \result <= 1.5;
    ensures err: \abs(rsub(\result, EXP_P(r))) <= 0x1.8p-24;
*/
static float exp_poly(float r) {
  float z = r * r;
  float p = 1.9875691500E-4f * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  return p * z + r + 1.0f;
}

/* m = -x / ln2 rounded to an integer (t + 1/2 truncated: ties go up, either
   way |r| <= ln2 / 2 and a little). An integer first, then k = m as a float
   (exact): the Cody-Waite step and the scaling by 2^-m need an integer the
   provers can see, which the 2^23 rounding trick gives only through the
   float format, which they do not model. */
/*@ requires x: \is_finite(x) && -104 <= x <= 0;
    assigns \nothing;
    ensures m: 0 <= \result <= 151;
    ensures near: \abs(\result - x * EXP_C) <= 0.5 + 0x1p-16;
*/
static int32_t exp_m(float x) {
  float t = x * -1.44269504088896341f;
  //@ assert t: \is_finite(t) && 0 <= t <= 151;
  //@ assert te: \abs(rsub(t, rmul(x, EXP_C))) <= 0x1p-17;
  float b = t + 0.5f;
  //@ assert b: \is_finite(b) && 0.5 <= b <= 151.5;
  //@ assert be: \abs(rsub(b, radd(t, 0.5))) <= 0x1p-17;
  return (int32_t)b;   /* SSE2 converts to signed only */
}

/* m as a float, exact (proved by a case split over m: -wp-auto wp:range) */
/*@ requires m: 0 <= m <= 151;
    assigns \nothing;
    ensures k: \is_finite(\result) && \result == m;
*/
static float exp_kf(int32_t m) { return (float)m; }

/* r = x + m ln2 by Cody-Waite: ln2 = C1 + C2 and a little, C1 with 9
   significant bits so that k C1 is exact */
/*@ requires x: \is_finite(x) && -104 <= x <= 0;
    requires m: 0 <= m <= 151;
    requires c1: \abs(radd(x, rmul(m, EXP_C1))) <= 0.38;
    requires near: \abs(EXP_RED(x, m)) <= 0.3466;
    assigns \nothing;
    ensures r: \is_finite(\result) && \abs(\result) <= 0.35;
    ensures err: \abs(rsub(\result, EXP_RED(x, m))) <= 0x1p-24;
*/
static float exp_r(float x, int32_t m) {
  float k = exp_kf(m);
  float r = (x + k * 0.693359375f) + k * -2.12194440e-4f;
  /* asserted first: Gappa alone does not add this and the requires' bound
     for the range clause, and with wp:range the goals went through a
     152-case split */
  //@ assert err: \abs(rsub(r, EXP_RED(x, m))) <= 0x1p-24;
  return r;
}

/* 2^-lo for lo <= 3 and 2^(-4 hi) for hi <= 3, as pow2_m16 (selects of
   constants: a shift and an int-to-float conversion cost the provers more) */
/*@ requires lo: lo <= 3;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0x1p-3 <= \result <= 1;
    ensures val: \result == EXP_S1(lo);
*/
static float pow2_m1(uint32_t lo) {
  float a = lo % 2u == 1u ? 0x1p-1f : 1.0f;
  float b = lo >= 2u ? 0x1p-2f : 1.0f;
  return a * b;
}

/*@ requires hi: hi <= 3;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0x1p-12 <= \result <= 1;
    ensures val: \result == EXP_S4(hi);
*/
static float pow2_m4(uint32_t hi) {
  float a = hi % 2u == 1u ? 0x1p-4f : 1.0f;
  float b = hi >= 2u ? 0x1p-8f : 1.0f;
  return a * b;
}

/* p 2^-(lo + 4 hi) = (p 2^-lo) 2^(-4 hi). Both products are exact for the
   polynomial's values (no underflow: p 2^-15 >= 2^-16), which the rel clause
   does not say: stated as two roundings relative to the exact product, what
   Gappa proves without knowing p a float */
/*@ requires p: \is_finite(p) && 0.6 <= p <= 1.5;
    requires lo: lo <= 3;
    requires hi: hi <= 3;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0 < \result <= 1.6;
    ensures rel: \abs(rsub(\result, rmul(rmul(p, EXP_S1(lo)), EXP_S4(hi)))) <=
                 0x1.1p-23 * rmul(rmul(p, EXP_S1(lo)), EXP_S4(hi));
*/
static float exp_shift(float p, uint32_t lo, uint32_t hi) {
  float c = pow2_m1(lo), d = pow2_m4(hi);
  float q = (p * c) * d;
  /* Gappa bounds a composed relative error only as a quotient */
  //@ assert q: rmul(rmul(p, c), d) > 0 && \abs(rsub(q, rmul(rmul(p, c), d)) / rmul(rmul(p, c), d)) <= 0x1.1p-23;
  /* and as a product, in rsub/rmul so that the ensures is this with c and d
     named (as plain products, CVC5 took 37 s to see it, and failed under load) */
  //@ assert q2: \abs(rsub(q, rmul(rmul(p, c), d))) <= 0x1.1p-23 * rmul(rmul(p, c), d);
  return q;
}

/* the one rounding of the scaling: relative 2^-24, or 2^-150 when the
   result is subnormal */
/*@ requires e: \is_finite(e) && 0 < e <= 1.6;
    requires s: \is_finite(s) && 0 < s <= 1;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0 <= \result <= 1.7;
    ensures rel: \abs(\result - e * s) <= 0x1p-24 * (e * s) + 0x1p-150;
*/
static float exp_mul(float e, float s) {
  float r = e * s;
  //@ assert rel: \abs(rsub(r, rmul(e, s))) <= 0x1p-24 * rmul(e, s) + 0x1p-150;
  return r;
}

/*@ requires e: \is_finite(e);
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= 1;
    ensures keep: 0 <= e <= 1 ==> \result == e;
    ensures hi: e > 1 ==> \result == 1;
    ensures lo: e < 0 ==> \result == 0;
*/
static float clamp01(float e) {
  if (e < 0.0f) return 0.0f;
  if (e > 1.0f) return 1.0f;
  return e;
}

/* The composition of the helpers' errors (exp_acc), and the tail: contract-
   only ghost functions, whose ensures are proved in a run of their own from
   the Coq-proved lemmas of spec/exp_logic.h (-DVIK_EXP_FACTS), so that no
   other goal carries those lemmas in its context */
/*@ ghost
  /@ requires steps: exp_steps(c, m, r, p, s, e);
     requires c: c <= 0;
     assigns \nothing;
     ensures acc: \abs(e - \exp(c)) <= 0x1p-21 * \exp(c) + 0x1p-150;
     ensures le1: \exp(c) <= 1;
  @/
  static void exp_join(float c, int32_t m, float r, float p, float s, float e) { }
*/
/*@ ghost
  /@ assigns \nothing;
     ensures tail: x <= -104 ==> \exp(x) <= 0x1p-150;
  @/
  static void exp_tiny(float x) { }
*/

/* vik_exp_neg's body, inlined where it is used so that loops of it
   vectorise: branch-free (selects, no early return), below -104 on the
   clamped argument and then 0 */
/*@ requires arg: \is_finite(x) && x <= 0;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= 1;
    ensures one: x == 0 ==> \result == 1;
    ensures zero: x < -104 ==> \result == 0;
    ensures acc: \abs(\result - \exp(x)) <= 0x1p-21 * \exp(x) + 0x1p-150;
*/
static inline float exp_neg(float x) {
  /* e^x < 2^-150 rounds to 0 below -104. The clamped value is x 0 - 104, not
     the constant -104 (the same for finite x): with a constant, gcc -O3
     specialises the whole exp for that path (partial redundancy
     elimination), and a loop of exp_neg no longer if-converts, so no longer
     vectorises (the softmax's terms, SiLU, SwiGLU: 10x slower) */
  float c = x < -104.0f ? x * 0.0f - 104.0f : x;
  /* the code's comparison as a fact on reals (the provers do not relate
     the float comparison with the constant by themselves) */
  //@ ghost int big = x < -104.0f;
  //@ assert tail: big != 0 ==> x < -104;
  int32_t mi = exp_m(c);                   /* e^c = 2^-m e^r */
  //@ assert c1: \abs(radd(c, rmul(mi, EXP_C1))) <= 0.38;
  //@ assert near: \abs(EXP_RED(c, mi)) <= 0.3466;
  float r = exp_r(c, mi);
  uint32_t m = (uint32_t)mi;
  float p = exp_poly(r);
  /* p 2^-(m % 16) is exact; the multiplication by 2^(-16 (m / 16)) is the
     only rounding when the result is subnormal */
  float s = exp_shift(p, m % 4u, (m % 16u) / 4u);
  float e = exp_mul(s, pow2_m16(m / 16u));
  //@ ghost exp_join(c, mi, r, p, s, e);
  //@ ghost exp_tiny(x);
  /* e^x <= 1 for x <= 0: the clamp binds only within the rounding error */
  e = clamp01(e);
  e = x < -104.0f ? 0.0f : e;
  return x == 0.0f ? 1.0f : e;             /* exact; softmax's largest term relies on it */
}

float vik_exp_neg(float x) { return exp_neg(x); }

/*@ requires e: \is_finite(e) && 0 <= e <= 1;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= 1;
*/
static float inv_1p(float e) { return 1.0f / (1.0f + e); }

/*@ requires e: \is_finite(e) && 0 <= e <= 1;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= 1;
*/
static float frac_1p(float e) { return e / (1.0f + e); }

float vik_sigmoid(float x) {
  if (x >= 0.0f) return inv_1p(vik_exp_neg(-x));
  return frac_1p(vik_exp_neg(x));
}

/* x / (1 + e) and x e / (1 + e) for e in [0, 1]: no larger than x */
/*@ requires x: \is_finite(x) && \abs(x) <= 0x1p120;
    requires e: \is_finite(e) && 0 <= e <= 1;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p120;
    ensures b60: \abs(x) <= 0x1p60 ==> \abs(\result) <= 0x1p60;
*/
static float div_1p(float x, float e) { return x / (1.0f + e); }

/*@ requires x: \is_finite(x) && \abs(x) <= 0x1p120;
    requires e: \is_finite(e) && 0 <= e <= 1;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p120;
    ensures b60: \abs(x) <= 0x1p60 ==> \abs(\result) <= 0x1p60;
*/
static float muldiv_1p(float x, float e) { return (x * e) / (1.0f + e); }

/* vik_silu1's body, inlined into the loops of it so that they vectorise:
   both forms computed, one selected (each is finite for either sign) */
/*@ requires arg: \is_finite(x) && \abs(x) <= 0x1p120;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p120;
    ensures b60: \abs(x) <= 0x1p60 ==> \abs(\result) <= 0x1p60;
*/
static inline float silu(float x) {
  float e = exp_neg(x >= 0.0f ? -x : x);   /* e^-|x| */
  float p = div_1p(x, e), q = muldiv_1p(x, e);
  return x >= 0.0f ? p : q;
}

float vik_silu1(float x) { return silu(x); }

void vik_silu(float *y, const float *x, uint32_t n) {
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant done: \forall integer j; 0 <= j < i ==> \is_finite(y[j]) && \abs(y[j]) <= 0x1p120;
      loop invariant todo: \forall integer j; i <= j < n ==> \is_finite(x[j]) && \abs(x[j]) <= 0x1p120;
      loop assigns i, y[0 .. n - 1];
      loop variant n - i;
  */
  for (uint32_t i = 0u; i < n; i++) y[i] = silu(x[i]);
}

/*@ requires fg: \is_finite(g) && \abs(g) <= 0x1p60;
    requires fu: \is_finite(u) && \abs(u) <= 0x1p60;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p120;
*/
static float gate_mul(float g, float u) {
  float a = silu(g);
  //@ assert a: \is_finite(a) && \abs(a) <= 0x1p60;
  return a * u;
}

void vik_swiglu(float *y, const float *gate, const float *up, uint32_t n) {
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant done: \forall integer j; 0 <= j < i ==> \is_finite(y[j]) && \abs(y[j]) <= 0x1p120;
      loop invariant todo_g: \forall integer j; i <= j < n ==> \is_finite(gate[j]) && \abs(gate[j]) <= 0x1p60;
      loop invariant todo_u: \forall integer j; i <= j < n ==> \is_finite(up[j]) && \abs(up[j]) <= 0x1p60;
      loop assigns i, y[0 .. n - 1];
      loop variant n - i;
  */
  for (uint32_t i = 0u; i < n; i++) y[i] = gate_mul(gate[i], up[i]);
}

/* ---------------------------------------------------------------- softmax */


/*@ requires n: n <= VIK_NN_MAX;
    requires valid_y: \valid(y + (0 .. n - 1));
    assigns y[0 .. n - 1];
    ensures zero: \forall integer i; 0 <= i < n ==> y[i] == 0;
*/
static void zero_fill(float *y, uint32_t n) {
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant zero: \forall integer j; 0 <= j < i ==> y[j] == 0;
      loop assigns i, y[0 .. n - 1];
      loop variant n - i;
  */
  for (uint32_t i = 0u; i < n; i++) y[i] = 0.0f;
}

/* s + t for a running sum s <= 2^17 and a term t in [0, 1]: rounds by at
   most u = 2^-24 relative plus 2^-150 (exact, in truth, where the sum is
   subnormal). (The term is not called e: Qed orders a sum's operands by
   name, and Gappa needs rsub's sum in the order of the rounded one.) */
/*@ requires s: \is_finite(s) && 0 <= s <= 0x1p17;
    requires t: \is_finite(t) && 0 <= t <= 1;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0 <= \result;
    ensures err: \result <= s + t + 0x1p-7;
    ensures rel: \abs(\result - (s + t)) <= 0x1p-24 * (s + t) + 0x1p-150;
    ensures one_s: 1 <= s ==> 1 <= \result;
    ensures one_t: 1 <= t ==> 1 <= \result;
*/
static float sum_add(float s, float t) {
  float r = s + t;
  //@ assert err: \abs(rsub(r, s + t)) <= 0x1p-7;
  /* Gappa proves the relative bound on [0, 33] and on [32, 2^17 + 1], not at
     once on [0, 2^17 + 1] */
  //@ assert rlo: s + t <= 33 ==> \abs(rsub(r, s + t)) <= 0x1p-24 * (s + t) + 0x1p-150;
  //@ assert r1: 32 <= s + t <= 0x1p9 ==> \abs(rsub(r, s + t)) <= 0x1p-24 * (s + t);
  //@ assert r2: 0x1p9 <= s + t <= 0x1p13 ==> \abs(rsub(r, s + t)) <= 0x1p-24 * (s + t);
  //@ assert r3: 0x1p13 <= s + t ==> \abs(rsub(r, s + t)) <= 0x1p-24 * (s + t);
  //@ assert rel: \abs(rsub(r, s + t)) <= 0x1p-24 * (s + t) + 0x1p-150;
  return r;
}

/*@ // S x within u of e, plus 2^-133 (x = e / S rounded, S <= 2^17: the
    // subnormal quotients' share), as a fact on S x: the sums need no division
    predicate near_div(real x, real e, real S) =
      S * x <= (1 + 0x1p-24) * e + 0x1p-133 && S * x >= (1 - 0x1p-24) * e - 0x1p-133;
*/

/* e / s for e in [0, 1] and s >= 1: in [0, 1], within u relative plus
   2^-150 of the real quotient */
/*@ requires s: \is_finite(s) && 1 <= s <= 0x1p17;
    requires e: \is_finite(e) && 0 <= e <= 1;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= 1;
    ensures zero: e == 0 ==> \result == 0;
    ensures top: e == 1 ==> \result >= 0x1p-17;
    ensures near: near_div(\result, e, s);
*/
static float norm_div(float e, float s) {
  float q = e / s;
  //@ assert err: \abs(rsub(q, e / s)) <= 0x1p-24 * (e / s) + 0x1p-150;
  //@ assert d: s * (e / s) == e;
  //@ assert e1: 0 <= 0x1p-24 * (e / s) + 0x1p-150 - (q - e / s);
  //@ assert e2: 0 <= 0x1p-24 * (e / s) + 0x1p-150 + (q - e / s);
  //@ assert s1: 0 <= s * (0x1p-24 * (e / s) + 0x1p-150 - (q - e / s));
  //@ assert s2: 0 <= s * (0x1p-24 * (e / s) + 0x1p-150 + (q - e / s));
  return q;
}

/* The row's sum, one step at a time: ghost lemmas (no code), proved from
   wsum's definition in a run of their own and the only facts on wsum that
   the runs with it opaque (spec/wsum_logic.h) have. moe.c's wsum_zero and
   wsum_next, named apart: the ledger's function names are unique. */
/*@ ghost
  /@ assigns \nothing;
     ensures zero: wsum(w, 0) == 0;
  @/
  static void sm_zero(const float *w) { }
*/
/*@ ghost
  /@ requires n: 0 <= n && n1 == n + 1;
     assigns \nothing;
     ensures next: wsum(w, n1) == wsum(w, n) + w[n];
     ensures next1: wsum(w, n + 1) == wsum(w, n) + w[n];
  @/
  static void sm_next(const float *w, uint32_t n, uint32_t n1) { }
*/

/* S (a + x) = S a + S x for a = wsum(w, n), x = w[n]. Ghost, a lemma. */
/*@ ghost
  /@ requires n: n1 == n + 1;
     requires next: wsum(w, n1) == wsum(w, n) + w[n];
     assigns \nothing;
     ensures dist: S * wsum(w, n1) == S * wsum(w, n) + S * w[n];
     ensures dist1: S * wsum(w, n + 1) == S * wsum(w, n) + S * w[n];
  @/
  static void sm_dist(const float *w, uint32_t n, uint32_t n1, float S) { }
*/

/* One more term in the sum's error bound (row_sum's loop), the sum started
   from s0: partial sums P_j = s0 + y[0] + .. + y[j-1]; each addition rounds
   by u relative to its partial sum, which is at most (1 + 2^16 V) P_j.
   Ghost, a lemma. */
/*@ ghost
  /@ requires j: 0 <= j < VIK_NN_MAX && j1 == j + 1;
     requires p: \is_finite(y[j]) && 0 <= y[j] <= 1;
     requires s0: 0 <= s0;
     requires pos: 0 <= wsum(y, j);
     requires next: wsum(y, j + 1) == wsum(y, j) + y[j] && wsum(y, j1) == wsum(y, j + 1);
     requires S: \is_finite(S) && 0 <= S;
     requires err: \abs(S - (s0 + wsum(y, j))) <= VIK_SM_V * j * (s0 + wsum(y, j)) + j * 0x1p-145;
     requires add: \abs(S1 - (S + y[j])) <= 0x1p-24 * (S + y[j]) + 0x1p-150;
     assigns \nothing;
     ensures err: \abs(S1 - (s0 + wsum(y, j1))) <= VIK_SM_V * j1 * (s0 + wsum(y, j1)) + j1 * 0x1p-145;
  @/
  static void sm_step(const float *y, uint32_t j, uint32_t j1, float s0, float S, float S1) {
    /@ assert mj: (65536 - j) * (s0 + wsum(y, j)) >= 0; @/
    /@ assert Sb: S <= (1 + 65536 * VIK_SM_V) * (s0 + wsum(y, j)) + 0x1p-129; @/
    /@ assert US: 0x1p-24 * (S + y[j]) <= VIK_SM_V * (s0 + wsum(y, j)) + 0x1p-24 * y[j] + 0x1p-152; @/
    /@ assert sg: j * y[j] >= 0; @/
    /@ assert d: j * (s0 + wsum(y, j + 1)) == j * (s0 + wsum(y, j)) + j * y[j]; @/
    /@ assert mono: VIK_SM_V * j * (s0 + wsum(y, j)) <= VIK_SM_V * j * (s0 + wsum(y, j + 1)); @/
    /@ assert e1: \abs(S1 - (s0 + wsum(y, j + 1))) <= VIK_SM_V * j * (s0 + wsum(y, j + 1)) + VIK_SM_V * (s0 + wsum(y, j + 1)) + j * 0x1p-145 + 0x1p-145; @/
  }
*/

/* The sum's error at its end, as the bound on the outputs' sum needs it:
   S (1 +- B) against (1 +- u) times the terms' exact sum, B = (n + 1) 2^-23
   (VIK_SM_EB). The exact sum with the sink's term is at least 1 (the largest
   term is e^0 = 1). Ghost, a lemma. */
/*@ ghost
  /@ requires n: 1 <= n <= VIK_NN_MAX;
     requires s0: 0 <= s0 <= 1;
     requires pos: 0 <= wsum(y, n);
     requires P: 1 <= s0 + wsum(y, n);
     requires S: \is_finite(S) && 0 <= S;
     requires err: \abs(S - (s0 + wsum(y, n))) <= VIK_SM_V * n * (s0 + wsum(y, n)) + n * 0x1p-145;
     assigns \nothing;
     ensures hi: (1 + 0x1p-24) * wsum(y, n) + n * 0x1p-133 <= S * (1 + VIK_SM_EB(n));
     ensures lo: s0 == 0 ==> (1 - 0x1p-24) * wsum(y, n) - n * 0x1p-133 >= S * (1 - VIK_SM_EB(n));
  @/
  static void sm_end(const float *y, uint32_t n, float s0, float S) {
    /@ assert nP: \let P = s0 + wsum(y, n); 0 <= n * P; @/
    /@ assert n2P: \let P = s0 + wsum(y, n); (65536 - n) * (n * P) >= 0; @/
    /@ assert n2: (65536 - n) * n >= 0; @/
    /@ assert Sg: \let P = s0 + wsum(y, n); S >= P - VIK_SM_V * (n * P) - n * 0x1p-145; @/
    /@ assert Sl: \let P = s0 + wsum(y, n); S <= P + VIK_SM_V * (n * P) + n * 0x1p-145; @/
    /@ assert Sn0: \let P = s0 + wsum(y, n); (S - (P - VIK_SM_V * (n * P) - n * 0x1p-145)) * n >= 0; @/
    /@ assert Sn: \let P = s0 + wsum(y, n); S * n >= n * P - VIK_SM_V * (n * (n * P)) - (n * n) * 0x1p-145; @/
    /@ assert m1: \let P = s0 + wsum(y, n); n * (n * P) <= 65536 * (n * P); @/
    /@ assert m2: n * n <= 65536 * n; @/
    /@ assert Sn2: \let P = s0 + wsum(y, n); S * n >= n * P - VIK_SM_V * 65536 * (n * P) - 65536 * n * 0x1p-145; @/
    /@ assert E: S * (1 + VIK_SM_EB(n)) == S + 0x1p-23 * S + 0x1p-23 * (S * n); @/
    /@ assert E2: S * (1 - VIK_SM_EB(n)) == S - 0x1p-23 * S - 0x1p-23 * (S * n); @/
  }
*/

/* From S T <= S (1 + B) (and S T >= S (1 - B)), S >= 1, to T <= 1 + B (and
   T >= 1 - B), for T = y[0] + .. + y[n-1]. Ghost, a lemma. */
/*@ ghost
  /@ requires n: 1 <= n <= VIK_NN_MAX;
     requires S: 1 <= S;
     requires up: S * wsum(y, n) <= S * (1 + VIK_SM_EB(n));
     assigns \nothing;
     ensures up: wsum(y, n) <= 1 + VIK_SM_EB(n);
     ensures lo: S * wsum(y, n) >= S * (1 - VIK_SM_EB(n)) ==> wsum(y, n) >= 1 - VIK_SM_EB(n);
  @/
  static void sm_out(const float *y, uint32_t n, float S) {
    /@ assert hi: wsum(y, n) > 1 + VIK_SM_EB(n) ==> S * (wsum(y, n) - 1 - VIK_SM_EB(n)) > 0; @/
    /@ assert lo: wsum(y, n) < 1 - VIK_SM_EB(n) ==> S * (1 - VIK_SM_EB(n) - wsum(y, n)) > 0; @/
  }
*/

/* s0 + y[0] + .. + y[n-1] in index order (an in-order float sum does not
   vectorise: a loop of its own). Its error against the exact sum P: at most
   V n P + n 2^-145, V = VIK_SM_V = u (1 + 2^-7): each addition's rounding is
   relative to its partial sum (the terms are nonnegative), n V <= 2^-8 +
   2^-15. Never below s0, and at least 1 if a term is. */
/*@ requires n: 1 <= n <= VIK_NN_MAX;
    requires valid: \valid_read(y + (0 .. n - 1));
    requires terms: \forall integer j; 0 <= j < n ==> \is_finite(y[j]) && 0 <= y[j] <= 1;
    requires s0: \is_finite(s0) && 0 <= s0 <= 1;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0 <= \result <= 0x1p17;
    ensures one_s: 1 <= s0 ==> 1 <= \result;
    ensures one: \forall integer a; 0 <= a < n ==> 1 <= y[a] ==> 1 <= \result;
    ensures pos: 0 <= wsum(y, n);
    ensures part: \forall integer a; 0 <= a < n ==> y[a] <= wsum(y, n);
    ensures unf: \forall integer m; 0 <= m < n ==> wsum(y, m + 1) == wsum(y, m) + y[m];
    ensures err: \abs(\result - (s0 + wsum(y, n))) <= VIK_SM_V * n * (s0 + wsum(y, n)) + n * 0x1p-145;
*/
static float row_sum(const float *y, uint32_t n, float s0) {
  float s = s0;
  uint32_t j;
  //@ ghost sm_zero(y);
  /*@ loop invariant bounds: 0 <= j <= n;
      loop invariant fin: \is_finite(s) && 0 <= s <= (j + 1) * (1 + 0x1p-7);
      loop invariant one_s: 1 <= s0 ==> 1 <= s;
      loop invariant one: \forall integer a; 0 <= a < j ==> 1 <= y[a] ==> 1 <= s;
      loop invariant pos: 0 <= wsum(y, j);
      loop invariant part: \forall integer a; 0 <= a < j ==> y[a] <= wsum(y, j);
      loop invariant unf: \forall integer m; 0 <= m < j ==> wsum(y, m + 1) == wsum(y, m) + y[m];
      loop invariant err: \abs(s - (s0 + wsum(y, j))) <= VIK_SM_V * j * (s0 + wsum(y, j)) + j * 0x1p-145;
      loop assigns j, s;
      loop variant n - j;
  */
  for (j = 0u; j != n; j++) {
    /* the ghost calls name j + 1 as C computes it (the loop's next j) */
    //@ ghost sm_next(y, j, j + 1u);
    float s1 = sum_add(s, y[j]);
    //@ ghost sm_step(y, j, j + 1u, s0, s, s1);
    s = s1;
  }
  return s;
}

/* y[j] = y[j] / S (norm_div) for every j < n, and what the quotients' errors
   make of the sum: S times the new sum is within u of the old sum, plus
   2^-133 a term. A function of its own, so that its goals' contexts hold
   none of the sum's facts. The sums: a ghost loop adds the written terms one
   at a time, the new sum and the old (at Pre) side by side. */
/*@ requires n: 1 <= n <= VIK_NN_MAX;
    requires valid: \valid(y + (0 .. n - 1));
    requires terms: \forall integer j; 0 <= j < n ==> \is_finite(y[j]) && 0 <= y[j] <= 1;
    requires S: \is_finite(S) && 1 <= S <= 0x1p17;
    requires unf: \forall integer m; 0 <= m < n ==> wsum(y, m + 1) == wsum(y, m) + y[m];
    assigns y[0 .. n - 1];
    ensures range: \forall integer j; 0 <= j < n ==> \is_finite(y[j]) && 0 <= y[j] <= 1;
    ensures zero: \forall integer j; 0 <= j < n ==> \old(y[j]) == 0 ==> y[j] == 0;
    ensures top: \forall integer j; 0 <= j < n ==> \old(y[j]) == 1 ==> y[j] >= 0x1p-17;
    ensures up: S * wsum(y, n) <= (1 + 0x1p-24) * \old(wsum(y, n)) + n * 0x1p-133;
    ensures lo: S * wsum(y, n) >= (1 - 0x1p-24) * \old(wsum(y, n)) - n * 0x1p-133;
*/
static void divide_row(float *y, uint32_t n, float S) {
  uint32_t j;
  //@ ghost sm_zero(y);
  /*@ loop invariant bounds: 0 <= j <= n;
      loop invariant done: \forall integer a; 0 <= a < j ==> \is_finite(y[a]) && 0 <= y[a] <= 1 &&
                             near_div(y[a], \at(y[a], Pre), S) && (\at(y[a], Pre) == 0 ==> y[a] == 0) &&
                             (\at(y[a], Pre) == 1 ==> y[a] >= 0x1p-17);
      loop invariant todo: \forall integer a; j <= a < n ==> y[a] == \at(y[a], Pre) &&
                             \is_finite(y[a]) && 0 <= y[a] <= 1;
      loop assigns j, y[0 .. n - 1];
      loop variant n - j;
  */
  for (j = 0u; j != n; j++) y[j] = norm_div(y[j], S);
  //@ ghost sm_zero(y);
  /*@ ghost
    /@ loop invariant bounds: 0 <= i <= n;
       loop invariant up: \let m = i; S * wsum(y, m) <= (1 + 0x1p-24) * \at(wsum(y, m), Pre) + m * 0x1p-133;
       loop invariant lo: \let m = i; S * wsum(y, m) >= (1 - 0x1p-24) * \at(wsum(y, m), Pre) - m * 0x1p-133;
       loop assigns i;
       loop variant n - i;
    @/
    for (uint32_t i = 0u; i != n; i++) {
      uint32_t i1 = i + 1u;
      sm_next(y, i, i1);
      sm_dist(y, i, i1, S);
      /@ assert near: \let m = i; near_div(y[m], \at(y[m], Pre), S); @/
      /@ assert unf0: \let m = i; \let m1 = i1; \at(wsum(y, m1), Pre) == \at(wsum(y, m), Pre) + \at(y[m], Pre); @/
    }
  */
}

/* e^(v - m) for an in-domain v <= m: the masked entry -inf gives 0, as
   e^-128 (a select, not a branch, so that loops of it vectorise) */
/*@ requires m: \is_finite(m) && \abs(m) <= VIK_LOGIT_MAX;
    requires v: in_domain(v) && (\is_minus_infinity(v) || v <= m);
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= 1;
    ensures masked: \is_minus_infinity(v) ==> \result == 0;
    ensures one: \is_finite(v) && v == m ==> \result == 1;
*/
static float shifted_exp(float v, float m) {
  float d = m * 0.0f - 0x1p7f;             /* -128, not a constant: see exp_neg */
  //@ assert minf: v < -F32_MAX ==> \is_minus_infinity(v);
  if (!(v < -F32_MAX)) {
    //@ assert fin: \is_finite(v) && \abs(v) <= VIK_LOGIT_MAX && v <= m;
    d = v - m;
  }
  //@ assert d: \is_finite(d) && d <= 0;
  //@ assert d0: \is_finite(v) && v == m ==> d == 0;
  return exp_neg(d);
}

/* y[j] = e^(x[j] - m) for every j < n. A loop of its own, apart from the
   sum (an in-order float sum does not vectorise) and with the exp inlined,
   so that gcc vectorises it; its run-time alias check admits y == x. */
/*@ requires m: \is_finite(m) && \abs(m) <= VIK_LOGIT_MAX;
    requires n: 1 <= n <= VIK_NN_MAX;
    requires valid: \valid(y + (0 .. n - 1)) && \valid_read(x + (0 .. n - 1));
    requires sep: y == x || \separated(y + (0 .. n - 1), x + (0 .. n - 1));
    requires dom: \forall integer j; 0 <= j < n ==> in_domain(x[j]) && (\is_minus_infinity(x[j]) || x[j] <= m);
    assigns y[0 .. n - 1];
    ensures range: \forall integer j; 0 <= j < n ==> \is_finite(y[j]) && 0 <= y[j] <= 1;
    ensures masked: \forall integer j; 0 <= j < n ==> \is_minus_infinity(\old(x[j])) ==> y[j] == 0;
    ensures one: \forall integer j; 0 <= j < n ==> \is_finite(\old(x[j])) && \old(x[j]) == m ==> y[j] == 1;
*/
static void terms(float *y, const float *x, uint32_t n, float m) {
  uint32_t i;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant done: \forall integer j; 0 <= j < i ==> \is_finite(y[j]) && 0 <= y[j] <= 1;
      loop invariant masked: \forall integer j; 0 <= j < i ==> \is_minus_infinity(\at(x[j], Pre)) ==> y[j] == 0;
      loop invariant one: \forall integer j; 0 <= j < i ==> \is_finite(\at(x[j], Pre)) && \at(x[j], Pre) == m ==> y[j] == 1;
      loop invariant todo: \forall integer j; i <= j < n ==> x[j] == \at(x[j], Pre);
      loop invariant todo_minf: \forall integer j; i <= j < n ==> (\is_minus_infinity(x[j]) <==> \is_minus_infinity(\at(x[j], Pre)));
      loop invariant dom: \forall integer j; i <= j < n ==> in_domain(x[j]) && (\is_minus_infinity(x[j]) || x[j] <= m);
      loop assigns i, y[0 .. n - 1];
      loop variant n - i;
  */
  for (i = 0u; i < n; i++) y[i] = shifted_exp(x[i], m);
}

int vik_logit_class(float v) {
  if (v >= -VIK_LOGIT_MAX && v <= VIK_LOGIT_MAX) return 1;
  if (v < -F32_MAX) return 2;
  return 0;
}

/* a > b on finite floats, as a fact on their values */
/*@ requires \is_finite(a) && \is_finite(b);
    assigns \nothing;
    ensures gt: \result != 0 <==> a > b;
*/
static int greater(float a, float b) { return a > b; }

int vik_softmax_sink(float *y, const float *x, uint32_t n, int has_sink, float sink) {
  uint32_t i;
  int any = 0, bad = 0;
  float m = 0.0f;
  //@ ghost uint32_t arg = 0u;
  /* the largest finite entry; any entry outside the domain makes the row bad */
  /*@ loop invariant bounds: 0 <= i <= n && 0 <= arg < n;
      loop invariant bad: bad == 0 <==> row_ok(x, i);
      loop invariant arg: any != 0 ==> arg < i && x[arg] == m && logit_fin(x[arg]) && \is_finite(m) && \abs(m) <= VIK_LOGIT_MAX;
      loop invariant max: any != 0 ==> \forall integer j; 0 <= j < i ==> logit_fin(x[j]) ==> x[j] <= m;
      loop invariant none: any == 0 ==> \forall integer j; 0 <= j < i ==> !logit_fin(x[j]);
      loop assigns i, arg, any, bad, m;
      loop variant n - i;
  */
  for (i = 0u; i < n; i++) {
    int c = vik_logit_class(x[i]);
    if (c == 0) bad = 1;
    else if (c == 1 && (any == 0 || greater(x[i], m))) {
      m = x[i];
      any = 1;
      //@ ghost arg = i;
    }
  }
  if (has_sink != 0 && vik_logit_class(sink) != 1) bad = 1;
  if (bad != 0) { zero_fill(y, n); return VIK_EDOMAIN; }
  if (any == 0 && has_sink == 0) { zero_fill(y, n); return VIK_OK; }   /* every entry masked */
  //@ ghost int top = 0;
  if (has_sink != 0 && (any == 0 || greater(sink, m))) {
    m = sink;                              /* the sink is the largest logit */
    //@ ghost top = 1;
  }
  //@ assert top: top != 0 ==> m == sink;
  /*@ assert maxall: \forall integer j; 0 <= j < n ==> in_domain(x[j]) &&
                       (\is_minus_infinity(x[j]) || x[j] <= m); */
  //@ assert arg: top == 0 ==> arg < n && x[arg] == m && logit_fin(x[arg]);
  float s0 = has_sink != 0 ? shifted_exp(sink, m) : 0.0f;
  //@ assert s0: \is_finite(s0) && 0 <= s0 <= 1 && (top != 0 ==> s0 == 1) && (has_sink == 0 ==> s0 == 0);
  terms(y, x, n, m);
  //@ assert argy: top == 0 ==> y[arg] == 1;
  /* their sum in index order, after the sink's term */
  float s = row_sum(y, n, s0);
  //@ assert one: 1 <= s;
  //@ assert P: 1 <= s0 + wsum(y, n);
  //@ ghost sm_end(y, n, s0, s);
  divide_row(y, n, s);
  //@ ghost sm_out(y, n, s);
  //@ assert topy: top == 0 ==> y[arg] >= 0x1p-17;
  return VIK_OK;
}

int vik_softmax(float *y, const float *x, uint32_t n) { return vik_softmax_sink(y, x, n, 0, 0.0f); }

/* ---------------------------------------------------------------- RMSNorm */

#define NN_LANES 16u

/* lanes 0 .. cnt-1 add the squares of their element: acc[l] += x_l x_l */
/*@ requires cnt: 0 <= cnt <= NN_LANES;
    requires k: 0 <= k <= 4095;
    requires valid_acc: \valid(acc + (0 .. NN_LANES - 1));
    requires valid_x: \valid_read(x + (0 .. cnt - 1));
    requires sep: \separated(acc + (0 .. NN_LANES - 1), x + (0 .. cnt - 1));
    requires bx: \forall integer i; 0 <= i < cnt ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p20;
    requires lanes: \forall integer j; 0 <= j < NN_LANES ==>
                      \is_finite(acc[j]) && 0 <= acc[j] <= k * (0x1p40 + 0x1p28);
    assigns acc[0 .. NN_LANES - 1];
    ensures lanes: \forall integer j; 0 <= j < NN_LANES ==>
                     \is_finite(acc[j]) && 0 <= acc[j] <= (k + 1) * (0x1p40 + 0x1p28);
*/
static void lane_sq(float *acc, const float *x, uint32_t cnt, uint32_t k) {
  (void)k;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= l <= cnt;
      loop invariant done: \forall integer j; 0 <= j < l ==>
                             \is_finite(acc[j]) && 0 <= acc[j] <= (k + 1) * (0x1p40 + 0x1p28);
      loop invariant todo: \forall integer j; l <= j < NN_LANES ==>
                               \is_finite(acc[j]) && 0 <= acc[j] <= k * (0x1p40 + 0x1p28);
      loop assigns l, acc[0 .. NN_LANES - 1];
      loop variant cnt - l;
  */
  for (uint32_t l = 0u; l < cnt; l++) {
    float a = x[l];
    //@ assert ba: \is_finite(a) && \abs(a) <= 0x1p20;
    float p = a * a;                       /* Gappa knows a square is >= 0 */
    //@ assert bp: \is_finite(p) && 0 <= p <= 0x1p40;
    float s0 = acc[l];
    //@ assert bs: \is_finite(s0) && 0 <= s0 <= 0x1p52;
    float s = s0 + p;
    //@ assert err: \abs(rsub(s, s0 + p)) <= 0x1p28;
    //@ assert pos: 0 <= s;
    //@ assert err2: s <= s0 + p + 0x1p28;
    acc[l] = s;
  }
}

/* one level of the tree: two non-negative lanes at most B each */
/*@ requires fa: \is_finite(a) && 0 <= a <= 0x1p56;
    requires fb: \is_finite(b) && 0 <= b <= 0x1p56;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0 <= \result;
    ensures b54: a <= 0x1p53 && b <= 0x1p53 ==> \result <= 0x1p54;
    ensures b55: a <= 0x1p54 && b <= 0x1p54 ==> \result <= 0x1p55;
    ensures b56: a <= 0x1p55 && b <= 0x1p55 ==> \result <= 0x1p56;
    ensures b57: \result <= 0x1p57;
*/
static float pos_add(float a, float b) { return a + b; }

/* sum of squares of x[0 .. n-1], 16 lanes combined as in vik_dot_f32 */
/*@ requires n: 1 <= n <= VIK_NN_MAX;
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires bx: \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p20;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0 <= \result <= 0x1p57;
*/
static float sumsq(const float *x, uint32_t n) {
  float acc[NN_LANES];
  uint32_t c = n / NN_LANES, r = n % NN_LANES, k, l;
  /*@ loop invariant bounds: 0 <= l <= NN_LANES;
      loop invariant zero: \forall integer j; 0 <= j < l ==> acc[j] == 0;
      loop assigns l, acc[0 .. NN_LANES - 1];
      loop variant NN_LANES - l;
  */
  for (l = 0u; l < NN_LANES; l++) acc[l] = 0.0f;
  /*@ loop invariant bounds: 0 <= k <= c;
      loop invariant lanes: \forall integer j; 0 <= j < NN_LANES ==>
                              \is_finite(acc[j]) && 0 <= acc[j] <= k * (0x1p40 + 0x1p28);
      loop assigns k, acc[0 .. NN_LANES - 1];
      loop variant c - k;
  */
  for (k = 0u; k < c; k++) lane_sq(acc, x + k * NN_LANES, NN_LANES, k);
  //@ assert tail: r > 0 ==> c <= 4095;
  if (r > 0u) lane_sq(acc, x + c * NN_LANES, r, c);
  //@ assert lanes: \forall integer j; 0 <= j < NN_LANES ==> \is_finite(acc[j]) && 0 <= acc[j] <= 0x1p53;
  /*@ loop invariant bounds: 0 <= l <= 8;
      loop invariant done: \forall integer j; 0 <= j < l ==> \is_finite(acc[j]) && 0 <= acc[j] <= 0x1p54;
      loop invariant todo: \forall integer j; l <= j < NN_LANES ==> \is_finite(acc[j]) && 0 <= acc[j] <= 0x1p53;
      loop assigns l, acc[0 .. 7];
      loop variant 8 - l;
  */
  for (l = 0u; l < 8u; l++) acc[l] = pos_add(acc[l], acc[l + 8u]);
  /*@ loop invariant bounds: 0 <= l <= 4;
      loop invariant done: \forall integer j; 0 <= j < l ==> \is_finite(acc[j]) && 0 <= acc[j] <= 0x1p55;
      loop invariant todo: \forall integer j; l <= j < 8 ==> \is_finite(acc[j]) && 0 <= acc[j] <= 0x1p54;
      loop assigns l, acc[0 .. 3];
      loop variant 4 - l;
  */
  for (l = 0u; l < 4u; l++) acc[l] = pos_add(acc[l], acc[l + 4u]);
  /*@ loop invariant bounds: 0 <= l <= 2;
      loop invariant done: \forall integer j; 0 <= j < l ==> \is_finite(acc[j]) && 0 <= acc[j] <= 0x1p56;
      loop invariant todo: \forall integer j; l <= j < 4 ==> \is_finite(acc[j]) && 0 <= acc[j] <= 0x1p55;
      loop assigns l, acc[0 .. 1];
      loop variant 2 - l;
  */
  for (l = 0u; l < 2u; l++) acc[l] = pos_add(acc[l], acc[l + 2u]);
  return pos_add(acc[0], acc[1]);
}

/* 1 / sqrt(ss / n + eps) for 0 <= ss <= 2^57: at most 2^20 */
/*@ requires ss: \is_finite(ss) && 0 <= ss <= 0x1p57;
    requires n: \is_finite(n) && 1 <= n <= 65536;
    requires eps: \is_finite(eps) && 0x1p-40 <= eps <= 1;
    assigns __fc_errno;
    ensures fin: \is_finite(\result) && 0 < \result <= 0x1p20;
    ensures errno: __fc_errno == \old(__fc_errno);
*/
static float rms_inv(float ss, float n, float eps) {
  float v = ss / n + eps;
  //@ assert v: \is_finite(v) && 0x1p-40 <= v <= 0x1p58;
  float q = sqrtf(v);
  /* sqrtf is correctly rounded and sqrt(2^-40) = 2^-20, so q >= 2^-20 and
     the max never binds; it states the bound where the proof can see it
     (Frama-C's sqrtf contract gives the value, which no prover here bounds) */
  q = q < 0x1p-20f ? 0x1p-20f : q;
  //@ assert q: \is_finite(q) && 0x1p-20 <= q;
  return 1.0f / q;
}

/*@ requires r: \is_finite(r) && 0 < r <= 0x1p20;
    requires x: \is_finite(x) && \abs(x) <= 0x1p20;
    requires w: \is_finite(w) && \abs(w) <= 0x1p20;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p60;
*/
static float rms_scale(float w, float x, float r) { return w * (x * r); }

/* n as a float, exact */
/*@ requires n: 1 <= n <= 65536;
    assigns \nothing;
    ensures r: \is_finite(\result) && 1 <= \result <= 65536;
*/
static float count_f32(uint32_t n) { return (float)n; }

void vik_rmsnorm(float *y, const float *x, const float *w, uint32_t n, float eps) {
  float r = rms_inv(sumsq(x, n), count_f32(n), eps);
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant done: \forall integer j; 0 <= j < i ==> \is_finite(y[j]) && \abs(y[j]) <= 0x1p60;
      loop assigns i, y[0 .. n - 1];
      loop variant n - i;
  */
  for (uint32_t i = 0u; i < n; i++) y[i] = rms_scale(w[i], x[i], r);
}

/* ---------------------------------------------------------------- RoPE */

/* one rotated pair: (a c - b s, b c + a s) = (rot(a, b), rot(b, -a)) */
/*@ requires fa: \is_finite(a) && \abs(a) <= 0x1p120;
    requires fb: \is_finite(b) && \abs(b) <= 0x1p120;
    requires fc: \is_finite(c) && \abs(c) <= 1;
    requires fs: \is_finite(s) && \abs(s) <= 1;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p121;
*/
static float rot(float a, float b, float c, float s) { return a * c - b * s; }

/* The head at x[o .. o + 2h - 1]: the helpers index x[o + i] themselves
   rather than take the shifted pointer x + o, so their contracts speak of
   the caller's cells (a fact on (x + o)[i] does not transfer to x[i]
   without an instantiation the provers do not find). */
/*@ predicate rope_in{L}(float *x, integer a, integer b) =
      \forall integer i; a <= i < b ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p120;
    predicate rope_out{L}(float *x, integer a, integer b) =
      \forall integer i; a <= i < b ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p121;
*/

/* one head, HF rotate_half: pairs (o + i, o + i + h) */
/*@ requires h: 1 <= h <= VIK_HEAD_DIM_MAX / 2;
    requires o: o + 2 * h <= 0x40000000;
    requires valid_x: \valid(x + (o .. o + 2 * h - 1));
    requires valid_cs: \valid_read(c + (0 .. h - 1)) && \valid_read(s + (0 .. h - 1));
    requires sep: \separated(x + (o .. o + 2 * h - 1), c + (0 .. h - 1)) && \separated(x + (o .. o + 2 * h - 1), s + (0 .. h - 1));
    requires unit: \forall integer i; 0 <= i < h ==>
                     \is_finite(c[i]) && \abs(c[i]) <= 1 && \is_finite(s[i]) && \abs(s[i]) <= 1;
    requires bounded_x: rope_in(x, o, o + 2 * h);
    assigns x[o .. o + 2 * h - 1];
    ensures fin: rope_out(x, o, o + 2 * h);
*/
static void rope_halves(float *x, uint32_t o, uint32_t h, const float *c, const float *s) {
  /*@ loop invariant bounds: 0 <= i <= h;
      loop invariant done_lo: rope_out(x, o, o + i);
      loop invariant done_hi: rope_out(x, o + h, o + h + i);
      loop invariant todo_lo: rope_in(x, o + i, o + h);
      loop invariant todo_hi: rope_in(x, o + h + i, o + 2 * h);
      loop assigns i, x[o .. o + 2 * h - 1];
      loop variant h - i;
  */
  for (uint32_t i = 0u; i < h; i++) {
    float a = x[o + i], b = x[o + h + i];
    x[o + i] = rot(a, b, c[i], s[i]);
    x[o + h + i] = rot(b, -a, c[i], s[i]);
  }
}

/* one head, interleaved: pairs (o + 2i, o + 2i + 1) */
/*@ requires h: 1 <= h <= VIK_HEAD_DIM_MAX / 2;
    requires o: o + 2 * h <= 0x40000000;
    requires valid_x: \valid(x + (o .. o + 2 * h - 1));
    requires valid_cs: \valid_read(c + (0 .. h - 1)) && \valid_read(s + (0 .. h - 1));
    requires sep: \separated(x + (o .. o + 2 * h - 1), c + (0 .. h - 1)) && \separated(x + (o .. o + 2 * h - 1), s + (0 .. h - 1));
    requires unit: \forall integer i; 0 <= i < h ==>
                     \is_finite(c[i]) && \abs(c[i]) <= 1 && \is_finite(s[i]) && \abs(s[i]) <= 1;
    requires bounded_x: rope_in(x, o, o + 2 * h);
    assigns x[o .. o + 2 * h - 1];
    ensures fin: rope_out(x, o, o + 2 * h);
*/
static void rope_pairs(float *x, uint32_t o, uint32_t h, const float *c, const float *s) {
  /*@ loop invariant bounds: 0 <= i <= h;
      loop invariant done: rope_out(x, o, o + 2 * i);
      loop invariant todo: rope_in(x, o + 2 * i, o + 2 * h);
      loop assigns i, x[o .. o + 2 * h - 1];
      loop variant h - i;
  */
  for (uint32_t i = 0u; i < h; i++) {
    float a = x[o + 2u * i], b = x[o + 2u * i + 1u];
    x[o + 2u * i] = rot(a, b, c[i], s[i]);
    x[o + 2u * i + 1u] = rot(b, -a, c[i], s[i]);
  }
}

void vik_rope(float *x, uint32_t H, uint32_t D, const float *c, const float *s, int halves) {
  uint32_t h = D / 2u, o = 0u, t;
  /*@ loop invariant bounds: 0 <= t <= H && o == t * D;
      loop invariant done: rope_out(x, 0, o);
      loop invariant todo: rope_in(x, o, H * D);
      loop assigns t, o, x[0 .. H * D - 1];
      loop variant H - t;
  */
  for (t = 0u; t < H; t++) {
    //@ assert span: 0 <= t * D && t * D + D <= H * D;
    //@ assert even: 2 * h == D;
    if (halves) rope_halves(x, o, h, c, s);
    else rope_pairs(x, o, h, c, s);
    o += D;
  }
}
