/* vik NVFP4 block quantization (see nvfp4.h): the reference recipe in float32,
   with two guards that keep every quotient finite without changing a bit. */
#include "nvfp4.h"
#include "nvfp4_logic.h"

/* |x| by negation, which does not round. */
/*@ requires fin: \is_finite(x) && \abs(x) <= VIK_NV_XMAX;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0.0 <= \result <= VIK_NV_XMAX;
*/
static float absf(float x) { return x < 0.0f ? -x : x; }

/* 1 when lo <= x <= hi; 0 for anything else, NaN and inf included (ffn.c's
   within: behaviors by class of x, the provers see IEEE comparisons one class
   at a time). */
/*@ requires lo: \is_finite(lo) && \is_finite(hi) && lo <= hi;
    assigns \nothing;
    behavior in:  assumes \is_finite(x) && lo <= x <= hi;
                  ensures \result == 1;
    behavior out: assumes \is_finite(x) && !(lo <= x <= hi);
                  ensures \result == 0;
    behavior nan: assumes \is_NaN(x);
                  ensures \result == 0;
    behavior inf: assumes \is_infinite(x);
                  ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
static int nv_within(float x, float lo, float hi) { return x >= lo && x <= hi; }

/* The largest |x[i]| of n elements (0 for n = 0). */
/*@ requires valid_x: \valid_read(x + (0 .. n - 1));
    requires in: \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && \abs(x[i]) <= VIK_NV_XMAX;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0.0 <= \result <= VIK_NV_XMAX;
*/
static float amax(const float *x, uint32_t n) {
  float m = 0.0f;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant m: \is_finite(m) && 0.0 <= m <= VIK_NV_XMAX;
      loop assigns i, m;
      loop variant n - i;
  */
  for (uint32_t i = 0u; i < n; i++) {
    float a = absf(x[i]);
    if (a > m) m = a;
  }
  return m;
}

/* m / 2688: at most 2^127 / 2688 < 2^116. */
/*@ requires fin: \is_finite(m) && 0.0 <= m <= VIK_NV_XMAX;
    assigns \nothing;
    ensures g: nv_g(\result);
*/
static float gscale(float m) { return m / 2688.0f; }

int vik_nvfp4_global_scale(const float *x, uint32_t n, float *g) {
  uint32_t i;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop invariant in: nv_in(x, i);
      loop assigns i;
      loop variant n - i;
  */
  for (i = 0u; i < n; i++)
    if (nv_within(x[i], -VIK_NV_XMAX, VIK_NV_XMAX) == 0) return VIK_NV_ERANGE;
  *g = gscale(amax(x, n));
  return VIK_NV_OK;
}

/* amax / 6, the recipe's first division. */
/*@ requires fin: \is_finite(m) && 0.0 <= m <= VIK_NV_XMAX;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0.0 <= \result <= 0x1p125;
*/
static float div6(float m) { return m / 6.0f; }

/* ma * 2^(e - 150) with ma in [2^23, 2^24): the significand of a nonzero
   finite magnitude's bits (a subnormal's normalised), its exponent in *e. */
/*@ requires a: 0 < a < 0x7F800000;
    requires valid: \valid(e);
    assigns *e;
    ensures sig: 0x800000 <= \result < 0x1000000;
    ensures exp: -22 <= *e <= 254;
*/
static uint32_t unpack(uint32_t a, int32_t *e) {
  uint32_t m = a % 0x800000u;
  int32_t x = (int32_t)(a / 0x800000u);
  if (x > 0) {
    *e = x;
    return m + 0x800000u;
  }
  x = 1;
  /*@ loop invariant bounds: -22 <= x <= 1 && 1 <= m < 0x1000000;
      loop invariant grow: m >= pow2(1 - x);
      loop assigns x, m;
      loop variant 0x800000 - m;
  */
  while (m < 0x800000u) {
    m *= 2u;
    x--;
  }
  *e = x;
  return m;
}

uint32_t vik_f32_div_bits(uint32_t a, uint32_t b) {
  int32_t ea, eb;
  if (a == 0u || a >= 0x7F800000u || b == 0u || b >= 0x7F800000u) return 0u;
  uint32_t ma = unpack(a, &ea), mb = unpack(b, &eb);
  /* num / mb in [2^26, 2^27): 27 significant bits, 3 below the 24 kept */
  uint32_t k = ma < mb ? 27u : 26u;
  uint64_t num = (uint64_t)ma * (ma < mb ? 0x8000000u : 0x4000000u);   /* ma 2^k */
  //@ assert num: 0x4000000 * mb <= num < 0x8000000 * mb;
  uint64_t q = num / mb;
  uint32_t sticky = num % mb != 0u;
  //@ assert q: 0x4000000 <= q < 0x8000000;
  /* a / b = (num / mb) 2^(ea - eb - k); q's top bit 2^26 has the biased
     exponent E = 127 + 26 + ea - eb - k */
  int32_t E = 153 + ea - eb - (int32_t)k;
  uint32_t qq = (uint32_t)q;
  if (E < 1) {                               /* subnormal: drop 1 - E more bits */
    if (E < -23) return 0u;                  /* below 2^-150: rounds to 0 */
    /*@ loop invariant bounds: -23 <= E <= 1 && qq < 0x8000000;
        loop assigns E, qq, sticky;
        loop variant 1 - E;
    */
    while (E < 1) {
      sticky |= qq % 2u;
      qq /= 2u;
      E++;
    }
    E = 0;
  }
  /* round to 24 bits: 3 bits below, and the sticky bit */
  uint32_t sig = qq / 8u;
  uint32_t half = qq / 4u % 2u;
  uint32_t rest = qq % 4u != 0u || sticky != 0u;
  if (half != 0u && (rest != 0u || sig % 2u == 1u)) sig++;
  /* sig <= 2^24; a carry into bit 23 (subnormal) or 24 (normal) moves the
     exponent field up by one through the addition, as IEEE encodes it */
  //@ assert sig: sig <= 0x1000000;
  if (E == 0) return sig;
  if (sig == 0x1000000u) {
    sig = 0x800000u;
    E++;
  }
  if (E >= 255) return 0x7F800000u;
  return (uint32_t)E * 0x800000u + sig - 0x800000u;
}

/* The block scale code of a block whose amax is m: e4m3_sat(m / 6 / g); 0
   when g is 0 (nvfp4.h). */
/*@ requires m: \is_finite(m) && 0.0 <= m <= VIK_NV_XMAX;
    requires g: nv_g(g);
    assigns \nothing;
*/
static uint8_t block_scale(float m, float g) {
  if (g == 0.0f) return 0u;
  return vik_e4m3_encode_bits(vik_f32_div_bits(vik_f32_bits(div6(m)), vik_f32_bits(g)), VIK_SAT);
}

/* e4m3(s) * g: at most 448 * 2^116 < 2^125 in magnitude. */
/*@ requires s: \is_finite(s) && \abs(s) <= 448.0;
    requires g: nv_g(g);
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p125;
*/
static float mul_scale(float s, float g) { return s * g; }

/* The block's element divisor d = e4m3(code) * g; 0 for a NaN code (which
   the quantizer never produces and the dequantizer handles before). */
/*@ requires g: nv_g(g);
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p125;
*/
static float block_d(uint8_t code, float g) {
  if (code % 128u == 127u) return 0.0f;
  float s = vik_e4m3_decode(code);
  //@ assert bs: \is_finite(s) && \abs(s) <= 448.0;
  return mul_scale(s, g);
}

/* The E2M1 code of x / d, saturating (the sign of x kept, as the encoder
   keeps it); 0 when d is not positive (nvfp4.h). */
/*@ assigns \nothing;
    ensures nibble: \result <= 15;
*/
static uint32_t el_code(uint32_t xb, uint32_t db) {
  if (db == 0u || db >= 0x80000000u) return 0u;
  uint32_t sign = xb / 0x80000000u * 0x80000000u;
  return vik_e2m1_encode_bits(sign + vik_f32_div_bits(xb % 0x80000000u, db)) % 16u;
}

void vik_nvfp4_quantize(const float *x, uint32_t n, float g, uint8_t *codes, uint8_t *scales) {
  /*@ loop invariant bounds: 0 <= blk <= n / VIK_NV_BLOCK;
      loop assigns blk, codes[0 .. n / 2 - 1], scales[0 .. n / VIK_NV_BLOCK - 1];
      loop variant n / VIK_NV_BLOCK - blk;
  */
  for (uint32_t blk = 0u; blk < n / VIK_NV_BLOCK; blk++) {
    const float *xb = x + blk * VIK_NV_BLOCK;
    uint8_t *c = codes + blk * (VIK_NV_BLOCK / 2u);
    //@ assert off: \forall integer k; 0 <= k < VIK_NV_BLOCK ==> 0 <= blk * VIK_NV_BLOCK + k < n;
    /*@ assert xrow: \forall integer k; 0 <= k < VIK_NV_BLOCK ==>
          \is_finite(x[blk * VIK_NV_BLOCK + k]) && \abs(x[blk * VIK_NV_BLOCK + k]) <= VIK_NV_XMAX; */
    uint8_t s = block_scale(amax(xb, VIK_NV_BLOCK), g);
    uint32_t d = vik_f32_bits(block_d(s, g));
    scales[blk] = s;
    /*@ loop invariant bounds: 0 <= j <= VIK_NV_BLOCK / 2;
        loop assigns j, c[0 .. VIK_NV_BLOCK / 2 - 1];
        loop variant VIK_NV_BLOCK / 2 - j;
    */
    for (uint32_t j = 0u; j < VIK_NV_BLOCK / 2u; j++)
      c[j] = (uint8_t)(el_code(vik_f32_bits(xb[2u * j]), d) + el_code(vik_f32_bits(xb[2u * j + 1u]), d) * 16u);
  }
}

/* e2m1 value times the block's d: at most 6 * 2^125 < 2^128. */
/*@ requires v: \is_finite(v) && \abs(v) <= 6.0;
    requires d: \is_finite(d) && \abs(d) <= 0x1p125;
    assigns \nothing;
    ensures fin: \is_finite(\result);
*/
static float mul_el(float v, float d) { return v * d; }

void vik_nvfp4_dequantize(const uint8_t *codes, const uint8_t *scales, float g, uint32_t n, float *y) {
  /*@ loop invariant bounds: 0 <= blk <= n / VIK_NV_BLOCK;
      loop assigns blk, y[0 .. n - 1];
      loop variant n / VIK_NV_BLOCK - blk;
  */
  for (uint32_t blk = 0u; blk < n / VIK_NV_BLOCK; blk++) {
    uint8_t s = scales[blk];
    float *yb = y + blk * VIK_NV_BLOCK;
    const uint8_t *c = codes + blk * (VIK_NV_BLOCK / 2u);
    if (s % 128u == 127u) {                  /* a NaN scale (foreign data): NaN block */
      float nan = vik_f32_from_bits(0x7FC00000u);
      /*@ loop invariant bounds: 0 <= j <= VIK_NV_BLOCK;
          loop assigns j, yb[0 .. VIK_NV_BLOCK - 1];
          loop variant VIK_NV_BLOCK - j;
      */
      for (uint32_t j = 0u; j < VIK_NV_BLOCK; j++) yb[j] = nan;
      continue;
    }
    float d = block_d(s, g);
    /*@ loop invariant bounds: 0 <= j <= VIK_NV_BLOCK / 2;
        loop assigns j, yb[0 .. VIK_NV_BLOCK - 1];
        loop variant VIK_NV_BLOCK / 2 - j;
    */
    for (uint32_t j = 0u; j < VIK_NV_BLOCK / 2u; j++) {
      float lo = vik_e2m1_decode(c[j] % 16u), hi = vik_e2m1_decode(c[j] / 16u);
      //@ assert blo: \is_finite(lo) && \abs(lo) <= 6.0;
      //@ assert bhi: \is_finite(hi) && \abs(hi) <= 6.0;
      yb[2u * j] = mul_el(lo, d);
      yb[2u * j + 1u] = mul_el(hi, d);
    }
  }
}
