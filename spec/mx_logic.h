/* ACSL logic of the MX block formats: which blocks are non-finite, and the
   OCP v1.0 scale code as a function of the block's largest exponent field.
   Logic only, no C code. */
#ifndef VIK_MX_LOGIC_H
#define VIK_MX_LOGIC_H
#include "formats_logic.h"
#include <stdint.h>
/*@
  // some element of xb[0 .. n-1] is NaN or inf
  predicate mx_nonfinite{L}(uint32_t *xb, integer n) =
    \exists integer i; 0 <= i < n && f32_exp(\at(xb[i], L)) == 255;
  // E is the largest float32 exponent field of xb[0 .. n-1]
  predicate mx_is_maxexp{L}(uint32_t *xb, integer n, integer E) =
    (\exists integer i; 0 <= i < n && f32_exp(\at(xb[i], L)) == E) &&
    (\forall integer i; 0 <= i < n ==> f32_exp(\at(xb[i], L)) <= E);
  // scale code e + 127 with e = floor(log2 amax) - emax clamped to [-127, 127]:
  // floor(log2 amax) + 127 is amax's exponent field E (E = 0: subnormal or zero
  // amax, whose floor(log2) - emax is below -127), so the code is max(0, E - emax)
  logic integer mx_scale(integer E, integer emax) = E > emax ? E - emax : 0;
*/
#endif
