/* libFuzzer target: vik_softmax_sink / vik_softmax (kernels/nn.c) on
   arbitrary float32 bits. Input: byte 0 selects the sink (bit 0: has_sink),
   bytes 1..4 are the sink's bits (little-endian), the rest the row's
   little-endian float32 words (a trailing partial word is zero-padded; at
   most MAXN entries; an input without a whole row entry uses one +0). Checks
   against the contract in nn.h, any violation printing the row and
   aborting (a crash for libFuzzer):
   - the code: VIK_OK iff every entry is -inf or finite with |x| <= 2^100
     and, with a sink, the sink is finite with |sink| <= 2^100; else
     VIK_EDOMAIN;
   - every output finite in [0, 1]; on VIK_EDOMAIN every output 0 (the
     output buffer starts as a NaN canary);
   - on VIK_OK: every -inf entry gives exactly 0; a row of only -inf without
     a sink gives all zeros; the outputs sum to at most (1 + u) / (1 -
     gamma_N) + n 2^-149 (each y_i = fl(e_i / s), and the computed sum s of
     the N = n + has_sink non-negative terms is at least (1 - gamma_N) times
     their exact sum), u = 2^-24; without a sink, some output is nonzero
     unless the row is all masked (the max's term is exactly 1), and then
     the largest is at least 2^-17 (top); the sum clauses: within
     VIK_SM_EB(n) = (n + 1) 2^-23 of 1 without a sink, at most 1 +
     VIK_SM_EB(n) with one (the double sum here is within n 2^-53 of the
     real sum, taken off the tolerance);
   - in place (y == x) gives the same bits; vik_softmax equals
     vik_softmax_sink without a sink. */
#include "bits.h"
#include "nn.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 4096
#define CANARY 0x7FA5A5A5u

static float x[MAXN], y[MAXN], y2[MAXN];

static void die(const char *what, size_t n, int has_sink, float sink, size_t i)
{
    size_t j;
    fprintf(stderr, "fuzz_nn: %s at entry %zu (n %zu, has_sink %d, sink 0x%08X); row:\n",
            what, i, n, has_sink, (unsigned)f2u(sink));
    for (j = 0; j < n && j < 64; j++)
        fprintf(stderr, "%08X -> %08X%c", (unsigned)f2u(x[j]), (unsigned)f2u(y[j]),
                j % 4 == 3 ? '\n' : ' ');
    fprintf(stderr, "\n");
    abort();
}

static int in_domain(float v)
{
    return (v >= -0x1p100f && v <= 0x1p100f) || v < -0x1.fffffep127f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int has_sink = size > 0 && (data[0] & 1u), rc, want, any = 0;
    uint32_t sb = 0;
    float sink;
    size_t n = 0, i, k;
    double sum = 0, N, g, tol;
    float top = 0.0f;
    for (k = 1; k < 5 && k < size; k++)
        sb |= (uint32_t)data[k] << (8 * (k - 1));
    sink = u2f(sb);
    for (i = 5; i < size && n < MAXN; i += 4, n++) {
        uint32_t b = 0;
        for (k = 0; k < 4 && i + k < size; k++)
            b |= (uint32_t)data[i + k] << (8 * k);
        x[n] = u2f(b);
    }
    if (n == 0)
        x[n++] = 0.0f;
    want = VIK_OK;
    for (i = 0; i < n; i++) {
        if (!in_domain(x[i]))
            want = VIK_EDOMAIN;
        any |= x[i] >= -0x1.fffffep127f;    /* a finite entry */
    }
    if (has_sink && !(sink >= -0x1p100f && sink <= 0x1p100f))
        want = VIK_EDOMAIN;
    for (i = 0; i < n; i++)
        y[i] = u2f(CANARY);
    rc = vik_softmax_sink(y, x, (uint32_t)n, has_sink, sink);
    if (rc != want)
        die(want == VIK_OK ? "VIK_EDOMAIN on an in-domain row" : "VIK_OK on a row outside "
            "the domain", n, has_sink, sink, 0);
    for (i = 0; i < n; i++) {
        if (!(y[i] >= 0.0f && y[i] <= 1.0f))
            die("output outside [0, 1] (or not written)", n, has_sink, sink, i);
        if ((rc != VIK_OK || x[i] < -0x1.fffffep127f || (!any && !has_sink)) && y[i] != 0.0f)
            die("nonzero output (error, masked entry or all masked)", n, has_sink, sink, i);
        sum += y[i];
        top = y[i] > top ? y[i] : top;
    }
    N = (double)n + (has_sink != 0);
    g = N * 0x1p-24 / (1 - N * 0x1p-24);
    if (rc == VIK_OK && sum > (1 + 0x1p-24) / (1 - g) + (double)n * 0x1p-149)
        die("outputs sum past (1 + u) / (1 - gamma_N)", n, has_sink, sink, 0);
    if (rc == VIK_OK && any && !has_sink && sum == 0)
        die("all outputs 0 on a row with a finite entry", n, has_sink, sink, 0);
    tol = VIK_SM_EB((double)n) - (double)n * 0x1p-53;
    if (rc == VIK_OK && any && !has_sink && (fabs(sum - 1) > tol || !(top >= 0x1p-17f)))
        die("sum further than VIK_SM_EB(n) from 1, or largest output below 2^-17", n,
            has_sink, sink, 0);
    if (rc == VIK_OK && has_sink && sum > 1 + tol)
        die("sum past 1 + VIK_SM_EB(n) with a sink", n, has_sink, sink, 0);
    memcpy(y2, x, n * sizeof *y2);
    if (vik_softmax_sink(y2, y2, (uint32_t)n, has_sink, sink) != rc ||
        memcmp(y, y2, n * sizeof *y) != 0)
        die("in place differs from out of place", n, has_sink, sink, 0);
    if (!has_sink) {
        if (vik_softmax(y2, x, (uint32_t)n) != rc || memcmp(y, y2, n * sizeof *y) != 0)
            die("vik_softmax differs from vik_softmax_sink without a sink", n, has_sink,
                sink, 0);
    }
    return 0;
}
