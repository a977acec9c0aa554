/* vik MX block quantization: OCP MX v1.0 MXFP4 and MXFP8-E4M3. The scale and
   the division by it are integer work on the float32 bits, so they are exact;
   the element encoders of formats.c do the one rounding. */
#include "mx.h"

uint8_t vik_mx_scale_bits(const uint32_t *xb, uint32_t emax) {
  uint32_t m = 0u, i;
  /*@ loop invariant bounds: 0 <= i <= VIK_MX_BLOCK;
      loop invariant range: m <= 255;
      loop invariant above: \forall integer j; 0 <= j < i ==> f32_exp(xb[j]) <= m;
      loop invariant attained: i == 0 ? m == 0 : \exists integer j; 0 <= j < i && f32_exp(xb[j]) == m;
      loop assigns i, m;
      loop variant VIK_MX_BLOCK - i;
  */
  for (i = 0u; i < VIK_MX_BLOCK; i++) {
    uint32_t e = xb[i] / 0x800000u % 256u;
    if (e > m || i == 0u) m = e;
  }
  //@ assert mx: mx_is_maxexp(xb, VIK_MX_BLOCK, m);
  if (m == 255u) return 255u;                /* the largest field 255: NaN or inf */
  return (uint8_t)(m > emax ? m - emax : 0u);
}

uint32_t vik_mx_div_scale_bits(uint32_t b, uint32_t s) {
  uint32_t sign = b / 0x80000000u * 0x80000000u;
  uint32_t ex = b / 0x800000u % 256u, fr = b % 0x800000u;
  int32_t e = (int32_t)ex;
  if (ex == 0u) {                            /* zero or subnormal: fr * 2^-149 */
    if (fr == 0u) return sign;
    e = 1;
    /* normalise: fr * 2^(e - 150) keeps the value while fr doubles */
    /*@ loop invariant bounds: -22 <= e <= 1 && 1 <= fr < 0x1000000;
        loop invariant grow: fr >= pow2(1 - e);
        loop assigns e, fr;
        loop variant 0x800000 - fr;
    */
    while (fr < 0x800000u) {
      fr *= 2u;
      e--;
    }
    fr -= 0x800000u;
  }
  int32_t q = e + 127 - (int32_t)s;          /* the quotient's exponent field */
  if (q > 254) return sign + 0x7F800000u;
  if (q < 1) return sign;
  return sign + (uint32_t)q * 0x800000u + fr;
}

/* One block: bits of x[0..31] into xb. */
/*@ requires valid_x: \valid_read(x + (0 .. VIK_MX_BLOCK - 1));
    requires valid_xb: \valid(xb + (0 .. VIK_MX_BLOCK - 1));
    requires sep: \separated(xb + (0 .. VIK_MX_BLOCK - 1), x + (0 .. VIK_MX_BLOCK - 1));
    assigns xb[0 .. VIK_MX_BLOCK - 1];
*/
static void block_bits(const float *x, uint32_t *xb) {
  /*@ loop invariant bounds: 0 <= i <= VIK_MX_BLOCK;
      loop assigns i, xb[0 .. VIK_MX_BLOCK - 1];
      loop variant VIK_MX_BLOCK - i;
  */
  for (uint32_t i = 0u; i < VIK_MX_BLOCK; i++) xb[i] = vik_f32_bits(x[i]);
}

void vik_mxfp4_quantize(const float *x, uint32_t n, uint8_t *codes, uint8_t *scales) {
  uint32_t xb[VIK_MX_BLOCK];
  /*@ loop invariant bounds: 0 <= blk <= n / VIK_MX_BLOCK;
      loop assigns blk, xb[0 .. VIK_MX_BLOCK - 1], codes[0 .. n / 2 - 1], scales[0 .. n / VIK_MX_BLOCK - 1];
      loop variant n / VIK_MX_BLOCK - blk;
  */
  for (uint32_t blk = 0u; blk < n / VIK_MX_BLOCK; blk++) {
    block_bits(x + blk * VIK_MX_BLOCK, xb);
    uint8_t s = vik_mx_scale_bits(xb, VIK_MX_EMAX_E2M1);
    uint8_t *c = codes + blk * (VIK_MX_BLOCK / 2u);
    scales[blk] = s;
    /*@ loop invariant bounds: 0 <= j <= VIK_MX_BLOCK / 2;
        loop assigns j, c[0 .. VIK_MX_BLOCK / 2 - 1];
        loop variant VIK_MX_BLOCK / 2 - j;
    */
    for (uint32_t j = 0u; j < VIK_MX_BLOCK / 2u; j++) {
      uint32_t lo = 0u, hi = 0u;
      if (s != 255u) {                       /* non-finite block: codes 0 */
        lo = vik_e2m1_encode_bits(vik_mx_div_scale_bits(xb[2u * j], s));
        hi = vik_e2m1_encode_bits(vik_mx_div_scale_bits(xb[2u * j + 1u], s));
      }
      c[j] = (uint8_t)(lo + hi * 16u);
    }
  }
}

void vik_mxfp8_quantize(const float *x, uint32_t n, uint8_t *codes, uint8_t *scales) {
  uint32_t xb[VIK_MX_BLOCK];
  /*@ loop invariant bounds: 0 <= blk <= n / VIK_MX_BLOCK;
      loop assigns blk, xb[0 .. VIK_MX_BLOCK - 1], codes[0 .. n - 1], scales[0 .. n / VIK_MX_BLOCK - 1];
      loop variant n / VIK_MX_BLOCK - blk;
  */
  for (uint32_t blk = 0u; blk < n / VIK_MX_BLOCK; blk++) {
    block_bits(x + blk * VIK_MX_BLOCK, xb);
    uint8_t s = vik_mx_scale_bits(xb, VIK_MX_EMAX_E4M3);
    uint8_t *c = codes + blk * VIK_MX_BLOCK;
    scales[blk] = s;
    /*@ loop invariant bounds: 0 <= j <= VIK_MX_BLOCK;
        loop assigns j, c[0 .. VIK_MX_BLOCK - 1];
        loop variant VIK_MX_BLOCK - j;
    */
    for (uint32_t j = 0u; j < VIK_MX_BLOCK; j++)
      c[j] = s == 255u ? 0u : vik_e4m3_encode_bits(vik_mx_div_scale_bits(xb[j], s), VIK_SAT);
  }
}

int vik_mx_scales_ok(const uint8_t *scales, uint32_t nb, uint32_t smax) {
  /*@ loop invariant bounds: 0 <= i <= nb;
      loop invariant ok: \forall integer j; 0 <= j < i ==> scales[j] <= smax || scales[j] == 255;
      loop assigns i;
      loop variant nb - i;
  */
  for (uint32_t i = 0u; i < nb; i++)
    if (scales[i] > smax && scales[i] != 255u) return 0;
  return 1;
}

/* A block whose scale is the NaN code: every element NaN. */
/*@ requires valid_y: \valid(y + (0 .. VIK_MX_BLOCK - 1));
    assigns y[0 .. VIK_MX_BLOCK - 1];
*/
static void block_nan(float *y) {
  float nan = vik_f32_from_bits(0x7FC00000u);
  /*@ loop invariant bounds: 0 <= j <= VIK_MX_BLOCK;
      loop assigns j, y[0 .. VIK_MX_BLOCK - 1];
      loop variant VIK_MX_BLOCK - j;
  */
  for (uint32_t j = 0u; j < VIK_MX_BLOCK; j++) y[j] = nan;
}

/* The two dequantization products, alone so that Gappa sees only the bounds
   it needs: |v| <= 6 (E2M1) or 448 (E4M3) times 2^(SMAX-127) stays below FLT_MAX. */
/*@ requires bv: \is_finite(v) && \abs(v) <= 6.0;
    requires bs: \is_finite(sc) && 0.0 < sc <= 0x1p125;
    assigns \nothing;
    ensures fin: \is_finite(\result);
*/
static float mul_e2m1(float v, float sc) { return v * sc; }

/*@ requires bv: \is_finite(v) && \abs(v) <= 448.0;
    requires bs: \is_finite(sc) && 0.0 < sc <= 0x1p119;
    assigns \nothing;
    ensures fin: \is_finite(\result);
*/
static float mul_e4m3(float v, float sc) { return v * sc; }

void vik_mxfp4_dequantize(const uint8_t *codes, const uint8_t *scales, uint32_t n, float *y) {
  /*@ loop invariant bounds: 0 <= blk <= n / VIK_MX_BLOCK;
      loop assigns blk, y[0 .. n - 1];
      loop variant n / VIK_MX_BLOCK - blk;
  */
  for (uint32_t blk = 0u; blk < n / VIK_MX_BLOCK; blk++) {
    uint8_t s = scales[blk];
    float *yb = y + blk * VIK_MX_BLOCK;
    const uint8_t *c = codes + blk * (VIK_MX_BLOCK / 2u);
    if (s == 255u) { block_nan(yb); continue; }
    float sc = vik_e8m0_decode(s);
    //@ assert bs: \is_finite(sc) && 0.0 < sc <= 0x1p125;
    /*@ loop invariant bounds: 0 <= j <= VIK_MX_BLOCK / 2;
        loop assigns j, yb[0 .. VIK_MX_BLOCK - 1];
        loop variant VIK_MX_BLOCK / 2 - j;
    */
    for (uint32_t j = 0u; j < VIK_MX_BLOCK / 2u; j++) {
      float lo = vik_e2m1_decode(c[j] % 16u), hi = vik_e2m1_decode(c[j] / 16u);
      //@ assert bv: \is_finite(lo) && \abs(lo) <= 6.0 && \is_finite(hi) && \abs(hi) <= 6.0;
      yb[2u * j] = mul_e2m1(lo, sc);
      yb[2u * j + 1u] = mul_e2m1(hi, sc);
    }
  }
}

void vik_mxfp8_dequantize(const uint8_t *codes, const uint8_t *scales, uint32_t n, float *y) {
  /*@ loop invariant bounds: 0 <= blk <= n / VIK_MX_BLOCK;
      loop assigns blk, y[0 .. n - 1];
      loop variant n / VIK_MX_BLOCK - blk;
  */
  for (uint32_t blk = 0u; blk < n / VIK_MX_BLOCK; blk++) {
    uint8_t s = scales[blk];
    float *yb = y + blk * VIK_MX_BLOCK;
    const uint8_t *c = codes + blk * VIK_MX_BLOCK;
    if (s == 255u) { block_nan(yb); continue; }
    float sc = vik_e8m0_decode(s);
    //@ assert bs: \is_finite(sc) && 0.0 < sc <= 0x1p119;
    /*@ loop invariant bounds: 0 <= j <= VIK_MX_BLOCK;
        loop assigns j, yb[0 .. VIK_MX_BLOCK - 1];
        loop variant VIK_MX_BLOCK - j;
    */
    for (uint32_t j = 0u; j < VIK_MX_BLOCK; j++) {
      if (c[j] % 128u == 127u) {             /* a NaN element (foreign data) stays NaN */
        yb[j] = vik_f32_from_bits(0x7FC00000u);
        continue;
      }
      float v = vik_e4m3_decode(c[j]);
      //@ assert bv: \is_finite(v) && \abs(v) <= 448.0;
      yb[j] = mul_e4m3(v, sc);
    }
  }
}
