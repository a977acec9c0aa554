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
  uint32_t n = pos - lo + 1u, j, d;
  (void)W;                                 /* only the contract uses it: lo */
  /* scores of the visible positions */
  /*@ loop invariant bounds: lo <= j <= pos + 1;
      loop invariant done: \forall integer i; lo <= i < j ==> \is_finite(w[i]) && \abs(w[i]) <= 0x1p57;
      loop assigns j, w[lo .. pos];
      loop variant pos + 1 - j;
  */
  for (j = lo; j <= pos; j++) {
    //@ assert span: lo * D <= j * D && j * D + D <= (pos + 1) * D;
    w[j] = scaled(vik_dot_f32(q, k + j * D, D), scale);
  }
  //@ assert n: n == pos + 1 - lo && 1 <= n <= VIK_NN_MAX;
  //@ assert dom0: \forall integer i; 0 <= i < n ==> logit_fin((w + lo)[i]);
  //@ assert dom: row_ok(w + lo, n);
  //@ assert sk: has_sink != 0 ==> logit_fin(sink);
  int rc = vik_softmax_sink(w + lo, w + lo, n, has_sink, sink);
  //@ assert ok: rc == VIK_OK;
  //@ assert wts0: \forall integer i; 0 <= i < n ==> \is_finite((w + lo)[i]) && 0 <= (w + lo)[i] <= 1;
  //@ assert wts: \forall integer i; lo <= i <= pos ==> \is_finite(w[i]) && 0 <= w[i] <= 1;
  /*@ loop invariant bounds: 0 <= d <= D;
      loop invariant zero: \forall integer i; 0 <= i < d ==> out[i] == 0;
      loop assigns d, out[0 .. D - 1];
      loop variant D - d;
  */
  for (d = 0u; d < D; d++) out[d] = 0.0f;
  /* row-outer: each value row is read once, in order; out[d] sums its terms
     in increasing position */
  /*@ loop invariant bounds: lo <= j <= pos + 1;
      loop invariant acc: \forall integer i; 0 <= i < D ==> \is_finite(out[i]) && \abs(out[i]) <= (j - lo) * (0x1p20 + 0x1p13);
      loop invariant wts: \forall integer i; lo <= i <= pos ==> \is_finite(w[i]) && 0 <= w[i] <= 1;
      loop assigns j, out[0 .. D - 1];
      loop variant pos + 1 - j;
  */
  for (j = lo; j <= pos; j++) {
    //@ assert span: lo * D <= j * D && j * D + D <= (pos + 1) * D;
    axpy(out, w[j], v + j * D, D, j - lo);
  }
  return rc;
}

/* 1 / sqrt(D) */
/*@ requires D: 1 <= D <= VIK_HEAD_DIM_MAX;
    assigns __fc_errno;
    ensures scale: \is_finite(\result) && 0 < \result <= 1;
*/
static float inv_sqrt(uint32_t D) {
  float r = sqrtf((float)D);
  //@ assert r: \is_finite(r) && 1 <= r <= 32;
  return 1.0f / r;
}

int vik_attention(float *out, const float *q, const float *k, const float *v, uint32_t Hq,
                  uint32_t Hkv, uint32_t D, uint32_t Tq, uint32_t qpos0, uint32_t S, uint32_t W,
                  const float *sinks, float *w) {
  if (Hq == 0u || Hq > 1024u || Hkv == 0u || D == 0u || D > VIK_HEAD_DIM_MAX || Tq == 0u ||
      S > VIK_CTX_MAX || (uint64_t)Hq * Tq * D > VIK_MAT_MAX || (uint64_t)Hkv * S * D > VIK_MAT_MAX ||
      Hq % Hkv != 0u || qpos0 >= S || Tq > S - qpos0)
    return VIK_EDOMAIN;                    /* nothing written */
  uint32_t g = Hq / Hkv, h, t;
  float scale = inv_sqrt(D);
  /*@ loop invariant bounds: 0 <= h <= Hq;
      loop assigns h, t, out[0 .. Hq * Tq * D - 1], w[0 .. S - 1];
      loop variant Hq - h;
  */
  for (h = 0u; h < Hq; h++) {
    uint32_t kvh = h / g;
    //@ assert kvh: 0 <= kvh < Hkv;
    //@ assert kspan: 0 <= kvh * (S * D) && kvh * (S * D) + S * D <= Hkv * (S * D);
    const float *kh = k + kvh * (S * D), *vh = v + kvh * (S * D);
    float sk = sinks != NULL ? sinks[h] : 0.0f;
    /*@ loop invariant bounds: 0 <= t <= Tq;
        loop assigns t, out[0 .. Hq * Tq * D - 1], w[0 .. S - 1];
        loop variant Tq - t;
    */
    for (t = 0u; t < Tq; t++) {
      uint32_t pos = qpos0 + t;
      uint32_t lo = W > 0u && pos >= W ? pos - W + 1u : 0u;
      //@ assert row: 0 <= h * Tq + t < Hq * Tq;
      //@ assert qspan: 0 <= (h * Tq + t) * D && (h * Tq + t) * D + D <= Hq * Tq * D;
      //@ assert kv: (pos + 1) * D <= S * D;
      uint32_t row = (h * Tq + t) * D;
      (void)vik_attend(out + row, q + row, kh, vh, D, pos, W, lo, sinks != NULL, sk, scale, w);
    }
  }
  return VIK_OK;
}
