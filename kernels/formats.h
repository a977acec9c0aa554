/* vik number formats: FP8 E4M3 (fn), FP8 E5M2, FP4 E2M1, E8M0 scale, per
   OCP Microscaling v1.0, with ml_dtypes' conversion semantics.
   Contracts here; the logic they speak (code values, the float32 fields of a
   bit pattern, nearest-even) is in spec/formats_logic.h. */
#ifndef VIK_FORMATS_H
#define VIK_FORMATS_H
#include <stdint.h>
#include "formats_logic.h"

/* Rounding modes of the FP8 encoders. */
#define VIK_NONSAT 0 /* overflow -> NaN (E4M3) / inf (E5M2), as an ml_dtypes cast */
#define VIK_SAT    1 /* finite overflow and +-inf clamp to +-max, as quantisation wants */


/* ---- float32 <-> bits: the one place a float is reinterpreted ----
   WP does not model the reinterpretation through a union, so these two contracts
   state memory safety only; the exhaustive test checks the float API end to end. */
/*@ assigns \nothing; */
uint32_t vik_f32_bits(float x);
/*@ assigns \nothing; */
float vik_f32_from_bits(uint32_t b);

/* ---- decode: code -> float32, exact ---- */

/*@ requires code: 0 <= c <= 255;       // explicit, for the case split over codes
    assigns \nothing;
    ensures value: !e4m3_is_nan(c) ==> \is_finite(\result) && \result == e4m3_val(c);
*/
float vik_e4m3_decode(uint8_t c);   /* NaN codes give sign|0x7FC00000 */

/*@ requires code: 0 <= c <= 255;       // explicit, for the case split over codes
    assigns \nothing;
    ensures value: !e5m2_is_inf(c) && !e5m2_is_nan(c) ==> \is_finite(\result) && \result == e5m2_val(c);
*/
float vik_e5m2_decode(uint8_t c);   /* inf codes give +-inf, NaN codes sign|0x7FC00000 */

/*@ requires code: 0 <= c <= 15;
    assigns \nothing;
    ensures value: \is_finite(\result) && \result == e2m1_val(c);
*/
float vik_e2m1_decode(uint8_t c);

/*@ requires code: 0 <= c <= 255;       // explicit, for the case split over codes
    assigns \nothing;
    ensures value: c != 255 ==> \is_finite(\result) && \result == e8m0_val(c);
*/
float vik_e8m0_decode(uint8_t c);   /* 255 gives 0x7FC00000 */

/* ---- encode from the binary32 bits b of the input ----
   Round to nearest, ties to even; the sign is kept (also on zero and NaN).
   "rne" states nearest-even on the integer grid of the input's binade: in units
   of the input's ulp-scaled step, the result is within half a grid step, and an
   exact tie gives an even code. */

/*@ predicate e4m3_ovf(integer b) =               // |x| > 464: rounds past 448
      f32_exp(b) > 135 || (f32_exp(b) == 135 && f32_frac(b) > 0x680000);
*/
/*@ assigns \nothing;
    ensures sign: \result / 128 == f32_sign(b);
    ensures nan:  f32_is_nan(b) ==> \result % 128 == 127;
    ensures inf:  f32_is_inf(b) ==> \result % 128 == (mode == VIK_SAT ? 126 : 127);
    ensures ovf:  f32_is_finite(b) && e4m3_ovf(b) ==> \result % 128 == (mode == VIK_SAT ? 126 : 127);
    ensures fin:  f32_is_finite(b) && !e4m3_ovf(b) ==> \result % 128 <= 126;
    ensures tiny: f32_exp(b) < 117 ==> \result % 128 == 0;      // |x| < 2^-10: nearest is 0
    // in units of the input's ulp 2^(exp-150) a code's value is e4m3_k * 2^(141-exp);
    // the grid step is 2^20 (normal binade) or 2^(141-exp) (E4M3 subnormals)
    ensures rne:  f32_is_finite(b) && !e4m3_ovf(b) && 117 <= f32_exp(b) ==>
                    rne_local(e4m3_k(\result % 128) * pow2(141 - f32_exp(b)), f32_mant(b),
                              f32_exp(b) >= 121 ? 0x100000 : pow2(141 - f32_exp(b)), \result % 128);
*/
uint8_t vik_e4m3_encode_bits(uint32_t b, int mode);

/*@ predicate e5m2_ovf(integer b) =               // |x| >= 61440: rounds past 57344
      f32_exp(b) > 142 || (f32_exp(b) == 142 && f32_frac(b) >= 0x700000);
*/
/*@ assigns \nothing;
    ensures sign: \result / 128 == f32_sign(b);
    ensures nan:  f32_is_nan(b) ==> \result % 128 == 126;
    ensures inf:  f32_is_inf(b) ==> \result % 128 == (mode == VIK_SAT ? 123 : 124);
    ensures ovf:  f32_is_finite(b) && e5m2_ovf(b) ==> \result % 128 == (mode == VIK_SAT ? 123 : 124);
    ensures fin:  f32_is_finite(b) && !e5m2_ovf(b) ==> \result % 128 <= 123;
    ensures tiny: f32_exp(b) < 110 ==> \result % 128 == 0;      // |x| < 2^-17
    // value * 2^A against input * 2^B, in units of the input's ulp (see e5m2_grid);
    // the grid step is 2^21 (normal binade) or 2^(134-exp) (E5M2 subnormals)
    ensures rne:  f32_is_finite(b) && !e5m2_ovf(b) && 110 <= f32_exp(b) ==>
                    rne_local(e5m2_k(\result % 128) * pow2(e5m2_A(f32_exp(b))),
                              f32_mant(b) * pow2(e5m2_B(f32_exp(b))),
                              f32_exp(b) >= 113 ? 0x200000 * pow2(e5m2_B(f32_exp(b))) : pow2(134 - f32_exp(b)),
                              \result % 128);
*/
uint8_t vik_e5m2_encode_bits(uint32_t b, int mode);

/*@ assigns \nothing;
    ensures sign: \result / 8 == f32_sign(b) || f32_is_nan(b);
    ensures code: \result < 16;
    ensures nan:  f32_is_nan(b) ==> \result == 8 - 8 * f32_sign(b);   // as ml_dtypes: -0 for +NaN
    ensures sat:  f32_is_finite(b) && (f32_exp(b) > 129 || (f32_exp(b) == 129 && f32_mant(b) >= 0xE00000))
                    ==> \result % 8 == 7;                         // |x| >= 7 rounds past 6
    ensures inf:  f32_is_inf(b) ==> \result % 8 == 7;
    ensures tiny: f32_exp(b) < 125 ==> \result % 8 == 0;                // |x| < 2^-2
    // in units of the input's ulp a code's value is e2m1_k * 2^(149-exp); step 2^22
    // (normal binade) or 2^(149-exp) (the subnormal 0.5)
    ensures rne:  125 <= f32_exp(b) <= 129 && !(f32_exp(b) == 129 && f32_mant(b) >= 0xE00000) ==>
                    rne_local(e2m1_k(\result % 8) * pow2(149 - f32_exp(b)), f32_mant(b),
                              f32_exp(b) >= 127 ? 0x400000 : pow2(149 - f32_exp(b)), \result % 8);
*/
uint8_t vik_e2m1_encode_bits(uint32_t b);     /* always saturating: |x| >= 7 (and inf) -> +-6 */

/* E8M0 from a positive float, as an ml_dtypes cast (non-saturating): the nearest
   power of two, a tie (1.5 * 2^e) going up; zero, negative, NaN, inf and
   overflow (x >= 1.5 * 2^127) give the NaN code 255. Below 2^-126 ml_dtypes
   rounds on E8M0's implicit-bit grid: x <= 2^-127 -> 2^-127, else 2^-126. */
/*@ assigns \nothing;
    ensures nan:  f32_sign(b) == 1 || f32_exp(b) == 255 || b == 0 ==> \result == 255;
    // x = mant * 2^(exp-150): nearer to 2^(exp-127) than to 2^(exp-126) iff 2 mant < 3 * 2^23
    ensures near: f32_sign(b) == 0 && 1 <= f32_exp(b) <= 254 ==>
                    \result == (2 * f32_mant(b) < 3 * 0x800000 ? f32_exp(b) :
                               f32_exp(b) == 254 ? 255 : f32_exp(b) + 1);
    ensures sub:  f32_sign(b) == 0 && f32_exp(b) == 0 && b != 0 ==>
                    \result == (f32_frac(b) <= 0x400000 ? 0 : 1);
*/
uint8_t vik_e8m0_encode_bits(uint32_t b);

/* OCP MX scale rule: the E8M0 code of 2^floor(log2 x), floor(log2 x) clamped to
   [-127, 127]; every float32 subnormal clamps to 2^-127. Not positive-finite -> 255. */
/*@ assigns \nothing;
    ensures nan:   f32_sign(b) == 1 || f32_exp(b) == 255 || b == 0 ==> \result == 255;
    // x = mant * 2^(exp-150) with 2^23 <= mant < 2^24: 2^(exp-127) <= x < 2^(exp-126)
    ensures floor: f32_sign(b) == 0 && 1 <= f32_exp(b) <= 254 ==> \result == f32_exp(b);
    ensures sub:   f32_sign(b) == 0 && f32_exp(b) == 0 && b != 0 ==> \result == 0;
*/
uint8_t vik_e8m0_floor_bits(uint32_t b);

/* ---- the same on a float: vik_f32_bits(x) then the _bits function ---- */
/*@ assigns \nothing; */
uint8_t vik_e4m3_encode(float x, int mode);
/*@ assigns \nothing; */
uint8_t vik_e5m2_encode(float x, int mode);
/*@ assigns \nothing; */
uint8_t vik_e2m1_encode(float x);
/*@ assigns \nothing; */
uint8_t vik_e8m0_encode(float x);
/*@ assigns \nothing; */
uint8_t vik_e8m0_floor(float x);

#endif
