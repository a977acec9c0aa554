/* vik matrix products: y[t, o] = sum_i W[o, i] * x[t, i], W stored as PyTorch
   Linear does (out x in, row-major), x row-major [T, n], y row-major [T, m].

   Summation order, fixed by the source so that every compiler and every
   optimisation level (without -ffast-math) gives the same bits: element i of
   a row goes to lane i % 16; each lane adds its products in increasing i; the
   16 lanes are combined as a fixed tree (lane l += lane l + w for w = 8, 4, 2,
   1). gcc vectorises the lane loop as it is, with no reassociation.

   Error, proved in vik_dot_f32's contract (ensures error) from that order:
   with k = ceil(n / 16) chunks and U = VIK_U = 2^-24 (1 + 2^-11),
   |y_hat - y| <= (k + 6) U * sum_i |W[o, i] x[t, i]| + (k + 1) * 2^-143,
   against the exact real sums dot / dot_abs (spec/dot_logic.h): (k + 1) U
   from the 16 lanes (each chunk's roundings add at most U times the
   magnitude so far) and 5 U from the tree's 4 roundings (kernels/linear.c:
   madd1, chunk_madd, chunk_step, lane_sum). */
#ifndef VIK_LINEAR_H
#define VIK_LINEAR_H
#include <stdint.h>
#include "linear_logic.h"
#include "mx.h"

#define VIK_LANES 16
#define VIK_K_MAX 65536u          /* longest dot product the proofs cover */
#define VIK_MAT_MAX 0x40000000u   /* most elements of one operand (2^30) */

/* Rounding constants of the error steps proved so far (u = 2^-24, float32's
   unit roundoff): VIK_U2 >= 2u + u^2, a lane step's two roundings (product,
   sum); VIK_V = u (1 + 2^-20), one tree level with room for the (1 + u) growth. */
#define VIK_U2 0x1.000002p-23
#define VIK_V 0x1.00001p-24
#define VIK_U 0x1.002p-24   /* u (1 + 2^-11): a lane's step with room for its (1 + k u) growth */
#include "dot_logic.h"

/* Magnitude bounds under which no sum can overflow: |W|, |x| <= 2^20, so a
   product is at most 2^40 and a lane of at most 4096 products at most 2^52. */
/*@ predicate bounded_f32{L}(float *a, integer n) =
      \forall integer i; 0 <= i < n ==> \is_finite(a[i]) && \abs(a[i]) <= 0x1p20;
*/

/* One dot product in the fixed lane order. */
/*@ requires n: 0 <= n <= VIK_K_MAX;
    requires valid_a: \valid_read(a + (0 .. n - 1));
    requires valid_b: \valid_read(b + (0 .. n - 1));
    requires bounded_a: \forall integer i; 0 <= i < n ==> \is_finite(a[i]) && \abs(a[i]) <= 0x1p20;
    requires bounded_b: \forall integer i; 0 <= i < n ==> \is_finite(b[i]) && \abs(b[i]) <= 0x1p20;
    assigns \nothing;
    ensures finite: \is_finite(\result);
    ensures bound: \abs(\result) <= 0x1p57;
    ensures error: \abs(\result - dot(a, b, n)) <=
                     ((n + 15) / 16 * VIK_U + 6 * VIK_U) * dot_abs(a, b, n) + ((n + 15) / 16 + 1) * 0x1p-143;
*/
float vik_dot_f32(const float *a, const float *b, uint32_t n);

/* Output rows o0 <= o < o1 of y = x W^T for all T tokens; every other y entry
   is left alone, so threads given disjoint row ranges write disjoint entries
   and the result does not depend on how the rows were split. */
/*@ requires dims: 1 <= T && 1 <= n <= VIK_K_MAX && 1 <= m && T * n <= VIK_MAT_MAX &&
                   m * n <= VIK_MAT_MAX && T * m <= VIK_MAT_MAX;
    requires rows: 0 <= o0 <= o1 <= m;
    requires valid_x: \valid_read(x + (0 .. T * n - 1));
    requires valid_w: \valid_read(w + (0 .. m * n - 1));
    requires valid_y: \valid(y + (0 .. T * m - 1));
    requires sep: \separated(y + (0 .. T * m - 1), x + (0 .. T * n - 1), w + (0 .. m * n - 1));
    requires bounded_x: bounded_f32(x, T * n);
    requires bounded_w: bounded_f32(w, m * n);
    assigns y[0 .. T * m - 1];
    ensures fin: \forall integer t, o; 0 <= t < T && o0 <= o < o1 ==>
                   \is_finite(y[cell(t, m, o)]) && \abs(y[cell(t, m, o)]) <= 0x1p57;
*/
void vik_matmul_f32(float *y, const float *x, const float *w, uint32_t T, uint32_t n, uint32_t m,
                    uint32_t o0, uint32_t o1);

/* ---- MXFP4 weights (kernels/mx.h layout: codes packed two per byte, one E8M0
   scale per 32) against float32 activations ----
   Each weight is dequantized exactly (E2M1 value times a power of two) and then
   summed in the same lane order as vik_dot_f32, so the result is bit for bit
   vik_dot_f32 of the dequantized row and its error bound is the same. Scale
   codes up to VIK_MXFP4_DOT_SMAX keep |weight| <= 6 * 2^17 < 2^20. */
#define VIK_MXFP4_DOT_SMAX 144u

/*@ requires n: n % VIK_MX_BLOCK == 0 && 0 <= n <= VIK_K_MAX;
    requires valid_codes: \valid_read(codes + (0 .. n / 2 - 1));
    requires valid_scales: \valid_read(scales + (0 .. n / VIK_MX_BLOCK - 1));
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires scales: \forall integer i; 0 <= i < n / VIK_MX_BLOCK ==> scales[i] <= VIK_MXFP4_DOT_SMAX;
    requires bounded_x: \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p20;
    assigns \nothing;
    ensures finite: \is_finite(\result);
    ensures bound: \abs(\result) <= 0x1p57;
*/
float vik_dot_mxfp4(const uint8_t *codes, const uint8_t *scales, const float *x, uint32_t n);

/* Output rows o0 <= o < o1 of y = x W^T, W an MXFP4 [m, n] matrix: codes
   [m, n/2], scales [m, n/32]. */
/*@ requires dims: 1 <= T && 1 <= n <= VIK_K_MAX && n % VIK_MX_BLOCK == 0 && 1 <= m &&
                   T * n <= VIK_MAT_MAX && m * n <= VIK_MAT_MAX && T * m <= VIK_MAT_MAX;
    requires rows: 0 <= o0 <= o1 <= m;
    requires valid_x: \valid_read(x + (0 .. T * n - 1));
    requires valid_codes: \valid_read(codes + (0 .. m * (n / 2) - 1));
    requires valid_scales: \valid_read(scales + (0 .. m * (n / VIK_MX_BLOCK) - 1));
    requires valid_y: \valid(y + (0 .. T * m - 1));
    requires sep: \separated(y + (0 .. T * m - 1), x + (0 .. T * n - 1),
                             codes + (0 .. m * (n / 2) - 1), scales + (0 .. m * (n / VIK_MX_BLOCK) - 1));
    requires bounded_x: bounded_f32(x, T * n);
    requires scales: \forall integer i; 0 <= i < m * (n / VIK_MX_BLOCK) ==> scales[i] <= VIK_MXFP4_DOT_SMAX;
    assigns y[0 .. T * m - 1];
    ensures fin: \forall integer t, o; 0 <= t < T && o0 <= o < o1 ==>
                   \is_finite(y[cell(t, m, o)]) && \abs(y[cell(t, m, o)]) <= 0x1p57;
*/
void vik_matmul_mxfp4(float *y, const float *x, const uint8_t *codes, const uint8_t *scales,
                      uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1);

/* ---- MXFP8-E4M3 weights (kernels/mx.h layout: one code byte per weight, one
   E8M0 scale per 32) against float32 activations ----
   Each weight is the same float product as vik_mxfp8_dequantize (an E4M3 value
   times its block scale), summed in vik_dot_f32's lane order: the result is bit
   for bit vik_dot_f32 of the dequantized row. Scale codes up to
   VIK_MXFP8_DOT_SMAX keep |weight| <= 448 * 2^11 < 2^20; NaN codes (0x7F, 0xFF)
   are excluded by the contract. */
#define VIK_MXFP8_DOT_SMAX 138u

/*@ requires n: n % VIK_MX_BLOCK == 0 && 0 <= n <= VIK_K_MAX;
    requires valid_codes: \valid_read(codes + (0 .. n - 1));
    requires valid_scales: \valid_read(scales + (0 .. n / VIK_MX_BLOCK - 1));
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires codes: \forall integer i; 0 <= i < n ==> codes[i] % 128 != 127;
    requires scales: \forall integer i; 0 <= i < n / VIK_MX_BLOCK ==> scales[i] <= VIK_MXFP8_DOT_SMAX;
    requires bounded_x: \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p20;
    assigns \nothing;
    ensures finite: \is_finite(\result);
    ensures bound: \abs(\result) <= 0x1p57;
*/
float vik_dot_mxfp8(const uint8_t *codes, const uint8_t *scales, const float *x, uint32_t n);

/* Output rows o0 <= o < o1 of y = x W^T, W an MXFP8 [m, n] matrix: codes
   [m, n], scales [m, n/32]. */
/*@ requires dims: 1 <= T && 1 <= n <= VIK_K_MAX && n % VIK_MX_BLOCK == 0 && 1 <= m &&
                   T * n <= VIK_MAT_MAX && m * n <= VIK_MAT_MAX && T * m <= VIK_MAT_MAX;
    requires rows: 0 <= o0 <= o1 <= m;
    requires valid_x: \valid_read(x + (0 .. T * n - 1));
    requires valid_codes: \valid_read(codes + (0 .. m * n - 1));
    requires valid_scales: \valid_read(scales + (0 .. m * (n / VIK_MX_BLOCK) - 1));
    requires valid_y: \valid(y + (0 .. T * m - 1));
    requires sep: \separated(y + (0 .. T * m - 1), x + (0 .. T * n - 1),
                             codes + (0 .. m * n - 1), scales + (0 .. m * (n / VIK_MX_BLOCK) - 1));
    requires bounded_x: bounded_f32(x, T * n);
    requires codes: \forall integer i; 0 <= i < m * n ==> codes[i] % 128 != 127;
    requires scales: \forall integer i; 0 <= i < m * (n / VIK_MX_BLOCK) ==> scales[i] <= VIK_MXFP8_DOT_SMAX;
    assigns y[0 .. T * m - 1];
    ensures fin: \forall integer t, o; 0 <= t < T && o0 <= o < o1 ==>
                   \is_finite(y[cell(t, m, o)]) && \abs(y[cell(t, m, o)]) <= 0x1p57;
*/
void vik_matmul_mxfp8(float *y, const float *x, const uint8_t *codes, const uint8_t *scales,
                      uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1);

/* ---- NVFP4 weights (kernels/nvfp4.h layout: codes packed two per byte, one
   E4M3 scale per 16, one float32 global scale g) against float32 activations ----
   Each weight is the same two products as vik_nvfp4_dequantize, e2m1(code) *
   (e4m3(scale) * g), summed in vik_dot_f32's lane order (a block of 16 is one
   lane chunk): the result is bit for bit vik_dot_f32 of the dequantized row.
   g <= VIK_NVFP4_DOT_GMAX keeps |weight| <= 6 * 448 * 2^8 < 2^20; NaN scale
   codes (0x7F, 0xFF) are excluded by the contract. */
#define VIK_NV_BLOCK_DOT 16
#define VIK_NVFP4_DOT_GMAX 0x1p8f

/*@ requires n: n % VIK_NV_BLOCK_DOT == 0 && 0 <= n <= VIK_K_MAX;
    requires valid_codes: \valid_read(codes + (0 .. n / 2 - 1));
    requires valid_scales: \valid_read(scales + (0 .. n / VIK_NV_BLOCK_DOT - 1));
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires scales: \forall integer i; 0 <= i < n / VIK_NV_BLOCK_DOT ==> scales[i] % 128 != 127;
    requires g: \is_finite(g) && 0.0 <= g <= VIK_NVFP4_DOT_GMAX;
    requires bounded_x: \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p20;
    assigns \nothing;
    ensures finite: \is_finite(\result);
    ensures bound: \abs(\result) <= 0x1p57;
*/
float vik_dot_nvfp4(const uint8_t *codes, const uint8_t *scales, float g, const float *x, uint32_t n);

/* Output rows o0 <= o < o1 of y = x W^T, W an NVFP4 [m, n] matrix: codes
   [m, n/2], scales [m, n/16], global scale g. */
/*@ requires dims: 1 <= T && 1 <= n <= VIK_K_MAX && n % VIK_NV_BLOCK_DOT == 0 && 1 <= m &&
                   T * n <= VIK_MAT_MAX && m * n <= VIK_MAT_MAX && T * m <= VIK_MAT_MAX;
    requires rows: 0 <= o0 <= o1 <= m;
    requires valid_x: \valid_read(x + (0 .. T * n - 1));
    requires valid_codes: \valid_read(codes + (0 .. m * (n / 2) - 1));
    requires valid_scales: \valid_read(scales + (0 .. m * (n / VIK_NV_BLOCK_DOT) - 1));
    requires valid_y: \valid(y + (0 .. T * m - 1));
    requires sep: \separated(y + (0 .. T * m - 1), x + (0 .. T * n - 1),
                             codes + (0 .. m * (n / 2) - 1), scales + (0 .. m * (n / VIK_NV_BLOCK_DOT) - 1));
    requires bounded_x: bounded_f32(x, T * n);
    requires scales: \forall integer i; 0 <= i < m * (n / VIK_NV_BLOCK_DOT) ==> scales[i] % 128 != 127;
    requires g: \is_finite(g) && 0.0 <= g <= VIK_NVFP4_DOT_GMAX;
    assigns y[0 .. T * m - 1];
    ensures fin: \forall integer t, o; 0 <= t < T && o0 <= o < o1 ==>
                   \is_finite(y[cell(t, m, o)]) && \abs(y[cell(t, m, o)]) <= 0x1p57;
*/
void vik_matmul_nvfp4(float *y, const float *x, const uint8_t *codes, const uint8_t *scales, float g,
                      uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1);

#endif
