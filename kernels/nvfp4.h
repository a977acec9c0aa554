/* vik NVFP4 block quantization: E2M1 elements in blocks of 16, one E4M3
   block scale per block and one float32 global scale per tensor, exactly the
   recipe of the reference corpus (shared/reference/README.md), in float32:

     g = amax(tensor) / 2688                      (2688 = 6 * 448)
     s = e4m3_sat(amax(block) / 6 / g)            (block scale code)
     c = e2m1_sat(x / (e4m3(s) * g))              (0 where e4m3(s) * g is 0)
     dequant = e2m1(c) * (e4m3(s) * g)

   Codes are packed as MXFP4's (element 2i in the low nibble of byte i).

   Input domain (documented choice): vik_nvfp4_global_scale accepts a tensor
   whose elements are all finite with |x| <= 2^127 and refuses any other with
   VIK_ERANGE (one NaN or inf makes the global scale, hence every block,
   meaningless; there is no per-block NaN code to confine it to as in MX).
   The NVFP4 form of a refused tensor is then the recipe's own result for
   it, which vik-ref writes: g NaN, every block scale the E4M3 NaN code
   0x7F, codes 0; vik_nvfp4_dequantize gives NaN for such blocks.
   An all-zero tensor has g = 0; the recipe's 0/0 would give NaN block scales,
   vik gives scale code 0 and codes 0 instead (dequantized: zeros).

   Two products are guarded so that no float operation overflows for any
   accepted input, with bit-identical results: a block whose amax/6 is at least
   1024 g takes scale code 126 (448) directly, which is what e4m3_sat of a
   quotient >= 1024 gives; an element with |x| >= 8 d for a scale d < 1
   takes code +-6 directly, what e2m1_sat of a quotient >= 8 gives. */
#ifndef VIK_NVFP4_H
#define VIK_NVFP4_H
#include <stdint.h>
#include "formats.h"

#define VIK_NV_BLOCK 16
#define VIK_NV_NMAX 0x40000000u   /* most elements one call takes (2^30) */
#define VIK_NV_XMAX 0x1p127f      /* largest |x| the quantizer takes */
#define VIK_NV_GMAX 0x1p116f      /* g of any accepted tensor: 2^127 / 2688 < 2^116 */
/* return codes, the values of VIK_OK and VIK_ERANGE (kernels/nn.h, ffn.h; this
   header stays free of their logic so that its proofs carry only its own) */
#define VIK_NV_OK 0
#define VIK_NV_ERANGE 4

/*@ predicate nv_in{L}(float *x, integer n) =
      \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && \abs(x[i]) <= VIK_NV_XMAX;
    predicate nv_g(float g) = \is_finite(g) && 0.0 <= g <= VIK_NV_GMAX;
*/

/* The float32 bits of a / b rounded to nearest, ties to even, for the
   magnitude bits a (finite) and b (finite, nonzero): what the division
   instruction gives, computed on integers so that the proof needs no
   relation between the operands' values (a float quotient of an arbitrary
   pair may overflow; here a quotient past float32's range gives the bits of
   inf, which the saturating encoders take to their maximum). Any other input
   (a sign bit set, b zero, an operand not finite) gives 0. The contract
   states the range; tests/test_nvfp4.c checks the value against the
   hardware division on every exponent pair. */
/*@ assigns \nothing;
    ensures range: \result <= 0x7F800000;
*/
uint32_t vik_f32_div_bits(uint32_t a, uint32_t b);

/* VIK_NV_OK and *g = amax(x) / 2688 when nv_in(x, n); VIK_NV_ERANGE (and *g
   untouched) otherwise. */
/*@ requires n: n <= VIK_NV_NMAX;
    requires valid: \valid_read(x + (0 .. n - 1)) && \valid(g);
    requires sep: \separated(g, x + (0 .. n - 1));
    assigns *g;
    ensures code: \result == VIK_NV_OK || \result == VIK_NV_ERANGE;
    ensures ok: \result == VIK_NV_OK <==> nv_in(x, n);
    ensures g: \result == VIK_NV_OK ==> nv_g(*g);
*/
int vik_nvfp4_global_scale(const float *x, uint32_t n, float *g);

/* codes [n/2] (packed), scales [n/16] of x [n], n % 16 == 0, with the global
   scale g of vik_nvfp4_global_scale. */
/*@ requires n: n % VIK_NV_BLOCK == 0 && n <= VIK_NV_NMAX;
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires valid_codes: \valid(codes + (0 .. n / 2 - 1));
    requires valid_scales: \valid(scales + (0 .. n / VIK_NV_BLOCK - 1));
    requires sep: \separated(codes + (0 .. n / 2 - 1), scales + (0 .. n / VIK_NV_BLOCK - 1), x + (0 .. n - 1));
    requires in: nv_in(x, n);
    requires g: nv_g(g);
    assigns codes[0 .. n / 2 - 1], scales[0 .. n / VIK_NV_BLOCK - 1];
*/
void vik_nvfp4_quantize(const float *x, uint32_t n, float g, uint8_t *codes, uint8_t *scales);

/* y = e2m1(code) * (e4m3(scale) * g), the recipe's two roundings, finite for
   every code and g <= 2^116; a block whose scale is an E4M3 NaN code
   (foreign data) dequantizes to NaN. */
/*@ requires n: n % VIK_NV_BLOCK == 0 && n <= VIK_NV_NMAX;
    requires valid_codes: \valid_read(codes + (0 .. n / 2 - 1));
    requires valid_scales: \valid_read(scales + (0 .. n / VIK_NV_BLOCK - 1));
    requires valid_y: \valid(y + (0 .. n - 1));
    requires sep: \separated(y + (0 .. n - 1), codes + (0 .. n / 2 - 1), scales + (0 .. n / VIK_NV_BLOCK - 1));
    requires g: nv_g(g);
    assigns y[0 .. n - 1];
*/
void vik_nvfp4_dequantize(const uint8_t *codes, const uint8_t *scales, float g, uint32_t n, float *y);

#endif
