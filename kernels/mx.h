/* vik block quantization, OCP Microscaling v1.0: MXFP4 (E2M1 elements) and
   MXFP8-E4M3, blocks of 32 with one E8M0 scale each.

   A row-major float32 matrix [rows, K] with K % 32 == 0 is, flattened, a
   sequence of n = rows * K elements whose consecutive runs of 32 are exactly
   the row blocks; so the kernels take the flat element count n. Scales are
   one byte per block (n / 32); MXFP8 codes one byte per element; MXFP4 codes
   are packed two per byte, element 2i in the low nibble of byte i.

   Scale rule: e = floor(log2(amax)) - emax_elem (2 for E2M1, 8 for E4M3),
   clamped to [-127, 127], stored as the E8M0 code e + 127; an all-zero block
   gets code 0. floor(log2(amax)) + 127 is the float32 exponent field of amax,
   and the largest magnitude has the largest exponent field, so the code is
   max(0, max_i exp(x_i) - emax_elem): an integer computation, proved exact.
   Elements are x / 2^e rounded to nearest-even with saturation; the division
   is done on the bits (exponent arithmetic, subnormals normalised), so it is
   exact and no float rounding happens before the one the encoder does.

   Non-finite input (documented choice, as OCP v1.0 for a NaN scale): a block
   holding any NaN or inf gets the E8M0 NaN code 255 and element codes 0; it
   dequantizes to NaN. */
#ifndef VIK_MX_H
#define VIK_MX_H
#include <stddef.h>
#include <stdint.h>
#include "formats.h"
#include "mx_logic.h"

#define VIK_MX_BLOCK 32
#define VIK_MX_EMAX_E2M1 2
#define VIK_MX_EMAX_E4M3 8
#define VIK_MX_NMAX 0x40000000u   /* most elements one call takes (2^30) */
/* Largest scale code whose block dequantizes without float32 overflow:
   6 * 2^(252-127) = 1.5 * 2^127 and 448 * 2^(246-127) = 1.75 * 2^127. The
   quantizers never exceed them (code <= 254 - emax); data from elsewhere is
   checked with vik_mx_scales_ok before it is dequantized or multiplied. */
#define VIK_MXFP4_SMAX 252u
#define VIK_MXFP8_SMAX 246u

/* ---- one block, on the bits of its elements ---- */

/*@ requires valid_x: \valid_read(xb + (0 .. VIK_MX_BLOCK - 1));
    requires emax: emax <= VIK_MX_EMAX_E4M3;     // 2, 8; 6 for kernels/q8.c
    assigns \nothing;
    ensures nan:   mx_nonfinite(xb, VIK_MX_BLOCK) ==> \result == 255;
    ensures scale: !mx_nonfinite(xb, VIK_MX_BLOCK) ==>
                     \exists integer E; mx_is_maxexp(xb, VIK_MX_BLOCK, E) && \result == mx_scale(E, emax);
*/
uint8_t vik_mx_scale_bits(const uint32_t *xb, uint32_t emax);

/* The bits of x / 2^(s - 127) for a finite x and a scale code s <= 254, exact
   whenever the quotient is a normal float32 (subnormal x are normalised first);
   a quotient below 2^-126 (which every element encoder takes to code 0) gives a
   signed zero, one above float32's range (never, for the block's own scale)
   gives a signed inf. */
/*@ requires scale: s <= 254;
    requires finite: f32_is_finite(b);
    assigns \nothing;
    ensures sign:  f32_sign(\result) == f32_sign(b);
    ensures normal: 1 <= f32_exp(b) && 1 <= f32_exp(b) + 127 - s <= 254 ==>
                      f32_exp(\result) == f32_exp(b) + 127 - s && f32_frac(\result) == f32_frac(b);
    ensures tiny:  1 <= f32_exp(b) && f32_exp(b) + 127 - s < 1 ==> \result % 0x80000000 == 0;
    ensures zero:  f32_exp(b) == 0 && f32_frac(b) == 0 ==> \result % 0x80000000 == 0;
    ensures big:   f32_exp(b) + 127 - s > 254 ==> \result % 0x80000000 == 0x7F800000;
*/
uint32_t vik_mx_div_scale_bits(uint32_t b, uint32_t s);

/* ---- whole arrays of n floats (n % 32 == 0) ---- */

/*@ requires n: n % VIK_MX_BLOCK == 0 && n <= VIK_MX_NMAX;
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires valid_codes: \valid(codes + (0 .. n / 2 - 1));
    requires valid_scales: \valid(scales + (0 .. n / VIK_MX_BLOCK - 1));
    requires sep: \separated(codes + (0 .. n / 2 - 1), scales + (0 .. n / VIK_MX_BLOCK - 1), x + (0 .. n - 1));
    assigns codes[0 .. n / 2 - 1], scales[0 .. n / VIK_MX_BLOCK - 1];
*/
void vik_mxfp4_quantize(const float *x, uint32_t n, uint8_t *codes, uint8_t *scales);

/*@ requires n: n % VIK_MX_BLOCK == 0 && n <= VIK_MX_NMAX;
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires valid_codes: \valid(codes + (0 .. n - 1));
    requires valid_scales: \valid(scales + (0 .. n / VIK_MX_BLOCK - 1));
    requires sep: \separated(codes + (0 .. n - 1), scales + (0 .. n / VIK_MX_BLOCK - 1), x + (0 .. n - 1));
    assigns codes[0 .. n - 1], scales[0 .. n / VIK_MX_BLOCK - 1];
*/
void vik_mxfp8_quantize(const float *x, uint32_t n, uint8_t *codes, uint8_t *scales);

/* 1 when every scale code of scales[0 .. nb-1] is <= smax or the NaN code 255. */
/*@ requires valid_scales: \valid_read(scales + (0 .. nb - 1));
    assigns \nothing;
    ensures ok: \result == 1 <==> (\forall integer i; 0 <= i < nb ==> scales[i] <= smax || scales[i] == 255);
    ensures bool: \result == 0 || \result == 1;
*/
int vik_mx_scales_ok(const uint8_t *scales, uint32_t nb, uint32_t smax);

/* y = element value * 2^(scale - 127): the product of a 4-bit (E2M1) or
   4-significant-bit (E4M3) value and a power of two, exact in float32 for
   every scale code up to the format's SMAX; scale code 255 gives NaN. */
/*@ requires n: n % VIK_MX_BLOCK == 0 && n <= VIK_MX_NMAX;
    requires valid_codes: \valid_read(codes + (0 .. n / 2 - 1));
    requires valid_scales: \valid_read(scales + (0 .. n / VIK_MX_BLOCK - 1));
    requires valid_y: \valid(y + (0 .. n - 1));
    requires sep: \separated(y + (0 .. n - 1), codes + (0 .. n / 2 - 1), scales + (0 .. n / VIK_MX_BLOCK - 1));
    requires scales_ok: \forall integer i; 0 <= i < n / VIK_MX_BLOCK ==> scales[i] <= VIK_MXFP4_SMAX || scales[i] == 255;
    assigns y[0 .. n - 1];
*/
void vik_mxfp4_dequantize(const uint8_t *codes, const uint8_t *scales, uint32_t n, float *y);

/*@ requires n: n % VIK_MX_BLOCK == 0 && n <= VIK_MX_NMAX;
    requires valid_codes: \valid_read(codes + (0 .. n - 1));
    requires valid_scales: \valid_read(scales + (0 .. n / VIK_MX_BLOCK - 1));
    requires valid_y: \valid(y + (0 .. n - 1));
    requires sep: \separated(y + (0 .. n - 1), codes + (0 .. n - 1), scales + (0 .. n / VIK_MX_BLOCK - 1));
    requires scales_ok: \forall integer i; 0 <= i < n / VIK_MX_BLOCK ==> scales[i] <= VIK_MXFP8_SMAX || scales[i] == 255;
    assigns y[0 .. n - 1];
*/
void vik_mxfp8_dequantize(const uint8_t *codes, const uint8_t *scales, uint32_t n, float *y);

#endif
