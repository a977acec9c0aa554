/* vik MoE routing (see moe.h). */
#include "moe.h"
#include "float_logic.h"
#include "linear_logic.h"

/* a ranks before b: a > b as values, or equal values and the lower index */
/*@ requires \is_finite(sa) && \is_finite(sb);
    assigns \nothing;
    ensures rank: \result != 0 <==> (sa > sb || (sa == sb && a < b));
*/
static int ahead(float sa, float sb, uint32_t a, uint32_t b) {
  /* one comparison per path, and no C ==: IEEE == on floats is not the
     ACSL == of the contract to the provers; finite values that are neither
     > nor < are equal */
  if (sa > sb) return 1;
  if (sa < sb) return 0;
  return a < b;
}

void vik_topk(uint32_t *idx, const float *s, uint32_t E, uint32_t k) {
  uint32_t ord[VIK_MOE_EMAX];              /* a permutation of 0 .. E-1 */
  //@ ghost uint32_t pos[VIK_MOE_EMAX];    /* its inverse: ord[pos[e]] == e */
  uint32_t i, j, kk = k < E ? k : E;       /* k <= E by contract; kk says so to clang-analyzer */
  //@ assert kk: kk == k;
  /*@ loop invariant bounds: 0 <= i <= E;
      loop invariant id: \forall integer p; 0 <= p < i ==> ord[p] == p && pos[p] == p;
      loop assigns i, ord[0 .. E - 1], pos[0 .. E - 1];
      loop variant E - i;
  */
  for (i = 0u; i < E; i++) {
    ord[i] = i;
    //@ ghost pos[i] = i;
  }
  /* position j gets the best of positions j .. E-1 */
  /*@ loop invariant bounds: 0 <= j <= kk;
      loop invariant range: \forall integer p; 0 <= p < E ==> ord[p] < E;
      loop invariant inv: \forall integer e; 0 <= e < E ==> pos[e] < E && ord[pos[e]] == e;
      loop invariant distinct: \forall integer p, q; 0 <= p < q < E ==> ord[p] != ord[q];
      loop invariant ranked: \forall integer a, p; 0 <= a < j && a < p < E ==> before(s, ord[a], ord[p]);
      loop invariant out: \forall integer a; 0 <= a < j ==> idx[a] == ord[a];
      loop assigns j, i, ord[0 .. E - 1], pos[0 .. E - 1], idx[0 .. k - 1];
      loop variant kk - j;
  */
  for (j = 0u; j < kk; j++) {
    uint32_t b = j;
    /*@ loop invariant bounds: j + 1 <= i <= E && j <= b < i;
        loop invariant best: \forall integer q; j <= q < i ==> ord[b] == ord[q] || before(s, ord[b], ord[q]);
        loop assigns i, b;
        loop variant E - i;
    */
    for (i = j + 1u; i < E; i++)
      if (ahead(s[ord[i]], s[ord[b]], ord[i], ord[b])) b = i;
    uint32_t t = ord[j];
    //@ ghost pos[ord[b]] = j;
    //@ ghost pos[t] = b;
    ord[j] = ord[b];
    ord[b] = t;
    idx[j] = ord[j];
  }
  /*@ assert left: \forall integer e; 0 <= e < E ==> (\forall integer a; 0 <= a < k ==> idx[a] != e) ==>
                     k <= pos[e] && ord[pos[e]] == e; */
  /*@ assert best0: \forall integer a, e; 0 <= a < k && 0 <= e < E && k <= pos[e] ==>
                      before(s, ord[a], ord[pos[e]]); */
  /*@ assert best1: \forall integer a, e; 0 <= a < k && 0 <= e < E && k <= pos[e] && ord[pos[e]] == e ==>
                      before(s, ord[a], e); */
  /*@ assert best2: \forall integer a, e; 0 <= a < k && 0 <= e < E && k <= pos[e] && ord[pos[e]] == e ==>
                      before(s, idx[a], e); */
  /*@ assert best: \forall integer a, e; 0 <= a < k && 0 <= e < E ==>
                     (\forall integer b; 0 <= b < k ==> idx[b] != e) ==> before(s, idx[a], e); */
}

/* idx[j] = j, w[j] = 0: the defined output of a rejected row */
/*@ requires k: 1 <= k <= VIK_MOE_KMAX;
    requires valid: \valid(idx + (0 .. k - 1)) && \valid(w + (0 .. k - 1));
    requires sep: \separated(idx + (0 .. k - 1), w + (0 .. k - 1));
    assigns idx[0 .. k - 1], w[0 .. k - 1];
    ensures out: \forall integer j; 0 <= j < k ==> idx[j] == j && w[j] == 0;
*/
static void reject(uint32_t *idx, float *w, uint32_t k) {
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant out: \forall integer a; 0 <= a < j ==> idx[a] == a && w[a] == 0;
      loop assigns j, idx[0 .. k - 1], w[0 .. k - 1];
      loop variant k - j;
  */
  for (uint32_t j = 0u; j < k; j++) { idx[j] = j; w[j] = 0.0f; }
}

/* p / S clamped to [0, 1]: p <= S in exact arithmetic, so the clamp binds
   only within rounding; S >= 2^-100 keeps the quotient finite */
/*@ requires p: \is_finite(p) && 0 <= p <= 1;
    requires S: \is_finite(S) && 0x1p-100 <= S <= 64;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= 1;
*/
static float share(float p, float S) {
  float q = p / S;
  //@ assert q: \is_finite(q) && 0 <= q <= 0x1p100;
  return q > 1.0f ? 1.0f : q;
}

/* S + p for S <= 33 and p in [0, 1]: rounds by at most 2^-18 */
/*@ requires S: \is_finite(S) && 0 <= S <= 33;
    requires p: \is_finite(p) && 0 <= p <= 1;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0 <= \result <= S + p + 0x1p-18;
*/
static float acc_add(float S, float p) {
  float r = S + p;
  //@ assert err: \abs(rsub(r, S + p)) <= 0x1p-18;
  return r;
}

/* S >= 2^-100, as a fact on S's value */
/*@ requires \is_finite(S);
    assigns \nothing;
    ensures ge: \result != 0 <==> S >= 0x1p-100;
*/
static int at_least(float S) { return S >= 0x1p-100f; }

/* w[j] = s[idx[j]], divided by their sum (taken in rank order) when renorm:
   the weights of vik_route_softmax_topk, in a function of their own so that
   the router's topk(idx, s) crosses the writes of w as one call (its
   assigns clause) instead of through the loops (verified/NOTES.md). The
   sum is at least the largest chosen probability; a row of -inf only has
   S = 0 and gets w = 0 (the guard S >= 2^-100 also keeps the division
   finite for the proof). */
/*@ requires E: 1 <= E <= VIK_MOE_EMAX;
    requires k: 1 <= k <= E && k <= VIK_MOE_KMAX;
    requires valid: \valid_read(s + (0 .. E - 1)) && \valid_read(idx + (0 .. k - 1)) && \valid(w + (0 .. k - 1));
    requires sep: \separated(w + (0 .. k - 1), s + (0 .. E - 1), idx + (0 .. k - 1));
    requires range: \forall integer j; 0 <= j < k ==> idx[j] < E;
    requires probs: \forall integer i; 0 <= i < E ==> \is_finite(s[i]) && 0 <= s[i] <= 1;
    assigns w[0 .. k - 1];
    ensures plain: renorm == 0 ==> \forall integer j; 0 <= j < k ==> w[j] == s[idx[j]];
    ensures weights: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= 1;
*/
static void weigh(float *w, const float *s, const uint32_t *idx, uint32_t E, uint32_t k, int renorm) {
  float S = 0.0f;
  uint32_t j;
  (void)E;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant sum: \is_finite(S) && 0 <= S <= j * (1 + 0x1p-18);
      loop invariant plain: \forall integer a; 0 <= a < j ==> w[a] == s[idx[a]];
      loop invariant range: \forall integer a; 0 <= a < j ==> \is_finite(w[a]) && 0 <= w[a] <= 1;
      loop assigns j, S, w[0 .. k - 1];
      loop variant k - j;
  */
  for (j = 0u; j < k; j++) {
    w[j] = s[idx[j]];
    S = acc_add(S, w[j]);
  }
  if (renorm != 0) {
    int pos = at_least(S);                 /* false only for a row of -inf logits */
    /*@ loop invariant bounds: 0 <= j <= k;
        loop invariant range: \forall integer a; 0 <= a < k ==> \is_finite(w[a]) && 0 <= w[a] <= 1;
        loop assigns j, w[0 .. k - 1];
        loop variant k - j;
    */
    for (j = 0u; j < k; j++) w[j] = pos ? share(w[j], S) : 0.0f;
  }
}

int vik_route_softmax_topk(uint32_t *idx, float *w, float *score, const float *logits, uint32_t E,
                           uint32_t k, int renorm) {
  if (vik_softmax(score, logits, E) != VIK_OK) { reject(idx, w, k); return VIK_EDOMAIN; }
  vik_topk(idx, score, E, k);
  weigh(w, score, idx, E, k, renorm);
  return VIK_OK;
}

int vik_route_topk_softmax(uint32_t *idx, float *w, const float *logits, uint32_t E, uint32_t k) {
  uint32_t i, j;
  /*@ loop invariant bounds: 0 <= i <= E;
      loop invariant fin: \forall integer a; 0 <= a < i ==> logit_fin(logits[a]);
      loop assigns i;
      loop variant E - i;
  */
  for (i = 0u; i < E; i++)
    if (vik_logit_class(logits[i]) != 1) { reject(idx, w, k); return VIK_EDOMAIN; }
  vik_topk(idx, logits, E, k);
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant sel: \forall integer a; 0 <= a < j ==> w[a] == logits[idx[a]];
      loop invariant fin: \forall integer a; 0 <= a < j ==> logit_fin(w[a]);
      loop assigns j, w[0 .. k - 1];
      loop variant k - j;
  */
  for (j = 0u; j < k; j++) w[j] = logits[idx[j]];
  //@ assert row: row_ok(w, k);
  (void)vik_softmax(w, w, k);              /* VIK_OK: every entry in the domain */
  return VIK_OK;
}

/* ---- DeepSeek-V3 ---- */

/* Selection over n entries whose expert numbers are id[0 .. n-1]: ties go to
   the lower expert number, not the lower position. pick[] are positions.
   Proved: positions in range and pairwise distinct. Not yet proved (weaker
   contract, see verified/NOTES.md): the order, "no entry left out or ranked
   later comes strictly before"; the selection is vik_topk's (proved there)
   with expert numbers as the tie-break, and tests/oracle_moe.h checks it. */
/*@ requires n: 1 <= n <= VIK_MOE_EMAX;
    requires k: 1 <= k <= n && k <= VIK_MOE_KMAX;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid_read(id + (0 .. n - 1)) && \valid(pick + (0 .. k - 1));
    requires sep: \separated(pick + (0 .. k - 1), s + (0 .. n - 1), id + (0 .. n - 1));
    requires fin: fin_row(s, n);
    assigns pick[0 .. k - 1];
    ensures range: \forall integer j; 0 <= j < k ==> pick[j] < n;
    ensures distinct: \forall integer a, b; 0 <= a < b < k ==> pick[a] != pick[b];
*/
static void rank_top(uint32_t *pick, const float *s, const uint32_t *id, uint32_t n, uint32_t k) {
  uint32_t ord[VIK_MOE_EMAX];
  uint32_t i, j, kk = k < n ? k : n;
  //@ assert kk: kk == k;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant id: \forall integer p; 0 <= p < i ==> ord[p] == p;
      loop assigns i, ord[0 .. n - 1];
      loop variant n - i;
  */
  for (i = 0u; i < n; i++) ord[i] = i;
  /*@ loop invariant bounds: 0 <= j <= kk;
      loop invariant range: \forall integer p; 0 <= p < n ==> ord[p] < n;
      loop invariant distinct: \forall integer p, q; 0 <= p < q < n ==> ord[p] != ord[q];
      loop invariant out: \forall integer a; 0 <= a < j ==> pick[a] == ord[a];
      loop assigns j, i, ord[0 .. n - 1], pick[0 .. k - 1];
      loop variant kk - j;
  */
  for (j = 0u; j < kk; j++) {
    uint32_t b = j;
    /*@ loop invariant bounds: j + 1 <= i <= n && j <= b < i;
        loop assigns i, b;
        loop variant n - i;
    */
    for (i = j + 1u; i < n; i++)
      if (ahead(s[ord[i]], s[ord[b]], id[ord[i]], id[ord[b]])) b = i;
    /* j < kk <= n and ord[0 .. n-1] is set above (the analyzer loses kk <= n
       across the loops; the ACSL invariants carry it) */
    uint32_t t = ord[j];  // NOLINT(clang-analyzer-core.uninitialized.Assign)
    ord[j] = ord[b];
    ord[b] = t;
    pick[j] = ord[j];
  }
}

/* s + b for s in [0, 1], |b| <= 2^20 */
/*@ requires s: \is_finite(s) && 0 <= s <= 1;
    requires b: \is_finite(b) && \abs(b) <= 0x1p20;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p21;
*/
static float biased(float s, float b) { return s + b; }

/*@ requires a: \is_finite(a) && \abs(a) <= 0x1p21;
    requires b: \is_finite(b) && \abs(b) <= 0x1p21;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p22;
*/
static float pair_sum(float a, float b) { return a + b; }

/* w rsf, at most rsf */
/*@ requires w: \is_finite(w) && 0 <= w <= 1;
    requires rsf: \is_finite(rsf) && 0 < rsf <= 1024;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= rsf;
*/
static float scaled_w(float w, float rsf) {
  float q = w * rsf;
  //@ assert q: \is_finite(q) && 0 <= q <= 1024;
  return q > rsf ? rsf : q;
}

/* behaviors by class of b: the provers see IEEE comparisons one class at a time */
/*@ assigns \nothing;
    behavior in:  assumes \is_finite(b) && -0x1p20 <= b <= 0x1p20;
                  ensures \result == 1;
    behavior big: assumes \is_finite(b) && !(-0x1p20 <= b <= 0x1p20);
                  ensures \result == 0;
    behavior nan: assumes \is_NaN(b);
                  ensures \result == 0;
    behavior inf: assumes \is_infinite(b);
                  ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
#define BIAS_MAX 0x1p20f
static int bias_ok(float b) {
  return b >= -BIAS_MAX && b <= BIAS_MAX;   /* false for NaN and for inf */
}

/* every logit finite within VIK_LOGIT_MAX and every bias within 2^20 */
/*@ requires E: 1 <= E <= VIK_MOE_EMAX;
    requires valid: \valid_read(logits + (0 .. E - 1)) && \valid_read(bias + (0 .. E - 1));
    assigns \nothing;
    ensures ok: \result != 0 <==> ds_in(logits, bias, E);
*/
static int ds_inputs_ok(const float *logits, const float *bias, uint32_t E) {
  /*@ loop invariant bounds: 0 <= i <= E;
      loop invariant fin: ds_in(logits, bias, i);
      loop assigns i;
      loop variant E - i;
  */
  for (uint32_t i = 0u; i < E; i++)
    if (vik_logit_class(logits[i]) != 1 || !bias_ok(bias[i])) return 0;
  return 1;
}

/* the group sizes within the limits of vik_route_deepseek's contract */
/*@ requires E: 1 <= E <= VIK_MOE_EMAX;
    requires k: 1 <= k <= VIK_MOE_KMAX;
    assigns \nothing;
    ensures ok: \result != 0 <==> ds_dims(E, k, n_group, topk_group);
*/
static int ds_dims_ok(uint32_t E, uint32_t k, uint32_t n_group, uint32_t topk_group) {
  return n_group != 0u && n_group <= VIK_MOE_GMAX && E % n_group == 0u && E / n_group >= 2u &&
         topk_group != 0u && topk_group <= n_group && k <= topk_group * (E / n_group);
}

/* gs[g] = the sum of the two best sel of group g (experts g G .. g G + G - 1) */
/*@ requires dims: 1 <= n_group <= VIK_MOE_GMAX && 2 <= G && n_group * G <= VIK_MOE_EMAX;
    requires valid: \valid_read(sel + (0 .. n_group * G - 1)) && \valid(gs + (0 .. n_group - 1));
    requires sep: \separated(gs + (0 .. n_group - 1), sel + (0 .. n_group * G - 1));
    requires fin: \forall integer e; 0 <= e < n_group * G ==> \is_finite(sel[e]) && \abs(sel[e]) <= 0x1p21;
    assigns gs[0 .. n_group - 1];
    ensures fin: \forall integer q; 0 <= q < n_group ==> \is_finite(gs[q]) && \abs(gs[q]) <= 0x1p22;
*/
static void group_scores(float *gs, const float *sel, uint32_t n_group, uint32_t G) {
  uint32_t top2[2] = {0u, 0u}, g, o = 0u;   /* vik_topk writes both; the analyzer cannot see its contract */
  /*@ loop invariant bounds: 0 <= g <= n_group && o == g * G;
      loop invariant gsc: \forall integer q; 0 <= q < g ==> \is_finite(gs[q]) && \abs(gs[q]) <= 0x1p22;
      loop assigns g, o, gs[0 .. n_group - 1], top2[0 .. 1];
      loop variant n_group - g;
  */
  for (g = 0u; g < n_group; g++) {
    //@ assert span: 0 <= g * G && g * G + G <= n_group * G;
    //@ assert fin_g: \forall integer i; 0 <= i < G ==> \is_finite(sel[o + i]);
    vik_topk(top2, sel + o, G, 2u);
    gs[g] = pair_sum(sel[o + top2[0]], sel[o + top2[1]]);
    o += G;
  }
}

/* The candidates: the experts of the chosen groups, group slot by slot:
   cand[a G + i] = groups[a] G + i, cs its selection score. */
/*@ requires dims: 1 <= n_group <= VIK_MOE_GMAX && 2 <= G && n_group * G <= VIK_MOE_EMAX &&
                   1 <= tg <= n_group;
    requires valid: \valid_read(sel + (0 .. n_group * G - 1)) && \valid_read(groups + (0 .. tg - 1)) &&
                    \valid(cand + (0 .. tg * G - 1)) && \valid(cs + (0 .. tg * G - 1));
    requires sep: \separated(cand + (0 .. tg * G - 1), cs + (0 .. tg * G - 1), sel + (0 .. n_group * G - 1),
                             groups + (0 .. tg - 1));
    requires groups: \forall integer a; 0 <= a < tg ==> groups[a] < n_group;
    requires fin: \forall integer e; 0 <= e < n_group * G ==> \is_finite(sel[e]);
    assigns cand[0 .. tg * G - 1], cs[0 .. tg * G - 1];
    ensures range: \forall integer c; 0 <= c < tg * G ==> cand[c] < n_group * G;
    ensures chosen: \forall integer c; 0 <= c < tg * G ==> in_groups(groups, tg, G, cand[c]);
    ensures fin: \forall integer c; 0 <= c < tg * G ==> \is_finite(cs[c]);
*/
static void candidates(uint32_t *cand, float *cs, const float *sel, const uint32_t *groups,
                       uint32_t n_group, uint32_t tg, uint32_t G) {
  uint32_t a, i, o = 0u;
  (void)n_group;                           /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= a <= tg && o == a * G;
      loop invariant range: \forall integer c; 0 <= c < o ==> cand[c] < n_group * G;
      loop invariant chosen: \forall integer c; 0 <= c < o ==> in_groups(groups, a, G, cand[c]);
      loop invariant fin: \forall integer c; 0 <= c < o ==> \is_finite(cs[c]);
      loop assigns a, i, o, cand[0 .. tg * G - 1], cs[0 .. tg * G - 1];
      loop variant tg - a;
  */
  for (a = 0u; a < tg; a++) {
    uint32_t base = groups[a] * G;
    //@ assert base: 0 <= base && base + G <= n_group * G;
    //@ assert slot: 0 <= a * G && a * G + G <= tg * G;
    /*@ loop invariant bounds: 0 <= i <= G;
        loop invariant range: \forall integer c; 0 <= c < o + i ==> cand[c] < n_group * G;
        loop invariant chosen: \forall integer c; 0 <= c < o + i ==> in_groups(groups, a + 1, G, cand[c]);
        loop invariant fin: \forall integer c; 0 <= c < o + i ==> \is_finite(cs[c]);
        loop assigns i, cand[0 .. tg * G - 1], cs[0 .. tg * G - 1];
        loop variant G - i;
    */
    for (i = 0u; i < G; i++) {
      cand[o + i] = base + i;
      cs[o + i] = sel[base + i];
    }
    o += G;
  }
}

/* idx[j] = cand[pick[j]]: the chosen experts, eligible because every
   candidate is */
/*@ requires dims: 1 <= k <= C && C == tg * G && 1 <= tg && 2 <= G && C <= VIK_MOE_EMAX;
    requires valid: \valid(idx + (0 .. k - 1)) && \valid_read(cand + (0 .. C - 1)) &&
                    \valid_read(pick + (0 .. k - 1)) && \valid_read(groups + (0 .. tg - 1));
    requires sep: \separated(idx + (0 .. k - 1), cand + (0 .. C - 1), pick + (0 .. k - 1), groups + (0 .. tg - 1));
    requires pick: \forall integer j; 0 <= j < k ==> pick[j] < C;
    requires cand: \forall integer c; 0 <= c < C ==> cand[c] < E && in_groups(groups, tg, G, cand[c]);
    assigns idx[0 .. k - 1];
    ensures range: \forall integer j; 0 <= j < k ==> idx[j] < E;
    ensures elig: \forall integer j; 0 <= j < k ==> in_groups(groups, tg, G, idx[j]);
*/
static void gather(uint32_t *idx, const uint32_t *cand, const uint32_t *pick, const uint32_t *groups,
                   uint32_t k, uint32_t C, uint32_t tg, uint32_t G, uint32_t E) {
  (void)groups; (void)C; (void)tg; (void)G; (void)E;   /* only the contract uses them */
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant range: \forall integer b; 0 <= b < j ==> idx[b] < E;
      loop invariant elig: \forall integer b; 0 <= b < j ==> in_groups(groups, tg, G, idx[b]);
      loop assigns j, idx[0 .. k - 1];
      loop variant k - j;
  */
  for (uint32_t j = 0u; j < k; j++) idx[j] = cand[pick[j]];
}

int vik_route_deepseek(uint32_t *idx, float *w, float *score, uint32_t *groups, const float *logits,
                       const float *bias, uint32_t E, uint32_t k, uint32_t n_group, uint32_t topk_group,
                       float rsf) {
  float sel[VIK_MOE_EMAX], gs[VIK_MOE_GMAX], cs[VIK_MOE_EMAX];
  uint32_t cand[VIK_MOE_EMAX], pick[VIK_MOE_KMAX];
  uint32_t i, j, G, C;
  if (!ds_dims_ok(E, k, n_group, topk_group) || !ds_inputs_ok(logits, bias, E)) {
    reject(idx, w, k);
    return VIK_EDOMAIN;
  }
  G = E / n_group;
  //@ assert G: n_group * G == E && 2 <= G;
  //@ assert in: ds_in{Pre}(logits, bias, E);
  /*@ loop invariant bounds: 0 <= i <= E;
      loop invariant sc: \forall integer e; 0 <= e < i ==> \is_finite(score[e]) && 0 <= score[e] <= 1;
      loop invariant sl: \forall integer e; 0 <= e < i ==> \is_finite(sel[e]) && \abs(sel[e]) <= 0x1p21;
      loop assigns i, score[0 .. E - 1], sel[0 .. E - 1];
      loop variant E - i;
  */
  for (i = 0u; i < E; i++) {
    score[i] = vik_sigmoid(logits[i]);
    sel[i] = biased(score[i], bias[i]);
  }
  group_scores(gs, sel, n_group, G);
  /* the topk_group best groups; group numbers are positions in gs, so ties
     go to the lower group */
  vik_topk(groups, gs, n_group, topk_group);
  C = topk_group * G;
  //@ assert C: k <= C <= E;
  candidates(cand, cs, sel, groups, n_group, topk_group, G);
  rank_top(pick, cs, cand, C, k);
  /* weights first, the expert numbers last: the eligibility facts then
     hold in the final memory state and need no frame through later writes */
  float S = 0.0f;
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant sum: \is_finite(S) && 0 <= S <= j * (1 + 0x1p-18);
      loop assigns j, S;
      loop variant k - j;
  */
  for (j = 0u; j < k; j++) S = acc_add(S, score[cand[pick[j]]]);
  int pos = at_least(S);                   /* false only if every chosen sigmoid is below 2^-100 */
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant wts: \forall integer b; 0 <= b < j ==> \is_finite(w[b]) && 0 <= w[b] <= rsf;
      loop assigns j, w[0 .. k - 1];
      loop variant k - j;
  */
  for (j = 0u; j < k; j++) w[j] = pos ? scaled_w(share(score[cand[pick[j]]], S), rsf) : 0.0f;
  gather(idx, cand, pick, groups, k, C, topk_group, G, E);
  return VIK_OK;
}
