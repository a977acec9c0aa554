/* ACSL logic of the vik number formats: what every code means, and what
   "nearest, ties to even" means for the encoders. Logic only, no C code.

   Values are stated as integers in units of each format's smallest step, so the
   provers work in integer arithmetic:
     E4M3  |v| = e4m3_k(c) * 2^-9    E5M2  |v| = e5m2_k(c) * 2^-16
     E2M1  |v| = e2m1_k(c) * 2^-1    E8M0   v  = 2^(c-127)
   A float32 input is taken by its bits b: |x| = f32_mant(b) * 2^(max(f32_exp(b),1) - 150).
*/
#ifndef VIK_FORMATS_LOGIC_H
#define VIK_FORMATS_LOGIC_H

/*@
  // 2^k as an integer for 0 <= k <= 40 (a table, so that SMT solvers evaluate it
  // by case analysis instead of unfolding a recursion)
  logic integer pow2(integer k) =
      k == 0 ? 1 :
      k == 1 ? 2 :
      k == 2 ? 4 :
      k == 3 ? 8 :
      k == 4 ? 16 :
      k == 5 ? 32 :
      k == 6 ? 64 :
      k == 7 ? 128 :
      k == 8 ? 256 :
      k == 9 ? 512 :
      k == 10 ? 1024 :
      k == 11 ? 2048 :
      k == 12 ? 4096 :
      k == 13 ? 8192 :
      k == 14 ? 16384 :
      k == 15 ? 32768 :
      k == 16 ? 65536 :
      k == 17 ? 131072 :
      k == 18 ? 262144 :
      k == 19 ? 524288 :
      k == 20 ? 1048576 :
      k == 21 ? 2097152 :
      k == 22 ? 4194304 :
      k == 23 ? 8388608 :
      k == 24 ? 16777216 :
      k == 25 ? 33554432 :
      k == 26 ? 67108864 :
      k == 27 ? 134217728 :
      k == 28 ? 268435456 :
      k == 29 ? 536870912 :
      k == 30 ? 1073741824 :
      k == 31 ? 2147483648 :
      k == 32 ? 4294967296 :
      k == 33 ? 8589934592 :
      k == 34 ? 17179869184 :
      k == 35 ? 34359738368 :
      k == 36 ? 68719476736 :
      k == 37 ? 137438953472 :
      k == 38 ? 274877906944 :
      k == 39 ? 549755813888 :
      k == 40 ? 1099511627776 : 0;

  // ---- float32 fields of a bit pattern b (0 <= b < 2^32) ----
  logic integer f32_sign(integer b) = b / 0x80000000;
  logic integer f32_exp(integer b)  = (b / 0x800000) % 256;
  logic integer f32_frac(integer b) = b % 0x800000;
  logic integer f32_mant(integer b) = f32_exp(b) == 0 ? f32_frac(b) : 0x800000 + f32_frac(b);
  predicate f32_is_nan(integer b) = f32_exp(b) == 255 && f32_frac(b) != 0;
  predicate f32_is_inf(integer b) = f32_exp(b) == 255 && f32_frac(b) == 0;
  predicate f32_is_finite(integer b) = f32_exp(b) != 255;

  // ---- FP8 E4M3 (fn): s.eeee.mmm, bias 7, no inf, NaN = s.1111.111, max 448 ----
  logic integer e4m3_k(integer c) =            // c = magnitude code 0..126
      c / 8 == 0 ? c % 8 : (8 + c % 8) * pow2(c / 8 - 1);
  predicate e4m3_is_nan(integer c) = c % 128 == 127;
  logic real e4m3_val(integer c) = (c / 128 == 1 ? -1.0 : 1.0) * e4m3_k(c % 128) / 512.0;

  // ---- FP8 E5M2: s.eeeee.mm, bias 15, inf = s.11111.00, NaN = s.11111.(01|10|11), max 57344 ----
  logic integer e5m2_k(integer c) =            // c = magnitude code 0..123
      c / 4 == 0 ? c % 4 : (4 + c % 4) * pow2(c / 4 - 1);
  predicate e5m2_is_inf(integer c) = c % 128 == 124;
  predicate e5m2_is_nan(integer c) = c % 128 > 124;
  logic real e5m2_val(integer c) = (c / 128 == 1 ? -1.0 : 1.0) * e5m2_k(c % 128) / 65536.0;

  // ---- FP4 E2M1: s.ee.m, bias 1, no inf/NaN: 0 0.5 1 1.5 2 3 4 6 ----
  logic integer e2m1_k(integer c) =            // c = magnitude code 0..7
      c / 2 == 0 ? c % 2 : (2 + c % 2) * pow2(c / 2 - 1);
  logic real e2m1_val(integer c) = (c / 8 == 1 ? -1.0 : 1.0) * e2m1_k(c % 8) / 2.0;

  // ---- E8M0: unsigned power of two 2^(c-127), c = 0..254; 255 is NaN ----
  // 2^(16j - 127) for c = 16j + i; then 2^(c-127) = 2^i * e8m0_base(j).
  logic real e8m0_base(integer j) =
      j == 0 ? 0x1p-127 : j == 1 ? 0x1p-111 : j == 2 ? 0x1p-95 : j == 3 ? 0x1p-79 :
      j == 4 ? 0x1p-63  : j == 5 ? 0x1p-47  : j == 6 ? 0x1p-31 : j == 7 ? 0x1p-15 :
      j == 8 ? 0x1p1    : j == 9 ? 0x1p17   : j == 10 ? 0x1p33 : j == 11 ? 0x1p49 :
      j == 12 ? 0x1p65  : j == 13 ? 0x1p81  : j == 14 ? 0x1p97 : 0x1p113;
  logic real e8m0_val(integer c) = pow2(c % 16) * e8m0_base(c / 16);

  // scaling exponents of the E5M2 grid (spec/formats_grid.h): above input
  // exponent 134 a code's value is not a whole number of ulps, so both sides of
  // the comparison are scaled, value by 2^e5m2_A(x) and input by 2^e5m2_B(x)
  logic integer e5m2_A(integer x) = x <= 134 ? 134 - x : 0;
  logic integer e5m2_B(integer x) = x > 134 ? x - 134 : 0;
  // ---- nearest representable, ties to even, over a format's grid ----
  // The encoders' contracts state it in local form on the integer grid: the
  // result r is within half a grid step g of the input (both scaled to the same
  // integer unit), and on an exact tie r is even. On a monotone grid whose step
  // around the input is g, that is the same as being the nearest representable
  // value with ties to the even code (the global form below).
  predicate rne_local(integer rk, integer a, integer g, integer r) =
      \abs(rk - a) * 2 <= g && (\abs(rk - a) * 2 == g ==> r % 2 == 0);

  predicate e4m3_nearest_even(real x, integer r) =
      0 <= r <= 126 &&
      (\forall integer c; 0 <= c <= 126 ==> \abs(e4m3_k(r) / 512.0 - x) <= \abs(e4m3_k(c) / 512.0 - x)) &&
      (\forall integer c; 0 <= c <= 126 && c != r &&
         \abs(e4m3_k(r) / 512.0 - x) == \abs(e4m3_k(c) / 512.0 - x) ==> r % 2 == 0);
*/
#endif
