/* vik attention (see attn.h). */
#include "attn.h"
#include "float_logic.h"
#include "linear_logic.h"
#include "attn_logic.h"
#include <math.h>

/* The weighted sum: after c rows, |out[d]| <= c (2^20 + 2^13): each term
   w v is at most 2^20 (w in [0, 1], |v| <= 2^20) and each addition rounds by
   at most half an ulp at 2^37 (2^13), the most out can reach in 2^16 rows. */

/*@ requires w: \is_finite(w) && 0 <= w <= 1;
    requires v: \is_finite(v) && \abs(v) <= 0x1p20;
    requires a: \is_finite(a) && \abs(a) <= 0x1p37;
    assigns \nothing;
    ensures fin: \is_finite(\result);
    ensures err: \abs(\result) <= \abs(a) + 0x1p20 + 0x1p13;
*/
static float madd(float a, float w, float v) {
  float p = w * v;
  //@ assert p: \is_finite(p) && \abs(p) <= 0x1p20;
  float r = a + p;
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
*/
static void attend_head(float *out, const float *q, const float *k, const float *v, uint32_t D,
                        uint32_t Tq, uint32_t qpos0, uint32_t S, uint32_t W, int has_sink, float sink,
                        float scale, float *w) {
  uint32_t t, o = 0u;
  (void)S;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= t <= Tq;
      loop invariant off: o == t * D;
      loop assigns t, o, out[0 .. Tq * D - 1], w[0 .. S - 1];
      loop variant Tq - t;
  */
  for (t = 0u; t < Tq; t++) {
    uint32_t pos = qpos0 + t;
    uint32_t lo = W > 0u && pos >= W ? pos - W + 1u : 0u;
    //@ assert span: 0 <= t * D && t * D + D <= Tq * D;
    //@ assert kv: pos + 1 <= S && (pos + 1) * D <= S * D;
    (void)vik_attend(out + o, q + o, k, v, D, pos, W, lo, has_sink, sink, scale, w);
    o += D;
  }
}

int vik_attention(float *out, const float *q, const float *k, const float *v, uint32_t Hq,
                  uint32_t Hkv, uint32_t D, uint32_t Tq, uint32_t qpos0, uint32_t S, uint32_t W,
                  const float *sinks, float *w) {
  if (Hq == 0u || Hq > 1024u || Hkv == 0u || D == 0u || D > VIK_HEAD_DIM_MAX || Tq == 0u ||
      S > VIK_CTX_MAX || (uint64_t)Hq * Tq * D > VIK_MAT_MAX || (uint64_t)Hkv * S * D > VIK_MAT_MAX ||
      Hq % Hkv != 0u || qpos0 >= S || Tq > S - qpos0)
    return VIK_EDOMAIN;                    /* nothing written */
  uint32_t g = Hq / Hkv, TD = Tq * D, SD = S * D, h, qo = 0u;
  float scale = inv_sqrt(D);
  //@ assert g: 1 <= g && g * Hkv == Hq;
  //@ assert TD: TD == Tq * D && Hq * TD <= VIK_MAT_MAX;
  //@ assert SD: SD == S * D && Hkv * SD <= VIK_MAT_MAX;
  /*@ loop invariant bounds: 0 <= h <= Hq;
      loop invariant off: qo == h * TD;
      loop assigns h, qo, out[0 .. Hq * Tq * D - 1], w[0 .. S - 1];
      loop variant Hq - h;
  */
  for (h = 0u; h < Hq; h++) {
    uint32_t kvh = h / g;                  /* query heads kvh g .. kvh g + g - 1 share KV head kvh */
    //@ assert kvh: 0 <= kvh < Hkv;
    //@ assert kspan: 0 <= kvh * SD && kvh * SD + SD <= Hkv * SD;
    //@ assert qspan: 0 <= h * TD && h * TD + TD <= Hq * TD;
    uint32_t ko = kvh * SD;
    float sk = sinks != NULL ? sinks[h] : 0.0f;
    attend_head(out + qo, q + qo, k + ko, v + ko, D, Tq, qpos0, S, W, sinks != NULL, sk, scale, w);
    qo += TD;
  }
  return VIK_OK;
}
