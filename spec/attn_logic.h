/* ACSL logic of attention: index facts for the KV rows (nonlinear, so
   stated once as lemmas). Logic only, no C code. */
#ifndef VIK_ATTN_LOGIC_H
#define VIK_ATTN_LOGIC_H
/*@
  // rows a <= b of width c >= 0 start in that order
  lemma mul_le: \forall integer a, b, c; 0 <= a <= b && 0 <= c ==> a * c <= b * c;
*/
#endif
