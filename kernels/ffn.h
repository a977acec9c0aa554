/* vik feed-forward pieces of the forward pass: a weight matrix in float32 or
   MXFP4 behind one type, the SwiGLU FFN (dense, or one expert), the
   activation range check, and the MoE grouping and combine.

   Activation bound: every matrix product in kernels/ is proven under
   |x| <= 2^20 (kernels/linear.h); the forward pass checks that bound
   (vik_act_ok) after every step that could leave it and stops with
   VIK_ERANGE instead of computing outside the proven domain. */
#ifndef VIK_FFN_H
#define VIK_FFN_H
#include <stdint.h>
#include "linear.h"
#include "nn.h"
#include "group_logic.h"

#define VIK_ERANGE 4        /* an activation left the proven range (finite, |x| <= 2^20) */
#define VIK_ACT_MAX 0x1p20f

/* weight formats */
#define VIK_W_F32 1u
#define VIK_W_MXFP4 2u

/* An [m, n] weight matrix, PyTorch Linear layout (out x in): float32 f[m n],
   or MXFP4 codes[m n / 2] and scales[m n / 32] (kernels/mx.h layout). */
typedef struct {
  uint16_t fmt;                        /* 16 bits: no step of the forward pass writes
                                          16-bit memory, so WP sees the descriptors
                                          unchanged by it (harness/model.h, frames) */
  const float *f;
  const uint8_t *codes, *scales;
} vik_wmat;

/* The matrix is readable and within the proven bounds: |w| <= 2^20 for
   float32, scale codes <= VIK_MXFP4_DOT_SMAX and n % 32 == 0 for MXFP4. */
/*@ predicate wmat_ok{L}(vik_wmat w, integer m, integer n) =
      (w.fmt == VIK_W_F32 && \valid_read(w.f + (0 .. m * n - 1)) && bounded_f32(w.f, m * n)) ||
      (w.fmt == VIK_W_MXFP4 && n % VIK_MX_BLOCK == 0 &&
       \valid_read(w.codes + (0 .. m * (n / 2) - 1)) &&
       \valid_read(w.scales + (0 .. m * (n / VIK_MX_BLOCK) - 1)) &&
       \separated(w.codes + (0 .. m * (n / 2) - 1), w.scales + (0 .. m * (n / VIK_MX_BLOCK) - 1)) &&
       \forall integer i; 0 <= i < m * (n / VIK_MX_BLOCK) ==> w.scales[i] <= VIK_MXFP4_DOT_SMAX);
    predicate wmat_sep{L}(vik_wmat w, integer m, integer n, float *p, integer len) =
      (w.fmt == VIK_W_F32 ==> \separated(w.f + (0 .. m * n - 1), p + (0 .. len - 1))) &&
      (w.fmt == VIK_W_MXFP4 ==> \separated(w.codes + (0 .. m * (n / 2) - 1), p + (0 .. len - 1)) &&
                                \separated(w.scales + (0 .. m * (n / VIK_MX_BLOCK) - 1), p + (0 .. len - 1)));
    predicate act_ok{L}(float *x, integer n) =
      \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p20;
*/

/* VIK_OK iff every x[i] is finite with |x[i]| <= bound (NaN fails), else
   VIK_ERANGE and *bad the first index that is not. */
/*@ requires n: n <= 0x40000000;
    requires bound: \is_finite(bound) && bound >= 0;
    requires valid: \valid_read(x + (0 .. n - 1)) && \valid(bad);
    requires sep: \separated(bad, x + (0 .. n - 1));
    assigns *bad;
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
    ensures ok: \result == VIK_OK <==> (\forall integer i; 0 <= i < n ==> \is_finite(x[i]) && \abs(x[i]) <= bound);
    ensures bad: \result == VIK_ERANGE ==> *bad < n;
*/
int vik_check_f32(const float *x, uint32_t n, float bound, uint32_t *bad);

/* vik_check_f32 with the activation bound 2^20. */
/*@ requires n: n <= 0x40000000;
    requires valid: \valid_read(x + (0 .. n - 1));
    assigns \nothing;
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
    ensures ok: \result == VIK_OK <==> act_ok(x, n);
*/
int vik_act_ok(const float *x, uint32_t n);

/* vik_act_ok on x[o .. o + n - 1]. The fact is stated on x[o + i] (absolute
   indices): a caller that passes the row on as x + o gets it in the form its
   callee's requires take (a predicate on the shifted pointer x + o did not
   carry over to the provers). */
/*@ requires n: o + n <= 0x40000000;
    requires valid: \valid_read(x + (o .. o + n - 1));
    assigns \nothing;
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
    ensures ok: \result == VIK_OK <==> (\forall integer i; o <= i < o + n ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p20);
*/
int vik_act_ok_at(const float *x, uint32_t o, uint32_t n);

/* Output rows o0 <= o < o1 of y = x W^T (vik_matmul_f32 or vik_matmul_mxfp4
   on that range); every other y entry is left alone, so threads given
   disjoint row ranges write disjoint entries and get the bits of one call. */
/*@ requires dims: 1 <= T && 1 <= n <= VIK_K_MAX && 1 <= m && T * n <= VIK_MAT_MAX &&
                   m * n <= VIK_MAT_MAX && T * m <= VIK_MAT_MAX;
    requires rows: 0 <= o0 <= o1 <= m;
    requires w: wmat_ok(w, m, n);
    requires valid_x: \valid_read(x + (0 .. T * n - 1));
    requires valid_y: \valid(y + (0 .. T * m - 1));
    requires sep: \separated(y + (0 .. T * m - 1), x + (0 .. T * n - 1));
    requires sep_w: wmat_sep(w, m, n, y, T * m) && wmat_sep(w, m, n, x, T * n);
    requires bounded_x: act_ok(x, T * n);
    assigns y[0 .. T * m - 1];
    ensures fin: \forall integer t, o; 0 <= t < T && o0 <= o < o1 ==>
                   \is_finite(y[cell(t, m, o)]) && \abs(y[cell(t, m, o)]) <= 0x1p57;
*/
void vik_wmat_rows(float *y, const float *x, vik_wmat w, uint32_t T, uint32_t n, uint32_t m, uint32_t o0,
                   uint32_t o1);

/* y = x W^T for all m output rows (vik_matmul_f32 or vik_matmul_mxfp4). */
/*@ requires dims: 1 <= T && 1 <= n <= VIK_K_MAX && 1 <= m && T * n <= VIK_MAT_MAX &&
                   m * n <= VIK_MAT_MAX && T * m <= VIK_MAT_MAX;
    requires w: wmat_ok(w, m, n);
    requires valid_x: \valid_read(x + (0 .. T * n - 1));
    requires valid_y: \valid(y + (0 .. T * m - 1));
    requires sep: \separated(y + (0 .. T * m - 1), x + (0 .. T * n - 1));
    requires sep_w: wmat_sep(w, m, n, y, T * m) && wmat_sep(w, m, n, x, T * n);
    requires bounded_x: act_ok(x, T * n);
    assigns y[0 .. T * m - 1];
    ensures fin: \forall integer t, o; 0 <= t < T && 0 <= o < m ==>
                   \is_finite(y[cell(t, m, o)]) && \abs(y[cell(t, m, o)]) <= 0x1p57;
*/
void vik_wmat_matmul(float *y, const float *x, vik_wmat w, uint32_t T, uint32_t n, uint32_t m);

/* h1 = silu(h1) * h3 on T rows of [T, hidden] (vik_swiglu row by row),
   each row checked inside the activation bound first: VIK_ERANGE as soon as
   one is not (h1 then holds no result). */
/*@ requires dims: 1 <= T && 1 <= hidden <= VIK_K_MAX && T * hidden <= VIK_MAT_MAX;
    requires valid: \valid(h1 + (0 .. T * hidden - 1)) && \valid_read(h3 + (0 .. T * hidden - 1));
    requires sep: \separated(h1 + (0 .. T * hidden - 1), h3 + (0 .. T * hidden - 1));
    assigns h1[0 .. T * hidden - 1];
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
*/
int vik_swiglu_rows(float *h1, const float *h3, uint32_t T, uint32_t hidden);

/* SwiGLU FFN on T rows of x [T, dim]: y = (silu(x W1^T) * (x W3^T)) W2^T,
   W1, W3 [hidden, dim] (gate, up), W2 [dim, hidden] (down); h1, h3 scratch
   [T, hidden]. VIK_OK with act_ok(y), or VIK_ERANGE when an intermediate
   left the activation bound (y then holds no result). */
/*@ requires dims: 1 <= T && 1 <= dim <= VIK_K_MAX && 1 <= hidden <= VIK_K_MAX &&
                   T * dim <= VIK_MAT_MAX && T * hidden <= VIK_MAT_MAX && hidden * dim <= VIK_MAT_MAX;
    requires w: wmat_ok(w1, hidden, dim) && wmat_ok(w3, hidden, dim) && wmat_ok(w2, dim, hidden);
    requires valid: \valid_read(x + (0 .. T * dim - 1)) && \valid(y + (0 .. T * dim - 1)) &&
                    \valid(h1 + (0 .. T * hidden - 1)) && \valid(h3 + (0 .. T * hidden - 1));
    requires sep: \separated(y + (0 .. T * dim - 1), h1 + (0 .. T * hidden - 1), h3 + (0 .. T * hidden - 1),
                             x + (0 .. T * dim - 1));
    requires sep_w: wmat_sep(w1, hidden, dim, y, T * dim) && wmat_sep(w1, hidden, dim, h1, T * hidden) &&
                    wmat_sep(w1, hidden, dim, h3, T * hidden) && wmat_sep(w3, hidden, dim, y, T * dim) &&
                    wmat_sep(w3, hidden, dim, h1, T * hidden) && wmat_sep(w3, hidden, dim, h3, T * hidden) &&
                    wmat_sep(w2, dim, hidden, y, T * dim) && wmat_sep(w2, dim, hidden, h1, T * hidden) &&
                    wmat_sep(w2, dim, hidden, h3, T * hidden) && wmat_sep(w1, hidden, dim, x, T * dim) &&
                    wmat_sep(w3, hidden, dim, x, T * dim);
    requires bounded_x: act_ok(x, T * dim);
    assigns y[0 .. T * dim - 1], h1[0 .. T * hidden - 1], h3[0 .. T * hidden - 1];
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
    ensures ok: \result == VIK_OK ==> act_ok(y, T * dim);
*/
int vik_ffn_swiglu(float *y, const float *x, vik_wmat w1, vik_wmat w2, vik_wmat w3, uint32_t T, uint32_t dim,
                   uint32_t hidden, float *h1, float *h3);

/* Group the T k routing slots (slot s = t k + j: token t's j-th choice
   idx[s] < E) by expert: expert e's slots are listed in
   list[off[e] .. off[e + 1] - 1] in increasing slot order (its count is
   off[e + 1] - off[e]); off[0] = 0, off[E] = T k. (No count array: the
   provers did not carry the lists' facts across writes to a third uint32
   array, verified/NOTES.md.) VIK_OK always
   (VIK_EDOMAIN would mean fewer than T k slots listed: the check stands in
   for the counting argument, see ffn.c). Proven on VIK_OK: every listed
   slot is in its expert's group, strictly increasing there, and T k are
   listed; so each slot is listed exactly once. */
/*@ requires dims: 1 <= E <= 512 && 1 <= k <= 32 && 1 <= T && T * k <= 0x1000000;
    requires valid: \valid_read(idx + (0 .. T * k - 1)) && \valid(off + (0 .. E)) && \valid(list + (0 .. T * k - 1));
    requires sep: \separated(off + (0 .. E), list + (0 .. T * k - 1), idx + (0 .. T * k - 1));
    requires range: \forall integer s; 0 <= s < T * k ==> idx[s] < E;
    assigns off[0 .. E], list[0 .. T * k - 1];
    ensures code: \result == VIK_OK || \result == VIK_EDOMAIN;
    ensures off: off[0] == 0 && (\result == VIK_OK ==> off[E] == T * k);
    ensures mono: \forall integer e; 0 <= e < E ==> off[e] <= off[e + 1];
    ensures bound: \forall integer e; 0 <= e <= E ==> off[e] <= T * k;
    ensures slots: \forall integer e, r; 0 <= e < E && off[e] <= r < off[e + 1] ==> list[r] < T * k;
    ensures member: \forall integer e, r; 0 <= e < E && off[e] <= r < off[e + 1] ==> idx[list[r]] == e;
    ensures order: \forall integer e, r; 0 <= e < E && off[e] <= r && r + 1 < off[e + 1] ==> list[r] < list[r + 1];
*/
int vik_moe_group(uint32_t *off, uint32_t *list, const uint32_t *idx, uint32_t E, uint32_t k, uint32_t T);

/* dst row r = src row list[r] / k (the token of slot list[r] < T k), rows of dim. */
/*@ requires dims: 1 <= k && 1 <= dim && cnt * dim <= VIK_MAT_MAX && T * dim <= VIK_MAT_MAX;
    requires valid: \valid_read(list + (0 .. cnt - 1)) && \valid_read(src + (0 .. T * dim - 1)) &&
                    \valid(dst + (0 .. cnt * dim - 1));
    requires range: \forall integer r; 0 <= r < cnt ==> list[r] < T * k;
    requires sep: \separated(dst + (0 .. cnt * dim - 1), src + (0 .. T * dim - 1), list + (0 .. cnt - 1));
    requires bounded: act_ok(src, T * dim);
    assigns dst[0 .. cnt * dim - 1];
    ensures bounded: act_ok(dst, cnt * dim);
*/
void vik_gather_rows(float *dst, const float *src, const uint32_t *list, uint32_t cnt, uint32_t k, uint32_t T,
                     uint32_t dim);

/* dst row list[r] = src row r (slot outputs back to slot order). */
/*@ requires dims: 1 <= dim && cnt <= S && cnt * dim <= VIK_MAT_MAX && S * dim <= VIK_MAT_MAX;
    requires valid: \valid_read(list + (0 .. cnt - 1)) && \valid_read(src + (0 .. cnt * dim - 1)) &&
                    \valid(dst + (0 .. S * dim - 1));
    requires range: \forall integer r; 0 <= r < cnt ==> list[r] < S;
    requires sep: \separated(dst + (0 .. S * dim - 1), src + (0 .. cnt * dim - 1), list + (0 .. cnt - 1));
    assigns dst[0 .. S * dim - 1];
*/
void vik_scatter_rows(float *dst, const float *src, const uint32_t *list, uint32_t cnt, uint32_t S,
                      uint32_t dim);

/* The combine: y[t] = sum_j w[t k + j] eo[t k + j], j = 0 .. k-1 in rank
   order, from 0; eo [T k, dim] the expert outputs per slot, w in [0, 1]. */
/*@ requires dims: 1 <= T && 1 <= k <= 32 && 1 <= dim && T * k * dim <= VIK_MAT_MAX;
    requires valid: \valid(y + (0 .. T * dim - 1)) && \valid_read(eo + (0 .. T * k * dim - 1)) &&
                    \valid_read(w + (0 .. T * k - 1));
    requires sep: \separated(y + (0 .. T * dim - 1), eo + (0 .. T * k * dim - 1), w + (0 .. T * k - 1));
    requires bounded: act_ok(eo, T * k * dim);
    requires weights: \forall integer s; 0 <= s < T * k ==> \is_finite(w[s]) && 0 <= w[s] <= 1;
    assigns y[0 .. T * dim - 1];
    ensures bounded: \forall integer i; 0 <= i < T * dim ==> \is_finite(y[i]) && \abs(y[i]) <= 0x1p26;
*/
void vik_moe_combine(float *y, const float *eo, const float *w, uint32_t T, uint32_t k, uint32_t dim);

/* x[i] += y[i] (the residual); VIK_OK with act_ok(x), or VIK_ERANGE. */
/*@ requires n: n <= 0x40000000;
    requires valid: \valid(x + (0 .. n - 1)) && \valid_read(y + (0 .. n - 1));
    requires sep: \separated(x + (0 .. n - 1), y + (0 .. n - 1));
    requires bounded: act_ok(x, n) && act_ok(y, n);
    assigns x[0 .. n - 1];
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
    ensures ok: \result == VIK_OK ==> act_ok(x, n);
*/
int vik_residual(float *x, const float *y, uint32_t n);

#endif
