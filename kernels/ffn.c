/* vik feed-forward pieces (see ffn.h). */
#include "ffn.h"
#include "float_logic.h"
#include "linear_logic.h"
#include "attn_logic.h"

/* 1 iff lo <= x <= hi; behaviors by class of x: the provers see IEEE
   comparisons one class at a time (NaN fails both comparisons); the shape
   of config.c's in_range. (With (x, bound) and -bound inside, the
   negation's rounding stalled the provers.) */
/*@ requires lo: \is_finite(lo) && \is_finite(hi) && lo <= hi;
    assigns \nothing;
    behavior in:  assumes \is_finite(x) && lo <= x <= hi;
                  ensures \result == 1;
    behavior out: assumes \is_finite(x) && !(lo <= x <= hi);
                  ensures \result == 0;
    behavior nan: assumes \is_NaN(x);
                  ensures \result == 0;
    behavior inf: assumes \is_infinite(x);
                  ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
static int within(float x, float lo, float hi) { return x >= lo && x <= hi; }

int vik_check_f32(const float *x, uint32_t n, float bound, uint32_t *bad) {
  uint32_t i, at = 0u;
  int rc = VIK_OK;
  float lo = -bound;                       /* exact: negation does not round */
  //@ assert lo: \is_finite(lo) && lo == -bound;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant ok: \forall integer q; 0 <= q < i ==> \is_finite(x[q]) && \abs(x[q]) <= bound;
      loop assigns i;
      loop variant n - i;
  */
  for (i = 0u; i < n; i++)
    if (within(x[i], lo, bound) == 0) break;
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

int vik_act_ok_at(const float *x, uint32_t o, uint32_t n) {
  uint32_t i;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant ok: \forall integer q; o <= q < o + i ==> \is_finite(x[q]) && \abs(x[q]) <= 0x1p20;
      loop assigns i;
      loop variant n - i;
  */
  for (i = 0u; i < n; i++)
    if (within(x[o + i], -VIK_ACT_MAX, VIK_ACT_MAX) == 0) return VIK_ERANGE;
  return VIK_OK;
}

void vik_wmat_rows(float *y, const float *x, vik_wmat w, uint32_t T, uint32_t n, uint32_t m, uint32_t o0,
                   uint32_t o1) {
  if (w.fmt == VIK_W_F32)
    vik_matmul_f32(y, x, w.f, T, n, m, o0, o1);
  else
    vik_matmul_mxfp4(y, x, w.codes, w.scales, T, n, m, o0, o1);
}

void vik_wmat_matmul(float *y, const float *x, vik_wmat w, uint32_t T, uint32_t n, uint32_t m) {
  vik_wmat_rows(y, x, w, T, n, m, 0u, m);
}

/* vik_swiglu's rows are at most 2^22 long, hence row by row; the row offset
   advances by hidden (ro = t hidden as an invariant). */
int vik_swiglu_rows(float *h1, const float *h3, uint32_t T, uint32_t hidden) {
  uint32_t t, ro = 0u;
  /*@ loop invariant bounds: 0 <= t <= T;
      loop invariant ro: ro == t * hidden;
      loop assigns t, ro, h1[0 .. T * hidden - 1];
      loop variant T - t;
  */
  for (t = 0u; t < T; t++) {
    //@ assert step: (t + 1) * hidden == t * hidden + hidden && (t + 1) * hidden <= T * hidden;
    if (vik_act_ok_at(h1, ro, hidden) != VIK_OK || vik_act_ok_at(h3, ro, hidden) != VIK_OK) return VIK_ERANGE;
    vik_swiglu(h1 + ro, h1 + ro, h3 + ro, hidden);
    ro += hidden;
  }
  return VIK_OK;
}

int vik_ffn_swiglu(float *y, const float *x, vik_wmat w1, vik_wmat w2, vik_wmat w3, uint32_t T, uint32_t dim,
                   uint32_t hidden, float *h1, float *h3) {
  uint32_t nh = T * hidden;
  vik_wmat_matmul(h1, x, w1, T, dim, hidden);
  vik_wmat_matmul(h3, x, w3, T, dim, hidden);
  if (vik_swiglu_rows(h1, h3, T, hidden) != VIK_OK) return VIK_ERANGE;
  if (vik_act_ok(h1, nh) != VIK_OK) return VIK_ERANGE;
  vik_wmat_matmul(y, h1, w2, T, hidden, dim);
  return vik_act_ok(y, T * dim);
}

/* Append expert e's slots to list[pos ..], in increasing order, while room
   is left (room runs out never: the slots number n); returns how many. */
/*@ requires dims: pos <= n && n <= 0x1000000;
    requires valid: \valid_read(idx + (0 .. n - 1)) && \valid(list + (pos .. n - 1));
    requires sep: \separated(list + (pos .. n - 1), idx + (0 .. n - 1));
    assigns list[pos .. n - 1];
    ensures room: \result <= n - pos;
    ensures slots: \forall integer r; pos <= r < pos + \result ==> list[r] < n;
    ensures member: \forall integer r; pos <= r < pos + \result ==> idx[list[r]] == e;
    ensures order: \forall integer r; pos <= r && r + 1 < pos + \result ==> list[r] < list[r + 1];
*/
static uint32_t fill_expert(uint32_t *list, const uint32_t *idx, uint32_t n, uint32_t e, uint32_t pos) {
  uint32_t s, j = 0u;
  /*@ loop invariant bounds: 0 <= s <= n && 0 <= j <= n - pos;
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
  return j;
}

int vik_moe_group(uint32_t *off, uint32_t *list, const uint32_t *idx, uint32_t E, uint32_t k, uint32_t T) {
  uint32_t e, n = T * k, pos = 0u;
  /* one scan of the slots per expert (E T k steps, small beside one expert's
     matrix products): stable by construction. The scans list each slot at
     most once; that they list all of them (pos == n at the end) is the
     counting argument the provers do not carry here, checked instead: the
     check never fails, and with it the lists are exactly the slots
     (n distinct slots listed, each in its expert's group). */
  //@ assert n: n == T * k;
  off[0] = 0u;
  /*@ loop invariant bounds: 0 <= e <= E && 0 <= pos <= n;
      loop invariant off: off[0] == 0 && off[e] == pos;
      loop invariant below: \forall integer q; 0 <= q <= e ==> off[q] <= pos;
      loop invariant mono: \forall integer q; 0 <= q < e ==> off[q] <= off[q + 1];
      loop invariant filled: \forall integer r; 0 <= r < pos ==> list[r] < n;
      loop invariant member: \forall integer q, r; 0 <= q < e && off[q] <= r < off[q + 1] ==> idx[list[r]] == q;
      loop invariant order: \forall integer q, r; 0 <= q < e && off[q] <= r && r + 1 < off[q + 1] ==>
                               list[r] < list[r + 1];
      loop assigns e, pos, off[1 .. E], list[0 .. n - 1];
      loop variant E - e;
  */
  for (e = 0u; e < E; e++) {
    uint32_t j = fill_expert(list, idx, n, e, pos);
    //@ assert next: pos + j <= n && e + 1 <= E;
    //@ assert kept: \forall integer q; 0 <= q <= e ==> off[q] == \at(off[q], LoopCurrent);
    //@ assert old_m: \forall integer q, r; 0 <= q < e && off[q] <= r < off[q + 1] ==> idx[list[r]] == q;
    //@ assert old_o: \forall integer q, r; 0 <= q < e && off[q] <= r && r + 1 < off[q + 1] ==> list[r] < list[r + 1];
    pos += j;
    off[e + 1u] = pos;
    //@ assert e1: e + 1 <= E && off[e + 1] == pos && \forall integer q; 0 <= q <= e ==> off[q] == \at(off[q], LoopCurrent);
    /* the earlier groups' order after the write of off[e + 1]: first with
       the offsets of the loop's start (the write did not touch list), then
       with the current ones (e1); in one step it took 50 s alone and timed
       out at 90 s beside the other lane (the same split for old_m2 took
       60 s, slower than old_m2 in one step) */
    /*@ assert old_o2a: \forall integer q, r; 0 <= q < e && \at(off[q], LoopCurrent) <= r && r + 1 < \at(off[q + 1], LoopCurrent) ==>
                          list[r] < list[r + 1]; */
    //@ assert old_m2: \forall integer q, r; 0 <= q < e && off[q] <= r < off[q + 1] ==> idx[list[r]] == q;
    //@ assert old_o2: \forall integer q, r; 0 <= q < e && off[q] <= r && r + 1 < off[q + 1] ==> list[r] < list[r + 1];
    //@ assert new_m2: \forall integer r; off[e] <= r < off[e + 1] ==> idx[list[r]] == e;
    //@ assert new_o2: \forall integer r; off[e] <= r && r + 1 < off[e + 1] ==> list[r] < list[r + 1];
  }
  return pos == n ? VIK_OK : VIK_EDOMAIN;
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
  float p = w * v;
  //@ assert p: \is_finite(p) && \abs(p) <= 0x1p20;
  //@ assert a: \abs(a) <= 0x1p25;
  float r = a + p;
  /* |a + p| < 2^26: the sum rounds by at most half an ulp there (2^2) */
  //@ assert err: \abs(rsub(r, a + p)) <= 0x1p2;
  return r;
}

void vik_moe_combine(float *y, const float *eo, const float *w, uint32_t T, uint32_t k, uint32_t dim) {
  uint32_t t, j, d, yo = 0u, wo = 0u;
  /* offsets advance by rows (yo = t dim, wo = t k, eoff = (wo + j) dim) */
  /*@ loop invariant bounds: 0 <= t <= T;
      loop invariant yo: yo == t * dim;
      loop invariant wo: wo == t * k;
      loop invariant done: \forall integer i; 0 <= i < yo ==> \is_finite(y[i]) && \abs(y[i]) <= 0x1p26;
      loop assigns t, j, d, yo, wo, y[0 .. T * dim - 1];
      loop variant T - t;
  */
  for (t = 0u; t < T; t++) {
    uint32_t eoff = wo * dim;
    //@ assert row: (t + 1) * dim <= T * dim && (t + 1) * k <= T * k && (t + 1) * (k * dim) <= T * (k * dim);
    /*@ loop invariant bounds: 0 <= d <= dim;
        loop invariant zero: \forall integer i; yo <= i < yo + d ==> \is_finite(y[i]) && y[i] == 0;
        loop invariant done: \forall integer i; 0 <= i < yo ==> \is_finite(y[i]) && \abs(y[i]) <= 0x1p26;
        loop assigns d, y[yo .. yo + dim - 1];
        loop variant dim - d;
    */
    for (d = 0u; d < dim; d++) y[yo + d] = 0.0f;
    /*@ loop invariant bounds: 0 <= j <= k;
        loop invariant eoff: eoff == (wo + j) * dim;
        loop invariant acc: \forall integer i; yo <= i < yo + dim ==> \is_finite(y[i]) && \abs(y[i]) <= j * (0x1p20 + 0x1p3);
        loop invariant done: \forall integer i; 0 <= i < yo ==> \is_finite(y[i]) && \abs(y[i]) <= 0x1p26;
        loop assigns j, d, eoff, y[yo .. yo + dim - 1];
        loop variant k - j;
    */
    for (j = 0u; j < k; j++) {
      float ws = w[wo + j];
      //@ assert slot1: wo + j + 1 <= (t + 1) * k && (t + 1) * k <= T * k;
      //@ assert jk: (j + 1) * dim <= k * dim;
      //@ assert slot: 0 <= (wo + j) * dim && (wo + j) * dim + dim <= (T * k) * dim;
      /*@ loop invariant bounds: 0 <= d <= dim;
          loop invariant acc: \forall integer i; yo <= i < yo + d ==> \is_finite(y[i]) && \abs(y[i]) <= (j + 1) * (0x1p20 + 0x1p3);
          loop invariant todo: \forall integer i; yo + d <= i < yo + dim ==> \is_finite(y[i]) && \abs(y[i]) <= j * (0x1p20 + 0x1p3);
          loop invariant done: \forall integer i; 0 <= i < yo ==> \is_finite(y[i]) && \abs(y[i]) <= 0x1p26;
          loop assigns d, y[yo .. yo + dim - 1];
          loop variant dim - d;
      */
      for (d = 0u; d < dim; d++) y[yo + d] = wadd(y[yo + d], ws, eo[eoff + d], j);
      eoff += dim;
    }
    yo += dim;
    wo += k;
  }
}

/* a + b for |a|, |b| <= 2^20: finite, |a + b| <= 2^21 (its own small
   context for the float goal) */
/*@ requires a: \is_finite(a) && \abs(a) <= 0x1p20;
    requires b: \is_finite(b) && \abs(b) <= 0x1p20;
    assigns \nothing;
    ensures r: \is_finite(\result) && \abs(\result) <= 0x1p21;
*/
static float add_act(float a, float b) { return a + b; }

int vik_residual(float *x, const float *y, uint32_t n) {
  uint32_t i;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant done: \forall integer q; 0 <= q < i ==> \is_finite(x[q]) && \abs(x[q]) <= 0x1p21;
      loop invariant todo: \forall integer q; i <= q < n ==> \is_finite(x[q]) && \abs(x[q]) <= 0x1p20;
      loop assigns i, x[0 .. n - 1];
      loop variant n - i;
  */
  for (i = 0u; i < n; i++) x[i] = add_act(x[i], y[i]);
  return vik_act_ok(x, n);
}
