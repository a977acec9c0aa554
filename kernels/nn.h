/* vik elementwise kernels of a transformer layer: exp, softmax, RMSNorm,
   SiLU, SwiGLU, sigmoid, RoPE.

   exp is the project's own (vik_exp_neg), so that results do not depend on
   the platform's libm and the proofs do not rest on an unverified library.
   Every caller needs it only for arguments <= 0 (softmax after subtracting
   the max, SiLU and sigmoid by the sign of x), where the result lies in
   [0, 1] and nothing can overflow.

   Error codes: VIK_OK (0) or VIK_EDOMAIN, an input outside the domain the
   proofs cover (NaN, +inf, or a magnitude above the stated bound); on error
   the output is all zeros, never partial. */
#ifndef VIK_NN_H
#define VIK_NN_H
#include <errno.h>   /* the contracts name errno (Frama-C's __fc_errno): sqrtf */
#include <stdint.h>
#include "wsum_logic.h"

#define VIK_OK 0
#define VIK_EDOMAIN 1

#define VIK_NN_MAX 65536u        /* longest row a softmax / RMSNorm covers */
#define VIK_LOGIT_MAX 0x1p100f   /* |finite logit| a softmax accepts */
/* a softmax's outputs sum to within VIK_SM_EB(n) = (n + 1) 2^-23 of 1 over
   the reals (n terms: about (n + 1) u, u = 2^-24, with room); VIK_SM_V =
   u (1 + 2^-7) is the rounding of one addition relative to the exact
   partial sum, n V <= 2^-8 + 2^-15 */
#define VIK_SM_EB(n) (((n) + 1) * 0x1p-23)
#define VIK_SM_V (0x1p-24 + 0x1p-31)

/* e^x for finite x <= 0. Cody-Waite reduction x = -m ln2 + r, m an integer,
   |r| <= 0.35, a degree-7 polynomial for e^r (Cephes expf coefficients), and
   the exact power 2^-m applied in two steps, so that a subnormal result is
   rounded once. Proved: result in [0, 1], exactly 1 at x = 0, no runtime
   error, and the relative error against the real exponential (acc: 2^-21,
   plus 2^-150 absolute where e^x is subnormal or below), from the helpers'
   errors (nn.c) and a Coq-proved lemma (proofs/coq/exp_acc.v). The bound
   is the proof's budget, not the measured error: < 1 ulp (max 0.982 ulp,
   at -0x1.459444p+6, 8.1e-8 relative), checked on every float32 in
   [-104, 0] by make test-exhaustive (verified/NOTES.md, "exp's accuracy"). */
/*@ requires arg: \is_finite(x) && x <= 0;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= 1;
    ensures one: x == 0 ==> \result == 1;
    ensures zero: x < -104 ==> \result == 0;
    ensures acc: \abs(\result - \exp(x)) <= 0x1p-21 * \exp(x) + 0x1p-150;
*/
float vik_exp_neg(float x);

/* 1 / (1 + e^-x), computed with vik_exp_neg of -|x| so nothing overflows. */
/*@ requires arg: \is_finite(x);
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= 1;
*/
float vik_sigmoid(float x);

/* x * sigmoid(x) (SiLU), computed as x / (1 + e^-x) for x >= 0 and
   x e^x / (1 + e^x) below, so nothing overflows. */
/*@ requires arg: \is_finite(x) && \abs(x) <= 0x1p120;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p120;
    ensures b60: \abs(x) <= 0x1p60 ==> \abs(\result) <= 0x1p60;
*/
float vik_silu1(float x);

/*@ predicate logit_fin(float v) = \is_finite(v) && \abs(v) <= VIK_LOGIT_MAX;
    predicate in_domain(float v) = \is_minus_infinity(v) || logit_fin(v);
    predicate row_ok{L}(float *x, integer n) = \forall integer i; 0 <= i < n ==> in_domain(x[i]);
*/

/* 1 for a finite logit of magnitude at most VIK_LOGIT_MAX, 2 for -inf (a
   masked entry), 0 for anything else (NaN, +inf, too large). */
/*@ assigns \nothing;
    behavior fin:  assumes logit_fin(v);
                   ensures \result == 1;
    behavior minf: assumes \is_minus_infinity(v);
                   ensures \result == 2;
    behavior nan:  assumes \is_NaN(v);
                   ensures \result == 0;
    behavior pinf: assumes \is_plus_infinity(v);
                   ensures \result == 0;
    behavior big:  assumes \is_finite(v) && \abs(v) > VIK_LOGIT_MAX;
                   ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
int vik_logit_class(float v);

/* Stable softmax over one row: y_i = e^(x_i - max) / sum_j e^(x_j - max).
   Entries equal to -inf are masked: their y is exactly 0; a row with every
   entry masked gives all zeros (PyTorch's _safe_softmax). A NaN, +inf or a
   finite |x_i| > VIK_LOGIT_MAX returns VIK_EDOMAIN and all zeros.
   With a sink (has_sink != 0), the logit sink joins the max and the sum as
   one more column that is then dropped, so the y sum to less than 1.
   The sum is taken in index order, starting from the sink's term; y_i =
   e_i / sum, a division (so y_i <= 1). y may be x (in place).
   The outputs' sum over the reals (sum): within VIK_SM_EB(n) = (n + 1)
   2^-23 of 1 when no sink and an entry is finite; at most 1 + VIK_SM_EB(n)
   with a sink. Without a sink, a row with a finite entry has an output of
   at least 2^-17 (the largest entry's: 1 over a sum of at most n + 1 <=
   2^17), so the outputs never all vanish (top). The sum bound holds
   whatever the exp's error: the y are the computed terms divided by their
   computed sum, so only the sum's and the divisions' roundings enter it. */
/*@ requires n: 1 <= n <= VIK_NN_MAX;
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires valid_y: \valid(y + (0 .. n - 1));
    requires sep: y == x || \separated(y + (0 .. n - 1), x + (0 .. n - 1));
    assigns y[0 .. n - 1];
    ensures code: \result == VIK_OK || \result == VIK_EDOMAIN;
    ensures range: \forall integer i; 0 <= i < n ==> \is_finite(y[i]) && 0 <= y[i] <= 1;
    ensures masked: \result == VIK_OK ==>
                      \forall integer i; 0 <= i < n ==> \is_minus_infinity(\old(x[i])) ==> y[i] == 0;
    ensures error: \result == VIK_EDOMAIN ==> \forall integer i; 0 <= i < n ==> y[i] == 0;
    ensures domain: \result == VIK_OK <==> (row_ok{Pre}(x, n) && (has_sink != 0 ==> logit_fin(sink)));
    ensures sum: \result == VIK_OK && has_sink == 0 && (\exists integer i; 0 <= i < n && \is_finite(\old(x[i]))) ==>
                   \abs(wsum(y, n) - 1) <= VIK_SM_EB(n);
    ensures sink_sum: \result == VIK_OK && has_sink != 0 ==> wsum(y, n) <= 1 + VIK_SM_EB(n);
    ensures top: \result == VIK_OK && has_sink == 0 && (\exists integer i; 0 <= i < n && \is_finite(\old(x[i]))) ==>
                   \exists integer i; 0 <= i < n && y[i] >= 0x1p-17;
*/
int vik_softmax_sink(float *y, const float *x, uint32_t n, int has_sink, float sink);

/* vik_softmax_sink without a sink. */
/*@ requires n: 1 <= n <= VIK_NN_MAX;
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires valid_y: \valid(y + (0 .. n - 1));
    requires sep: y == x || \separated(y + (0 .. n - 1), x + (0 .. n - 1));
    assigns y[0 .. n - 1];
    ensures code: \result == VIK_OK || \result == VIK_EDOMAIN;
    ensures range: \forall integer i; 0 <= i < n ==> \is_finite(y[i]) && 0 <= y[i] <= 1;
    ensures masked: \result == VIK_OK ==>
                      \forall integer i; 0 <= i < n ==> \is_minus_infinity(\old(x[i])) ==> y[i] == 0;
    ensures error: \result == VIK_EDOMAIN ==> \forall integer i; 0 <= i < n ==> y[i] == 0;
    ensures domain: \result == VIK_OK <==> row_ok{Pre}(x, n);
    ensures sum: \result == VIK_OK && (\exists integer i; 0 <= i < n && \is_finite(\old(x[i]))) ==>
                   \abs(wsum(y, n) - 1) <= VIK_SM_EB(n);
    ensures top: \result == VIK_OK && (\exists integer i; 0 <= i < n && \is_finite(\old(x[i]))) ==>
                   \exists integer i; 0 <= i < n && y[i] >= 0x1p-17;
*/
int vik_softmax(float *y, const float *x, uint32_t n);

/* y_i = w_i * (x_i * r), r = 1 / sqrt(sum_j x_j^2 / n + eps), as HF's
   LlamaRMSNorm in float32. The sum of squares is taken in vik_dot_f32's
   lane order (16 lanes, fixed tree). sqrtf is IEEE correctly rounded; it may
   set errno only for a negative argument, which the proof excludes. */
/*@ requires n: 1 <= n <= VIK_NN_MAX;
    requires eps: \is_finite(eps) && 0x1p-40 <= eps <= 1;
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires valid_w: \valid_read(w + (0 .. n - 1));
    requires valid_y: \valid(y + (0 .. n - 1));
    requires bounded_x: \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p20;
    requires bounded_w: \forall integer i; 0 <= i < n ==> \is_finite(w[i]) && \abs(w[i]) <= 0x1p20;
    requires sep: \separated(y + (0 .. n - 1), x + (0 .. n - 1)) &&
                  \separated(y + (0 .. n - 1), w + (0 .. n - 1));
    assigns y[0 .. n - 1], __fc_errno;
    ensures fin: \forall integer i; 0 <= i < n ==> \is_finite(y[i]) && \abs(y[i]) <= 0x1p60;
    ensures errno: __fc_errno == \old(__fc_errno);
*/
void vik_rmsnorm(float *y, const float *x, const float *w, uint32_t n, float eps);

/* y_i = silu(gate_i) * up_i (SwiGLU); y may be gate or up (in place). */
/*@ requires n: n <= VIK_NN_MAX * 64;
    requires valid: \valid_read(gate + (0 .. n - 1)) && \valid_read(up + (0 .. n - 1)) &&
                    \valid(y + (0 .. n - 1));
    requires bounded_g: \forall integer i; 0 <= i < n ==> \is_finite(gate[i]) && \abs(gate[i]) <= 0x1p60;
    requires bounded_u: \forall integer i; 0 <= i < n ==> \is_finite(up[i]) && \abs(up[i]) <= 0x1p60;
    requires alias: (y == gate || \separated(y + (0 .. n - 1), gate + (0 .. n - 1))) &&
                    (y == up || \separated(y + (0 .. n - 1), up + (0 .. n - 1)));
    assigns y[0 .. n - 1];
    ensures fin: \forall integer i; 0 <= i < n ==> \is_finite(y[i]) && \abs(y[i]) <= 0x1p120;
*/
void vik_swiglu(float *y, const float *gate, const float *up, uint32_t n);

/* y_i = silu(x_i); y may be x. */
/*@ requires n: n <= VIK_NN_MAX * 64;
    requires valid: \valid_read(x + (0 .. n - 1)) && \valid(y + (0 .. n - 1));
    requires bounded_x: \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p120;
    requires alias: y == x || \separated(y + (0 .. n - 1), x + (0 .. n - 1));
    assigns y[0 .. n - 1];
    ensures fin: \forall integer i; 0 <= i < n ==> \is_finite(y[i]) && \abs(y[i]) <= 0x1p120;
*/
void vik_silu(float *y, const float *x, uint32_t n);

/* ---- RoPE ----
   The cos/sin tables are data, built once per model with libm by
   harness/rope_table.c (vik_rope_table); vik_rope needs only their range. */
#define VIK_HEAD_DIM_MAX 1024u

/* Rotate one token's H heads of dimension D in place with that token's table
   rows c, s (D/2 entries each). halves: pairs (i, i + D/2), HF rotate_half;
   otherwise pairs (2i, 2i + 1), llama2.c / interleaved. */
/*@ requires dims: 1 <= H && 2 <= D <= VIK_HEAD_DIM_MAX && D % 2 == 0 && H * D <= VIK_NN_MAX * 64;
    requires valid_x: \valid(x + (0 .. H * D - 1));
    requires valid_cs: \valid_read(c + (0 .. D / 2 - 1)) && \valid_read(s + (0 .. D / 2 - 1));
    requires sep: \separated(x + (0 .. H * D - 1), c + (0 .. D / 2 - 1)) &&
                  \separated(x + (0 .. H * D - 1), s + (0 .. D / 2 - 1));
    requires unit: \forall integer i; 0 <= i < D / 2 ==>
                     \is_finite(c[i]) && \abs(c[i]) <= 1 && \is_finite(s[i]) && \abs(s[i]) <= 1;
    requires bounded_x: \forall integer i; 0 <= i < H * D ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p120;
    assigns x[0 .. H * D - 1];
    ensures fin: \forall integer i; 0 <= i < H * D ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p121;
*/
void vik_rope(float *x, uint32_t H, uint32_t D, const float *c, const float *s, int halves);

#endif
