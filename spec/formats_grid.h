/* The grid lemmas: each format's grid in units of a float32 input's ulp, the
   bridge from code values to the encoders' integer rounding. Logic only.
   Included by kernels/formats.c alone, not by the headers: every lemma joins
   the context of every goal of a Frama-C run, and these (pow2 of a symbolic
   exponent, a 40-way case table once inlined) made Why3's Gappa driver spend
   ~18 s preparing each goal of unrelated kernels. Proved in the lemma run of
   proofs/prove.sh by a case split over the exponent. */
#ifndef VIK_FORMATS_GRID_H
#define VIK_FORMATS_GRID_H
#include "formats_logic.h"
/*@
  // x is the input's exponent field, its ulp 2^(x-150)
  // E4M3, normal binade x = 121..135: step 2^20, code c = 8(x-121) + q, q = 8..16
  lemma e4m3_grid: \forall integer c, x; 121 <= x <= 135 && 8 * (x - 121) + 8 <= c <= 8 * (x - 121) + 16 ==>
    e4m3_k(c) * pow2(141 - x) == (c - 8 * (x - 121)) * 0x100000;
  // E5M2, normal binade x = 113..142: step 2^21, code c = 4(x-113) + q, q = 4..8;
  // above x = 134 a code's value is not a whole number of ulps, so both sides
  // are scaled: value * 2^e5m2_A(x) against input * 2^e5m2_B(x)
  lemma e5m2_grid: \forall integer c, x; 113 <= x <= 142 && 4 * (x - 113) + 4 <= c <= 4 * (x - 113) + 8 ==>
    e5m2_k(c) * pow2(e5m2_A(x)) == (c - 4 * (x - 113)) * 0x200000 * pow2(e5m2_B(x));
  // E2M1, normal binade x = 127..129: step 2^22, code c = 2(x-127) + q, q = 2..4
  lemma e2m1_grid: \forall integer c, x; 127 <= x <= 129 && 2 * (x - 127) + 2 <= c <= 2 * (x - 127) + 4 ==>
    e2m1_k(c) * pow2(149 - x) == (c - 2 * (x - 127)) * 0x400000;
*/
#endif
