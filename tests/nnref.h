/* Shared by tests/test_nn_ref.c and tests/test_attn_ref.c: float32 rounding
   constants for the error bounds, loading a vendored array with a FAIL line
   on error, and running vik-ref on a vendored case to compare its outputs
   bit for bit with the direct kernel calls. Header-only; include after
   util.h (which needs _POSIX_C_SOURCE 200809L). */
#ifndef VIK_TEST_NNREF_H
#define VIK_TEST_NNREF_H
#include "check.h"
#include "npy.h"
#include "util.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SHOW 3                  /* failures listed per check */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* u = 2^-24, float32 round to nearest: fl(a op b) = (a op b)(1 + d), |d| <= u,
   for a normal result; a subnormal result is off by at most 2^-150 < TINY. */
#define U 0x1p-24
#define TINY 0x1p-149

/* gamma_n = n u / (1 - n u): n roundings of relative size u compound to at
   most this (Higham, Accuracy and Stability, Lemma 3.1). */
static inline double gamma_n(double n)
{
    return n * U / (1.0 - n * U);
}

static inline double dabs(double x)
{
    return x < 0 ? -x : x;
}

/* Load dir/name; require dtype, ndim (and, where want[d] != 0, those
   dimensions); FAIL line and 0 if not. */
static inline int load_arr(const char *dir, const char *name, int dtype, int ndim,
                           const size_t *want, npy_array *a)
{
    char p[512], err[512], desc[700];
    int rc, d, ok;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    memset(a, 0, sizeof *a);
    rc = npy_read(p, a, err, sizeof err);
    ok = rc == NPY_OK && a->dtype == dtype && a->ndim == ndim;
    for (d = 0; ok && want && d < ndim; d++)
        ok = want[d] == 0 || a->shape[d] == want[d];
    if (ok)
        return 1;
    snprintf(desc, sizeof desc, "load %s as %s with %d dims (and the case's shape)", p,
             npy_dtype_name(dtype), ndim);
    check_msg(0, desc, "%s", rc ? err : "unexpected dtype or shape");
    npy_free(a);
    return 0;
}

/* build/vik-ref (or $VIK_REF) on casedir writes exactly the nout files
   names[k], each float32 with count[k] elements bit-equal to want[k] (the
   direct kernel output). One check. */
static inline void vikref_same(const char *casedir, const char *label, int nout,
                               const char *const *names, const float *const *want,
                               const size_t *count)
{
    char out[400], sub[600], desc[600], det[600] = "", err[512];
    npy_array a;
    int rc, entries, k, ok;
    snprintf(sub, sizeof sub, "out-%s", label);
    tpath(out, sizeof out, sub);
    rc = run_vikref(casedir, out);
    entries = count_entries(out);
    ok = rc == 0 && entries == nout;
    if (!ok)
        append(det, sizeof det, "exit %d (%s), %d files; ", rc, vikref(), entries);
    for (k = 0; k < nout; k++) {
        join(sub, sizeof sub, out, names[k]);
        if (npy_read(sub, &a, err, sizeof err) != NPY_OK) {
            ok = 0;
            append(det, sizeof det, "%s; ", err);
            continue;
        }
        if (a.dtype != NPY_F32 || a.count != count[k] ||
            memcmp(a.data, want[k], count[k] * sizeof(float)) != 0) {
            ok = 0;
            append(det, sizeof det, "%s differs (dtype %s, %zu elements); ", names[k],
                   npy_dtype_name(a.dtype), a.count);
        }
        npy_free(&a);
    }
    snprintf(desc, sizeof desc, "vik-ref on %s exits 0 and writes exactly %d file(s) "
             "(%s%s), float32, bit-equal to the direct kernel calls", casedir, nout,
             names[0], nout > 1 ? ", ..." : "");
    check_msg(ok, desc, "%s", det);
    rm_tree(out);
}

#endif
