/* vik int8 activations and the exact-block products (issue 3's int8 path).

   Activations are quantized in blocks of 32 with a power-of-two scale, the
   OCP MX scale rule with emax 6: s = max(0, E - 6), E the block's largest
   float32 exponent field, so every |x| / 2^(s-127) < 128. Each element is
   that quotient (exact: the division is done on the bits, as in mx.c)
   rounded to the nearest integer, ties to even, 128 clamped to 127:
     |x - q 2^(s-127)| <= 2^(s-128)     (half a step; proved on the bits,
                                        vik_q8_round_bits)
   except a clamped element (|x| >= 127.5 2^(s-127)), off by at most one
   step 2^(s-127). A block holding NaN or inf gets s = 255 and q = 0 (the
   products refuse it: their contract bounds s).

   MXFP4 weights against q8 activations: 2 e2m1(c) is an integer in
   [-12, 12], so a block's sum S = sum_i 2 e2m1(c_i) q_i is an exact int32
   (|S| <= 32 * 12 * 127 = 48768); the block's value S 2^(sw-127) 2^(sx-127) / 2
   is three float products by powers of two, exact unless the result is
   subnormal; the blocks are added in order, one float addition each. So,
   against the exact product of the weights and the real activations x,
     |y_hat - y| <= sum_i |W_i| |x_i - q_i 2^(sx-127)|     (activation quantization)
                    + (nb - 1) u sum_b |block_b| + nb 2^-149   (u = 2^-24, nb = n / 32)
   (the first term is <= sum_i |W_i| 2^(sx_b-128) by the bound above).

   NVFP4 weights against q8 activations: a 32-block of activations covers two
   NVFP4 blocks of 16; each 16-block's integer sum S16 (|S16| <= 24384) is
   multiplied by d = e4m3(s) g (the dequantizer's product, rounded once), by
   2^(sx-127) and by 1/2: the product by d rounds once more. Error as above
   plus |S16 d| u per block. */
#ifndef VIK_Q8_H
#define VIK_Q8_H
#include <stdint.h>
#include "formats.h"
#include "mx.h"
#include "linear.h"

#define VIK_Q8_BLOCK 32
#define VIK_Q8_EMAX 6
/* Largest activation scale code the products take: |x| <= 2^20 (the
   activation bound of linear.h) has exponent field <= 147, so s <= 141. */
#define VIK_Q8_SMAX 141u

/* The nearest integer, ties to even, to the float32 with bits v, clamped to
   [-127, 127]. With e = f32_exp(v) and m = f32_mant(v), |v| = m 2^(e-150)
   for e >= 1; for 126 <= e <= 133 (0.5 <= |v| < 256) the clauses state the
   rounding on those integers, scaled by 2^(e-126) so that the step is the
   constant 2^24: |r 2^24 - m 2^(e-126)| <= 2^23 is |r - |v|| <= 1/2. */
/*@ assigns \nothing;
    ensures range: -127 <= \result <= 127;
    ensures sign: \result != 0 ==> (\result < 0 <==> f32_sign(v) == 1);
    ensures tiny: f32_exp(v) < 126 ==> \result == 0;
    ensures half: 126 <= f32_exp(v) <= 133 && \abs(\result) < 127 ==>
                    \abs(\abs(\result) * 0x1000000 - f32_mant(v) * pow2(f32_exp(v) - 126)) <= 0x800000;
    ensures clamp: 126 <= f32_exp(v) <= 133 && \abs(\result) == 127 ==>
                     f32_mant(v) * pow2(f32_exp(v) - 126) >= 126 * 0x1000000 + 0x800000;
*/
int32_t vik_q8_round_bits(uint32_t v);

/* q [n], s [n/32] of x [n], n % 32 == 0. */
/*@ requires n: n % VIK_Q8_BLOCK == 0 && n <= VIK_MX_NMAX;
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires valid_q: \valid(q + (0 .. n - 1));
    requires valid_s: \valid(s + (0 .. n / VIK_Q8_BLOCK - 1));
    requires sep: \separated(q + (0 .. n - 1), s + (0 .. n / VIK_Q8_BLOCK - 1), x + (0 .. n - 1));
    assigns q[0 .. n - 1], s[0 .. n / VIK_Q8_BLOCK - 1];
    ensures q: \forall integer i; 0 <= i < n ==> -127 <= q[i] <= 127;
*/
void vik_q8_quantize(const float *x, uint32_t n, int8_t *q, uint8_t *s);

/* 1 when every scale code of qs[0 .. nb-1] is at most VIK_Q8_SMAX, the
   products' precondition: activations with |x| <= 2^20 always pass; a block
   holding NaN or inf (code 255) or larger values does not, and the caller
   refuses the input instead of multiplying. */
/*@ requires valid_qs: \valid_read(qs + (0 .. nb - 1));
    assigns \nothing;
    ensures ok: \result == 1 <==> (\forall integer i; 0 <= i < nb ==> qs[i] <= VIK_Q8_SMAX);
    ensures bool: \result == 0 || \result == 1;
*/
int vik_q8_scales_ok(const uint8_t *qs, uint32_t nb);

/* One MXFP4 row against q8 activations (see above for the error). */
/*@ requires n: n % VIK_Q8_BLOCK == 0 && 0 <= n <= VIK_K_MAX;
    requires valid_codes: \valid_read(codes + (0 .. n / 2 - 1));
    requires valid_scales: \valid_read(scales + (0 .. n / VIK_MX_BLOCK - 1));
    requires valid_q: \valid_read(q + (0 .. n - 1));
    requires valid_qs: \valid_read(qs + (0 .. n / VIK_Q8_BLOCK - 1));
    requires scales: \forall integer i; 0 <= i < n / VIK_MX_BLOCK ==> scales[i] <= VIK_MXFP4_DOT_SMAX;
    requires qs: \forall integer i; 0 <= i < n / VIK_Q8_BLOCK ==> qs[i] <= VIK_Q8_SMAX;
    requires q: \forall integer i; 0 <= i < n ==> -127 <= q[i] <= 127;
    assigns \nothing;
    ensures finite: \is_finite(\result);
    ensures bound: \abs(\result) <= 0x1p59;
*/
float vik_dot_mxfp4_q8(const uint8_t *codes, const uint8_t *scales, const int8_t *q, const uint8_t *qs,
                       uint32_t n);

/* Output rows o0 <= o < o1 of y = x W^T with x given as q8 [T, n] (q, qs). */
/*@ requires dims: 1 <= T && 1 <= n <= VIK_K_MAX && n % VIK_Q8_BLOCK == 0 && 1 <= m &&
                   T * n <= VIK_MAT_MAX && m * n <= VIK_MAT_MAX && T * m <= VIK_MAT_MAX;
    requires rows: 0 <= o0 <= o1 <= m;
    requires valid_q: \valid_read(q + (0 .. T * n - 1));
    requires valid_qs: \valid_read(qs + (0 .. T * (n / VIK_Q8_BLOCK) - 1));
    requires valid_codes: \valid_read(codes + (0 .. m * (n / 2) - 1));
    requires valid_scales: \valid_read(scales + (0 .. m * (n / VIK_MX_BLOCK) - 1));
    requires valid_y: \valid(y + (0 .. T * m - 1));
    requires sep: \separated(y + (0 .. T * m - 1), q + (0 .. T * n - 1), qs + (0 .. T * (n / VIK_Q8_BLOCK) - 1),
                             codes + (0 .. m * (n / 2) - 1), scales + (0 .. m * (n / VIK_MX_BLOCK) - 1));
    requires scales: \forall integer i; 0 <= i < m * (n / VIK_MX_BLOCK) ==> scales[i] <= VIK_MXFP4_DOT_SMAX;
    requires qs: \forall integer i; 0 <= i < T * (n / VIK_Q8_BLOCK) ==> qs[i] <= VIK_Q8_SMAX;
    requires q: \forall integer i; 0 <= i < T * n ==> -127 <= q[i] <= 127;
    assigns y[0 .. T * m - 1];
    ensures fin: \forall integer t, o; 0 <= t < T && o0 <= o < o1 ==>
                   \is_finite(y[cell(t, m, o)]) && \abs(y[cell(t, m, o)]) <= 0x1p59;
*/
void vik_matmul_mxfp4_q8(float *y, const int8_t *q, const uint8_t *qs, const uint8_t *codes,
                         const uint8_t *scales, uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1);

/* One NVFP4 row (kernels/nvfp4.h layout, global scale g) against q8 activations. */
/*@ requires n: n % VIK_Q8_BLOCK == 0 && 0 <= n <= VIK_K_MAX;
    requires valid_codes: \valid_read(codes + (0 .. n / 2 - 1));
    requires valid_scales: \valid_read(scales + (0 .. n / VIK_NV_BLOCK_DOT - 1));
    requires valid_q: \valid_read(q + (0 .. n - 1));
    requires valid_qs: \valid_read(qs + (0 .. n / VIK_Q8_BLOCK - 1));
    requires scales: \forall integer i; 0 <= i < n / VIK_NV_BLOCK_DOT ==> scales[i] % 128 != 127;
    requires g: \is_finite(g) && 0.0 <= g <= VIK_NVFP4_DOT_GMAX;
    requires qs: \forall integer i; 0 <= i < n / VIK_Q8_BLOCK ==> qs[i] <= VIK_Q8_SMAX;
    requires q: \forall integer i; 0 <= i < n ==> -127 <= q[i] <= 127;
    assigns \nothing;
    ensures finite: \is_finite(\result);
    ensures bound: \abs(\result) <= 0x1p59;
*/
float vik_dot_nvfp4_q8(const uint8_t *codes, const uint8_t *scales, float g, const int8_t *q,
                       const uint8_t *qs, uint32_t n);

/* Output rows o0 <= o < o1 of y = x W^T, W NVFP4, x as q8 [T, n]. */
/*@ requires dims: 1 <= T && 1 <= n <= VIK_K_MAX && n % VIK_Q8_BLOCK == 0 && 1 <= m &&
                   T * n <= VIK_MAT_MAX && m * n <= VIK_MAT_MAX && T * m <= VIK_MAT_MAX;
    requires rows: 0 <= o0 <= o1 <= m;
    requires valid_q: \valid_read(q + (0 .. T * n - 1));
    requires valid_qs: \valid_read(qs + (0 .. T * (n / VIK_Q8_BLOCK) - 1));
    requires valid_codes: \valid_read(codes + (0 .. m * (n / 2) - 1));
    requires valid_scales: \valid_read(scales + (0 .. m * (n / VIK_NV_BLOCK_DOT) - 1));
    requires valid_y: \valid(y + (0 .. T * m - 1));
    requires sep: \separated(y + (0 .. T * m - 1), q + (0 .. T * n - 1), qs + (0 .. T * (n / VIK_Q8_BLOCK) - 1),
                             codes + (0 .. m * (n / 2) - 1), scales + (0 .. m * (n / VIK_NV_BLOCK_DOT) - 1));
    requires scales: \forall integer i; 0 <= i < m * (n / VIK_NV_BLOCK_DOT) ==> scales[i] % 128 != 127;
    requires g: \is_finite(g) && 0.0 <= g <= VIK_NVFP4_DOT_GMAX;
    requires qs: \forall integer i; 0 <= i < T * (n / VIK_Q8_BLOCK) ==> qs[i] <= VIK_Q8_SMAX;
    requires q: \forall integer i; 0 <= i < T * n ==> -127 <= q[i] <= 127;
    assigns y[0 .. T * m - 1];
    ensures fin: \forall integer t, o; 0 <= t < T && o0 <= o < o1 ==>
                   \is_finite(y[cell(t, m, o)]) && \abs(y[cell(t, m, o)]) <= 0x1p59;
*/
void vik_matmul_nvfp4_q8(float *y, const int8_t *q, const uint8_t *qs, const uint8_t *codes,
                         const uint8_t *scales, float g, uint32_t T, uint32_t n, uint32_t m, uint32_t o0,
                         uint32_t o1);

#endif
