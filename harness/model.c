/* vik forward pass (see model.h): the whole Llama / Mixtral pass in one file. */
#include "model.h"
#include "attn_logic.h"
#include "linear_logic.h"

const char *vik_model_strerror(int code) {
  switch (code) {
  case VIK_OK: return "ok";
  case VIK_EDOMAIN: return "router or attention input outside the softmax domain";
  case VIK_ETOKEN: return "token id >= vocabulary size";
  case VIK_ECTX: return "position past the context size";
  case VIK_ERANGE: return "activation outside the proven range (finite, |x| <= 2^20)";
  case VIK_EARG: return "bad token count (0 or above the planned maximum) or sizes past the limits";
  default: return "unknown error";
  }
}

/* a b c when it is at most VIK_MAT_MAX, else VIK_MAT_MAX + 1. No step
   wraps (a b < 2^64; then a b <= 2^30 and c < 2^32), so after a check
   against VIK_MAT_MAX the caller holds the product as a plain integer: the
   provers could not remove the wrap-around of products formed inline. */
/*@ assigns \nothing;
    ensures prod: \result <= VIK_MAT_MAX ==> \result == a * b * c;
*/
static uint64_t prod3(uint32_t a, uint32_t b, uint32_t c) {
  uint64_t ab = (uint64_t)a * b, r;
  //@ assert ab: ab == a * b;
  if (ab > VIK_MAT_MAX) return c == 0u ? 0u : (uint64_t)VIK_MAT_MAX + 1u;
  r = ab * c;
  //@ assert r: r == a * b * c;
  return r <= VIK_MAT_MAX ? r : (uint64_t)VIK_MAT_MAX + 1u;
}

/* L g without wrap-around (L <= 2^10, g <= 2^30), in a context of its own. */
/*@ requires L: L <= VIK_CFG_LAYERS_MAX;
    requires g: g <= VIK_MAT_MAX;
    assigns \nothing;
    ensures prod: \result == L * g && \result <= 0x10000000000;
*/
static uint64_t times(uint32_t L, uint64_t g) {
  //@ assert le: L * g <= 1024 * g <= 1024 * 0x40000000;
  return (uint64_t)L * g;
}

/* a + b for offsets below 2^50 (the arena is at most 2^42 elements), so
   that the layout's sums are plain integers for the provers. */
/*@ requires a <= 0x4000000000000 && b <= 0x4000000000000;
    assigns \nothing;
    ensures sum: \result == a + b;
*/
static uint64_t add(uint64_t a, uint64_t b) { return a + b; }

/* The layout (plan_cache .. plan_route) from the sizes of its regions, in
   a context of its own: with the config's products beside them, the
   provers timed out on the stores (verified/NOTES.md). */
/*@ requires valid: \valid(p);
    requires sizes: cache <= 0x10000000000 && S <= VIK_CTX_MAX && E <= VIK_MAT_MAX &&
                    td <= VIK_MAT_MAX && thd <= VIK_MAT_MAX && tgd <= VIK_MAT_MAX && th <= VIK_MAT_MAX &&
                    tkd <= VIK_MAT_MAX && te <= VIK_MAT_MAX && tk <= VIK_MAT_MAX && tv <= VIK_MAT_MAX;
    assigns *p;
    ensures dims: p->S == S && p->Tmax == T;
    ensures cache: p->kc == 0 && p->vc == cache && p->x == p->vc + (p->vc - p->kc);
    ensures acts: p->xb == p->x + td && p->qt == p->xb + td && p->kt == p->qt + thd && p->vt == p->kt + tgd &&
                  p->qh == p->vt + tgd && p->ah == p->qh + thd && p->att == p->ah + thd && p->ff == p->att + thd &&
                  p->h1 == p->ff + td;
    ensures ffn: p->h3 == p->h1 + th && p->xg == p->h3 + th && p->yg == p->xg + td && p->eo == p->yg + td &&
                 p->rl == p->eo + tkd && p->score == p->rl + te && p->wts == p->score + E && p->aw == p->wts + tk &&
                 p->logits == p->aw + 4 * S && p->nf == p->logits + tv;
    ensures route: p->idx == 0 && p->off == tk && p->list == p->off + E + 1 && p->nu == p->list + tk;
*/
static void lay_out(vik_plan *p, uint32_t S, uint32_t T, uint64_t cache, uint64_t td, uint64_t thd, uint64_t tgd,
                    uint64_t th, uint64_t tkd, uint64_t te, uint64_t E, uint64_t tk, uint64_t tv) {
  p->S = S;
  p->Tmax = T;
  p->kc = 0u;
  p->vc = cache;
  p->x = add(p->vc, cache);
  p->xb = add(p->x, td);
  p->qt = add(p->xb, td);
  p->kt = add(p->qt, thd);
  p->vt = add(p->kt, tgd);
  p->qh = add(p->vt, tgd);
  p->ah = add(p->qh, thd);
  p->att = add(p->ah, thd);
  p->ff = add(p->att, thd);
  p->h1 = add(p->ff, td);
  p->h3 = add(p->h1, th);
  p->xg = add(p->h3, th);
  p->yg = add(p->xg, td);
  p->eo = add(p->yg, td);
  p->rl = add(p->eo, tkd);
  p->score = add(p->rl, te);
  p->wts = add(p->score, E);
  p->aw = add(p->wts, tk);
  p->logits = add(p->aw, 4u * (uint64_t)S); /* VIK_ATTN_SCRATCH(S) */
  p->nf = add(p->logits, tv);
  p->idx = 0u;
  p->off = tk;
  p->list = add(add(tk, E), 1u);
  p->nu = add(p->list, tk);
}

/* An empty plan (every offset 0) on a refusal: a store kept off the path
   that proves the layout (with it there, the layout's goals timed out). */
/*@ requires valid: \valid(p);
    assigns *p;
    ensures code: \result == VIK_EARG;
*/
static int refuse(vik_plan *p, uint32_t S, uint32_t Tmax) {
  const vik_plan none = {S, Tmax, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u,
                         0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u, 0u};
  *p = none;
  return VIK_EARG;
}

int vik_model_plan(const vik_config *c, uint32_t S, uint32_t Tmax, vik_plan *p) {
  uint32_t L, H, G, D, d, hid, V, E, K, T = Tmax;
  uint64_t gsd, thd, tgd, td, th, tv, tkd, te, hd, vd, hdd, tk;
  if (!c || !p) return VIK_EARG;            /* an embedder's bug: refused, not a crash */
  L = c->n_layers, H = c->n_heads, G = c->n_kv_heads, D = c->head_dim, d = c->dim, hid = c->hidden;
  V = c->vocab, E = c->n_experts, K = c->top_k;
  if (S == 0u || Tmax == 0u || Tmax > S || S > VIK_CTX_MAX) return refuse(p, S, Tmax);
  gsd = prod3(G, S, D);
  thd = prod3(T, H, D);
  tgd = prod3(T, G, D);
  td = prod3(T, d, 1u);
  th = prod3(T, hid, 1u);
  tv = prod3(T, V, 1u);
  tkd = prod3(T, K, d);
  te = prod3(T, E, 1u);
  hd = prod3(hid, d, 1u);
  vd = prod3(V, d, 1u);
  hdd = prod3(H, D, d);
  tk = prod3(T, K, 1u);
  if (gsd > VIK_MAT_MAX || thd > VIK_MAT_MAX || tgd > VIK_MAT_MAX || td > VIK_MAT_MAX || th > VIK_MAT_MAX ||
      tv > VIK_MAT_MAX || tkd > VIK_MAT_MAX || te > VIK_MAT_MAX || hd > VIK_MAT_MAX || vd > VIK_MAT_MAX ||
      hdd > VIK_MAT_MAX || tk > VIK_MAT_MAX)
    return refuse(p, S, Tmax);
  lay_out(p, S, T, times(L, gsd), td, thd, tgd, th, tkd, te, E, tk, tv);
  if (p->nf > 0x10000000000ull) return refuse(p, S, Tmax);
  return VIK_OK;
}

void vik_model_reset(const vik_model *m, const vik_plan *p, float *fa) {
  uint64_t i, n;
  (void)m;
  if (!p || !fa) return;                   /* nothing to reset */
  n = 2u * (p->vc - p->kc);
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant zero: \forall integer q; p->kc <= q < p->kc + i ==> fa[q] == 0;
      loop assigns i, fa[p->kc .. p->vc + (p->vc - p->kc) - 1];
      loop variant n - i;
  */
  for (i = 0u; i < n; i++) fa[p->kc + i] = 0.0f;
}

/* ---- small steps of the pass ---- */

/* y row t = RMSNorm(x row t) with weight w, for T rows of n. */
/*@ requires dims: 1 <= T && 1 <= n <= VIK_NN_MAX && T * n <= VIK_MAT_MAX;
    requires eps: \is_finite(eps) && 0x1p-40 <= eps <= 1;
    requires valid: \valid_read(x + (0 .. T * n - 1)) && \valid(y + (0 .. T * n - 1)) && \valid_read(w + (0 .. n - 1));
    requires sep: \separated(y + (0 .. T * n - 1), x + (0 .. T * n - 1), w + (0 .. n - 1));
    requires bounded: bounded_f32(w, n);
    assigns y[0 .. T * n - 1], __fc_errno;
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
    ensures ok: \result == VIK_OK ==> act_ok(y, T * n);
*/
static int norm_rows(float *y, const float *x, const float *w, uint32_t T, uint32_t n, float eps) {
  uint32_t t;
  if (vik_act_ok(x, T * n) != VIK_OK) return VIK_ERANGE;
  /*@ loop invariant bounds: 0 <= t <= T;
      loop assigns t, y[0 .. T * n - 1], __fc_errno;
      loop variant T - t;
  */
  for (t = 0u; t < T; t++) vik_rmsnorm(y + t * n, x + t * n, w, n, eps);
  return vik_act_ok(y, T * n);
}

/* RoPE on T rows of H heads of D, row t at position pos0 + t. */
/*@ requires dims: 1 <= T && 1 <= H && 2 <= D <= VIK_HEAD_DIM_MAX && D % 2 == 0 && H * D <= 65536 &&
                   T * H * D <= VIK_MAT_MAX && pos0 + T <= S && S * (D / 2) <= VIK_MAT_MAX;
    requires valid: \valid(x + (0 .. T * H * D - 1)) && \valid_read(c + (0 .. S * (D / 2) - 1)) &&
                    \valid_read(s + (0 .. S * (D / 2) - 1));
    requires sep: \separated(x + (0 .. T * H * D - 1), c + (0 .. S * (D / 2) - 1)) &&
                  \separated(x + (0 .. T * H * D - 1), s + (0 .. S * (D / 2) - 1));
    requires unit: \forall integer i; 0 <= i < S * (D / 2) ==>
                     \is_finite(c[i]) && \abs(c[i]) <= 1 && \is_finite(s[i]) && \abs(s[i]) <= 1;
    assigns x[0 .. T * H * D - 1];
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
    ensures ok: \result == VIK_OK ==> act_ok(x, T * H * D);
*/
static int rope_rows(float *x, uint32_t T, uint32_t H, uint32_t D, uint32_t pos0, uint32_t S, const float *c,
                     const float *s) {
  uint32_t t, hd = D / 2u, hdd = H * D, xo = 0u, r = pos0 * hd;
  (void)S;                                 /* only the contract uses it */
  //@ assert assoc: T * H * D == T * hdd && pos0 * hd <= S * hd;
  /* offsets advance by rows (xo = t H D, r = (pos0 + t) D/2), as in transpose */
  /*@ loop invariant bounds: 0 <= t <= T;
      loop invariant xo: xo == t * hdd;
      loop invariant r: r == (pos0 + t) * hd;
      loop assigns t, xo, r, x[0 .. T * H * D - 1];
      loop variant T - t;
  */
  for (t = 0u; t < T; t++) {
    //@ assert t1: (t + 1) * hdd <= T * hdd;
    //@ assert t2: pos0 + t + 1 <= S;
    //@ assert t3: (pos0 + t + 1) * hd <= S * hd;
    /* the row's bound on x's own indices, the form vik_rope's requires take */
    if (vik_act_ok_at(x, xo, hdd) != VIK_OK) return VIK_ERANGE;
    vik_rope(x + xo, H, D, c + r, s + r, 1);
    xo += hdd;
    r += hd;
  }
  return vik_act_ok(x, T * H * D);
}

/* dst[b, a, :] = src[a, b, :] for a < A, b < B, rows of D. Offsets advance
   by whole rows (so = (a B + b) D, dof = (b A + a) D as invariants): the
   provers handle sums of rows better than products of loop counters. */
/*@ requires dims: 1 <= A && 1 <= B && 1 <= D && A * B * D <= VIK_MAT_MAX;
    requires valid: \valid_read(src + (0 .. A * B * D - 1)) && \valid(dst + (0 .. A * B * D - 1));
    requires sep: \separated(dst + (0 .. A * B * D - 1), src + (0 .. A * B * D - 1));
    assigns dst[0 .. A * B * D - 1];
*/
static void transpose(float *dst, const float *src, uint32_t A, uint32_t B, uint32_t D) {
  uint32_t a, b, i, so = 0u;
  //@ assert assoc: A * B * D == A * (B * D) && A * B * D == B * (A * D);
  /*@ loop invariant bounds: 0 <= a <= A;
      loop invariant so: so == a * (B * D);
      loop assigns a, b, i, so, dst[0 .. A * B * D - 1];
      loop variant A - a;
  */
  for (a = 0u; a < A; a++) {
    uint32_t dof = a * D;
    //@ assert a1: (a + 1) * (B * D) <= A * (B * D) && (a + 1) * D <= A * D;
    /*@ loop invariant bounds: 0 <= b <= B;
        loop invariant so: so == a * (B * D) + b * D;
        loop invariant dof: dof == b * (A * D) + a * D;
        loop assigns b, i, so, dof, dst[0 .. A * B * D - 1];
        loop variant B - b;
    */
    for (b = 0u; b < B; b++) {
      //@ assert b1: (b + 1) * D <= B * D && (b + 1) * (A * D) <= B * (A * D);
      //@ assert in: so + D <= A * B * D && dof + D <= A * B * D;
      /*@ loop invariant bounds: 0 <= i <= D;
          loop assigns i, dst[dof .. dof + D - 1];
          loop variant D - i;
      */
      for (i = 0u; i < D; i++) dst[dof + i] = src[so + i];
      so += D;
      dof += A * D;
    }
  }
}

/* Rows t of kv [T, G, D] into the cache [G, S, D] at positions pos0 + t
   (a plain copy: attn_half checks the cache slices before attention reads
   them). Offsets advance by rows, as in transpose. */
/*@ requires dims: 1 <= T && 1 <= G && 1 <= D && pos0 + T <= S && G * S * D <= VIK_MAT_MAX && T * G * D <= VIK_MAT_MAX;
    requires valid: \valid_read(kv + (0 .. T * G * D - 1)) && \valid(cache + (0 .. G * S * D - 1));
    requires sep: \separated(cache + (0 .. G * S * D - 1), kv + (0 .. T * G * D - 1));
    assigns cache[0 .. G * S * D - 1];
*/
static void to_cache(float *cache, const float *kv, uint32_t T, uint32_t G, uint32_t D, uint32_t pos0,
                     uint32_t S) {
  uint32_t t, g, i, ko = 0u;
  //@ assert assoc: T * G * D == T * (G * D) && G * S * D == G * (S * D);
  /*@ loop invariant bounds: 0 <= t <= T;
      loop invariant ko: ko == t * (G * D);
      loop assigns t, g, i, ko, cache[0 .. G * S * D - 1];
      loop variant T - t;
  */
  for (t = 0u; t < T; t++) {
    uint32_t co = (pos0 + t) * D;
    //@ assert t1: (t + 1) * (G * D) <= T * (G * D);
    //@ assert t2: pos0 + t + 1 <= S;
    //@ assert t3: (pos0 + t + 1) * D <= S * D;
    /*@ loop invariant bounds: 0 <= g <= G;
        loop invariant ko: ko == t * (G * D) + g * D;
        loop invariant co: co == g * (S * D) + (pos0 + t) * D;
        loop assigns g, i, ko, co, cache[0 .. G * S * D - 1];
        loop variant G - g;
    */
    for (g = 0u; g < G; g++) {
      //@ assert g1: (g + 1) * D <= G * D && (g + 1) * (S * D) <= G * (S * D);
      //@ assert in: ko + D <= T * G * D && co + D <= G * S * D;
      /*@ loop invariant bounds: 0 <= i <= D;
          loop assigns i, cache[co .. co + D - 1];
          loop variant D - i;
      */
      for (i = 0u; i < D; i++) cache[co + i] = kv[ko + i];
      ko += D;
      co += S * D;
    }
  }
}

/* Why the pass checks a region right before the step that reads it, even
   where an earlier check or contract already gave its bound: the bound of
   a region of the arena is a fact about fa[o .. o + n - 1], and carrying it
   across the writes to the other regions costs the provers the layout's
   arithmetic at every step. A check is a read of n floats, small next to
   the matrix product that follows; the checks after a step that cannot
   leave the range never fail (marked "never"). */

/* A matrix product y = x W^T, split by output rows over par's threads
   (vik_par_rows runs it in this thread when the product is small;
   vik_wmat_rows: a row's bits do not depend on the split). */
typedef struct {
  float *y;
  const float *x;
  vik_wmat w;
  uint32_t T, n, m;
} mm_job;

static void mm_rows(void *a, uint32_t o0, uint32_t o1) {
  const mm_job *j = a;
  vik_wmat_rows(j->y, j->x, j->w, j->T, j->n, j->m, o0, o1);
}

#define MM_CONTRACT                                                                                         \
  requires dims: 1 <= T && 1 <= n <= VIK_K_MAX && 1 <= m && T * n <= VIK_MAT_MAX &&                        \
                 m * n <= VIK_MAT_MAX && T * m <= VIK_MAT_MAX;                                              \
  requires w: wmat_ok(w, m, n);                                                                             \
  requires valid_x: \valid_read(x + (0 .. T * n - 1));                                                      \
  requires valid_y: \valid(y + (0 .. T * m - 1));                                                           \
  requires sep: \separated(y + (0 .. T * m - 1), x + (0 .. T * n - 1));                                     \
  requires sep_w: wmat_sep(w, m, n, y, T * m) && wmat_sep(w, m, n, x, T * n);                               \
  requires bounded_x: act_ok(x, T * n);                                                                     \
  assigns y[0 .. T * m - 1];                                                                                \
  ensures fin: \forall integer t, o; 0 <= t < T && 0 <= o < m ==>                                          \
                 \is_finite(y[cell(t, m, o)]) && \abs(y[cell(t, m, o)]) <= 0x1p57;

/* The product over par's threads: the one function of the pass that WP
   does not prove, because it runs on POSIX threads (harness/par.c). Its
   contract is vik_wmat_matmul's, which it meets because vik_par_rows cuts
   [0, m) into disjoint ranges whose union is [0, m) and each range is a
   proved vik_wmat_rows call, whose fin clause covers its rows and whose
   writes stay in its rows (tests/test_par.c checks the cover and the bits;
   verified/NOTES.md, "Forward pass"). */
/*@ MM_CONTRACT */
/* NOLINTNEXTLINE(readability-non-const-parameter): y is written, by mm_rows through the job */
static void mm_split(vik_par *par, float *y, const float *x, vik_wmat w, uint32_t T, uint32_t n, uint32_t m) {
  mm_job j = {y, x, w, T, n, m};
  vik_par_rows(par, mm_rows, &j, m, (uint64_t)T * n * m);
}

/* One thread: the proved kernel itself. */
/*@ MM_CONTRACT */
static void mm(vik_par *par, float *y, const float *x, vik_wmat w, uint32_t T, uint32_t n, uint32_t m) {
  if (par == NULL)
    vik_wmat_matmul(y, x, w, T, n, m);
  else
    mm_split(par, y, x, w, T, n, m);
}

/* The steps of vik_ffn_swiglu (kernels/ffn.c) with its three products
   through mm: the same kernels, checks and bits. A proved kernel cannot
   take the dispatcher (a function pointer needs WP calls clauses for every
   target), hence the copy of its six lines here (and of its contract). */
/*@ requires dims: 1 <= T && 1 <= dim <= VIK_K_MAX && 1 <= hidden <= VIK_K_MAX &&
                   T * dim <= VIK_MAT_MAX && T * hidden <= VIK_MAT_MAX && hidden * dim <= VIK_MAT_MAX;
    requires w: wmat_ok(w1, hidden, dim) && wmat_ok(w3, hidden, dim) && wmat_ok(w2, dim, hidden);
    requires valid: \valid_read(x + (0 .. T * dim - 1)) && \valid(y + (0 .. T * dim - 1)) &&
                    \valid(h1 + (0 .. T * hidden - 1)) && \valid(h3 + (0 .. T * hidden - 1));
    requires sep: \separated(y + (0 .. T * dim - 1), h1 + (0 .. T * hidden - 1), h3 + (0 .. T * hidden - 1),
                             x + (0 .. T * dim - 1));
    requires sep_w: wmat_sep(w1, hidden, dim, y, T * dim) && wmat_sep(w1, hidden, dim, h1, T * hidden) &&
                    wmat_sep(w1, hidden, dim, h3, T * hidden) && wmat_sep(w3, hidden, dim, y, T * dim) &&
                    wmat_sep(w3, hidden, dim, h1, T * hidden) && wmat_sep(w3, hidden, dim, h3, T * hidden) &&
                    wmat_sep(w2, dim, hidden, y, T * dim) && wmat_sep(w2, dim, hidden, h1, T * hidden) &&
                    wmat_sep(w2, dim, hidden, h3, T * hidden) && wmat_sep(w1, hidden, dim, x, T * dim) &&
                    wmat_sep(w3, hidden, dim, x, T * dim);
    requires bounded_x: act_ok(x, T * dim);
    assigns y[0 .. T * dim - 1], h1[0 .. T * hidden - 1], h3[0 .. T * hidden - 1];
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
    ensures ok: \result == VIK_OK ==> act_ok(y, T * dim);
*/
static int ffn(vik_par *par, float *y, const float *x, vik_wmat w1, vik_wmat w2, vik_wmat w3, uint32_t T,
               uint32_t dim, uint32_t hidden, float *h1, float *h3) {
  mm(par, h1, x, w1, T, dim, hidden);
  mm(par, h3, x, w3, T, dim, hidden);
  if (vik_swiglu_rows(h1, h3, T, hidden) != VIK_OK) return VIK_ERANGE;
  if (vik_act_ok(h1, T * hidden) != VIK_OK) return VIK_ERANGE;
  mm(par, y, h1, w2, T, hidden, dim);
  return vik_act_ok(y, T * dim);
}

/* 1 iff 0 <= w <= 1 (NaN fails both comparisons); behaviours by class of
   w, the shape of ffn.c's within. */
/*@ assigns \nothing;
    behavior in:  assumes \is_finite(w) && 0 <= w <= 1;
                  ensures \result == 1;
    behavior out: assumes \is_finite(w) && !(0 <= w <= 1);
                  ensures \result == 0;
    behavior nan: assumes \is_NaN(w);
                  ensures \result == 0;
    behavior inf: assumes \is_infinite(w);
                  ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
static int in_unit(float w) { return w >= 0.0f && w <= 1.0f; }

/* VIK_OK iff every idx[q] < E and every wts[q] is in [0, 1]. */
/*@ requires valid: \valid_read(idx + (0 .. n - 1)) && \valid_read(wts + (0 .. n - 1));
    assigns \nothing;
    ensures code: \result == VIK_OK || \result == VIK_EDOMAIN;
    ensures ok: \result == VIK_OK ==> \forall integer q; 0 <= q < n ==>
                  idx[q] < E && \is_finite(wts[q]) && 0 <= wts[q] <= 1;
*/
static int routed_ok(const uint32_t *idx, const float *wts, uint32_t n, uint32_t E) {
  uint32_t q;
  /*@ loop invariant bounds: 0 <= q <= n;
      loop invariant ok: \forall integer r; 0 <= r < q ==> idx[r] < E && \is_finite(wts[r]) && 0 <= wts[r] <= 1;
      loop assigns q;
      loop variant n - q;
  */
  for (q = 0u; q < n; q++)
    if (idx[q] >= E || in_unit(wts[q]) == 0) return VIK_EDOMAIN;
  return VIK_OK;
}

/* Route T tokens: token t's top K of E experts (softmax over its logits
   rl[t E ..], renormalised over the K chosen: Mixtral) into idx[t K ..]
   and wts[t K ..]; score is scratch. VIK_EDOMAIN when a row of logits has
   a NaN or no finite entry. The router's contract gives each row's range
   and weights, but carrying them row by row into facts on idx[0 .. T K - 1]
   needs the provers to find j = q - t K for each q, which they did not:
   routed_ok checks them instead (never fails; verified/NOTES.md). */
/*@ requires dims: 1 <= T && 1 <= K <= E && E <= VIK_MOE_EMAX && K <= VIK_MOE_KMAX && T * E <= VIK_MAT_MAX &&
                   T * K <= 0x1000000;
    requires valid: \valid(idx + (0 .. T * K - 1)) && \valid(wts + (0 .. T * K - 1)) && \valid(score + (0 .. E - 1)) &&
                    \valid_read(rl + (0 .. T * E - 1));
    requires sep: \separated(idx + (0 .. T * K - 1), wts + (0 .. T * K - 1), score + (0 .. E - 1), rl + (0 .. T * E - 1));
    assigns idx[0 .. T * K - 1], wts[0 .. T * K - 1], score[0 .. E - 1];
    ensures code: \result == VIK_OK || \result == VIK_EDOMAIN;
    ensures range: \result == VIK_OK ==> \forall integer q; 0 <= q < T * K ==> idx[q] < E;
    ensures weights: \result == VIK_OK ==> \forall integer q; 0 <= q < T * K ==> \is_finite(wts[q]) && 0 <= wts[q] <= 1;
*/
static int route(uint32_t *idx, float *wts, float *score, const float *rl, uint32_t T, uint32_t E, uint32_t K) {
  uint32_t t, ko = 0u, lo = 0u;
  /* offsets advance by rows (ko = t K, lo = t E): no uint32 product to unwrap */
  /*@ loop invariant bounds: 0 <= t <= T;
      loop invariant offsets: ko == t * K && lo == t * E;
      loop assigns t, ko, lo, idx[0 .. T * K - 1], wts[0 .. T * K - 1], score[0 .. E - 1];
      loop variant T - t;
  */
  for (t = 0u; t < T; t++) {
    //@ assert row: ko + K <= T * K && lo + E <= T * E;
    if (vik_route_softmax_topk(idx + ko, wts + ko, score, rl + lo, E, K, 1) != VIK_OK) return VIK_EDOMAIN;
    ko += K;
    lo += E;
  }
  return routed_ok(idx, wts, T * K, E);   /* never fails */
}

/* One expert's n tokens (slots sl[0 .. n - 1]) through its SwiGLU FFN
   w1, w2, w3: gathered from xb into xg, the results yg scattered into eo
   [T K, dim] by slot. */
/*@ requires dims: 1 <= n <= T && 1 <= dim <= VIK_K_MAX && 1 <= hidden <= VIK_K_MAX && 1 <= K &&
                   T * dim <= VIK_MAT_MAX && T * hidden <= VIK_MAT_MAX && hidden * dim <= VIK_MAT_MAX &&
                   T * K * dim <= VIK_MAT_MAX;
    requires w: wmat_ok(w1, hidden, dim) && wmat_ok(w3, hidden, dim) && wmat_ok(w2, dim, hidden) &&
                wmat_apart(w1, xb) && wmat_apart(w2, xb) && wmat_apart(w3, xb);
    requires valid: \valid_read(xb + (0 .. T * dim - 1)) && \valid(eo + (0 .. T * K * dim - 1)) &&
                    \valid(xg + (0 .. T * dim - 1)) && \valid(yg + (0 .. T * dim - 1)) &&
                    \valid(h1 + (0 .. T * hidden - 1)) && \valid(h3 + (0 .. T * hidden - 1)) &&
                    \valid_read(sl + (0 .. n - 1));
    requires sep: \separated(xb + (0 .. T * dim - 1), eo + (0 .. T * K * dim - 1), xg + (0 .. T * dim - 1),
                             yg + (0 .. T * dim - 1), h1 + (0 .. T * hidden - 1), h3 + (0 .. T * hidden - 1));
    requires arena: in_arena(eo, xb) && in_arena(xg, xb) && in_arena(yg, xb) && in_arena(h1, xb) && in_arena(h3, xb);
    requires slots: \forall integer r; 0 <= r < n ==> sl[r] < T * K;
    requires apart_u: \base_addr(sl) != \base_addr(xb);
    requires tk: tk == T * K;
    assigns eo[0 .. T * K * dim - 1], xg[0 .. T * dim - 1], yg[0 .. T * dim - 1], h1[0 .. T * hidden - 1],
            h3[0 .. T * hidden - 1];
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
*/
static int one_expert(vik_par *par, float *eo, const float *xb, vik_wmat w1, vik_wmat w2, vik_wmat w3,
                      const uint32_t *sl, uint32_t n, float *xg, float *yg, float *h1, float *h3, uint32_t T,
                      uint32_t dim, uint32_t hidden, uint32_t K, uint32_t tk) {
  int rc;
  //@ assert nrows: n * dim <= T * dim && n * hidden <= T * hidden;
  if (vik_act_ok(xb, T * dim) != VIK_OK) return VIK_ERANGE;   /* never */
  vik_gather_rows(xg, xb, sl, n, K, T, dim);
  if ((rc = ffn(par, yg, xg, w1, w2, w3, n, dim, hidden, h1, h3)) != VIK_OK) return rc;
  vik_scatter_rows(eo, yg, sl, n, tk, dim);
  return VIK_OK;
}

/* Each expert's tokens (slots list[off[e] .. off[e + 1] - 1], from
   vik_moe_group) through its SwiGLU FFN: gathered from xb into xg, the
   results yg scattered into eo [T K, dim] by slot (rows of no slot are
   left as they are). */
/*@ requires dims: 1 <= T && 1 <= dim <= VIK_K_MAX && 1 <= hidden <= VIK_K_MAX && 1 <= K && 1 <= E <= VIK_MOE_EMAX &&
                   T * dim <= VIK_MAT_MAX && T * hidden <= VIK_MAT_MAX && hidden * dim <= VIK_MAT_MAX &&
                   T * K * dim <= VIK_MAT_MAX && T * K <= 0x1000000;
    requires experts: \valid_read(experts + (0 .. 3 * E - 1)) &&
      // descriptor j: expert j / 3's w1 (j % 3 == 0), w2 (1) or w3 (2); indexed
      // by j itself, so that the provers match experts[j] without arithmetic
      \forall integer j; 0 <= j < 3 * E ==>
        wmat_ok(experts[j], j % 3 == 1 ? dim : hidden, j % 3 == 1 ? hidden : dim) && wmat_apart(experts[j], xb);
    requires valid: \valid_read(xb + (0 .. T * dim - 1)) && \valid(eo + (0 .. T * K * dim - 1)) &&
                    \valid(xg + (0 .. T * dim - 1)) && \valid(yg + (0 .. T * dim - 1)) &&
                    \valid(h1 + (0 .. T * hidden - 1)) && \valid(h3 + (0 .. T * hidden - 1)) &&
                    \valid_read(off + (0 .. E)) && \valid_read(list + (0 .. T * K - 1));
    requires sep: \separated(xb + (0 .. T * dim - 1), eo + (0 .. T * K * dim - 1), xg + (0 .. T * dim - 1),
                             yg + (0 .. T * dim - 1), h1 + (0 .. T * hidden - 1), h3 + (0 .. T * hidden - 1));
    requires arena: in_arena(eo, xb) && in_arena(xg, xb) && in_arena(yg, xb) && in_arena(h1, xb) && in_arena(h3, xb);
    requires groups: \forall integer e; 0 <= e < E ==> off[e] <= off[e + 1] <= T * K;
    requires slots: \forall integer e, r; 0 <= e < E && off[e] <= r < off[e + 1] ==> list[r] < T * K;
    requires apart_u: \base_addr(off) != \base_addr(xb) && \base_addr(list) != \base_addr(xb);
    assigns eo[0 .. T * K * dim - 1], xg[0 .. T * dim - 1], yg[0 .. T * dim - 1], h1[0 .. T * hidden - 1],
            h3[0 .. T * hidden - 1];
    ensures code: \result == VIK_OK || \result == VIK_ERANGE || \result == VIK_EDOMAIN;
*/
static int run_experts(vik_par *par, float *eo, const float *xb, const vik_wmat *experts, const uint32_t *off,
                       const uint32_t *list, float *xg, float *yg, float *h1, float *h3, uint32_t T, uint32_t dim,
                       uint32_t hidden, uint32_t E, uint32_t K) {
  uint32_t e, we = 0u, tk = T * K;
  //@ assert tk: tk == T * K;
  /* we = 3 e, the expert's first matrix: the requires' own term */
  /*@ loop invariant bounds: 0 <= e <= E;
      loop invariant we: we == 3 * e;
      loop assigns e, we, eo[0 .. T * K * dim - 1], xg[0 .. T * dim - 1], yg[0 .. T * dim - 1],
                   h1[0 .. T * hidden - 1], h3[0 .. T * hidden - 1];
      loop variant E - e;
  */
  for (e = 0u; e < E; e++) {
    uint32_t o = off[e], n = off[e + 1u] - o;
    int rc;
    if (n == 0u) {
      we += 3u;
      continue;
    }
    /* an expert gets each token at most once (the top-k indices of a token
       are distinct), so n <= T and its rows fit the T-row scratch; the
       router's contract does not say so, hence the check (never) */
    if (n > T) return VIK_EDOMAIN;
    //@ assert slots: o + n <= T * K;
    //@ assert in: \forall integer r; 0 <= r < n ==> list[o + r] < T * K;
    /* the requires' instance for this expert in the entry state (no frame),
       then each descriptor's across the loop's writes, one at a time (the
       three at once, or under the quantifier, timed out) */
    /*@ assert pre: \let k = we; \at(wmat_ok(experts[k], hidden, dim) && wmat_ok(experts[k + 1], dim, hidden) &&
                                      wmat_ok(experts[k + 2], hidden, dim), Pre); */
    //@ assert w1: wmat_ok(experts[we], hidden, dim);
    //@ assert w2: wmat_ok(experts[we + 1], dim, hidden);
    //@ assert w3: wmat_ok(experts[we + 2], hidden, dim);
    rc = one_expert(par, eo, xb, experts[we], experts[we + 1u], experts[we + 2u], list + o, n, xg, yg, h1, h3, T, dim,
                    hidden, K, tk);
    if (rc != VIK_OK) return rc;
    we += 3u;
  }
  return VIK_OK;
}

/* The experts' facts, restated after each step that writes the arena:
   across one step's writes the provers carry the quantified fact in a few
   seconds; across all of them at once (the call of run_experts) they timed
   out (verified/NOTES.md). */
#define EXPERTS_OK \
  (\forall integer j; 0 <= j < 3 * E ==> wmat_ok(experts[j], j % 3 == 1 ? dim : hidden, j % 3 == 1 ? hidden : dim))

/* The MoE feed-forward half of a Mixtral layer on the T rows of x: xb =
   RMSNorm(x), router logits rl, route, the experts, the combine in rank
   order into ff, residual. The regions come as pointers and the sizes as
   integers, as in dense_half. */
/*@ requires dims: 1 <= T && 1 <= dim <= VIK_NN_MAX && 1 <= hidden <= VIK_K_MAX && 1 <= K <= E &&
                   E <= VIK_MOE_EMAX && K <= VIK_MOE_KMAX && T * dim <= VIK_MAT_MAX && T * hidden <= VIK_MAT_MAX &&
                   hidden * dim <= VIK_MAT_MAX && T * K * dim <= VIK_MAT_MAX && T * E <= VIK_MAT_MAX &&
                   E * dim <= VIK_MAT_MAX && T * K <= 0x1000000;
    requires eps: \is_finite(eps) && 0x1p-40 <= eps <= 1;
    requires norm: \valid_read(nw + (0 .. dim - 1)) && bounded_f32(nw, dim) && \base_addr(nw) != \base_addr(xb);
    requires router: wmat_ok(router, E, dim) && wmat_apart(router, xb);
    requires experts: \valid_read(experts + (0 .. 3 * E - 1)) &&
      \forall integer j; 0 <= j < 3 * E ==>
        wmat_ok(experts[j], j % 3 == 1 ? dim : hidden, j % 3 == 1 ? hidden : dim) && wmat_apart(experts[j], xb);
    requires valid: \valid(x + (0 .. T * dim - 1)) && \valid(xb + (0 .. T * dim - 1)) && \valid(ff + (0 .. T * dim - 1)) &&
                    \valid(rl + (0 .. T * E - 1)) && \valid(score + (0 .. E - 1)) && \valid(wts + (0 .. T * K - 1)) &&
                    \valid(eo + (0 .. T * K * dim - 1)) && \valid(xg + (0 .. T * dim - 1)) &&
                    \valid(yg + (0 .. T * dim - 1)) && \valid(h1 + (0 .. T * hidden - 1)) &&
                    \valid(h3 + (0 .. T * hidden - 1));
    requires valid_u: \valid(idx + (0 .. T * K - 1)) && \valid(off + (0 .. E)) && \valid(list + (0 .. T * K - 1));
    requires sep: \separated(x + (0 .. T * dim - 1), xb + (0 .. T * dim - 1), ff + (0 .. T * dim - 1), rl + (0 .. T * E - 1),
                             score + (0 .. E - 1), wts + (0 .. T * K - 1), eo + (0 .. T * K * dim - 1),
                             xg + (0 .. T * dim - 1), yg + (0 .. T * dim - 1), h1 + (0 .. T * hidden - 1),
                             h3 + (0 .. T * hidden - 1));
    requires sep_u: \separated(idx + (0 .. T * K - 1), off + (0 .. E), list + (0 .. T * K - 1));
    // the descriptors in other blocks than the routing indices
    requires apart_u: \base_addr(experts) != \base_addr(idx) && \base_addr(experts) != \base_addr(off) &&
                      \base_addr(experts) != \base_addr(list) && \base_addr(idx) != \base_addr(xb) &&
                      \base_addr(off) == \base_addr(idx) && \base_addr(list) == \base_addr(idx);
    requires arena: in_arena(x, xb) && in_arena(ff, xb) && in_arena(rl, xb) && in_arena(score, xb) && in_arena(wts, xb) &&
                    in_arena(eo, xb) && in_arena(xg, xb) && in_arena(yg, xb) && in_arena(h1, xb) && in_arena(h3, xb);
    assigns x[0 .. T * dim - 1], xb[0 .. T * dim - 1], ff[0 .. T * dim - 1], rl[0 .. T * E - 1], score[0 .. E - 1],
            wts[0 .. T * K - 1], eo[0 .. T * K * dim - 1], xg[0 .. T * dim - 1], yg[0 .. T * dim - 1],
            h1[0 .. T * hidden - 1], h3[0 .. T * hidden - 1], idx[0 .. T * K - 1], off[0 .. E], list[0 .. T * K - 1],
            __fc_errno;
    ensures code: \result == VIK_OK || \result == VIK_ERANGE || \result == VIK_EDOMAIN;
*/
static int moe_half(vik_par *par, float *x, float *xb, float *ff, const float *nw, vik_wmat router,
                    const vik_wmat *experts, float *rl, float *score, float *wts, float *eo, float *xg, float *yg,
                    float *h1, float *h3, uint32_t *idx, uint32_t *off, uint32_t *list, uint32_t T, uint32_t dim,
                    uint32_t hidden, uint32_t E, uint32_t K, float eps) {
  uint32_t i, tk, neo;
  int rc;
  if ((rc = norm_rows(xb, x, nw, T, dim, eps)) != VIK_OK) return rc;
  //@ assert ex1: EXPERTS_OK;
  mm(par, rl, xb, router, T, dim, E);
  //@ assert ex2: EXPERTS_OK;
  /* the router's logits in the activation range, like every activation */
  if (vik_act_ok(rl, T * E) != VIK_OK) return VIK_ERANGE;
  if ((rc = route(idx, wts, score, rl, T, E, K)) != VIK_OK) return rc;
  //@ assert ex3: EXPERTS_OK;
  if (vik_moe_group(off, list, idx, E, K, T) != VIK_OK) return VIK_EDOMAIN;   /* never */
  //@ assert ex4: EXPERTS_OK;
  /* eo's rows of no slot (none: every slot is listed) stay zero */
  tk = T * K;
  //@ assert tk: tk == T * K;
  neo = tk * dim;
  //@ assert neo: neo == T * K * dim;
  /*@ loop invariant bounds: 0 <= i <= neo;
      loop assigns i, eo[0 .. neo - 1];
      loop variant neo - i;
  */
  for (i = 0u; i < neo; i++) eo[i] = 0.0f;
  //@ assert ex5: EXPERTS_OK;
  if ((rc = run_experts(par, eo, xb, experts, off, list, xg, yg, h1, h3, T, dim, hidden, E, K)) != VIK_OK) return rc;
  if (vik_act_ok(eo, T * K * dim) != VIK_OK) return VIK_ERANGE;
  vik_moe_combine(ff, eo, wts, T, K, dim);
  /* the combine bounds ff by 2^26 only: this check can fail; x's never does (norm_rows) */
  if (vik_act_ok(ff, T * dim) != VIK_OK || vik_act_ok(x, T * dim) != VIK_OK) return VIK_ERANGE;
  return vik_residual(x, ff, T * dim);
}

/* The attention half of a layer on the T rows of x: xb = RMSNorm(x), q k v,
   RoPE, k v into the layer's cache slices kc, vc [G, S, D], attention,
   output projection into ff, residual. The regions come as pointers, as in
   dense_half, each sized for Tm rows (the plan's Tmax: in vik_forward they
   are then the plan's regions exactly, adjacent, with no product to bound);
   this call uses T of them. */
/*@ requires dims: 1 <= T <= Tm && 1 <= dim <= VIK_NN_MAX && 1 <= G <= H <= 1024 && H % G == 0 &&
                   2 <= D <= VIK_HEAD_DIM_MAX && D % 2 == 0 && H * D <= VIK_K_MAX && pos0 < S && T <= S - pos0 &&
                   S <= VIK_CTX_MAX && Tm * dim <= VIK_MAT_MAX && Tm * H * D <= VIK_MAT_MAX &&
                   H * D * dim <= VIK_MAT_MAX && G * S * D <= VIK_MAT_MAX && S * (D / 2) <= VIK_MAT_MAX;
    requires eps: \is_finite(eps) && 0x1p-40 <= eps <= 1;
    requires w: wmat_ok(wq, H * D, dim) && wmat_ok(wk, G * D, dim) && wmat_ok(wv, G * D, dim) &&
                wmat_ok(wo, dim, H * D) && \valid_read(nw + (0 .. dim - 1)) && bounded_f32(nw, dim);
    requires rope: \valid_read(rc + (0 .. S * (D / 2) - 1)) && \valid_read(rs + (0 .. S * (D / 2) - 1)) &&
                   unit_f32(rc, S * (D / 2)) && unit_f32(rs, S * (D / 2));
    requires valid: \valid(x + (0 .. Tm * dim - 1)) && \valid(xb + (0 .. Tm * dim - 1)) &&
                    \valid(qt + (0 .. Tm * H * D - 1)) && \valid(kt + (0 .. Tm * G * D - 1)) &&
                    \valid(vt + (0 .. Tm * G * D - 1)) && \valid(qh + (0 .. Tm * H * D - 1)) &&
                    \valid(ah + (0 .. Tm * H * D - 1)) && \valid(att + (0 .. Tm * H * D - 1)) &&
                    \valid(ff + (0 .. Tm * dim - 1)) && \valid(aw + (0 .. 4 * S - 1)) &&
                    \valid(kc + (0 .. G * S * D - 1)) && \valid(vc + (0 .. G * S * D - 1));
    requires sep: \separated(x + (0 .. Tm * dim - 1), xb + (0 .. Tm * dim - 1), qt + (0 .. Tm * H * D - 1),
                             kt + (0 .. Tm * G * D - 1), vt + (0 .. Tm * G * D - 1), qh + (0 .. Tm * H * D - 1),
                             ah + (0 .. Tm * H * D - 1), att + (0 .. Tm * H * D - 1), ff + (0 .. Tm * dim - 1),
                             aw + (0 .. 4 * S - 1), kc + (0 .. G * S * D - 1), vc + (0 .. G * S * D - 1));
    requires arena: in_arena(xb, x) && in_arena(qt, x) && in_arena(kt, x) && in_arena(vt, x) && in_arena(qh, x) &&
                    in_arena(ah, x) && in_arena(att, x) && in_arena(ff, x) && in_arena(aw, x) && in_arena(kc, x) &&
                    in_arena(vc, x);
    requires apart: wmat_apart(wq, x) && wmat_apart(wk, x) && wmat_apart(wv, x) && wmat_apart(wo, x) &&
                    \base_addr(nw) != \base_addr(x) && \base_addr(rc) != \base_addr(x) && \base_addr(rs) != \base_addr(x);
    assigns x[0 .. Tm * dim - 1], xb[0 .. Tm * dim - 1], qt[0 .. Tm * H * D - 1], kt[0 .. Tm * G * D - 1],
            vt[0 .. Tm * G * D - 1], qh[0 .. Tm * H * D - 1], ah[0 .. Tm * H * D - 1], att[0 .. Tm * H * D - 1],
            ff[0 .. Tm * dim - 1], aw[0 .. 4 * S - 1], kc[0 .. G * S * D - 1], vc[0 .. G * S * D - 1], __fc_errno;
    ensures code: \result == VIK_OK || \result == VIK_ERANGE || \result == VIK_EDOMAIN;
*/
static int attn_half(vik_par *par, float *x, float *xb, float *qt, float *kt, float *vt, float *qh, float *ah,
                     float *att, float *ff, float *aw, float *kc, float *vc, const float *nw, vik_wmat wq, vik_wmat wk,
                     vik_wmat wv, vik_wmat wo, const float *rc, const float *rs, uint32_t T, uint32_t Tm, uint32_t dim,
                     uint32_t H, uint32_t G, uint32_t D, uint32_t S, uint32_t pos0, uint32_t W, float eps) {
  uint32_t qd = H * D, kvd = G * D, gs, gsd;
  int rc_;
  (void)Tm;                                /* only the contract uses it */
  //@ assert qd: qd == H * D && kvd == G * D && kvd <= qd;
  /* the regions hold Tm rows; this call uses T of them */
  //@ assert rows_x: T * dim <= Tm * dim;
  //@ assert rows_q: T * qd <= Tm * qd;
  //@ assert rows_kv: T * kvd <= Tm * kvd;
  //@ assert heads: Tm * H * D == Tm * qd && Tm * G * D == Tm * kvd && H * T * D == T * qd && G * T * D == T * kvd;
  //@ assert wk: kvd * dim <= qd * dim && qd * dim == H * D * dim;
  //@ assert gs_le: G * S <= G * S * D;
  gs = G * S;
  gsd = gs * D;
  //@ assert gsd: gsd == G * S * D;
  //@ assert wo0: wmat_ok(wo, dim, qd);
  if ((rc_ = norm_rows(xb, x, nw, T, dim, eps)) != VIK_OK) return rc_;
  mm(par, qt, xb, wq, T, dim, qd);
  mm(par, kt, xb, wk, T, dim, kvd);
  mm(par, vt, xb, wv, T, dim, kvd);
  //@ assert wo1: wmat_ok(wo, dim, qd);
  if ((rc_ = rope_rows(qt, T, H, D, pos0, S, rc, rs)) != VIK_OK) return rc_;
  //@ assert wo2: wmat_ok(wo, dim, qd);
  if ((rc_ = rope_rows(kt, T, G, D, pos0, S, rc, rs)) != VIK_OK) return rc_;
  //@ assert wo3: wmat_ok(wo, dim, qd);
  /* only checked rows enter the cache */
  if (vik_act_ok(vt, T * kvd) != VIK_OK) return VIK_ERANGE;
  to_cache(kc, kt, T, G, D, pos0, S);
  //@ assert wo4: wmat_ok(wo, dim, qd);
  to_cache(vc, vt, T, G, D, pos0, S);
  //@ assert wo5: wmat_ok(wo, dim, qd);
  transpose(qh, qt, T, H, D);            /* [T, H, D] -> [H, T, D] */
  //@ assert wo6: wmat_ok(wo, dim, qd);
  /* the cache's bound is not carried from call to call (vik_model_reset);
     qh is a copy of checked rows (never) */
  if (vik_act_ok(qh, T * qd) != VIK_OK || vik_act_ok(kc, gsd) != VIK_OK || vik_act_ok(vc, gsd) != VIK_OK)
    return VIK_ERANGE;
  if ((rc_ = vik_attention(ah, qh, kc, vc, H, G, D, T, pos0, S, W, NULL, aw)) != VIK_OK) return rc_;
  //@ assert wo7: wmat_ok(wo, dim, qd);
  transpose(att, ah, H, T, D);           /* [H, T, D] -> [T, H, D] */
  //@ assert wo8: wmat_ok(wo, dim, qd);
  if (vik_act_ok(att, T * qd) != VIK_OK) return VIK_ERANGE;
  mm(par, ff, att, wo, T, qd, dim);
  if (vik_act_ok(ff, T * dim) != VIK_OK || vik_act_ok(x, T * dim) != VIK_OK) return VIK_ERANGE;
  return vik_residual(x, ff, T * dim);
}

/* The dense feed-forward half of a Llama layer on the T rows of x:
   RMSNorm, the SwiGLU FFN, residual. The regions come as pointers into the
   arena (apart from every weight: a different block) and the sizes as
   integers, so that no goal here needs the plan's layout or the layer's
   predicates (with them in the context, even T dim <= Tmax dim timed out:
   verified/NOTES.md, "Forward pass"). */
/*@ requires dims: 1 <= T && 1 <= dim <= VIK_NN_MAX && 1 <= hidden <= VIK_K_MAX && T * dim <= VIK_MAT_MAX &&
                   T * hidden <= VIK_MAT_MAX && hidden * dim <= VIK_MAT_MAX;
    requires eps: \is_finite(eps) && 0x1p-40 <= eps <= 1;
    requires w: wmat_ok(w1, hidden, dim) && wmat_ok(w3, hidden, dim) && wmat_ok(w2, dim, hidden) &&
                \valid_read(nw + (0 .. dim - 1)) && bounded_f32(nw, dim);
    requires valid: \valid(x + (0 .. T * dim - 1)) && \valid(xb + (0 .. T * dim - 1)) && \valid(ff + (0 .. T * dim - 1)) &&
                    \valid(h1 + (0 .. T * hidden - 1)) && \valid(h3 + (0 .. T * hidden - 1));
    requires sep: \separated(x + (0 .. T * dim - 1), xb + (0 .. T * dim - 1), ff + (0 .. T * dim - 1),
                             h1 + (0 .. T * hidden - 1), h3 + (0 .. T * hidden - 1));
    requires arena: in_arena(xb, x) && in_arena(ff, x) && in_arena(h1, x) && in_arena(h3, x);
    requires apart: wmat_apart(w1, x) && wmat_apart(w2, x) && wmat_apart(w3, x) && \base_addr(nw) != \base_addr(x);
    assigns x[0 .. T * dim - 1], xb[0 .. T * dim - 1], ff[0 .. T * dim - 1], h1[0 .. T * hidden - 1],
            h3[0 .. T * hidden - 1], __fc_errno;
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
*/
static int dense_half(vik_par *par, float *x, float *xb, float *ff, float *h1, float *h3, const float *nw,
                      vik_wmat w1, vik_wmat w2, vik_wmat w3, uint32_t T, uint32_t dim, uint32_t hidden, float eps) {
  int rc;
  if ((rc = norm_rows(xb, x, nw, T, dim, eps)) != VIK_OK) return rc;
  if ((rc = ffn(par, ff, xb, w1, w2, w3, T, dim, hidden, h1, h3)) != VIK_OK) return rc;
  if (vik_act_ok(x, T * dim) != VIK_OK) return VIK_ERANGE;   /* never: checked by norm_rows */
  return vik_residual(x, ff, T * dim);
}

/* x row t = embed row tok[t] (ids checked by the caller). */
/*@ requires dims: 1 <= T && 1 <= dim && 1 <= V && T * dim <= VIK_MAT_MAX && V * dim <= VIK_MAT_MAX;
    requires valid: \valid(x + (0 .. T * dim - 1)) && \valid_read(embed + (0 .. V * dim - 1)) && \valid_read(tok + (0 .. T - 1));
    requires sep: \separated(x + (0 .. T * dim - 1), embed + (0 .. V * dim - 1)) &&
                  \separated(x + (0 .. T * dim - 1), tok + (0 .. T - 1));
    requires ids: \forall integer t; 0 <= t < T ==> tok[t] < V;
    requires bounded: bounded_f32(embed, V * dim);
    assigns x[0 .. T * dim - 1];
    ensures x: act_ok(x, T * dim);
*/
static void embed_rows(float *x, const float *embed, const uint32_t *tok, uint32_t T, uint32_t dim, uint32_t V) {
  uint32_t t, i, xo = 0u;
  (void)V;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= t <= T;
      loop invariant xo: xo == t * dim;
      loop invariant x: act_ok(x, t * dim);
      loop assigns t, i, xo, x[0 .. T * dim - 1];
      loop variant T - t;
  */
  for (t = 0u; t < T; t++) {
    uint32_t eo = tok[t] * dim;
    //@ assert in: eo + dim <= V * dim && xo + dim <= T * dim;
    /*@ loop invariant bounds: 0 <= i <= dim;
        loop invariant x: act_ok(x, xo + i);
        loop assigns i, x[xo .. xo + dim - 1];
        loop variant dim - i;
    */
    for (i = 0u; i < dim; i++) x[xo + i] = embed[eo + i];
    xo += dim;
  }
}

/* The arena's regions for T tokens, in the forms the halves ask for: the
   plan's layout, its products and the layer's cache slices in a small
   context of their own, so that vik_forward's goals are instances of these
   ensures (with the layout in vik_forward's context, even T dim <= Tmax dim
   timed out: verified/NOTES.md, "Fifteenth session"). Nothing to run. */
#define GSD (c.n_kv_heads * p.S * c.head_dim)
#define AR (fa + (0 .. p.nf - 1))
#define RT(r, n) (fa + p.r + (0 .. (n) - 1))
#define RM(r, n) (fa + p.r + (0 .. p.Tmax * (n) - 1))
/* the plan's sizes nonnegative and its offsets in order (plan_layout's
   consequences that make every separation below linear in the sizes) */
#define PLAN_NONNEG                                                                                           \
  (0 <= p.Tmax * c.dim && 0 <= p.Tmax * c.n_heads * c.head_dim && 0 <= p.Tmax * c.n_kv_heads * c.head_dim && \
    0 <= p.Tmax * c.hidden && 0 <= p.Tmax * c.top_k * c.dim && 0 <= p.Tmax * c.n_experts &&              \
    0 <= p.Tmax * c.top_k && 0 <= GSD)
#define PLAN_ORDER                                                                                            \
  (p.kc <= p.vc <= p.x <= p.xb <= p.qt <= p.kt <= p.vt <= p.qh <= p.ah <= p.att <= p.ff <= p.h1 <= \
    p.h3 <= p.xg <= p.yg <= p.eo <= p.rl <= p.score <= p.wts <= p.aw <= p.logits <= p.nf)
/*@ requires layout: plan_layout(p, c);
    requires cfg: cfg_ok(c);
    requires T: 1 <= T <= p.Tmax;
    requires arena: \valid(fa + (0 .. p.nf - 1)) && \valid(fu + (0 .. p.nu - 1));
    assigns \nothing;
    ensures dims: T * c.dim <= VIK_MAT_MAX && T * c.hidden <= VIK_MAT_MAX && T * c.top_k * c.dim <= VIK_MAT_MAX &&
                  T * c.n_experts <= VIK_MAT_MAX && T * c.top_k <= 0x1000000 && T * c.vocab <= VIK_MAT_MAX &&
                  T * c.dim <= p.Tmax * c.dim;
    ensures attn_v: \valid(RM(x, c.dim)) && \valid(RM(xb, c.dim)) && \valid(RM(qt, c.n_heads * c.head_dim)) &&
                    \valid(RM(kt, c.n_kv_heads * c.head_dim)) && \valid(RM(vt, c.n_kv_heads * c.head_dim)) &&
                    \valid(RM(qh, c.n_heads * c.head_dim)) && \valid(RM(ah, c.n_heads * c.head_dim)) &&
                    \valid(RM(att, c.n_heads * c.head_dim)) && \valid(RM(ff, c.dim)) && \valid(RT(aw, 4 * p.S));
    ensures ffn_v: \valid(RT(x, T * c.dim)) && \valid(RT(xb, T * c.dim)) && \valid(RT(ff, T * c.dim)) &&
                   \valid(RT(rl, T * c.n_experts)) && \valid(RT(score, c.n_experts)) && \valid(RT(wts, T * c.top_k)) &&
                   \valid(RT(eo, T * c.top_k * c.dim)) && \valid(RT(xg, T * c.dim)) && \valid(RT(yg, T * c.dim)) &&
                   \valid(RT(h1, T * c.hidden)) && \valid(RT(h3, T * c.hidden));
    ensures ffn_sep: \separated(RT(x, T * c.dim), RT(xb, T * c.dim), RT(ff, T * c.dim), RT(rl, T * c.n_experts),
                                RT(score, c.n_experts), RT(wts, T * c.top_k), RT(eo, T * c.top_k * c.dim),
                                RT(xg, T * c.dim), RT(yg, T * c.dim), RT(h1, T * c.hidden), RT(h3, T * c.hidden));
    ensures dense_sep: \separated(RT(x, T * c.dim), RT(xb, T * c.dim), RT(ff, T * c.dim), RT(h1, T * c.hidden),
                                  RT(h3, T * c.hidden));
    ensures u: \valid(fu + p.idx + (0 .. T * c.top_k - 1)) && \valid(fu + p.off + (0 .. c.n_experts)) &&
               \valid(fu + p.list + (0 .. T * c.top_k - 1)) &&
               \separated(fu + p.idx + (0 .. T * c.top_k - 1), fu + p.off + (0 .. c.n_experts),
                          fu + p.list + (0 .. T * c.top_k - 1));
*/
/* NOLINTNEXTLINE(readability-non-const-parameter): fa and fu as the halves take them (the ensures) */
static void regions(vik_plan p, vik_config c, float *fa, uint32_t *fu, uint32_t T) {
  (void)p, (void)c, (void)fa, (void)fu, (void)T;   /* only the contract uses them */
  //@ assert nonneg: PLAN_NONNEG;
  //@ assert order: PLAN_ORDER;
  /* the products of T rows within the plan's Tmax rows (nonlinear) */
  //@ assert rows: T * c.dim <= p.Tmax * c.dim && T * c.hidden <= p.Tmax * c.hidden;
  //@ assert rows_e: T * c.n_experts <= p.Tmax * c.n_experts && T * c.top_k <= p.Tmax * c.top_k;
  //@ assert rows_k: T * c.top_k * c.dim <= p.Tmax * c.top_k * c.dim;
}

/* Layer l's cache slices [G, S, D] and the attention's other regions, as
   attn_half asks for them (no quantifier over l: the lemma slice_le of
   harness/model.h has its ground instance here). Nothing to run. */
/*@ requires layout: plan_layout(p, c);
    requires cfg: cfg_ok(c);
    requires l: l < c.n_layers;
    requires arena: \valid(fa + (0 .. p.nf - 1));
    assigns \nothing;
    ensures kv: \valid(fa + p.kc + l * GSD + (0 .. GSD - 1)) && \valid(fa + p.vc + l * GSD + (0 .. GSD - 1));
    ensures in: 0 <= l * GSD && p.kc + l * GSD + GSD <= p.vc && p.vc + l * GSD + GSD <= p.x && p.x <= p.nf;
    ensures sep: \separated(RM(x, c.dim), RM(xb, c.dim), RM(qt, c.n_heads * c.head_dim), RM(kt, c.n_kv_heads * c.head_dim),
                            RM(vt, c.n_kv_heads * c.head_dim), RM(qh, c.n_heads * c.head_dim), RM(ah, c.n_heads * c.head_dim),
                            RM(att, c.n_heads * c.head_dim), RM(ff, c.dim), RT(aw, 4 * p.S),
                            fa + p.kc + l * GSD + (0 .. GSD - 1), fa + p.vc + l * GSD + (0 .. GSD - 1));
    ensures sub: \subset(RM(x, c.dim), AR) && \subset(RM(xb, c.dim), AR) && \subset(RM(qt, c.n_heads * c.head_dim), AR) &&
                 \subset(RM(kt, c.n_kv_heads * c.head_dim), AR) && \subset(RM(vt, c.n_kv_heads * c.head_dim), AR) &&
                 \subset(RM(qh, c.n_heads * c.head_dim), AR) && \subset(RM(ah, c.n_heads * c.head_dim), AR) &&
                 \subset(RM(att, c.n_heads * c.head_dim), AR) && \subset(RM(ff, c.dim), AR) && \subset(RT(aw, 4 * p.S), AR);
*/
/* NOLINTNEXTLINE(readability-non-const-parameter): fa as attn_half takes it (the ensures) */
static void slice(vik_plan p, vik_config c, float *fa, uint32_t l) {
  (void)p, (void)c, (void)fa, (void)l;   /* only the contract uses them */
  //@ assert nonneg: PLAN_NONNEG;
  //@ assert order: PLAN_ORDER;
  //@ assert in: slice_in(l, c.n_layers, GSD);
  //@ assert vc: p.vc == p.kc + c.n_layers * GSD && p.x == p.vc + c.n_layers * GSD;
  //@ assert kc_in: 0 <= l * GSD && p.kc + l * GSD + GSD <= p.vc && p.vc + l * GSD + GSD <= p.x;
}
/* The steps of the pass, each with the plan's regions (regions, slice) in
   a context of its own: vik_forward's goals then see one call and its code
   per step, not the ~200 validity and separation facts of the regions (with
   them in its context, goals as trivial as l + 1 <= L timed out:
   verified/NOTES.md, "Seventeenth session"). */

/* x's T rows = the embedding rows of the tokens. */
/*@ requires layout: plan_layout(p, c);
    requires cfg: cfg_ok(c);
    requires T: 1 <= T <= p.Tmax;
    requires arena: \valid(fa + (0 .. p.nf - 1)) && \valid(fu + (0 .. p.nu - 1));
    requires embed: \valid_read(embed + (0 .. c.vocab * c.dim - 1)) && bounded_f32(embed, c.vocab * c.dim) &&
                    \base_addr(embed) != \base_addr(fa);
    requires tok: \valid_read(tok + (0 .. T - 1)) && \base_addr(tok) != \base_addr(fa);
    requires ids: \forall integer t; 0 <= t < T ==> tok[t] < c.vocab;
    assigns fa[0 .. p.nf - 1];
*/
/* NOLINTNEXTLINE(readability-non-const-parameter): fu as regions takes it */
static void embed_step(vik_plan p, vik_config c, float *fa, uint32_t *fu, const float *embed,
                       const uint32_t *tok, uint32_t T) {
  float *x = fa + p.x;   /* read before regions: its ensures are then about x */
  regions(p, c, fa, fu, T);
  embed_rows(x, embed, tok, T, c.dim, c.vocab);
}

/* Layer l's attention half on the plan's regions and its cache slices. */
/*@ requires layout: plan_layout(p, c);
    requires cfg: cfg_ok(c);
    requires T: 1 <= T <= p.Tmax && pos0 < p.S && T <= p.S - pos0;
    requires l: l < c.n_layers;
    requires arena: \valid(fa + (0 .. p.nf - 1)) && \valid(fu + (0 .. p.nu - 1));
    requires ly: layer_ok(ly, c) && layer_apart(ly, c, fa);
    requires rope: \valid_read(rc + (0 .. p.S * (c.head_dim / 2) - 1)) &&
                   \valid_read(rs + (0 .. p.S * (c.head_dim / 2) - 1)) &&
                   unit_f32(rc, p.S * (c.head_dim / 2)) && unit_f32(rs, p.S * (c.head_dim / 2)) &&
                   \base_addr(rc) != \base_addr(fa) && \base_addr(rs) != \base_addr(fa);
    assigns fa[0 .. p.nf - 1], __fc_errno;
    ensures code: \result == VIK_OK || \result == VIK_ERANGE || \result == VIK_EDOMAIN;
*/
/* NOLINTNEXTLINE(readability-non-const-parameter): fu as regions takes it */
static int attn_step(vik_par *par, vik_plan p, vik_config c, float *fa, uint32_t *fu, const vik_layer *ly,
                     const float *rc, const float *rs, uint32_t l, uint32_t T, uint32_t pos0) {
  uint32_t S = p.S, Tm = p.Tmax, gs, gsd;
  float *kc, *vc;
  float *x = fa + p.x, *xb = fa + p.xb, *qt = fa + p.qt, *kt = fa + p.kt, *vt = fa + p.vt, *qh = fa + p.qh;
  float *ah = fa + p.ah, *att = fa + p.att, *ff = fa + p.ff, *aw = fa + p.aw;
  /* every read of the plan and every product before regions and slice,
     whose ensures (validity, separation: ~100 facts) are then only in the
     context of the call's goals */
  //@ assert sz: S == p.S && c.n_kv_heads * S * c.head_dim <= VIK_MAT_MAX;
  //@ assert gs_in: slice_in(1, c.head_dim, c.n_kv_heads * S);
  //@ assert gs_le: c.n_kv_heads * S <= c.n_kv_heads * S * c.head_dim;
  //@ assert sd1: 0 <= c.head_dim / 2 <= 512 && S <= VIK_CTX_MAX;
  /* (D / 2) S <= 512 S, an instance of slice_le */
  //@ assert sd2: slice_in(c.head_dim / 2 - 1, 512, S);
  //@ assert sd: S * (c.head_dim / 2) <= VIK_MAT_MAX;
  gs = c.n_kv_heads * S;
  //@ assert gs: gs == c.n_kv_heads * S;
  gsd = gs * c.head_dim;   /* a layer's cache slice [G, S, D] */
  //@ assert gsd: gsd == GSD;
  kc = fa + p.kc + (uint64_t)l * gsd;
  vc = fa + p.vc + (uint64_t)l * gsd;
  regions(p, c, fa, fu, T);
  slice(p, c, fa, l);
  return attn_half(par, x, xb, qt, kt, vt, qh, ah, att, ff, aw, kc, vc, ly->attn_norm, ly->wq, ly->wk, ly->wv, ly->wo, rc,
                   rs, T, Tm, c.dim, c.n_heads, c.n_kv_heads, c.head_dim, S, pos0, c.window, c.eps);
}

/* The layer's feed-forward half: Mixtral's MoE or Llama's dense SwiGLU. */
/*@ requires layout: plan_layout(p, c);
    requires cfg: cfg_ok(c);
    requires T: 1 <= T <= p.Tmax;
    requires arena: \valid(fa + (0 .. p.nf - 1)) && \valid(fu + (0 .. p.nu - 1)) && \base_addr(fu) != \base_addr(fa);
    requires ly: layer_ok(ly, c) && layer_apart(ly, c, fa);
    requires apart_u: c.arch == VIK_ARCH_MIXTRAL ==> \base_addr(ly->experts) != \base_addr(fu);
    assigns fa[0 .. p.nf - 1], fu[0 .. p.nu - 1], __fc_errno;
    ensures code: \result == VIK_OK || \result == VIK_ERANGE || \result == VIK_EDOMAIN;
*/
static int ffn_step(vik_par *par, vik_plan p, vik_config c, float *fa, uint32_t *fu, const vik_layer *ly,
                    uint32_t T) {
  float *x = fa + p.x, *xb = fa + p.xb, *ff = fa + p.ff, *h1 = fa + p.h1, *h3 = fa + p.h3;
  float *rl = fa + p.rl, *score = fa + p.score, *wts = fa + p.wts, *eo = fa + p.eo, *xg = fa + p.xg;
  float *yg = fa + p.yg;
  uint32_t *idx = fu + p.idx, *off = fu + p.off, *list = fu + p.list;
  //@ assert ed1: 0 <= c.n_experts <= 512 && c.dim <= VIK_CFG_DIM_MAX;
  //@ assert ed2: c.n_experts * c.dim <= 512 * c.dim;
  //@ assert ed: c.n_experts * c.dim <= VIK_MAT_MAX;
  regions(p, c, fa, fu, T);   /* after the plan's reads, as in attn_step */
  if (c.arch == VIK_ARCH_MIXTRAL)
    return moe_half(par, x, xb, ff, ly->ffn_norm, ly->router, ly->experts, rl, score, wts, eo, xg, yg, h1, h3, idx,
                    off, list, T, c.dim, c.hidden, c.n_experts, c.top_k, c.eps);
  return dense_half(par, x, xb, ff, h1, h3, ly->ffn_norm, ly->w1, ly->w2, ly->w3, T, c.dim, c.hidden, c.eps);
}

/* The final RMSNorm and the LM head, for every row (all) or the last. */
/*@ requires layout: plan_layout(p, c);
    requires cfg: cfg_ok(c);
    requires T: 1 <= T <= p.Tmax;
    requires arena: \valid(fa + (0 .. p.nf - 1)) && \valid(fu + (0 .. p.nu - 1));
    requires norm: \valid_read(nw + (0 .. c.dim - 1)) && bounded_f32(nw, c.dim) && \base_addr(nw) != \base_addr(fa);
    requires head: wmat_ok(w, c.vocab, c.dim) && wmat_apart(w, fa) && wmat_apart(w, logits);
    requires logits: \valid(logits + (0 .. (all ? T : 1) * c.vocab - 1)) && \base_addr(logits) != \base_addr(fa);
    assigns fa[0 .. p.nf - 1], logits[0 .. (all ? T : 1) * c.vocab - 1], __fc_errno;
    ensures code: \result == VIK_OK || \result == VIK_ERANGE;
*/
/* NOLINTNEXTLINE(readability-non-const-parameter): fu as regions takes it */
static int head_step(vik_par *par, vik_plan p, vik_config c, float *fa, uint32_t *fu, const float *nw,
                     vik_wmat w, float *logits, uint32_t T, int all) {
  float *x = fa + p.x, *xb = fa + p.xb;
  int rc;
  //@ assert rows: T * c.dim <= p.Tmax * c.dim <= VIK_MAT_MAX && c.dim <= T * c.dim;
  regions(p, c, fa, fu, T);   /* after the plan's reads, as in attn_step */
  //@ assert head_v: wmat_v(w, c.vocab, c.dim);
  if ((rc = norm_rows(xb, x, nw, T, c.dim, c.eps)) != VIK_OK) return rc;
  /* w's facts carried over norm_rows' writes by wmat_frame (harness/model.h) */
  //@ assert frame: same_f32{Pre, Here}(fa) && same_u8{Pre, Here};
  //@ assert head: wmat_ok(w, c.vocab, c.dim);
  if (all) {
    if (vik_act_ok(xb, T * c.dim) != VIK_OK) return VIK_ERANGE;   /* never */
    mm(par, logits, xb, w, T, c.dim, c.vocab);
  } else {
    float *xl = xb + (T * c.dim - c.dim);   /* the last row */
    if (vik_act_ok(xl, c.dim) != VIK_OK) return VIK_ERANGE;   /* never */
    mm(par, logits, xl, w, 1u, c.dim, c.vocab);
  }
  return VIK_OK;
}

#undef GSD
#undef AR
#undef RT
#undef RM
#undef PLAN_NONNEG
#undef PLAN_ORDER

/* The model's facts the pass uses, from model_ok, model_apart and
   model_apart_u in a context of their own (in vik_forward's, their
   instances timed out): each weight's and table's, as pass requires them.
   Nothing to run. */
/*@ requires model: model_ok(m, p) && model_apart(m, fa) && model_apart_u(m, fu);
    assigns \nothing;
    ensures embed: \valid_read(m->embed + (0 .. m->cfg.vocab * m->cfg.dim - 1)) &&
                   bounded_f32(m->embed, m->cfg.vocab * m->cfg.dim) && \base_addr(m->embed) != \base_addr(fa);
    ensures layers: \valid_read(m->layers + (0 .. m->cfg.n_layers - 1));
    ensures layer_ok: \forall integer k; 0 <= k < m->cfg.n_layers ==> layer_ok(m->layers + k, m->cfg);
    ensures layer_apart: \forall integer k; 0 <= k < m->cfg.n_layers ==> layer_apart(m->layers + k, m->cfg, fa);
    ensures layer_u: \forall integer k; 0 <= k < m->cfg.n_layers ==>
                       (m->cfg.arch == VIK_ARCH_MIXTRAL ==> \base_addr(m->layers[k].experts) != \base_addr(fu));
    ensures rope: \valid_read(m->rope_cos + (0 .. p->S * (m->cfg.head_dim / 2) - 1)) &&
                  \valid_read(m->rope_sin + (0 .. p->S * (m->cfg.head_dim / 2) - 1)) &&
                  unit_f32(m->rope_cos, p->S * (m->cfg.head_dim / 2)) &&
                  unit_f32(m->rope_sin, p->S * (m->cfg.head_dim / 2)) &&
                  \base_addr(m->rope_cos) != \base_addr(fa) && \base_addr(m->rope_sin) != \base_addr(fa);
    ensures norm: \valid_read(m->norm + (0 .. m->cfg.dim - 1)) && bounded_f32(m->norm, m->cfg.dim) &&
                  \base_addr(m->norm) != \base_addr(fa);
    ensures head: wmat_ok(m->lm_head, m->cfg.vocab, m->cfg.dim) && wmat_apart(m->lm_head, fa);
    ensures cfg: cfg_ok(m->cfg);
*/
static void facts(const vik_model *m, const vik_plan *p, const float *fa, const uint32_t *fu) {
  (void)m, (void)p, (void)fa, (void)fu;   /* only the contract uses them */
}

/* The pass after vik_forward's checks: embedding, layers, head. The
   model's facts come as facts' ensures (no model_ok to unfold here), so
   that the frames of a layer's facts across the arena's writes are small
   goals. */
/*@ requires layout: plan_layout(pl, c);
    requires cfg: cfg_ok(c);
    requires T: 1 <= T <= pl.Tmax && pos0 < pl.S && T <= pl.S - pos0;
    requires arena: \valid(fa + (0 .. pl.nf - 1)) && \valid(fu + (0 .. pl.nu - 1)) && \base_addr(fu) != \base_addr(fa);
    requires m: \valid_read(m);
    requires embed: \valid_read(m->embed + (0 .. c.vocab * c.dim - 1)) && bounded_f32(m->embed, c.vocab * c.dim) &&
                    \base_addr(m->embed) != \base_addr(fa);
    requires tok: \valid_read(tok + (0 .. T - 1)) && \base_addr(tok) != \base_addr(fa);
    requires ids: \forall integer t; 0 <= t < T ==> tok[t] < c.vocab;
    requires layers: \valid_read(m->layers + (0 .. c.n_layers - 1));
    requires layer_ok: \forall integer k; 0 <= k < c.n_layers ==> layer_ok(m->layers + k, c);
    requires layer_apart: \forall integer k; 0 <= k < c.n_layers ==> layer_apart(m->layers + k, c, fa);
    requires layer_u: \forall integer k; 0 <= k < c.n_layers ==>
                        (c.arch == VIK_ARCH_MIXTRAL ==> \base_addr(m->layers[k].experts) != \base_addr(fu));
    requires rope: \valid_read(m->rope_cos + (0 .. pl.S * (c.head_dim / 2) - 1)) &&
                   \valid_read(m->rope_sin + (0 .. pl.S * (c.head_dim / 2) - 1)) &&
                   unit_f32(m->rope_cos, pl.S * (c.head_dim / 2)) && unit_f32(m->rope_sin, pl.S * (c.head_dim / 2)) &&
                   \base_addr(m->rope_cos) != \base_addr(fa) && \base_addr(m->rope_sin) != \base_addr(fa);
    requires norm: \valid_read(m->norm + (0 .. c.dim - 1)) && bounded_f32(m->norm, c.dim) &&
                   \base_addr(m->norm) != \base_addr(fa);
    requires head: wmat_ok(m->lm_head, c.vocab, c.dim) && wmat_apart(m->lm_head, fa) && wmat_apart(m->lm_head, logits);
    requires logits: \valid(logits + (0 .. (all ? T : 1) * c.vocab - 1)) && \base_addr(logits) != \base_addr(fa);
    assigns fa[0 .. pl.nf - 1], fu[0 .. pl.nu - 1], logits[0 .. (all ? T : 1) * c.vocab - 1], __fc_errno;
    ensures code: \result == VIK_OK || \result == VIK_ERANGE || \result == VIK_EDOMAIN;
*/
static int pass(const vik_model *m, vik_plan pl, vik_config c, float *fa, uint32_t *fu, const uint32_t *tok,
                uint32_t T, uint32_t pos0, float *logits, int all) {
  uint32_t l;
  embed_step(pl, c, fa, fu, m->embed, tok, T);
  /*@ loop invariant bounds: 0 <= l <= c.n_layers;
      loop assigns l, fa[0 .. pl.nf - 1], fu[0 .. pl.nu - 1], __fc_errno;
      loop variant c.n_layers - l;
  */
  for (l = 0u; l < c.n_layers; l++) {
    const vik_layer *ly = m->layers + l;
    int rc;
    /* the layer's facts at entry, carried to here by the frame lemmas
       (harness/model.h): the pass wrote only the arena */
    //@ assert pre: \let k = l; \at(layer_ok(m->layers + k, c) && layer_apart(m->layers + k, c, fa), Pre);
    //@ assert v: layer_v(ly, c);
    //@ assert frame: same_f32{Pre, Here}(fa) && same_rest{Pre, Here};
    //@ assert ok: layer_ok(ly, c);
    //@ assert rope: unit_f32(m->rope_cos, pl.S * (c.head_dim / 2)) && unit_f32(m->rope_sin, pl.S * (c.head_dim / 2));
    if ((rc = attn_step(m->par, pl, c, fa, fu, ly, m->rope_cos, m->rope_sin, l, T, pos0)) != VIK_OK) return rc;
    //@ assert frame2: same_f32{Pre, Here}(fa) && same_rest{Pre, Here};
    //@ assert ok2: layer_ok(ly, c);
    if ((rc = ffn_step(m->par, pl, c, fa, fu, ly, T)) != VIK_OK) return rc;
  }
  //@ assert frame3: same_f32{Pre, Here}(fa) && same_rest{Pre, Here};
  //@ assert norm: bounded_f32(m->norm, c.dim);
  //@ assert head_v: wmat_v(m->lm_head, c.vocab, c.dim);
  //@ assert head: wmat_ok(m->lm_head, c.vocab, c.dim);
  return head_step(m->par, pl, c, fa, fu, m->norm, m->lm_head, logits, T, all);
}

int vik_forward(const vik_model *m, const vik_plan *p, float *fa, uint32_t *fu, const uint32_t *tok, uint32_t T,
                uint32_t pos0, float *logits, int all_logits) {
  vik_config c;
  vik_plan pl;
  uint32_t t;
  /* an embedder's bug, refused before anything is written (fu too: the
     plan always has routing indices, and Mixtral writes them) */
  if (!m || !p || !fa || !fu || !tok || !logits) return VIK_EARG;
  /* copies: the pass reads the config and the plan as values, which no
     write to the arena can change (nothing for the provers to carry) */
  c = m->cfg;
  pl = *p;
  facts(m, p, fa, fu);
  if (T == 0u || T > pl.Tmax) return VIK_EARG;
  /*@ loop invariant bounds: 0 <= t <= T;
      loop invariant ids: \forall integer q; 0 <= q < t ==> tok[q] < c.vocab;
      loop assigns t;
      loop variant T - t;
  */
  for (t = 0u; t < T; t++)
    if (tok[t] >= c.vocab) return VIK_ETOKEN;
  if (pos0 >= pl.S || T > pl.S - pos0) return VIK_ECTX;
  return pass(m, pl, c, fa, fu, tok, T, pos0, logits, all_logits);
}
