/* vik matrix products in a fixed summation order (see linear.h). */
#include "linear.h"
#include "e2m1.h"
#include "float_logic.h"
#include "tile_logic.h"
#include "dot_logic.h"

#define TILE_ROWS 8u   /* vik_matmul_f32's tile: 8 weight rows x 2 tokens */

/* Bounds the proof carries: a product is at most 2^40; a lane that has added
   k products is at most k * C with C = 2^40 + 2^28, 2^28 being half an ulp at
   2^53, the largest a lane can reach (4096 C = 2^52 + 2^40 < 2^53). */

/* One float addition, of lane sums or of tree levels: a sum of two values
   at most 2^56 stays finite; with a power-of-two bound B on both, |result|
   <= 2B; its rounding error is at most u = 2^-24 relative plus 2^-150. */
/*@ requires fa: \is_finite(a) && \abs(a) <= 0x1p56;
    requires fb: \is_finite(b) && \abs(b) <= 0x1p56;
    assigns \nothing;
    ensures fin: \is_finite(\result);
    ensures b54: \abs(a) <= 0x1p53 && \abs(b) <= 0x1p53 ==> \abs(\result) <= 0x1p54;
    ensures b55: \abs(a) <= 0x1p54 && \abs(b) <= 0x1p54 ==> \abs(\result) <= 0x1p55;
    ensures b56: \abs(a) <= 0x1p55 && \abs(b) <= 0x1p55 ==> \abs(\result) <= 0x1p56;
    ensures b57: \abs(\result) <= 0x1p57;
    ensures e53: \abs(a + b) <= 0x1p53 ==> \abs(rsub(\result, a + b)) <= 0x1p28;
    ensures rel: \abs(rsub(\result, a + b)) <= 0x1p-24 * \abs(a + b) + 0x1p-150;
*/
static inline float fadd(float a, float b) { return a + b; }

/* One lane step s0 + a * b: a product is at most 2^40; the sum, after k
   earlier steps, at most (k + 1) C. Its rounding error against the real
   s0 + a b: the product's and the sum's, each at most u = 2^-24 relative plus
   2^-150 (half the least subnormal). */
/*@ requires k: 0 <= k <= 4095;
    requires ba: \is_finite(a) && \abs(a) <= 0x1p20;
    requires bb: \is_finite(b) && \abs(b) <= 0x1p20;
    requires bs: \is_finite(s0) && \abs(s0) <= k * (0x1p40 + 0x1p28);
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= (k + 1) * (0x1p40 + 0x1p28);
    ensures err: \abs(\result - (s0 + (real)a * (real)b)) <=
                   0x1p-24 * \abs(s0) + VIK_U2 * \abs((real)a * (real)b) + 0x1p-148;
*/
static inline float madd1(float s0, float a, float b, uint32_t k) {
  (void)k;                                 /* only the contract uses it */
  float p = a * b;
  //@ assert bp: \is_finite(p) && \abs(p) <= 0x1p40;
  //@ assert rp: \abs(rsub(p, (real)a * (real)b)) <= 0x1p-24 * \abs((real)a * (real)b) + 0x1p-150;
  //@ assert bs: \is_finite(s0) && \abs(s0) <= 0x1p52;
  float s = fadd(s0, p);     /* the addition's relative error is fadd's */
  //@ assert err: \abs(rsub(s, s0 + p)) <= 0x1p28;
  //@ assert err2: \abs(s - (s0 + p)) <= 0x1p28;
  return s;
}

/* The k-th product of lanes 0 .. cnt-1: acc[l] += w[l] * x[l]; each lane's
   rounding error is madd1's. */
/*@ requires cnt: 0 <= cnt <= VIK_LANES;
    requires k: 0 <= k <= 4095;
    requires valid_acc: \valid(acc + (0 .. VIK_LANES - 1));
    requires valid_w: \valid_read(w + (0 .. cnt - 1));
    requires valid_x: \valid_read(x + (0 .. cnt - 1));
    requires sep_w: \separated(acc + (0 .. VIK_LANES - 1), w + (0 .. cnt - 1));
    requires sep_x: \separated(acc + (0 .. VIK_LANES - 1), x + (0 .. cnt - 1));   // w, x may alias
    requires bw: \forall integer i; 0 <= i < cnt ==> \is_finite(w[i]) && \abs(w[i]) <= 0x1p20;
    requires bx: \forall integer i; 0 <= i < cnt ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p20;
    requires lanes: \forall integer j; 0 <= j < VIK_LANES ==>
                      \is_finite(acc[j]) && \abs(acc[j]) <= k * (0x1p40 + 0x1p28);
    assigns acc[0 .. VIK_LANES - 1];
    ensures done: \forall integer j; 0 <= j < cnt ==>
                    \is_finite(acc[j]) && \abs(acc[j]) <= (k + 1) * (0x1p40 + 0x1p28);
    ensures rest: \forall integer j; cnt <= j < VIK_LANES ==>
                    \is_finite(acc[j]) && \abs(acc[j]) <= (k + 1) * (0x1p40 + 0x1p28);
    ensures err: \forall integer j; 0 <= j < cnt ==>
                   \abs(acc[j] - (\old(acc[j]) + (real)w[j] * (real)x[j])) <=
                     0x1p-24 * \abs(\old(acc[j])) + VIK_U2 * \abs((real)w[j] * (real)x[j]) + 0x1p-148;
    ensures same: \forall integer j; cnt <= j < VIK_LANES ==> acc[j] == \old(acc[j]);
*/
static inline void lane_madd(float *acc, const float *w, const float *x, uint32_t cnt, uint32_t k) {
  /*@ loop invariant bounds: 0 <= l <= cnt;
      loop invariant done: \forall integer j; 0 <= j < l ==>
                             \is_finite(acc[j]) && \abs(acc[j]) <= (k + 1) * (0x1p40 + 0x1p28);
      loop invariant todo: \forall integer j; l <= j < VIK_LANES ==>
                               \is_finite(acc[j]) && \abs(acc[j]) <= k * (0x1p40 + 0x1p28);
      loop invariant err: \forall integer j; 0 <= j < l ==>
                            \abs(acc[j] - (\at(acc[j], Pre) + (real)w[j] * (real)x[j])) <=
                              0x1p-24 * \abs(\at(acc[j], Pre)) + VIK_U2 * \abs((real)w[j] * (real)x[j]) + 0x1p-148;
      loop invariant same: \forall integer j; l <= j < VIK_LANES ==> acc[j] == \at(acc[j], Pre);
      loop assigns l, acc[0 .. VIK_LANES - 1];
      loop variant cnt - l;
  */
  for (uint32_t l = 0u; l < cnt; l++) acc[l] = madd1(acc[l], w[l], x[l], k);
}

/* The tree's rounding error.
   A tree node t of level m holds the rounded sum of 2^m lanes, of exact sum x
   (the lanes' real sum) and magnitude y (the sum of the lanes' magnitudes):
   each level rounds once more, so |t - x| <= m V y + (2^m - 1) 2^-149, and
   |t| <= (1 + m V) y + the same. V = VIK_V covers u and its (1 + u) growth. */
#define TREE_OK(m, t, x, y) \
  (\abs((t) - (x)) <= (m) * VIK_V * (y) + ((1 << (m)) - 1) * 0x1p-149 && \
   \abs(t) <= (1 + (m) * VIK_V) * (y) + ((1 << (m)) - 1) * 0x1p-149)
/* The 16 lanes combined by the fixed tree: 8 + 4 + 2 + 1 additions (lane l +=
   lane l + w for w = 8, 4, 2, 1), written out so that each node's error is
   one small proof step. Its error: 4 roundings on every lane's path, against
   the real sum of the lanes. SUM16(F) is F(0) + ... + F(15) (a C macro;
   Frama-C preprocesses annotations). */
#define SUM16(F) \
  (F(0) + F(1) + F(2) + F(3) + F(4) + F(5) + F(6) + F(7) + \
   F(8) + F(9) + F(10) + F(11) + F(12) + F(13) + F(14) + F(15))
#define LP(j) acc[j]
#define LA(j) \abs(acc[j])
/*@ requires valid_acc: \valid_read(acc + (0 .. VIK_LANES - 1));
    requires lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
    assigns \nothing;
    ensures finite: \is_finite(\result);
    ensures bound: \abs(\result) <= 0x1p57;
    ensures err: \abs(\result - SUM16(LP)) <= 4 * VIK_V * SUM16(LA) + 15 * 0x1p-149;
*/
static inline float lane_sum(const float *acc) {
  float a0 = fadd(acc[0], acc[8]);
  /*@ assert a0: TREE_OK(1, a0, LP(0) + LP(8),
                   LA(0) + LA(8)); */
  float a1 = fadd(acc[1], acc[9]);
  /*@ assert a1: TREE_OK(1, a1, LP(1) + LP(9),
                   LA(1) + LA(9)); */
  float a2 = fadd(acc[2], acc[10]);
  /*@ assert a2: TREE_OK(1, a2, LP(2) + LP(10),
                   LA(2) + LA(10)); */
  float a3 = fadd(acc[3], acc[11]);
  /*@ assert a3: TREE_OK(1, a3, LP(3) + LP(11),
                   LA(3) + LA(11)); */
  float a4 = fadd(acc[4], acc[12]);
  /*@ assert a4: TREE_OK(1, a4, LP(4) + LP(12),
                   LA(4) + LA(12)); */
  float a5 = fadd(acc[5], acc[13]);
  /*@ assert a5: TREE_OK(1, a5, LP(5) + LP(13),
                   LA(5) + LA(13)); */
  float a6 = fadd(acc[6], acc[14]);
  /*@ assert a6: TREE_OK(1, a6, LP(6) + LP(14),
                   LA(6) + LA(14)); */
  float a7 = fadd(acc[7], acc[15]);
  /*@ assert a7: TREE_OK(1, a7, LP(7) + LP(15),
                   LA(7) + LA(15)); */
  float b0 = fadd(a0, a4);
  /*@ assert b0: TREE_OK(2, b0, LP(0) + LP(8) + LP(4) + LP(12),
                   LA(0) + LA(8) + LA(4) + LA(12)); */
  float b1 = fadd(a1, a5);
  /*@ assert b1: TREE_OK(2, b1, LP(1) + LP(9) + LP(5) + LP(13),
                   LA(1) + LA(9) + LA(5) + LA(13)); */
  float b2 = fadd(a2, a6);
  /*@ assert b2: TREE_OK(2, b2, LP(2) + LP(10) + LP(6) + LP(14),
                   LA(2) + LA(10) + LA(6) + LA(14)); */
  float b3 = fadd(a3, a7);
  /*@ assert b3: TREE_OK(2, b3, LP(3) + LP(11) + LP(7) + LP(15),
                   LA(3) + LA(11) + LA(7) + LA(15)); */
  float c0 = fadd(b0, b2);
  /*@ assert c0: TREE_OK(3, c0, LP(0) + LP(8) + LP(4) + LP(12) + LP(2) + LP(10) + LP(6) + LP(14),
                   LA(0) + LA(8) + LA(4) + LA(12) + LA(2) + LA(10) + LA(6) + LA(14)); */
  float c1 = fadd(b1, b3);
  /*@ assert c1: TREE_OK(3, c1, LP(1) + LP(9) + LP(5) + LP(13) + LP(3) + LP(11) + LP(7) + LP(15),
                   LA(1) + LA(9) + LA(5) + LA(13) + LA(3) + LA(11) + LA(7) + LA(15)); */
  //@ assert cc: \abs(c0 + c1) <= (1 + 3 * VIK_V) * SUM16(LA) + 14 * 0x1p-149;
  float d = fadd(c0, c1);
  /*@ assert d: \abs(d - SUM16(LP)) <= 4 * VIK_V * SUM16(LA) + 15 * 0x1p-149; */
  return d;
}

/* vik_dot_f32's 16 lanes as a value: passed and returned by value, they
   are no memory to WP, so vik_dot_f32 writes no memory at all and the exact
   sums over a, b (dot, dot_abs: functions of the memory) stay one term from
   the first chunk to the last. gcc keeps them in registers (inline). */
typedef struct { float v[VIK_LANES]; } lanes;
#define SUMV(x) ((x).v[0] + (x).v[1] + (x).v[2] + (x).v[3] + (x).v[4] + (x).v[5] + (x).v[6] + (x).v[7] + \
  (x).v[8] + (x).v[9] + (x).v[10] + (x).v[11] + (x).v[12] + (x).v[13] + (x).v[14] + (x).v[15])
#define AV(x, j) \abs((x).v[j])
#define SUMA(x) (AV(x, 0) + AV(x, 1) + AV(x, 2) + AV(x, 3) + AV(x, 4) + AV(x, 5) + AV(x, 6) + AV(x, 7) + \
  AV(x, 8) + AV(x, 9) + AV(x, 10) + AV(x, 11) + AV(x, 12) + AV(x, 13) + AV(x, 14) + AV(x, 15))
/* every lane finite and at most k C: one predicate, so that a goal that is
   an instance of a hypothesis stays one term (-wp-split would cut the
   quantified conjunction apart, and the provers then time out on it) */
/*@ predicate lanes_ok(lanes x, integer k) =
      \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(x.v[j]) && \abs(x.v[j]) <= k * (0x1p40 + 0x1p28);
*/
/* the inputs of a chunk step (lanes_madd, chunk_madd, chunk_step): products
   o .. o+cnt-1 of a, b into lanes s that have added k products so far; the
   same named clauses in each contract (Frama-C preprocesses annotations) */
#define CHUNK_INPUTS \
    requires cnt: 0 <= cnt <= VIK_LANES; \
    requires k: 0 <= k <= 4095; \
    requires o: 0 <= o && o + cnt <= VIK_K_MAX; \
    requires valid_a: \valid_read(a + (o .. o + cnt - 1)); \
    requires valid_b: \valid_read(b + (o .. o + cnt - 1)); \
    requires ba: \forall integer i; o <= i < o + cnt ==> \is_finite(a[i]) && \abs(a[i]) <= 0x1p20; \
    requires bb: \forall integer i; o <= i < o + cnt ==> \is_finite(b[i]) && \abs(b[i]) <= 0x1p20; \
    requires lanes: lanes_ok(s, k);

/* lane_madd on a value: products o .. o+cnt-1 into lanes 0 .. cnt-1. */
/*@ CHUNK_INPUTS
    assigns \nothing;
    ensures lanes: lanes_ok(\result, k + 1);
    ensures err: \forall integer j; 0 <= j < cnt ==>
                   \abs(\result.v[j] - (s.v[j] + (real)a[o + j] * (real)b[o + j])) <=
                     0x1p-24 * \abs(s.v[j]) + VIK_U2 * \abs((real)a[o + j] * (real)b[o + j]) + 0x1p-148;
    ensures same: \forall integer j; cnt <= j < VIK_LANES ==> \result.v[j] == s.v[j];
*/
static inline lanes lanes_madd(lanes s, const float *a, const float *b, uint32_t o, uint32_t cnt, uint32_t k) {
  lanes t = s;
  /*@ loop invariant bounds: 0 <= l <= cnt;
      loop invariant done: \forall integer j; 0 <= j < l ==>
                             \is_finite(t.v[j]) && \abs(t.v[j]) <= (k + 1) * (0x1p40 + 0x1p28);
      loop invariant todo: \forall integer j; l <= j < VIK_LANES ==> t.v[j] == s.v[j];
      loop invariant todo_b: \forall integer j; l <= j < VIK_LANES ==>
                               \is_finite(t.v[j]) && \abs(t.v[j]) <= k * (0x1p40 + 0x1p28);
      loop invariant err: \forall integer j; 0 <= j < l ==>
                            \abs(t.v[j] - (s.v[j] + (real)a[o + j] * (real)b[o + j])) <=
                              0x1p-24 * \abs(s.v[j]) + VIK_U2 * \abs((real)a[o + j] * (real)b[o + j]) + 0x1p-148;
      loop assigns l, t;
      loop variant cnt - l;
  */
  for (uint32_t l = 0u; l < cnt; l++) t.v[l] = madd1(t.v[l], a[o + l], b[o + l], k);
  return t;
}

/* One chunk of vik_dot_f32 (lanes_madd), and what it does to the sum of
   the lanes and to the sum of their magnitudes, against the chunk's exact
   products: the lanes' errors added up (16 lanes, each at most 2^-148
   absolute). CS(a, b, o, cnt) and CA(a, b, o, cnt) are the chunk's exact sum
   and magnitude (spec/dot_logic.h). */
#define DM(j) DOT_M(a, b, o, cnt, j)
#define DT(j) DOT_T(a, b, o, cnt, j)
#define LANE_E(j) (0x1p-24 * AV(s, j) + VIK_U2 * DM(j) + 0x1p-148)
#define LANE_ERR(j) (-LANE_E(j) <= t.v[(j)] - s.v[(j)] - DT(j) <= LANE_E(j))
#define LANE_MAG(j) (AV(t, j) <= (1 + 0x1p-24) * AV(s, j) + (1 + VIK_U2) * DM(j) + 0x1p-148)
#define MAG4(i) (AV(t, i) + AV(t, (i) + 1) + AV(t, (i) + 2) + AV(t, (i) + 3) <= \
  (1 + 0x1p-24) * (AV(s, i) + AV(s, (i) + 1) + AV(s, (i) + 2) + AV(s, (i) + 3)) + \
  (1 + VIK_U2) * (DM(i) + DM((i) + 1) + DM((i) + 2) + DM((i) + 3)) + 0x1p-146)
#define ERR4E(i) (0x1p-24 * (AV(s, i) + AV(s, (i) + 1) + AV(s, (i) + 2) + AV(s, (i) + 3)) + \
  VIK_U2 * (DM(i) + DM((i) + 1) + DM((i) + 2) + DM((i) + 3)) + 0x1p-146)
#define ERR4(i) (-ERR4E(i) <= t.v[(i)] + t.v[(i) + 1] + t.v[(i) + 2] + t.v[(i) + 3] - \
  (s.v[(i)] + s.v[(i) + 1] + s.v[(i) + 2] + s.v[(i) + 3]) - (DT(i) + DT((i) + 1) + DT((i) + 2) + DT((i) + 3)) <= ERR4E(i))
/*@ CHUNK_INPUTS
    assigns \nothing;
    ensures lanes: lanes_ok(\result, k + 1);
    ensures sum: \abs(SUMV(\result) - SUMV(s) - CS(a, b, o, cnt)) <=
                   0x1p-24 * SUMA(s) + VIK_U2 * chunk_abs(a, b, o, cnt) + 0x1p-144;
    ensures mag: SUMA(\result) <= (1 + 0x1p-24) * SUMA(s) + (1 + VIK_U2) * chunk_abs(a, b, o, cnt) + 0x1p-144;
*/
static inline lanes chunk_madd(lanes s, const float *a, const float *b, uint32_t o, uint32_t cnt, uint32_t k) {
  lanes t = lanes_madd(s, a, b, o, cnt, k);
  //@ assert lanes: lanes_ok(t, k + 1);
  /*@ assert lane_mag: \forall integer j; 0 <= j < VIK_LANES ==> LANE_MAG(j); */
  //@ assert mag0: MAG4(0);
  //@ assert mag4: MAG4(4);
  //@ assert mag8: MAG4(8);
  //@ assert mag12: MAG4(12);
  /*@ assert lane_err: \forall integer j; 0 <= j < VIK_LANES ==> LANE_ERR(j); */
  //@ assert err0: ERR4(0);
  //@ assert err4: ERR4(4);
  //@ assert err8: ERR4(8);
  //@ assert err12: ERR4(12);
  /*@ assert ca: chunk_abs(a, b, o, cnt) == CA(a, b, o, cnt); */
  return t;
}

/* The empty dot product. Ghost, a lemma (from the definitions). */
/*@ ghost
  /@ assigns \nothing;
     ensures dot: dot(a, b, 0) == 0;
     ensures abs: dot_abs(a, b, 0) == 0;
     ensures eb: dot_eb(0, 0) == 0 && dot_mb(0, 0) == 0;
  @/
  static void dot_zero(const float *a, const float *b) { }
*/

/* A chunk sum of l + 1 terms is that of l terms plus term l (no recursion
   in sight: the ite terms of CS and CA, case by case). Ghost, a lemma. */
/*@ ghost
  /@ requires l: 0 <= l < VIK_LANES;
     assigns \nothing;
     ensures cs: CS(a, b, o, l + 1) == CS(a, b, o, l) + (real)a[o + l] * (real)b[o + l];
     ensures ca: CA(a, b, o, l + 1) == CA(a, b, o, l) + \abs((real)a[o + l] * (real)b[o + l]);
  @/
  static void chunk_next(const float *a, const float *b, uint32_t o, uint32_t l) { }
*/

/* The exact dot product over one more chunk: terms o .. o+r-1 (r <= 16)
   added to the first o. Ghost (no code): a lemma proved by its loop, one term
   at a time, and called where vik_dot_f32 needs it at a given o and r. */
/*@ ghost
  /@ requires o: 0 <= o <= VIK_K_MAX;
     requires r: 0 <= r <= VIK_LANES;
     assigns \nothing;
     ensures dot: dot(a, b, o + r) == dot(a, b, o) + CS(a, b, o, r);
     ensures abs: dot_abs(a, b, o + r) == dot_abs(a, b, o) + chunk_abs(a, b, o, r);
     ensures pos: chunk_abs(a, b, o, r) >= 0;
  @/
  static void dot_part(const float *a, const float *b, uint32_t o, uint32_t r) {
    /@ assert ca: chunk_abs(a, b, o, r) == CA(a, b, o, r); @/
    /@ loop invariant bounds: 0 <= l <= r;
       loop invariant dot: dot(a, b, o + l) == dot(a, b, o) + CS(a, b, o, l);
       loop invariant abs: dot_abs(a, b, o + l) == dot_abs(a, b, o) + CA(a, b, o, l);
       loop invariant pos: CA(a, b, o, l) >= 0;
       loop assigns l;
       loop variant r - l;
    @/
    for (uint32_t l = 0u; l < r; l++) {
      /@ assert next: dot(a, b, o + l + 1) == dot(a, b, o + l) + (real)a[o + l] * (real)b[o + l]; @/
      /@ assert next_abs: dot_abs(a, b, o + l + 1) == dot_abs(a, b, o + l) + \abs((real)a[o + l] * (real)b[o + l]); @/
      chunk_next(a, b, o, l);
    }
  }
*/

/* The error step's nonlinear facts (a chunk count k times a magnitude), out
   of vik_dot_f32's large goals: from M0 = dot_abs(o) and C = chunk_abs(o, r)
   to M1 = M0 + C, the bounds dot_eb and dot_mb grow by U M1, which covers
   one more rounding u of the lanes' magnitude and VIK_U2 of the chunk's
   products. Ghost: a lemma, its products' signs asserted first. The
   coefficients are written k U + c U (KU), not (k + c) U: the provers relate
   products through k alone. */
#define KU(k, c) ((k) * VIK_U + (c) * VIK_U)
/*@ ghost
  /@ requires k: 0 <= k <= 4095;
     requires m: dot_abs(a, b, o) >= 0 && chunk_abs(a, b, o, r) >= 0;
     requires next: dot_abs(a, b, o + r) == dot_abs(a, b, o) + chunk_abs(a, b, o, r);
     assigns \nothing;
     ensures err: 0x1p-24 * dot_mb(k, dot_abs(a, b, o)) + dot_eb(k, dot_abs(a, b, o)) +
                    VIK_U2 * chunk_abs(a, b, o, r) <= KU(k, 2) * dot_abs(a, b, o + r);
     ensures mag: (1 + 0x1p-24) * dot_mb(k, dot_abs(a, b, o)) + (1 + VIK_U2) * chunk_abs(a, b, o, r)
                    <= (1 + KU(k, 2)) * dot_abs(a, b, o + r);
  @/
  static void grow(const float *a, const float *b, uint32_t o, uint32_t r, uint32_t k) {
    /@ assert eb: dot_eb(k, dot_abs(a, b, o)) == KU(k, 1) * dot_abs(a, b, o); @/
    /@ assert mb: dot_mb(k, dot_abs(a, b, o)) == (1 + KU(k, 1)) * dot_abs(a, b, o); @/
    /@ assert le: (4095 - k) * dot_abs(a, b, o) >= 0; @/
    /@ assert mono: k * chunk_abs(a, b, o, r) >= 0; @/
    /@ assert s1: KU(k, 2) * dot_abs(a, b, o + r) == KU(k, 2) * dot_abs(a, b, o) + KU(k, 2) * chunk_abs(a, b, o, r); @/
    /@ assert s2a: 0x1p-24 * (1 + KU(k, 1)) * dot_abs(a, b, o) <= VIK_U * dot_abs(a, b, o); @/
    /@ assert s2b: VIK_U2 * chunk_abs(a, b, o, r) <= KU(k, 2) * chunk_abs(a, b, o, r); @/
    /@ assert s3: (1 + KU(k, 2)) * dot_abs(a, b, o + r) == (1 + KU(k, 2)) * dot_abs(a, b, o) + (1 + KU(k, 2)) * chunk_abs(a, b, o, r); @/
  }
*/

/* One more chunk in the bounds' coefficient: (k + 1) U + U = k U + 2 U, on
   its own (beside other nonlinear facts the provers do not find it). Ghost. */
/*@ ghost
  /@ requires k: 0 <= k <= 4095;
     assigns \nothing;
     ensures eb: dot_eb(k + 1, dot_abs(a, b, o + r)) == KU(k, 2) * dot_abs(a, b, o + r);
     ensures mb: dot_mb(k + 1, dot_abs(a, b, o + r)) == (1 + KU(k, 2)) * dot_abs(a, b, o + r);
  @/
  static void next_k(const float *a, const float *b, uint32_t o, uint32_t r, uint32_t k) { }
*/

/* The tree's 4 roundings on the lanes' magnitude, bounded by 5 U: the final
   step of vik_dot_f32's bound, nonlinear in the chunk count kk. Ghost. */
/*@ ghost
  /@ requires k: 0 <= kk <= 4096;
     requires m: dot_abs(a, b, n) >= 0;
     assigns \nothing;
     ensures tree: 4 * VIK_V * dot_mb(kk, dot_abs(a, b, n)) + dot_eb(kk, dot_abs(a, b, n))
                     <= KU(kk, 6) * dot_abs(a, b, n);
  @/
  static void grow_tree(const float *a, const float *b, uint32_t n, uint32_t kk) {
    /@ assert eb: dot_eb(kk, dot_abs(a, b, n)) == KU(kk, 1) * dot_abs(a, b, n); @/
    /@ assert mb: dot_mb(kk, dot_abs(a, b, n)) == (1 + KU(kk, 1)) * dot_abs(a, b, n); @/
    /@ assert le: (4096 - kk) * dot_abs(a, b, n) >= 0; @/
  }
*/

/*@ requires valid_acc: \valid(acc + (0 .. VIK_LANES - 1));
    assigns acc[0 .. VIK_LANES - 1];
    ensures zero: \forall integer j; 0 <= j < VIK_LANES ==> acc[j] == 0.0;
*/
static void lane_zero(float *acc) {
  /*@ loop invariant bounds: 0 <= l <= VIK_LANES;
      loop invariant zero: \forall integer j; 0 <= j < l ==> acc[j] == 0.0;
      loop assigns l, acc[0 .. VIK_LANES - 1];
      loop variant VIK_LANES - l;
  */
  for (uint32_t l = 0u; l < VIK_LANES; l++) acc[l] = 0.0f;
}

/* The 16 lanes' tree (lane_sum) on a value. */
/*@ requires lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(s.v[j]) && \abs(s.v[j]) <= 0x1p53;
    assigns \nothing;
    ensures finite: \is_finite(\result);
    ensures bound: \abs(\result) <= 0x1p57;
    ensures err: \abs(\result - SUMV(s)) <= 4 * VIK_V * SUMA(s) + 15 * 0x1p-149;
*/
static inline float lanes_sum(lanes s) { return lane_sum(s.v); }

/* One step of vik_dot_f32's error bound, from k chunks to k + 1: the
   chunk's products added (chunk_madd) and the bound carried over (grow). */
#define KAPPA 0x1p-143
#define DOT_ERR(x, k, p) (\abs(SUMV(x) - dot(a, b, p)) <= dot_eb(k, dot_abs(a, b, p)) + (k) * KAPPA)
#define DOT_MAG(x, k, p) (SUMA(x) <= dot_mb(k, dot_abs(a, b, p)) + (k) * KAPPA)
/*@ CHUNK_INPUTS
    requires m0: dot_abs(a, b, o) >= 0;
    requires err: DOT_ERR(s, k, o);
    requires mag: DOT_MAG(s, k, o);
    assigns \nothing;
    ensures lanes: lanes_ok(\result, k + 1);
    ensures m1: dot_abs(a, b, o + cnt) >= 0;
    ensures err: DOT_ERR(\result, k + 1, o + cnt);
    ensures mag: DOT_MAG(\result, k + 1, o + cnt);
*/
static inline lanes chunk_step(lanes s, const float *a, const float *b, uint32_t o, uint32_t cnt, uint32_t k) {
  //@ ghost dot_part(a, b, o, cnt);
  lanes t = chunk_madd(s, a, b, o, cnt, k);
  //@ ghost grow(a, b, o, cnt, k);
  //@ ghost next_k(a, b, o, cnt, k);
  /*@ assert t4: 0x1p-24 * SUMA(s) <= 0x1p-24 * dot_mb(k, dot_abs(a, b, o)) + 0x1p-24 * k * KAPPA; */
  /*@ assert t2: \abs(SUMV(t) - dot(a, b, o + cnt)) <=
        0x1p-24 * SUMA(s) + VIK_U2 * chunk_abs(a, b, o, cnt) + 0x1p-144 +
        dot_eb(k, dot_abs(a, b, o)) + k * KAPPA; */
  return t;
}

float vik_dot_f32(const float *a, const float *b, uint32_t n) {
  lanes acc;
  float y;
  uint32_t c = n / VIK_LANES, r = n % VIK_LANES, k, o;
  /*@ loop invariant bounds: 0 <= l <= VIK_LANES;
      loop invariant zero: \forall integer j; 0 <= j < l ==> acc.v[j] == 0.0;
      loop assigns l, acc;
      loop variant VIK_LANES - l;
  */
  for (uint32_t l = 0u; l < VIK_LANES; l++) acc.v[l] = 0.0f;
  //@ ghost dot_zero(a, b);
  //@ assert split: n == VIK_LANES * c + r && c <= 4096 && 0 <= r < VIK_LANES;
  /* after k chunks (16 k products): the lanes' sum within dot_eb of the
     exact sum of those products, their magnitudes within dot_mb of the
     products' magnitude; each chunk_step carries both to k + 1 */
  /*@ loop invariant bounds: 0 <= k <= c;
      loop invariant o: o == VIK_LANES * k;
      loop invariant fin: lanes_ok(acc, k);
      loop invariant m0: dot_abs(a, b, o) >= 0;
      loop invariant err: DOT_ERR(acc, k, o);
      loop invariant mag: DOT_MAG(acc, k, o);
      loop assigns k, o, acc;
      loop variant c - k;
  */
  for (k = 0u, o = 0u; k < c; k++, o += VIK_LANES) acc = chunk_step(acc, a, b, o, VIK_LANES, k);
  /* the n % 16 tail: element 16c + l goes to lane l, as in a full chunk */
  //@ assert tail: r > 0 ==> c <= 4095;
  //@ assert end: o == VIK_LANES * c && n == o + r;
  if (r > 0u) acc = chunk_step(acc, a, b, o, r, c);
  //@ ghost uint32_t kk = c + (r > 0u);
  //@ assert kk: kk == (n + 15) / 16 && kk <= 4096;
  /*@ assert lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(acc.v[j]) && \abs(acc.v[j]) <= 0x1p53; */
  //@ assert m1: dot_abs(a, b, n) >= 0;
  //@ assert err1: DOT_ERR(acc, kk, n);
  //@ assert mag1: DOT_MAG(acc, kk, n);
  //@ ghost grow_tree(a, b, n, kk);
  y = lanes_sum(acc);
  /*@ assert e3: \abs(y - dot(a, b, n)) <= KU(kk, 6) * dot_abs(a, b, n) + (kk + 1) * KAPPA; */
  return y;
}

/* A tile of 16 dots: rows 0..7 of w against rows 0..1 of x, out[2r + c] =
   w_r . x_c, each dot in vik_dot_f32's order (element 16k + l to lane l, the
   tail, the tree), so each is bit for bit vik_dot_f32(w_r, x_c, n). The 16
   lane sets stay in registers: each weight load serves two tokens and each
   token load eight rows, which makes prefill compute-bound, not load-bound. */
/*@ requires n: 1 <= n <= VIK_K_MAX;
    requires valid_out: \valid(out + (0 .. 2 * TILE_ROWS - 1));
    requires valid_w: \valid_read(w + (0 .. TILE_ROWS * n - 1));
    requires valid_x: \valid_read(x + (0 .. 2 * n - 1));
    requires sep: \separated(out + (0 .. 2 * TILE_ROWS - 1), w + (0 .. TILE_ROWS * n - 1), x + (0 .. 2 * n - 1));
    requires bw: \forall integer i; 0 <= i < TILE_ROWS * n ==> \is_finite(w[i]) && \abs(w[i]) <= 0x1p20;
    requires bx: \forall integer i; 0 <= i < 2 * n ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p20;
    assigns out[0 .. 2 * TILE_ROWS - 1];
    ensures fin: \forall integer j; 0 <= j < 2 * TILE_ROWS ==> \is_finite(out[j]) && \abs(out[j]) <= 0x1p57;
*/
static void dot_tile(float *out, const float *w, const float *x, uint32_t n) {
  float acc[2u * TILE_ROWS * VIK_LANES], set[VIK_LANES];   /* lane set j = 2 rr + cc at acc + 16j */
  uint32_t c = n / VIK_LANES, r = n % VIK_LANES, j, k;
  /*@ loop invariant bounds: 0 <= j <= 2 * TILE_ROWS * VIK_LANES;
      loop invariant zero: \forall integer i; 0 <= i < j ==> acc[i] == 0.0;
      loop assigns j, acc[0 .. 2 * TILE_ROWS * VIK_LANES - 1];
      loop variant 2 * TILE_ROWS * VIK_LANES - j;
  */
  for (j = 0u; j < 2u * TILE_ROWS * VIK_LANES; j++) acc[j] = 0.0f;
  /* the loops written out over rows, tokens and lanes with 64-bit row offsets:
     gcc then keeps the 16 lane sets in registers (with lane_madd calls it
     vectorised across the rows instead, with gathers) */
  /*@ loop invariant bounds: 0 <= k <= c;
      loop invariant fin: \forall integer i; 0 <= i < 2 * TILE_ROWS * VIK_LANES ==>
                            \is_finite(acc[i]) && \abs(acc[i]) <= k * (0x1p40 + 0x1p28);
      loop assigns k, acc[0 .. 2 * TILE_ROWS * VIK_LANES - 1];
      loop variant c - k;
  */
  for (k = 0u; k < c; k++) {
    /*@ loop invariant bounds: 0 <= rr <= TILE_ROWS;
        loop invariant done: \forall integer i; 0 <= i < 2 * VIK_LANES * rr ==>
                               \is_finite(acc[i]) && \abs(acc[i]) <= (k + 1) * (0x1p40 + 0x1p28);
        loop invariant todo: \forall integer i; 2 * VIK_LANES * rr <= i < 2 * TILE_ROWS * VIK_LANES ==>
                               \is_finite(acc[i]) && \abs(acc[i]) <= k * (0x1p40 + 0x1p28);
        loop assigns rr, acc[0 .. 2 * TILE_ROWS * VIK_LANES - 1];
        loop variant TILE_ROWS - rr;
    */
    for (uint32_t rr = 0u; rr < TILE_ROWS; rr++) {
      /*@ loop invariant bounds: 0 <= cc <= 2;
          loop invariant done: \forall integer i; 0 <= i < 2 * VIK_LANES * rr + VIK_LANES * cc ==>
                                 \is_finite(acc[i]) && \abs(acc[i]) <= (k + 1) * (0x1p40 + 0x1p28);
          loop invariant todo: \forall integer i; 2 * VIK_LANES * rr + VIK_LANES * cc <= i < 2 * TILE_ROWS * VIK_LANES ==>
                                 \is_finite(acc[i]) && \abs(acc[i]) <= k * (0x1p40 + 0x1p28);
          loop assigns cc, acc[0 .. 2 * TILE_ROWS * VIK_LANES - 1];
          loop variant 2 - cc;
      */
      for (uint32_t cc = 0u; cc < 2u; cc++) {
        /*@ loop invariant bounds: 0 <= l <= VIK_LANES;
            loop invariant done: \forall integer i; 0 <= i < 2 * VIK_LANES * rr + VIK_LANES * cc + l ==>
                                   \is_finite(acc[i]) && \abs(acc[i]) <= (k + 1) * (0x1p40 + 0x1p28);
            loop invariant todo: \forall integer i; 2 * VIK_LANES * rr + VIK_LANES * cc + l <= i < 2 * TILE_ROWS * VIK_LANES ==>
                                   \is_finite(acc[i]) && \abs(acc[i]) <= k * (0x1p40 + 0x1p28);
            loop assigns l, acc[0 .. 2 * TILE_ROWS * VIK_LANES - 1];
            loop variant VIK_LANES - l;
        */
        for (uint32_t l = 0u; l < VIK_LANES; l++) {
          //@ assert win: 0 <= rr * n + VIK_LANES * k + l < TILE_ROWS * n;
          //@ assert xin: 0 <= cc * n + VIK_LANES * k + l < 2 * n;
          uint32_t i = VIK_LANES * (2u * rr + cc) + l;
          acc[i] = madd1(acc[i], w[(size_t)rr * n + VIK_LANES * k + l], x[(size_t)cc * n + VIK_LANES * k + l], k);
        }
      }
    }
  }
  //@ assert tail: r > 0 ==> c <= 4095;
  /* the n % 16 tail: element 16c + l to lane l, as vik_dot_f32 */
  /*@ loop invariant bounds: 0 <= rr <= TILE_ROWS;
      loop invariant done: \forall integer i; 0 <= i < 2 * VIK_LANES * rr ==>
                             \is_finite(acc[i]) && \abs(acc[i]) <= (c + 1) * (0x1p40 + 0x1p28);
      loop invariant todo: \forall integer i; 2 * VIK_LANES * rr <= i < 2 * TILE_ROWS * VIK_LANES ==>
                             \is_finite(acc[i]) && \abs(acc[i]) <= c * (0x1p40 + 0x1p28);
      loop assigns rr, acc[0 .. 2 * TILE_ROWS * VIK_LANES - 1];
      loop variant TILE_ROWS - rr;
  */
  for (uint32_t rr = 0u; rr < TILE_ROWS; rr++) {
    /*@ loop invariant bounds: 0 <= cc <= 2;
        loop invariant done: \forall integer i; 0 <= i < 2 * VIK_LANES * rr + VIK_LANES * cc ==>
                               \is_finite(acc[i]) && \abs(acc[i]) <= (c + 1) * (0x1p40 + 0x1p28);
        loop invariant todo: \forall integer i; 2 * VIK_LANES * rr + VIK_LANES * cc <= i < 2 * TILE_ROWS * VIK_LANES ==>
                               \is_finite(acc[i]) && \abs(acc[i]) <= c * (0x1p40 + 0x1p28);
        loop assigns cc, acc[0 .. 2 * TILE_ROWS * VIK_LANES - 1];
        loop variant 2 - cc;
    */
    for (uint32_t cc = 0u; cc < 2u; cc++) {
      /*@ loop invariant bounds: 0 <= l <= r;
          loop invariant done: \forall integer i; 0 <= i < 2 * VIK_LANES * rr + VIK_LANES * cc + l ==>
                                 \is_finite(acc[i]) && \abs(acc[i]) <= (c + 1) * (0x1p40 + 0x1p28);
          loop invariant todo: \forall integer i; 2 * VIK_LANES * rr + VIK_LANES * cc + l <= i < 2 * TILE_ROWS * VIK_LANES ==>
                                 \is_finite(acc[i]) && \abs(acc[i]) <= c * (0x1p40 + 0x1p28);
          loop assigns l, acc[0 .. 2 * TILE_ROWS * VIK_LANES - 1];
          loop variant r - l;
      */
      for (uint32_t l = 0u; l < r; l++) {
        //@ assert win: 0 <= rr * n + VIK_LANES * c + l < TILE_ROWS * n;
        //@ assert xin: 0 <= cc * n + VIK_LANES * c + l < 2 * n;
        uint32_t i = VIK_LANES * (2u * rr + cc) + l;
        acc[i] = madd1(acc[i], w[(size_t)rr * n + VIK_LANES * c + l], x[(size_t)cc * n + VIK_LANES * c + l], c);
      }
    }
  }
  /*@ assert lanes: \forall integer i; 0 <= i < 2 * TILE_ROWS * VIK_LANES ==>
                      \is_finite(acc[i]) && \abs(acc[i]) <= 0x1p53; */
  /*@ loop invariant bounds: 0 <= j <= 2 * TILE_ROWS;
      loop invariant fin: \forall integer i; 0 <= i < j ==> \is_finite(out[i]) && \abs(out[i]) <= 0x1p57;
      loop assigns j, k, out[0 .. 2 * TILE_ROWS - 1], set[0 .. VIK_LANES - 1];
      loop variant 2 * TILE_ROWS - j;
  */
  for (j = 0u; j < 2u * TILE_ROWS; j++) {  /* lane set j summed by the tree (a copy: the tree overwrites) */
    /*@ loop invariant bounds: 0 <= k <= VIK_LANES;
        loop invariant set: \forall integer i; 0 <= i < k ==> \is_finite(set[i]) && \abs(set[i]) <= 0x1p53;
        loop assigns k, set[0 .. VIK_LANES - 1];
        loop variant VIK_LANES - k;
    */
    for (k = 0u; k < VIK_LANES; k++) set[k] = acc[VIK_LANES * j + k];
    out[j] = lane_sum(set);
  }
}

/* The outputs of rows oa .. o - 1 and those of row o make those of rows
   oa .. o (tokens ta .. tb - 1): a ghost lemma, in a context of its own (in
   a loop's, with the call's facts beside them, the provers timed out on
   this case split) */
/*@ ghost
  /@ requires done: \forall integer t2, o2; ta <= t2 < tb && oa <= o2 < o ==>
                      \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
     requires col: \forall integer t2, o2; ta <= t2 < tb && o <= o2 < o + 1 ==>
                     \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
     assigns \nothing;
     ensures next: \forall integer t2, o2; ta <= t2 < tb && oa <= o2 < o + 1 ==>
                     \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
  @/
  static void rows_next_t(float *y, uint32_t ta, uint32_t tb, uint32_t m, uint32_t oa, uint32_t o) { }
*/

/* Rows oa <= o < ob and tokens ta <= t < tb of y = x W^T, one vik_dot_f32
   each: what the tiles leave over. Every other entry keeps its bound (keep:
   the assigns clause covers all of y). */
#define Y_OK(t, o) (\is_finite(y[cell(t, m, o)]) && \abs(y[cell(t, m, o)]) <= 0x1p57)
#define Y_OUT(t, o) (0 <= (t) < T && 0 <= (o) < m && !(ta <= (t) < tb && oa <= (o) < ob))
/*@ requires dims: 1 <= T && 1 <= n <= VIK_K_MAX && 1 <= m && T * n <= VIK_MAT_MAX &&
                   m * n <= VIK_MAT_MAX && T * m <= VIK_MAT_MAX;
    requires rows: 0 <= oa <= ob <= m;
    requires toks: 0 <= ta <= tb <= T;
    requires valid_x: \valid_read(x + (0 .. T * n - 1));
    requires valid_w: \valid_read(w + (0 .. m * n - 1));
    requires valid_y: \valid(y + (0 .. T * m - 1));
    requires sep: \separated(y + (0 .. T * m - 1), x + (0 .. T * n - 1), w + (0 .. m * n - 1));
    requires bounded_x: bounded_f32(x, T * n);
    requires bounded_w: bounded_f32(w, m * n);
    assigns y[0 .. T * m - 1];
    ensures fin: \forall integer t, o; ta <= t < tb && oa <= o < ob ==> Y_OK(t, o);
    ensures keep: \forall integer t, o; Y_OUT(t, o) ==> \at(Y_OK(t, o), Pre) ==> Y_OK(t, o);
*/
static void dots(float *y, const float *x, const float *w, uint32_t T, uint32_t n, uint32_t m,
                 uint32_t oa, uint32_t ob, uint32_t ta, uint32_t tb) {
  (void)T;                                 /* only the contract uses it */
  /*@ loop invariant bounds: oa <= o <= ob;
      loop invariant wb: bounded_f32(w, m * n);
      loop invariant xb: bounded_f32(x, T * n);
      loop invariant done: \forall integer t2, o2; ta <= t2 < tb && oa <= o2 < o ==> Y_OK(t2, o2);
      loop invariant keep: \forall integer t2, o2; Y_OUT(t2, o2) ==> \at(Y_OK(t2, o2), Pre) ==> Y_OK(t2, o2);
      loop assigns o, y[0 .. T * m - 1];
      loop variant ob - o;
  */
  for (uint32_t o = oa; o < ob; o++) {
    //@ assert woff: \forall integer k; 0 <= k < n ==> 0 <= o * n + k < m * n;
    //@ assert wrow: \forall integer k; 0 <= k < n ==> \is_finite(w[o * n + k]) && \abs(w[o * n + k]) <= 0x1p20;
    /*@ loop invariant bounds: ta <= t <= tb;
        loop invariant wb: bounded_f32(w, m * n);
        loop invariant xb: bounded_f32(x, T * n);
        loop invariant done: \forall integer t2, o2; ta <= t2 < tb && oa <= o2 < o ==> Y_OK(t2, o2);
        loop invariant col: \forall integer t2, o2; ta <= t2 < t && o <= o2 < o + 1 ==> Y_OK(t2, o2);
        loop invariant keep: \forall integer t2, o2; Y_OUT(t2, o2) ==> \at(Y_OK(t2, o2), Pre) ==> Y_OK(t2, o2);
        loop assigns t, y[0 .. T * m - 1];
        loop variant tb - t;
    */
    for (uint32_t t = ta; t < tb; t++) {
      //@ assert xoff: \forall integer k; 0 <= k < n ==> 0 <= t * n + k < T * n;
      //@ assert xrow: \forall integer k; 0 <= k < n ==> \is_finite(x[t * n + k]) && \abs(x[t * n + k]) <= 0x1p20;
      //@ assert in: 0 <= t * m + o < T * m;
      uint32_t yi = t * m + o;
      //@ assert yi: yi == t * m + o && yi == cell(t, m, o);
      //@ assert apart: \forall integer t2, o2; 0 <= o2 < m && (t2 != t || o2 != o) ==> cell(t2, m, o2) != cell(t, m, o);
      y[yi] = vik_dot_f32(w + o * n, x + t * n, n);
    }
    //@ ghost rows_next_t(y, ta, tb, m, oa, o);
  }
}

/* Two boxes of outputs that meet make one: tokens [ta, tb) and [tb, tc) of
   rows [oa, ob) (boxes_t), rows [oa, ob) and [ob, oc) of tokens [ta, tb)
   (boxes_o). Ghost lemmas, each in a context of its own. */
/*@ ghost
  /@ requires a: \forall integer t2, o2; ta <= t2 < tb && oa <= o2 < ob ==> Y_OK(t2, o2);
     requires b: \forall integer t2, o2; tb <= t2 < tc && oa <= o2 < ob ==> Y_OK(t2, o2);
     assigns \nothing;
     ensures ab: \forall integer t2, o2; ta <= t2 < tc && oa <= o2 < ob ==> Y_OK(t2, o2);
  @/
  static void boxes_t(float *y, uint32_t m, uint32_t ta, uint32_t tb, uint32_t tc, uint32_t oa, uint32_t ob) { }
*/
/*@ ghost
  /@ requires a: \forall integer t2, o2; ta <= t2 < tb && oa <= o2 < ob ==> Y_OK(t2, o2);
     requires b: \forall integer t2, o2; ta <= t2 < tb && ob <= o2 < oc ==> Y_OK(t2, o2);
     assigns \nothing;
     ensures ab: \forall integer t2, o2; ta <= t2 < tb && oa <= o2 < oc ==> Y_OK(t2, o2);
  @/
  static void boxes_o(float *y, uint32_t m, uint32_t ta, uint32_t tb, uint32_t oa, uint32_t ob, uint32_t oc) { }
*/

void vik_matmul_f32(float *y, const float *x, const float *w, uint32_t T, uint32_t n, uint32_t m,
                    uint32_t o0, uint32_t o1) {
  /* Tiles of 8 rows x 2 tokens (dot_tile), then what is left one dot at a
     time; every y entry is the vik_dot_f32 result, whatever the tiling, so a
     row range gives the same bits as the whole matrix. */
  float out[2u * TILE_ROWS];
  uint32_t oe = o0 + (o1 - o0) / TILE_ROWS * TILE_ROWS, te = T - T % 2u, o;
  /*@ loop invariant bounds: o0 <= o <= oe && (o - o0) % TILE_ROWS == 0;
      loop invariant wb: bounded_f32(w, m * n);
      loop invariant xb: bounded_f32(x, T * n);
      loop invariant done: \forall integer t2, o2; 0 <= t2 < te && o0 <= o2 < o ==> Y_OK(t2, o2);
      loop assigns o, y[0 .. T * m - 1], out[0 .. 2 * TILE_ROWS - 1];
      loop variant oe - o;
  */
  for (o = o0; o < oe; o += TILE_ROWS) {
    //@ assert orow: o + TILE_ROWS <= m;
    //@ assert wend: 0 <= o * n && (o + TILE_ROWS) * n <= m * n;
    //@ assert wspan: 0 <= o * n && o * n + TILE_ROWS * n <= m * n;
    /*@ assert wrows: \forall integer i; 0 <= i < TILE_ROWS * n ==>
          \is_finite(w[o * n + i]) && \abs(w[o * n + i]) <= 0x1p20; */
    /*@ loop invariant bounds: 0 <= t <= te && t % 2 == 0;
        loop invariant wb: bounded_f32(w, m * n);
        loop invariant xb: bounded_f32(x, T * n);
        loop invariant done: \forall integer t2, o2; 0 <= t2 < te && o0 <= o2 < o ==> Y_OK(t2, o2);
        loop invariant blk: \forall integer t2, o2; 0 <= t2 < t && o <= o2 < o + TILE_ROWS ==> Y_OK(t2, o2);
        loop assigns t, y[0 .. T * m - 1], out[0 .. 2 * TILE_ROWS - 1];
        loop variant te - t;
    */
    for (uint32_t t = 0u; t < te; t += 2u) {
      //@ assert trow: t + 2 <= T;
      //@ assert xend: 0 <= t * n && (t + 2) * n <= T * n;
      //@ assert xspan: 0 <= t * n && t * n + 2 * n <= T * n;
      /*@ assert xrows: \forall integer i; 0 <= i < 2 * n ==>
            \is_finite(x[t * n + i]) && \abs(x[t * n + i]) <= 0x1p20; */
      dot_tile(out, w + o * n, x + t * n, n);
      /* no wb/xb here: the t loop's invariants get them across this loop
         from its loop assigns and the requires sep (restated after each
         store, they cost 25-50 s of prover time each) */
      /*@ loop invariant bounds: 0 <= r <= TILE_ROWS;
          loop invariant done: \forall integer t2, o2; 0 <= t2 < te && o0 <= o2 < o ==> Y_OK(t2, o2);
          loop invariant blk: \forall integer t2, o2; 0 <= t2 < t && o <= o2 < o + TILE_ROWS ==> Y_OK(t2, o2);
          loop invariant row: \forall integer t2, o2; t <= t2 < t + 2 && o <= o2 < o + r ==> Y_OK(t2, o2);
          loop assigns r, y[0 .. T * m - 1];
          loop variant TILE_ROWS - r;
      */
      for (uint32_t r = 0u; r < TILE_ROWS; r++) {
        //@ assert rin: o + r < m && t + 1 < T;
        //@ assert in0: 0 <= t * m + o + r < T * m;
        //@ assert in1: 0 <= (t + 1) * m + (o + r) < T * m;
        uint32_t y0 = t * m + o + r, y1 = (t + 1u) * m + o + r;
        //@ assert y0: y0 == cell(t, m, o + r);
        //@ assert y1: y1 == cell(t + 1, m, o + r);
        /*@ assert apart0: \forall integer t2, o2; 0 <= o2 < m && (t2 != t || o2 != o + r) ==>
                             cell(t2, m, o2) != cell(t, m, o + r); */
        /*@ assert apart1: \forall integer t2, o2; 0 <= o2 < m && (t2 != t + 1 || o2 != o + r) ==>
                             cell(t2, m, o2) != cell(t + 1, m, o + r); */
        y[y0] = out[2u * r];
        y[y1] = out[2u * r + 1u];
      }
      //@ ghost boxes_t(y, m, 0u, t, t + 2u, o, o + TILE_ROWS);
    }
    //@ ghost boxes_o(y, m, 0u, te, o0, o, o + TILE_ROWS);
  }
  dots(y, x, w, T, n, m, oe, o1, 0u, T);   /* the rows past the last whole tile */
  /*@ assert ab: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o1 && (t2 < te || oe <= o2) ==> Y_OK(t2, o2); */
  dots(y, x, w, T, n, m, o0, oe, te, T);   /* an odd last token of the tiled rows */
}

/* ---- MXFP4 weights: a chunk of up to 8 blocks is decoded in three passes
   that gcc vectorises (a table read per weight does not): E2M1 codes to the
   integers 2v, those to the floats v (exact), times the block scale. The
   weights are those of vik_mxfp4_dequantize, the same float product. ---- */

#define MX_CHUNK 8u      /* blocks of 32 per chunk (NVFP4: 16 of 16): 256 weights, 1 KiB of floats */

/* A small integer as a float, exact (the proof needs only its range). */
/*@ requires bq: -12 <= q <= 12;
    assigns \nothing;
    ensures fin: \is_finite(\result) && -12.0 <= \result <= 12.0;
*/
static float i8_f32(int8_t q) { return (float)q; }

/* Half of 2v: the E2M1 value v, exact. */
/*@ requires bv: \is_finite(v) && \abs(v) <= 12.0;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 6.0;
*/
static float halve(float v) { return v * 0.5f; }

/* Pass 2: the E2M1 values as floats. */
/*@ requires cnt: cnt <= 32 * MX_CHUNK;
    requires valid_w: \valid(w + (0 .. cnt - 1));
    requires valid_q: \valid_read(q + (0 .. cnt - 1));
    requires sep: \separated(w + (0 .. cnt - 1), q + (0 .. cnt - 1));
    requires bq: \forall integer j; 0 <= j < cnt ==> -12 <= q[j] <= 12;
    assigns w[0 .. cnt - 1];
    ensures bw: \forall integer j; 0 <= j < cnt ==> \is_finite(w[j]) && \abs(w[j]) <= 6.0;
*/
static inline void e2m1_values(float *w, const int8_t *q, uint32_t cnt) {
  /*@ loop invariant bounds: 0 <= i <= cnt;
      loop invariant bw: \forall integer j; 0 <= j < i ==> \is_finite(w[j]) && \abs(w[j]) <= 6.0;
      loop assigns i, w[0 .. cnt - 1];
      loop variant cnt - i;
  */
  /* q[0 .. cnt-1] is set by the caller's e2m1_codes (contract bq; the analyzer
     does not follow the count across the passes) */
  for (uint32_t i = 0u; i < cnt; i++) w[i] = halve(i8_f32(q[i]));  // NOLINT(clang-analyzer-core.CallAndMessage)
}

/* One MXFP4 weight: an E2M1 value (|v| <= 6) times its block scale (<= 2^17),
   the same float product as vik_mxfp4_dequantize. */
/*@ requires bv: \is_finite(v) && \abs(v) <= 6.0;
    requires bs: \is_finite(sc) && 0.0 < sc <= 0x1p17;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p20;
*/
static float mxfp4_weight(float v, float sc) { return v * sc; }

/* Pass 3: block b's 32 values times its scale. */
/*@ requires nblk: nblk <= MX_CHUNK;
    requires valid_w: \valid(w + (0 .. 32 * nblk - 1));
    requires valid_s: \valid_read(sk + (0 .. nblk - 1));
    requires sep: \separated(w + (0 .. 32 * nblk - 1), sk + (0 .. nblk - 1));
    requires bw: \forall integer j; 0 <= j < 32 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 6.0;
    requires bs: \forall integer j; 0 <= j < nblk ==> sk[j] <= VIK_MXFP4_DOT_SMAX;
    assigns w[0 .. 32 * nblk - 1];
    ensures bw: \forall integer j; 0 <= j < 32 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 0x1p20;
*/
static inline void scale_blocks(float *w, const uint8_t *sk, uint32_t nblk) {
  /*@ loop invariant bounds: 0 <= b <= nblk;
      loop invariant done: \forall integer j; 0 <= j < 32 * b ==> \is_finite(w[j]) && \abs(w[j]) <= 0x1p20;
      loop invariant todo: \forall integer j; 32 * b <= j < 32 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 6.0;
      loop assigns b, w[0 .. 32 * nblk - 1];
      loop variant nblk - b;
  */
  for (uint32_t b = 0u; b < nblk; b++) {
    float sc = vik_e8m0_decode(sk[b]);
    //@ assert bs: \is_finite(sc) && 0.0 < sc <= 0x1p17;
    /*@ loop invariant bounds: 0 <= l <= 32;
        loop invariant done: \forall integer j; 0 <= j < 32 * b + l ==> \is_finite(w[j]) && \abs(w[j]) <= 0x1p20;
        loop invariant todo: \forall integer j; 32 * b + l <= j < 32 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 6.0;
        loop assigns l, w[32 * b .. 32 * b + 31];
        loop variant 32 - l;
    */
    for (uint32_t l = 0u; l < 32u; l++) w[32u * b + l] = mxfp4_weight(w[32u * b + l], sc);
  }
}

/* The products of nblk blocks (blocks b0 .. b0 + nblk - 1 of the row) added
   to the lanes: the weights decoded into w (q is scratch), then half-block k
   (elements 32 b0 + 16k .. + 15) with lane l taking element 16k + l, as
   vik_dot_f32 does. Called with nblk = MX_CHUNK, a constant gcc unrolls by,
   and once for the tail. */
/*@ requires nblk: 1 <= nblk <= MX_CHUNK;
    requires b0: 2 * b0 + 2 * nblk <= 4096;
    requires valid_acc: \valid(acc + (0 .. VIK_LANES - 1));
    requires valid_w: \valid(w + (0 .. 32 * MX_CHUNK - 1));
    requires valid_q: \valid(q + (0 .. 32 * MX_CHUNK - 1));
    requires valid_ck: \valid_read(ck + (0 .. 16 * nblk - 1));
    requires valid_s: \valid_read(sk + (0 .. nblk - 1));
    requires valid_x: \valid_read(x + (0 .. 32 * nblk - 1));
    // the scratch is apart from each input; the inputs may alias one another
    requires sep_ck: \separated(ck + (0 .. 16 * nblk - 1), acc + (0 .. VIK_LANES - 1), w + (0 .. 32 * MX_CHUNK - 1), q + (0 .. 32 * MX_CHUNK - 1));
    requires sep_sk: \separated(sk + (0 .. nblk - 1), acc + (0 .. VIK_LANES - 1), w + (0 .. 32 * MX_CHUNK - 1), q + (0 .. 32 * MX_CHUNK - 1));
    requires sep_x: \separated(x + (0 .. 32 * nblk - 1), acc + (0 .. VIK_LANES - 1), w + (0 .. 32 * MX_CHUNK - 1), q + (0 .. 32 * MX_CHUNK - 1));
    requires bs: \forall integer j; 0 <= j < nblk ==> sk[j] <= VIK_MXFP4_DOT_SMAX;
    requires bx: \forall integer j; 0 <= j < 32 * nblk ==> \is_finite(x[j]) && \abs(x[j]) <= 0x1p20;
    requires lanes: \forall integer j; 0 <= j < VIK_LANES ==>
                      \is_finite(acc[j]) && \abs(acc[j]) <= 2 * b0 * (0x1p40 + 0x1p28);
    assigns acc[0 .. VIK_LANES - 1], w[0 .. 32 * MX_CHUNK - 1], q[0 .. 32 * MX_CHUNK - 1];
    ensures lanes: \forall integer j; 0 <= j < VIK_LANES ==>
                     \is_finite(acc[j]) && \abs(acc[j]) <= 2 * (b0 + nblk) * (0x1p40 + 0x1p28);
*/
static inline void mxfp4_blocks(float *acc, float *w, int8_t *q, const uint8_t *ck, const uint8_t *sk,
                         const float *x, uint32_t nblk, uint32_t b0) {
  e2m1_codes(q, ck, 16u * nblk);
  e2m1_values(w, q, 32u * nblk);
  scale_blocks(w, sk, nblk);
  /*@ loop invariant bounds: 0 <= k <= 2 * nblk;
      loop invariant fin: \forall integer j; 0 <= j < VIK_LANES ==>
                            \is_finite(acc[j]) && \abs(acc[j]) <= (2 * b0 + k) * (0x1p40 + 0x1p28);
      loop assigns k, acc[0 .. VIK_LANES - 1];
      loop variant 2 * nblk - k;
  */
  for (uint32_t k = 0u; k < 2u * nblk; k++)
    lane_madd(acc, w + 16u * k, x + 16u * k, VIK_LANES, 2u * b0 + k);
}

float vik_dot_mxfp4(const uint8_t *codes, const uint8_t *scales, const float *x, uint32_t n) {
  float acc[VIK_LANES], w[32u * MX_CHUNK];
  int8_t q[32u * MX_CHUNK];
  uint32_t nb = n / VIK_MX_BLOCK, nc = nb / MX_CHUNK, rest = nb % MX_CHUNK, c;
  lane_zero(acc);
  /*@ loop invariant bounds: 0 <= c <= nc;
      loop invariant fin: \forall integer j; 0 <= j < VIK_LANES ==>
                            \is_finite(acc[j]) && \abs(acc[j]) <= 2 * (MX_CHUNK * c) * (0x1p40 + 0x1p28);
      loop assigns c, acc[0 .. VIK_LANES - 1], w[0 .. 32 * MX_CHUNK - 1], q[0 .. 32 * MX_CHUNK - 1];
      loop variant nc - c;
  */
  for (c = 0u; c < nc; c++) {
    uint32_t b0 = MX_CHUNK * c;
    mxfp4_blocks(acc, w, q, codes + 16u * b0, scales + b0, x + 32u * b0, MX_CHUNK, b0);
  }
  if (rest > 0u)
    mxfp4_blocks(acc, w, q, codes + 16u * MX_CHUNK * nc, scales + MX_CHUNK * nc,
                 x + 32u * MX_CHUNK * nc, rest, MX_CHUNK * nc);
  //@ assert lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
  return lane_sum(acc);
}

/* The outputs of rows o0 .. o - 1 and those of row o make those of rows
   o0 .. o: a ghost lemma, in a context of its own (in the loop's, with the
   call's facts beside them, the provers timed out on this case split) */
/*@ ghost
  /@ requires done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                      \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
     requires col: \forall integer t2, o2; 0 <= t2 < T && o <= o2 < o + 1 ==>
                     \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
     assigns \nothing;
     ensures next: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o + 1 ==>
                     \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
  @/
  static void rows_next(float *y, uint32_t T, uint32_t m, uint32_t o0, uint32_t o) { }
*/

void vik_matmul_mxfp4(float *y, const float *x, const uint8_t *codes, const uint8_t *scales,
                      uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1) {
  uint32_t nc = n / 2u, ns = n / VIK_MX_BLOCK;
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop invariant xb: bounded_f32(x, T * n);
      loop invariant sb: \forall integer i; 0 <= i < m * ns ==> scales[i] <= VIK_MXFP4_DOT_SMAX;
      loop invariant done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                             \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
      loop assigns o, y[0 .. T * m - 1];
      loop variant o1 - o;
  */
  for (uint32_t o = o0; o < o1; o++) {
    //@ assert sspan: 0 <= o * ns && o * ns + ns <= m * ns;
    //@ assert soff: \forall integer k; 0 <= k < ns ==> 0 <= o * ns + k < m * ns;
    //@ assert srow: \forall integer k; 0 <= k < ns ==> scales[o * ns + k] <= VIK_MXFP4_DOT_SMAX;
    //@ assert coff: 0 <= o * nc && o * nc + nc <= m * nc;
    /*@ loop invariant bounds: 0 <= t <= T;
        loop invariant xb: bounded_f32(x, T * n);
        loop invariant sb: \forall integer i; 0 <= i < m * ns ==> scales[i] <= VIK_MXFP4_DOT_SMAX;
        loop invariant done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                               \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
        loop invariant col: \forall integer t2, o2; 0 <= t2 < t && o <= o2 < o + 1 ==>
                              \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert xoff: \forall integer k; 0 <= k < n ==> 0 <= t * n + k < T * n;
      //@ assert xrow: \forall integer k; 0 <= k < n ==> \is_finite(x[t * n + k]) && \abs(x[t * n + k]) <= 0x1p20;
      //@ assert in: 0 <= t * m + o < T * m;
      uint32_t yi = t * m + o;
      //@ assert yi: yi == t * m + o && yi == cell(t, m, o);
      //@ assert apart: \forall integer t2, o2; 0 <= o2 < o ==> cell(t2, m, o2) != cell(t, m, o);
      //@ assert apart_col: \forall integer t2, o2; t2 != t && o2 == o ==> cell(t2, m, o2) != cell(t, m, o);
      y[yi] = vik_dot_mxfp4(codes + o * nc, scales + o * ns, x + t * n, n);
    }
    //@ ghost rows_next(y, T, m, o0, o);
  }
}

/* ---- MXFP8-E4M3 weights: one code byte per weight, one E8M0 scale per 32 ---- */

/* One MXFP8 weight: an E4M3 value (|v| <= 448) times its block scale (<= 2^11);
   the same float product as vik_mxfp8_dequantize. */
/*@ requires bv: \is_finite(v) && \abs(v) <= 448.0;
    requires bs: \is_finite(sc) && 0.0 < sc <= 0x1p11;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p20;
*/
static float mxfp8_weight(float v, float sc) { return v * sc; }

/* E4M3 code c as the integer 512 v (|512 v| <= 448 * 512), the exact
   integer vik_e4m3_decode scales: a shift on 32-bit lanes, which gcc
   vectorises where a 256-entry table read does not. */
/*@ requires code: 0 <= c <= 255 && c % 128 != 127;   // explicit, for the case split over codes
    assigns \nothing;
    ensures value: \result == (c / 128 == 1 ? -1 : 1) * e4m3_k(c % 128);
    ensures range: -229376 <= \result <= 229376;
*/
static int32_t e4m3_int(uint8_t c) {
  uint32_t e = c / 8u % 16u, m = c % 8u;
  uint32_t u = e == 0u ? m : (8u + m) << (e - 1u);
  //@ assert u: u == e4m3_k(c % 128) && u <= 229376;
  int32_t k = (int32_t)u;
  return c >= 128u ? -k : k;
}

/* MXFP8's pass 1: cnt codes as the integers 512 v. */
/*@ requires cnt: cnt <= 32 * MX_CHUNK;
    requires valid_k: \valid(k + (0 .. cnt - 1));
    requires valid_ck: \valid_read(ck + (0 .. cnt - 1));
    requires sep: \separated(k + (0 .. cnt - 1), ck + (0 .. cnt - 1));
    requires codes: \forall integer j; 0 <= j < cnt ==> ck[j] % 128 != 127;
    assigns k[0 .. cnt - 1];
    ensures value: \forall integer j; 0 <= j < cnt ==> k[j] == (ck[j] / 128 == 1 ? -1 : 1) * e4m3_k(ck[j] % 128);
    ensures range: \forall integer j; 0 <= j < cnt ==> -229376 <= k[j] <= 229376;
*/
static inline void e4m3_codes(int32_t *k, const uint8_t *ck, uint32_t cnt) {
  /*@ loop invariant bounds: 0 <= i <= cnt;
      loop invariant value: \forall integer j; 0 <= j < i ==> k[j] == (ck[j] / 128 == 1 ? -1 : 1) * e4m3_k(ck[j] % 128);
      loop invariant range: \forall integer j; 0 <= j < i ==> -229376 <= k[j] <= 229376;
      loop assigns i, k[0 .. cnt - 1];
      loop variant cnt - i;
  */
  for (uint32_t i = 0u; i < cnt; i++) k[i] = e4m3_int(ck[i]);
}

/* An integer below 2^24 as a float, exact (the proof needs only its range). */
/*@ requires bk: -229376 <= k <= 229376;
    assigns \nothing;
    ensures fin: \is_finite(\result) && -229376.0 <= \result <= 229376.0;
*/
static float i32_f32(int32_t k) { return (float)k; }

/* 512 v times 2^-9: the E4M3 value v, exact (as vik_e4m3_decode computes it). */
/*@ requires bv: \is_finite(v) && \abs(v) <= 229376.0;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 448.0;
*/
static float by512(float v) { return v * 0x1p-9f; }

/* MXFP8's pass 2: the E4M3 values as floats. */
/*@ requires cnt: cnt <= 32 * MX_CHUNK;
    requires valid_w: \valid(w + (0 .. cnt - 1));
    requires valid_k: \valid_read(k + (0 .. cnt - 1));
    requires sep: \separated(w + (0 .. cnt - 1), k + (0 .. cnt - 1));
    requires bk: \forall integer j; 0 <= j < cnt ==> -229376 <= k[j] <= 229376;
    assigns w[0 .. cnt - 1];
    ensures bw: \forall integer j; 0 <= j < cnt ==> \is_finite(w[j]) && \abs(w[j]) <= 448.0;
*/
static inline void e4m3_values(float *w, const int32_t *k, uint32_t cnt) {
  /*@ loop invariant bounds: 0 <= i <= cnt;
      loop invariant bw: \forall integer j; 0 <= j < i ==> \is_finite(w[j]) && \abs(w[j]) <= 448.0;
      loop assigns i, w[0 .. cnt - 1];
      loop variant cnt - i;
  */
  for (uint32_t i = 0u; i < cnt; i++) w[i] = by512(i32_f32(k[i]));
}

/* MXFP8's pass 3: block b's 32 values times its scale. */
/*@ requires nblk: nblk <= MX_CHUNK;
    requires valid_w: \valid(w + (0 .. 32 * nblk - 1));
    requires valid_s: \valid_read(sk + (0 .. nblk - 1));
    requires sep: \separated(w + (0 .. 32 * nblk - 1), sk + (0 .. nblk - 1));
    requires bw: \forall integer j; 0 <= j < 32 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 448.0;
    requires bs: \forall integer j; 0 <= j < nblk ==> sk[j] <= VIK_MXFP8_DOT_SMAX;
    assigns w[0 .. 32 * nblk - 1];
    ensures bw: \forall integer j; 0 <= j < 32 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 0x1p20;
*/
static inline void scale8_blocks(float *w, const uint8_t *sk, uint32_t nblk) {
  /*@ loop invariant bounds: 0 <= b <= nblk;
      loop invariant done: \forall integer j; 0 <= j < 32 * b ==> \is_finite(w[j]) && \abs(w[j]) <= 0x1p20;
      loop invariant todo: \forall integer j; 32 * b <= j < 32 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 448.0;
      loop assigns b, w[0 .. 32 * nblk - 1];
      loop variant nblk - b;
  */
  for (uint32_t b = 0u; b < nblk; b++) {
    float sc = vik_e8m0_decode(sk[b]);
    //@ assert bs: \is_finite(sc) && 0.0 < sc <= 0x1p11;
    /*@ loop invariant bounds: 0 <= l <= 32;
        loop invariant done: \forall integer j; 0 <= j < 32 * b + l ==> \is_finite(w[j]) && \abs(w[j]) <= 0x1p20;
        loop invariant todo: \forall integer j; 32 * b + l <= j < 32 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 448.0;
        loop assigns l, w[32 * b .. 32 * b + 31];
        loop variant 32 - l;
    */
    /* w[0 .. 32 nblk - 1] is set by e4m3_values (contract bw; the analyzer does
       not follow the count across the passes) */
    for (uint32_t l = 0u; l < 32u; l++) w[32u * b + l] = mxfp8_weight(w[32u * b + l], sc);  // NOLINT(clang-analyzer-core.CallAndMessage)
  }
}

/* The products of MXFP8 blocks b0 .. b0 + nblk - 1 added to the lanes, as
   mxfp4_blocks does. */
/*@ requires nblk: 1 <= nblk <= MX_CHUNK;
    requires b0: 2 * b0 + 2 * nblk <= 4096;
    requires valid_acc: \valid(acc + (0 .. VIK_LANES - 1));
    requires valid_w: \valid(w + (0 .. 32 * MX_CHUNK - 1));
    requires valid_k: \valid(k + (0 .. 32 * MX_CHUNK - 1));
    requires valid_ck: \valid_read(ck + (0 .. 32 * nblk - 1));
    requires valid_s: \valid_read(sk + (0 .. nblk - 1));
    requires valid_x: \valid_read(x + (0 .. 32 * nblk - 1));
    // the scratch is apart from each input; the inputs may alias one another
    requires sep_ck: \separated(ck + (0 .. 32 * nblk - 1), acc + (0 .. VIK_LANES - 1), w + (0 .. 32 * MX_CHUNK - 1), k + (0 .. 32 * MX_CHUNK - 1));
    requires sep_sk: \separated(sk + (0 .. nblk - 1), acc + (0 .. VIK_LANES - 1), w + (0 .. 32 * MX_CHUNK - 1), k + (0 .. 32 * MX_CHUNK - 1));
    requires sep_x: \separated(x + (0 .. 32 * nblk - 1), acc + (0 .. VIK_LANES - 1), w + (0 .. 32 * MX_CHUNK - 1), k + (0 .. 32 * MX_CHUNK - 1));
    requires codes: \forall integer j; 0 <= j < 32 * nblk ==> ck[j] % 128 != 127;
    requires bs: \forall integer j; 0 <= j < nblk ==> sk[j] <= VIK_MXFP8_DOT_SMAX;
    requires bx: \forall integer j; 0 <= j < 32 * nblk ==> \is_finite(x[j]) && \abs(x[j]) <= 0x1p20;
    requires lanes: \forall integer j; 0 <= j < VIK_LANES ==>
                      \is_finite(acc[j]) && \abs(acc[j]) <= 2 * b0 * (0x1p40 + 0x1p28);
    assigns acc[0 .. VIK_LANES - 1], w[0 .. 32 * MX_CHUNK - 1], k[0 .. 32 * MX_CHUNK - 1];
    ensures lanes: \forall integer j; 0 <= j < VIK_LANES ==>
                     \is_finite(acc[j]) && \abs(acc[j]) <= 2 * (b0 + nblk) * (0x1p40 + 0x1p28);
*/
static inline void mxfp8_blocks(float *acc, float *w, int32_t *k, const uint8_t *ck, const uint8_t *sk,
                                const float *x, uint32_t nblk, uint32_t b0) {
  e4m3_codes(k, ck, 32u * nblk);
  e4m3_values(w, k, 32u * nblk);
  scale8_blocks(w, sk, nblk);
  /*@ loop invariant bounds: 0 <= h <= 2 * nblk;
      loop invariant fin: \forall integer j; 0 <= j < VIK_LANES ==>
                            \is_finite(acc[j]) && \abs(acc[j]) <= (2 * b0 + h) * (0x1p40 + 0x1p28);
      loop assigns h, acc[0 .. VIK_LANES - 1];
      loop variant 2 * nblk - h;
  */
  for (uint32_t h = 0u; h < 2u * nblk; h++)
    lane_madd(acc, w + 16u * h, x + 16u * h, VIK_LANES, 2u * b0 + h);
}

float vik_dot_mxfp8(const uint8_t *codes, const uint8_t *scales, const float *x, uint32_t n) {
  float acc[VIK_LANES], w[32u * MX_CHUNK];
  int32_t k[32u * MX_CHUNK];
  uint32_t nb = n / VIK_MX_BLOCK, nc = nb / MX_CHUNK, rest = nb % MX_CHUNK, c;
  lane_zero(acc);
  /*@ loop invariant bounds: 0 <= c <= nc;
      loop invariant fin: \forall integer j; 0 <= j < VIK_LANES ==>
                            \is_finite(acc[j]) && \abs(acc[j]) <= 2 * (MX_CHUNK * c) * (0x1p40 + 0x1p28);
      loop assigns c, acc[0 .. VIK_LANES - 1], w[0 .. 32 * MX_CHUNK - 1], k[0 .. 32 * MX_CHUNK - 1];
      loop variant nc - c;
  */
  for (c = 0u; c < nc; c++) {
    uint32_t b0 = MX_CHUNK * c;
    mxfp8_blocks(acc, w, k, codes + 32u * b0, scales + b0, x + 32u * b0, MX_CHUNK, b0);
  }
  if (rest > 0u)
    mxfp8_blocks(acc, w, k, codes + 32u * MX_CHUNK * nc, scales + MX_CHUNK * nc,
                 x + 32u * MX_CHUNK * nc, rest, MX_CHUNK * nc);
  //@ assert lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
  return lane_sum(acc);
}

void vik_matmul_mxfp8(float *y, const float *x, const uint8_t *codes, const uint8_t *scales,
                      uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1) {
  uint32_t ns = n / VIK_MX_BLOCK;
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop invariant xb: bounded_f32(x, T * n);
      loop invariant cb: \forall integer i; 0 <= i < m * n ==> codes[i] % 128 != 127;
      loop invariant sb: \forall integer i; 0 <= i < m * ns ==> scales[i] <= VIK_MXFP8_DOT_SMAX;
      loop invariant done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                             \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
      loop assigns o, y[0 .. T * m - 1];
      loop variant o1 - o;
  */
  for (uint32_t o = o0; o < o1; o++) {
    //@ assert sspan: 0 <= o * ns && o * ns + ns <= m * ns;
    //@ assert srow: \forall integer k; 0 <= k < ns ==> scales[o * ns + k] <= VIK_MXFP8_DOT_SMAX;
    //@ assert cspan: 0 <= o * n && o * n + n <= m * n;
    //@ assert crow: \forall integer k; 0 <= k < n ==> codes[o * n + k] % 128 != 127;
    /*@ loop invariant bounds: 0 <= t <= T;
        loop invariant xb: bounded_f32(x, T * n);
        loop invariant done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                               \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
        loop invariant col: \forall integer t2, o2; 0 <= t2 < t && o <= o2 < o + 1 ==>
                              \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert xoff: \forall integer k; 0 <= k < n ==> 0 <= t * n + k < T * n;
      //@ assert xrow: \forall integer k; 0 <= k < n ==> \is_finite(x[t * n + k]) && \abs(x[t * n + k]) <= 0x1p20;
      //@ assert in: 0 <= t * m + o < T * m;
      uint32_t yi = t * m + o;
      //@ assert yi: yi == t * m + o && yi == cell(t, m, o);
      //@ assert apart: \forall integer t2, o2; 0 <= o2 < o ==> cell(t2, m, o2) != cell(t, m, o);
      //@ assert apart_col: \forall integer t2, o2; t2 != t && o2 == o ==> cell(t2, m, o2) != cell(t, m, o);
      y[yi] = vik_dot_mxfp8(codes + o * n, scales + o * ns, x + t * n, n);
    }
    //@ ghost rows_next(y, T, m, o0, o);
  }
}

/* ---- NVFP4 weights: codes packed two per byte, one E4M3 scale per 16, one
   float32 global scale ---- */

/* The block's d = e4m3(scale) * g, the dequantizer's first product. */
/*@ requires bv: \is_finite(v) && \abs(v) <= 448.0;
    requires bg: \is_finite(g) && 0.0 <= g <= VIK_NVFP4_DOT_GMAX;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p17;
*/
static float nvfp4_scale(float v, float g) { return v * g; }

/* One NVFP4 weight: an E2M1 value (|v| <= 6) times its block's d. */
/*@ requires bv: \is_finite(v) && \abs(v) <= 6.0;
    requires bd: \is_finite(d) && \abs(d) <= 0x1p17;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p20;
*/
static float nvfp4_weight(float v, float d) { return v * d; }

/* NVFP4's pass 3: block b's 16 values times its d = e4m3(s_b) * g; the
   weights are those of vik_nvfp4_dequantize, the same two float products. */
/*@ requires nblk: nblk <= 2 * MX_CHUNK;
    requires valid_w: \valid(w + (0 .. 16 * nblk - 1));
    requires valid_s: \valid_read(sk + (0 .. nblk - 1));
    requires sep: \separated(w + (0 .. 16 * nblk - 1), sk + (0 .. nblk - 1));
    requires g: \is_finite(g) && 0.0 <= g <= VIK_NVFP4_DOT_GMAX;
    requires bw: \forall integer j; 0 <= j < 16 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 6.0;
    requires bs: \forall integer j; 0 <= j < nblk ==> sk[j] % 128 != 127;
    assigns w[0 .. 16 * nblk - 1];
    ensures bw: \forall integer j; 0 <= j < 16 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 0x1p20;
*/
static inline void nv_scale_blocks(float *w, const uint8_t *sk, float g, uint32_t nblk) {
  float d[2u * MX_CHUNK];                 /* the blocks' d first: the products then vectorise */
  /*@ loop invariant bounds: 0 <= b <= nblk;
      loop invariant bd: \forall integer j; 0 <= j < b ==> \is_finite(d[j]) && \abs(d[j]) <= 0x1p17;
      loop assigns b, d[0 .. 2 * MX_CHUNK - 1];
      loop variant nblk - b;
  */
  for (uint32_t b = 0u; b < nblk; b++) {
    float v = vik_e4m3_decode(sk[b]);
    //@ assert bs: \is_finite(v) && \abs(v) <= 448.0;
    d[b] = nvfp4_scale(v, g);
  }
  /*@ loop invariant bounds: 0 <= b <= nblk;
      loop invariant bd: \forall integer j; 0 <= j < nblk ==> \is_finite(d[j]) && \abs(d[j]) <= 0x1p17;
      loop invariant done: \forall integer j; 0 <= j < 16 * b ==> \is_finite(w[j]) && \abs(w[j]) <= 0x1p20;
      loop invariant todo: \forall integer j; 16 * b <= j < 16 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 6.0;
      loop assigns b, w[0 .. 16 * nblk - 1];
      loop variant nblk - b;
  */
  for (uint32_t b = 0u; b < nblk; b++) {
    /*@ loop invariant bounds: 0 <= l <= 16;
        loop invariant done: \forall integer j; 0 <= j < 16 * b + l ==> \is_finite(w[j]) && \abs(w[j]) <= 0x1p20;
        loop invariant todo: \forall integer j; 16 * b + l <= j < 16 * nblk ==> \is_finite(w[j]) && \abs(w[j]) <= 6.0;
        loop assigns l, w[16 * b .. 16 * b + 15];
        loop variant 16 - l;
    */
    /* w and d are set by the passes before (contracts bw, bd; the analyzer does
       not follow the count across them) */
    for (uint32_t l = 0u; l < 16u; l++) w[16u * b + l] = nvfp4_weight(w[16u * b + l], d[b]);  // NOLINT(clang-analyzer-core.CallAndMessage)
  }
}

/* The products of NVFP4 blocks b0 .. b0 + nblk - 1 added to the lanes, as
   mxfp4_blocks does; block k is one lane chunk (lane l takes element 16k + l). */
/*@ requires nblk: 1 <= nblk <= 2 * MX_CHUNK;
    requires b0: b0 + nblk <= 4096;
    requires valid_acc: \valid(acc + (0 .. VIK_LANES - 1));
    requires valid_w: \valid(w + (0 .. 32 * MX_CHUNK - 1));
    requires valid_q: \valid(q + (0 .. 32 * MX_CHUNK - 1));
    requires valid_ck: \valid_read(ck + (0 .. 8 * nblk - 1));
    requires valid_s: \valid_read(sk + (0 .. nblk - 1));
    requires valid_x: \valid_read(x + (0 .. 16 * nblk - 1));
    // the scratch is apart from each input; the inputs may alias one another
    requires sep_ck: \separated(ck + (0 .. 8 * nblk - 1), acc + (0 .. VIK_LANES - 1), w + (0 .. 32 * MX_CHUNK - 1), q + (0 .. 32 * MX_CHUNK - 1));
    requires sep_sk: \separated(sk + (0 .. nblk - 1), acc + (0 .. VIK_LANES - 1), w + (0 .. 32 * MX_CHUNK - 1), q + (0 .. 32 * MX_CHUNK - 1));
    requires sep_x: \separated(x + (0 .. 16 * nblk - 1), acc + (0 .. VIK_LANES - 1), w + (0 .. 32 * MX_CHUNK - 1), q + (0 .. 32 * MX_CHUNK - 1));
    requires g: \is_finite(g) && 0.0 <= g <= VIK_NVFP4_DOT_GMAX;
    requires bs: \forall integer j; 0 <= j < nblk ==> sk[j] % 128 != 127;
    requires bx: \forall integer j; 0 <= j < 16 * nblk ==> \is_finite(x[j]) && \abs(x[j]) <= 0x1p20;
    requires lanes: \forall integer j; 0 <= j < VIK_LANES ==>
                      \is_finite(acc[j]) && \abs(acc[j]) <= b0 * (0x1p40 + 0x1p28);
    assigns acc[0 .. VIK_LANES - 1], w[0 .. 32 * MX_CHUNK - 1], q[0 .. 32 * MX_CHUNK - 1];
    ensures lanes: \forall integer j; 0 <= j < VIK_LANES ==>
                     \is_finite(acc[j]) && \abs(acc[j]) <= (b0 + nblk) * (0x1p40 + 0x1p28);
*/
static inline void nvfp4_blocks(float *acc, float *w, int8_t *q, const uint8_t *ck, const uint8_t *sk,
                         float g, const float *x, uint32_t nblk, uint32_t b0) {
  e2m1_codes(q, ck, 8u * nblk);
  e2m1_values(w, q, 16u * nblk);
  nv_scale_blocks(w, sk, g, nblk);
  /*@ loop invariant bounds: 0 <= k <= nblk;
      loop invariant fin: \forall integer j; 0 <= j < VIK_LANES ==>
                            \is_finite(acc[j]) && \abs(acc[j]) <= (b0 + k) * (0x1p40 + 0x1p28);
      loop assigns k, acc[0 .. VIK_LANES - 1];
      loop variant nblk - k;
  */
  for (uint32_t k = 0u; k < nblk; k++)
    lane_madd(acc, w + 16u * k, x + 16u * k, VIK_LANES, b0 + k);
}

float vik_dot_nvfp4(const uint8_t *codes, const uint8_t *scales, float g, const float *x, uint32_t n) {
  float acc[VIK_LANES], w[32u * MX_CHUNK];
  int8_t q[32u * MX_CHUNK];
  uint32_t nb = n / VIK_NV_BLOCK_DOT, ch = 2u * MX_CHUNK, nc = nb / ch, rest = nb % ch, c;
  lane_zero(acc);
  /*@ loop invariant bounds: 0 <= c <= nc;
      loop invariant fin: \forall integer j; 0 <= j < VIK_LANES ==>
                            \is_finite(acc[j]) && \abs(acc[j]) <= (ch * c) * (0x1p40 + 0x1p28);
      loop assigns c, acc[0 .. VIK_LANES - 1], w[0 .. 32 * MX_CHUNK - 1], q[0 .. 32 * MX_CHUNK - 1];
      loop variant nc - c;
  */
  for (c = 0u; c < nc; c++) {
    uint32_t b0 = ch * c;
    nvfp4_blocks(acc, w, q, codes + 8u * b0, scales + b0, g, x + 16u * b0, ch, b0);
  }
  if (rest > 0u)
    nvfp4_blocks(acc, w, q, codes + 8u * ch * nc, scales + ch * nc, g, x + 16u * ch * nc, rest, ch * nc);
  //@ assert lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
  return lane_sum(acc);
}

void vik_matmul_nvfp4(float *y, const float *x, const uint8_t *codes, const uint8_t *scales, float g,
                      uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1) {
  uint32_t nc = n / 2u, ns = n / VIK_NV_BLOCK_DOT;
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop invariant xb: bounded_f32(x, T * n);
      loop invariant sb: \forall integer i; 0 <= i < m * ns ==> scales[i] % 128 != 127;
      loop invariant done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                             \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
      loop assigns o, y[0 .. T * m - 1];
      loop variant o1 - o;
  */
  for (uint32_t o = o0; o < o1; o++) {
    //@ assert sspan: 0 <= o * ns && o * ns + ns <= m * ns;
    //@ assert soff: \forall integer k; 0 <= k < ns ==> 0 <= o * ns + k < m * ns;
    //@ assert srow: \forall integer k; 0 <= k < ns ==> scales[o * ns + k] % 128 != 127;
    //@ assert coff: 0 <= o * nc && o * nc + nc <= m * nc;
    /*@ loop invariant bounds: 0 <= t <= T;
        loop invariant xb: bounded_f32(x, T * n);
        loop invariant sb: \forall integer i; 0 <= i < m * ns ==> scales[i] % 128 != 127;
        loop invariant done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                               \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
        loop invariant col: \forall integer t2, o2; 0 <= t2 < t && o <= o2 < o + 1 ==>
                              \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p57;
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert xoff: \forall integer k; 0 <= k < n ==> 0 <= t * n + k < T * n;
      //@ assert xrow: \forall integer k; 0 <= k < n ==> \is_finite(x[t * n + k]) && \abs(x[t * n + k]) <= 0x1p20;
      //@ assert in: 0 <= t * m + o < T * m;
      uint32_t yi = t * m + o;
      //@ assert yi: yi == t * m + o && yi == cell(t, m, o);
      //@ assert apart: \forall integer t2, o2; 0 <= o2 < o ==> cell(t2, m, o2) != cell(t, m, o);
      //@ assert apart_col: \forall integer t2, o2; t2 != t && o2 == o ==> cell(t2, m, o2) != cell(t, m, o);
      y[yi] = vik_dot_nvfp4(codes + o * nc, scales + o * ns, g, x + t * n, n);
    }
    //@ ghost rows_next(y, T, m, o0, o);
  }
}
