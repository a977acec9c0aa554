/* vik feed-forward pieces (see ffn.h). */
#include "ffn.h"
#include "linear_logic.h"

int vik_check_f32(const float *x, uint32_t n, float bound, uint32_t *bad) {
  uint32_t i;
  *bad = 0u;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant ok: \forall integer q; 0 <= q < i ==> \is_finite(x[q]) && \abs(x[q]) <= bound;
      loop assigns i, *bad;
      loop variant n - i;
  */
  for (i = 0u; i < n; i++) {
    float v = x[i];
    if (!(v >= -bound && v <= bound)) {    /* NaN fails both comparisons */
      *bad = i;
      return VIK_ERANGE;
    }
  }
  return VIK_OK;
}

int vik_act_ok(const float *x, uint32_t n) {
  uint32_t bad;
  return vik_check_f32(x, n, VIK_ACT_MAX, &bad);
}

void vik_wmat_matmul(float *y, const float *x, vik_wmat w, uint32_t T, uint32_t n, uint32_t m) {
  if (w.fmt == VIK_W_F32)
    vik_matmul_f32(y, x, w.f, T, n, m, 0u, m);
  else
    vik_matmul_mxfp4(y, x, w.codes, w.scales, T, n, m, 0u, m);
}

int vik_ffn_swiglu(float *y, const float *x, vik_wmat w1, vik_wmat w2, vik_wmat w3, uint32_t T, uint32_t dim,
                   uint32_t hidden, float *h1, float *h3) {
  uint32_t nh = T * hidden, t;
  vik_wmat_matmul(h1, x, w1, T, dim, hidden);
  vik_wmat_matmul(h3, x, w3, T, dim, hidden);
  if (vik_act_ok(h1, nh) != VIK_OK || vik_act_ok(h3, nh) != VIK_OK) return VIK_ERANGE;
  /* row by row: vik_swiglu's rows are at most 2^22 long */
  /*@ loop invariant bounds: 0 <= t <= T;
      loop invariant h3: act_ok(h3, T * hidden);
      loop assigns t, h1[0 .. T * hidden - 1];
      loop variant T - t;
  */
  for (t = 0u; t < T; t++) {
    //@ assert row: 0 <= t * hidden && t * hidden + hidden <= T * hidden;
    if (vik_act_ok(h1 + t * hidden, hidden) != VIK_OK) return VIK_ERANGE;
    vik_swiglu(h1 + t * hidden, h1 + t * hidden, h3 + t * hidden, hidden);
  }
  if (vik_act_ok(h1, nh) != VIK_OK) return VIK_ERANGE;
  vik_wmat_matmul(y, h1, w2, T, hidden, dim);
  return vik_act_ok(y, T * dim);
}

void vik_moe_group(uint32_t *cnt, uint32_t *off, uint32_t *list, const uint32_t *idx, uint32_t E, uint32_t k,
                   uint32_t T) {
  uint32_t e, s, n = T * k;
  /*@ loop invariant bounds: 0 <= e <= E;
      loop invariant zero: \forall integer q; 0 <= q < e ==> cnt[q] == 0;
      loop assigns e, cnt[0 .. E - 1];
      loop variant E - e;
  */
  for (e = 0u; e < E; e++) cnt[e] = 0u;
  /* counts: cnt[e] <= s after s slots */
  /*@ loop invariant bounds: 0 <= s <= n;
      loop invariant cnt: \forall integer q; 0 <= q < E ==> cnt[q] <= s;
      loop assigns s, cnt[0 .. E - 1];
      loop variant n - s;
  */
  for (s = 0u; s < n; s++) cnt[idx[s]]++;
  off[0] = 0u;
  /* offsets: prefix sums; at most n because the counts sum to n (stated as
     the clamp below, which never acts) */
  /*@ loop invariant bounds: 0 <= e <= E;
      loop invariant off0: off[0] == 0;
      loop invariant mono: \forall integer q; 0 <= q < e ==> off[q] <= off[q + 1] <= n;
      loop invariant top: off[e] <= n;
      loop assigns e, off[1 .. E], cnt[0 .. E - 1];
      loop variant E - e;
  */
  for (e = 0u; e < E; e++) {
    if (cnt[e] > n - off[e]) cnt[e] = n - off[e];
    off[e + 1u] = off[e] + cnt[e];
  }
  off[E] = n;     /* equal to the sum already (the counts sum to n) */
  //@ assert bound: \forall integer q; 0 <= q <= E ==> off[q] <= n;
  /* fill: cnt[e] becomes the next free place of expert e, relative to off[e];
     list zeroed first, so that every entry is a slot number whatever the
     counts (each is written exactly once: the counts sum to n) */
  /*@ loop invariant bounds: 0 <= e <= E;
      loop invariant zero: \forall integer q; 0 <= q < e ==> cnt[q] == 0;
      loop assigns e, cnt[0 .. E - 1];
      loop variant E - e;
  */
  for (e = 0u; e < E; e++) cnt[e] = 0u;
  /*@ loop invariant bounds: 0 <= s <= n;
      loop invariant zero: \forall integer r; 0 <= r < s ==> list[r] == 0;
      loop assigns s, list[0 .. n - 1];
      loop variant n - s;
  */
  for (s = 0u; s < n; s++) list[s] = 0u;
  /*@ loop invariant bounds: 0 <= s <= n;
      loop invariant cnt: \forall integer q; 0 <= q < E ==> cnt[q] <= s;
      loop invariant list: \forall integer r; 0 <= r < n ==> list[r] < n;
      loop assigns s, cnt[0 .. E - 1], list[0 .. n - 1];
      loop variant n - s;
  */
  for (s = 0u; s < n; s++) {
    uint32_t q = idx[s], at = off[q] + cnt[q];
    if (at < n) list[at] = s;            /* always (the clamp above never acts) */
    cnt[q]++;
  }
  /*@ loop invariant bounds: 0 <= e <= E;
      loop invariant cnt: \forall integer q; 0 <= q < e ==> cnt[q] == off[q + 1] - off[q];
      loop assigns e, cnt[0 .. E - 1];
      loop variant E - e;
  */
  for (e = 0u; e < E; e++) cnt[e] = off[e + 1u] - off[e];
}

void vik_gather_rows(float *dst, const float *src, const uint32_t *list, uint32_t cnt, uint32_t k, uint32_t T,
                     uint32_t dim) {
  uint32_t r, d;
  (void)T;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= r <= cnt;
      loop invariant done: act_ok(dst, r * dim);
      loop assigns r, d, dst[0 .. cnt * dim - 1];
      loop variant cnt - r;
  */
  for (r = 0u; r < cnt; r++) {
    uint32_t t = list[r] / k;
    /*@ loop invariant bounds: 0 <= d <= dim;
        loop invariant done: act_ok(dst, r * dim + d);
        loop assigns d, dst[r * dim .. r * dim + dim - 1];
        loop variant dim - d;
    */
    for (d = 0u; d < dim; d++) dst[r * dim + d] = src[t * dim + d];
  }
}

void vik_scatter_rows(float *dst, const float *src, const uint32_t *list, uint32_t cnt, uint32_t S,
                      uint32_t dim) {
  uint32_t r, d;
  (void)S;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= r <= cnt;
      loop assigns r, d, dst[0 .. S * dim - 1];
      loop variant cnt - r;
  */
  for (r = 0u; r < cnt; r++) {
    uint32_t s = list[r];
    /*@ loop invariant bounds: 0 <= d <= dim;
        loop assigns d, dst[s * dim .. s * dim + dim - 1];
        loop variant dim - d;
    */
    for (d = 0u; d < dim; d++) dst[s * dim + d] = src[r * dim + d];
  }
}

/* a + w v with |a| <= j (2^20 + 2^3), w in [0, 1], |v| <= 2^20 */
/*@ requires j: 0 <= j < 32;
    requires a: \is_finite(a) && \abs(a) <= j * (0x1p20 + 0x1p3);
    requires w: \is_finite(w) && 0 <= w <= 1;
    requires v: \is_finite(v) && \abs(v) <= 0x1p20;
    assigns \nothing;
    ensures r: \is_finite(\result) && \abs(\result) <= (j + 1) * (0x1p20 + 0x1p3);
*/
static float wadd(float a, float w, float v, uint32_t j) {
  (void)j;                                 /* only the contract uses it */
  return a + w * v;
}

void vik_moe_combine(float *y, const float *eo, const float *w, uint32_t T, uint32_t k, uint32_t dim) {
  uint32_t t, j, d;
  /*@ loop invariant bounds: 0 <= t <= T;
      loop invariant done: \forall integer i; 0 <= i < t * dim ==> \is_finite(y[i]) && \abs(y[i]) <= 0x1p26;
      loop assigns t, j, d, y[0 .. T * dim - 1];
      loop variant T - t;
  */
  for (t = 0u; t < T; t++) {
    //@ assert row: 0 <= t * dim && t * dim + dim <= T * dim;
    float *yt = y + t * dim;
    /*@ loop invariant bounds: 0 <= d <= dim;
        loop invariant zero: \forall integer i; 0 <= i < d ==> yt[i] == 0;
        loop assigns d, yt[0 .. dim - 1];
        loop variant dim - d;
    */
    for (d = 0u; d < dim; d++) yt[d] = 0.0f;
    /*@ loop invariant bounds: 0 <= j <= k;
        loop invariant acc: \forall integer i; 0 <= i < dim ==> \is_finite(yt[i]) && \abs(yt[i]) <= j * (0x1p20 + 0x1p3);
        loop assigns j, d, yt[0 .. dim - 1];
        loop variant k - j;
    */
    for (j = 0u; j < k; j++) {
      uint32_t s = t * k + j;
      const float *e = eo + s * dim;
      float ws = w[s];
      //@ assert slot: 0 <= s < T * k && 0 <= s * dim && s * dim + dim <= T * k * dim;
      /*@ loop invariant bounds: 0 <= d <= dim;
          loop invariant done: \forall integer i; 0 <= i < d ==> \is_finite(yt[i]) && \abs(yt[i]) <= (j + 1) * (0x1p20 + 0x1p3);
          loop invariant todo: \forall integer i; d <= i < dim ==> \is_finite(yt[i]) && \abs(yt[i]) <= j * (0x1p20 + 0x1p3);
          loop assigns d, yt[0 .. dim - 1];
          loop variant dim - d;
      */
      for (d = 0u; d < dim; d++) yt[d] = wadd(yt[d], ws, e[d], j);
    }
  }
}

int vik_residual(float *x, const float *y, uint32_t n) {
  uint32_t i;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant done: \forall integer q; 0 <= q < i ==> \is_finite(x[q]) && \abs(x[q]) <= 0x1p21;
      loop invariant todo: \forall integer q; i <= q < n ==> x[q] == \at(x[q], Pre);
      loop assigns i, x[0 .. n - 1];
      loop variant n - i;
  */
  for (i = 0u; i < n; i++) x[i] = x[i] + y[i];
  return vik_act_ok(x, n);
}
