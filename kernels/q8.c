/* vik int8 activations and the exact-block products (see q8.h). */
#include "q8.h"
#include "e2m1.h"
#include "float_logic.h"
#include "linear_logic.h"

int vik_q8_scales_ok(const uint8_t *qs, uint32_t nb) {
  /*@ loop invariant bounds: 0 <= i <= nb;
      loop invariant ok: \forall integer j; 0 <= j < i ==> qs[j] <= VIK_Q8_SMAX;
      loop assigns i;
      loop variant nb - i;
  */
  for (uint32_t i = 0u; i < nb; i++)
    if (qs[i] > VIK_Q8_SMAX) return 0;
  return 1;
}

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

#define Q8_CHUNK 8u   /* blocks of 32 per chunk: 256 weights, decoded at once */

/* S[b] = sum_l w[len b + l] q[len b + l] for b < nblk: exact int32 sums of
   the decoded weights (2v, |2v| <= 12) times the int8 activations. gcc
   vectorises the inner loop (integer sums may be reordered: the result is
   the same integer). */
/*@ requires len: len == 16 || len == 32;
    requires nblk: nblk <= 2 * Q8_CHUNK && len * nblk <= 32 * Q8_CHUNK;
    requires valid_s: \valid(S + (0 .. nblk - 1));
    requires valid_w: \valid_read(w + (0 .. len * nblk - 1));
    requires valid_q: \valid_read(q + (0 .. len * nblk - 1));
    requires sep: \separated(S + (0 .. nblk - 1), w + (0 .. len * nblk - 1), q + (0 .. len * nblk - 1));
    requires bw: \forall integer j; 0 <= j < len * nblk ==> -12 <= w[j] <= 12;
    requires bq: \forall integer j; 0 <= j < len * nblk ==> -127 <= q[j] <= 127;
    assigns S[0 .. nblk - 1];
    ensures bs: \forall integer b; 0 <= b < nblk ==> -len * 1524 <= S[b] <= len * 1524;
*/
static inline void block_sums(int32_t *S, const int8_t *w, const int8_t *q, uint32_t len, uint32_t nblk) {
  /*@ loop invariant bounds: 0 <= b <= nblk;
      loop invariant bs: \forall integer j; 0 <= j < b ==> -len * 1524 <= S[j] <= len * 1524;
      loop assigns b, S[0 .. nblk - 1];
      loop variant nblk - b;
  */
  for (uint32_t b = 0u; b < nblk; b++) {
    int32_t sum = 0;
    //@ assert span: len * b + len <= len * nblk;
    /*@ loop invariant bounds: 0 <= l <= len;
        loop invariant range: -l * 1524 <= sum <= l * 1524;
        loop assigns l, sum;
        loop variant len - l;
    */
    /* w[0 .. len nblk - 1] is set by the caller's e2m1_codes (contract bw; the
       analyzer does not follow the count across the calls) */
    for (uint32_t l = 0u; l < len; l++) sum += w[len * b + l] * q[len * b + l];  // NOLINT(clang-analyzer-core.UndefinedBinaryOperatorResult)
    S[b] = sum;
  }
}

/* An exact block sum as a float. */
/*@ requires s: -48768 <= s <= 48768;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p16;
*/
static float q8_f32(int32_t s) { return (float)s; }

/* An MXFP4 block's value: S 2^(sw-127) 2^(sx-127) / 2 (exact products by
   powers of two unless subnormal). */
/*@ requires f: \is_finite(f) && \abs(f) <= 0x1p16;
    requires ws: \is_finite(ws) && 0.0 < ws <= 0x1p17;
    requires xs: \is_finite(xs) && 0.0 < xs <= 0x1p14;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p46;
*/
static float q8_scale(float f, float ws, float xs) { return f * ws * xs * 0.5f; }

/* An NVFP4 half-block's value: S16 d 2^(sx-127) / 2. |S16| <= 24384, but
   the conversion is taken with q8_f32's 2^16: CVC5 proved a 2^15 bound for
   it in 38 s (one goal timed out at 40 s), 2^16 in 10 s. */
/*@ requires f: \is_finite(f) && \abs(f) <= 0x1p16;
    requires d: \is_finite(d) && \abs(d) <= 114688.0;
    requires xs: \is_finite(xs) && 0.0 < xs <= 0x1p14;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1.cp45;
*/
static float q8_nvhalf(float f, float d, float xs) { return f * d * xs * 0.5f; }

/*@ requires a: \is_finite(a) && \abs(a) <= 0x1.cp45;
    requires b: \is_finite(b) && \abs(b) <= 0x1.cp45;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 0x1p47;
*/
static float q8_pair(float a, float b) { return a + b; }

/* e4m3(s) g, the NVFP4 block's d (as the dequantizer computes it). */
/*@ requires bv: \is_finite(v) && \abs(v) <= 448.0;
    requires bg: \is_finite(g) && 0.0 <= g <= VIK_NVFP4_DOT_GMAX;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 114688.0;
*/
static float q8_nvd(float v, float g) { return v * g; }

/* The running sum after k blocks: at most k (2^47 + 2^34), 2^34 being half
   an ulp below 2^59, the most the sum reaches (2048 blocks). A block is at
   most 2^46 (MXFP4) or 2^47 (NVFP4, two halves). */
/*@ requires k: 0 <= k <= 2047;
    requires a: \is_finite(a) && \abs(a) <= k * (0x1p47 + 0x1p34);
    requires v: \is_finite(v) && \abs(v) <= 0x1p47;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= (k + 1) * (0x1p47 + 0x1p34);
*/
static float q8_add(float a, float v, uint32_t k) {
  (void)k;                                 /* only the contract uses it */
  //@ assert ba: \abs(a) <= 0x1p58;
  float s = a + v;
  //@ assert err: \abs(rsub(s, a + v)) <= 0x1p34;
  //@ assert err2: \abs(s - (a + v)) <= 0x1p34;
  return s;
}

/* The scale decoders' bounds, each proved once in a small context (as
   asserts inside the block loops they took 15-51 s of CVC5 each). */
/*@ requires c: c <= VIK_MXFP4_DOT_SMAX;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0.0 < \result <= 0x1p17;
*/
static float w_scale(uint8_t c) { return vik_e8m0_decode(c); }

/*@ requires c: c <= VIK_Q8_SMAX;
    assigns \nothing;
    ensures fin: \is_finite(\result) && 0.0 < \result <= 0x1p14;
*/
static float x_scale(uint8_t c) { return vik_e8m0_decode(c); }

/*@ requires c: c % 128 != 127;
    assigns \nothing;
    ensures fin: \is_finite(\result) && \abs(\result) <= 448.0;
*/
static float nv_scale(uint8_t c) { return vik_e4m3_decode(c); }

/* Blocks b0 .. b0 + nblk - 1 of an MXFP4 row against q8 activations, added
   to acc in block order (w and S are scratch). */
/*@ requires nblk: 1 <= nblk <= Q8_CHUNK;
    requires b0: b0 + nblk <= 2048;
    requires valid_w: \valid(w + (0 .. 32 * Q8_CHUNK - 1));
    requires valid_s: \valid(S + (0 .. 2 * Q8_CHUNK - 1));
    requires valid_ck: \valid_read(ck + (0 .. 16 * nblk - 1));
    requires valid_sk: \valid_read(sk + (0 .. nblk - 1));
    requires valid_q: \valid_read(q + (0 .. 32 * nblk - 1));
    requires valid_qs: \valid_read(qs + (0 .. nblk - 1));
    requires sep: \separated(w + (0 .. 32 * Q8_CHUNK - 1), S + (0 .. 2 * Q8_CHUNK - 1));
    // the scratch is apart from each input; the inputs may alias one another
    requires sep_ck: \separated(ck + (0 .. 16 * nblk - 1), w + (0 .. 32 * Q8_CHUNK - 1), S + (0 .. 2 * Q8_CHUNK - 1));
    requires sep_q: \separated(q + (0 .. 32 * nblk - 1), w + (0 .. 32 * Q8_CHUNK - 1), S + (0 .. 2 * Q8_CHUNK - 1));
    requires sep_sk: \separated(sk + (0 .. nblk - 1), w + (0 .. 32 * Q8_CHUNK - 1), S + (0 .. 2 * Q8_CHUNK - 1));
    requires sep_qs: \separated(qs + (0 .. nblk - 1), w + (0 .. 32 * Q8_CHUNK - 1), S + (0 .. 2 * Q8_CHUNK - 1));
    requires scales: \forall integer i; 0 <= i < nblk ==> sk[i] <= VIK_MXFP4_DOT_SMAX;
    requires qs: \forall integer i; 0 <= i < nblk ==> qs[i] <= VIK_Q8_SMAX;
    requires q: \forall integer i; 0 <= i < 32 * nblk ==> -127 <= q[i] <= 127;
    requires acc: \is_finite(acc) && \abs(acc) <= b0 * (0x1p47 + 0x1p34);
    assigns w[0 .. 32 * Q8_CHUNK - 1], S[0 .. 2 * Q8_CHUNK - 1];
    ensures acc: \is_finite(\result) && \abs(\result) <= (b0 + nblk) * (0x1p47 + 0x1p34);
*/
static inline float mxfp4_q8_blocks(float acc, int8_t *w, int32_t *S, const uint8_t *ck, const uint8_t *sk,
                                    const int8_t *q, const uint8_t *qs, uint32_t nblk, uint32_t b0) {
  e2m1_codes(w, ck, 16u * nblk);
  block_sums(S, w, q, 32u, nblk);
  /*@ loop invariant bounds: 0 <= b <= nblk;
      loop invariant acc: \is_finite(acc) && \abs(acc) <= (b0 + b) * (0x1p47 + 0x1p34);
      loop assigns b, acc;
      loop variant nblk - b;
  */
  for (uint32_t b = 0u; b < nblk; b++) {
    float ws = w_scale(sk[b]), xs = x_scale(qs[b]);
    acc = q8_add(acc, q8_scale(q8_f32(S[b]), ws, xs), b0 + b);
  }
  return acc;
}

float vik_dot_mxfp4_q8(const uint8_t *codes, const uint8_t *scales, const int8_t *q, const uint8_t *qs,
                       uint32_t n) {
  int8_t w[32u * Q8_CHUNK];
  int32_t S[2u * Q8_CHUNK];
  float acc = 0.0f;
  uint32_t nb = n / VIK_Q8_BLOCK, nc = nb / Q8_CHUNK, rest = nb % Q8_CHUNK, c;
  /*@ loop invariant bounds: 0 <= c <= nc;
      loop invariant acc: \is_finite(acc) && \abs(acc) <= Q8_CHUNK * c * (0x1p47 + 0x1p34);
      loop assigns c, acc, w[0 .. 32 * Q8_CHUNK - 1], S[0 .. 2 * Q8_CHUNK - 1];
      loop variant nc - c;
  */
  for (c = 0u; c < nc; c++) {
    uint32_t b0 = Q8_CHUNK * c;
    acc = mxfp4_q8_blocks(acc, w, S, codes + 16u * b0, scales + b0, q + 32u * b0, qs + b0, Q8_CHUNK, b0);
  }
  if (rest > 0u) {
    uint32_t b0 = Q8_CHUNK * nc;
    acc = mxfp4_q8_blocks(acc, w, S, codes + 16u * b0, scales + b0, q + 32u * b0, qs + b0, rest, b0);
  }
  return acc;
}

/* Blocks b0 .. b0 + nblk - 1 (of 32) of an NVFP4 row, two scales of 16 each. */
/*@ requires nblk: 1 <= nblk <= Q8_CHUNK;
    requires b0: b0 + nblk <= 2048;
    requires valid_w: \valid(w + (0 .. 32 * Q8_CHUNK - 1));
    requires valid_s: \valid(S + (0 .. 2 * Q8_CHUNK - 1));
    requires valid_ck: \valid_read(ck + (0 .. 16 * nblk - 1));
    requires valid_sk: \valid_read(sk + (0 .. 2 * nblk - 1));
    requires valid_q: \valid_read(q + (0 .. 32 * nblk - 1));
    requires valid_qs: \valid_read(qs + (0 .. nblk - 1));
    requires sep: \separated(w + (0 .. 32 * Q8_CHUNK - 1), S + (0 .. 2 * Q8_CHUNK - 1));
    // the scratch is apart from each input; the inputs may alias one another
    requires sep_ck: \separated(ck + (0 .. 16 * nblk - 1), w + (0 .. 32 * Q8_CHUNK - 1), S + (0 .. 2 * Q8_CHUNK - 1));
    requires sep_q: \separated(q + (0 .. 32 * nblk - 1), w + (0 .. 32 * Q8_CHUNK - 1), S + (0 .. 2 * Q8_CHUNK - 1));
    requires sep_sk: \separated(sk + (0 .. 2 * nblk - 1), w + (0 .. 32 * Q8_CHUNK - 1), S + (0 .. 2 * Q8_CHUNK - 1));
    requires sep_qs: \separated(qs + (0 .. nblk - 1), w + (0 .. 32 * Q8_CHUNK - 1), S + (0 .. 2 * Q8_CHUNK - 1));
    requires scales: \forall integer i; 0 <= i < 2 * nblk ==> sk[i] % 128 != 127;
    requires g: \is_finite(g) && 0.0 <= g <= VIK_NVFP4_DOT_GMAX;
    requires qs: \forall integer i; 0 <= i < nblk ==> qs[i] <= VIK_Q8_SMAX;
    requires q: \forall integer i; 0 <= i < 32 * nblk ==> -127 <= q[i] <= 127;
    requires acc: \is_finite(acc) && \abs(acc) <= b0 * (0x1p47 + 0x1p34);
    assigns w[0 .. 32 * Q8_CHUNK - 1], S[0 .. 2 * Q8_CHUNK - 1];
    ensures acc: \is_finite(\result) && \abs(\result) <= (b0 + nblk) * (0x1p47 + 0x1p34);
*/
static inline float nvfp4_q8_blocks(float acc, int8_t *w, int32_t *S, const uint8_t *ck, const uint8_t *sk,
                                    float g, const int8_t *q, const uint8_t *qs, uint32_t nblk, uint32_t b0) {
  e2m1_codes(w, ck, 16u * nblk);
  block_sums(S, w, q, 16u, 2u * nblk);
  /*@ loop invariant bounds: 0 <= b <= nblk;
      loop invariant acc: \is_finite(acc) && \abs(acc) <= (b0 + b) * (0x1p47 + 0x1p34);
      loop assigns b, acc;
      loop variant nblk - b;
  */
  for (uint32_t b = 0u; b < nblk; b++) {
    float v0 = nv_scale(sk[2u * b]), v1 = nv_scale(sk[2u * b + 1u]), xs = x_scale(qs[b]);
    /* S[0 .. 2 nblk - 1] is set by block_sums above (its contract; the
       analyzer does not follow the count 2 nblk into the callee) */
    float h0 = q8_nvhalf(q8_f32(S[2u * b]), q8_nvd(v0, g), xs);         // NOLINT(clang-analyzer-core.CallAndMessage)
    float h1 = q8_nvhalf(q8_f32(S[2u * b + 1u]), q8_nvd(v1, g), xs);    // NOLINT(clang-analyzer-core.CallAndMessage)
    acc = q8_add(acc, q8_pair(h0, h1), b0 + b);
  }
  return acc;
}

float vik_dot_nvfp4_q8(const uint8_t *codes, const uint8_t *scales, float g, const int8_t *q,
                       const uint8_t *qs, uint32_t n) {
  int8_t w[32u * Q8_CHUNK];
  int32_t S[2u * Q8_CHUNK];
  float acc = 0.0f;
  uint32_t nb = n / VIK_Q8_BLOCK, nc = nb / Q8_CHUNK, rest = nb % Q8_CHUNK, c;
  /*@ loop invariant bounds: 0 <= c <= nc;
      loop invariant acc: \is_finite(acc) && \abs(acc) <= Q8_CHUNK * c * (0x1p47 + 0x1p34);
      loop assigns c, acc, w[0 .. 32 * Q8_CHUNK - 1], S[0 .. 2 * Q8_CHUNK - 1];
      loop variant nc - c;
  */
  for (c = 0u; c < nc; c++) {
    uint32_t b0 = Q8_CHUNK * c;
    acc = nvfp4_q8_blocks(acc, w, S, codes + 16u * b0, scales + 2u * b0, g, q + 32u * b0, qs + b0,
                          Q8_CHUNK, b0);
  }
  if (rest > 0u) {
    uint32_t b0 = Q8_CHUNK * nc;
    acc = nvfp4_q8_blocks(acc, w, S, codes + 16u * b0, scales + 2u * b0, g, q + 32u * b0, qs + b0, rest, b0);
  }
  return acc;
}

/* The outputs of rows o0 .. o - 1 and those of row o make those of rows
   o0 .. o: a ghost lemma, in a context of its own (linear.c's rows_next at
   this file's bound, 2^59) */
/*@ ghost
  /@ requires done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                      \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p59;
     requires col: \forall integer t2, o2; 0 <= t2 < T && o <= o2 < o + 1 ==>
                     \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p59;
     assigns \nothing;
     ensures next: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o + 1 ==>
                     \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p59;
  @/
  static void q8_rows_next(float *y, uint32_t T, uint32_t m, uint32_t o0, uint32_t o) { }
*/

void vik_matmul_mxfp4_q8(float *y, const int8_t *q, const uint8_t *qs, const uint8_t *codes,
                         const uint8_t *scales, uint32_t T, uint32_t n, uint32_t m, uint32_t o0, uint32_t o1) {
  uint32_t nc = n / 2u, ns = n / VIK_MX_BLOCK;
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop invariant done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                             \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p59;
      loop assigns o, y[0 .. T * m - 1];
      loop variant o1 - o;
  */
  for (uint32_t o = o0; o < o1; o++) {
    //@ assert sspan: 0 <= o * ns && o * ns + ns <= m * ns;
    //@ assert srow: \forall integer k; 0 <= k < ns ==> scales[o * ns + k] <= VIK_MXFP4_DOT_SMAX;
    //@ assert coff: 0 <= o * nc && o * nc + nc <= m * nc;
    /*@ loop invariant bounds: 0 <= t <= T;
        loop invariant done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                               \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p59;
        loop invariant col: \forall integer t2, o2; 0 <= t2 < t && o <= o2 < o + 1 ==>
                              \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p59;
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert qspan: 0 <= t * n && t * n + n <= T * n;
      //@ assert qrow: \forall integer k; 0 <= k < n ==> -127 <= q[t * n + k] <= 127;
      //@ assert xspan: 0 <= t * ns && t * ns + ns <= T * ns;
      //@ assert xrow: \forall integer k; 0 <= k < ns ==> qs[t * ns + k] <= VIK_Q8_SMAX;
      //@ assert in: 0 <= t * m + o < T * m;
      uint32_t yi = t * m + o;
      //@ assert yi: yi == t * m + o && yi == cell(t, m, o);
      //@ assert apart: \forall integer t2, o2; 0 <= o2 < o ==> cell(t2, m, o2) != cell(t, m, o);
      //@ assert apart_col: \forall integer t2, o2; t2 != t && o2 == o ==> cell(t2, m, o2) != cell(t, m, o);
      y[yi] = vik_dot_mxfp4_q8(codes + o * nc, scales + o * ns, q + t * n, qs + t * ns, n);
    }
    //@ ghost q8_rows_next(y, T, m, o0, o);
  }
}

void vik_matmul_nvfp4_q8(float *y, const int8_t *q, const uint8_t *qs, const uint8_t *codes,
                         const uint8_t *scales, float g, uint32_t T, uint32_t n, uint32_t m, uint32_t o0,
                         uint32_t o1) {
  uint32_t nc = n / 2u, ns = n / VIK_NV_BLOCK_DOT, nq = n / VIK_Q8_BLOCK;
  /*@ loop invariant bounds: o0 <= o <= o1;
      loop invariant done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                             \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p59;
      loop assigns o, y[0 .. T * m - 1];
      loop variant o1 - o;
  */
  for (uint32_t o = o0; o < o1; o++) {
    //@ assert sspan: 0 <= o * ns && o * ns + ns <= m * ns;
    //@ assert srow: \forall integer k; 0 <= k < ns ==> scales[o * ns + k] % 128 != 127;
    //@ assert coff: 0 <= o * nc && o * nc + nc <= m * nc;
    /*@ loop invariant bounds: 0 <= t <= T;
        loop invariant done: \forall integer t2, o2; 0 <= t2 < T && o0 <= o2 < o ==>
                               \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p59;
        loop invariant col: \forall integer t2, o2; 0 <= t2 < t && o <= o2 < o + 1 ==>
                              \is_finite(y[cell(t2, m, o2)]) && \abs(y[cell(t2, m, o2)]) <= 0x1p59;
        loop assigns t, y[0 .. T * m - 1];
        loop variant T - t;
    */
    for (uint32_t t = 0u; t < T; t++) {
      //@ assert qspan: 0 <= t * n && t * n + n <= T * n;
      //@ assert qrow: \forall integer k; 0 <= k < n ==> -127 <= q[t * n + k] <= 127;
      //@ assert xspan: 0 <= t * nq && t * nq + nq <= T * nq;
      //@ assert xrow: \forall integer k; 0 <= k < nq ==> qs[t * nq + k] <= VIK_Q8_SMAX;
      //@ assert in: 0 <= t * m + o < T * m;
      uint32_t yi = t * m + o;
      //@ assert yi: yi == t * m + o && yi == cell(t, m, o);
      //@ assert apart: \forall integer t2, o2; 0 <= o2 < o ==> cell(t2, m, o2) != cell(t, m, o);
      //@ assert apart_col: \forall integer t2, o2; t2 != t && o2 == o ==> cell(t2, m, o2) != cell(t, m, o);
      y[yi] = vik_dot_nvfp4_q8(codes + o * nc, scales + o * ns, g, q + t * n, qs + t * nq, n);
    }
    //@ ghost q8_rows_next(y, T, m, o0, o);
  }
}
