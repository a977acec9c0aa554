/* ACSL logic of the MoE grouping (kernels/ffn.c): which token a routing
   slot belongs to (a division, so stated once as a lemma). Logic only. */
#ifndef VIK_GROUP_LOGIC_H
#define VIK_GROUP_LOGIC_H
/*@
  // slot s < T k belongs to token s / k < T
  lemma slot_token: \forall integer s, T, k; 0 <= s < T * k && 1 <= k ==> 0 <= s / k < T;
  // a row of c elements fits in b >= 1 rows of c
  lemma row_fits: \forall integer b, c; 1 <= b && 0 <= c ==> c <= b * c;
*/
#endif
