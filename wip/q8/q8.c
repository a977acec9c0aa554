/* vik int8 activations and the exact-block products (see q8.h). */
#include "q8.h"
#include "float_logic.h"
#include "linear_logic.h"

/* 2^k for 0 <= k <= 7, a constant per case. */
/*@ requires k: k <= 7;
    assigns \nothing;
    ensures v: \result == pow2(k);
*/
static uint32_t pow2_small(uint32_t k) {
  return k == 0u ? 1u : k == 1u ? 2u : k == 2u ? 4u : k == 3u ? 8u :
         k == 4u ? 16u : k == 5u ? 32u : k == 6u ? 64u : 128u;
}

int32_t vik_q8_round_bits(uint32_t v) {
  uint32_t e = v / 0x800000u % 256u;
  int32_t r;
  if (e < 126u) {
    r = 0;                                   /* |v| < 1/2 */
  } else if (e > 133u) {
    r = 127;                                 /* |v| >= 256 (or inf, NaN): clamped */
  } else {
    /* x2 = m 2^(e-126) < 2^31: |v| = x2 2^-24, so the integer part is x2 / 2^24 */
    uint32_t x2 = (v % 0x800000u + 0x800000u) * pow2_small(e - 126u);
    uint32_t iq = x2 / 0x1000000u, rem = x2 % 0x1000000u;
    if (rem > 0x800000u || (rem == 0x800000u && iq % 2u == 1u)) iq++;
    if (iq > 127u) iq = 127u;
    r = (int32_t)iq;
  }
  return v >= 0x80000000u ? -r : r;
}

/* One block: bits of x[0..31] into xb. */
/*@ requires valid_x: \valid_read(x + (0 .. VIK_Q8_BLOCK - 1));
    requires valid_xb: \valid(xb + (0 .. VIK_Q8_BLOCK - 1));
    requires sep: \separated(xb + (0 .. VIK_Q8_BLOCK - 1), x + (0 .. VIK_Q8_BLOCK - 1));
    assigns xb[0 .. VIK_Q8_BLOCK - 1];
*/
static void q8_bits(const float *x, uint32_t *xb) {
  /*@ loop invariant bounds: 0 <= i <= VIK_Q8_BLOCK;
      loop assigns i, xb[0 .. VIK_Q8_BLOCK - 1];
      loop variant VIK_Q8_BLOCK - i;
  */
  for (uint32_t i = 0u; i < VIK_Q8_BLOCK; i++) xb[i] = vik_f32_bits(x[i]);
}

void vik_q8_quantize(const float *x, uint32_t n, int8_t *q, uint8_t *s) {
  uint32_t xb[VIK_Q8_BLOCK];
  /*@ loop invariant bounds: 0 <= blk <= n / VIK_Q8_BLOCK;
      loop invariant q: \forall integer i; 0 <= i < blk * VIK_Q8_BLOCK ==> -127 <= q[i] <= 127;
      loop assigns blk, xb[0 .. VIK_Q8_BLOCK - 1], q[0 .. n - 1], s[0 .. n / VIK_Q8_BLOCK - 1];
      loop variant n / VIK_Q8_BLOCK - blk;
  */
  for (uint32_t blk = 0u; blk < n / VIK_Q8_BLOCK; blk++) {
    q8_bits(x + blk * VIK_Q8_BLOCK, xb);
    uint8_t sc = vik_mx_scale_bits(xb, VIK_Q8_EMAX);
    s[blk] = sc;
    //@ assert fin: sc != 255 ==> \forall integer j; 0 <= j < VIK_Q8_BLOCK ==> f32_exp(xb[j]) != 255;
    /*@ loop invariant bounds: 0 <= j <= VIK_Q8_BLOCK;
        loop invariant q: \forall integer i; 0 <= i < blk * VIK_Q8_BLOCK + j ==> -127 <= q[i] <= 127;
        loop assigns j, q[blk * VIK_Q8_BLOCK .. blk * VIK_Q8_BLOCK + VIK_Q8_BLOCK - 1];
        loop variant VIK_Q8_BLOCK - j;
    */
    for (uint32_t j = 0u; j < VIK_Q8_BLOCK; j++)
      q[blk * VIK_Q8_BLOCK + j] =
          (int8_t)(sc == 255u ? 0 : vik_q8_round_bits(vik_mx_div_scale_bits(xb[j], sc)));
  }
}

/* 2 e2m1(c) for a 4-bit code: an integer in [-12, 12] (0 1 2 3 4 6 8 12 and
   their negatives), by selects that gcc vectorises (no table). */
/*@ requires c: c <= 15;
    assigns \nothing;
    ensures range: -12 <= \result <= 12;
*/
static int32_t e2m1x2(uint32_t c) {
  int32_t m = (int32_t)(c % 8u);
  int32_t v = m < 4 ? m : m < 6 ? (m - 2) * 2 : (m - 4) * 4;
  return c >= 8u ? -v : v;
}

/* sum_i 2 e2m1(c_i) q_i over h bytes of codes (2h elements), exact in int32.
   The weights are decoded into an int8 buffer first: both loops then
   vectorise with gcc (one loop doing both did not: mixed widths). */
/*@ requires h: h <= 16;
    requires valid_c: \valid_read(c + (0 .. h - 1));
    requires valid_q: \valid_read(q + (0 .. 2 * h - 1));
    requires q: \forall integer i; 0 <= i < 2 * h ==> -127 <= q[i] <= 127;
    assigns \nothing;
    ensures range: \abs(\result) <= h * 3048;
*/
static int32_t q8_sum(const uint8_t *c, const int8_t *q, uint32_t h) {
  int8_t w[2 * 16];
  int32_t s = 0;
  uint32_t i;
  /*@ loop invariant bounds: 0 <= i <= h;
      loop invariant w: \forall integer j; 0 <= j < 2 * i ==> -12 <= w[j] <= 12;
      loop assigns i, w[0 .. 31];
      loop variant h - i;
  */
  for (i = 0u; i < h; i++) {
    w[2u * i] = (int8_t)e2m1x2(c[i] % 16u);
    w[2u * i + 1u] = (int8_t)e2m1x2(c[i] / 16u);
  }
  /*@ loop invariant bounds: 0 <= i <= 2 * h;
      loop invariant range: \abs(s) <= i * 1524;
      loop assigns i, s;
      loop variant 2 * h - i;
  */
  for (i = 0u; i < 2u * h; i++) s += w[i] * q[i];
  return s;
}

/* An exact block sum as a float. */
/*@ requires s: -48768 <= s <= 48768;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p16;
*/
static float q8_f32(int32_t s) { return (float)s; }

/* A half-block's (16 elements') exact sum as a float. */
/*@ requires s: -24384 <= s <= 24384;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p15;
*/
static float q8_f32h(int32_t s) { return (float)s; }

/* An MXFP4 block's value: S 2^(sw-127) 2^(sx-127) / 2 (exact products by
   powers of two unless subnormal). */
/*@ requires f: \is_finite(f) && \abs(f) <= 0x1p16;
    requires ws: \is_finite(ws) && 0.0 < ws <= 0x1p17;
    requires xs: \is_finite(xs) && 0.0 < xs <= 0x1p14;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p46;
*/
static float q8_scale(float f, float ws, float xs) { return f * ws * xs * 0.5f; }

/* An NVFP4 half-block's value: S16 d 2^(sx-127) / 2. */
/*@ requires f: \is_finite(f) && \abs(f) <= 0x1p15;
    requires d: \is_finite(d) && \abs(d) <= 0x1p17;
    requires xs: \is_finite(xs) && 0.0 < xs <= 0x1p14;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p45;
*/
static float q8_nvhalf(float f, float d, float xs) { return f * d * xs * 0.5f; }

/*@ requires a: \is_finite(a) && \abs(a) <= 0x1p45;
    requires b: \is_finite(b) && \abs(b) <= 0x1p45;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p46;
*/
static float q8_pair(float a, float b) { return a + b; }

/* e4m3(s) g, the NVFP4 block's d (as the dequantizer computes it). */
/*@ requires bv: \is_finite(v) && \abs(v) <= 448.0;
    requires bg: \is_finite(g) && 0.0 <= g <= VIK_NVFP4_DOT_GMAX;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p17;
*/
static float q8_nvd(float v, float g) { return v * g; }

/* The running sum after k blocks: at most k (2^46 + 2^33), 2^33 being half
   an ulp at 2^57, the largest the sum reaches (2048 blocks). */
/*@ requires k: 0 <= k <= 2047;
    requires a: \is_finite(a) && \abs(a) <= k * (0x1p46 + 0x1p33);
    requires v: \is_finite(v) && \abs(v) <= 0x1p46;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= (k + 1) * (0x1p46 + 0x1p33);
*/
static float q8_add(float a, float v, uint32_t k) {
  (void)k;                                 /* only the contract uses it */
  //@ assert ba: \abs(a) <= 0x1p57;
  float s = a + v;
  //@ assert err: \abs(rsub(s, a + v)) <= 0x1p33;
  //@ assert err2: \abs(s - (a + v)) <= 0x1p33;
  return s;
}

float vik_dot_mxfp4_q8(const uint8_t *codes, const uint8_t *scales, const int8_t *q, const uint8_t *qs,
                       uint32_t n) {
  float acc = 0.0f;
  uint32_t nb = n / VIK_Q8_BLOCK;
  /*@ loop invariant bounds: 0 <= b <= nb;
      loop invariant acc: \is_finite(acc) && \abs(acc) <= b * (0x1p46 + 0x1p33);
      loop assigns b, acc;
      loop variant nb - b;
  */
  for (uint32_t b = 0u; b < nb; b++) {
    //@ assert qrow: \forall integer i; 0 <= i < 32 ==> -127 <= q[b * 32 + i] <= 127;
    int32_t sum = q8_sum(codes + b * 16u, q + b * 32u, 16u);
    float ws = vik_e8m0_decode(scales[b]), xs = vik_e8m0_decode(qs[b]);
    //@ assert bws: \is_finite(ws) && 0.0 < ws <= 0x1p17;
    //@ assert bxs: \is_finite(xs) && 0.0 < xs <= 0x1p14;
    acc = q8_add(acc, q8_scale(q8_f32(sum), ws, xs), b);
  }
  return acc;
}

float vik_dot_nvfp4_q8(const uint8_t *codes, const uint8_t *scales, float g, const int8_t *q,
                       const uint8_t *qs, uint32_t n) {
  float acc = 0.0f;
  uint32_t nb = n / VIK_Q8_BLOCK;
  /*@ loop invariant bounds: 0 <= b <= nb;
      loop invariant acc: \is_finite(acc) && \abs(acc) <= b * (0x1p46 + 0x1p33);
      loop assigns b, acc;
      loop variant nb - b;
  */
  for (uint32_t b = 0u; b < nb; b++) {
    //@ assert qrow: \forall integer i; 0 <= i < 32 ==> -127 <= q[b * 32 + i] <= 127;
    int32_t s0 = q8_sum(codes + b * 16u, q + b * 32u, 8u);
    int32_t s1 = q8_sum(codes + b * 16u + 8u, q + b * 32u + 16u, 8u);
    float v0 = vik_e4m3_decode(scales[2u * b]), v1 = vik_e4m3_decode(scales[2u * b + 1u]);
    //@ assert bv: \is_finite(v0) && \abs(v0) <= 448.0 && \is_finite(v1) && \abs(v1) <= 448.0;
    float xs = vik_e8m0_decode(qs[b]);
    //@ assert bxs: \is_finite(xs) && 0.0 < xs <= 0x1p14;
    float h0 = q8_nvhalf(q8_f32h(s0), q8_nvd(v0, g), xs), h1 = q8_nvhalf(q8_f32h(s1), q8_nvd(v1, g), xs);
    acc = q8_add(acc, q8_pair(h0, h1), b);
  }
  return acc;
}

void vik_matmul_mxfp4_q8(float *y, const int8_t *q, const uint8_t *qs, const uint8_t *codes,
                         const uint8_t *scales, uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1) {
  uint32_t nc = n / 2u, ns = n / VIK_MX_BLOCK;
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop assigns o, y[0 .. T * m - 1];
      loop variant o1 - o;
  */
  for (uint32_t o = o0; o < o1; o++) {
    //@ assert sspan: 0 <= o * ns && o * ns + ns <= m * ns;
    //@ assert srow: \forall integer k; 0 <= k < ns ==> scales[o * ns + k] <= VIK_MXFP4_DOT_SMAX;
    //@ assert coff: 0 <= o * nc && o * nc + nc <= m * nc;
    /*@ loop invariant bounds: 0 <= t <= T;
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert qspan: 0 <= t * n && t * n + n <= T * n;
      //@ assert qrow: \forall integer k; 0 <= k < n ==> -127 <= q[t * n + k] <= 127;
      //@ assert xspan: 0 <= t * ns && t * ns + ns <= T * ns;
      //@ assert xrow: \forall integer k; 0 <= k < ns ==> qs[t * ns + k] <= VIK_Q8_SMAX;
      //@ assert in: 0 <= t * m + o < T * m;
      y[t * m + o] = vik_dot_mxfp4_q8(codes + o * nc, scales + o * ns, q + t * n, qs + t * ns, n);
    }
  }
}

void vik_matmul_nvfp4_q8(float *y, const int8_t *q, const uint8_t *qs, const uint8_t *codes,
                         const uint8_t *scales, float g, uint32_t T, uint32_t n, uint32_t m, uint32_t o0,
                         uint32_t o1) {
  uint32_t nc = n / 2u, ns = n / VIK_NV_BLOCK_DOT, nq = n / VIK_Q8_BLOCK;
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop assigns o, y[0 .. T * m - 1];
      loop variant o1 - o;
  */
  for (uint32_t o = o0; o < o1; o++) {
    //@ assert sspan: 0 <= o * ns && o * ns + ns <= m * ns;
    //@ assert srow: \forall integer k; 0 <= k < ns ==> scales[o * ns + k] % 128 != 127;
    //@ assert coff: 0 <= o * nc && o * nc + nc <= m * nc;
    /*@ loop invariant bounds: 0 <= t <= T;
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert qspan: 0 <= t * n && t * n + n <= T * n;
      //@ assert qrow: \forall integer k; 0 <= k < n ==> -127 <= q[t * n + k] <= 127;
      //@ assert xspan: 0 <= t * nq && t * nq + nq <= T * nq;
      //@ assert xrow: \forall integer k; 0 <= k < nq ==> qs[t * nq + k] <= VIK_Q8_SMAX;
      //@ assert in: 0 <= t * m + o < T * m;
      y[t * m + o] = vik_dot_nvfp4_q8(codes + o * nc, scales + o * ns, g, q + t * n, qs + t * nq, n);
    }
  }
}
