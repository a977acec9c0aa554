/* vik MoE routing: deterministic top-k and the routers of Mixtral, Qwen-MoE,
   gpt-oss and DeepSeek-V3 (rules in ../shared/reference/README.md, moe/).

   Ranking: expert a ranks before expert b iff score a > score b, or the
   scores are equal and a < b (the lower index wins every tie, always).
   Results are in rank order: idx[0] is the best. */
#ifndef VIK_MOE_H
#define VIK_MOE_H
#include <stdint.h>
#include "nn.h"

#define VIK_MOE_EMAX 512u   /* most experts a router takes */
#define VIK_MOE_KMAX 32u    /* most experts per token */

/*@ predicate before{L}(float *s, integer a, integer b) = s[a] > s[b] || (s[a] == s[b] && a < b);
    predicate fin_row{L}(float *s, integer n) = \forall integer i; 0 <= i < n ==> \is_finite(s[i]);
    predicate topk{L}(uint32_t *idx, float *s, integer E, integer k) =
      (\forall integer j; 0 <= j < k ==> idx[j] < E) &&
      (\forall integer a, b; 0 <= a < b < k ==> before(s, idx[a], idx[b])) &&
      (\forall integer j, e; 0 <= j < k && 0 <= e < E ==>
         (\forall integer a; 0 <= a < k ==> idx[a] != e) ==> before(s, idx[j], e));
*/

/* The k best of s[0 .. E-1] in rank order (partial selection sort over a
   permutation of the indices). topk says: indices in range, strictly
   decreasing in rank (so pairwise distinct), and every expert left out ranks
   after every expert chosen. */
/*@ requires E: 1 <= E <= VIK_MOE_EMAX;
    requires k: 1 <= k <= E && k <= VIK_MOE_KMAX;
    requires valid: \valid_read(s + (0 .. E - 1)) && \valid(idx + (0 .. k - 1));
    requires sep: \separated(idx + (0 .. k - 1), s + (0 .. E - 1));
    requires fin: fin_row(s, E);
    assigns idx[0 .. k - 1];
    ensures range: \forall integer j; 0 <= j < k ==> idx[j] < E;
    ensures order: \forall integer a, b; 0 <= a < b < k ==> before(s, idx[a], idx[b]);
    ensures best: \forall integer j, e; 0 <= j < k && 0 <= e < E ==>
                    (\forall integer a; 0 <= a < k ==> idx[a] != e) ==> before(s, idx[j], e);
*/
void vik_topk(uint32_t *idx, const float *s, uint32_t E, uint32_t k);

/* Mixtral (renorm != 0) and Qwen-MoE (renorm either way): score = softmax
   over the E logits (the selection scores, written for the caller), idx =
   top-k of score, w[j] = score[idx[j]], divided by their sum (taken in rank
   order) when renorm. Logits: finite with |x| <= VIK_LOGIT_MAX, or -inf for
   an expert that must get probability 0. Anything else returns VIK_EDOMAIN
   with idx[j] = j and w[j] = 0. The sum S of the chosen probabilities is at
   least the largest, >= 1/(E + 1) for any row with a finite logit; a row of
   -inf only has S = 0 and gets w = 0 (the guard S >= 2^-100 also keeps the
   division finite for the proof).
   Selection: idx is vik_topk(score) (its contract: topk); this contract
   does not restate it yet, because the provers did not carry topk(idx, score)
   across the writes of w (see verified/NOTES.md). */
/*@ requires E: 1 <= E <= VIK_MOE_EMAX;
    requires k: 1 <= k <= E && k <= VIK_MOE_KMAX;
    requires valid: \valid_read(logits + (0 .. E - 1)) && \valid(score + (0 .. E - 1)) &&
                    \valid(idx + (0 .. k - 1)) && \valid(w + (0 .. k - 1));
    requires sep: \separated(score + (0 .. E - 1), idx + (0 .. k - 1), w + (0 .. k - 1), logits + (0 .. E - 1));
    assigns score[0 .. E - 1], idx[0 .. k - 1], w[0 .. k - 1];
    ensures code: \result == VIK_OK || \result == VIK_EDOMAIN;
    ensures domain: \result == VIK_OK <==> row_ok{Pre}(logits, E);
    ensures probs: \result == VIK_OK ==> \forall integer i; 0 <= i < E ==> \is_finite(score[i]) && 0 <= score[i] <= 1;
    ensures plain: \result == VIK_OK && renorm == 0 ==> \forall integer j; 0 <= j < k ==> w[j] == score[idx[j]];
    ensures weights: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= 1;
    ensures error: \result == VIK_EDOMAIN ==> \forall integer j; 0 <= j < k ==> idx[j] == j && w[j] == 0;
*/
int vik_route_softmax_topk(uint32_t *idx, float *w, float *score, const float *logits, uint32_t E,
                           uint32_t k, int renorm);

/* gpt-oss: idx = top-k of the logits themselves, w = softmax over the k
   chosen logits. Logits must be finite with |x| <= VIK_LOGIT_MAX; otherwise
   VIK_EDOMAIN with idx[j] = j and w[j] = 0. */
/*@ requires E: 1 <= E <= VIK_MOE_EMAX;
    requires k: 1 <= k <= E && k <= VIK_MOE_KMAX;
    requires valid: \valid_read(logits + (0 .. E - 1)) && \valid(idx + (0 .. k - 1)) && \valid(w + (0 .. k - 1));
    requires sep: \separated(idx + (0 .. k - 1), w + (0 .. k - 1), logits + (0 .. E - 1));
    assigns idx[0 .. k - 1], w[0 .. k - 1];
    ensures code: \result == VIK_OK || \result == VIK_EDOMAIN;
    ensures domain: \result == VIK_OK <==> (\forall integer i; 0 <= i < E ==> logit_fin(logits[i]));
    ensures topk: \result == VIK_OK ==> topk(idx, logits, E, k);
    ensures weights: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= 1;
    ensures error: \result == VIK_EDOMAIN ==> \forall integer j; 0 <= j < k ==> idx[j] == j && w[j] == 0;
*/
int vik_route_topk_softmax(uint32_t *idx, float *w, const float *logits, uint32_t E, uint32_t k);

#endif
