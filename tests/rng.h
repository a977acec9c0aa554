/* The tests' random numbers: a 64-bit LCG with a fixed seed, so every run
   checks the same inputs. Header-only (static inline). Each test program may
   pick its own seed with rnd_seed() before drawing. */
#ifndef VIK_TEST_RNG_H
#define VIK_TEST_RNG_H
#include <stdint.h>

static uint64_t rnd_state = 0x853C49E6748FEA9Bu;

static inline void rnd_seed(uint64_t s) { rnd_state = s; }

static inline uint32_t rnd(void)
{
    rnd_state = rnd_state * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(rnd_state >> 32);
}

/* A double in [1, 2) with 23 random fraction bits: exact in float32. */
static inline double mant(void)
{
    return 1.0 + (double)(rnd() >> 9) * 0x1p-23;
}
#endif
