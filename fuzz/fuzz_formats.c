/* libFuzzer target, differential: the number-format codecs (kernels/formats.c)
   against the brute-force oracle of tests/oracle_formats.h (first-principles
   value tables, nearest value by exact midpoints, ties to even, the
   documented NaN/inf/saturation rules), the same oracle as the exhaustive
   test. The input is read as little-endian float32 bit patterns (a trailing
   partial word is zero-padded); each goes through every encoder, float and
   _bits API, E4M3/E5M2 in VIK_NONSAT and VIK_SAT, E2M1, E8M0 encode and the
   E8M0 floor rule. Every input byte is also decoded as a code of each format
   (E2M1: its low nibble) and compared bit for bit. At start-up all 256 codes
   of each decoder are checked once. Any mismatch prints the input and aborts
   (a crash for libFuzzer). */
#include "formats.h"
#include "oracle_formats.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>


static const char *const NAMES[NT] = {
    "e4m3_encode VIK_NONSAT", "e4m3_encode VIK_SAT", "e5m2_encode VIK_NONSAT",
    "e5m2_encode VIK_SAT", "e2m1_encode", "e8m0_encode", "e8m0_floor",
};

static void mismatch(const char *what, const char *api, uint32_t in, unsigned want,
                     unsigned got)
{
    fprintf(stderr, "fuzz_formats: %s (%s) on 0x%08X (%.9g): expected 0x%02X, got 0x%02X\n",
            what, api, (unsigned)in, (double)u2f(in), want, got);
    abort();
}

static void check_decode(const char *what, int fmt, int c, float (*decode)(uint8_t))
{
    uint32_t want = oracle_decode(fmt, c), got = f2u(decode((uint8_t)c));
    if (got != want) {
        fprintf(stderr, "fuzz_formats: %s of code 0x%02X: expected 0x%08X, got 0x%08X\n",
                what, c, (unsigned)want, (unsigned)got);
        abort();
    }
}

static void check_code(int c)
{
    check_decode("e4m3_decode", D_E4M3, c, vik_e4m3_decode);
    check_decode("e5m2_decode", D_E5M2, c, vik_e5m2_decode);
    check_decode("e2m1_decode", D_E2M1, c & 15, vik_e2m1_decode);
    check_decode("e8m0_decode", D_E8M0, c, vik_e8m0_decode);
}

static void check_bits(uint32_t b)
{
    uint8_t want[NT], f[NT], g[NT];
    float x = u2f(b);
    int t;
    oracle(b, want);
    f[T_E4M3_NONSAT] = vik_e4m3_encode(x, VIK_NONSAT);
    f[T_E4M3_SAT] = vik_e4m3_encode(x, VIK_SAT);
    f[T_E5M2_NONSAT] = vik_e5m2_encode(x, VIK_NONSAT);
    f[T_E5M2_SAT] = vik_e5m2_encode(x, VIK_SAT);
    f[T_E2M1] = vik_e2m1_encode(x);
    f[T_E8M0] = vik_e8m0_encode(x);
    f[T_E8M0_FLOOR] = vik_e8m0_floor(x);
    g[T_E4M3_NONSAT] = vik_e4m3_encode_bits(b, VIK_NONSAT);
    g[T_E4M3_SAT] = vik_e4m3_encode_bits(b, VIK_SAT);
    g[T_E5M2_NONSAT] = vik_e5m2_encode_bits(b, VIK_NONSAT);
    g[T_E5M2_SAT] = vik_e5m2_encode_bits(b, VIK_SAT);
    g[T_E2M1] = vik_e2m1_encode_bits(b);
    g[T_E8M0] = vik_e8m0_encode_bits(b);
    g[T_E8M0_FLOOR] = vik_e8m0_floor_bits(b);
    for (t = 0; t < NT; t++) {
        if (f[t] != want[t])
            mismatch(NAMES[t], "float API", b, want[t], f[t]);
        if (g[t] != want[t])
            mismatch(NAMES[t], "_bits API", b, want[t], g[t]);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char msg[200];
    int c;
    (void)argc;
    (void)argv;
    if (!oracle_init(msg, sizeof msg)) {
        fprintf(stderr, "fuzz_formats: %s\n", msg);
        abort();
    }
    for (c = 0; c < 256; c++)
        check_code(c);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t i;
    for (i = 0; i < size; i += 4) {
        uint32_t b = 0;
        size_t k;
        for (k = 0; k < 4 && i + k < size; k++)
            b |= (uint32_t)data[i + k] << (8 * k);
        check_bits(b);
    }
    for (i = 0; i < size; i++)
        check_code(data[i]);
    return 0;
}
