/* vik number formats: decode exactly, encode with round-to-nearest-even.
   Encoders work on the integer bits of the float32 input, written with / and %
   (what the provers reason about best); gcc turns them into shifts and masks. */
#include "formats.h"
#include "formats_grid.h"   /* lemmas for the encoders' rne clauses */

/* union reinterpretation: defined in C99 (TC3, 6.5.2.3 note 82) and by gcc/clang */
uint32_t vik_f32_bits(float x) {
  union { float f; uint32_t u; } v;
  v.f = x;
  return v.u;
}

float vik_f32_from_bits(uint32_t b) {
  union { float f; uint32_t u; } v;
  v.u = b;
  return v.f;
}

/* ---------------------------------------------------------------- decode */

float vik_e4m3_decode(uint8_t c) {
  uint32_t e = c / 8u % 16u, m = c % 8u;
  if (e == 15u && m == 7u) return vik_f32_from_bits(c / 128u * 0x80000000u + 0x7FC00000u);
  uint32_t k = e == 0u ? m : (8u + m) << (e - 1u);     /* k = |v| 2^9 <= 229376 < 2^24: exact */
  //@ assert k: k == e4m3_k(c % 128);
  float v = (float)k * 0x1p-9f;
  return c >= 128u ? -v : v;
}

float vik_e5m2_decode(uint8_t c) {
  uint32_t e = c / 4u % 32u, m = c % 4u;
  if (e == 31u)   /* inf (m == 0) or NaN */
    return vik_f32_from_bits(c / 128u * 0x80000000u + (m == 0u ? 0x7F800000u : 0x7FC00000u));
  uint32_t k = e == 0u ? m : (4u + m) << (e - 1u);     /* |v| * 2^16 < 2^32, 3 significant bits: exact */
  //@ assert k: k == e5m2_k(c % 128);
  float v = (float)k * 0x1p-16f;
  return c >= 128u ? -v : v;
}

float vik_e2m1_decode(uint8_t c) {
  uint32_t e = c / 2u % 4u, m = c % 2u;
  uint32_t k = e == 0u ? m : (2u + m) << (e - 1u);     /* |v| * 2 <= 12 */
  //@ assert k: k == e2m1_k(c % 8);
  float v = (float)k * 0.5f;
  return c >= 8u ? -v : v;
}

float vik_e8m0_decode(uint8_t c) {
  /* 2^(c-127) = 2^(c%16) * 2^(16(c/16) - 127): two exact powers of two; code 0
     is the subnormal 2^-127 */
  if (c == 255u) return vik_f32_from_bits(0x7FC00000u);
  uint32_t j = c / 16u, i = c % 16u;
  float base = j == 0u ? 0x1p-127f : j == 1u ? 0x1p-111f : j == 2u ? 0x1p-95f : j == 3u ? 0x1p-79f :
               j == 4u ? 0x1p-63f  : j == 5u ? 0x1p-47f  : j == 6u ? 0x1p-31f : j == 7u ? 0x1p-15f :
               j == 8u ? 0x1p1f    : j == 9u ? 0x1p17f   : j == 10u ? 0x1p33f : j == 11u ? 0x1p49f :
               j == 12u ? 0x1p65f  : j == 13u ? 0x1p81f  : j == 14u ? 0x1p97f : 0x1p113f;
  return (float)(1u << i) * base;
}

/* ---------------------------------------------------------------- encode */

/* m / p rounded to nearest, ties to even */
/*@ requires p: 2 <= p <= 0x1000000 && p % 2 == 0;
    requires m: m < 0x1000000;
    assigns \nothing;
    ensures near: \abs(\result * p - m) * 2 <= p;
    ensures even: \abs(\result * p - m) * 2 == p ==> \result % 2 == 0;
    ensures range: m / p <= \result <= m / p + 1;
*/
static uint32_t rne_div(uint32_t m, uint32_t p) {
  uint32_t q = m / p, r = m % p, h = p / 2u;
  //@ assert div: m == q * p + r && 0 <= r < p;
  if (r > h || (r == h && q % 2u == 1u)) {
    q++;
    //@ assert up: q * p - m == p - r;
  }
  return q;
}

uint8_t vik_e4m3_encode_bits(uint32_t b, int mode) {
  uint32_t s = b / 0x80000000u * 128u;
  uint32_t ex = b / 0x800000u % 256u, fr = b % 0x800000u;
  uint32_t ovf = mode == VIK_SAT ? 126u : 127u;        /* max or NaN */
  if (ex == 255u) return (uint8_t)(s + (fr != 0u ? 127u : ovf));
  if (ex < 117u) return (uint8_t)s;                    /* |x| < 2^-10 */
  if (ex > 135u) return (uint8_t)(s + ovf);            /* |x| >= 512 */
  uint32_t mant = fr + 0x800000u, c;
  if (ex >= 121u) {                                    /* normal: step 2^20 ulps */
    uint32_t q = rne_div(mant, 0x100000u);             /* 8..16, 16 carries */
    c = (ex - 121u) * 8u + q;
    //@ assert rn: rne_local(e4m3_k(c) * pow2(141 - ex), mant, 0x100000, c);
  } else {                                             /* subnormal: step 2^-9 */
    uint32_t p = ex == 120u ? 0x200000u : ex == 119u ? 0x400000u : ex == 118u ? 0x800000u : 0x1000000u;
    //@ assert pw: p == pow2(141 - ex);
    c = rne_div(mant, p);                              /* 0..8, 8 = min normal */
    //@ assert mag: e4m3_k(c) == c;
    //@ assert rn: rne_local(e4m3_k(c) * pow2(141 - ex), mant, p, c);
  }
  if (c > 126u) c = ovf;
  return (uint8_t)(s + c);
}

uint8_t vik_e5m2_encode_bits(uint32_t b, int mode) {
  uint32_t s = b / 0x80000000u * 128u;
  uint32_t ex = b / 0x800000u % 256u, fr = b % 0x800000u;
  uint32_t ovf = mode == VIK_SAT ? 123u : 124u;        /* max or inf */
  if (ex == 255u) return (uint8_t)(s + (fr != 0u ? 126u : ovf));
  if (ex < 110u) return (uint8_t)s;                    /* |x| < 2^-17 */
  if (ex > 142u) return (uint8_t)(s + ovf);            /* |x| >= 65536 */
  uint32_t mant = fr + 0x800000u, c;
  if (ex >= 113u) {                                    /* normal: step 2^21 ulps */
    uint32_t q = rne_div(mant, 0x200000u);             /* 4..8 */
    c = (ex - 113u) * 4u + q;
    //@ assert rn: rne_local(e5m2_k(c) * pow2(e5m2_A(ex)), mant * pow2(e5m2_B(ex)), 0x200000 * pow2(e5m2_B(ex)), c);
  } else {                                             /* subnormal: step 2^-16 */
    uint32_t p = ex == 112u ? 0x400000u : ex == 111u ? 0x800000u : 0x1000000u;
    //@ assert pw: p == pow2(134 - ex);
    c = rne_div(mant, p);                              /* 0..4 */
    //@ assert mag: e5m2_k(c) == c;
    //@ assert rn: rne_local(e5m2_k(c) * pow2(134 - ex), mant, p, c);
  }
  if (c > 123u) c = ovf;
  return (uint8_t)(s + c);
}

uint8_t vik_e2m1_encode_bits(uint32_t b) {
  uint32_t s = b / 0x80000000u * 8u;
  uint32_t ex = b / 0x800000u % 256u, fr = b % 0x800000u;
  if (ex == 255u && fr != 0u) return (uint8_t)(8u - s); /* NaN: ml_dtypes gives -0 / +0 */
  if (ex < 125u) return (uint8_t)s;                    /* |x| < 0.25 */
  if (ex > 129u) return (uint8_t)(s + 7u);             /* |x| >= 8 and inf: 6 */
  uint32_t mant = fr + 0x800000u, c;
  if (ex >= 127u) {                                    /* normal: step 2^22 ulps */
    uint32_t q = rne_div(mant, 0x400000u);             /* 2..4 */
    c = (ex - 127u) * 2u + q;
    //@ assert rn: rne_local(e2m1_k(c) * pow2(149 - ex), mant, 0x400000, c);
    //@ assert top: ex == 129 && mant < 0xE00000 ==> c <= 7;   // below 7: no clamp
  } else {                                             /* subnormal: step 0.5 */
    uint32_t p = ex == 126u ? 0x800000u : 0x1000000u;
    //@ assert pw: p == pow2(149 - ex);
    c = rne_div(mant, p);
    //@ assert mag: e2m1_k(c) == c;
    //@ assert rn: rne_local(e2m1_k(c) * pow2(149 - ex), mant, p, c);
  }
  //@ assert cl: c <= 7 || (ex == 129 && mant >= 0xE00000);
  //@ assert rn: rne_local(e2m1_k(c) * pow2(149 - ex), mant, ex >= 127 ? 0x400000 : pow2(149 - ex), c);
  if (c > 7u) c = 7u;
  return (uint8_t)(s + c);
}

uint8_t vik_e8m0_encode_bits(uint32_t b) {
  uint32_t ex = b / 0x800000u % 256u, fr = b % 0x800000u;
  if (b >= 0x80000000u || ex == 255u || b == 0u) return 255u;
  if (ex == 0u) return fr <= 0x400000u ? 0u : 1u;
  uint32_t c = fr >= 0x400000u ? ex + 1u : ex;         /* tie 1.5 * 2^e goes up */
  return (uint8_t)(c > 254u ? 255u : c);
}

uint8_t vik_e8m0_floor_bits(uint32_t b) {
  uint32_t ex = b / 0x800000u % 256u;
  if (b >= 0x80000000u || ex == 255u || b == 0u) return 255u;
  return (uint8_t)ex;                                  /* subnormal: ex == 0, clamped */
}

uint8_t vik_e4m3_encode(float x, int mode) { return vik_e4m3_encode_bits(vik_f32_bits(x), mode); }
uint8_t vik_e5m2_encode(float x, int mode) { return vik_e5m2_encode_bits(vik_f32_bits(x), mode); }
uint8_t vik_e2m1_encode(float x) { return vik_e2m1_encode_bits(vik_f32_bits(x)); }
uint8_t vik_e8m0_encode(float x) { return vik_e8m0_encode_bits(vik_f32_bits(x)); }
uint8_t vik_e8m0_floor(float x) { return vik_e8m0_floor_bits(vik_f32_bits(x)); }
