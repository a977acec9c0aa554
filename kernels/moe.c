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
    /* ord[0 .. E-1] is set and j < kk <= E; the analyzer, across the
       loops, considers paths with E == 0 (the contract excludes them) */
    uint32_t t = ord[j];  // NOLINT(clang-analyzer-core.uninitialized.Assign)
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

/*@ // x is p / S as share computes it: S x within u p of p, plus 2^-144 (a
    // subnormal quotient's rounding, times S <= 64), or x is 1 (the clamp)
    predicate near_share(real x, real p, real S) =
      S * x <= (1 + 0x1p-24) * p + 0x1p-144 &&
      (x == 1 || S * x >= (1 - 0x1p-24) * p - 0x1p-144);
*/

/* p / S clamped to [0, 1]: p <= S in exact arithmetic, so the clamp binds
   only within rounding; S >= 2^-100 keeps the quotient finite. Its error:
   the division's, u = 2^-24 relative plus 2^-150 (a subnormal quotient);
   the clamp only lowers it, to 1. */
/*@ requires p: \is_finite(p) && 0 <= p <= 1;
    requires S: \is_finite(S) && 0x1p-100 <= S <= 64;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= 1;
    ensures hi: \result <= p / S + 0x1p-24 * (p / S) + 0x1p-150;
    ensures lo: \result == 1 || \result >= p / S - 0x1p-24 * (p / S) - 0x1p-150;
    ensures near: near_share(\result, p, S);
*/
static float share(float p, float S) {
  float q = p / S;
  //@ assert q: \is_finite(q) && 0 <= q <= 0x1p100;
  //@ assert err: \abs(rsub(q, p / S)) <= 0x1p-24 * (p / S) + 0x1p-150;
  /* times S (the weights' sum needs no division): signs first */
  //@ assert d: S * (p / S) == p;
  //@ assert e1: 0 <= 0x1p-24 * (p / S) + 0x1p-150 - (q - p / S);
  //@ assert e2: 0 <= 0x1p-24 * (p / S) + 0x1p-150 + (q - p / S);
  //@ assert s1: 0 <= S * (0x1p-24 * (p / S) + 0x1p-150 - (q - p / S));
  //@ assert s2: 0 <= S * (0x1p-24 * (p / S) + 0x1p-150 + (q - p / S));
  //@ assert shi: S * q <= (1 + 0x1p-24) * p + 0x1p-144;
  //@ assert slo: S * q >= (1 - 0x1p-24) * p - 0x1p-144;
  if (q > 1.0f) {
    //@ assert big: S * (q - 1) > 0;
    return 1.0f;                           /* and then S < S q <= (1 + u) p + 2^-144 */
  }
  return q;
}

/* S + p for S <= 33 and p in [0, 1]: rounds by at most 2^-18, and by u =
   2^-24 relative plus 2^-150 (exact, in truth, where the sum is subnormal) */
/*@ requires S: \is_finite(S) && 0 <= S <= 33;
    requires p: \is_finite(p) && 0 <= p <= 1;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0 <= \result <= S + p + 0x1p-18;
    ensures rel: \abs(\result - (S + p)) <= 0x1p-24 * (S + p) + 0x1p-150;
*/
static float acc_add(float S, float p) {
  float r = S + p;
  //@ assert err: \abs(rsub(r, S + p)) <= 0x1p-18;
  //@ assert rel: \abs(rsub(r, S + p)) <= 0x1p-24 * (S + p) + 0x1p-150;
  return r;
}

/* S >= 2^-100, as a fact on S's value */
/*@ requires \is_finite(S);
    assigns \nothing;
    ensures ge: \result != 0 <==> S >= 0x1p-100;
*/
static int at_least(float S) { return S >= 0x1p-100f; }

/* The sum's definition, one step at a time: ghost lemmas (no code), proved
   from the definition in a run of their own and the only facts on wsum that
   the runs with it opaque (spec/wsum_logic.h) have. */
/*@ ghost
  /@ assigns \nothing;
     ensures zero: wsum(w, 0) == 0;
  @/
  static void wsum_zero(const float *w) { }
*/
/*@ ghost
  /@ requires n: 0 <= n && n1 == n + 1;
     assigns \nothing;
     ensures next: wsum(w, n1) == wsum(w, n) + w[n];
     ensures next1: wsum(w, n + 1) == wsum(w, n) + w[n];
  @/
  static void wsum_next(const float *w, uint32_t n, uint32_t n1) { }
*/

/* One more term in the sum's error bound (normalize's sum loop): the
   partial sums' rounding is relative to their size, which is at most (1 +
   32 V) times the exact partial sum. Ghost, a lemma. */
/*@ ghost
  /@ requires j: 0 <= j < VIK_MOE_KMAX && j1 == j + 1;
     requires p: \is_finite(w[j]) && 0 <= w[j] <= 1;
     requires pos: 0 <= wsum(w, j);
     requires next: wsum(w, j + 1) == wsum(w, j) + w[j] && wsum(w, j1) == wsum(w, j + 1);
     requires S: \is_finite(S) && 0 <= S;
     requires err: \abs(S - wsum(w, j)) <= VIK_WV * j * wsum(w, j) + j * 0x1p-145;
     requires add: \abs(S1 - (S + w[j])) <= 0x1p-24 * (S + w[j]) + 0x1p-150;
     assigns \nothing;
     ensures err: \abs(S1 - wsum(w, j1)) <= VIK_WV * j1 * wsum(w, j1) + j1 * 0x1p-145;
  @/
  static void sum_step(const float *w, uint32_t j, uint32_t j1, float S, float S1) {
    /@ assert m32: (32 - j) * wsum(w, j) >= 0; @/
    /@ assert Sb: S <= (1 + 32 * VIK_WV) * wsum(w, j) + 0x1p-140; @/
    /@ assert US: 0x1p-24 * (S + w[j]) <= VIK_WV * wsum(w, j) + 0x1p-24 * w[j] + 0x1p-160; @/
    /@ assert sg: j * w[j] >= 0; @/
    /@ assert d: j * wsum(w, j + 1) == j * wsum(w, j) + j * w[j]; @/
    /@ assert mono: VIK_WV * j * wsum(w, j) <= VIK_WV * j * wsum(w, j + 1); @/
    /@ assert e1: \abs(S1 - wsum(w, j + 1)) <= VIK_WV * j * wsum(w, j + 1) + VIK_WV * wsum(w, j + 1) + j * 0x1p-145 + 0x1p-145; @/
  }
*/

/* The sum's error, at its end, as the bounds on the weights' sum need it
   (linear in S and the exact sum P: 32 V is a constant). Ghost, a lemma. */
/*@ ghost
  /@ requires k: 1 <= k <= VIK_MOE_KMAX;
     requires pos: 0 <= wsum(w, k);
     requires S: \is_finite(S) && 0 <= S;
     requires err: \abs(S - wsum(w, k)) <= VIK_WV * k * wsum(w, k) + k * 0x1p-145;
     assigns \nothing;
     ensures hi: S >= 0x1p-100 ==> (1 + 0x1p-24) * wsum(w, k) + 0x1p-139 <= S * (1 + VIK_WSUM_EB);
     ensures lo: S >= 0x1p-100 ==> (1 - 0x1p-24) * wsum(w, k) - 0x1p-139 >= S * (1 - VIK_WSUM_EB);
     ensures tiny: S < 0x1p-100 ==> wsum(w, k) < 0x1p-99;
  @/
  static void sum_end(const float *w, uint32_t k, float S) {
    /@ assert m32: (32 - k) * wsum(w, k) >= 0; @/
    /@ assert P: \abs(S - wsum(w, k)) <= 32 * VIK_WV * wsum(w, k) + 0x1p-140; @/
  }
*/

/*@ // S (a + x) = S a + S x for a = wsum(w, m), x = w[m]: an atom, so that
    // a loop carries it for every m by congruence (with the product inside,
    // the provers did not match the new m's instance)
    predicate dist_at{L}(float *w, integer m, real S) = S * wsum(w, m + 1) == S * wsum(w, m) + S * w[m];
*/

/* S (a + x) = S a + S x for a = wsum(w, n), x = w[n]. Ghost, a lemma. */
/*@ ghost
  /@ requires n: n1 == n + 1;
     requires next: wsum(w, n1) == wsum(w, n) + w[n];
     assigns \nothing;
     ensures dist: S * wsum(w, n1) == S * wsum(w, n) + S * w[n];
     ensures dist1: S * wsum(w, n + 1) == S * wsum(w, n) + S * w[n];
     ensures at: dist_at(w, n, S);
  @/
  static void dist(const float *w, uint32_t n, uint32_t n1, float S) { }
*/

/* From S T <= S (1 + B) and S T >= S (1 - B) (or T >= 1), S > 0, to |T - 1|
   <= B, for T = wsum(w, k). Ghost, a lemma. */
/*@ ghost
  /@ requires S: 0x1p-100 <= S;
     requires up: S * wsum(w, k) <= S * (1 + VIK_WSUM_EB);
     requires lo: wsum(w, k) >= 1 || S * wsum(w, k) >= S * (1 - VIK_WSUM_EB);
     assigns \nothing;
     ensures sum: \abs(wsum(w, k) - 1) <= VIK_WSUM_EB;
  @/
  static void div_out(const float *w, uint32_t k, float S) {
    /@ assert hi: wsum(w, k) > 1 + VIK_WSUM_EB ==> S * (wsum(w, k) - 1 - VIK_WSUM_EB) > 0; @/
    /@ assert lo: wsum(w, k) < 1 - VIK_WSUM_EB ==> S * (1 - VIK_WSUM_EB - wsum(w, k)) > 0; @/
  }
*/

/* w[j] = w[j] / S (share) for every j < k, and what the quotients' errors
   make of the sum: S times the new sum is within u of the old sum, plus
   2^-144 a weight (the subnormal quotients' share); or the new sum is at
   least 1 (a clamp at 1 lowers a quotient). A function of its own so that
   its goals' contexts hold none of the sum loop's facts. The sums: a ghost
   loop adds the weights one at a time, the new sum and the old (in Pre) side
   by side. */
/*@ requires k: 1 <= k <= VIK_MOE_KMAX;
    requires valid: \valid(w + (0 .. k - 1));
    requires probs: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= 1;
    requires S: \is_finite(S) && 0x1p-100 <= S <= 64;
    requires unf: \forall integer m; 0 <= m < k ==> wsum(w, m + 1) == wsum(w, m) + w[m];
    assigns w[0 .. k - 1];
    ensures range: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= 1;
    ensures up: S * wsum(w, k) <= (1 + 0x1p-24) * \old(wsum(w, k)) + k * 0x1p-144;
    ensures lo: wsum(w, k) >= 1 || S * wsum(w, k) >= (1 - 0x1p-24) * \old(wsum(w, k)) - k * 0x1p-144;
*/
static void divide(float *w, uint32_t k, float S) {
  uint32_t j;
  //@ ghost wsum_zero(w);
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant done: \forall integer a; 0 <= a < j ==> \is_finite(w[a]) && 0 <= w[a] <= 1 &&
                             near_share(w[a], \at(w[a], Pre), S);
      loop invariant todo: \forall integer a; j <= a < k ==> w[a] == \at(w[a], Pre) &&
                             \is_finite(w[a]) && 0 <= w[a] <= 1;
      loop assigns j, w[0 .. k - 1];
      loop variant k - j;
  */
  /* != k, not < k: the loops' exit is then j == k to the provers, which
     they substitute; from j <= k and k <= j they did not, inside products */
  for (j = 0u; j != k; j++) w[j] = share(w[j], S);
  //@ ghost wsum_zero(w);
  /*@ ghost
    /@ loop invariant bounds: 0 <= n <= k;
       loop invariant pos: wsum(w, n) >= 0;
       loop invariant up: \let m = n; S * wsum(w, m) <= (1 + 0x1p-24) * \at(wsum(w, m), Pre) + m * 0x1p-144;
       loop invariant lo: \let m = n; wsum(w, m) >= 1 ||
                            S * wsum(w, m) >= (1 - 0x1p-24) * \at(wsum(w, m), Pre) - m * 0x1p-144;
       loop assigns n;
       loop variant k - n;
    @/
    for (uint32_t n = 0u; n != k; n++) {
      uint32_t n1 = n + 1u;
      wsum_next(w, n, n1);
      dist(w, n, n1, S);
      /@ assert near: \let m = n; near_share(w[m], \at(w[m], Pre), S); @/
      /@ assert unf0: \let m = n; \let m1 = n1; \at(wsum(w, m1), Pre) == \at(wsum(w, m), Pre) + \at(w[m], Pre); @/
    }
  */
}

/* w[j] / (w[0] + .. + w[k-1]), the sum S taken in index order: the weights
   of a rule that renormalises. A row whose S is below 2^-100 (its
   probabilities all vanish) gets zeros instead; the guard also keeps the
   division finite. The error, against real arithmetic (k <= 32, u = 2^-24):
   S is within 32 V P + 2^-140 of the exact sum P (V = u (1 + 2^-10), each
   addition's rounding relative to its partial sum, the terms nonnegative);
   each quotient within u of w[j] / S; so the weights sum to within
   VIK_WSUM_EB = 2^-18 of 1 (about (k + 1) u, with room). The proof: S's
   bound is the sum loop's invariant (sum_step, sum_end); the quotients'
   bounds hold per weight (share); a ghost loop over the written weights adds
   them up, the sums before and after the writes side by side (a frame of
   the recursive sum across the writes would take an induction, which the
   provers here cannot do). */
/*@ requires k: 1 <= k <= VIK_MOE_KMAX;
    requires valid: \valid(w + (0 .. k - 1));
    requires probs: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= 1;
    assigns w[0 .. k - 1];
    ensures range: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= 1;
    ensures sum: \abs(wsum(w, k) - 1) <= VIK_WSUM_EB ||
                 \forall integer j; 0 <= j < k ==> w[j] == 0 && \old(w[j]) < 0x1p-99;
*/
static void normalize(float *w, uint32_t k) {
  float S = 0.0f;
  uint32_t j;
  //@ ghost wsum_zero(w);
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant fin: \is_finite(S) && 0 <= S <= j * (1 + 0x1p-18);
      loop invariant pos: 0 <= wsum(w, j);
      loop invariant part: \forall integer a; 0 <= a < j ==> w[a] <= wsum(w, j);
      loop invariant unf: \forall integer m; 0 <= m < j ==> wsum(w, m + 1) == wsum(w, m) + w[m];
      loop invariant err: \abs(S - wsum(w, j)) <= VIK_WV * j * wsum(w, j) + j * 0x1p-145;
      loop assigns j, S;
      loop variant k - j;
  */
  for (j = 0u; j < k; j++) {
    /* the ghost calls name j + 1 as C computes it (the loop's next j) */
    //@ ghost wsum_next(w, j, j + 1u);
    float S1 = acc_add(S, w[j]);
    //@ ghost sum_step(w, j, j + 1u, S, S1);
    S = S1;
  }
  //@ ghost sum_end(w, k, S);
  //@ assert S64: S <= 64;
  //@ assert tiny: S < 0x1p-100 ==> \forall integer a; 0 <= a < k ==> w[a] < 0x1p-99;
  if (at_least(S)) {
    divide(w, k, S);
    //@ ghost div_out(w, k, S);
  } else {
    /*@ loop invariant bounds: 0 <= j <= k;
        loop invariant done: \forall integer a; 0 <= a < j ==> w[a] == 0;
        loop invariant todo: \forall integer a; j <= a < k ==> w[a] == \at(w[a], Pre);
        loop assigns j, w[0 .. k - 1];
        loop variant k - j;
    */
    for (j = 0u; j < k; j++) w[j] = 0.0f;
  }
}

/* w[j] = s[idx[j]], divided by their sum (normalize) when renorm: the
   weights of vik_route_softmax_topk, in a function of their own so that the
   router's topk(idx, s) crosses the writes of w as one call (its assigns
   clause) instead of through the loops (verified/NOTES.md). */
/*@ requires E: 1 <= E <= VIK_MOE_EMAX;
    requires k: 1 <= k <= E && k <= VIK_MOE_KMAX;
    requires valid: \valid_read(s + (0 .. E - 1)) && \valid_read(idx + (0 .. k - 1)) && \valid(w + (0 .. k - 1));
    requires sep: \separated(w + (0 .. k - 1), s + (0 .. E - 1), idx + (0 .. k - 1));
    requires range: \forall integer j; 0 <= j < k ==> idx[j] < E;
    requires probs: \forall integer i; 0 <= i < E ==> \is_finite(s[i]) && 0 <= s[i] <= 1;
    assigns w[0 .. k - 1];
    ensures plain: renorm == 0 ==> \forall integer j; 0 <= j < k ==> w[j] == s[idx[j]];
    ensures weights: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= 1;
    ensures sum: renorm != 0 ==> sums_to(w, s, idx, k, 1, VIK_WSUM_EB);
*/
static void weigh(float *w, const float *s, const uint32_t *idx, uint32_t E, uint32_t k, int renorm) {
  uint32_t j;
  (void)E;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant plain: \forall integer a; 0 <= a < j ==> w[a] == s[idx[a]] &&
                              \is_finite(w[a]) && 0 <= w[a] <= 1;
      loop assigns j, w[0 .. k - 1];
      loop variant k - j;
  */
  for (j = 0u; j < k; j++) w[j] = s[idx[j]];
  if (renorm != 0) normalize(w, k);
}

int vik_route_softmax_topk(uint32_t *idx, float *w, float *score, const float *logits, uint32_t E,
                           uint32_t k, int renorm) {
  if (vik_softmax(score, logits, E) != VIK_OK) { reject(idx, w, k); return VIK_EDOMAIN; }
  vik_topk(idx, score, E, k);
  /* the first chosen ranks before every other expert, so its probability
     is at least the largest, >= 2^-17 for a row with a finite logit */
  /*@ assert first: (\exists integer i; 0 <= i < E && score[i] >= 0x1p-17) ==> score[idx[0]] >= 0x1p-17; */
  weigh(w, score, idx, E, k, renorm);
  return VIK_OK;
}

/* v - m for logits v <= m: finite, at most 0, and 0 for v == m */
/*@ requires v: \is_finite(v) && \abs(v) <= VIK_LOGIT_MAX;
    requires m: \is_finite(m) && \abs(m) <= VIK_LOGIT_MAX && v <= m;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \result <= 0;
    ensures same: v == m ==> \result == 0;
*/
static float below(float v, float m) { return v - m; }

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
  /* the softmax of the k chosen logits: idx[0] holds the largest, m; the
     terms e^(l - m), then normalize. The same float operations, in the same
     order, as vik_softmax on the k logits gathered, so the same bits; and
     normalize's contract bounds their sum. */
  float m = logits[idx[0]];
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant terms: \forall integer a; 0 <= a < j ==> \is_finite(w[a]) && 0 <= w[a] <= 1;
      loop invariant one: 0 < j ==> w[0] == 1;
      loop assigns j, w[0 .. k - 1];
      loop variant k - j;
  */
  for (j = 0u; j < k; j++) w[j] = vik_exp_neg(below(logits[idx[j]], m));
  normalize(w, k);                         /* the sum is at least w[0] = 1: never the zero case */
  return VIK_OK;
}

/* ---- DeepSeek-V3 ---- */

/* s + b for s in [0, 1], |b| <= 2^20 */
/*@ requires s: \is_finite(s) && 0 <= s <= 1;
    requires b: \is_finite(b) && \abs(b) <= 0x1p20;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p21;
    ensures sel: is_sel(\result, s, b);
*/
static float biased(float s, float b) { return s + b; }

/*@ requires a: \is_finite(a) && \abs(a) <= 0x1p21;
    requires b: \is_finite(b) && \abs(b) <= 0x1p21;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p22;
*/
static float pair_sum(float a, float b) { return a + b; }

/*@ // x is rsf p as scaled_w computes it: within u of it plus 2^-150 (a
    // subnormal product), or x is rsf (the clamp)
    predicate near_scale(real x, real p, real r) =
      x <= (1 + 0x1p-24) * (r * p) + 0x1p-150 &&
      (x == r || x >= (1 - 0x1p-24) * (r * p) - 0x1p-150);
*/

/* rsf w, at most rsf: rounded by u relative plus 2^-150, and the clamp only
   lowers it. Written rsf * w (the same float as w * rsf): Gappa matches the
   rounded product with the real one only in the provers' operand order. */
/*@ requires w: \is_finite(w) && 0 <= w <= 1;
    requires rsf: \is_finite(rsf) && 0 < rsf <= 1024;
    assigns \nothing;
    ensures range: \is_finite(\result) && 0 <= \result <= rsf;
    ensures zero: w == 0 ==> \result == 0;
    ensures near: near_scale(\result, w, rsf);
*/
static float scaled_w(float w, float rsf) {
  float q = rsf * w;
  //@ assert q: \is_finite(q) && 0 <= q <= 1024;
  //@ assert err: \abs(rsub(q, (real)rsf * (real)w)) <= 0x1p-24 * \abs((real)rsf * (real)w) + 0x1p-150;
  //@ assert z: w == 0 ==> q == 0;
  //@ assert pos: (real)rsf * (real)w >= 0;
  //@ assert e1: q <= (1 + 0x1p-24) * ((real)rsf * (real)w) + 0x1p-150;
  if (q > rsf) {
    //@ assert big: (real)rsf < q;
    return rsf;                            /* rsf < q: near_scale holds of rsf */
  }
  return q;
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

/* The selection inside the chosen groups is vik_topk over the candidates,
   the experts of the chosen groups listed in increasing expert order: ties
   by position are then ties by expert number, and distinct positions are
   distinct experts, with no product of a group number and G to reason
   about (verified/NOTES.md, DeepSeek). */

/* asc = groups[0 .. tg-1] in increasing order (selection sort over a
   permutation ord, pos its inverse): asc[j] == groups[src[j]] and
   asc[dst[a]] == groups[a]. ord and pos are local: as outputs they would
   share WP's integer memory with groups and asc. */
/*@ requires tg: 1 <= tg <= VIK_MOE_GMAX;
    requires valid: \valid_read(groups + (0 .. tg - 1)) && \valid(asc + (0 .. tg - 1)) &&
                    \valid(src + (0 .. tg - 1)) && \valid(dst + (0 .. tg - 1));
    requires sep: \separated(groups + (0 .. tg - 1), asc + (0 .. tg - 1), src + (0 .. tg - 1), dst + (0 .. tg - 1));
    requires apart: \forall integer a, b; 0 <= a < b < tg ==> groups[a] != groups[b];
    requires range: \forall integer a; 0 <= a < tg ==> groups[a] < VIK_MOE_GMAX;
    assigns asc[0 .. tg - 1], src[0 .. tg - 1], dst[0 .. tg - 1];
    ensures src: \forall integer j; 0 <= j < tg ==> src[j] < tg && asc[j] == groups[src[j]];
    ensures dst: \forall integer a; 0 <= a < tg ==> dst[a] < tg && asc[dst[a]] == groups[a];
    ensures inc: \forall integer a, b; 0 <= a < b < tg ==> asc[a] < asc[b];
*/
static void ascend(uint8_t *asc, uint32_t *src, uint32_t *dst, const uint32_t *groups, uint32_t tg) {
  uint32_t ord[VIK_MOE_GMAX], pos[VIK_MOE_GMAX];
  uint32_t i, j;
  /*@ loop invariant bounds: 0 <= i <= tg;
      loop invariant id: \forall integer p; 0 <= p < i ==> ord[p] == p && pos[p] == p;
      loop assigns i, ord[0 .. tg - 1], pos[0 .. tg - 1];
      loop variant tg - i;
  */
  for (i = 0u; i < tg; i++) { ord[i] = i; pos[i] = i; }
  /*@ loop invariant bounds: 0 <= j <= tg;
      loop invariant range: \forall integer p; 0 <= p < tg ==> ord[p] < tg;
      loop invariant inv: \forall integer e; 0 <= e < tg ==> pos[e] < tg && ord[pos[e]] == e;
      loop invariant distinct: \forall integer p, q; 0 <= p < q < tg ==> ord[p] != ord[q];
      loop invariant ranked: \forall integer a, p; 0 <= a < j && a < p < tg ==> groups[ord[a]] < groups[ord[p]];
      loop invariant out: \forall integer a; 0 <= a < j ==> asc[a] == groups[ord[a]];
      loop assigns j, i, ord[0 .. tg - 1], pos[0 .. tg - 1], asc[0 .. tg - 1];
      loop variant tg - j;
  */
  for (j = 0u; j < tg; j++) {
    uint32_t b = j;
    /*@ loop invariant bounds: j + 1 <= i <= tg && j <= b < i;
        loop invariant best: \forall integer q; j <= q < i ==> groups[ord[b]] <= groups[ord[q]];
        loop assigns i, b;
        loop variant tg - i;
    */
    for (i = j + 1u; i < tg; i++)
      if (groups[ord[i]] < groups[ord[b]]) b = i;
    //@ assert sel: \forall integer q; j <= q < tg && q != b ==> groups[ord[b]] < groups[ord[q]];
    uint32_t t = ord[j];
    pos[ord[b]] = j;
    pos[t] = b;
    ord[j] = ord[b];
    ord[b] = t;
    //@ assert top: \forall integer p; j < p < tg ==> groups[ord[j]] < groups[ord[p]];
    //@ assert keep: \forall integer a, p; 0 <= a < j && a < p < tg ==> groups[ord[a]] < groups[ord[p]];
    asc[j] = (uint8_t)groups[ord[j]];
  }
  /*@ loop invariant bounds: 0 <= i <= tg;
      loop invariant cp: \forall integer p; 0 <= p < i ==> src[p] == ord[p] && dst[p] == pos[p];
      loop assigns i, src[0 .. tg - 1], dst[0 .. tg - 1];
      loop variant tg - i;
  */
  for (i = 0u; i < tg; i++) { src[i] = ord[i]; dst[i] = pos[i]; }
}

/* The candidates: the experts of the groups asc[0 .. tg-1] (increasing), in
   increasing order, walking the groups g = 0 .. n_group-1 with o = g G and
   taking g's experts when g is the next of asc. sl[c] is the asc position
   of candidate c's group (the witness the contract names); group asc[b]
   fills positions b G .. b G + G - 1. asc is uint8: in WP's byte
   memory, which the walk's writes leave alone, so its reads need no frame
   through them. The
   walk takes every asc[a] (asc increasing, all below n_group), so it lists
   tg G candidates. */
/*@ requires dims: 1 <= n_group <= VIK_MOE_GMAX && 2 <= G && n_group * G <= VIK_MOE_EMAX && 1 <= tg <= n_group;
    requires valid: \valid_read(asc + (0 .. tg - 1)) && \valid(cand + (0 .. tg * G - 1)) &&
                    \valid(sl + (0 .. tg * G - 1));
    requires sep: \separated(cand + (0 .. tg * G - 1), asc + (0 .. tg - 1), sl + (0 .. tg * G - 1));
    requires range: \forall integer a; 0 <= a < tg ==> asc[a] < n_group;
    requires inc: \forall integer a, b; 0 <= a < b < tg ==> asc[a] < asc[b];
    assigns cand[0 .. tg * G - 1], sl[0 .. tg * G - 1];
    ensures range: \forall integer c; 0 <= c < tg * G ==> cand[c] < n_group * G;
    ensures inc: \forall integer c, d; 0 <= c < d < tg * G ==> cand[c] < cand[d];
    ensures home: \forall integer c; 0 <= c < tg * G ==>
                    sl[c] < tg && asc[sl[c]] * G <= cand[c] < asc[sl[c]] * G + G;
    ensures cover: \forall integer b, p; 0 <= b < tg && b * G <= p < b * G + G ==>
                     p < tg * G && cand[p] == asc[b] * G + (p - b * G);
*/
static void candidates(uint32_t *cand, uint32_t *sl, const uint8_t *asc, uint32_t n_group,
                       uint32_t tg, uint32_t G) {
  uint32_t g, r, a = 0u, c = 0u, o = 0u;
  /*@ loop invariant bounds: 0 <= g <= n_group && 0 <= a <= tg && a <= g;
      loop invariant o_is: o == g * G;
      loop invariant c_is: c == a * G;
      loop invariant next: a < tg ==> g <= asc[a];
      loop invariant range: \forall integer p; 0 <= p < c ==> cand[p] < o;
      loop invariant inc: \forall integer p, q; 0 <= p < q < c ==> cand[p] < cand[q];
      loop invariant home: \forall integer p; 0 <= p < c ==>
                             sl[p] < a && asc[sl[p]] * G <= cand[p] < asc[sl[p]] * G + G;
      loop invariant cover: \forall integer b, p; 0 <= b < a && b * G <= p < b * G + G ==>
                              p < c && cand[p] == asc[b] * G + (p - b * G);
      loop assigns g, r, a, c, o, cand[0 .. tg * G - 1], sl[0 .. tg * G - 1];
      loop variant n_group - g;
  */
  for (g = 0u; g < n_group; g++) {
    if (a < tg && asc[a] == g) {
      //@ ghost uint32_t c0 = c;
      //@ assert span_c: a * G + G <= tg * G;
      //@ assert span_o: g * G + G <= n_group * G;
      //@ assert room: c + G <= tg * G && o + G <= n_group * G;
      //@ assert here: asc[a] * G == o;
      /*@ loop invariant bounds: 0 <= r <= G && c == c0 + r;
          loop invariant range: \forall integer p; 0 <= p < c ==> cand[p] < o + r;
          loop invariant inc: \forall integer p, q; 0 <= p < q < c ==> cand[p] < cand[q];
          loop invariant home: \forall integer p; 0 <= p < c0 ==>
                                 sl[p] < a && asc[sl[p]] * G <= cand[p] < asc[sl[p]] * G + G;
          loop invariant home_a: \forall integer p; c0 <= p < c ==> sl[p] == a;
          loop invariant cover: \forall integer b, p; 0 <= b < a && b * G <= p < b * G + G ==>
                                  p < c0 && cand[p] == asc[b] * G + (p - b * G);
          loop invariant new: \forall integer p; c0 <= p < c ==> cand[p] == o + (p - c0);
          loop assigns r, c, cand[0 .. tg * G - 1], sl[0 .. tg * G - 1];
          loop variant G - r;
      */
      for (r = 0u; r < G; r++) {
        cand[c] = o + r;
        sl[c] = a;
        c++;
      }
      //@ assert c_next: c == a * G + G;
      /*@ assert home_n: \forall integer p; 0 <= p < c ==>
                           sl[p] < a + 1 && asc[sl[p]] * G <= cand[p] < asc[sl[p]] * G + G; */
      /*@ assert cover_a: \forall integer p; a * G <= p < a * G + G ==> p < c && cand[p] == asc[a] * G + (p - a * G); */
      /*@ assert cover_n: \forall integer b, p; 0 <= b < a + 1 && b * G <= p < b * G + G ==>
                            p < c && cand[p] == asc[b] * G + (p - b * G); */
      //@ assert a_le: a <= 63;
      a++;
      //@ assert c_is2: c == a * G;
    }
    //@ assert a_small: g <= 63;
    o += G;
  }
  //@ assert all: a == tg;
  //@ assert c_all: c == tg * G;
}

/* at[cand[c]] = c: the position of every candidate (cand increasing, so
   distinct) */
/*@ requires C: 1 <= C <= E <= VIK_MOE_EMAX;
    requires valid: \valid(at + (0 .. E - 1)) && \valid_read(cand + (0 .. C - 1));
    requires sep: \separated(at + (0 .. E - 1), cand + (0 .. C - 1));
    requires range: \forall integer c; 0 <= c < C ==> cand[c] < E;
    requires inc: \forall integer c, d; 0 <= c < d < C ==> cand[c] < cand[d];
    assigns at[0 .. E - 1];
    ensures at: \forall integer c; 0 <= c < C ==> at[cand[c]] == c;
*/
static void invert(uint32_t *at, const uint32_t *cand, uint32_t C, uint32_t E) {
  (void)E;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= c <= C;
      loop invariant at: \forall integer p; 0 <= p < c ==> at[cand[p]] == p;
      loop assigns c, at[0 .. E - 1];
      loop variant C - c;
  */
  /* cand[0 .. C-1] is the caller's (candidates' ensures); the analyzer does not see contracts */
  for (uint32_t c = 0u; c < C; c++) at[cand[c]] = c;  // NOLINT(clang-analyzer-core.uninitialized.ArraySubscript)
}

/* Expert numbers stated in the chosen groups (groups[], rank order) instead
   of asc: contract-only steps (empty bodies; the ensures are the lemmas,
   the asserts their steps), so that these quantifiers sit in no loop's
   context and each step has only the facts it needs. */
/*@ requires dims: 1 <= tg && 2 <= G && C == tg * G;
    requires src: \forall integer j; 0 <= j < tg ==> src[j] < tg && asc[j] == groups[src[j]];
    requires home: \forall integer c; 0 <= c < C ==>
                     sl[c] < tg && asc[sl[c]] * G <= cand[c] < asc[sl[c]] * G + G;
    assigns \nothing;
    ensures home: \forall integer c; 0 <= c < C ==> in_groups(groups, tg, G, cand[c]);
*/
static void home_groups(const uint32_t *cand, const uint32_t *sl, const uint8_t *asc, const uint32_t *src,
                        const uint32_t *groups, uint32_t tg, uint32_t G, uint32_t C) {
  (void)cand; (void)sl; (void)asc; (void)src; (void)groups; (void)tg; (void)G; (void)C;
  //@ assert h0: \forall integer c; 0 <= c < C ==> sl[c] < tg && src[sl[c]] < tg && asc[sl[c]] == groups[src[sl[c]]];
  /*@ assert h1: \forall integer c; 0 <= c < C ==> src[sl[c]] < tg &&
                   groups[src[sl[c]]] * G <= cand[c] < groups[src[sl[c]]] * G + G; */
}

/*@ requires dims: 1 <= tg && 2 <= G && C == tg * G;
    requires cover: \forall integer b, p; 0 <= b < tg && b * G <= p < b * G + G ==>
                      p < C && cand[p] == asc[b] * G + (p - b * G);
    requires at: \forall integer c; 0 <= c < C ==> at[cand[c]] == c;
    assigns \nothing;
    ensures cover: \forall integer b, e; 0 <= b < tg && in_block(asc[b], G, e) ==>
                     at[e] < C && cand[at[e]] == e;
*/
static void cover_asc(const uint32_t *cand, const uint32_t *at, const uint8_t *asc, uint32_t tg, uint32_t G,
                      uint32_t C) {
  (void)cand; (void)at; (void)asc; (void)tg; (void)G; (void)C;
  //@ assert c0: \forall integer b; 0 <= b < tg ==> 0 <= b * G;
  /* one assert for the chain cand[p] == e, at[cand[p]] == p, at[e] == p:
     its conclusion holds the ground terms that trigger cover and at */
  /*@ assert c2: \forall integer b, e; 0 <= b < tg && asc[b] * G <= e < asc[b] * G + G ==>
                   0 <= b * G + (e - asc[b] * G) < C && cand[b * G + (e - asc[b] * G)] == e &&
                   at[cand[b * G + (e - asc[b] * G)]] == b * G + (e - asc[b] * G) &&
                   at[e] == b * G + (e - asc[b] * G); */
}

/*@ requires dims: 1 <= tg && 2 <= G && C == tg * G;
    requires dst: \forall integer a; 0 <= a < tg ==> dst[a] < tg && asc[dst[a]] == groups[a];
    requires cover: \forall integer b, e; 0 <= b < tg && in_block(asc[b], G, e) ==>
                      at[e] < C && cand[at[e]] == e;
    assigns \nothing;
    ensures cover: \forall integer e; in_groups(groups, tg, G, e) ==> at[e] < C && cand[at[e]] == e;
*/
static void cover_groups(const uint32_t *cand, const uint32_t *at, const uint8_t *asc, const uint32_t *dst,
                         const uint32_t *groups, uint32_t tg, uint32_t G, uint32_t C) {
  (void)cand; (void)at; (void)asc; (void)dst; (void)groups; (void)tg; (void)G; (void)C;
  /*@ assert c4: \forall integer a, e; 0 <= a < tg && in_block(groups[a], G, e) ==>
                   dst[a] < tg && in_block(asc[dst[a]], G, e) && at[e] < C && cand[at[e]] == e; */
}

/* cs[c] = sel[cand[c]] */
/*@ requires C: 1 <= C <= VIK_MOE_EMAX && E <= VIK_MOE_EMAX;
    requires valid: \valid(cs + (0 .. C - 1)) && \valid_read(cand + (0 .. C - 1)) && \valid_read(sel + (0 .. E - 1));
    requires sep: \separated(cs + (0 .. C - 1), cand + (0 .. C - 1), sel + (0 .. E - 1));
    requires range: \forall integer c; 0 <= c < C ==> cand[c] < E;
    requires fin: \forall integer e; 0 <= e < E ==> \is_finite(sel[e]);
    assigns cs[0 .. C - 1];
    ensures cs: \forall integer c; 0 <= c < C ==> cs[c] == sel[cand[c]] && \is_finite(cs[c]);
*/
static void cand_scores(float *cs, const uint32_t *cand, const float *sel, uint32_t C, uint32_t E) {
  (void)E;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= c <= C;
      loop invariant cs: \forall integer p; 0 <= p < c ==> cs[p] == sel[cand[p]] && \is_finite(cs[p]);
      loop assigns c, cs[0 .. C - 1];
      loop variant C - c;
  */
  /* cand[0 .. C-1] is the caller's (candidates' ensures); the analyzer does not see contracts */
  for (uint32_t c = 0u; c < C; c++) cs[c] = sel[cand[c]];  // NOLINT(clang-analyzer-core.uninitialized.ArraySubscript)
}

/* vik_topk's "best" with "not picked" as one atom (unpicked, moe.h), so
   that a caller's goal matches it without a nested quantifier to open */
/*@ requires k: 1 <= k <= n;
    requires topk: topk(pick, s, n, k);
    assigns \nothing;
    ensures best: \forall integer j, p; 0 <= j < k && 0 <= p < n && unpicked(pick, k, p) ==> before(s, pick[j], p);
*/
static void topk_best(const uint32_t *pick, const float *s, uint32_t n, uint32_t k) {
  (void)pick; (void)s; (void)n; (void)k;
}

/* idx[j] = cand[pick[j]]: the chosen experts, eligible because every
   candidate is; their order and optimality are vik_topk's over cs,
   translated through cand (increasing, so a tie by position is a tie by
   expert number) and at (every eligible expert's position). */
/*@ requires dims: 1 <= k <= C && C <= E && E <= VIK_MOE_EMAX;
    requires valid: \valid(idx + (0 .. k - 1)) && \valid_read(cand + (0 .. C - 1)) &&
                    \valid_read(pick + (0 .. k - 1));
    requires sep: \separated(idx + (0 .. k - 1), cand + (0 .. C - 1), pick + (0 .. k - 1), groups + (0 .. tg - 1),
                             at + (0 .. E - 1), cs + (0 .. C - 1), sel + (0 .. E - 1));
    requires range: \forall integer j; 0 <= j < k ==> pick[j] < C;
    requires order: \forall integer a, b; 0 <= a < b < k ==> before(cs, pick[a], pick[b]);
    requires best: \forall integer j, p; 0 <= j < k && 0 <= p < C && unpicked(pick, k, p) ==> before(cs, pick[j], p);
    requires cs: \forall integer c; 0 <= c < C ==> cs[c] == sel[cand[c]];
    requires cand: \forall integer c; 0 <= c < C ==> cand[c] < E;
    requires inc: \forall integer c, d; 0 <= c < d < C ==> cand[c] < cand[d];
    requires home: \forall integer c; 0 <= c < C ==> in_groups(groups, tg, G, cand[c]);
    requires cover: \forall integer e; in_groups(groups, tg, G, e) ==> at[e] < C && cand[at[e]] == e;
    assigns idx[0 .. k - 1];
    ensures range: \forall integer j; 0 <= j < k ==> idx[j] < E;
    ensures elig: \forall integer j; 0 <= j < k ==> in_groups(groups, tg, G, idx[j]);
    ensures order: \forall integer a, b; 0 <= a < b < k ==> before(sel, idx[a], idx[b]);
    ensures best: \forall integer j, e; 0 <= j < k && 0 <= e < E && in_groups(groups, tg, G, e) &&
                    unpicked(idx, k, e) ==> before(sel, idx[j], e);
*/
static void gather(uint32_t *idx, const uint32_t *cand, const uint32_t *at, const float *cs, const float *sel,
                   const uint32_t *pick, const uint32_t *groups, uint32_t k, uint32_t C, uint32_t tg, uint32_t G,
                   uint32_t E) {
  (void)at; (void)cs; (void)sel; (void)groups; (void)C; (void)tg; (void)G; (void)E;   /* only the contract uses them */
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant cp: \forall integer b; 0 <= b < j ==> idx[b] == cand[pick[b]];
      loop assigns j, idx[0 .. k - 1];
      loop variant k - j;
  */
  /* pick[0 .. k-1] is vik_topk's, in the caller; the analyzer does not see contracts */
  for (uint32_t j = 0u; j < k; j++) idx[j] = cand[pick[j]];  // NOLINT(clang-analyzer-core.uninitialized.ArraySubscript)
  //@ assert pk: \forall integer b; 0 <= b < k ==> pick[b] < C && idx[b] == cand[pick[b]];
  /*@ assert unp: \forall integer e; 0 <= e < E && in_groups(groups, tg, G, e) && unpicked(idx, k, e) ==>
                    at[e] < C && cand[at[e]] == e && unpicked(pick, k, at[e]); */
  /*@ assert bq: \forall integer j, e; 0 <= j < k && 0 <= e < E && in_groups(groups, tg, G, e) &&
                   unpicked(idx, k, e) ==> at[e] < C && cand[at[e]] == e && before(cs, pick[j], at[e]); */
}

/* before over sel, stated over score and bias: sel[e] is ds_sel(score[e], bias[e]) */
/*@ requires k: 1 <= k && E <= VIK_MOE_EMAX;
    requires ds: \forall integer e; 0 <= e < E ==> is_sel(sel[e], score[e], bias[e]);
    requires range: \forall integer j; 0 <= j < k ==> idx[j] < E;
    requires order: \forall integer a, b; 0 <= a < b < k ==> before(sel, idx[a], idx[b]);
    requires best: \forall integer j, e; 0 <= j < k && 0 <= e < E && in_groups(groups, tg, G, e) &&
                     unpicked(idx, k, e) ==> sel[idx[j]] > sel[e] || (sel[idx[j]] == sel[e] && idx[j] < e);
    assigns \nothing;
    ensures order: \forall integer a, b; 0 <= a < b < k ==> ds_before(score, bias, idx[a], idx[b]);
    ensures best: \forall integer j, e; 0 <= j < k && 0 <= e < E && in_groups(groups, tg, G, e) &&
                    unpicked(idx, k, e) ==> ds_before(score, bias, idx[j], e);
    ensures distinct: \forall integer a, b; 0 <= a < b < k ==> idx[a] != idx[b];
*/
static void to_ds(const uint32_t *idx, const float *sel, const float *score, const float *bias,
                  const uint32_t *groups, uint32_t k, uint32_t tg, uint32_t G, uint32_t E) {
  (void)idx; (void)sel; (void)score; (void)bias; (void)groups; (void)k; (void)tg; (void)G; (void)E;
}

/* The topk_group best groups by group score (groups[], rank order: vik_topk
   over the group scores, so ties go to the lower group) and the same groups
   in increasing order (asc; src and dst relate the positions) */
/*@ requires dims: 1 <= n_group <= VIK_MOE_GMAX && 2 <= G && n_group * G <= VIK_MOE_EMAX && 1 <= tg <= n_group;
    requires valid: \valid_read(sel + (0 .. n_group * G - 1)) && \valid(groups + (0 .. tg - 1)) &&
                    \valid(asc + (0 .. tg - 1)) && \valid(src + (0 .. tg - 1)) && \valid(dst + (0 .. tg - 1));
    requires sep: \separated(sel + (0 .. n_group * G - 1), groups + (0 .. tg - 1), asc + (0 .. tg - 1),
                             src + (0 .. tg - 1), dst + (0 .. tg - 1));
    requires fin: \forall integer e; 0 <= e < n_group * G ==> \is_finite(sel[e]) && \abs(sel[e]) <= 0x1p21;
    assigns groups[0 .. tg - 1], asc[0 .. tg - 1], src[0 .. tg - 1], dst[0 .. tg - 1];
    ensures groups: \forall integer a; 0 <= a < tg ==> groups[a] < n_group;
    ensures src: \forall integer j; 0 <= j < tg ==> src[j] < tg && asc[j] == groups[src[j]];
    ensures dst: \forall integer a; 0 <= a < tg ==> dst[a] < tg && asc[dst[a]] == groups[a];
    ensures inc: \forall integer a, b; 0 <= a < b < tg ==> asc[a] < asc[b];
    ensures asc: \forall integer a; 0 <= a < tg ==> asc[a] < n_group;
*/
static void choose_groups(uint32_t *groups, uint8_t *asc, uint32_t *src, uint32_t *dst, const float *sel,
                          uint32_t n_group, uint32_t tg, uint32_t G) {
  float gs[VIK_MOE_GMAX];
  group_scores(gs, sel, n_group, G);
  vik_topk(groups, gs, n_group, tg);
  //@ assert apart: \forall integer a, b; 0 <= a < b < tg ==> groups[a] != groups[b];
  ascend(asc, src, dst, groups, tg);
  //@ assert asc: \forall integer j; 0 <= j < tg ==> src[j] < tg && groups[src[j]] < n_group;
}

/* The k best experts by sel among the experts of the groups groups[0 ..
   tg-1]: vik_topk over the candidates (cand: those experts in increasing
   order), translated back to expert numbers */
/*@ requires dims: 1 <= n_group <= VIK_MOE_GMAX && 2 <= G && n_group * G == E && E <= VIK_MOE_EMAX &&
                   1 <= tg <= n_group && 1 <= k <= tg * G && k <= VIK_MOE_KMAX;
    requires valid: \valid_read(sel + (0 .. E - 1)) && \valid_read(groups + (0 .. tg - 1)) &&
                    \valid_read(asc + (0 .. tg - 1)) && \valid_read(src + (0 .. tg - 1)) &&
                    \valid_read(dst + (0 .. tg - 1)) && \valid(idx + (0 .. k - 1));
    requires sep: \separated(idx + (0 .. k - 1), sel + (0 .. E - 1), groups + (0 .. tg - 1), asc + (0 .. tg - 1),
                             src + (0 .. tg - 1), dst + (0 .. tg - 1));
    requires fin: \forall integer e; 0 <= e < E ==> \is_finite(sel[e]);
    requires src: \forall integer j; 0 <= j < tg ==> src[j] < tg && asc[j] == groups[src[j]];
    requires dst: \forall integer a; 0 <= a < tg ==> dst[a] < tg && asc[dst[a]] == groups[a];
    requires inc: \forall integer a, b; 0 <= a < b < tg ==> asc[a] < asc[b];
    requires asc: \forall integer a; 0 <= a < tg ==> asc[a] < n_group;
    assigns idx[0 .. k - 1];
    ensures range: \forall integer j; 0 <= j < k ==> idx[j] < E;
    ensures elig: \forall integer j; 0 <= j < k ==> in_groups(groups, tg, G, idx[j]);
    ensures order: \forall integer a, b; 0 <= a < b < k ==> before(sel, idx[a], idx[b]);
    ensures best: \forall integer j, e; 0 <= j < k && 0 <= e < E && in_groups(groups, tg, G, e) &&
                    unpicked(idx, k, e) ==> before(sel, idx[j], e);
*/
static void pick_experts(uint32_t *idx, const float *sel, const uint32_t *groups, const uint8_t *asc,
                         const uint32_t *src, const uint32_t *dst, uint32_t E, uint32_t k, uint32_t n_group,
                         uint32_t tg, uint32_t G) {
  float cs[VIK_MOE_EMAX];
  uint32_t cand[VIK_MOE_EMAX], sl[VIK_MOE_EMAX], at[VIK_MOE_EMAX], pick[VIK_MOE_KMAX];
  uint32_t C = tg * G;
  //@ assert C: C == tg * G && k <= C <= E;
  candidates(cand, sl, asc, n_group, tg, G);
  invert(at, cand, C, E);
  home_groups(cand, sl, asc, src, groups, tg, G, C);
  cover_asc(cand, at, asc, tg, G, C);
  cover_groups(cand, at, asc, dst, groups, tg, G, C);
  cand_scores(cs, cand, sel, C, E);
  vik_topk(pick, cs, C, k);
  topk_best(pick, cs, C, k);
  gather(idx, cand, at, cs, sel, pick, groups, k, C, tg, G, E);
}

/* sel[e] = score[e] + bias[e], the selection scores */
/*@ requires E: 1 <= E <= VIK_MOE_EMAX;
    requires valid: \valid(sel + (0 .. E - 1)) && \valid_read(score + (0 .. E - 1)) && \valid_read(bias + (0 .. E - 1));
    requires sep: \separated(sel + (0 .. E - 1), score + (0 .. E - 1), bias + (0 .. E - 1));
    requires score: \forall integer e; 0 <= e < E ==> \is_finite(score[e]) && 0 <= score[e] <= 1;
    requires bias: \forall integer e; 0 <= e < E ==> \is_finite(bias[e]) && \abs(bias[e]) <= 0x1p20;
    assigns sel[0 .. E - 1];
    ensures fin: \forall integer e; 0 <= e < E ==> \is_finite(sel[e]) && \abs(sel[e]) <= 0x1p21;
    ensures ds: \forall integer e; 0 <= e < E ==> is_sel(sel[e], score[e], bias[e]);
*/
static void sel_scores(float *sel, const float *score, const float *bias, uint32_t E) {
  /*@ loop invariant bounds: 0 <= i <= E;
      loop invariant fin: \forall integer e; 0 <= e < i ==> \is_finite(sel[e]) && \abs(sel[e]) <= 0x1p21;
      loop invariant ds: \forall integer e; 0 <= e < i ==> is_sel(sel[e], score[e], bias[e]);
      loop assigns i, sel[0 .. E - 1];
      loop variant E - i;
  */
  for (uint32_t i = 0u; i < E; i++) sel[i] = biased(score[i], bias[i]);
}

/* w[j] = rsf w[j] (scaled_w) for every j < k, and what the products'
   errors make of the sum: within u of rsf times the old sum plus 2^-150 a
   weight, or at least rsf (a clamp at rsf lowers a product); so a sum within
   VIK_WSUM_EB of 1 becomes one within about rsf 2^-17 of rsf. The sums as in
   divide: a ghost loop before the writes distributes rsf over the old
   partial sums, one after adds the new weights up beside them. */
/*@ requires k: 1 <= k <= VIK_MOE_KMAX;
    requires rsf: \is_finite(rsf) && 0 < rsf <= 1024;
    requires valid: \valid(w + (0 .. k - 1));
    requires probs: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= 1;
    assigns w[0 .. k - 1];
    ensures range: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= rsf;
    ensures zero: \forall integer j; 0 <= j < k ==> \old(w[j]) == 0 ==> w[j] == 0;
    ensures sum: \abs(\old(wsum(w, k)) - 1) <= VIK_WSUM_EB ==>
                   \abs(wsum(w, k) - rsf) <= rsf * 0x1p-17 + 0x1p-140;
*/
static void scale(float *w, uint32_t k, float rsf) {
  uint32_t j;
  /* the signs the end needs, here where the context is small */
  //@ assert s0: \abs(wsum(w, k) - 1) <= VIK_WSUM_EB ==> 1 + VIK_WSUM_EB - wsum(w, k) >= 0 && wsum(w, k) - (1 - VIK_WSUM_EB) >= 0;
  //@ assert s1: 1 + VIK_WSUM_EB - wsum(w, k) >= 0 ==> rsf * (1 + VIK_WSUM_EB - wsum(w, k)) >= 0;
  //@ assert s2: wsum(w, k) - (1 - VIK_WSUM_EB) >= 0 ==> rsf * (wsum(w, k) - (1 - VIK_WSUM_EB)) >= 0;
  //@ ghost wsum_zero(w);
  /*@ ghost
    /@ loop invariant bounds: 0 <= n <= k;
       loop invariant unf: \forall integer m; 0 <= m < n ==> wsum(w, m + 1) == wsum(w, m) + w[m];
       loop invariant dist: \forall integer m; 0 <= m < n ==> dist_at(w, m, rsf);
       loop assigns n;
       loop variant k - n;
    @/
    for (uint32_t n = 0u; n < k; n++) {
      wsum_next(w, n, n + 1u);
      dist(w, n, n + 1u, rsf);
    }
  */
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant done: \forall integer a; 0 <= a < j ==> \is_finite(w[a]) && 0 <= w[a] <= rsf &&
                             near_scale(w[a], \at(w[a], Pre), rsf) && (\at(w[a], Pre) == 0 ==> w[a] == 0);
      loop invariant todo: \forall integer a; j <= a < k ==> w[a] == \at(w[a], Pre) &&
                             \is_finite(w[a]) && 0 <= w[a] <= 1;
      loop assigns j, w[0 .. k - 1];
      loop variant k - j;
  */
  for (j = 0u; j != k; j++) w[j] = scaled_w(w[j], rsf);
  //@ ghost wsum_zero(w);
  /*@ ghost
    /@ loop invariant bounds: 0 <= n <= k;
       loop invariant pos: wsum(w, n) >= 0;
       loop invariant up: \let m = n; wsum(w, m) <= (1 + 0x1p-24) * (rsf * \at(wsum(w, m), Pre)) + m * 0x1p-150;
       loop invariant lo: \let m = n; wsum(w, m) >= rsf ||
                            wsum(w, m) >= (1 - 0x1p-24) * (rsf * \at(wsum(w, m), Pre)) - m * 0x1p-150;
       loop assigns n;
       loop variant k - n;
    @/
    for (uint32_t n = 0u; n != k; n++) {
      uint32_t n1 = n + 1u;
      wsum_next(w, n, n1);
      /@ assert unf0: \let m = n; \let m1 = n1; \at(wsum(w, m1), Pre) == \at(wsum(w, m + 1), Pre); @/
      /@ assert unf1: \let m = n; \at(dist_at(w, m, rsf), Pre); @/
      /@ assert unf2: \let m = n; \let m1 = n1;
                        rsf * \at(wsum(w, m1), Pre) == rsf * \at(wsum(w, m), Pre) + rsf * \at(w[m], Pre); @/
      /@ assert near: \let m = n; near_scale(w[m], \at(w[m], Pre), rsf); @/
    }
  */
  /*@ assert s1: \abs(\at(wsum(w, k), Pre) - 1) <= VIK_WSUM_EB ==>
                   rsf * (1 + VIK_WSUM_EB - \at(wsum(w, k), Pre)) >= 0 &&
                   rsf * (\at(wsum(w, k), Pre) - (1 - VIK_WSUM_EB)) >= 0; */
}

/* w[j] = score[idx[j]] / their sum (in rank order), times rsf; 0 if the sum
   is below 2^-100 (every chosen sigmoid vanishing). A function of its own,
   so that the router's facts over score and sel cross the writes of w as
   one call (its assigns clause) instead of through the loops. */
/*@ requires k: 1 <= k <= VIK_MOE_KMAX && E <= VIK_MOE_EMAX;
    requires rsf: \is_finite(rsf) && 0 < rsf <= 1024;
    requires valid: \valid(w + (0 .. k - 1)) && \valid_read(score + (0 .. E - 1)) && \valid_read(idx + (0 .. k - 1));
    requires sep: \separated(w + (0 .. k - 1), score + (0 .. E - 1), idx + (0 .. k - 1));
    requires range: \forall integer j; 0 <= j < k ==> idx[j] < E;
    requires score: \forall integer e; 0 <= e < E ==> \is_finite(score[e]) && 0 <= score[e] <= 1;
    assigns w[0 .. k - 1];
    ensures weights: \forall integer j; 0 <= j < k ==> \is_finite(w[j]) && 0 <= w[j] <= rsf;
    ensures sum: sums_to(w, score, idx, k, rsf, rsf * 0x1p-17 + 0x1p-140);
*/
static void ds_weights(float *w, const float *score, const uint32_t *idx, uint32_t k, uint32_t E, float rsf) {
  uint32_t j;
  (void)E;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= j <= k;
      loop invariant got: \forall integer a; 0 <= a < j ==> w[a] == score[idx[a]] &&
                            \is_finite(w[a]) && 0 <= w[a] <= 1;
      loop assigns j, w[0 .. k - 1];
      loop variant k - j;
  */
  for (j = 0u; j < k; j++) w[j] = score[idx[j]];
  normalize(w, k);
  scale(w, k, rsf);
}

int vik_route_deepseek(uint32_t *idx, float *w, float *score, uint32_t *groups, const float *logits,
                       const float *bias, uint32_t E, uint32_t k, uint32_t n_group, uint32_t topk_group,
                       float rsf) {
  float sel[VIK_MOE_EMAX];
  uint32_t src[VIK_MOE_GMAX], dst[VIK_MOE_GMAX];
  uint8_t asc[VIK_MOE_GMAX];
  uint32_t i, G;
  if (!ds_dims_ok(E, k, n_group, topk_group) || !ds_inputs_ok(logits, bias, E)) {
    reject(idx, w, k);
    return VIK_EDOMAIN;
  }
  G = E / n_group;
  //@ assert G: n_group * G == E && 2 <= G;
  //@ assert in: ds_in{Pre}(logits, bias, E);
  /*@ loop invariant bounds: 0 <= i <= E;
      loop invariant sc: \forall integer e; 0 <= e < i ==> \is_finite(score[e]) && 0 <= score[e] <= 1;
      loop assigns i, score[0 .. E - 1];
      loop variant E - i;
  */
  for (i = 0u; i < E; i++) score[i] = vik_sigmoid(logits[i]);
  sel_scores(sel, score, bias, E);
  choose_groups(groups, asc, src, dst, sel, n_group, topk_group, G);
  pick_experts(idx, sel, groups, asc, src, dst, E, k, n_group, topk_group, G);
  ds_weights(w, score, idx, k, E, rsf);
  /* last, so that its facts over score hold in the final state */
  to_ds(idx, sel, score, bias, groups, k, topk_group, G, E);
  return VIK_OK;
}
