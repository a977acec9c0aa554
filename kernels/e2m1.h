/* vik E2M1 codes as exact small integers: the decode both MXFP4 / NVFP4
   product paths start from (kernels/linear.c, float32 activations;
   kernels/q8.c, int8 activations). Static inline in this header, not a
   function of its own, so that each caller's compiler sees the constant
   chunk length and a local destination and vectorises the loop (called
   across files it stayed a branchy scalar loop, 24 cycles a weight). Its
   goals are proved in linear.c's run; q8.c's run skips them (prove.sh). */
#ifndef VIK_E2M1_H
#define VIK_E2M1_H
#include <stdint.h>
#include "formats_logic.h"

/* E2M1 code c times 2, an integer of -12 .. 12, by compares and selects on
   8-bit lanes: magnitudes 0 1 2 3 4 6 8 12. */
/*@ requires code: c <= 15;
    assigns \nothing;
    ensures value: \result == (c / 8 == 1 ? -1 : 1) * e2m1_k(c % 8);
    ensures range: -12 <= \result <= 12;
*/
static int8_t e2m1_twice(uint8_t c) {
  int8_t m = (int8_t)(c % 8u);
  /* int arithmetic narrowed to int8_t: every value is in -12 .. 12 (clause
     range, proved), so no conversion is implementation-defined */
  int8_t g = m < 4 ? m : (m < 6 ? (int8_t)(2 * m - 4) : (int8_t)(4 * m - 16));  // NOLINT(bugprone-narrowing-conversions)
  return c / 8u == 1u ? (int8_t)-g : g;  // NOLINT(bugprone-narrowing-conversions)
}

/* The 2·nbytes codes of ck as integers 2v, element 2i from the low nibble of
   byte i; at most 128 bytes (256 elements, a chunk of the products). */
/*@ requires nbytes: nbytes <= 128;
    requires valid_q: \valid(q + (0 .. 2 * nbytes - 1));
    requires valid_ck: \valid_read(ck + (0 .. nbytes - 1));
    requires sep: \separated(q + (0 .. 2 * nbytes - 1), ck + (0 .. nbytes - 1));
    assigns q[0 .. 2 * nbytes - 1];
    ensures lo: \forall integer i; 0 <= i < nbytes ==>
                  q[2 * i] == (ck[i] % 16 / 8 == 1 ? -1 : 1) * e2m1_k(ck[i] % 8);
    ensures hi: \forall integer i; 0 <= i < nbytes ==>
                  q[2 * i + 1] == (ck[i] / 16 / 8 == 1 ? -1 : 1) * e2m1_k(ck[i] / 16 % 8);
    ensures range: \forall integer j; 0 <= j < 2 * nbytes ==> -12 <= q[j] <= 12;
*/
static inline void e2m1_codes(int8_t *q, const uint8_t *ck, uint32_t nbytes) {
  /*@ loop invariant bounds: 0 <= i <= nbytes;
      loop invariant lo: \forall integer j; 0 <= j < i ==>
                           q[2 * j] == (ck[j] % 16 / 8 == 1 ? -1 : 1) * e2m1_k(ck[j] % 8);
      loop invariant hi: \forall integer j; 0 <= j < i ==>
                           q[2 * j + 1] == (ck[j] / 16 / 8 == 1 ? -1 : 1) * e2m1_k(ck[j] / 16 % 8);
      loop invariant range: \forall integer j; 0 <= j < 2 * i ==> -12 <= q[j] <= 12;
      loop assigns i, q[0 .. 2 * nbytes - 1];
      loop variant nbytes - i;
  */
  for (uint32_t i = 0u; i < nbytes; i++) {
    uint8_t byte = ck[i];
    q[2u * i] = e2m1_twice((uint8_t)(byte % 16u));
    q[2u * i + 1u] = e2m1_twice((uint8_t)(byte / 16u));
  }
}

#endif
