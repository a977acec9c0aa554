/* vik_attention / vik_attend (kernels/attn.h) against the vendored
   references tests/data/attention/caseK (copied from shared/reference/
   attention: q [Hq, Tq, D], k, v [Hkv, S, D] float32, out64 computed by
   PyTorch in float64, meta.json, sinks.npy for case4):
   (a) each case within the attention error bound derived at attn_bound()
       below, max |err| and worst err/bound printed; every output written;
   (b) vik-ref on each case writes exactly out64.npy, float32, bit-equal to
       the direct call;
   (c) decode equals prefill bit for bit: each query row recomputed alone
       (Tq = 1, qpos0 = its position, same cache) gives the same bits, on
       every reference case and on random GQA cases with and without a
       window and sinks, also with the cache cut to capacity pos + 1;
   (d) only the visible rows are read: every k, v row outside a query's
       window (future positions, and positions <= pos - W) replaced by other
       in-bound values leaves that query's output bit-identical; a sink of
       -2^60 gives the same bits as no sink;
   (e) random cases (D not a multiple of 16, windows, sinks) within the bound
       against an independent double implementation;
   (f) vik_attention returns VIK_EDOMAIN and writes nothing (canary-filled
       out and scratch unchanged) for Hq % Hkv != 0, qpos0 >= S and
       Tq > S - qpos0. */
#define _POSIX_C_SOURCE 200809L
#include "attn.h"
#include "check.h"
#include "npy.h"
#include "util.h"
#include "rng.h"
#include "nnref.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define DATA "tests/data/attention"
#define CANARY 0x7FA5A5A5u      /* a NaN no kernel produces */

/* ---- a case ---- */

typedef struct {
    uint32_t Hq, Hkv, D, Tq, S, qpos0, W;
    float *q, *k, *v, *sinks;   /* sinks NULL when none */
} acase;

/* ---- the bound ---- */

/* One query row: q[D] at position pos against the visible rows lo..pos of
   one KV head (kh, vh: row j at j D), sink when has_sink. Writes the exact
   output into Y[D] (double) and the bound into bnd[D]:

   Scores. The kernel computes s_j = fl(dot_j * sc_hat), dot_j in
   vik_dot_f32's order: |dot_hat - dot| <= gamma_k P_j + D 2^-149, P_j =
   sum |q_i k_ji|, k = ceil(D/16) + 5 (linear.h); sc_hat = fl(1 / fl(sqrt D))
   = sc (1 + t), |t| <= rho_sc = (1 + u)/(1 - u) - 1. So
     |s_hat_j - s_j| <= Delta_j = sc (1 + rho_sc)(1 + u)(gamma_k P_j + D 2^-149)
                                + |s_j| ((1 + rho_sc)(1 + u) - 1) + 2^-149.
   With Delta = max_j Delta_j, the exact softmax p^ of the computed scores
   and the true one p differ by a factor in [e^-2Delta, e^2Delta] (numerator
   and normaliser each move by at most e^Delta; the sink's logit is exact).
   Softmax of the computed scores (test_nn_ref.c's derivation, made
   relative): every exponent argument the kernel forms is within
   R = min(max spread + 2 Delta, 128) of 0 (beyond 128 the term is 0 and
   below 2^-184: inside the absolute part), so each term is within
   r = e^(uR)(1 + 2u) - 1 relative plus 2^-149 absolute; the N = n + has_sink
   term sum within gamma_N; the computed sum is >= 1 and at least the exact
   one over kappa = 1 / ((1 - r - N 2^-149)(1 - gamma_N)); the division one
   more u. Hence |w_j - p^_j| <= rho_sm p^_j + A,
     rho_sm = kappa (2r + gamma_N (1 + r) + u (1 + r)) + kappa (1 + gamma_N) N 2^-149,
     A = 2^-147,
   and with e2 = e^(2 Delta): |w_j - p_j| <= rho_w p_j + A,
     rho_w = rho_sm e2 + e2 - 1.
   Weighted sum: out_d accumulates fl(w_j v_jd) in increasing j from 0, a
   sequential dot product of n terms: error <= gamma_n sum |w_j v_jd| +
   n 2^-149. Altogether, V_d = sum_j p_j |v_jd|, V1_d = sum_j |v_jd|:
     |out_d - Y_d| <= (rho_w + gamma_n (1 + rho_w)) V_d + A (1 + gamma_n) V1_d
                      + n 2^-149.
   *slack gets what a float64 reference may be off by, (n + D) 2^-50 V1_d
   (added to the comparison with out64, not to the printed ratios). */
static void attn_bound(const float *q, const float *kh, const float *vh, uint32_t D,
                       uint32_t lo, uint32_t pos, int has_sink, float sink, double *Y,
                       double *bnd, double *slack, double *sbuf)
{
    uint32_t n = pos - lo + 1u, N = n + (has_sink != 0), j, i;
    double sc = 1.0 / sqrt((double)D), rho_sc = (1 + U) / (1 - U) - 1;
    double f = (1 + rho_sc) * (1 + U), gk = gamma_n((double)((D + 15u) / 16u + 5u));
    double Delta = 0, m = has_sink ? (double)sink : -INFINITY, spread = 0, S = 0;
    double R, r, gN, kappa, rho_sm, A = 4 * TINY, e2, rho_w, gn;
    for (j = 0; j < n; j++) {
        const float *kr = kh + (size_t)(lo + j) * D;
        long double dot = 0, P = 0;
        double dj;
        for (i = 0; i < D; i++) {
            long double pr = (long double)q[i] * (long double)kr[i];
            dot += pr;
            P += pr < 0 ? -pr : pr;
        }
        sbuf[j] = (double)(dot * (long double)sc);
        dj = sc * f * (gk * (double)P + D * TINY) + dabs(sbuf[j]) * (f - 1) + TINY;
        if (dj > Delta)
            Delta = dj;
        if (sbuf[j] > m)
            m = sbuf[j];
    }
    for (j = 0; j < n; j++) {
        if (m - sbuf[j] > spread)
            spread = m - sbuf[j];
        S += exp(sbuf[j] - m);
    }
    if (has_sink) {
        if (m - sink > spread)
            spread = m - sink;
        S += exp((double)sink - m);
    }
    R = spread + 2 * Delta < 128 ? spread + 2 * Delta : 128;
    r = exp(U * R) * (1 + 2 * U) - 1;
    gN = gamma_n(N);
    kappa = 1 / ((1 - r - N * TINY) * (1 - gN));
    rho_sm = kappa * (2 * r + gN * (1 + r) + U * (1 + r)) + kappa * (1 + gN) * N * TINY;
    e2 = exp(2 * Delta);
    rho_w = rho_sm * e2 + e2 - 1;
    gn = gamma_n(n);
    for (i = 0; i < D; i++) {
        double y = 0, V = 0, V1 = 0;
        for (j = 0; j < n; j++) {
            double p = exp(sbuf[j] - m) / S, vv = vh[(size_t)(lo + j) * D + i];
            y += p * vv;
            V += p * dabs(vv);
            V1 += dabs(vv);
        }
        Y[i] = y;
        bnd[i] = (rho_w + gn * (1 + rho_w)) * V + A * (1 + gn) * V1 + n * TINY;
        slack[i] = (double)(n + D) * 0x1p-50 * V1 + 0x1p-1000;
    }
}

static uint32_t vis_lo(uint32_t pos, uint32_t W)
{
    return W > 0u && pos >= W ? pos - W + 1u : 0u;
}

/* Every output of c (computed into out) against want (NULL: the double
   implementation of attn_bound) within the bound; one check. */
static void check_bound(const acase *c, const float *out, const double *want,
                        const char *label)
{
    double *Y = malloc(c->D * sizeof *Y), *bnd = malloc(c->D * sizeof *bnd);
    double *sl = malloc(c->D * sizeof *sl), *sbuf = malloc(c->S * sizeof *sbuf);
    char desc[500];
    uint32_t h, t, d, g = c->Hq / c->Hkv;
    size_t nout = 0, bad = 0;
    double maxerr = 0, worst = 0;
    char det[600] = "";
    if (!Y || !bnd || !sl || !sbuf) {
        check(0, "allocate");
        goto out;
    }
    for (h = 0; h < c->Hq; h++)
        for (t = 0; t < c->Tq; t++) {
            uint32_t pos = c->qpos0 + t, lo = vis_lo(pos, c->W);
            size_t row = ((size_t)h * c->Tq + t) * c->D;
            const float *kh = c->k + (size_t)(h / g) * c->S * c->D;
            const float *vh = c->v + (size_t)(h / g) * c->S * c->D;
            attn_bound(c->q + row, kh, vh, c->D, lo, pos, c->sinks != NULL,
                       c->sinks ? c->sinks[h] : 0.0f, Y, bnd, sl, sbuf);
            for (d = 0; d < c->D; d++) {
                double w = want ? want[row + d] : Y[d], e = dabs((double)out[row + d] - w);
                nout++;
                if (e > maxerr)
                    maxerr = e;
                if (e / bnd[d] > worst)
                    worst = e / bnd[d];
                if (!(e <= bnd[d] + sl[d]) && bad++ < SHOW)
                    append(det, sizeof det, "out[%u, %u, %u] = %.9g, want %.17g, |err| "
                           "%.3g > bound %.3g; ", h, t, d, (double)out[row + d], w, e,
                           bnd[d]);
            }
        }
    snprintf(desc, sizeof desc, "%s [Hq %u, Hkv %u, Tq %u, S %u, D %u, qpos0 %u, W %u%s]: "
             "%zu outputs within the attention bound: max |err| %.3g, worst err/bound "
             "%.3f", label, c->Hq, c->Hkv, c->Tq, c->S, c->D, c->qpos0, c->W,
             c->sinks ? ", sinks" : "", nout, maxerr, worst);
    check_msg(bad == 0, desc, "%zu outside: %s", bad, det);
out:
    free(Y);
    free(bnd);
    free(sl);
    free(sbuf);
}

/* ---- running the kernel ---- */

/* vik_attention on c into a fresh buffer (canary-filled, every entry must be
   overwritten); NULL and a FAIL line on error. */
static float *run_attention(const acase *c, const char *label)
{
    size_t n = (size_t)c->Hq * c->Tq * c->D, i, left = 0;
    float *out = malloc(n * sizeof *out), *w = malloc(VIK_ATTN_SCRATCH(c->S) * sizeof *w);
    int rc;
    char desc[300];
    if (!out || !w) {
        check(0, "allocate");
        free(out);
        free(w);
        return NULL;
    }
    for (i = 0; i < n; i++)
        out[i] = u2f(CANARY);
    rc = vik_attention(out, c->q, c->k, c->v, c->Hq, c->Hkv, c->D, c->Tq, c->qpos0, c->S,
                       c->W, c->sinks, w);
    for (i = 0; i < n; i++)
        left += f2u(out[i]) == CANARY;
    free(w);
    if (rc != VIK_OK || left) {
        snprintf(desc, sizeof desc, "%s: vik_attention returns VIK_OK and writes every "
                 "output", label);
        check_msg(0, desc, "rc %d, %zu outputs not written", rc, left);
        free(out);
        return NULL;
    }
    return out;
}

/* (c) and (d): each query row alone (Tq = 1) on the same cache, then on a
   cache cut to capacity pos + 1, then with every row it must not see
   replaced: bit-equal to row t of the full call `full`. */
static void check_decode(const acase *c, const float *full, const char *label)
{
    uint32_t t, h, j, d, kv;
    size_t bad = 0, bad_cut = 0, bad_hidden = 0, calls = 0;
    size_t kvn = (size_t)c->Hkv * c->S * c->D;
    float *q1 = malloc((size_t)c->Hq * c->D * sizeof *q1);
    float *o1 = malloc((size_t)c->Hq * c->D * sizeof *o1);
    float *w = malloc(VIK_ATTN_SCRATCH(c->S) * sizeof *w);
    float *k2 = malloc(kvn * sizeof *k2), *v2 = malloc(kvn * sizeof *v2);
    char desc[500], det[600] = "";
    if (!q1 || !o1 || !w || !k2 || !v2) {
        check(0, "allocate");
        goto out;
    }
    for (t = 0; t < c->Tq; t++) {
        uint32_t pos = c->qpos0 + t, lo = vis_lo(pos, c->W), S2 = pos + 1u;
        int rc;
        for (h = 0; h < c->Hq; h++)
            memcpy(q1 + (size_t)h * c->D, c->q + ((size_t)h * c->Tq + t) * c->D,
                   c->D * sizeof *q1);
        /* same cache */
        rc = vik_attention(o1, q1, c->k, c->v, c->Hq, c->Hkv, c->D, 1u, pos, c->S, c->W,
                           c->sinks, w);
        calls++;
        for (h = 0; h < c->Hq; h++)
            if ((rc != VIK_OK || memcmp(o1 + (size_t)h * c->D,
                                        full + ((size_t)h * c->Tq + t) * c->D,
                                        c->D * sizeof *o1) != 0) && bad++ < SHOW)
                append(det, sizeof det, "row t %u head %u differs (rc %d); ", t, h, rc);
        /* the cache cut to capacity pos + 1 */
        for (kv = 0; kv < c->Hkv; kv++) {
            memcpy(k2 + (size_t)kv * S2 * c->D, c->k + (size_t)kv * c->S * c->D,
                   (size_t)S2 * c->D * sizeof *k2);
            memcpy(v2 + (size_t)kv * S2 * c->D, c->v + (size_t)kv * c->S * c->D,
                   (size_t)S2 * c->D * sizeof *v2);
        }
        rc = vik_attention(o1, q1, k2, v2, c->Hq, c->Hkv, c->D, 1u, pos, S2, c->W, c->sinks, w);
        for (h = 0; h < c->Hq; h++)
            if ((rc != VIK_OK || memcmp(o1 + (size_t)h * c->D,
                                        full + ((size_t)h * c->Tq + t) * c->D,
                                        c->D * sizeof *o1) != 0) && bad_cut++ < SHOW)
                append(det, sizeof det, "cut cache: row t %u head %u differs; ", t, h);
        /* rows it must not see (j < lo, j > pos) replaced by other values */
        memcpy(k2, c->k, kvn * sizeof *k2);
        memcpy(v2, c->v, kvn * sizeof *v2);
        for (kv = 0; kv < c->Hkv; kv++)
            for (j = 0; j < c->S; j++)
                if (j < lo || j > pos)
                    for (d = 0; d < c->D; d++) {
                        size_t o = ((size_t)kv * c->S + j) * c->D + d;
                        k2[o] = (float)((double)(rnd() >> 8) * 0x1p-20 - 8.0);
                        v2[o] = (float)((double)(rnd() >> 8) * 0x1p-20 - 8.0);
                    }
        rc = vik_attention(o1, q1, k2, v2, c->Hq, c->Hkv, c->D, 1u, pos, c->S, c->W,
                           c->sinks, w);
        for (h = 0; h < c->Hq; h++)
            if ((rc != VIK_OK || memcmp(o1 + (size_t)h * c->D,
                                        full + ((size_t)h * c->Tq + t) * c->D,
                                        c->D * sizeof *o1) != 0) && bad_hidden++ < SHOW)
                append(det, sizeof det, "hidden rows changed: row t %u head %u differs; ",
                       t, h);
    }
    snprintf(desc, sizeof desc, "%s: decode equals prefill: each of the %zu query rows "
             "alone (Tq = 1, qpos0 = its position, same cache) bit-equal to the full call",
             label, calls);
    check_msg(bad == 0, desc, "%zu heads differ: %s", bad, det);
    snprintf(desc, sizeof desc, "%s: each row alone on the cache cut to capacity pos + 1: "
             "bit-equal", label);
    check_msg(bad_cut == 0, desc, "%zu heads differ: %s", bad_cut, det);
    snprintf(desc, sizeof desc, "%s: k, v rows outside each query's window (future, and "
             "<= pos - W) replaced: output bit-equal (only visible rows are read)", label);
    check_msg(bad_hidden == 0, desc, "%zu heads differ: %s", bad_hidden, det);
out:
    free(q1);
    free(o1);
    free(w);
    free(k2);
    free(v2);
}

/* ---- (a)-(c) the reference cases ---- */

/* The integer (true: 1, false: 0) after "key": in a JSON text; -1 if the
   key is absent or its value is neither (a reader independent of
   vik-ref's). */
static long meta_value(const char *text, const char *key)
{
    char pat[64];
    const char *p;
    long v = 0;
    snprintf(pat, sizeof pat, "\"%s\"", key);
    p = strstr(text, pat);
    if (!p)
        return -1;
    p += strlen(pat);
    while (*p == ' ' || *p == ':')
        p++;
    if (strncmp(p, "true", 4) == 0)
        return 1;
    if (strncmp(p, "false", 5) == 0)
        return 0;
    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9')
        v = v * 10 + (*p++ - '0');
    return v;
}

static void test_case(const char *name)
{
    static const char *const names[] = {"out64.npy"};
    char dir[256], path[300], desc[300];
    npy_array q, k, v, s, ref;
    unsigned char *meta;
    size_t mlen = 0, want[3], ws[1];
    acase c;
    float *out = NULL;
    long qpos0, W, sinks, Dh;
    memset(&s, 0, sizeof s);
    snprintf(dir, sizeof dir, "%s/%s", DATA, name);
    snprintf(path, sizeof path, "%s/meta.json", dir);
    meta = slurp(path, &mlen);
    if (!meta) {
        check(0, "read meta.json");
        return;
    }
    meta[mlen] = '\0';
    qpos0 = meta_value((char *)meta, "qpos0");
    W = meta_value((char *)meta, "window");
    sinks = meta_value((char *)meta, "sinks");
    Dh = meta_value((char *)meta, "Dh");
    free(meta);
    if (!load_arr(dir, "q.npy", NPY_F32, 3, NULL, &q))
        return;
    if (!load_arr(dir, "k.npy", NPY_F32, 3, NULL, &k))
        goto e1;
    if (!load_arr(dir, "v.npy", NPY_F32, 3, k.shape, &v))
        goto e2;
    if (!load_arr(dir, "out64.npy", NPY_F64, 3, q.shape, &ref))
        goto e3;
    ws[0] = q.shape[0];
    if (sinks == 1 && !load_arr(dir, "sinks.npy", NPY_F32, 1, ws, &s))
        goto e4;
    c.Hq = (uint32_t)q.shape[0];
    c.Tq = (uint32_t)q.shape[1];
    c.D = (uint32_t)q.shape[2];
    c.Hkv = (uint32_t)k.shape[0];
    c.S = (uint32_t)k.shape[1];
    c.qpos0 = (uint32_t)qpos0;
    c.W = (uint32_t)W;
    c.q = q.data;
    c.k = k.data;
    c.v = v.data;
    c.sinks = sinks == 1 ? s.data : NULL;
    snprintf(desc, sizeof desc, "%s: meta.json (qpos0 %ld, window %ld, sinks %ld, Dh %ld) "
             "agrees with the shapes and the contract", name, qpos0, W, sinks, Dh);
    want[0] = k.shape[2];
    if (!check_msg(qpos0 >= 0 && W >= 0 && (sinks == 0 || sinks == 1) &&
                   Dh == (long)want[0] && k.shape[2] == q.shape[2] && c.Hq % c.Hkv == 0 &&
                   c.qpos0 + c.Tq <= c.S, desc, "%s", "mismatch"))
        goto e5;
    out = run_attention(&c, name);
    if (!out)
        goto e5;
    check_bound(&c, out, ref.data, name);
    {
        const float *wo[1];
        wo[0] = out;
        vikref_same(dir, name, 1, names, wo, &q.count);
    }
    check_decode(&c, out, name);
e5:
    free(out);
    npy_free(&s);
e4:
    npy_free(&ref);
e3:
    npy_free(&v);
e2:
    npy_free(&k);
e1:
    npy_free(&q);
}

/* ---- (d), (e) random cases ---- */

static float rnd_val(double scale)
{
    return (float)(scale * ((double)(rnd() >> 8) * 0x1p-23 - 1.0));
}

static void test_random(void)
{
    static const struct { uint32_t Hq, Hkv, D, T, qpos0, W; int sinks; double qs; } R[] = {
        {8, 2, 24, 37, 0, 0, 0, 3.0},     {8, 2, 24, 37, 0, 5, 0, 3.0},
        {8, 2, 24, 37, 0, 5, 1, 3.0},     {4, 4, 64, 50, 20, 0, 1, 6.0},
        {6, 3, 1, 20, 0, 3, 0, 40.0},     {2, 1, 130, 33, 5, 16, 1, 2.0},
        {4, 1, 16, 70, 0, 1, 1, 8.0},
        /* decode takes 4 query heads of a KV head at a time: 6, 8 and 5
           heads per KV head leave 2, 0 and 1 heads to the one-head path */
        {12, 2, 20, 30, 0, 7, 1, 3.0},    {8, 1, 33, 25, 3, 0, 1, 2.0},
        {5, 1, 16, 19, 0, 0, 0, 5.0},
    };
    size_t r, i;
    rnd_seed(0xA77E9710u);
    for (r = 0; r < COUNT(R); r++) {
        acase c;
        size_t nq, nkv;
        float *out = NULL, *out2 = NULL, *out3 = NULL, *sk = NULL;
        char label[64];
        c.Hq = R[r].Hq;
        c.Hkv = R[r].Hkv;
        c.D = R[r].D;
        c.S = R[r].T;
        c.qpos0 = R[r].qpos0;
        c.Tq = R[r].T - R[r].qpos0;
        c.W = R[r].W;
        nq = (size_t)c.Hq * c.Tq * c.D;
        nkv = (size_t)c.Hkv * c.S * c.D;
        c.q = malloc(nq * sizeof *c.q);
        c.k = malloc(nkv * sizeof *c.k);
        c.v = malloc(nkv * sizeof *c.v);
        sk = malloc(c.Hq * sizeof *sk);
        c.sinks = R[r].sinks ? sk : NULL;
        snprintf(label, sizeof label, "random %zu", r);
        if (!c.q || !c.k || !c.v || !sk) {
            check(0, "allocate");
            goto next;
        }
        for (i = 0; i < nq; i++)
            c.q[i] = rnd_val(R[r].qs);
        for (i = 0; i < nkv; i++) {
            c.k[i] = rnd_val(3.0);
            c.v[i] = rnd_val(4.0);
        }
        for (i = 0; i < c.Hq; i++)
            sk[i] = rnd_val(4.0);
        out = run_attention(&c, label);
        if (!out)
            goto next;
        check_bound(&c, out, NULL, label);
        check_decode(&c, out, label);
        if (c.sinks) {
            /* a sink of -2^60 weighs e^-2^60 = 0: the same bits as none */
            acase c2 = c;
            for (i = 0; i < c.Hq; i++)
                sk[i] = -0x1p60f;
            out2 = run_attention(&c2, label);
            c2.sinks = NULL;
            out3 = run_attention(&c2, label);
            check_msg(out2 && out3 && memcmp(out2, out3, nq * sizeof *out3) == 0,
                      "sinks of -2^60 give the same bits as no sinks", "%s", "differ");
        }
    next:
        free(out);
        free(out2);
        free(out3);
        free(c.q);
        free(c.k);
        free(c.v);
        free(sk);
    }
}

/* ---- (f) refused dimensions ---- */

static void test_edomain(void)
{
    static const struct { uint32_t Hq, Hkv, Tq, qpos0, S; const char *why; } B[] = {
        {6, 4, 2, 0, 8, "Hq = 6 not a multiple of Hkv = 4"},
        {3, 2, 1, 0, 8, "Hq = 3 not a multiple of Hkv = 2"},
        {4, 2, 1, 8, 8, "qpos0 = S = 8"},
        {4, 2, 1, 9, 8, "qpos0 = 9 > S = 8"},
        {4, 2, 1, 0xFFFFFFFFu, 8, "qpos0 = 2^32 - 1"},
        {4, 2, 3, 6, 8, "Tq = 3 > S - qpos0 = 2"},
        {4, 2, 9, 0, 8, "Tq = 9 > S = 8"},
        {4, 2, 2, 7, 8, "qpos0 = S - 1, Tq = 2"},
    };
    enum { D = 8, SMAX = 8, NMAX = 6 * 9 * D };
    static float q[NMAX], k[4 * SMAX * D], v[4 * SMAX * D], out[NMAX], w[VIK_ATTN_SCRATCH(SMAX)];
    float sinks[8];
    size_t b, i;
    for (i = 0; i < NMAX; i++)
        q[i] = (float)(i % 7) - 3.0f;
    for (i = 0; i < 4 * SMAX * D; i++)
        k[i] = v[i] = (float)(i % 5) - 2.0f;
    for (i = 0; i < 8; i++)
        sinks[i] = 0.5f;
    for (b = 0; b < COUNT(B); b++) {
        size_t touched = 0;
        char desc[300];
        int rc, withs;
        for (withs = 0; withs < 2; withs++) {
            for (i = 0; i < NMAX; i++)
                out[i] = u2f(CANARY);
            for (i = 0; i < VIK_ATTN_SCRATCH(SMAX); i++)
                w[i] = u2f(CANARY);
            rc = vik_attention(out, q, k, v, B[b].Hq, B[b].Hkv, D, B[b].Tq, B[b].qpos0,
                               B[b].S, 0u, withs ? sinks : NULL, w);
            for (i = 0; i < NMAX; i++)
                touched += f2u(out[i]) != CANARY;
            for (i = 0; i < VIK_ATTN_SCRATCH(SMAX); i++)
                touched += f2u(w[i]) != CANARY;
            snprintf(desc, sizeof desc, "vik_attention with %s%s: VIK_EDOMAIN, out and "
                     "scratch untouched (canary)", B[b].why, withs ? ", sinks" : "");
            check_msg(rc == VIK_EDOMAIN && touched == 0, desc, "rc %d, %zu entries written",
                      rc, touched);
        }
    }
}

int main(void)
{
    static const char *const CASES[] = {"case0", "case1", "case2", "case3", "case4", "case5"};
    size_t i;
    if (!tmpdir_make("attn")) {
        check(0, "create a temporary directory");
        return check_done();
    }
    rnd_seed(0x0A77E5u);
    for (i = 0; i < COUNT(CASES); i++)
        test_case(CASES[i]);
    test_random();
    test_edomain();
    rm_tree(tmpdir);
    return check_done();
}
