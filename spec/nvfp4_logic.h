/* ACSL logic of kernels/nvfp4.c: the range of an integer quotient
   (nonlinear, so stated once as a lemma). Logic only, no C code. */
#ifndef VIK_NVFP4_LOGIC_H
#define VIK_NVFP4_LOGIC_H
/*@
  lemma quot_range: \forall integer n, d, lo, hi; 0 < d && 0 <= lo && lo * d <= n < hi * d ==>
    lo <= n / d < hi;
*/
#endif
