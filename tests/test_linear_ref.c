/* vik_matmul_f32 / vik_dot_f32 (kernels/linear.h) against the vendored
   references in tests/data/ops/linearK (copied from shared/reference/ops:
   x float32[T, n], w float32[m, n], y64 = x @ w.T in float64, y32 PyTorch's
   float32 result):
   (a) the kernel called directly on each case: every output within the
       error bound proved in vik_dot_f32's contract (linear.h),
         |y_hat - y| <= (k + 6) U sum_i |W[o, i] x[t, i]| + (k + 1) 2^-143,
         U = VIK_U = 2^-24 (1 + 2^-11), k = ceil(n / 16),
       with the max |err| and the worst err/bound printed per case (and
       PyTorch's float32 result measured the same way, for comparison); each
       output bit-equal to vik_dot_f32 of its row and token;
   (b) build/vik-ref (or $VIK_REF) on each case writes exactly y64.npy,
       float32 [T, m], bit-equal to the direct kernel output;
   (c) row ranges: all rows in one call equals random disjoint ranges in any
       order, bit for bit, and a call on [o0, o1) leaves every other entry of
       y untouched (sentinel);
   (d) bad input (NaN, inf, |v| > 2^20, shape and size violations, a 1-D
       w.npy of the wrong length, ambiguous dir) exits 2 and leaves no output behind; |v| = 2^20 is accepted;
   (e) vik_dot_f32 on random vectors (fixed seed), with adversarial
       cancellation and underflowing products, against an independent
       long double Neumaier-summed reference, within the same bound; the
       n = 65536, |v| = 2^20 extremes exactly;
   (f) vik_dot_f32 bit-equal to an independent scalar re-implementation of
       the documented order (16 lanes, lane l gets i % 16 == l in increasing
       i; tree l += l + 8, + 4, + 2, + 1), at every n up to 200 and some
       larger ones, at 16 pointer alignments;
   (g) vik_matmul_f32's 8 x 2 tiles at random shapes around the tile edges:
       each entry bit-equal to vik_dot_f32, entries outside the range untouched. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "linear.h"
#include "npy.h"
#include "util.h"
#include "rng.h"
#include <stdint.h>

#define DATA "tests/data/ops"
#define SHOW 3          /* mismatches listed per failing check */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const CASES[] = {"linear0", "linear1", "linear2", "linear3", "linear4"};

/* ---- float bits and powers of two, without libm (tests link no -lm) ---- */

static double dabs(double x) { return x < 0 ? -x : x; }
static long double ldabs(long double x) { return x < 0 ? -x : x; }

/* 2^k as a double, exact for -1022 <= k <= 1023 (built from the bits). */
static double pow2(int k)
{
    uint64_t u = (uint64_t)(k + 1023) << 52;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* ---- the error bound of linear.h ---- */

/* vik_dot_f32's ensures `error`: (k + 6) VIK_U S + (k + 1) 2^-143, k =
   ceil(n / 16). Computed in double: every factor is exact and the one
   rounding (relative 2^-53) is covered by ref_slack. */
static double linear_bound(uint32_t n, double S)
{
    double k = (double)((n + 15u) / 16u);
    return (k + 6.0) * (double)VIK_U * S + (k + 1.0) * pow2(-143);
}

/* What the comparison itself may be off by: the reference (PyTorch's
   float64 result, any order: n 2^-53 S) and S summed in double (relative
   n 2^-53) each contribute far less than this; added to the bound when
   checking, left out of the printed err/bound ratios. */
static double ref_slack(uint32_t n, double S)
{
    return (double)n * pow2(-51) * S;
}

/* ---- random numbers (fixed seed) ---- */

static float rsign(double v)
{
    return (float)(rnd() & 1 ? -v : v);
}

/* ---- loading ---- */

/* Load dir/name, require dtype and shape [rows, cols] (cols 0: any); FAIL
   line if not. */
static int load_2d(const char *dir, const char *name, int dtype, size_t rows,
                   size_t cols, npy_array *a)
{
    char p[512], err[512], desc[600];
    int rc;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    rc = npy_read(p, a, err, sizeof err);
    if (rc == NPY_OK && a->dtype == dtype && a->ndim == 2 &&
        (rows == 0 || a->shape[0] == rows) && (cols == 0 || a->shape[1] == cols))
        return 1;
    snprintf(desc, sizeof desc, "load %s as %s [%zu, %zu] (0: any)", p,
             npy_dtype_name(dtype), rows, cols);
    check_msg(0, desc, "%s", rc ? err : "unexpected dtype or shape");
    npy_free(a);
    return 0;
}

/* Every element finite with |v| <= 2^20: the kernel's precondition. */
static int in_domain(const float *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!(v[i] >= -1048576.0f && v[i] <= 1048576.0f))
            return 0;
    return 1;
}

typedef struct {
    const char *name;
    uint32_t T, n, m;
    npy_array x, w, y64, y32;
    float *y;                   /* the kernel's output, all rows, T x m */
} lcase;

static int case_load(lcase *c, const char *name)
{
    char dir[256], desc[300];
    memset(c, 0, sizeof *c);
    c->name = name;
    snprintf(dir, sizeof dir, "%s/%s", DATA, name);
    if (!load_2d(dir, "x.npy", NPY_F32, 0, 0, &c->x))
        return 0;
    if (!load_2d(dir, "w.npy", NPY_F32, 0, c->x.shape[1], &c->w))
        goto e1;
    if (!load_2d(dir, "y64.npy", NPY_F64, c->x.shape[0], c->w.shape[0], &c->y64))
        goto e2;
    if (!load_2d(dir, "y32.npy", NPY_F32, c->x.shape[0], c->w.shape[0], &c->y32))
        goto e3;
    c->T = (uint32_t)c->x.shape[0];
    c->n = (uint32_t)c->x.shape[1];
    c->m = (uint32_t)c->w.shape[0];
    snprintf(desc, sizeof desc, "%s: x [%u, %u], w [%u, %u] meet vik_matmul_f32's "
             "preconditions (finite, |v| <= 2^20, 1 <= n <= 65536)", name, c->T, c->n,
             c->m, c->n);
    if (!check_msg(c->T >= 1 && c->m >= 1 && c->n >= 1 && c->n <= VIK_K_MAX &&
                   in_domain(c->x.data, c->x.count) && in_domain(c->w.data, c->w.count),
                   desc, "%s", "out of the kernel's domain"))
        goto e4;
    c->y = malloc((size_t)c->T * c->m * sizeof *c->y);
    if (c->y)
        return 1;
    check(0, "allocate y");
e4:
    npy_free(&c->y32);
e3:
    npy_free(&c->y64);
e2:
    npy_free(&c->w);
e1:
    npy_free(&c->x);
    return 0;
}

static void case_free(lcase *c)
{
    npy_free(&c->x);
    npy_free(&c->w);
    npy_free(&c->y64);
    npy_free(&c->y32);
    free(c->y);
}

/* ---- (a) the kernel against the reference and the bound ---- */

static void test_case_bound(lcase *c)
{
    const float *x = c->x.data, *w = c->w.data, *y32 = c->y32.data;
    const double *y64 = c->y64.data;
    uint32_t t, o, i, T = c->T, n = c->n, m = c->m;
    size_t bad = 0, notdot = 0, k;
    double maxerr = 0, maxratio = 0, maxerr32 = 0, maxratio32 = 0;
    char desc[600], det[600] = "";
    for (k = 0; k < (size_t)T * m; k++)
        c->y[k] = u2f(0x7FA5A5A5u);
    vik_matmul_f32(c->y, x, w, T, n, m, 0u, m);
    for (t = 0; t < T; t++)
        for (o = 0; o < m; o++) {
            double S = 0, b, e, e32, yv = c->y[(size_t)t * m + o];
            float d = vik_dot_f32(w + (size_t)o * n, x + (size_t)t * n, n);
            for (i = 0; i < n; i++)
                S += dabs((double)w[(size_t)o * n + i] * (double)x[(size_t)t * n + i]);
            b = linear_bound(n, S);
            e = dabs(yv - y64[(size_t)t * m + o]);
            e32 = dabs((double)y32[(size_t)t * m + o] - y64[(size_t)t * m + o]);
            if (e > maxerr)
                maxerr = e;
            if (e32 > maxerr32)
                maxerr32 = e32;
            if (b > 0 && e / b > maxratio)
                maxratio = e / b;
            if (b > 0 && e32 / b > maxratio32)
                maxratio32 = e32 / b;
            if (!(e <= b + ref_slack(n, S)) && bad++ < SHOW)
                append(det, sizeof det, "y[%u, %u] = %.9g, y64 %.17g, |err| %.3g > bound "
                       "%.3g (S %.6g); ", t, o, yv, y64[(size_t)t * m + o], e, b, S);
            notdot += f2u(d) != f2u(c->y[(size_t)t * m + o]);
        }
    snprintf(desc, sizeof desc, "%s [T %u, n %u, m %u]: %u outputs within the bound: "
             "max |err| %.3g, worst err/bound %.3g (PyTorch float32: max |err| %.3g, "
             "err/bound %.3g)", c->name, T, n, m, T * m, maxerr, maxratio, maxerr32,
             maxratio32);
    check_msg(bad == 0, desc, "%zu outside: %s", bad, det);
    snprintf(desc, sizeof desc, "%s: y[t, o] bit-equal to vik_dot_f32(w row o, x row t)",
             c->name);
    check_msg(notdot == 0, desc, "%zu differ", notdot);
}

/* ---- (b) vik-ref on the case ---- */

static void test_vikref_case(const lcase *c)
{
    char casedir[256], out[400], sub[500], log[400], desc[400], err[512];
    npy_array a;
    int rc, entries, lines, same = 0;
    snprintf(casedir, sizeof casedir, "%s/%s", DATA, c->name);
    snprintf(sub, sizeof sub, "out/%s", c->name);
    tpath(out, sizeof out, sub);
    tpath(log, sizeof log, "stdout.log");
    rc = run_vikref(casedir, out);
    entries = count_entries(out);
    lines = count_lines(log, "wrote ");
    snprintf(desc, sizeof desc, "vik-ref on %s exits 0, writes exactly y64.npy (one "
             "'wrote' line)", casedir);
    check_msg(rc == 0 && entries == 1 && lines == 1, desc,
              "exit %d (%s), %d entries, %d lines", rc, vikref(), entries, lines);
    snprintf(sub, sizeof sub, "%s/y64.npy", out);
    memset(&a, 0, sizeof a);
    rc = npy_read(sub, &a, err, sizeof err);
    if (rc == NPY_OK && a.dtype == NPY_F32 && a.ndim == 2 && a.shape[0] == c->T &&
        a.shape[1] == c->m)
        same = memcmp(a.data, c->y, a.count * sizeof(float)) == 0;
    snprintf(desc, sizeof desc, "vik-ref %s/y64.npy: float32 [%u, %u], bit-equal to "
             "the direct kernel output", c->name, c->T, c->m);
    check_msg(same, desc, "%s", rc ? err : "dtype, shape or data differ");
    npy_free(&a);
}

/* ---- (c) row ranges ---- */

#define SENT 0x7FA5A5A5u        /* a NaN the kernel never produces */

static void test_row_ranges(const lcase *c)
{
    enum { TRIALS = 12, MAXCUT = 9 };
    uint32_t T = c->T, n = c->n, m = c->m, trial, j, t, o;
    size_t N = (size_t)T * m, k, bad_split = 0, bad_one = 0;
    float *y = malloc(N * sizeof *y);
    char desc[300], det[400] = "";
    if (!y) {
        check(0, "allocate y");
        return;
    }
    for (trial = 0; trial < TRIALS; trial++) {
        /* cuts 0 = b0 <= b1 <= ... <= bK = m (repeats give empty ranges),
           ranges called in a random order */
        uint32_t cut[MAXCUT + 2], order[MAXCUT + 1], nr = 1 + rnd() % MAXCUT;
        for (j = 1; j < nr; j++)
            cut[j] = rnd() % (m + 1);
        cut[0] = 0;
        cut[nr] = m;
        for (j = 1; j < nr; j++) {      /* insertion sort */
            uint32_t v = cut[j], q = j;
            while (q > 1 && cut[q - 1] > v) {
                cut[q] = cut[q - 1];
                q--;
            }
            cut[q] = v;
        }
        for (j = 0; j < nr; j++)
            order[j] = j;
        for (j = nr; j > 1; j--) {
            uint32_t q = rnd() % j, s = order[j - 1];
            order[j - 1] = order[q];
            order[q] = s;
        }
        for (k = 0; k < N; k++)
            y[k] = u2f(SENT);
        for (j = 0; j < nr; j++)
            vik_matmul_f32(y, c->x.data, c->w.data, T, n, m, cut[order[j]],
                           cut[order[j] + 1]);
        if (memcmp(y, c->y, N * sizeof *y) != 0 && bad_split++ < SHOW)
            append(det, sizeof det, "trial %u (%u ranges) differs; ", trial, nr);

        /* one range [o0, o1): inside as the full call, outside untouched */
        {
            uint32_t o0 = rnd() % (m + 1), o1 = o0 + rnd() % (m - o0 + 1);
            for (k = 0; k < N; k++)
                y[k] = u2f(SENT);
            vik_matmul_f32(y, c->x.data, c->w.data, T, n, m, o0, o1);
            for (t = 0; t < T; t++)
                for (o = 0; o < m; o++) {
                    size_t q = (size_t)t * m + o;
                    uint32_t want = o >= o0 && o < o1 ? f2u(c->y[q]) : SENT;
                    if (f2u(y[q]) != want && bad_one++ < SHOW)
                        append(det, sizeof det, "[%u, %u) y[%u, %u] = 0x%08x want "
                               "0x%08x; ", o0, o1, t, o, (unsigned)f2u(y[q]),
                               (unsigned)want);
                }
        }
    }
    snprintf(desc, sizeof desc, "%s: %d random splits of rows [0, %u) into disjoint "
             "ranges (any order, empty ones too) bit-equal to one call", c->name,
             TRIALS, m);
    check_msg(bad_split == 0, desc, "%zu differ: %s", bad_split, det);
    snprintf(desc, sizeof desc, "%s: %d random single ranges [o0, o1): inside equal "
             "to one call, outside untouched (sentinel)", c->name, TRIALS);
    check_msg(bad_one == 0, desc, "%zu wrong entries: %s", bad_one, det);
    free(y);
}

/* ---- (d) bad input to vik-ref ---- */

/* tmpdir/name/file holding the given array. */
static void put_file(const char *name, const char *file, int dtype, int ndim,
                     const size_t *shape, const void *data)
{
    char d[256], p[400], err[512];
    tpath(d, sizeof d, name);
    mkdir(d, 0777);
    snprintf(p, sizeof p, "%s/%s", d, file);
    if (npy_write(p, dtype, ndim, shape, data, err, sizeof err) != NPY_OK)
        check_msg(0, "write a bad case", "%s", err);
}

/* tmpdir/name with x [T, n] and w [m, n] from xv, wv (NULL: zeros). */
static void put_case(const char *name, size_t T, size_t n, size_t m,
                     const float *xv, const float *wv)
{
    size_t sx[2], sw[2], cx = T * n, cw = m * n;
    float *zx = calloc(cx + 1, sizeof *zx), *zw = calloc(cw + 1, sizeof *zw);
    if (!zx || !zw) {
        check(0, "allocate a bad case");
    } else {
        if (xv)
            memcpy(zx, xv, cx * sizeof *zx);
        if (wv)
            memcpy(zw, wv, cw * sizeof *zw);
        sx[0] = T;
        sx[1] = n;
        sw[0] = m;
        sw[1] = n;
        put_file(name, "x.npy", NPY_F32, 2, sx, zx);
        put_file(name, "w.npy", NPY_F32, 2, sw, zw);
    }
    free(zx);
    free(zw);
}

static void test_vikref_bad(void)
{
    char c[256], o[256], p[400], desc[300];
    float xv[2 * 16], wv[3 * 16];
    double d64[2 * 16] = {0};
    size_t i, s2x16[2] = {2, 16}, s15[1] = {15};
    npy_array a;
    int rc, ok = 0;
    tpath(o, sizeof o, "badout");
    for (i = 0; i < COUNT(xv); i++)
        xv[i] = (float)i - 7.5f;
    for (i = 0; i < COUNT(wv); i++)
        wv[i] = 0.25f * (float)i;

    xv[21] = u2f(0x7FC00000u);          /* x[1, 5] = NaN */
    put_case("nan_x", 2, 16, 3, xv, wv);
    tpath(c, sizeof c, "nan_x");
    expect_fail("vik-ref on x.npy with a NaN exits 2 naming it, creates nothing",
                c, o, -1, "NaN");
    mkdir(o, 0777);
    expect_fail("vik-ref on x.npy with a NaN leaves an existing out dir empty",
                c, o, 0, "element [1, 5]");
    rmdir(o);
    xv[21] = u2f(0xFF800000u);          /* -inf */
    put_case("inf_x", 2, 16, 3, xv, wv);
    tpath(c, sizeof c, "inf_x");
    expect_fail("vik-ref on x.npy with -inf exits 2 ('infinite'), creates nothing",
                c, o, -1, "infinite");
    xv[21] = 1.0f;

    wv[47] = u2f(0x49800001u);          /* 2^20 (1 + 2^-23), just past 2^20 */
    put_case("big_w", 2, 16, 3, xv, wv);
    tpath(c, sizeof c, "big_w");
    expect_fail("vik-ref on w.npy with |v| = 2^20 + 1/8 > 2^20 exits 2 naming "
                "w.npy, creates nothing", c, o, -1, "w.npy: element [2, 15]");
    wv[47] = u2f(0xC9800001u);
    put_case("big_w_neg", 2, 16, 3, xv, wv);
    tpath(c, sizeof c, "big_w_neg");
    expect_fail("vik-ref on w.npy with v = -(2^20 + 1/8) exits 2, creates nothing",
                c, o, -1, "out of range");

    /* |v| = 2^20 is in the domain: 16 products of 2^40 sum to 2^44 exactly */
    for (i = 0; i < COUNT(xv); i++)
        xv[i] = i % 16 % 3 ? 1048576.0f : -1048576.0f;
    for (i = 0; i < COUNT(wv); i++)
        wv[i] = xv[i % 16];
    put_case("edge", 2, 16, 3, xv, wv);
    tpath(c, sizeof c, "edge");
    rc = run_vikref(c, o);
    snprintf(p, sizeof p, "%s/y64.npy", o);
    memset(&a, 0, sizeof a);
    if (rc == 0 && npy_read(p, &a, NULL, 0) == NPY_OK && a.dtype == NPY_F32 &&
        a.count == 6) {
        ok = 1;
        for (i = 0; i < 6; i++)
            ok &= ((const float *)a.data)[i] == 17592186044416.0f;    /* 2^44 */
    }
    npy_free(&a);
    snprintf(desc, sizeof desc, "vik-ref accepts |v| = 2^20 exactly (x, w = +-2^20): "
             "every output 2^44 exactly");
    check_msg(ok, desc, "exit %d", rc);
    rm_tree(o);

    put_case("mismatch", 2, 16, 3, NULL, NULL);
    tpath(c, sizeof c, "mismatch");
    s2x16[1] = 17;
    put_file("mismatch", "w.npy", NPY_F32, 2, s2x16, d64);
    s2x16[1] = 16;
    expect_fail("vik-ref on x [2, 16] and w [2, 17] exits 2 (same n), creates nothing",
                c, o, -1, "same n");

    put_case("f64", 2, 16, 3, NULL, NULL);
    put_file("f64", "x.npy", NPY_F64, 2, s2x16, d64);
    tpath(c, sizeof c, "f64");
    expect_fail("vik-ref on a float64 x.npy exits 2 naming it, creates nothing",
                c, o, -1, "x.npy");

    /* a 1-D w.npy makes it an RMSNorm case (tests/test_nn_ref.c), which
       wants w [n] */
    put_case("w1d", 2, 16, 3, NULL, NULL);
    put_file("w1d", "w.npy", NPY_F32, 1, s15, d64);
    tpath(c, sizeof c, "w1d");
    expect_fail("vik-ref on x [2, 16] and a 1-D w.npy [15] (RMSNorm wants w [16]) exits "
                "2 naming w.npy, creates nothing", c, o, -1, "w.npy [15]");

    put_case("empty", 0, 16, 3, NULL, NULL);
    tpath(c, sizeof c, "empty");
    expect_fail("vik-ref on x [0, 16] exits 2 (empty dimension), creates nothing",
                c, o, -1, "empty");

    put_case("longn", 1, VIK_K_MAX + 1, 1, NULL, NULL);
    tpath(c, sizeof c, "longn");
    expect_fail("vik-ref on n = 65537 exits 2 (more than the kernel takes), creates "
                "nothing", c, o, -1, "65537");

    put_case("bigy", 32769, 1, 32769, NULL, NULL);
    tpath(c, sizeof c, "bigy");
    expect_fail("vik-ref on T = m = 32769, n = 1 (y > 2^30 elements) exits 2, "
                "creates nothing", c, o, -1, "2^30");

    put_case("both", 2, 16, 3, NULL, NULL);
    put_file("both", "input.npy", NPY_F64, 2, s2x16, d64);
    tpath(c, sizeof c, "both");
    expect_fail("vik-ref on a dir with x.npy, w.npy and input.npy exits 2 (ambiguous "
                "kind), creates nothing", c, o, -1, "ambiguous");

    put_file("xonly", "x.npy", NPY_F64, 2, s2x16, d64);
    tpath(c, sizeof c, "xonly");
    expect_fail("vik-ref on a dir with x.npy only (no w.npy) exits 2 (no known kind), "
                "creates nothing", c, o, -1, "no known case kind");
}

/* ---- (e) vik_dot_f32 against a long double reference ---- */

/* sum a[i] b[i]: products exact in long double (48 significant bits),
   Neumaier-compensated sum; *S gets sum |a[i] b[i]|. */
static long double ref_dot(const float *a, const float *b, uint32_t n, double *S)
{
    long double s = 0, comp = 0, sa = 0;
    uint32_t i;
    for (i = 0; i < n; i++) {
        long double p = (long double)a[i] * (long double)b[i], t = s + p;
        if (ldabs(s) >= ldabs(p))
            comp += (s - t) + p;
        else
            comp += (p - t) + s;
        s = t;
        sa += ldabs(p);
    }
    *S = (double)sa;
    return s + comp;
}

enum { GEN_UNIT, GEN_WIDE, GEN_POS, GEN_CANCEL, GEN_BIGCANCEL, GEN_TINY, NGEN };
static const char *const GEN_NAME[NGEN] = {
    "uniform [-1, 1]", "magnitudes 2^-30 .. 2^20", "all positive",
    "cancelling pairs (exact sum ~ 0)", "+-2^40 around small terms",
    "underflowing products (|v| ~ 2^-75)",
};

/* Fill a, b (n elements) by generator g; every value in the kernel's domain. */
static void gen_vectors(int g, float *a, float *b, uint32_t n)
{
    uint32_t i, h;
    switch (g) {
    case GEN_UNIT:
        for (i = 0; i < n; i++) {
            a[i] = rsign((double)(rnd() >> 8) * pow2(-24));
            b[i] = rsign((double)(rnd() >> 8) * pow2(-24));
        }
        break;
    case GEN_WIDE:
        for (i = 0; i < n; i++) {
            a[i] = rsign(mant() * pow2(-30 + (int)(rnd() % 50)));
            b[i] = rsign(mant() * pow2(-30 + (int)(rnd() % 50)));
        }
        break;
    case GEN_POS:
        for (i = 0; i < n; i++) {
            a[i] = (float)(mant() * pow2((int)(rnd() % 20) - 10));
            b[i] = (float)(mant() * pow2((int)(rnd() % 20) - 10));
        }
        break;
    case GEN_CANCEL:
        /* the first half's products negated in the second half, at
           shuffled positions, plus a few tiny terms: the exact sum is tiny
           against sum |a b| */
        h = n / 2;
        for (i = 0; i < h; i++) {
            a[i] = rsign(mant() * pow2((int)(rnd() % 30) - 10));
            b[i] = rsign(mant() * pow2((int)(rnd() % 10) - 5));
            a[h + i] = -a[i];
            b[h + i] = b[i];
        }
        for (i = 2 * h; i < n; i++) {
            a[i] = rsign(mant() * pow2(-20));
            b[i] = rsign(mant());
        }
        for (i = h; i < n; i++) {       /* shuffle the second half */
            uint32_t q = h + rnd() % (i - h + 1);
            float sa = a[i], sb = b[i];
            a[i] = a[q];
            b[i] = b[q];
            a[q] = sa;
            b[q] = sb;
        }
        for (i = 0; i < n; i += 1 + rnd() % 8)
            a[i] = a[i] + rsign(mant() * pow2(-24));
        break;
    case GEN_BIGCANCEL:
        /* +2^40 first, -2^40 at a random later index, small terms between:
           the small terms are absorbed by the lane holding 2^40 */
        for (i = 0; i < n; i++) {
            a[i] = rsign(mant() * pow2((int)(rnd() % 8)));
            b[i] = rsign(mant());
        }
        a[0] = 1048576.0f;
        b[0] = 1048576.0f;
        if (n > 1) {
            h = 1 + rnd() % (n - 1);
            a[h] = -1048576.0f;
            b[h] = 1048576.0f;
        }
        break;
    default:            /* GEN_TINY: products below 2^-126, many below 2^-149 */
        for (i = 0; i < n; i++) {
            a[i] = rsign(mant() * pow2(-80 + (int)(rnd() % 12)));
            b[i] = rsign(mant() * pow2(-80 + (int)(rnd() % 12)));
        }
        break;
    }
}

static void test_dot_random(void)
{
    static const uint32_t NS[] = {1, 15, 16, 17, 33, 1000, 4096};
    enum { TRIALS = 40 };
    static float a[4096], b[4096];
    size_t in, bad, bads = 0;
    int g, trial;
    char desc[400], det[600];
    for (in = 0; in < COUNT(NS); in++) {
        uint32_t n = NS[in];
        double maxerr = 0, maxratio = 0, maxratio_g[NGEN] = {0};
        bad = 0;
        det[0] = '\0';
        for (g = 0; g < NGEN; g++)
            for (trial = 0; trial < TRIALS; trial++) {
                double S, e, bd;
                long double r;
                float d;
                gen_vectors(g, a, b, n);
                d = vik_dot_f32(a, b, n);
                r = ref_dot(a, b, n, &S);
                e = (double)ldabs((long double)d - r);
                bd = linear_bound(n, S);
                if (e > maxerr)
                    maxerr = e;
                if (bd > 0 && e / bd > maxratio_g[g])
                    maxratio_g[g] = e / bd;
                /* long double Neumaier: error << 2^-60 S */
                if (!(e <= bd + S * pow2(-60)) && bad++ < SHOW)
                    append(det, sizeof det, "%s trial %d: dot %.9g ref %.20Lg |err| "
                           "%.3g > bound %.3g; ", GEN_NAME[g], trial, (double)d, r, e, bd);
            }
        for (g = 0; g < NGEN; g++)
            if (maxratio_g[g] > maxratio)
                maxratio = maxratio_g[g];
        snprintf(desc, sizeof desc, "vik_dot_f32 n = %u: %d random vectors x %d kinds "
                 "within the bound vs long double: max |err| %.3g, worst err/bound "
                 "%.3g (cancelling %.3g, +-2^40 %.3g, underflow %.3g)", n, TRIALS, NGEN,
                 maxerr, maxratio, maxratio_g[GEN_CANCEL], maxratio_g[GEN_BIGCANCEL],
                 maxratio_g[GEN_TINY]);
        check_msg(bad == 0, desc, "%zu outside: %s", bad, det);
        bads += bad;
    }
    (void)bads;
}

/* The extremes: n = 65536 products of 2^40 fill every lane to 2^52 and the
   tree to 2^56 exactly; alternating signs cancel exactly to +0. */
static void test_dot_extremes(void)
{
    static float a[VIK_K_MAX], b[VIK_K_MAX];
    uint32_t i;
    float s, z, z2;
    char desc[300];
    for (i = 0; i < VIK_K_MAX; i++) {
        a[i] = 1048576.0f;
        b[i] = -1048576.0f;
    }
    s = vik_dot_f32(a, b, VIK_K_MAX);
    for (i = 0; i < VIK_K_MAX; i++)
        b[i] = i % 2 ? -1048576.0f : 1048576.0f;
    z = vik_dot_f32(a, b, VIK_K_MAX);
    z2 = vik_dot_f32(a, b, 0);
    snprintf(desc, sizeof desc, "vik_dot_f32 n = 65536, |v| = 2^20: sum -2^56 exactly; "
             "alternating signs +0 exactly; n = 0 gives +0");
    check_msg(f2u(s) == f2u(-72057594037927936.0f) && f2u(z) == 0u && f2u(z2) == 0u,
              desc, "got %.9g (0x%08x), %.9g (0x%08x), 0x%08x", (double)s,
              (unsigned)f2u(s), (double)z, (unsigned)f2u(z), (unsigned)f2u(z2));
}

/* ---- (f) the documented order, re-implemented ---- */

/* Lane l = i % 16 adds its products in increasing i, then the tree
   l += l + 8 (l < 8), l += l + 4, l += l + 2, l += l + 1. Every operation is
   a separate statement through volatile storage, so each is one rounded
   float operation in this exact order, whatever the compiler does. */
static float order_dot(const float *a, const float *b, uint32_t n)
{
    volatile float acc[16];
    volatile float p, s;
    uint32_t i, l;
    for (l = 0; l < 16; l++)
        acc[l] = 0.0f;
    for (i = 0; i < n; i++) {
        p = a[i] * b[i];
        s = acc[i % 16];
        s = s + p;
        acc[i % 16] = s;
    }
    for (l = 0; l < 8; l++) {
        s = acc[l];
        s = s + acc[l + 8];
        acc[l] = s;
    }
    for (l = 0; l < 4; l++) {
        s = acc[l];
        s = s + acc[l + 4];
        acc[l] = s;
    }
    for (l = 0; l < 2; l++) {
        s = acc[l];
        s = s + acc[l + 2];
        acc[l] = s;
    }
    s = acc[0];
    s = s + acc[1];
    return s;
}

static void test_dot_order(void)
{
    static const uint32_t BIG[] = {255, 256, 257, 1000, 1023, 4095, 4096, 4097, 65536};
    static float abuf[VIK_K_MAX + 16], bbuf[VIK_K_MAX + 16];
    size_t calls = 0, bad = 0, k;
    uint32_t n, off;
    int g;
    char desc[400], det[600] = "";
    for (n = 0; n <= 200 + COUNT(BIG); n++) {
        uint32_t len = n <= 200 ? n : BIG[n - 201];
        for (g = 0; g < NGEN; g++) {
            /* every alignment for short vectors, a few for the long ones */
            for (off = 0; off < 16; off += len <= 4097 ? 1 : 5) {
                float *a = abuf + off, *b = bbuf + (off * 7) % 16, d, r;
                gen_vectors(g, a, b, len);
                d = vik_dot_f32(a, b, len);
                r = order_dot(a, b, len);
                calls++;
                if (f2u(d) != f2u(r) && bad++ < SHOW)
                    append(det, sizeof det, "n %u %s offset %u: kernel %.9g (0x%08x), "
                           "order %.9g (0x%08x); ", len, GEN_NAME[g], off, (double)d,
                           (unsigned)f2u(d), (double)r, (unsigned)f2u(r));
            }
        }
    }
    snprintf(desc, sizeof desc, "vik_dot_f32 bit-equal to the scalar re-implementation "
             "of the documented order: n = 0..200 and %zu larger (to 65536), %d input "
             "kinds, 16 alignments: %zu calls", COUNT(BIG), NGEN, calls);
    check_msg(bad == 0, desc, "%zu differ: %s", bad, det);

    /* the order is the one documented, not just any fixed order: a vector
       whose sum rounds differently under sequential summation */
    for (k = 0; k < 32; k++) {
        abuf[k] = 1.0f;
        bbuf[k] = k == 0 ? 16777216.0f : 1.0f;  /* 2^24 then 31 ones */
    }
    {
        float d = vik_dot_f32(abuf, bbuf, 32), r = order_dot(abuf, bbuf, 32);
        /* sequential: 2^24 + 1 rounds back to 2^24 every time -> 2^24;
           lanes: lane 0 holds 2^24 + 1 -> 2^24, lanes 1..15 hold 2 each,
           tree 2+2=4, 8, 16: lane 0 + 30 = 2^24 + 30 exactly */
        snprintf(desc, sizeof desc, "vik_dot_f32(2^24, 31 ones) = 2^24 + 30 (lane "
                 "order), not 2^24 (sequential order)");
        check_msg(d == 16777246.0f && r == d, desc, "kernel %.9g, re-implementation %.9g",
                  (double)d, (double)r);
    }
}

/* ---- (g) the 8 x 2 tiles of vik_matmul_f32 ----
   Random shapes around the tile edges (T odd and even, m and o1 - o0 not
   multiples of 8, n with and without a tail of n % 16): every entry of the
   range equals vik_dot_f32 of its row and token bit for bit, and every entry
   outside it keeps its sentinel. */
static void test_tiles(void)
{
    enum { TMAXT = 9, NMAXT = 300, MMAXT = 40, TRIALS = 300 };
    static float x[TMAXT * NMAXT], w[MMAXT * NMAXT], y[TMAXT * MMAXT];
    int bad = 0, trial, entries = 0;
    char detail[160] = "";
    for (trial = 0; trial < TRIALS; trial++) {
        uint32_t T = 1u + rnd() % TMAXT, n = 1u + rnd() % NMAXT, m = 1u + rnd() % MMAXT;
        uint32_t o0 = rnd() % (m + 1u), o1 = o0 + rnd() % (m - o0 + 1u), t, o, i;
        for (i = 0; i < T * n; i++) x[i] = rsign(mant() * pow2((int)(rnd() % 20) - 10));
        for (i = 0; i < m * n; i++) w[i] = rsign(mant() * pow2((int)(rnd() % 20) - 10));
        for (i = 0; i < T * m; i++) y[i] = -7.0f;   /* sentinel */
        vik_matmul_f32(y, x, w, T, n, m, o0, o1);
        for (t = 0; t < T; t++)
            for (o = 0; o < m; o++) {
                float want = o0 <= o && o < o1 ? vik_dot_f32(w + o * n, x + t * n, n) : -7.0f;
                entries += o0 <= o && o < o1;
                if (f2u(y[t * m + o]) != f2u(want) && bad++ == 0)
                    snprintf(detail, sizeof detail, "T=%u n=%u m=%u [%u, %u): y[%u, %u] = %a, want %a",
                             T, n, m, o0, o1, t, o, y[t * m + o], want);
            }
    }
    check_msg(bad == 0 && entries > 3000,
              "vik_matmul_f32 tiles: 300 random shapes, each entry == vik_dot_f32, others untouched",
              "%d mismatches of %d entries; first %s", bad, entries, detail);
}

int main(void)
{
    lcase c;
    size_t i;
    if (!tmpdir_make("linear")) {
        check(0, "create a temporary directory");
        return check_done();
    }
    for (i = 0; i < COUNT(CASES); i++) {
        if (!case_load(&c, CASES[i]))
            continue;
        test_case_bound(&c);
        test_vikref_case(&c);
        test_row_ranges(&c);
        case_free(&c);
    }
    test_vikref_bad();
    test_dot_random();
    test_dot_extremes();
    test_dot_order();
    test_tiles();
    rm_tree(tmpdir);
    return check_done();
}
