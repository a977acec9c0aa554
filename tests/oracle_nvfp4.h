/* Independent oracles for kernels/nvfp4.c and kernels/q8.c, in plain float
   and double arithmetic (libm, the hardware division), for tests and fuzz.
   Header-only (static). */
#ifndef VIK_ORACLE_NVFP4_H
#define VIK_ORACLE_NVFP4_H
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "formats.h"

/* The NVFP4 recipe of shared/reference/README.md in float32 (g = 0: scale
   and codes 0, vik's documented choice); returns g. */
static inline float oracle_nvfp4(const float *x, uint32_t n, uint8_t *codes, uint8_t *scales, float *y)
{
    float amax = 0.0f;
    for (uint32_t i = 0; i < n; i++) amax = fabsf(x[i]) > amax ? fabsf(x[i]) : amax;
    float g = amax / (6.0f * 448.0f);
    memset(codes, 0, n / 2);
    for (uint32_t b = 0; b < n / 16; b++) {
        float m = 0.0f;
        for (int j = 0; j < 16; j++) m = fabsf(x[b * 16 + j]) > m ? fabsf(x[b * 16 + j]) : m;
        uint8_t s = g == 0.0f ? 0 : vik_e4m3_encode(m / 6.0f / g, VIK_SAT);
        float d = vik_e4m3_decode(s) * g;
        scales[b] = s;
        for (int j = 0; j < 16; j++) {
            uint32_t i = b * 16 + j;
            uint8_t c = d == 0.0f ? 0 : vik_e2m1_encode(x[i] / d);
            codes[i / 2] |= (uint8_t)(i % 2 ? c << 4 : c);
            y[i] = vik_e2m1_decode(c) * d;
        }
    }
    return g;
}

/* q8 of one finite element for a block scale code s: x / 2^(s-127) (exact in
   double), rint (ties to even), clamped to [-127, 127]. */
static inline int oracle_q8(float x, unsigned s)
{
    double v = nearbyint(ldexp((double)x, 127 - (int)s));
    return v > 127.0 ? 127 : v < -127.0 ? -127 : (int)v;
}
#endif
