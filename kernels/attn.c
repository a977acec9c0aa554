/* vik attention (see attn.h). */
#include "attn.h"
#include "float_logic.h"
#include "linear_logic.h"
#include "attn_logic.h"
#include <math.h>

/* The weighted sum: after c rows, |out[d]| <= c (2^20 + 2^13): each term
   w v is at most 2^20 (w in [0, 1], |v| <= 2^20) and each addition rounds by
   at most half an ulp at 2^37 (2^13), the most out can reach in 2^16 rows. */

/* a + b, its rounding relative (Gappa proves it of a sum of two parameters;
   inside madd, with the product's rounding in view, it did not) */
/*@ requires a: \is_finite(a) && \abs(a) <= 0x1p56;
    requires b: \is_finite(b) && \abs(b) <= 0x1p56;
    assigns \nothing;
    ensures fin: \is_finite(\result);
    ensures err: \abs(a + b) <= 0x1p38 ==> \abs(rsub(\result, a + b)) <= 0x1p13;
    ensures rel: \abs(rsub(\result, a + b)) <= 0x1p-24 * \abs(a + b) + 0x1p-150;
*/
static float add_rel(float a, float b) { return a + b; }

/*@ requires w: \is_finite(w) && 0 <= w <= 1;
    requires v: \is_finite(v) && \abs(v) <= 0x1p20;
    requires a: \is_finite(a) && \abs(a) <= 0x1p37;
    assigns \nothing;
    ensures fin: \is_finite(\result);
    ensures err: \abs(\result) <= \abs(a) + 0x1p20 + 0x1p13;
    ensures rel: \abs(\result - (a + w * v)) <= 0x1p-24 * \abs(a + w * v) + 0x1.000002p-24 * \abs(w * v) + 0x1p-148;
*/
static float madd(float a, float w, float v) {
  float p = w * v;
  //@ assert p: \is_finite(p) && \abs(p) <= 0x1p20;
  //@ assert pr: \abs(rsub(p, rmul(w, v))) <= 0x1p-24 * \abs(rmul(w, v)) + 0x1p-150;
  float r = add_rel(a, p);
  //@ assert err: \abs(rsub(r, a + p)) <= 0x1p13;
  return r;
}

/* out[d] += w row[d] for every d < D; row c of at most 2^16 */
/*@ requires dims: 1 <= D <= VIK_HEAD_DIM_MAX && 0 <= c < VIK_CTX_MAX;
    requires valid: \valid(out + (0 .. D - 1)) && \valid_read(row + (0 .. D - 1));
    requires sep: \separated(out + (0 .. D - 1), row + (0 .. D - 1));
    requires w: \is_finite(w) && 0 <= w <= 1;
    requires bounded_row: \forall integer i; 0 <= i < D ==> \is_finite(row[i]) && \abs(row[i]) <= 0x1p20;
    requires acc: \forall integer i; 0 <= i < D ==> \is_finite(out[i]) && \abs(out[i]) <= c * (0x1p20 + 0x1p13);
    assigns out[0 .. D - 1];
    ensures acc: \forall integer i; 0 <= i < D ==> \is_finite(out[i]) && \abs(out[i]) <= (c + 1) * (0x1p20 + 0x1p13);
*/
static void axpy(float *out, float w, const float *row, uint32_t D, uint32_t c) {
  (void)c;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= d <= D;
      loop invariant done: \forall integer i; 0 <= i < d ==> \is_finite(out[i]) && \abs(out[i]) <= (c + 1) * (0x1p20 + 0x1p13);
      loop invariant todo: \forall integer i; d <= i < D ==> \is_finite(out[i]) && \abs(out[i]) <= c * (0x1p20 + 0x1p13);
      loop assigns d, out[0 .. D - 1];
      loop variant D - d;
  */
  for (uint32_t d = 0u; d < D; d++) out[d] = madd(out[d], w, row[d]);
}

/* a score: q.k scaled, |q.k| <= 2^57 by vik_dot_f32's contract */
/*@ requires dot: \is_finite(dot) && \abs(dot) <= 0x1p57;
    requires scale: \is_finite(scale) && 0 < scale <= 1;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p57;
*/
static float scaled(float dot, float scale) { return dot * scale; }

int vik_attend(float *out, const float *q, const float *k, const float *v, uint32_t D, uint32_t pos,
               uint32_t W, uint32_t lo, int has_sink, float sink, float scale, float *w) {
  uint32_t n = pos - lo + 1u, p, d, ko;
  (void)W;                                 /* only the contract uses it: lo */
  /* scores of the visible positions lo .. pos, in w[0 .. n-1]: unshifted, so
     the softmax's contract speaks of the same cells as this function's.
     Row offsets advance by D (ko == p D): no products of counters in C. */
  //@ assert lo0: lo * D <= (pos + 1) * D;
  ko = lo * D;
  /*@ loop invariant bounds: lo <= p <= pos + 1;
      loop invariant off: ko == p * D;
      loop invariant done: \forall integer i; 0 <= i < p - lo ==> \is_finite(w[i]) && \abs(w[i]) <= 0x1p57;
      loop assigns p, ko, w[0 .. n - 1];
      loop variant pos + 1 - p;
  */
  for (p = lo; p <= pos; p++) {
    //@ assert span: 0 <= p * D && p * D + D <= (pos + 1) * D;
    //@ assert lo1: lo * D <= p * D;
    w[p - lo] = scaled(vik_dot_f32(q, k + ko, D), scale);
    ko += D;
  }
  //@ assert dom: row_ok(w, n);
  //@ assert sk: has_sink != 0 ==> logit_fin(sink);
  int rc = vik_softmax_sink(w, w, n, has_sink, sink);
  //@ assert ok: rc == VIK_OK;
  /*@ loop invariant bounds: 0 <= d <= D;
      loop invariant zero: \forall integer i; 0 <= i < d ==> out[i] == 0;
      loop assigns d, out[0 .. D - 1];
      loop variant D - d;
  */
  for (d = 0u; d < D; d++) out[d] = 0.0f;
  /* row-outer: each value row is read once, in order; out[d] sums its terms
     in increasing position */
  ko = lo * D;
  /*@ loop invariant bounds: lo <= p <= pos + 1;
      loop invariant off: ko == p * D;
      loop invariant acc: \forall integer i; 0 <= i < D ==> \is_finite(out[i]) && \abs(out[i]) <= (p - lo) * (0x1p20 + 0x1p13);
      loop invariant wts: \forall integer i; 0 <= i < n ==> \is_finite(w[i]) && 0 <= w[i] <= 1;
      loop assigns p, ko, out[0 .. D - 1];
      loop variant pos + 1 - p;
  */
  for (p = lo; p <= pos; p++) {
    //@ assert span: 0 <= p * D && p * D + D <= (pos + 1) * D;
    //@ assert lo1: lo * D <= p * D;
    axpy(out, w[p - lo], v + ko, D, p - lo);
    ko += D;
  }
  return rc;
}

/* D as a float, exact */
/*@ requires D: 1 <= D <= VIK_HEAD_DIM_MAX;
    assigns \nothing;
    ensures r: \is_finite(\result) && 1 <= \result <= VIK_HEAD_DIM_MAX;
*/
static float dim_f32(uint32_t D) { return (float)D; }

/* 1 / sqrt(D) */
/*@ requires D: 1 <= D <= VIK_HEAD_DIM_MAX;
    assigns __fc_errno;
    ensures scale: \is_finite(\result) && 0 < \result <= 1;
*/
static float inv_sqrt(uint32_t D) {
  float r = sqrtf(dim_f32(D));
  /* sqrtf is correctly rounded, so 1 <= r <= 32 already; the clamps state it
     where the proof can see it (no prover here bounds sqrtf's value) */
  r = r < 1.0f ? 1.0f : r;
  r = r > 32.0f ? 32.0f : r;
  //@ assert r: \is_finite(r) && 1 <= r <= 32;
  return 1.0f / r;
}

/* One output of n known to be out_ok: a ghost lemma (no code), called with
   a shifted pointer, so that its caller gets the element as the caller
   indexes it (WP rewrites (o + a)[i] to o[a + i]; the provers do not see
   through the shift inside out_ok's quantifier). */
/*@ ghost
  /@ requires i: i < n;
     requires ok: out_ok(p, n);
     assigns \nothing;
     ensures el: \is_finite(p[i]) && \abs(p[i]) <= 0x1p37;
  @/
  static void out_el(float *p, uint32_t n, uint32_t i) { }
*/

/* The outputs o[0 .. a - 1] and the b written through o + a, joined: a
   ghost lemma (no code), the b taken one at a time by out_el. Stated over
   all i at once, as a lemma, the provers timed out (no instance of the
   shifted quantifier). */
/*@ ghost
  /@ requires lo: out_ok(o, a);
     requires hi: out_ok(o + a, b);
     assigns \nothing;
     ensures join: out_ok(o, a + b);
  @/
  static void out_join(float *o, uint32_t a, uint32_t b) {
    /@ loop invariant bounds: 0 <= i <= b;
       loop invariant done: out_ok(o, a + i);
       loop assigns i;
       loop variant b - i;
    @/
    for (uint32_t i = 0u; i != b; i++) out_el(o + a, b, i);
  }
*/

/* One query head: Tq query rows q, out [Tq, D] at positions qpos0 .. against
   its KV head's rows k, v [S, D]. Offsets advance by D (no products of loop
   counters, which the provers handle poorly). */
/*@ requires dims: 1 <= D <= VIK_HEAD_DIM_MAX && 1 <= Tq && S <= VIK_CTX_MAX && qpos0 < S && Tq <= S - qpos0 &&
                   Tq * D <= VIK_MAT_MAX && S * D <= VIK_MAT_MAX;
    requires scale: \is_finite(scale) && 0 < scale <= 1;
    requires sink: has_sink != 0 ==> \is_finite(sink) && \abs(sink) <= 0x1p60;
    requires valid_q: \valid_read(q + (0 .. Tq * D - 1));
    requires valid_out: \valid(out + (0 .. Tq * D - 1));
    requires valid_kv: \valid_read(k + (0 .. S * D - 1)) && \valid_read(v + (0 .. S * D - 1));
    requires valid_w: \valid(w + (0 .. S - 1));
    requires sep: \separated(out + (0 .. Tq * D - 1), w + (0 .. S - 1), q + (0 .. Tq * D - 1)) &&
                  \separated(out + (0 .. Tq * D - 1), k + (0 .. S * D - 1), v + (0 .. S * D - 1)) &&
                  \separated(w + (0 .. S - 1), k + (0 .. S * D - 1), v + (0 .. S * D - 1));
    requires bounded_q: \forall integer i; 0 <= i < Tq * D ==> \is_finite(q[i]) && \abs(q[i]) <= 0x1p20;
    requires bounded_k: \forall integer i; 0 <= i < S * D ==> \is_finite(k[i]) && \abs(k[i]) <= 0x1p20;
    requires bounded_v: \forall integer i; 0 <= i < S * D ==> \is_finite(v[i]) && \abs(v[i]) <= 0x1p20;
    assigns out[0 .. Tq * D - 1], w[0 .. S - 1];
    ensures fin: out_ok(out, Tq * D);
*/
static void attend_head(float *out, const float *q, const float *k, const float *v, uint32_t D,
                        uint32_t Tq, uint32_t qpos0, uint32_t S, uint32_t W, int has_sink, float sink,
                        float scale, float *w) {
  uint32_t t, o = 0u;
  (void)S;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= t <= Tq;
      loop invariant off: o == t * D;
      loop invariant done: out_ok(out, o);
      loop assigns t, o, out[0 .. Tq * D - 1], w[0 .. S - 1];
      loop variant Tq - t;
  */
  for (t = 0u; t < Tq; t++) {
    uint32_t pos = qpos0 + t;
    uint32_t lo = W > 0u && pos >= W ? pos - W + 1u : 0u;
    //@ assert span: 0 <= t * D && t * D + D <= Tq * D;
    //@ assert kv: pos + 1 <= S && (pos + 1) * D <= S * D;
    (void)vik_attend(out + o, q + o, k, v, D, pos, W, lo, has_sink, sink, scale, w);
    //@ ghost out_join(out, o, D);
    o += D;
  }
}

/* ---- Decode, 4 query heads of one KV head at a time ----
   With Tq = 1 the cost is reading the cache: head by head, each of the g
   query heads of a KV head reads its K and V rows again. Here each cached
   row is read once for 4 heads. Every score, weight and sum is the same
   operation in the same order as vik_attend's, so the bits are the same. */

/* Index facts as contract-only functions: called for their ensures, so the
   kernels get the products of counters as hypotheses (as asserts inside
   the kernels they timed out). */
/*@ requires r: 0 <= a <= b && 0 <= c;
    assigns \nothing;
    ensures le: 0 <= a * c <= b * c;
*/
static void rows_le(uint32_t a, uint32_t b, uint32_t c) { (void)a; (void)b; (void)c; }

/*@ requires r: 0 <= a && 0 <= c;
    assigns \nothing;
    ensures add: 0 <= a * c && a * c + c == (a + 1) * c;
    ensures add4: a * c + 4 * c == (a + 4) * c;
*/
static void rows_add(uint32_t a, uint32_t c) { (void)a; (void)c; }

/* acc_in: a sum of c weighted value terms, as vik_attend's axpy bounds it;
   acc4: the 4 output rows out[jD .. jD + D - 1] all at c terms */
/*@ predicate acc_in(float x, integer c) = \is_finite(x) && \abs(x) <= c * (0x1p20 + 0x1p13);
    predicate acc4{L}(float *out, integer D, integer c) =
      \forall integer i; 0 <= i < D ==>
        acc_in(out[i], c) && acc_in(out[D + i], c) && acc_in(out[2 * D + i], c) && acc_in(out[3 * D + i], c);
    predicate score_ok{L}(float *s, integer n) =
      \forall integer i; 0 <= i < n ==> \is_finite(s[i]) && \abs(s[i]) <= 0x1p57;
    predicate weight_ok{L}(float *s, integer n) =
      \forall integer i; 0 <= i < n ==> \is_finite(s[i]) && 0 <= s[i] <= 1;
*/

/* out[jD + d] += w_j r for j < 4: one value element into the 4 heads' sums */
/*@ requires dims: 1 <= D <= VIK_HEAD_DIM_MAX && 0 <= d < D && 0 <= c < VIK_CTX_MAX;
    requires valid: \valid(out + (0 .. 4 * D - 1));
    requires w: \is_finite(wa) && 0 <= wa <= 1 && \is_finite(wb) && 0 <= wb <= 1 &&
                \is_finite(wc) && 0 <= wc <= 1 && \is_finite(wd) && 0 <= wd <= 1;
    requires r: \is_finite(r) && \abs(r) <= 0x1p20;
    requires acc: acc_in(out[d], c) && acc_in(out[D + d], c) && acc_in(out[2 * D + d], c) && acc_in(out[3 * D + d], c);
    assigns out[d], out[D + d], out[2 * D + d], out[3 * D + d];
    ensures acc: acc_in(out[d], c + 1) && acc_in(out[D + d], c + 1) && acc_in(out[2 * D + d], c + 1) &&
                 acc_in(out[3 * D + d], c + 1);
*/
static void madd4(float *out, uint32_t D, uint32_t d, float wa, float wb, float wc, float wd, float r,
                  uint32_t c) {
  uint32_t d1 = D + d, d2 = d1 + D, d3 = d2 + D;
  (void)c;                                 /* only the contract uses it */
  //@ assert ix: d1 == D + d && d2 == 2 * D + d && d3 == 3 * D + d;
  out[d] = madd(out[d], wa, r);
  out[d1] = madd(out[d1], wb, r);
  out[d2] = madd(out[d2], wc, r);
  out[d3] = madd(out[d3], wd, r);
}

/* out[jD + d] += w_j row[d], j < 4, d < D: one value row into 4 heads,
   each sum as vik_attend's axpy makes it */
/*@ requires dims: 1 <= D <= VIK_HEAD_DIM_MAX && 0 <= c < VIK_CTX_MAX;
    requires valid: \valid(out + (0 .. 4 * D - 1)) && \valid_read(row + (0 .. D - 1));
    requires sep: \separated(out + (0 .. 4 * D - 1), row + (0 .. D - 1));
    requires w: \is_finite(wa) && 0 <= wa <= 1 && \is_finite(wb) && 0 <= wb <= 1 &&
                \is_finite(wc) && 0 <= wc <= 1 && \is_finite(wd) && 0 <= wd <= 1;
    requires bounded_row: \forall integer i; 0 <= i < D ==> \is_finite(row[i]) && \abs(row[i]) <= 0x1p20;
    requires acc: acc4(out, D, c);
    assigns out[0 .. 4 * D - 1];
    ensures acc: acc4(out, D, c + 1);
*/
static void axpy4(float *out, float wa, float wb, float wc, float wd, const float *row, uint32_t D,
                  uint32_t c) {
  uint32_t d;
  /*@ loop invariant bounds: 0 <= d <= D;
      loop invariant done: \forall integer i; 0 <= i < d ==>
        acc_in(out[i], c + 1) && acc_in(out[D + i], c + 1) && acc_in(out[2 * D + i], c + 1) && acc_in(out[3 * D + i], c + 1);
      loop invariant todo: \forall integer i; d <= i < D ==>
        acc_in(out[i], c) && acc_in(out[D + i], c) && acc_in(out[2 * D + i], c) && acc_in(out[3 * D + i], c);
      loop assigns d, out[0 .. 4 * D - 1];
      loop variant D - d;
  */
  for (d = 0u; d < D; d++) madd4(out, D, d, wa, wb, wc, wd, row[d], c);
}

/* Scores of the visible positions lo .. pos (n = pos + 1 - lo) for 4 query
   heads q[jD .. jD + D - 1] against k: sj[i] = scaled(q_j . k_{lo+i}), as
   vik_attend computes them. */
/*@ requires dims: 1 <= D <= VIK_HEAD_DIM_MAX && lo <= pos < VIK_CTX_MAX && (pos + 1) * D <= VIK_MAT_MAX;
    requires scale: \is_finite(scale) && 0 < scale <= 1;
    requires valid_q: \valid_read(q + (0 .. 4 * D - 1));
    requires valid_k: \valid_read(k + (lo * D .. (pos + 1) * D - 1));
    requires valid_s: \valid(sa + (0 .. pos - lo)) && \valid(sb + (0 .. pos - lo)) &&
                      \valid(sc + (0 .. pos - lo)) && \valid(sd + (0 .. pos - lo));
    requires sep_ab: \separated(sa + (0 .. pos - lo), sb + (0 .. pos - lo));
    requires sep_ac: \separated(sa + (0 .. pos - lo), sc + (0 .. pos - lo));
    requires sep_ad: \separated(sa + (0 .. pos - lo), sd + (0 .. pos - lo));
    requires sep_bc: \separated(sb + (0 .. pos - lo), sc + (0 .. pos - lo));
    requires sep_bd: \separated(sb + (0 .. pos - lo), sd + (0 .. pos - lo));
    requires sep_cd: \separated(sc + (0 .. pos - lo), sd + (0 .. pos - lo));
    requires sep_aq: \separated(sa + (0 .. pos - lo), q + (0 .. 4 * D - 1));
    requires sep_ak: \separated(sa + (0 .. pos - lo), k + (lo * D .. (pos + 1) * D - 1));
    requires sep_bq: \separated(sb + (0 .. pos - lo), q + (0 .. 4 * D - 1));
    requires sep_bk: \separated(sb + (0 .. pos - lo), k + (lo * D .. (pos + 1) * D - 1));
    requires sep_cq: \separated(sc + (0 .. pos - lo), q + (0 .. 4 * D - 1));
    requires sep_ck: \separated(sc + (0 .. pos - lo), k + (lo * D .. (pos + 1) * D - 1));
    requires sep_dq: \separated(sd + (0 .. pos - lo), q + (0 .. 4 * D - 1));
    requires sep_dk: \separated(sd + (0 .. pos - lo), k + (lo * D .. (pos + 1) * D - 1));
    requires bounded_q: \forall integer i; 0 <= i < 4 * D ==> \is_finite(q[i]) && \abs(q[i]) <= 0x1p20;
    requires bounded_k: \forall integer i; lo * D <= i < (pos + 1) * D ==> \is_finite(k[i]) && \abs(k[i]) <= 0x1p20;
    assigns sa[0 .. pos - lo], sb[0 .. pos - lo], sc[0 .. pos - lo], sd[0 .. pos - lo];
    ensures s: score_ok(sa, pos + 1 - lo) && score_ok(sb, pos + 1 - lo) &&
               score_ok(sc, pos + 1 - lo) && score_ok(sd, pos + 1 - lo);
*/
static void quad_scores(float *sa, float *sb, float *sc, float *sd, const float *q, const float *k,
                        uint32_t D, uint32_t lo, uint32_t pos, float scale) {
  uint32_t p, n1 = pos + 1u, D2 = D + D, D3 = D2 + D;
  //@ assert qo: n1 == pos + 1 && D2 == 2 * D && D3 == 3 * D;
  /*@ loop invariant bounds: lo <= p <= pos + 1;
      loop invariant done: score_ok(sa, p - lo) && score_ok(sb, p - lo) && score_ok(sc, p - lo) && score_ok(sd, p - lo);
      loop assigns p, sa[0 .. pos - lo], sb[0 .. pos - lo], sc[0 .. pos - lo], sd[0 .. pos - lo];
      loop variant pos + 1 - p;
  */
  for (p = lo; p <= pos; p++) {
    uint32_t i = p - lo, p1 = p + 1u, ko;
    //@ assert p1: p1 == p + 1 && p1 <= n1;
    rows_le(p1, n1, D);
    rows_le(lo, p, D);
    rows_add(p, D);
    ko = p * D;
    //@ assert span: ko == p * D && lo * D <= ko && ko + D <= (pos + 1) * D;
    const float *kp = k + ko;
    sa[i] = scaled(vik_dot_f32(q, kp, D), scale);
    sb[i] = scaled(vik_dot_f32(q + D, kp, D), scale);
    sc[i] = scaled(vik_dot_f32(q + D2, kp, D), scale);
    sd[i] = scaled(vik_dot_f32(q + D3, kp, D), scale);
  }
}

/* The softmax of one score row in place, as vik_attend's */
/*@ requires n: 1 <= n <= VIK_CTX_MAX;
    requires valid: \valid(s + (0 .. n - 1));
    requires s: score_ok(s, n);
    requires sink: has_sink != 0 ==> \is_finite(sink) && \abs(sink) <= 0x1p60;
    assigns s[0 .. n - 1];
    ensures w: weight_ok(s, n);
*/
static void to_weights(float *s, uint32_t n, int has_sink, float sink) {
  //@ assert dom: row_ok(s, n);
  //@ assert sk: has_sink != 0 ==> logit_fin(sink);
  (void)vik_softmax_sink(s, s, n, has_sink, sink);
}

/* out [4, D] = the weighted sums of value rows lo .. pos, weights sj[i] for
   row lo + i, in increasing position, as vik_attend's */
/*@ requires dims: 1 <= D <= VIK_HEAD_DIM_MAX && lo <= pos < VIK_CTX_MAX && (pos + 1) * D <= VIK_MAT_MAX;
    requires valid_out: \valid(out + (0 .. 4 * D - 1));
    requires valid_v: \valid_read(v + (lo * D .. (pos + 1) * D - 1));
    requires valid_s: \valid_read(sa + (0 .. pos - lo)) && \valid_read(sb + (0 .. pos - lo)) &&
                      \valid_read(sc + (0 .. pos - lo)) && \valid_read(sd + (0 .. pos - lo));
    requires sep_v: \separated(out + (0 .. 4 * D - 1), v + (lo * D .. (pos + 1) * D - 1));
    requires sep_a: \separated(out + (0 .. 4 * D - 1), sa + (0 .. pos - lo));
    requires sep_b: \separated(out + (0 .. 4 * D - 1), sb + (0 .. pos - lo));
    requires sep_c: \separated(out + (0 .. 4 * D - 1), sc + (0 .. pos - lo));
    requires sep_d: \separated(out + (0 .. 4 * D - 1), sd + (0 .. pos - lo));
    requires w: weight_ok(sa, pos + 1 - lo) && weight_ok(sb, pos + 1 - lo) &&
                weight_ok(sc, pos + 1 - lo) && weight_ok(sd, pos + 1 - lo);
    requires bounded_v: \forall integer i; lo * D <= i < (pos + 1) * D ==> \is_finite(v[i]) && \abs(v[i]) <= 0x1p20;
    assigns out[0 .. 4 * D - 1];
    ensures fin: out_ok(out, 4 * D);
*/
static void quad_values(float *out, const float *sa, const float *sb, const float *sc, const float *sd,
                        const float *v, uint32_t D, uint32_t lo, uint32_t pos) {
  uint32_t p, d, n1 = pos + 1u, D4 = 4u * D;
  //@ assert n1: n1 == pos + 1 && D4 == 4 * D;
  /*@ loop invariant bounds: 0 <= d <= D4;
      loop invariant zero: \forall integer i; 0 <= i < d ==> out[i] == 0;
      loop assigns d, out[0 .. 4 * D - 1];
      loop variant D4 - d;
  */
  for (d = 0u; d < D4; d++) out[d] = 0.0f;
  //@ assert z: acc4(out, D, 0);
  /*@ loop invariant bounds: lo <= p <= pos + 1;
      loop invariant acc: acc4(out, D, p - lo);
      loop assigns p, out[0 .. 4 * D - 1];
      loop variant pos + 1 - p;
  */
  for (p = lo; p <= pos; p++) {
    uint32_t i = p - lo, p1 = p + 1u, ko;
    //@ assert p1: p1 == p + 1 && p1 <= n1;
    rows_le(p1, n1, D);
    rows_le(lo, p, D);
    rows_add(p, D);
    ko = p * D;
    //@ assert span: ko == p * D && lo * D <= ko && ko + D <= (pos + 1) * D;
    axpy4(out, sa[i], sb[i], sc[i], sd[i], v + ko, D, i);
  }
  /* at most 2^16 terms: 2^16 (2^20 + 2^13) <= 2^37 */
  //@ assert n: acc4(out, D, pos + 1 - lo) && pos + 1 - lo <= 65536;
}

/* 4 query heads q, out [4, D] at position pos (visible from lo) against one
   KV head's k, v; sinks ka .. kd when has_sink; sa .. sd 4 rows of scratch */
/*@ requires dims: 1 <= D <= VIK_HEAD_DIM_MAX && lo <= pos < VIK_CTX_MAX && (pos + 1) * D <= VIK_MAT_MAX;
    requires scale: \is_finite(scale) && 0 < scale <= 1;
    requires sink: has_sink != 0 ==> \is_finite(ka) && \abs(ka) <= 0x1p60 && \is_finite(kb) && \abs(kb) <= 0x1p60 &&
                                     \is_finite(kc) && \abs(kc) <= 0x1p60 && \is_finite(kd) && \abs(kd) <= 0x1p60;
    requires valid_q: \valid_read(q + (0 .. 4 * D - 1));
    requires valid_out: \valid(out + (0 .. 4 * D - 1));
    requires valid_kv: \valid_read(k + (lo * D .. (pos + 1) * D - 1)) && \valid_read(v + (lo * D .. (pos + 1) * D - 1));
    requires valid_s: \valid(sa + (0 .. pos - lo)) && \valid(sb + (0 .. pos - lo)) &&
                      \valid(sc + (0 .. pos - lo)) && \valid(sd + (0 .. pos - lo));
    requires sep_ab: \separated(sa + (0 .. pos - lo), sb + (0 .. pos - lo));
    requires sep_ac: \separated(sa + (0 .. pos - lo), sc + (0 .. pos - lo));
    requires sep_ad: \separated(sa + (0 .. pos - lo), sd + (0 .. pos - lo));
    requires sep_bc: \separated(sb + (0 .. pos - lo), sc + (0 .. pos - lo));
    requires sep_bd: \separated(sb + (0 .. pos - lo), sd + (0 .. pos - lo));
    requires sep_cd: \separated(sc + (0 .. pos - lo), sd + (0 .. pos - lo));
    requires sep_aq: \separated(sa + (0 .. pos - lo), q + (0 .. 4 * D - 1));
    requires sep_ak: \separated(sa + (0 .. pos - lo), k + (lo * D .. (pos + 1) * D - 1));
    requires sep_av: \separated(sa + (0 .. pos - lo), v + (lo * D .. (pos + 1) * D - 1));
    requires sep_bq: \separated(sb + (0 .. pos - lo), q + (0 .. 4 * D - 1));
    requires sep_bk: \separated(sb + (0 .. pos - lo), k + (lo * D .. (pos + 1) * D - 1));
    requires sep_bv: \separated(sb + (0 .. pos - lo), v + (lo * D .. (pos + 1) * D - 1));
    requires sep_cq: \separated(sc + (0 .. pos - lo), q + (0 .. 4 * D - 1));
    requires sep_ck: \separated(sc + (0 .. pos - lo), k + (lo * D .. (pos + 1) * D - 1));
    requires sep_cv: \separated(sc + (0 .. pos - lo), v + (lo * D .. (pos + 1) * D - 1));
    requires sep_dq: \separated(sd + (0 .. pos - lo), q + (0 .. 4 * D - 1));
    requires sep_dk: \separated(sd + (0 .. pos - lo), k + (lo * D .. (pos + 1) * D - 1));
    requires sep_dv: \separated(sd + (0 .. pos - lo), v + (lo * D .. (pos + 1) * D - 1));
    requires sep_v: \separated(out + (0 .. 4 * D - 1), v + (lo * D .. (pos + 1) * D - 1));
    requires sep_a: \separated(out + (0 .. 4 * D - 1), sa + (0 .. pos - lo));
    requires sep_b: \separated(out + (0 .. 4 * D - 1), sb + (0 .. pos - lo));
    requires sep_c: \separated(out + (0 .. 4 * D - 1), sc + (0 .. pos - lo));
    requires sep_d: \separated(out + (0 .. 4 * D - 1), sd + (0 .. pos - lo));
    requires bounded_q: \forall integer i; 0 <= i < 4 * D ==> \is_finite(q[i]) && \abs(q[i]) <= 0x1p20;
    requires bounded_k: \forall integer i; lo * D <= i < (pos + 1) * D ==> \is_finite(k[i]) && \abs(k[i]) <= 0x1p20;
    requires bounded_v: \forall integer i; lo * D <= i < (pos + 1) * D ==> \is_finite(v[i]) && \abs(v[i]) <= 0x1p20;
    assigns out[0 .. 4 * D - 1], sa[0 .. pos - lo], sb[0 .. pos - lo], sc[0 .. pos - lo], sd[0 .. pos - lo];
    ensures fin: out_ok(out, 4 * D);
*/
static void attend_quad(float *out, const float *q, const float *k, const float *v, uint32_t D,
                        uint32_t pos, uint32_t lo, int has_sink, float ka, float kb, float kc, float kd,
                        float scale, float *sa, float *sb, float *sc, float *sd) {
  uint32_t n = pos - lo + 1u;
  //@ assert n: n == pos + 1 - lo;
  quad_scores(sa, sb, sc, sd, q, k, D, lo, pos, scale);
  to_weights(sa, n, has_sink, ka);
  to_weights(sb, n, has_sink, kb);
  to_weights(sc, n, has_sink, kc);
  to_weights(sd, n, has_sink, kd);
  //@ assert wa: weight_ok(sa, n);
  //@ assert wb: weight_ok(sb, n);
  //@ assert wc: weight_ok(sc, n);
  //@ assert wd: weight_ok(sd, n);
  quad_values(out, sa, sb, sc, sd, v, D, lo, pos);
}

/* One KV head's g query heads: q, out [g, Tq, D]; k, v [S, D]; sinks [g]
   or NULL; w 4 S floats of scratch. Decode (Tq = 1) takes 4 heads at a
   time while 4 are left; the rest, and every head of a prefill (which
   computes Tq rows against the same keys already), one at a time. */
/*@ requires dims: 1 <= g <= 1024 && 1 <= D <= VIK_HEAD_DIM_MAX && 1 <= Tq && S <= VIK_CTX_MAX && qpos0 < S &&
                   Tq <= S - qpos0 && g * Tq * D <= VIK_MAT_MAX && S * D <= VIK_MAT_MAX;
    requires scale: \is_finite(scale) && 0 < scale <= 1;
    requires valid_q: \valid_read(q + (0 .. g * Tq * D - 1));
    requires valid_out: \valid(out + (0 .. g * Tq * D - 1));
    requires valid_kv: \valid_read(k + (0 .. S * D - 1)) && \valid_read(v + (0 .. S * D - 1));
    requires valid_w: \valid(w + (0 .. 4 * S - 1));
    requires valid_sinks: sinks == \null || \valid_read(sinks + (0 .. g - 1));
    requires sep: \separated(out + (0 .. g * Tq * D - 1), w + (0 .. 4 * S - 1), q + (0 .. g * Tq * D - 1)) &&
                  \separated(out + (0 .. g * Tq * D - 1), k + (0 .. S * D - 1), v + (0 .. S * D - 1)) &&
                  \separated(w + (0 .. 4 * S - 1), k + (0 .. S * D - 1), v + (0 .. S * D - 1)) &&
                  (sinks == \null || \separated(out + (0 .. g * Tq * D - 1), w + (0 .. 4 * S - 1), sinks + (0 .. g - 1)));
    requires bounded_q: \forall integer i; 0 <= i < g * Tq * D ==> \is_finite(q[i]) && \abs(q[i]) <= 0x1p20;
    requires bounded_k: \forall integer i; 0 <= i < S * D ==> \is_finite(k[i]) && \abs(k[i]) <= 0x1p20;
    requires bounded_v: \forall integer i; 0 <= i < S * D ==> \is_finite(v[i]) && \abs(v[i]) <= 0x1p20;
    requires bounded_sinks: sinks != \null ==> \forall integer i; 0 <= i < g ==> \is_finite(sinks[i]) && \abs(sinks[i]) <= 0x1p60;
    assigns out[0 .. g * Tq * D - 1], w[0 .. 4 * S - 1];
    ensures fin: out_ok(out, g * Tq * D);
*/
static void attend_group(float *out, const float *q, const float *k, const float *v, uint32_t g, uint32_t D,
                         uint32_t Tq, uint32_t qpos0, uint32_t S, uint32_t W, const float *sinks, float scale,
                         float *w) {
  uint32_t h = 0u, TD = Tq * D;
  //@ assert TD: TD == Tq * D;
  if (Tq == 1u) {
    uint32_t pos = qpos0, lo = W > 0u && pos >= W ? pos - W + 1u : 0u, p1 = pos + 1u;
    uint32_t S2 = S + S, S3 = S2 + S;
    //@ assert s3: S2 == 2 * S && S3 == 3 * S;
    //@ assert p1: p1 == pos + 1 && p1 <= S && lo <= pos;
    rows_le(p1, S, D);
    rows_le(lo, p1, D);
    /*@ loop invariant bounds: 0 <= h <= g;
        loop invariant done: out_ok(out, h * D);
        loop assigns h, out[0 .. g * Tq * D - 1], w[0 .. 4 * S - 1];
        loop variant g - h;
    */
    for (h = 0u; g - h >= 4u; h += 4u) {
      uint32_t h4 = h + 4u, o;
      float ka = 0.0f, kb = 0.0f, kc = 0.0f, kd = 0.0f;
      //@ assert h4: h4 == h + 4 && h4 <= g;
      rows_le(h4, g, D);
      rows_add(h, D);
      o = h * D;
      //@ assert o: o == h * D && 0 <= o && o + 4 * D <= g * D;
      if (sinks != NULL) {
        ka = sinks[h];
        kb = sinks[h + 1u];
        kc = sinks[h + 2u];
        kd = sinks[h + 3u];
      }
      attend_quad(out + o, q + o, k, v, D, pos, lo, sinks != NULL, ka, kb, kc, kd, scale, w, w + S, w + S2,
                  w + S3);
      //@ ghost out_join(out, o, 4u * D);
      //@ assert next: out_ok(out, h4 * D);
    }
  }
  /*@ loop invariant bounds: 0 <= h <= g;
      loop invariant done: out_ok(out, h * TD);
      loop invariant qb: \forall integer i; 0 <= i < g * Tq * D ==> \is_finite(q[i]) && \abs(q[i]) <= 0x1p20;
      loop invariant kb: \forall integer i; 0 <= i < S * D ==> \is_finite(k[i]) && \abs(k[i]) <= 0x1p20;
      loop invariant vb: \forall integer i; 0 <= i < S * D ==> \is_finite(v[i]) && \abs(v[i]) <= 0x1p20;
      loop assigns h, out[0 .. g * Tq * D - 1], w[0 .. 4 * S - 1];
      loop variant g - h;
  */
  for (; h < g; h++) {
    uint32_t h1 = h + 1u, o;
    //@ assert h1: h1 == h + 1 && h1 <= g;
    rows_le(h1, g, TD);
    rows_add(h, TD);
    o = h * TD;
    //@ assert o: o == h * TD && 0 <= o && o + TD <= g * TD;
    float sk = sinks != NULL ? sinks[h] : 0.0f;
    attend_head(out + o, q + o, k, v, D, Tq, qpos0, S, W, sinks != NULL, sk, scale, w);
    //@ ghost out_join(out, o, TD);
    //@ assert next: out_ok(out, h1 * TD);
  }
}

int vik_attention(float *out, const float *q, const float *k, const float *v, uint32_t Hq,
                  uint32_t Hkv, uint32_t D, uint32_t Tq, uint32_t qpos0, uint32_t S, uint32_t W,
                  const float *sinks, float *w) {
  if (Hq == 0u || Hq > 1024u || Hkv == 0u || D == 0u || D > VIK_HEAD_DIM_MAX || Tq == 0u ||
      S > VIK_CTX_MAX || (uint64_t)Hq * Tq * D > VIK_MAT_MAX || (uint64_t)Hkv * S * D > VIK_MAT_MAX ||
      Hq % Hkv != 0u || qpos0 >= S || Tq > S - qpos0)
    return VIK_EDOMAIN;                    /* nothing written */
  uint32_t g = Hq / Hkv, TD = Tq * D, SD = S * D, GTD, kvh;
  float scale = inv_sqrt(D);
  //@ assert g: 1 <= g <= Hq && g * Hkv == Hq;
  //@ assert TD: TD == Tq * D && Hq * TD <= VIK_MAT_MAX;
  //@ assert SD: SD == S * D && Hkv * SD <= VIK_MAT_MAX;
  GTD = g * TD;
  //@ assert GTD: GTD == g * Tq * D && Hkv * GTD == Hq * TD;
  /* KV head kvh serves query heads kvh g .. kvh g + g - 1 */
  /*@ loop invariant bounds: 0 <= kvh <= Hkv;
      loop invariant done: out_ok(out, kvh * GTD);
      loop assigns kvh, out[0 .. Hq * Tq * D - 1], w[0 .. 4 * S - 1];
      loop variant Hkv - kvh;
  */
  for (kvh = 0u; kvh < Hkv; kvh++) {
    uint32_t k1 = kvh + 1u, ko, qo, so;
    //@ assert k1: k1 == kvh + 1 && k1 <= Hkv;
    rows_le(k1, Hkv, SD);
    rows_add(kvh, SD);
    rows_le(k1, Hkv, GTD);
    rows_add(kvh, GTD);
    rows_le(k1, Hkv, g);
    rows_add(kvh, g);
    ko = kvh * SD;
    qo = kvh * GTD;
    so = kvh * g;
    //@ assert ko: ko == kvh * SD && ko + SD <= Hkv * SD;
    //@ assert qo: qo == kvh * GTD && qo + GTD <= Hq * TD;
    //@ assert so: so == kvh * g && so + g <= Hq;
    attend_group(out + qo, q + qo, k + ko, v + ko, g, D, Tq, qpos0, S, W, sinks != NULL ? sinks + so : NULL,
                 scale, w);
    //@ ghost out_join(out, qo, GTD);
    //@ assert next: out_ok(out, k1 * GTD);
  }
  return VIK_OK;
}
