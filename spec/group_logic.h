/* ACSL logic of the MoE grouping (kernels/ffn.c): slot counts over the
   routing indices. Logic only, no C code. Recursive definitions (one step
   per slot), so each loop of vik_moe_group proves its instance by unfolding
   one step per iteration; no induction lemma is needed. */
#ifndef VIK_GROUP_LOGIC_H
#define VIK_GROUP_LOGIC_H
#include <stdint.h>
/*@
  // slots s < n routed to expert e
  logic integer slots_to{L}(uint32_t *idx, integer e, integer n) =
    n <= 0 ? 0 : slots_to(idx, e, n - 1) + (idx[n - 1] == e ? 1 : 0);
  // slots s < n routed to an expert below e
  logic integer slots_below{L}(uint32_t *idx, integer e, integer n) =
    n <= 0 ? 0 : slots_below(idx, e, n - 1) + (idx[n - 1] < e ? 1 : 0);
  // slot s < T k belongs to token s / k < T
  lemma slot_token: \forall integer s, T, k; 0 <= s < T * k && 1 <= k ==> 0 <= s / k < T;
*/
#endif
