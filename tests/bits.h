/* float32 <-> bits by memcpy, for tests, fuzz targets and oracles:
   independent of the kernels' vik_f32_bits (a union). Header-only. */
#ifndef VIK_TEST_BITS_H
#define VIK_TEST_BITS_H
#include <stdint.h>
#include <string.h>

static inline uint32_t f2u(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline float u2f(uint32_t u)
{
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

#endif
