/* vik MoE routing: deterministic top-k and the routers of Mixtral, Qwen-MoE,
   gpt-oss and DeepSeek-V3 (rules in ../shared/reference/README.md, moe/).

   Ranking: expert a ranks before expert b iff score a > score b, or the
   scores are equal and a < b (the lower index wins every tie, always).
   Results are in rank order: idx[0] is the best. */
#ifndef VIK_MOE_H
#define VIK_MOE_H
#include <stdint.h>
#include "nn.h"
#include "float_logic.h"
#include "wsum_logic.h"

#define VIK_MOE_EMAX 512u   /* most experts a router takes */
#define VIK_MOE_KMAX 32u    /* most experts per token */
/* the weights of a renormalising rule sum to within VIK_WSUM_EB of 1 (k <=
   32 terms: about (k + 1) u, u = 2^-24, with room); VIK_WV = u (1 + 2^-10)
   is one addition's share of the sum's error (moe.c's normalize) */
#define VIK_WSUM_EB 0x1p-18
#define VIK_WV (0x1p-24 + 0x1p-34)

#ifndef VIK_SUMS_OPAQUE
/*@ // the weights of a rule that normalises: w[0 .. k-1] sums over the
    // reals to within eb of t, or all are 0 and every chosen probability
    // p[idx[j]] is below 2^-99
    predicate sums_to{L}(float *w, float *p, uint32_t *idx, integer k, real t, real eb) =
      \abs(wsum(w, k) - t) <= eb ||
      \forall integer j; 0 <= j < k ==> w[j] == 0 && p[idx[j]] < 0x1p-99;
*/
#else
/* The same predicate without its definition, for vik_route_deepseek's run
   (proofs/prove.sh): the router only passes ds_weights' clause on, and with
   the definition in its context Z3 ran out of memory on an unrelated goal
   (to_ds's order) that it proves in 3 s without. What a run proves with it
   opaque holds for the defined one. The block holds no axiom, only the
   declaration: it assumes nothing, so it cannot make the logic
   inconsistent. */
/*@ axiomatic SumsOpaque {
      predicate sums_to{L}(float *w, float *p, uint32_t *idx, integer k, real t, real eb)
        reads w[0 .. k - 1], idx[0 .. k - 1], p[0 .. VIK_MOE_EMAX - 1];
    }
*/
#endif
/*@ predicate before{L}(float *s, integer a, integer b) = s[a] > s[b] || (s[a] == s[b] && a < b);
    // no entry of pick[0 .. k-1] is p
    predicate unpicked{L}(uint32_t *pick, integer k, integer p) = \forall integer a; 0 <= a < k ==> pick[a] != p;
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
    requires k: 1 <= k <= E;
    requires valid: \valid_read(s + (0 .. E - 1)) && \valid(idx + (0 .. k - 1));
    requires sep: \separated(idx + (0 .. k - 1), s + (0 .. E - 1));
    requires fin: \forall integer i; 0 <= i < E ==> \is_finite(s[i]);
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
   With renorm, the weights sum to within VIK_WSUM_EB = 2^-18 of 1 over the
   reals (sum: rounding of the sum and of the k divisions), or, only when
   every chosen probability is below 2^-99, they are all 0; and that case
   is a row of -inf only: a row with a finite logit has a probability of
   at least 2^-17 (vik_softmax's top), which ranks first (sum_fin).
   Selection: idx is vik_topk(score), and the contract says so (topk on the
   probabilities it returns in score: indices distinct and in range, in rank
   order, every expert left out ranking after every expert chosen, ties to
   the lower index). */
/*@ requires E: 1 <= E <= VIK_MOE_EMAX;
    requires k: 1 <= k <= E && k <= VIK_MOE_KMAX;
    requires valid: \valid_read(logits + (0 .. E - 1)) && \valid(score + (0 .. E - 1)) &&
                    \valid(idx + (0 .. k - 1)) && \valid(w + (0 .. k - 1));
    requires sep: \separated(score + (0 .. E - 1), idx + (0 .. k - 1), w + (0 .. k - 1), logits + (0 .. E - 1));
    assigns score[0 .. E - 1], idx[0 .. k - 1], w[0 .. k - 1];
    ensures code: \result == VIK_OK || \result == VIK_EDOMAIN;
    ensures domain: \result == VIK_OK <==> row_ok{Pre}(logits, E);
    ensures probs: \result == VIK_OK ==> \forall integer i; 0 <= i < E ==> \is_finite(score[i]) && 0 <= score[i] <= 1;
    ensures range: \forall integer j; 0 <= j < k ==> idx[j] < E;
    ensures topk: \result == VIK_OK ==> topk(idx, score, E, k);
    ensures plain: \result == VIK_OK && renorm == 0 ==> \forall integer j; 0 <= j < k ==> w[j] == score[idx[j]];
    ensures weights: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= 1;
    ensures sum: \result == VIK_OK && renorm != 0 ==> sums_to(w, score, idx, k, 1, VIK_WSUM_EB);
    ensures sum_fin: \result == VIK_OK && renorm != 0 && (\exists integer i; 0 <= i < E && \is_finite(logits[i])) ==>
                       \abs(wsum(w, k) - 1) <= VIK_WSUM_EB;
    ensures error: \result == VIK_EDOMAIN ==> \forall integer j; 0 <= j < k ==> idx[j] == j && w[j] == 0;
*/
int vik_route_softmax_topk(uint32_t *idx, float *w, float *score, const float *logits, uint32_t E,
                           uint32_t k, int renorm);

/* gpt-oss: idx = top-k of the logits themselves, w = softmax over the k
   chosen logits (e^(l - max), divided by their sum in rank order: the bits
   of vik_softmax on them). Logits must be finite with |x| <= VIK_LOGIT_MAX;
   otherwise VIK_EDOMAIN with idx[j] = j and w[j] = 0. The weights sum to
   within VIK_WSUM_EB = 2^-18 of 1 over the reals (sum). */
/*@ requires E: 1 <= E <= VIK_MOE_EMAX;
    requires k: 1 <= k <= E && k <= VIK_MOE_KMAX;
    requires valid: \valid_read(logits + (0 .. E - 1)) && \valid(idx + (0 .. k - 1)) && \valid(w + (0 .. k - 1));
    requires sep: \separated(idx + (0 .. k - 1), w + (0 .. k - 1), logits + (0 .. E - 1));
    assigns idx[0 .. k - 1], w[0 .. k - 1];
    ensures code: \result == VIK_OK || \result == VIK_EDOMAIN;
    ensures domain: \result == VIK_OK <==> (\forall integer i; 0 <= i < E ==> logit_fin(logits[i]));
    ensures topk: \result == VIK_OK ==> topk(idx, logits, E, k);
    ensures weights: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= 1;
    ensures sum: \result == VIK_OK ==> \abs(wsum(w, k) - 1) <= VIK_WSUM_EB;
    ensures error: \result == VIK_EDOMAIN ==> \forall integer j; 0 <= j < k ==> idx[j] == j && w[j] == 0;
*/
int vik_route_topk_softmax(uint32_t *idx, float *w, const float *logits, uint32_t E, uint32_t k);

/* DeepSeek-V3: score[i] = sigmoid(logits[i]) (written for the caller), the
   selection score sel[i] = score[i] + bias[i] (ds_sel: the float sum); the
   E experts form n_group groups of G = E / n_group consecutive experts; a
   group's score is the sum of its two best sel (vik_topk); the topk_group
   best groups are chosen (vik_topk, ties to the lower group) and written to
   groups[]; then the k best sel among the experts of the chosen groups only
   (experts of other groups can never be chosen, whatever their scores);
   w[j] = score[idx[j]] / sum of the chosen score, times rsf (the routed
   scaling factor). Logits finite with |x| <= VIK_LOGIT_MAX and bias finite
   with |b| <= 2^20; otherwise, or for group sizes outside the limits below,
   VIK_EDOMAIN with idx[j] = j, w[j] = 0.
   Selection, in the contract: every chosen expert lies in a chosen group
   (eligible); the chosen are in rank order by sel, ties to the lower expert
   (order, so pairwise distinct); every eligible expert left out ranks after
   every chosen one (best). The weights sum to within rsf 2^-17 + 2^-140 of
   rsf over the reals (sum), or, only when every chosen score is below
   2^-99, they are all 0. */
#define VIK_MOE_GMAX 64u    /* most groups */
/*@ predicate ds_in{L}(float *logits, float *bias, integer E) =
      \forall integer i; 0 <= i < E ==> logit_fin(logits[i]) && \is_finite(bias[i]) && \abs(bias[i]) <= 0x1p20;
    // expert e lies in one of the groups groups[0 .. tg-1] of G experts each
    // expert e lies in group g of G experts
    predicate in_block(integer g, integer G, integer e) = g * G <= e < g * G + G;
    predicate in_groups{L}(uint32_t *groups, integer tg, integer G, integer e) =
      \exists integer a; 0 <= a < tg && in_block(groups[a], G, e);
    // the selection score of an expert: score + bias, the C float sum
    logic float ds_sel(float s, float b) = f32_add(s, b);
    // v is that selection score (one atom, so facts cross loops unopened)
    predicate is_sel(float v, float s, float b) = v == ds_sel(s, b);
    // expert a ranks before expert b by selection score, ties to the lower index
    predicate ds_before{L}(float *score, float *bias, integer a, integer b) =
      ds_sel(score[a], bias[a]) > ds_sel(score[b], bias[b]) ||
      (ds_sel(score[a], bias[a]) == ds_sel(score[b], bias[b]) && a < b);
    predicate ds_dims(integer E, integer k, integer n_group, integer topk_group) =
      1 <= n_group <= VIK_MOE_GMAX && E % n_group == 0 && E / n_group >= 2 &&
      1 <= topk_group <= n_group && k <= topk_group * (E / n_group);
*/
/*@ requires E: 1 <= E <= VIK_MOE_EMAX;
    requires k: 1 <= k <= E && k <= VIK_MOE_KMAX;
    requires rsf: \is_finite(rsf) && 0 < rsf <= 1024;
    requires valid: \valid_read(logits + (0 .. E - 1)) && \valid_read(bias + (0 .. E - 1)) &&
                    \valid(score + (0 .. E - 1)) && \valid(idx + (0 .. k - 1)) && \valid(w + (0 .. k - 1)) &&
                    \valid(groups + (0 .. VIK_MOE_GMAX - 1));
    requires sep: \separated(score + (0 .. E - 1), idx + (0 .. k - 1), w + (0 .. k - 1),
                             groups + (0 .. VIK_MOE_GMAX - 1), logits + (0 .. E - 1), bias + (0 .. E - 1));
    assigns score[0 .. E - 1], idx[0 .. k - 1], w[0 .. k - 1], groups[0 .. VIK_MOE_GMAX - 1];
    ensures code: \result == VIK_OK || \result == VIK_EDOMAIN;
    ensures domain: \result == VIK_OK <==> (ds_dims(E, k, n_group, topk_group) && ds_in{Pre}(logits, bias, E));
    ensures scores: \result == VIK_OK ==> \forall integer i; 0 <= i < E ==> \is_finite(score[i]) && 0 <= score[i] <= 1;
    ensures weights: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= rsf;
    ensures range: \forall integer j; 0 <= j < k ==> idx[j] < E;
    ensures eligible: \result == VIK_OK ==> \forall integer j; 0 <= j < k ==>
                        in_groups(groups, topk_group, E / n_group, idx[j]);
    ensures order: \result == VIK_OK ==> \forall integer a, b; 0 <= a < b < k ==>
                     ds_before(score, bias, idx[a], idx[b]);
    ensures distinct: \result == VIK_OK ==> \forall integer a, b; 0 <= a < b < k ==> idx[a] != idx[b];
    ensures best: \result == VIK_OK ==> \forall integer j, e; 0 <= j < k && 0 <= e < E &&
                    in_groups(groups, topk_group, E / n_group, e) && unpicked(idx, k, e) ==>
                    ds_before(score, bias, idx[j], e);
    ensures sum: \result == VIK_OK ==> sums_to(w, score, idx, k, rsf, rsf * 0x1p-17 + 0x1p-140);
    ensures error: \result == VIK_EDOMAIN ==> \forall integer j; 0 <= j < k ==> idx[j] == j && w[j] == 0;
*/
int vik_route_deepseek(uint32_t *idx, float *w, float *score, uint32_t *groups, const float *logits,
                       const float *bias, uint32_t E, uint32_t k, uint32_t n_group, uint32_t topk_group,
                       float rsf);

#endif
