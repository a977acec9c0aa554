/* vik forward pass of a Llama / Mixtral decoder (the whole pass in model.c,
   in the manner of llama2.c's run.c):

     x = embed[token]
     for each layer:
       xb = RMSNorm(x) ; q, k, v = xb Wq^T, xb Wk^T, xb Wv^T
       RoPE (HF halves layout) on q, k ; k, v into the KV cache
       x += attention(q, cache) Wo^T
       xb = RMSNorm(x)
       x += SwiGLU FFN(xb)              (Llama)
         or sum_j w_j expert_idx_j(xb)  (Mixtral: softmax router, top-k, renormalised)
     logits = RMSNorm(x) Wlm^T

   Prefill runs T tokens at positions pos0 .. pos0+T-1 in one call (batched
   matrix products, experts batched over the tokens routed to them); decode
   is the same call with T = 1. Every row is computed in the same order
   whatever T is, so decoding after a prefill gives the bits of one longer
   prefill.

   Memory: everything lives in one arena the caller allocates once, of the
   size vik_model_plan computes from the config, the context S and the most
   tokens per call Tmax: p.nf floats (KV cache and activations) and p.nu
   uint32 (routing indices), in two blocks apart from each other and from
   the weights (vik_forward's contract; vik_arena_alloc); no allocation
   during inference.

   Errors (nothing is computed past the first): VIK_ETOKEN a token id >=
   vocab (checked before anything is written), VIK_ECTX positions past the
   context S, VIK_EARG T = 0 or T > Tmax or a NULL pointer, VIK_ERANGE an activation left the
   proven range (|x| <= 2^20, finite: kernels/ffn.h). */
#ifndef VIK_MODEL_H
#define VIK_MODEL_H
/* A layer's cache slice lies within the cache: l g + g <= n g for l < n.
   Stated before the includes, so that its proof's context holds no other
   lemma (after them, neither prover proved it at 60 s; alone, Z3 takes 1 s).
   As a predicate, so that a goal slice_in(l, n, g) is a ground instance
   (the plain products' factors are reordered by Qed, and the lemma was not
   used). */
/*@ predicate slice_in(integer l, integer n, integer g) = 0 <= l * g && (l + 1) * g <= n * g;
    lemma slice_le: \forall integer l, n, g; 0 <= l < n && 0 <= g ==> slice_in(l, n, g);
*/
#include <stdint.h>
#include "attn.h"
#include "config.h"
#include "ffn.h"
#include "moe.h"
#include "nn.h"
#include "par.h"

#define VIK_ETOKEN 2
#define VIK_ECTX 3
#define VIK_EARG 5

typedef struct {
  const float *attn_norm, *ffn_norm;   /* [dim] */
  vik_wmat wq, wk, wv, wo;             /* [H D, dim], [Hkv D, dim], [Hkv D, dim], [dim, H D] */
  vik_wmat w1, w2, w3;                 /* dense FFN: gate [hidden, dim], down [dim, hidden], up [hidden, dim] */
  vik_wmat router;                     /* MoE gate [E, dim] */
  const vik_wmat *experts;             /* MoE: expert e's w1, w2, w3 at 3e, 3e + 1, 3e + 2 */
} vik_layer;

typedef struct {
  vik_config cfg;
  const float *embed;                  /* [vocab, dim] */
  const float *norm;                   /* [dim] */
  vik_wmat lm_head;                    /* [vocab, dim] */
  const vik_layer *layers;             /* [n_layers] */
  const float *rope_cos, *rope_sin;    /* [S, head_dim / 2] (harness/rope_table.h) */
  vik_par *par;                        /* NULL: one thread; else every matrix product
                                          split by output rows (harness/par.h), same bits */
} vik_model;

/* Arena layout, in elements from the start of the float part (f) or of the
   uint32 part (u). */
typedef struct {
  uint32_t S, Tmax;
  uint64_t nf, nu;                     /* floats, uint32 */
  uint64_t kc, vc;                     /* caches [L, Hkv, S, D] */
  uint64_t x, xb, qt, kt, vt, qh, ah, ff, att;   /* activations */
  uint64_t h1, h3, xg, yg, eo, rl, score, wts, aw, logits;
  uint64_t idx, off, list;             /* u part */
} vik_plan;

/* The arena layout vik_model_plan writes (regions in this order, each
   sized for Tmax tokens): what the forward pass's contract relies on to
   know that its regions are disjoint and inside the arena. */
/*@ predicate plan_sizes(vik_config c, integer S, integer T) =
      1 <= T <= S <= VIK_CTX_MAX &&
      c.n_kv_heads * S * c.head_dim <= VIK_MAT_MAX && T * c.n_heads * c.head_dim <= VIK_MAT_MAX &&
      T * c.dim <= VIK_MAT_MAX && T * c.hidden <= VIK_MAT_MAX && T * c.vocab <= VIK_MAT_MAX &&
      T * c.top_k * c.dim <= VIK_MAT_MAX && T * c.n_experts <= VIK_MAT_MAX &&
      c.hidden * c.dim <= VIK_MAT_MAX && c.vocab * c.dim <= VIK_MAT_MAX &&
      c.n_heads * c.head_dim * c.dim <= VIK_MAT_MAX;
    predicate plan_cache(vik_plan p, vik_config c) =
      p.kc == 0 && p.vc == p.kc + c.n_layers * (c.n_kv_heads * p.S * c.head_dim) &&
      p.x == p.vc + (p.vc - p.kc);
    predicate plan_acts(vik_plan p, vik_config c) =
      p.xb == p.x + p.Tmax * c.dim && p.qt == p.xb + p.Tmax * c.dim &&
      p.kt == p.qt + p.Tmax * c.n_heads * c.head_dim && p.vt == p.kt + p.Tmax * c.n_kv_heads * c.head_dim &&
      p.qh == p.vt + p.Tmax * c.n_kv_heads * c.head_dim && p.ah == p.qh + p.Tmax * c.n_heads * c.head_dim &&
      p.att == p.ah + p.Tmax * c.n_heads * c.head_dim && p.ff == p.att + p.Tmax * c.n_heads * c.head_dim &&
      p.h1 == p.ff + p.Tmax * c.dim;
    predicate plan_ffn(vik_plan p, vik_config c) =
      p.h3 == p.h1 + p.Tmax * c.hidden &&
      p.xg == p.h3 + p.Tmax * c.hidden && p.yg == p.xg + p.Tmax * c.dim &&
      p.eo == p.yg + p.Tmax * c.dim && p.rl == p.eo + p.Tmax * c.top_k * c.dim &&
      p.score == p.rl + p.Tmax * c.n_experts && p.wts == p.score + c.n_experts &&
      p.aw == p.wts + p.Tmax * c.top_k && p.logits == p.aw + 4 * p.S &&
      p.nf == p.logits + p.Tmax * c.vocab && p.nf <= 0x10000000000;
    predicate plan_route(vik_plan p, vik_config c) =
      p.idx == 0 && p.off == p.Tmax * c.top_k &&
      p.list == p.off + c.n_experts + 1 && p.nu == p.list + p.Tmax * c.top_k;
    predicate plan_layout(vik_plan p, vik_config c) =
      plan_sizes(c, p.S, p.Tmax) && plan_cache(p, c) && plan_acts(p, c) && plan_ffn(p, c) && plan_route(p, c);
*/

/* Sizes and offsets for context S and Tmax tokens per call: VIK_OK, or
   VIK_EARG when a size passes the kernels' limits (S or Tmax zero, Tmax > S,
   S > VIK_CTX_MAX, an operand above VIK_MAT_MAX elements, an arena above
   2^40 elements; c or p NULL, with *p untouched). The logits area holds Tmax rows of vocab. */
/*@ requires valid: \valid_read(c) && \valid(p);
    requires cfg: cfg_ok(*c);
    requires sep: \separated(c, p);
    assigns *p;
    ensures code: \result == VIK_OK || \result == VIK_EARG;
    ensures ok: \result == VIK_OK ==> p->S == S && p->Tmax == Tmax && plan_sizes(\old(*c), S, Tmax);
    // plan_layout(p, *c) spelt out, one goal per part, with *c as on entry
    // (which it still is: sep), and S for p->S (ok). The provers did not
    // unfold the predicates over *p after the plan's stores (verified/NOTES.md).
    ensures cache: \result == VIK_OK ==>
      p->kc == 0 && p->vc == p->kc + \old(*c).n_layers * (\old(*c).n_kv_heads * S * \old(*c).head_dim) &&
      p->x == p->vc + (p->vc - p->kc);
    ensures acts: \result == VIK_OK ==>
      p->xb == p->x + p->Tmax * \old(*c).dim && p->qt == p->xb + p->Tmax * \old(*c).dim &&
      p->kt == p->qt + p->Tmax * \old(*c).n_heads * \old(*c).head_dim &&
      p->vt == p->kt + p->Tmax * \old(*c).n_kv_heads * \old(*c).head_dim &&
      p->qh == p->vt + p->Tmax * \old(*c).n_kv_heads * \old(*c).head_dim &&
      p->ah == p->qh + p->Tmax * \old(*c).n_heads * \old(*c).head_dim &&
      p->att == p->ah + p->Tmax * \old(*c).n_heads * \old(*c).head_dim &&
      p->ff == p->att + p->Tmax * \old(*c).n_heads * \old(*c).head_dim && p->h1 == p->ff + p->Tmax * \old(*c).dim;
    ensures ffn: \result == VIK_OK ==>
      p->h3 == p->h1 + p->Tmax * \old(*c).hidden && p->xg == p->h3 + p->Tmax * \old(*c).hidden &&
      p->yg == p->xg + p->Tmax * \old(*c).dim && p->eo == p->yg + p->Tmax * \old(*c).dim &&
      p->rl == p->eo + p->Tmax * \old(*c).top_k * \old(*c).dim && p->score == p->rl + p->Tmax * \old(*c).n_experts &&
      p->wts == p->score + \old(*c).n_experts && p->aw == p->wts + p->Tmax * \old(*c).top_k &&
      p->logits == p->aw + 4 * p->S && p->nf == p->logits + p->Tmax * \old(*c).vocab && p->nf <= 0x10000000000;
    ensures route: \result == VIK_OK ==>
      p->idx == 0 && p->off == p->Tmax * \old(*c).top_k && p->list == p->off + \old(*c).n_experts + 1 &&
      p->nu == p->list + p->Tmax * \old(*c).top_k;
*/
int vik_model_plan(const vik_config *c, uint32_t S, uint32_t Tmax, vik_plan *p);

/* Weights and tables lie in other blocks than the arena (the loader's
   buffers or the caller's, never the arena's malloc): every region of the
   arena is then apart from them whatever its offsets (WP: different bases). */
/*@ predicate wmat_apart(vik_wmat w, float *a) =
      (w.fmt == VIK_W_F32 ==> \base_addr(w.f) != \base_addr(a)) &&
      (w.fmt == VIK_W_MXFP4 ==> \base_addr(w.codes) != \base_addr(a) && \base_addr(w.scales) != \base_addr(a));
    predicate in_arena(float *r, float *a) = \base_addr(r) == \base_addr(a);
*/

/*@ // the RoPE tables' entries
    predicate unit_f32{L}(float *r, integer n) =
      \forall integer i; 0 <= i < n ==> \is_finite(r[i]) && \abs(r[i]) <= 1;
    predicate layer_ok{L}(vik_layer *ly, vik_config c) =
      \valid_read(ly) &&
      \valid_read(ly->attn_norm + (0 .. c.dim - 1)) && bounded_f32(ly->attn_norm, c.dim) &&
      \valid_read(ly->ffn_norm + (0 .. c.dim - 1)) && bounded_f32(ly->ffn_norm, c.dim) &&
      wmat_ok(ly->wq, c.n_heads * c.head_dim, c.dim) && wmat_ok(ly->wk, c.n_kv_heads * c.head_dim, c.dim) &&
      wmat_ok(ly->wv, c.n_kv_heads * c.head_dim, c.dim) && wmat_ok(ly->wo, c.dim, c.n_heads * c.head_dim) &&
      (c.arch == VIK_ARCH_LLAMA ==>
         wmat_ok(ly->w1, c.hidden, c.dim) && wmat_ok(ly->w3, c.hidden, c.dim) && wmat_ok(ly->w2, c.dim, c.hidden)) &&
      // descriptor j: expert j / 3's w1 (j % 3 == 0), w2 (1) or w3 (2), as moe_half's requires
      (c.arch == VIK_ARCH_MIXTRAL ==>
         wmat_ok(ly->router, c.n_experts, c.dim) && \valid_read(ly->experts + (0 .. 3 * c.n_experts - 1)) &&
         \forall integer j; 0 <= j < 3 * c.n_experts ==>
           wmat_ok(ly->experts[j], j % 3 == 1 ? c.dim : c.hidden, j % 3 == 1 ? c.hidden : c.dim));
    predicate model_ok{L}(vik_model *m, vik_plan *p) =
      \valid_read(m) && \valid_read(p) && cfg_ok(m->cfg) &&
      \valid_read(m->embed + (0 .. m->cfg.vocab * m->cfg.dim - 1)) && bounded_f32(m->embed, m->cfg.vocab * m->cfg.dim) &&
      \valid_read(m->norm + (0 .. m->cfg.dim - 1)) && bounded_f32(m->norm, m->cfg.dim) &&
      wmat_ok(m->lm_head, m->cfg.vocab, m->cfg.dim) &&
      \valid_read(m->layers + (0 .. m->cfg.n_layers - 1)) &&
      (\forall integer l; 0 <= l < m->cfg.n_layers ==> layer_ok(m->layers + l, m->cfg)) &&
      \valid_read(m->rope_cos + (0 .. p->S * (m->cfg.head_dim / 2) - 1)) &&
      \valid_read(m->rope_sin + (0 .. p->S * (m->cfg.head_dim / 2) - 1)) &&
      unit_f32(m->rope_cos, p->S * (m->cfg.head_dim / 2)) && unit_f32(m->rope_sin, p->S * (m->cfg.head_dim / 2));
    // every weight, table and descriptor of the layer in another block than a
    // (the arena's float part): writes to the arena leave them as they are,
    // and the provers see it from the bases alone (no offset arithmetic)
    predicate layer_apart{L}(vik_layer *ly, vik_config c, float *a) =
      \base_addr(ly->attn_norm) != \base_addr(a) && \base_addr(ly->ffn_norm) != \base_addr(a) &&
      wmat_apart(ly->wq, a) && wmat_apart(ly->wk, a) && wmat_apart(ly->wv, a) && wmat_apart(ly->wo, a) &&
      (c.arch == VIK_ARCH_LLAMA ==> wmat_apart(ly->w1, a) && wmat_apart(ly->w2, a) && wmat_apart(ly->w3, a)) &&
      (c.arch == VIK_ARCH_MIXTRAL ==>
         wmat_apart(ly->router, a) && \forall integer j; 0 <= j < 3 * c.n_experts ==> wmat_apart(ly->experts[j], a));
    predicate model_apart{L}(vik_model *m, float *a) =
      \base_addr(m) != \base_addr(a) && \base_addr(m->layers) != \base_addr(a) &&
      \base_addr(m->embed) != \base_addr(a) && \base_addr(m->norm) != \base_addr(a) && wmat_apart(m->lm_head, a) &&
      \base_addr(m->rope_cos) != \base_addr(a) && \base_addr(m->rope_sin) != \base_addr(a) &&
      \forall integer l; 0 <= l < m->cfg.n_layers ==> layer_apart(m->layers + l, m->cfg, a);
    // the descriptors in another block than u (the arena's uint32 part)
    predicate model_apart_u{L}(vik_model *m, uint32_t *u) =
      \base_addr(m) != \base_addr(u) && \base_addr(m->layers) != \base_addr(u) &&
      \forall integer l; 0 <= l < m->cfg.n_layers ==>
        (m->cfg.arch == VIK_ARCH_MIXTRAL ==> \base_addr(m->layers[l].experts) != \base_addr(u));
*/

/* Frames over two labels: the pass writes only the arena's floats (and its
   uint32 routing part), so a weight's facts at L1 hold at L2 when the float
   memory outside the arena's block is the same (same_f32) and the memories
   the pass never writes are too (same_rest: 8- and 16-bit integers, the
   pointers). The validity at L2 is a premise (wmat_v, layer_v: the
   allocation is per label). At a point of vik_forward, same_rest{Pre,Here}
   and layer_v{Here} are the entry's memory and facts (Qed), and same_f32
   follows from the assigns in one step; the lemmas then carry a layer's facts in one goal, where the
   provers alone took 37-52 s a weight (verified/NOTES.md, "Fifteenth
   session"). The \is_finite clause is needed: == compares real values,
   and a NaN's says nothing. */
/*@ predicate same_f32{L1,L2}(float *a) =
      \forall float *q; \base_addr{L1}(q) != \base_addr{L1}(a) ==>
        (\is_finite(\at(*q, L1)) ==> \is_finite(\at(*q, L2))) && \at(*q, L1) == \at(*q, L2);
    predicate same_u8{L1,L2} = \forall uint8_t *q; \at(*q, L1) == \at(*q, L2);
    predicate same_rest{L1,L2} =
      same_u8{L1,L2} && (\forall uint16_t *q; \at(*q, L1) == \at(*q, L2)) && (\forall float **q; \at(*q, L1) == \at(*q, L2));
    // the validity part of wmat_ok and of layer_ok (the allocation is per label)
    predicate wmat_v{L}(vik_wmat w, integer m, integer n) =
      (w.fmt == VIK_W_F32 && \valid_read(w.f + (0 .. m * n - 1))) ||
      (w.fmt == VIK_W_MXFP4 && n % VIK_MX_BLOCK == 0 &&
       \valid_read(w.codes + (0 .. m * (n / 2) - 1)) && \valid_read(w.scales + (0 .. m * (n / VIK_MX_BLOCK) - 1)) &&
       \separated(w.codes + (0 .. m * (n / 2) - 1), w.scales + (0 .. m * (n / VIK_MX_BLOCK) - 1)));
    predicate layer_v{L}(vik_layer *ly, vik_config c) =
      \valid_read(ly) && \valid_read(ly->attn_norm + (0 .. c.dim - 1)) && \valid_read(ly->ffn_norm + (0 .. c.dim - 1)) &&
      wmat_v(ly->wq, c.n_heads * c.head_dim, c.dim) && wmat_v(ly->wk, c.n_kv_heads * c.head_dim, c.dim) &&
      wmat_v(ly->wv, c.n_kv_heads * c.head_dim, c.dim) && wmat_v(ly->wo, c.dim, c.n_heads * c.head_dim) &&
      (c.arch == VIK_ARCH_LLAMA ==>
         wmat_v(ly->w1, c.hidden, c.dim) && wmat_v(ly->w3, c.hidden, c.dim) && wmat_v(ly->w2, c.dim, c.hidden)) &&
      (c.arch == VIK_ARCH_MIXTRAL ==>
         wmat_v(ly->router, c.n_experts, c.dim) && \valid_read(ly->experts + (0 .. 3 * c.n_experts - 1)) &&
         \forall integer j; 0 <= j < 3 * c.n_experts ==>
           wmat_v(ly->experts[j], j % 3 == 1 ? c.dim : c.hidden, j % 3 == 1 ? c.hidden : c.dim));
    lemma wmat_ok_v{L}: \forall vik_wmat w, integer m, integer n; wmat_ok(w, m, n) ==> wmat_v(w, m, n);
    lemma layer_ok_v{L}: \forall vik_layer *ly, vik_config c; layer_ok(ly, c) ==> layer_v(ly, c);
    lemma bounded_frame{L1,L2}: \forall float *w, float *a, integer n;
      bounded_f32{L1}(w, n) && \base_addr{L1}(w) != \base_addr{L1}(a) && same_f32{L1,L2}(a) ==> bounded_f32{L2}(w, n);
    lemma unit_frame{L1,L2}: \forall float *w, float *a, integer n;
      unit_f32{L1}(w, n) && \base_addr{L1}(w) != \base_addr{L1}(a) && same_f32{L1,L2}(a) ==> unit_f32{L2}(w, n);
    lemma wmat_frame{L1,L2}: \forall vik_wmat w, float *a, integer m, integer n;
      wmat_ok{L1}(w, m, n) && wmat_v{L2}(w, m, n) && wmat_apart{L1}(w, a) && same_f32{L1,L2}(a) && same_u8{L1,L2} ==>
        wmat_ok{L2}(w, m, n);
    lemma layer_frame{L1,L2}: \forall vik_layer *ly, vik_config c, float *a;
      layer_ok{L1}(ly, c) && layer_v{L2}(ly, c) && layer_apart{L1}(ly, c, a) && same_f32{L1,L2}(a) && same_rest{L1,L2} ==>
        layer_ok{L2}(ly, c);
*/

/* Zero the KV caches (a fresh sequence). vik_forward checks a layer's
   cache slices before its attention reads them (a read of 2 G S D floats;
   the proof does not carry the cache's bound from call to call), so a
   cache that was not reset gives VIK_ERANGE, never a result from garbage.
   A NULL p or fa: nothing to do. */
/*@ requires valid: \valid_read(p) && \valid(fa + (0 .. p->nf - 1));
    requires plan: p->kc <= p->vc && p->vc + (p->vc - p->kc) <= p->nf;
    requires sep: \separated(p, fa + (0 .. p->nf - 1));
    assigns fa[p->kc .. p->vc + (p->vc - p->kc) - 1];
    ensures zero: \forall integer q; p->kc <= q < p->vc + (p->vc - p->kc) ==> fa[q] == 0;
*/
void vik_model_reset(const vik_model *m, const vik_plan *p, float *fa);

/* Run T tokens at positions pos0 .. pos0 + T - 1 (the cache must hold
   positions 0 .. pos0 - 1 of the same sequence). logits: [T, vocab] when
   all_logits, else [vocab] for the last token only. */
/*@ requires model: model_ok(m, p) && plan_layout(*p, m->cfg);
    requires arena: \valid(fa + (0 .. p->nf - 1)) && \valid(fu + (0 .. p->nu - 1));
    requires valid: \valid_read(tok + (0 .. T - 1)) && \valid(logits + (0 .. (all_logits ? T : 1) * m->cfg.vocab - 1));
    // the arena's two parts, the tokens, the logits and the model: each in
    // blocks of its own (vik_arena_alloc allocates the two parts apart)
    requires apart: model_apart(m, fa) && model_apart_u(m, fu) && \base_addr(p) != \base_addr(fa) &&
                    \base_addr(p) != \base_addr(fu) &&
                    \base_addr(fu) != \base_addr(fa) && \base_addr(tok) != \base_addr(fa) && \base_addr(tok) != \base_addr(fu) &&
                    \base_addr(logits) != \base_addr(fa) && wmat_apart(m->lm_head, logits);
    assigns fa[0 .. p->nf - 1], fu[0 .. p->nu - 1], logits[0 .. (all_logits ? T : 1) * m->cfg.vocab - 1], __fc_errno;
    ensures code: \result == VIK_OK || \result == VIK_ETOKEN || \result == VIK_ECTX || \result == VIK_EARG ||
                  \result == VIK_ERANGE || \result == VIK_EDOMAIN;
    ensures token: \old(\exists integer t; 0 <= t < T && tok[t] >= m->cfg.vocab) ==> \result == VIK_ETOKEN || \result == VIK_EARG;
*/
int vik_forward(const vik_model *m, const vik_plan *p, float *fa, uint32_t *fu, const uint32_t *tok, uint32_t T,
                uint32_t pos0, float *logits, int all_logits);

/* A message for a return code of vik_forward. */
/*@ assigns \nothing;
    ensures valid: \valid_read(\result);
*/
const char *vik_model_strerror(int code);

#endif
