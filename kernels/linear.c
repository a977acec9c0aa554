/* vik matrix products in a fixed summation order (see linear.h). */
#include "linear.h"
#include "float_logic.h"

/* Bounds the proof carries: a product is at most 2^40; a lane that has added
   k products is at most k * C with C = 2^40 + 2^28, 2^28 being half an ulp at
   2^53, the largest a lane can reach (4096 C = 2^52 + 2^40 < 2^53). */

/* The k-th product of lanes 0 .. cnt-1: acc[l] += w[l] * x[l]. */
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
*/
static void lane_madd(float *acc, const float *w, const float *x, uint32_t cnt, uint32_t k) {
  (void)k;                                 /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= l <= cnt;
      loop invariant done: \forall integer j; 0 <= j < l ==>
                             \is_finite(acc[j]) && \abs(acc[j]) <= (k + 1) * (0x1p40 + 0x1p28);
      loop invariant todo: \forall integer j; l <= j < VIK_LANES ==>
                               \is_finite(acc[j]) && \abs(acc[j]) <= k * (0x1p40 + 0x1p28);
      loop assigns l, acc[0 .. VIK_LANES - 1];
      loop variant cnt - l;
  */
  for (uint32_t l = 0u; l < cnt; l++) {
    float a = w[l], b = x[l];
    //@ assert ba: \is_finite(a) && \abs(a) <= 0x1p20 && \is_finite(b) && \abs(b) <= 0x1p20;
    float p = a * b;
    //@ assert bp: \is_finite(p) && \abs(p) <= 0x1p40;
    float s0 = acc[l];
    //@ assert bs: \is_finite(s0) && \abs(s0) <= 0x1p52;
    float s = s0 + p;
    //@ assert err: \abs(rsub(s, s0 + p)) <= 0x1p28;
    //@ assert err2: \abs(s - (s0 + p)) <= 0x1p28;
    acc[l] = s;
  }
}

/* One tree addition: a sum of two lanes whose magnitudes are at most 2^56
   stays finite; with a power-of-two bound B on both, |result| <= 2B. */
/*@ requires fa: \is_finite(a) && \abs(a) <= 0x1p56;
    requires fb: \is_finite(b) && \abs(b) <= 0x1p56;
    assigns \nothing;
    ensures fin: \is_finite(\result);
    ensures b54: \abs(a) <= 0x1p53 && \abs(b) <= 0x1p53 ==> \abs(\result) <= 0x1p54;
    ensures b55: \abs(a) <= 0x1p54 && \abs(b) <= 0x1p54 ==> \abs(\result) <= 0x1p55;
    ensures b56: \abs(a) <= 0x1p55 && \abs(b) <= 0x1p55 ==> \abs(\result) <= 0x1p56;
    ensures b57: \abs(\result) <= 0x1p57;
*/
static float tree_add(float a, float b) { return a + b; }

/* The 16 lanes combined by the fixed tree: 8 + 4 + 2 + 1 additions. */
/*@ requires valid_acc: \valid(acc + (0 .. VIK_LANES - 1));
    requires lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
    assigns acc[0 .. 7];
    ensures finite: \is_finite(\result);
    ensures bound: \abs(\result) <= 0x1p57;
*/
static float lane_sum(float *acc) {
  uint32_t l;
  /* the fixed tree: 8 + 4 + 2 + 1 additions, each level at most doubling */
  /*@ loop invariant bounds: 0 <= l <= 8;
      loop invariant done: \forall integer j; 0 <= j < l ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p54;
      loop invariant todo: \forall integer j; l <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
      loop assigns l, acc[0 .. 7];
      loop variant 8 - l;
  */
  for (l = 0u; l < 8u; l++) acc[l] = tree_add(acc[l], acc[l + 8u]);
  /*@ loop invariant bounds: 0 <= l <= 4;
      loop invariant done: \forall integer j; 0 <= j < l ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p55;
      loop invariant todo: \forall integer j; l <= j < 8 ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p54;
      loop assigns l, acc[0 .. 3];
      loop variant 4 - l;
  */
  for (l = 0u; l < 4u; l++) acc[l] = tree_add(acc[l], acc[l + 4u]);
  /*@ loop invariant bounds: 0 <= l <= 2;
      loop invariant done: \forall integer j; 0 <= j < l ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p56;
      loop invariant todo: \forall integer j; l <= j < 4 ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p55;
      loop assigns l, acc[0 .. 1];
      loop variant 2 - l;
  */
  for (l = 0u; l < 2u; l++) acc[l] = tree_add(acc[l], acc[l + 2u]);
  return tree_add(acc[0], acc[1]);
}

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

float vik_dot_f32(const float *a, const float *b, uint32_t n) {
  float acc[VIK_LANES];
  uint32_t c = n / VIK_LANES, r = n % VIK_LANES, k;
  lane_zero(acc);
  /*@ loop invariant bounds: 0 <= k <= c;
      loop invariant fin: \forall integer j; 0 <= j < VIK_LANES ==>
                            \is_finite(acc[j]) && \abs(acc[j]) <= k * (0x1p40 + 0x1p28);
      loop assigns k, acc[0 .. VIK_LANES - 1];
      loop variant c - k;
  */
  for (k = 0u; k < c; k++) lane_madd(acc, a + k * VIK_LANES, b + k * VIK_LANES, VIK_LANES, k);
  /* the n % 16 tail: element 16c + l goes to lane l, as in a full chunk */
  //@ assert tail: r > 0 ==> c <= 4095;
  if (r > 0u) {
    lane_madd(acc, a + c * VIK_LANES, b + c * VIK_LANES, r, c);
    /*@ assert tail_lanes: \forall integer j; 0 <= j < VIK_LANES ==>
          \is_finite(acc[j]) && \abs(acc[j]) <= (c + 1) * (0x1p40 + 0x1p28); */
  }
  //@ assert lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
  return lane_sum(acc);
}

void vik_matmul_f32(float *y, const float *x, const float *w, uint32_t T, uint32_t n, uint32_t m,
                    uint32_t o0, uint32_t o1) {
  /* row-outer: each weight row is read from memory once and reused, from
     cache, for all T tokens (prefill); the order of the dots does not change
     any result bit. Each y entry is a vik_dot_f32 result, finite by its contract. */
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop invariant wb: bounded_f32(w, m * n);
      loop invariant xb: bounded_f32(x, T * n);
      loop assigns o, y[0 .. T * m - 1];
      loop variant o1 - o;
  */
  for (uint32_t o = o0; o < o1; o++) {
    //@ assert woff: \forall integer k; 0 <= k < n ==> 0 <= o * n + k < m * n;
    //@ assert wrow: \forall integer k; 0 <= k < n ==> \is_finite(w[o * n + k]) && \abs(w[o * n + k]) <= 0x1p20;
    /*@ loop invariant bounds: 0 <= t <= T;
        loop invariant wb: bounded_f32(w, m * n);
        loop invariant xb: bounded_f32(x, T * n);
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert xoff: \forall integer k; 0 <= k < n ==> 0 <= t * n + k < T * n;
      //@ assert xrow: \forall integer k; 0 <= k < n ==> \is_finite(x[t * n + k]) && \abs(x[t * n + k]) <= 0x1p20;
      //@ assert in: 0 <= t * m + o < T * m;
      y[t * m + o] = vik_dot_f32(w + o * n, x + t * n, n);
    }
  }
}

/* One MXFP4 weight: an E2M1 value (|v| <= 6) times its block scale (<= 2^17). */
/*@ requires bv: \is_finite(v) && \abs(v) <= 6.0;
    requires bs: \is_finite(sc) && 0.0 < sc <= 0x1p17;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p20;
*/
static float mxfp4_weight(float v, float sc) { return v * sc; }

/* 16 weights of a half-block: tab[code] for each of the 8 bytes' two nibbles
   (element 2i in the low nibble of byte i). tab holds the block's 16 scaled
   E2M1 values, so a weight costs one table read and no float operation. */
/*@ requires valid_wb: \valid(wb + (0 .. VIK_LANES - 1));
    requires valid_ck: \valid_read(ck + (0 .. VIK_LANES / 2 - 1));
    requires valid_tab: \valid_read(tab + (0 .. 15));
    requires sep: \separated(wb + (0 .. VIK_LANES - 1), tab + (0 .. 15), ck + (0 .. VIK_LANES / 2 - 1));
    requires tab: \forall integer j; 0 <= j < 16 ==> \is_finite(tab[j]) && \abs(tab[j]) <= 0x1p20;
    assigns wb[0 .. VIK_LANES - 1];
    ensures wb: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(wb[j]) && \abs(wb[j]) <= 0x1p20;
*/
static void unpack_half(float *wb, const uint8_t *ck, const float *tab) {
  /*@ loop invariant bounds: 0 <= l <= VIK_LANES;
      loop invariant wb: \forall integer j; 0 <= j < l ==> \is_finite(wb[j]) && \abs(wb[j]) <= 0x1p20;
      loop assigns l, wb[0 .. VIK_LANES - 1];
      loop variant VIK_LANES - l;
  */
  for (uint32_t l = 0u; l < VIK_LANES; l++) {
    uint32_t byte = ck[l / 2u];
    wb[l] = tab[l % 2u == 0u ? byte % 16u : byte / 16u];
  }
}

float vik_dot_mxfp4(const uint8_t *codes, const uint8_t *scales, const float *x, uint32_t n) {
  float acc[VIK_LANES], wb[VIK_LANES], val[16], tab[16];
  uint32_t nb = n / VIK_MX_BLOCK, b, i;
  /*@ loop invariant bounds: 0 <= i <= 16;
      loop invariant val: \forall integer j; 0 <= j < i ==> \is_finite(val[j]) && \abs(val[j]) <= 6.0;
      loop assigns i, val[0 .. 15];
      loop variant 16 - i;
  */
  for (i = 0u; i < 16u; i++) {
    float v = vik_e2m1_decode((uint8_t)i);
    //@ assert bv: \is_finite(v) && \abs(v) <= 6.0;
    val[i] = v;
  }
  lane_zero(acc);
  /*@ loop invariant bounds: 0 <= b <= nb;
      loop invariant val: \forall integer j; 0 <= j < 16 ==> \is_finite(val[j]) && \abs(val[j]) <= 6.0;
      loop invariant fin: \forall integer j; 0 <= j < VIK_LANES ==>
                            \is_finite(acc[j]) && \abs(acc[j]) <= 2 * b * (0x1p40 + 0x1p28);
      loop assigns b, i, acc[0 .. VIK_LANES - 1], wb[0 .. VIK_LANES - 1], tab[0 .. 15];
      loop variant nb - b;
  */
  for (b = 0u; b < nb; b++) {              /* block b: elements 32b .. 32b+31 */
    float sc = vik_e8m0_decode(scales[b]);
    //@ assert bs: \is_finite(sc) && 0.0 < sc <= 0x1p17;
    /*@ loop invariant bounds: 0 <= i <= 16;
        loop invariant tab: \forall integer j; 0 <= j < i ==> \is_finite(tab[j]) && \abs(tab[j]) <= 0x1p20;
        loop assigns i, tab[0 .. 15];
        loop variant 16 - i;
    */
    for (i = 0u; i < 16u; i++) tab[i] = mxfp4_weight(val[i], sc);
    unpack_half(wb, codes + b * 16u, tab);
    lane_madd(acc, wb, x + b * 32u, VIK_LANES, 2u * b);
    unpack_half(wb, codes + b * 16u + 8u, tab);
    lane_madd(acc, wb, x + b * 32u + 16u, VIK_LANES, 2u * b + 1u);
  }
  //@ assert lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
  return lane_sum(acc);
}

void vik_matmul_mxfp4(float *y, const float *x, const uint8_t *codes, const uint8_t *scales,
                      uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1) {
  uint32_t nc = n / 2u, ns = n / VIK_MX_BLOCK;
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop invariant xb: bounded_f32(x, T * n);
      loop invariant sb: \forall integer i; 0 <= i < m * ns ==> scales[i] <= VIK_MXFP4_DOT_SMAX;
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
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert xoff: \forall integer k; 0 <= k < n ==> 0 <= t * n + k < T * n;
      //@ assert xrow: \forall integer k; 0 <= k < n ==> \is_finite(x[t * n + k]) && \abs(x[t * n + k]) <= 0x1p20;
      //@ assert in: 0 <= t * m + o < T * m;
      y[t * m + o] = vik_dot_mxfp4(codes + o * nc, scales + o * ns, x + t * n, n);
    }
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

/* The 256 E4M3 values; the NaN codes' entries are never read (contract). */
/*@ requires valid_val: \valid(val + (0 .. 255));
    assigns val[0 .. 255];
    ensures val: \forall integer j; 0 <= j < 256 && j % 128 != 127 ==>
                   \is_finite(val[j]) && \abs(val[j]) <= 448.0;
*/
static void e4m3_table(float *val) {
  /*@ loop invariant bounds: 0 <= i <= 256;
      loop invariant val: \forall integer j; 0 <= j < i && j % 128 != 127 ==>
                            \is_finite(val[j]) && \abs(val[j]) <= 448.0;
      loop assigns i, val[0 .. 255];
      loop variant 256 - i;
  */
  for (uint32_t i = 0u; i < 256u; i++) {
    float v = vik_e4m3_decode((uint8_t)i);
    //@ assert bv: i % 128 != 127 ==> \is_finite(v) && \abs(v) <= 448.0;
    val[i] = v;
  }
}

/* 16 weights: val[code] * sc. */
/*@ requires valid_wb: \valid(wb + (0 .. VIK_LANES - 1));
    requires valid_ck: \valid_read(ck + (0 .. VIK_LANES - 1));
    requires valid_val: \valid_read(val + (0 .. 255));
    requires sep_val: \separated(wb + (0 .. VIK_LANES - 1), val + (0 .. 255));
    requires sep_ck: \separated(wb + (0 .. VIK_LANES - 1), ck + (0 .. VIK_LANES - 1));   // read-only ones may alias
    requires val: \forall integer j; 0 <= j < 256 && j % 128 != 127 ==>
                    \is_finite(val[j]) && \abs(val[j]) <= 448.0;
    requires codes: \forall integer j; 0 <= j < VIK_LANES ==> ck[j] % 128 != 127;
    requires bs: \is_finite(sc) && 0.0 < sc <= 0x1p11;
    assigns wb[0 .. VIK_LANES - 1];
    ensures wb: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(wb[j]) && \abs(wb[j]) <= 0x1p20;
*/
static void unpack8(float *wb, const uint8_t *ck, const float *val, float sc) {
  /*@ loop invariant bounds: 0 <= l <= VIK_LANES;
      loop invariant wb: \forall integer j; 0 <= j < l ==> \is_finite(wb[j]) && \abs(wb[j]) <= 0x1p20;
      loop assigns l, wb[0 .. VIK_LANES - 1];
      loop variant VIK_LANES - l;
  */
  for (uint32_t l = 0u; l < VIK_LANES; l++) wb[l] = mxfp8_weight(val[ck[l]], sc);
}

/* vik_dot_mxfp8 with the value table given (vik_matmul_mxfp8 builds it once). */
/*@ requires n: n % VIK_MX_BLOCK == 0 && 0 <= n <= VIK_K_MAX;
    requires valid_val: \valid_read(val + (0 .. 255));
    requires valid_codes: \valid_read(codes + (0 .. n - 1));
    requires valid_scales: \valid_read(scales + (0 .. n / VIK_MX_BLOCK - 1));
    requires valid_x: \valid_read(x + (0 .. n - 1));
    requires val: \forall integer j; 0 <= j < 256 && j % 128 != 127 ==>
                    \is_finite(val[j]) && \abs(val[j]) <= 448.0;
    requires codes: \forall integer i; 0 <= i < n ==> codes[i] % 128 != 127;
    requires scales: \forall integer i; 0 <= i < n / VIK_MX_BLOCK ==> scales[i] <= VIK_MXFP8_DOT_SMAX;
    requires bounded_x: \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && \abs(x[i]) <= 0x1p20;
    assigns \nothing;
    ensures finite: \is_finite(\result);
    ensures bound: \abs(\result) <= 0x1p57;
*/
static float dot_mxfp8(const float *val, const uint8_t *codes, const uint8_t *scales, const float *x,
                       uint32_t n) {
  float acc[VIK_LANES], wb[VIK_LANES];
  uint32_t nb = n / VIK_MX_BLOCK, b;
  lane_zero(acc);
  /*@ loop invariant bounds: 0 <= b <= nb;
      loop invariant fin: \forall integer j; 0 <= j < VIK_LANES ==>
                            \is_finite(acc[j]) && \abs(acc[j]) <= 2 * b * (0x1p40 + 0x1p28);
      loop assigns b, acc[0 .. VIK_LANES - 1], wb[0 .. VIK_LANES - 1];
      loop variant nb - b;
  */
  for (b = 0u; b < nb; b++) {              /* block b: elements 32b .. 32b+31 */
    float sc = vik_e8m0_decode(scales[b]);
    //@ assert bs: \is_finite(sc) && 0.0 < sc <= 0x1p11;
    unpack8(wb, codes + b * 32u, val, sc);
    lane_madd(acc, wb, x + b * 32u, VIK_LANES, 2u * b);
    unpack8(wb, codes + b * 32u + 16u, val, sc);
    lane_madd(acc, wb, x + b * 32u + 16u, VIK_LANES, 2u * b + 1u);
  }
  //@ assert lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
  return lane_sum(acc);
}

float vik_dot_mxfp8(const uint8_t *codes, const uint8_t *scales, const float *x, uint32_t n) {
  float val[256];
  e4m3_table(val);
  return dot_mxfp8(val, codes, scales, x, n);
}

void vik_matmul_mxfp8(float *y, const float *x, const uint8_t *codes, const uint8_t *scales,
                      uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1) {
  float val[256];
  uint32_t ns = n / VIK_MX_BLOCK;
  e4m3_table(val);
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop invariant xb: bounded_f32(x, T * n);
      loop invariant cb: \forall integer i; 0 <= i < m * n ==> codes[i] % 128 != 127;
      loop invariant sb: \forall integer i; 0 <= i < m * ns ==> scales[i] <= VIK_MXFP8_DOT_SMAX;
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
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert xoff: \forall integer k; 0 <= k < n ==> 0 <= t * n + k < T * n;
      //@ assert xrow: \forall integer k; 0 <= k < n ==> \is_finite(x[t * n + k]) && \abs(x[t * n + k]) <= 0x1p20;
      //@ assert in: 0 <= t * m + o < T * m;
      y[t * m + o] = dot_mxfp8(val, codes + o * n, scales + o * ns, x + t * n, n);
    }
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

float vik_dot_nvfp4(const uint8_t *codes, const uint8_t *scales, float g, const float *x, uint32_t n) {
  float acc[VIK_LANES], wb[VIK_LANES], val[16], tab[16];
  uint32_t nb = n / VIK_NV_BLOCK_DOT, b, i;
  /*@ loop invariant bounds: 0 <= i <= 16;
      loop invariant val: \forall integer j; 0 <= j < i ==> \is_finite(val[j]) && \abs(val[j]) <= 6.0;
      loop assigns i, val[0 .. 15];
      loop variant 16 - i;
  */
  for (i = 0u; i < 16u; i++) {
    float v = vik_e2m1_decode((uint8_t)i);
    //@ assert bv: \is_finite(v) && \abs(v) <= 6.0;
    val[i] = v;
  }
  lane_zero(acc);
  /*@ loop invariant bounds: 0 <= b <= nb;
      loop invariant val: \forall integer j; 0 <= j < 16 ==> \is_finite(val[j]) && \abs(val[j]) <= 6.0;
      loop invariant fin: \forall integer j; 0 <= j < VIK_LANES ==>
                            \is_finite(acc[j]) && \abs(acc[j]) <= b * (0x1p40 + 0x1p28);
      loop assigns b, i, acc[0 .. VIK_LANES - 1], wb[0 .. VIK_LANES - 1], tab[0 .. 15];
      loop variant nb - b;
  */
  for (b = 0u; b < nb; b++) {              /* block b: elements 16b .. 16b+15, one lane chunk */
    uint8_t s = scales[b];
    float v = vik_e4m3_decode(s);
    //@ assert bs: \is_finite(v) && \abs(v) <= 448.0;
    float d = nvfp4_scale(v, g);
    /*@ loop invariant bounds: 0 <= i <= 16;
        loop invariant tab: \forall integer j; 0 <= j < i ==> \is_finite(tab[j]) && \abs(tab[j]) <= 0x1p20;
        loop assigns i, tab[0 .. 15];
        loop variant 16 - i;
    */
    for (i = 0u; i < 16u; i++) tab[i] = nvfp4_weight(val[i], d);
    unpack_half(wb, codes + b * 8u, tab);
    lane_madd(acc, wb, x + b * 16u, VIK_LANES, b);
  }
  //@ assert lanes: \forall integer j; 0 <= j < VIK_LANES ==> \is_finite(acc[j]) && \abs(acc[j]) <= 0x1p53;
  return lane_sum(acc);
}

void vik_matmul_nvfp4(float *y, const float *x, const uint8_t *codes, const uint8_t *scales, float g,
                      uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1) {
  uint32_t nc = n / 2u, ns = n / VIK_NV_BLOCK_DOT;
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop invariant xb: bounded_f32(x, T * n);
      loop invariant sb: \forall integer i; 0 <= i < m * ns ==> scales[i] % 128 != 127;
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
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert xoff: \forall integer k; 0 <= k < n ==> 0 <= t * n + k < T * n;
      //@ assert xrow: \forall integer k; 0 <= k < n ==> \is_finite(x[t * n + k]) && \abs(x[t * n + k]) <= 0x1p20;
      //@ assert in: 0 <= t * m + o < T * m;
      y[t * m + o] = vik_dot_nvfp4(codes + o * nc, scales + o * ns, g, x + t * n, n);
    }
  }
}
