/* vik feed-forward pieces (see ffn.h). */
#include "ffn.h"
#include "linear_logic.h"
#include "group_logic.h"

/* 1 iff |x| <= bound; behaviors by class of x: the provers see IEEE
   comparisons one class at a time (NaN fails both comparisons) */
/*@ requires bound: \is_finite(bound) && bound >= 0;
    assigns \nothing;
    behavior in:  assumes \is_finite(x) && \abs(x) <= bound;
                  ensures \result == 1;
    behavior out: assumes \is_finite(x) && \abs(x) > bound;
                  ensures \result == 0;
    behavior nan: assumes \is_NaN(x);
                  ensures \result == 0;
    behavior inf: assumes \is_infinite(x);
                  ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
static int within(float x, float bound) { return x >= -bound && x <= bound; }

int vik_check_f32(const float *x, uint32_t n, float bound, uint32_t *bad) {
  uint32_t i, at = 0u;
  int rc = VIK_OK;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant ok: \forall integer q; 0 <= q < i ==> \is_finite(x[q]) && \abs(x[q]) <= bound;
      loop assigns i;
      loop variant n - i;
  */
  for (i = 0u; i < n; i++)
    if (within(x[i], bound) == 0) break;
  if (i < n) {
    rc = VIK_ERANGE;
    at = i;
  }
  //@ assert first: i < n ==> !(\is_finite(x[i]) && \abs(x[i]) <= bound);
  *bad = at;
  return rc;
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
  uint32_t e, s, n = T * k, pos = 0u;
  /* one scan of the slots per expert (E T k steps, small beside one expert's
     matrix products): stable by construction and proven exactly, where a
     counting sort's proof needs sums of counts */
  off[0] = 0u;
  /*@ loop invariant bounds: 0 <= e <= E && 0 <= pos <= n;
      loop invariant pos: pos == slots_below{Pre}(idx, e, n);
      loop invariant all: e > 0 ==> slots_below{Pre}(idx, E, n) == n;
      loop invariant off: off[0] == 0 && off[e] == pos && \forall integer q; 0 <= q < e ==> off[q] <= off[q + 1];
      loop invariant offs: \forall integer q; 0 <= q <= e ==> off[q] == slots_below{Pre}(idx, q, n);
      loop invariant cnt: \forall integer q; 0 <= q < e ==> cnt[q] == off[q + 1] - off[q] &&
                                                            cnt[q] == slots_to{Pre}(idx, q, n);
      loop invariant filled: \forall integer r; 0 <= r < pos ==> list[r] < n;
      loop invariant member: \forall integer q, r; 0 <= q < e && off[q] <= r < off[q + 1] ==>
                                list[r] < n && idx[list[r]] == q;
      loop invariant order: \forall integer q, r; 0 <= q < e && off[q] <= r && r + 1 < off[q + 1] ==>
                               list[r] < list[r + 1];
      loop assigns e, s, pos, cnt[0 .. E - 1], off[1 .. E], list[0 .. n - 1];
      loop variant E - e;
  */
  for (e = 0u; e < E; e++) {
    uint32_t j = 0u;
    /* j < n - pos never fails (the slots below e + 1 number at most n); the
       test keeps every write inside list without that count in advance */
    /*@ loop invariant bounds: 0 <= s <= n && 0 <= j <= n - pos;
        loop invariant j: j == \min(slots_to{Pre}(idx, e, s), n - pos);
        loop invariant split: slots_below{Pre}(idx, e + 1, s) == slots_below{Pre}(idx, e, s) + slots_to{Pre}(idx, e, s);
        loop invariant most: slots_below{Pre}(idx, e + 1, s) <= s;
        loop invariant all: slots_below{Pre}(idx, E, s) == s;
        loop invariant member: \forall integer r; pos <= r < pos + j ==> list[r] < s && idx[list[r]] == e;
        loop invariant order: \forall integer r; pos <= r && r + 1 < pos + j ==> list[r] < list[r + 1];
        loop assigns s, j, list[pos .. n - 1];
        loop variant n - s;
    */
    for (s = 0u; s < n; s++)
      if (idx[s] == e && j < n - pos) {
        list[pos + j] = s;
        j++;
      }
    cnt[e] = j;
    pos += j;
    off[e + 1u] = pos;
  }
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
    //@ assert t: t < T && 0 <= t * dim && t * dim + dim <= T * dim;
    //@ assert r: 0 <= r * dim && r * dim + dim <= cnt * dim;
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
