/* vik attention: causal scaled dot-product attention with grouped KV heads
   (GQA), a KV cache the caller owns, an optional sliding window and optional
   per-head sinks (gpt-oss).

   KV cache layout: k[Hkv, S, D] and v[Hkv, S, D], S the cache capacity in
   positions; the key/value of position j for KV head g is row g S + j.
   Query head h reads KV head h / (Hq / Hkv). A query at absolute position
   pos sees key j iff j <= pos and, with a window W > 0, j > pos - W.

   One query row is computed from the visible rows only (the contracts of
   vik_attend and of the 4-head decode path give them nothing else to
   read), by the same operations in the same order on either path, so
   decoding position p from the cache gives the same bits as row p of a
   prefill. */
#ifndef VIK_ATTN_H
#define VIK_ATTN_H
#include <stdint.h>
#include "nn.h"
#include "linear.h"

#define VIK_CTX_MAX 65536u   /* most positions a cache holds */

/* floats of scratch vik_attention needs for a cache of S positions: a
   decode step scores 4 query heads of a KV head at once, a row of S each */
#define VIK_ATTN_SCRATCH(S) (4u * (S))

/* first visible position for a query at pos with window W (0: none) */
/*@ logic integer vis_lo(integer pos, integer W) = W > 0 && pos >= W ? pos - W + 1 : 0; */

/* out_ok: n outputs, each finite and within 2^37 (a weighted sum of value
   rows of magnitude <= 2^20: at most 2^16 terms of at most 2^20, and the
   rounding) */
/*@ predicate out_ok{L}(float *o, integer n) =
      \forall integer i; 0 <= i < n ==> \is_finite(o[i]) && \abs(o[i]) <= 0x1p37;
*/

/* One query vector q[D] against keys/values k, v (rows of D, row j at
   k + j D) for the visible positions lo .. pos: out = sum_j w_j v_j with
   w = softmax(scale q.k_j) (the sink, when has_sink, joins the softmax as one
   more logit and is dropped). w is caller scratch of pos + 1 floats.
   Returns VIK_OK, or VIK_EDOMAIN (out all zeros) when a score or the sink is
   outside the softmax domain, which the bounds below exclude. */
/*@ requires dims: 1 <= D <= VIK_HEAD_DIM_MAX && pos < VIK_CTX_MAX && (pos + 1) * D <= VIK_MAT_MAX;
    requires lo: lo == vis_lo(pos, W);
    requires scale: \is_finite(scale) && 0 < scale <= 1;
    requires sink: has_sink != 0 ==> \is_finite(sink) && \abs(sink) <= 0x1p60;
    requires valid_q: \valid_read(q + (0 .. D - 1));
    requires valid_kv: \valid_read(k + (lo * D .. (pos + 1) * D - 1)) && \valid_read(v + (lo * D .. (pos + 1) * D - 1));
    requires valid_out: \valid(out + (0 .. D - 1));
    requires valid_w: \valid(w + (0 .. pos));
    requires sep: \separated(out + (0 .. D - 1), w + (0 .. pos), q + (0 .. D - 1)) &&
                  \separated(out + (0 .. D - 1), k + (lo * D .. (pos + 1) * D - 1), v + (lo * D .. (pos + 1) * D - 1)) &&
                  \separated(w + (0 .. pos), k + (lo * D .. (pos + 1) * D - 1), v + (lo * D .. (pos + 1) * D - 1));
    requires bounded_q: \forall integer i; 0 <= i < D ==> \is_finite(q[i]) && \abs(q[i]) <= 0x1p20;
    requires bounded_k: \forall integer i; lo * D <= i < (pos + 1) * D ==> \is_finite(k[i]) && \abs(k[i]) <= 0x1p20;
    requires bounded_v: \forall integer i; lo * D <= i < (pos + 1) * D ==> \is_finite(v[i]) && \abs(v[i]) <= 0x1p20;
    assigns out[0 .. D - 1], w[0 .. pos];
    ensures code: \result == VIK_OK;
    ensures fin: out_ok(out, D);
*/
int vik_attend(float *out, const float *q, const float *k, const float *v, uint32_t D, uint32_t pos,
               uint32_t W, uint32_t lo, int has_sink, float sink, float scale, float *w);

/* A whole layer's attention for Tq queries at positions qpos0 .. qpos0+Tq-1:
   q, out [Hq, Tq, D]; k, v [Hkv, S, D] holding positions 0 .. qpos0+Tq-1;
   sinks [Hq] or NULL; w caller scratch of VIK_ATTN_SCRATCH(S) = 4 S
   floats. Dimensions are checked first: outside attn_dims_ok (a zero size,
   Hq not a multiple of Hkv, positions past S, sizes past the proven limits)
   it returns VIK_EDOMAIN and writes nothing; otherwise VIK_OK. A decode
   step (Tq = 1) scores and sums 4 query heads of a KV head together, each
   in vik_attend's order (the same bits: tested, not part of the contract),
   so that each cached row is read once per KV head, not once per query
   head. The data bounds are the caller's to keep (the forward pass keeps
   them; vik-ref checks its inputs before calling): data outside them is
   outside the contract. Within them every output is finite and at most
   2^37 in magnitude (`fin`). */
/*@ predicate attn_dims_ok(integer Hq, integer Hkv, integer D, integer Tq, integer qpos0, integer S) =
      1 <= Hq <= 1024 && 1 <= Hkv && 1 <= D <= VIK_HEAD_DIM_MAX && 1 <= Tq && S <= VIK_CTX_MAX &&
      Hq * Tq * D <= VIK_MAT_MAX && Hkv * S * D <= VIK_MAT_MAX &&
      Hq % Hkv == 0 && qpos0 < S && Tq <= S - qpos0;
*/
/*@ requires valid_q: \valid_read(q + (0 .. Hq * Tq * D - 1));
    requires valid_out: \valid(out + (0 .. Hq * Tq * D - 1));
    requires valid_kv: \valid_read(k + (0 .. Hkv * S * D - 1)) && \valid_read(v + (0 .. Hkv * S * D - 1));
    requires valid_w: \valid(w + (0 .. 4 * S - 1));
    requires valid_sinks: sinks == \null || \valid_read(sinks + (0 .. Hq - 1));
    requires sep: \separated(out + (0 .. Hq * Tq * D - 1), w + (0 .. 4 * S - 1), q + (0 .. Hq * Tq * D - 1)) &&
                  \separated(out + (0 .. Hq * Tq * D - 1), k + (0 .. Hkv * S * D - 1), v + (0 .. Hkv * S * D - 1)) &&
                  \separated(w + (0 .. 4 * S - 1), k + (0 .. Hkv * S * D - 1), v + (0 .. Hkv * S * D - 1)) &&
                  (sinks == \null || \separated(out + (0 .. Hq * Tq * D - 1), w + (0 .. 4 * S - 1), sinks + (0 .. Hq - 1)));
    requires bounded_q: \forall integer i; 0 <= i < Hq * Tq * D ==> \is_finite(q[i]) && \abs(q[i]) <= 0x1p20;
    requires bounded_k: \forall integer i; 0 <= i < Hkv * S * D ==> \is_finite(k[i]) && \abs(k[i]) <= 0x1p20;
    requires bounded_v: \forall integer i; 0 <= i < Hkv * S * D ==> \is_finite(v[i]) && \abs(v[i]) <= 0x1p20;
    requires bounded_sinks: sinks != \null ==> \forall integer i; 0 <= i < Hq ==> \is_finite(sinks[i]) && \abs(sinks[i]) <= 0x1p60;
    assigns out[0 .. Hq * Tq * D - 1], w[0 .. 4 * S - 1], __fc_errno;
    ensures code: \result == VIK_OK || \result == VIK_EDOMAIN;
    ensures ok: \result == VIK_OK <==> attn_dims_ok(Hq, Hkv, D, Tq, qpos0, S);
    ensures fin: \result == VIK_OK ==> out_ok(out, Hq * Tq * D);
*/
int vik_attention(float *out, const float *q, const float *k, const float *v, uint32_t Hq,
                  uint32_t Hkv, uint32_t D, uint32_t Tq, uint32_t qpos0, uint32_t S, uint32_t W,
                  const float *sinks, float *w);

#endif
