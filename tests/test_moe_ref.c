/* MoE routing (kernels/moe.h) against the vendored references in
   tests/data/moe (copied from shared/reference/moe: T = 64 tokens, E = 16
   experts; idx int32 [T, k] and weight64 float64 [T, k] computed by
   PyTorch in float64 from the float32 logits), and properties on random
   rows against the brute-force oracles of tests/oracle_moe.h.

   (a) References, per rule (mixtral: softmax, top-2, renormalised;
       qwen_nonorm: softmax, top-4; gptoss: top-4 of the logits, softmax
       over them; deepseek_v3: sigmoid, grouped selection on sigmoid + bias,
       weights normalised times 2.5): the kernel's idx equal to the
       reference's, every token, every position; the DeepSeek oracle on the
       kernel's sigmoid agrees too; the weights within the bound derived
       below for that rule (printing the max |err|, the largest bound and
       the worst err/bound); vik-ref on the case writes exactly idx.npy
       (byte-identical to the reference file: int32 [T, k] as numpy.save)
       and weight64.npy (float32, bit-equal to the direct kernel calls).
   (b) vik_topk on random rows (E up to 512, k up to 32; values from a
       small set with many ties, -0 and +0 among them, or spread over many
       binades with subnormals and +-FLT_MAX, or all equal): idx equal to
       the oracle's (sort by (score desc, index asc), take k); indices
       distinct and in range; every expert left out ranks after every
       expert chosen.
   (c) vik_route_softmax_topk, renorm 0 and 1, random rows with ties, -inf
       (masked) entries, +-2^100 and fully masked rows: VIK_OK; score
       bit-equal to vik_softmax; idx equal to the oracle's top-k of score;
       renorm 0: w[j] bit-equal to score[idx[j]]; weights finite in [0, 1]
       and within the rule's bound.
   (d) vik_route_topk_softmax, random rows with ties and +-2^100: VIK_OK;
       idx equal to the oracle's top-k of the logits; w bit-equal to
       vik_softmax of the chosen logits; in [0, 1], within the bound.
   (e) vik_route_deepseek on random shapes (n_group up to 64, E up to 512,
       k up to 32) with tied logits and biases, +-2^100 logits, +-2^20
       biases and random rsf: VIK_OK; idx and groups[] equal to the
       oracle's; score bit-equal to vik_sigmoid; every chosen expert in a
       kept group; distinct, in range; weights in [0, rsf] and within the
       bound. Masked groups: every eligible selection score negative while
       experts of the other groups have large positive scores (up to
       2^20): no chosen expert outside the kept groups, the kept groups
       exactly the eligible ones, and the oracle agrees.
   (f) The error contract: NaN (quiet, signalling, negative), +inf,
       |x| > 2^100 (and -inf for gpt-oss and DeepSeek) anywhere in the
       logits, a DeepSeek bias that is NaN, infinite or past 2^20, and
       DeepSeek group dimensions outside ds_dims: VIK_EDOMAIN with idx[j]
       == j and w[j] == 0 (from canary-filled outputs); the edges +-2^100
       and +-2^20 themselves accepted. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "moe.h"
#include "nn.h"
#include "npy.h"
#include "util.h"
#include "rng.h"
#include "nnref.h"
#include "oracle_moe.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define DATA "tests/data/moe"
#define CANARY 0x7FA5A5A5u      /* a NaN no kernel produces */
#define IDX_CANARY 0xDEADBEEFu

/* Slack for the comparisons only (not in the printed ratios): the float64
   reference's own rounding (a few E 2^-53 relative, E <= 512) and our double
   evaluation of the exact weights (exp of a difference of floats rounded
   in double: |d| 2^-53 relative with |d| <= 128 where it matters). */
#define SLACK(w) (0x1p-40 * dabs(w) + 0x1p-1000)

/* ===================================================== error bounds */

/* Softmax over n entries (as vik_softmax computes it; the derivation of
   tests/test_nn_ref.c, without a sink). m = the largest finite x, E_i =
   e^(x_i - m) (0 for -inf), S = sum E_j, P_i = E_i / S.
     d_i = fl(x_i - m) = (x_i - m)(1 + d), |d| <= u: e^(d_i) = E_i e^t,
       |t| <= u |x_i - m|;
     e_i = vik_exp_neg(d_i), < 1 ulp (kernels/nn.h): |e_i - e^(d_i)| <=
       2u e^(d_i) + 2^-149; together |e_i - E_i| <= b_i = E_i (e^(u |x_i -
       m|)(1 + 2u) - 1) + 2^-149; b_i = E_i when |x_i - m| > 128 (then d_i <
       -104 and e_i = 0); b_i = 0 for a masked entry (e_i = E_i = 0);
     s = the n terms summed in order from 0 (n - 1 roundings, all terms >=
       0): |s - sum e| <= gamma_(n-1) sum e, so with B = sum b_j,
       |s - S| <= B + gamma (S + B), and s >= s_lo = max(1, (S - B)(1 -
       gamma)) (the max's term is exactly 1);
     p_i = fl(e_i / s) = (e_i / s)(1 + d) (+ 2^-150 if subnormal).
   |p_i - P_i| <= beta_i = (b_i + P_i (B + gamma (S + B)) + u (E_i + b_i))
   / s_lo + 2^-149. P[i] and beta[i] written; all zeros for a fully masked
   row (the kernel gives exact zeros there). */
static void softmax_bound(const float *x, uint32_t n, double *P, double *beta)
{
    double m = -INFINITY, S = 0, B = 0, g, slo;
    uint32_t i;
    for (i = 0; i < n; i++)
        if (x[i] >= -FLT_MAX && (double)x[i] > m)
            m = x[i];
    if (m == -INFINITY) {
        for (i = 0; i < n; i++)
            P[i] = beta[i] = 0;
        return;
    }
    for (i = 0; i < n; i++) {
        double d = (double)x[i] - m, E = x[i] < -FLT_MAX ? 0 : exp(d);
        P[i] = E;
        beta[i] = x[i] < -FLT_MAX ? 0 : -d > 128 ? E : E * (exp(U * -d) * (1 + 2 * U) - 1) + TINY;
        S += E;
        B += beta[i];
    }
    g = gamma_n(n - 1);
    slo = (S - B) * (1 - g);
    if (slo < 1)
        slo = 1;
    for (i = 0; i < n; i++) {
        double E = P[i];
        P[i] = E / S;
        beta[i] = (beta[i] + P[i] * (B + g * (S + B)) + U * (E + beta[i])) / slo + TINY;
    }
}

/* The renormalising step (Mixtral, DeepSeek): k computed values q_a with
   |q_a - Q_a| <= beta_a, summed in rank order from 0 (k - 1 roundings: s =
   (sum q)(1 + theta), |theta| <= gamma_(k-1)), then one division w_j =
   fl(q_j / s) (clamped to 1, which only moves it toward W_j <= 1). With
   Bs = sum beta_a, Q = sum Q_a > Bs, W_j = Q_j / Q:
     |q_j / sum q - W_j| = |beta'_j Q - Q_j (sum q - Q)| / (Q sum q)
                         <= r_j = (beta_j + W_j Bs) / (Q - Bs);
     fl(q_j / s) = (q_j / sum q)(1 + d) / (1 + theta): relative
       rho = (1 + u) / (1 - gamma_(k-1)) - 1;
   |w_j - W_j| <= r_j + (W_j + r_j) rho + 2^-149 (a subnormal quotient). */
static double ratio_bound(double Wj, double betaj, double Bs, double Q, uint32_t k)
{
    double r = (betaj + Wj * Bs) / (Q - Bs);
    double rho = (1 + U) / (1 - gamma_n(k - 1)) - 1;
    return r + (Wj + r) * rho + TINY;
}

/* vik_sigmoid (test_nn_ref.c's derivation): |sigma_hat - sigma| <= sigma
   ((1 + 2u)(1 + u) / ((1 - u - 2^-149)(1 - u)) - 1) + 2^-148: the exp
   (< 1 ulp), 1 + e and the division, each one rounding. */
static double sigmoid_beta(double s)
{
    double rel = (1 + 2 * U) * (1 + U) / ((1 - U - TINY) * (1 - U)) - 1;
    return s * rel + 2 * TINY;
}

enum { R_SOFTMAX_TOPK, R_TOPK_SOFTMAX, R_DEEPSEEK };

typedef struct {
    const char *name;
    int router;
    uint32_t k;
    int renorm;
    uint32_t ng, tg;
    float rsf;
} rule;

/* The routers' sum clause (moe.h, proved): the weights of a rule that
   normalises sum over the reals to within VIK_WSUM_EB = 2^-18 of 1
   (DeepSeek: within rsf 2^-17 + 2^-140 of rsf), or they are all 0 and every
   chosen probability p[idx[j]] is below 2^-99 (p NULL: that case is not in
   the contract, as for gpt-oss, whose largest term is 1). The tolerance is
   the contract's; the check's own sum in double rounds by at most 32 2^-53
   of it (k <= 32 weights of at most 1024), about 2^-38 of the target, which
   the bound's 2^-18 (or 2^-17) of the target leaves room for.
   Mixtral's sum_fin: with a finite logit among x[0 .. E-1] the zero case
   is out (x NULL: not checked). Returns 1 when w satisfies the clause. */
static int sum_clause(const rule *c, const float *w, const float *p, const uint32_t *idx,
                      const float *x, uint32_t E)
{
    double s = 0.0, target = c->router == R_DEEPSEEK ? c->rsf : 1.0;
    double eb = c->router == R_DEEPSEEK ? c->rsf * 0x1p-17 + 0x1p-140 : VIK_WSUM_EB;
    int zero = p != NULL;
    uint32_t j;
    for (j = 0; j < c->k; j++) {
        s += w[j];
        if (!p || w[j] != 0.0f || !(p[idx[j]] < 0x1p-99f))
            zero = 0;
    }
    if (x && c->router == R_SOFTMAX_TOPK)
        for (j = 0; j < E; j++)
            if (x[j] >= -FLT_MAX && x[j] <= FLT_MAX)
                zero = 0;                  /* sum_fin: a finite logit */
    return fabs(s - target) <= eb || zero;
}

/* a rule whose weights sum to 1 (or rsf) */
static int normalises(const rule *c)
{
    return c->router != R_SOFTMAX_TOPK || c->renorm;
}

/* The exact weights of the kernel's choice idx[0 .. k-1] for one token
   (W, in double from the float32 inputs) and the bound on each computed
   weight (bnd), per rule:
   - softmax-top-k, no renormalisation (Qwen): w_j = p_(idx j): beta
     above, softmax over E (E - 1 additions in the sum);
   - softmax-top-k, renormalised (Mixtral): the softmax's beta, then
     ratio_bound over the k chosen (k - 1 additions, one division);
   - top-k-softmax (gpt-oss): the softmax bound over the k chosen logits;
   - DeepSeek: sigmoid_beta per chosen expert, ratio_bound over the k, then
     w = fl(q rsf) (clamped to rsf, toward the exact value): |w - rsf W| <=
     rsf (bq + (W + bq) u) + 2^-149.
   Returns 0 where the bound does not apply: a renormalised sum Q no larger
   than twice the error on it (chosen probabilities or sigmoids all
   vanishing, e.g. a fully masked row or logits of -2^100), where the
   kernel's guard S >= 2^-100 gives zeros instead. */
static int weight_bound(const rule *c, const float *x, uint32_t E, const uint32_t *idx,
                        double *W, double *bnd)
{
    static double P[VIK_MOE_EMAX], beta[VIK_MOE_EMAX];
    uint32_t j, k = c->k;
    double Q = 0, Bs = 0;
    if (c->router == R_TOPK_SOFTMAX) {
        float sx[VIK_MOE_KMAX];
        for (j = 0; j < k; j++)
            sx[j] = x[idx[j]];
        softmax_bound(sx, k, W, bnd);
        return 1;
    }
    if (c->router == R_SOFTMAX_TOPK) {
        softmax_bound(x, E, P, beta);
        for (j = 0; j < k; j++) {
            W[j] = P[idx[j]];
            bnd[j] = beta[idx[j]];
            Q += W[j];
            Bs += bnd[j];
        }
        if (!c->renorm)
            return 1;
    } else {
        for (j = 0; j < k; j++) {
            W[j] = 1.0 / (1.0 + exp(-(double)x[idx[j]]));
            bnd[j] = sigmoid_beta(W[j]);
            Q += W[j];
            Bs += bnd[j];
        }
    }
    if (!(Q > 2 * Bs))
        return 0;
    for (j = 0; j < k; j++) {
        double Wj = W[j] / Q, bq = ratio_bound(Wj, bnd[j], Bs, Q, k);
        if (c->router == R_DEEPSEEK) {
            W[j] = Wj * c->rsf;
            bnd[j] = c->rsf * (bq + (Wj + bq) * U) + TINY;
        } else {
            W[j] = Wj;
            bnd[j] = bq;
        }
    }
    return 1;
}

/* One token through rule c. */
static int route(const rule *c, uint32_t *idx, float *w, float *score, uint32_t *groups,
                 const float *x, const float *bias, uint32_t E)
{
    if (c->router == R_SOFTMAX_TOPK)
        return vik_route_softmax_topk(idx, w, score, x, E, c->k, c->renorm);
    if (c->router == R_TOPK_SOFTMAX)
        return vik_route_topk_softmax(idx, w, x, E, c->k);
    return vik_route_deepseek(idx, w, score, groups, x, bias, E, c->k, c->ng, c->tg, c->rsf);
}

/* ========================================================= tallies */

typedef struct {
    size_t n, bad;
    double maxerr, maxbnd, worst;
    char det[600];
} tally;

static void tally_add(tally *t, size_t tok, uint32_t j, double got, double want, double bd,
                      double slack)
{
    double e = dabs(got - want);
    t->n++;
    if (e > t->maxerr)
        t->maxerr = e;
    if (bd > t->maxbnd)
        t->maxbnd = bd;
    if (bd > 0 && e / bd > t->worst)
        t->worst = e / bd;
    if (!(e <= bd + slack) && t->bad++ < SHOW)
        append(t->det, sizeof t->det, "token %zu w[%u] = %.9g, want %.17g, |err| %.3g > "
               "bound %.3g; ", tok, j, got, want, e, bd);
}

static void tally_check(const tally *t, const char *desc)
{
    char d[800];
    snprintf(d, sizeof d, "%s: %zu weights within the bound: max |err| %.3g (%.2f u), "
             "largest bound %.3g (%.2f u), worst err/bound %.3f", desc, t->n, t->maxerr,
             t->maxerr / U, t->maxbnd, t->maxbnd / U, t->worst);
    check_msg(t->bad == 0, d, "%zu outside: %s", t->bad, t->det);
}

/* ===================================================== (a) references */

static const rule REFS[] = {
    {"mixtral", R_SOFTMAX_TOPK, 2, 1, 0, 0, 0.0f},
    {"qwen_nonorm", R_SOFTMAX_TOPK, 4, 0, 0, 0, 0.0f},
    {"gptoss", R_TOPK_SOFTMAX, 4, 0, 0, 0, 0.0f},
    {"deepseek_v3", R_DEEPSEEK, 4, 0, 4, 2, 2.5f},
};

/* vik-ref on dir writes exactly idx.npy (byte-identical to dir/idx.npy)
   and weight64.npy (float32 [T, k], bit-equal to w). */
static void vikref_moe(const char *dir, const char *label, size_t T, uint32_t k,
                       const float *w)
{
    char out[400], sub[600], ref[600], desc[600], det[600] = "", err[512];
    unsigned char *a, *b;
    size_t na = 0, nb = 0;
    npy_array wa;
    int rc, entries, ok;
    snprintf(sub, sizeof sub, "out-%s", label);
    tpath(out, sizeof out, sub);
    rc = run_vikref(dir, out);
    entries = count_entries(out);
    ok = rc == 0 && entries == 2;
    if (!ok)
        append(det, sizeof det, "exit %d (%s), %d files; ", rc, vikref(), entries);
    join(sub, sizeof sub, out, "idx.npy");
    join(ref, sizeof ref, dir, "idx.npy");
    a = slurp(sub, &na);
    b = slurp(ref, &nb);
    if (!a || !b || na != nb || memcmp(a, b, na) != 0) {
        ok = 0;
        append(det, sizeof det, "idx.npy differs from the reference file; ");
    }
    free(a);
    free(b);
    join(sub, sizeof sub, out, "weight64.npy");
    if (npy_read(sub, &wa, err, sizeof err) != NPY_OK) {
        ok = 0;
        append(det, sizeof det, "%s; ", err);
    } else {
        if (wa.dtype != NPY_F32 || wa.ndim != 2 || wa.shape[0] != T || wa.shape[1] != k ||
            memcmp(wa.data, w, T * k * sizeof *w) != 0) {
            ok = 0;
            append(det, sizeof det, "weight64.npy differs (dtype %s, %zu elements); ",
                   npy_dtype_name(wa.dtype), wa.count);
        }
        npy_free(&wa);
    }
    snprintf(desc, sizeof desc, "vik-ref on %s exits 0 and writes exactly idx.npy "
             "(byte-identical to the reference) and weight64.npy (float32, bit-equal to "
             "the direct kernel calls)", dir);
    check_msg(ok, desc, "%s", det);
    rm_tree(out);
}

static void test_refs(void)
{
    size_t c;
    for (c = 0; c < COUNT(REFS); c++) {
        const rule *r = &REFS[c];
        char dir[256], desc[500], det[600] = "";
        npy_array lg, ri, rw, rb;
        size_t T, t, want2[2], wantE[1], idx_bad = 0, orc_bad = 0, rc_bad = 0, nob = 0;
        size_t sum_bad = 0;
        uint32_t E, j, k = r->k, idx[VIK_MOE_KMAX], groups[VIK_MOE_GMAX];
        uint32_t oi[VIK_MOE_KMAX], og[VIK_MOE_GMAX];
        float score[VIK_MOE_EMAX], sel[VIK_MOE_EMAX], *w = NULL;
        double W[VIK_MOE_KMAX], bd[VIK_MOE_KMAX];
        const float *bias = NULL;
        tally tl;
        memset(&ri, 0, sizeof ri);
        memset(&rw, 0, sizeof rw);
        memset(&rb, 0, sizeof rb);
        memset(&tl, 0, sizeof tl);
        snprintf(dir, sizeof dir, "%s/%s", DATA, r->name);
        if (!load_arr(dir, "logits.npy", NPY_F32, 2, NULL, &lg))
            continue;
        T = lg.shape[0];
        E = (uint32_t)lg.shape[1];
        want2[0] = T;
        want2[1] = k;
        wantE[0] = E;
        if (E > VIK_MOE_EMAX || !load_arr(dir, "idx.npy", NPY_I32, 2, want2, &ri) ||
            !load_arr(dir, "weight64.npy", NPY_F64, 2, want2, &rw) ||
            (r->router == R_DEEPSEEK && !load_arr(dir, "bias.npy", NPY_F32, 1, wantE, &rb)))
            goto next;
        bias = rb.data;
        w = malloc(T * k * sizeof *w);
        if (!w) {
            check(0, "allocate");
            goto next;
        }
        for (t = 0; t < T; t++) {
            const float *x = (const float *)lg.data + t * E;
            const int32_t *want = (const int32_t *)ri.data + t * k;
            const double *ww = (const double *)rw.data + t * k;
            rc_bad += route(r, idx, w + t * k, score, groups, x, bias, E) != VIK_OK;
            if (normalises(r))
                sum_bad += !sum_clause(r, w + t * k, r->router == R_TOPK_SOFTMAX ? NULL : score,
                                       idx, x, E);
            for (j = 0; j < k; j++)
                if ((int32_t)idx[j] != want[j] && idx_bad++ < SHOW)
                    append(det, sizeof det, "token %zu position %u: %u, want %d; ", t, j,
                           idx[j], want[j]);
            if (r->router == R_DEEPSEEK) {
                for (j = 0; j < E; j++)
                    sel[j] = vik_sigmoid(x[j]) + bias[j];
                oracle_deepseek(oi, og, sel, E, k, r->ng, r->tg);
                orc_bad += memcmp(oi, idx, k * sizeof *oi) != 0 ||
                           memcmp(og, groups, r->tg * sizeof *og) != 0;
            }
            /* |w - weight64| <= the rule's bound (weight_bound): from u =
               2^-24 per float32 operation and vik_exp_neg's < 1 ulp, with
               the rule's operation counts: Qwen, the softmax over E (E
               subtractions and exps, E - 1 additions, one division per
               entry); Mixtral, that and the renormalising sum of k terms
               (k - 1 additions) and one division; gpt-oss, the softmax
               over the k chosen; DeepSeek, one sigmoid per chosen expert
               (exp, an addition, a division), the sum of k, one division
               and the product by rsf. */
            if (!weight_bound(r, x, E, idx, W, bd)) {
                nob++;
                continue;
            }
            for (j = 0; j < k; j++)
                tally_add(&tl, t, j, w[t * k + j], ww[j], bd[j], SLACK(ww[j]));
        }
        snprintf(desc, sizeof desc, "moe %s [T %zu, E %u, k %u]: the router returns VIK_OK "
                 "on every token", r->name, T, E, k);
        check_msg(rc_bad == 0, desc, "%zu refused", rc_bad);
        snprintf(desc, sizeof desc, "moe %s: idx equal to the reference on every token and "
                 "position (%zu indices)", r->name, T * k);
        check_msg(idx_bad == 0, desc, "%zu differ: %s", idx_bad, det);
        if (r->router == R_DEEPSEEK) {
            snprintf(desc, sizeof desc, "moe %s: the brute-force DeepSeek oracle (on the "
                     "kernel's sigmoid + bias) gives the same idx and groups on every token",
                     r->name);
            check_msg(orc_bad == 0, desc, "%zu tokens differ", orc_bad);
        }
        snprintf(desc, sizeof desc, "moe %s vs weight64 (%s bound)", r->name,
                 r->router == R_TOPK_SOFTMAX ? "softmax over the k chosen"
                 : r->router == R_DEEPSEEK   ? "sigmoid, renormalising sum and division, "
                                               "times rsf"
                 : r->renorm                 ? "softmax over E, renormalising sum and division"
                                             : "softmax over E");
        tally_check(&tl, desc);
        if (normalises(r)) {
            snprintf(desc, sizeof desc, "moe %s: the weights' sum within the contract's bound "
                     "of %s on every token", r->name, r->router == R_DEEPSEEK ? "rsf" : "1");
            check_msg(sum_bad == 0, desc, "%zu tokens outside", sum_bad);
        }
        snprintf(desc, sizeof desc, "moe %s: the weight bound applies on every token",
                 r->name);
        check_msg(nob == 0, desc, "%zu tokens without", nob);
        vikref_moe(dir, r->name, T, k, w);
    next:
        free(w);
        npy_free(&lg);
        npy_free(&ri);
        npy_free(&rw);
        npy_free(&rb);
    }
}

/* ====================================================== random rows */

static uint32_t rndn(uint32_t n)
{
    return rnd() % n;
}

/* Values from a small set: many ties, -0 and +0 among them. */
static const float TIES[] = {-3.0f, -1.0f, -0.0f, 0.0f, 0.5f, 1.0f, 2.5f};

/* +-mant 2^e, e in [-30, 30]: 24 significant bits, many binades. */
static float rnd_wide(void)
{
    float v = (float)ldexp(mant(), (int)rndn(61) - 30);
    return rnd() & 1u ? -v : v;
}

/* E in [1, 512] (mostly small), k in [1, min(E, 32)]. */
static void rnd_dims(uint32_t *E, uint32_t *k)
{
    uint32_t r = rndn(10);
    *E = r < 5 ? 1 + rndn(16) : r < 8 ? 1 + rndn(128) : 1 + rndn(VIK_MOE_EMAX);
    *k = 1 + rndn(*E < VIK_MOE_KMAX ? *E : VIK_MOE_KMAX);
}

/* A logit row, by mode: 0 ties; 1 wide; 2 ties with +-2^100; 3 all
   equal; then, if minf, some entries -inf (mode 4: all of them). */
static void rnd_row(float *x, uint32_t E, int mode, int minf)
{
    uint32_t i;
    float c = TIES[rndn(COUNT(TIES))];
    for (i = 0; i < E; i++) {
        switch (mode) {
        case 0: x[i] = TIES[rndn(COUNT(TIES))]; break;
        case 1: x[i] = rnd_wide(); break;
        case 2: x[i] = rndn(4) == 0 ? (rnd() & 1u ? 0x1p100f : -0x1p100f)
                                    : TIES[rndn(COUNT(TIES))]; break;
        default: x[i] = c; break;
        }
        if (minf && (mode == 4 || rndn(5) == 0))
            x[i] = -INFINITY;
    }
}

static int distinct_in_range(const uint32_t *idx, uint32_t k, uint32_t E)
{
    uint32_t a, b;
    for (a = 0; a < k; a++) {
        if (idx[a] >= E)
            return 0;
        for (b = 0; b < a; b++)
            if (idx[a] == idx[b])
                return 0;
    }
    return 1;
}

/* Every expert left out ranks after every expert chosen (moe.h's topk). */
static int best_property(const uint32_t *idx, const float *s, uint32_t E, uint32_t k)
{
    uint32_t e, j, a;
    for (e = 0; e < E; e++) {
        for (a = 0; a < k && idx[a] != e; a++)
            ;
        if (a < k)
            continue;
        for (j = 0; j < k; j++)
            if (!oracle_before(s, idx[j], e))
                return 0;
    }
    return 1;
}

static void show_row(char *det, size_t cap, const char *what, const float *x, uint32_t E,
                     uint32_t k, const uint32_t *got, const uint32_t *want)
{
    uint32_t i;
    append(det, cap, "%s E %u k %u: x[0..] =", what, E, k);
    for (i = 0; i < E && i < 8; i++)
        append(det, cap, " %a", (double)x[i]);
    append(det, cap, "; got %u %u, want %u %u; ", got[0], k > 1 ? got[1] : 0u, want[0],
           k > 1 ? want[1] : 0u);
}

#define TRIALS 1500

/* ------------------------------------------------------ (b) vik_topk */
static void test_topk(void)
{
    static const float EDGE[] = {FLT_MAX, -FLT_MAX, 0x1p-149f, -0x1p-149f, FLT_MIN, 0x1p100f};
    float s[VIK_MOE_EMAX];
    uint32_t idx[VIK_MOE_KMAX], want[VIK_MOE_KMAX], E, k, i, tr;
    size_t bad = 0, dist = 0, best = 0, eq = 0;
    char det[600] = "", desc[300];
    for (tr = 0; tr < 4 * TRIALS; tr++) {
        int mode = (int)rndn(4);
        rnd_dims(&E, &k);
        rnd_row(s, E, mode, 0);
        if (mode == 1)
            for (i = 0; i < E; i++)
                if (rndn(8) == 0)
                    s[i] = EDGE[rndn(COUNT(EDGE))];
        for (i = 0; i < k; i++)
            idx[i] = IDX_CANARY;
        vik_topk(idx, s, E, k);
        oracle_topk(want, s, E, k);
        if (memcmp(idx, want, k * sizeof *idx) != 0 && bad++ < SHOW)
            show_row(det, sizeof det, "vik_topk", s, E, k, idx, want);
        dist += !distinct_in_range(idx, k, E);
        best += !best_property(idx, s, E, k);
        if (mode == 3)
            for (i = 0; i < k; i++)
                eq += idx[i] != i;
    }
    snprintf(desc, sizeof desc, "vik_topk on %d random rows (E <= 512, k <= 32; ties, -0/+0, "
             "wide, subnormal, +-FLT_MAX): idx equal to the brute-force oracle (sort by "
             "(score desc, index asc), take k)", 4 * TRIALS);
    check_msg(bad == 0, desc, "%zu differ: %s", bad, det);
    check_msg(dist == 0 && best == 0 && eq == 0, "vik_topk: indices distinct and in range, "
              "every expert left out ranks after every expert chosen, an all-equal row "
              "gives 0 .. k-1", "%zu not distinct/in range, %zu not best, %zu all-equal "
              "indices off", dist, best, eq);
}

/* --------------------------------------- (c) vik_route_softmax_topk */
static void test_softmax_topk(void)
{
    float x[VIK_MOE_EMAX], score[VIK_MOE_EMAX], ref[VIK_MOE_EMAX], w[VIK_MOE_KMAX];
    uint32_t idx[VIK_MOE_KMAX], want[VIK_MOE_KMAX], E, k, j, tr;
    double W[VIK_MOE_KMAX], bd[VIK_MOE_KMAX];
    size_t rcb = 0, scb = 0, bad = 0, dist = 0, plain = 0, range = 0, nob = 0, masked = 0;
    size_t sums = 0, sum_bad = 0;
    char det[600] = "", desc[400];
    tally tl[2];
    memset(tl, 0, sizeof tl);
    for (tr = 0; tr < 2 * TRIALS; tr++) {
        rule c = {"random", R_SOFTMAX_TOPK, 0, (int)(tr & 1u), 0, 0, 0.0f};
        int mode = (int)rndn(5);
        rnd_dims(&E, &k);
        c.k = k;
        rnd_row(x, E, mode, rndn(2) == 0 || mode == 4);
        for (j = 0; j < k; j++) {
            idx[j] = IDX_CANARY;
            w[j] = u2f(CANARY);
        }
        rcb += vik_route_softmax_topk(idx, w, score, x, E, k, c.renorm) != VIK_OK;
        if (c.renorm) {
            sums++;
            sum_bad += !sum_clause(&c, w, score, idx, x, E);
        }
        (void)vik_softmax(ref, x, E);
        scb += memcmp(score, ref, E * sizeof *ref) != 0;
        oracle_topk(want, ref, E, k);
        if (memcmp(idx, want, k * sizeof *idx) != 0 && bad++ < SHOW)
            show_row(det, sizeof det, c.renorm ? "renorm" : "plain", x, E, k, idx, want);
        dist += !distinct_in_range(idx, k, E);
        for (j = 0; j < k; j++) {
            range += !(w[j] >= 0.0f && w[j] <= 1.0f);
            if (!c.renorm)
                plain += idx[j] < E && f2u(w[j]) != f2u(score[idx[j]]);
        }
        if (mode == 4)                  /* all masked: zeros, experts 0 .. k-1 */
            for (j = 0; j < k; j++)
                masked += idx[j] != j || f2u(w[j]) != 0u;
        if (!weight_bound(&c, x, E, idx, W, bd)) {
            for (j = 0; j < E && x[j] < -FLT_MAX; j++)
                ;
            nob += j < E;               /* a row with a finite logit */
            continue;
        }
        for (j = 0; j < k; j++)
            tally_add(&tl[c.renorm], tr, j, w[j], W[j], bd[j], SLACK(W[j]));
    }
    snprintf(desc, sizeof desc, "vik_route_softmax_topk on %d random rows (ties, -inf, "
             "+-2^100, all masked; renorm 0 and 1): VIK_OK, score bit-equal to vik_softmax",
             2 * TRIALS);
    check_msg(rcb == 0 && scb == 0, desc, "%zu refused, %zu scores differ", rcb, scb);
    check_msg(bad == 0, "vik_route_softmax_topk: idx equal to the oracle's top-k of the "
              "probabilities", "%zu differ: %s", bad, det);
    check_msg(dist == 0 && range == 0 && plain == 0 && masked == 0 && nob == 0,
              "vik_route_softmax_topk: indices distinct and in range, weights in [0, 1], "
              "renorm 0: w[j] bit-equal to score[idx[j]], a fully masked row gives idx 0 .. "
              "k-1 and w 0, the bound applies on every other row",
              "%zu not distinct/in range, %zu weights outside [0, 1], %zu plain weights "
              "differ, %zu masked-row entries off, %zu rows without bound", dist, range,
              plain, masked, nob);
    snprintf(desc, sizeof desc, "vik_route_softmax_topk renorm 1, %zu random rows: the "
             "weights' sum within VIK_WSUM_EB of 1 (or all 0 on an all-masked row)", sums);
    check_msg(sum_bad == 0, desc, "%zu rows outside", sum_bad);
    tally_check(&tl[0], "vik_route_softmax_topk renorm 0, random rows (softmax over E "
                "bound)");
    tally_check(&tl[1], "vik_route_softmax_topk renorm 1, random rows (softmax, "
                "renormalising sum and division bound)");
}

/* --------------------------------------- (d) vik_route_topk_softmax */
static void test_topk_softmax(void)
{
    float x[VIK_MOE_EMAX], w[VIK_MOE_KMAX], sx[VIK_MOE_KMAX], sw[VIK_MOE_KMAX];
    uint32_t idx[VIK_MOE_KMAX], want[VIK_MOE_KMAX], E, k, j, tr;
    double W[VIK_MOE_KMAX], bd[VIK_MOE_KMAX];
    size_t rcb = 0, bad = 0, dist = 0, range = 0, same = 0, sum_bad = 0;
    char det[600] = "", desc[400];
    tally tl;
    memset(&tl, 0, sizeof tl);
    for (tr = 0; tr < 2 * TRIALS; tr++) {
        rule c = {"random", R_TOPK_SOFTMAX, 0, 0, 0, 0, 0.0f};
        rnd_dims(&E, &k);
        c.k = k;
        rnd_row(x, E, (int)rndn(4), 0);
        for (j = 0; j < k; j++) {
            idx[j] = IDX_CANARY;
            w[j] = u2f(CANARY);
        }
        rcb += vik_route_topk_softmax(idx, w, x, E, k) != VIK_OK;
        sum_bad += !sum_clause(&c, w, NULL, idx, NULL, 0);
        oracle_topk(want, x, E, k);
        if (memcmp(idx, want, k * sizeof *idx) != 0 && bad++ < SHOW)
            show_row(det, sizeof det, "gpt-oss", x, E, k, idx, want);
        dist += !distinct_in_range(idx, k, E);
        for (j = 0; j < k; j++) {
            range += !(w[j] >= 0.0f && w[j] <= 1.0f);
            sx[j] = x[want[j]];
        }
        (void)vik_softmax(sw, sx, k);
        same += memcmp(sw, w, k * sizeof *w) != 0;
        if (weight_bound(&c, x, E, want, W, bd))
            for (j = 0; j < k; j++)
                tally_add(&tl, tr, j, w[j], W[j], bd[j], SLACK(W[j]));
    }
    snprintf(desc, sizeof desc, "vik_route_topk_softmax on %d random rows (ties, wide, "
             "+-2^100): VIK_OK, idx equal to the oracle's top-k of the logits", 2 * TRIALS);
    check_msg(rcb == 0 && bad == 0, desc, "%zu refused, %zu differ: %s", rcb, bad, det);
    check_msg(dist == 0 && range == 0 && same == 0, "vik_route_topk_softmax: indices "
              "distinct and in range, weights in [0, 1] and bit-equal to vik_softmax of the "
              "chosen logits", "%zu not distinct/in range, %zu outside [0, 1], %zu rows "
              "differ from vik_softmax", dist, range, same);
    check_msg(sum_bad == 0, "vik_route_topk_softmax: the weights' sum within VIK_WSUM_EB of 1 "
              "on every random row", "%zu rows outside", sum_bad);
    tally_check(&tl, "vik_route_topk_softmax, random rows (softmax over the k chosen bound)");
}

/* -------------------------------------------- (e) vik_route_deepseek */

/* Random DeepSeek dimensions within ds_dims: n_group in [1, 64], group
   size G >= 2, E = n_group G <= 512, topk_group in [1, n_group], k <=
   min(32, topk_group G). */
static void rnd_ds_dims(uint32_t *E, uint32_t *k, uint32_t *ng, uint32_t *tg)
{
    uint32_t G, lim;
    *ng = rndn(3) == 0 ? 1 + rndn(VIK_MOE_GMAX) : 1 + rndn(8);
    lim = VIK_MOE_EMAX / *ng;
    G = 2 + rndn(lim - 1 < 31 ? lim - 1 : 31);
    *E = *ng * G;
    *tg = 1 + rndn(*ng);
    lim = *tg * G < VIK_MOE_KMAX ? *tg * G : VIK_MOE_KMAX;
    *k = 1 + rndn(lim);
}

static const float RSF[] = {1.0f, 2.5f, 16.0f, 1024.0f, 0x1p-10f, 0.7f};
static const float BIAS_TIES[] = {-0.5f, 0.0f, 0.25f, 1.0f};

typedef struct {
    size_t n, rcb, scb, bad, grp, dist, elig, range, nob, sum;
    char det[600];
} ds_tally;

/* One DeepSeek call on (x, bias) with c's dimensions, checked against the
   oracle and the contract; weights into tl. */
static void ds_one(ds_tally *d, tally *tl, const rule *c, const float *x, const float *bias,
                   uint32_t E)
{
    float score[VIK_MOE_EMAX], sel[VIK_MOE_EMAX] = {0}, w[VIK_MOE_KMAX];   /* sel: gcc -O2 cannot see the loop fill it */
    uint32_t idx[VIK_MOE_KMAX], groups[VIK_MOE_GMAX], oi[VIK_MOE_KMAX], og[VIK_MOE_GMAX];
    uint32_t j, a, G = E / c->ng;
    double W[VIK_MOE_KMAX], bd[VIK_MOE_KMAX];
    for (j = 0; j < c->k; j++) {
        idx[j] = IDX_CANARY;
        w[j] = u2f(CANARY);
    }
    d->n++;
    d->rcb += route(c, idx, w, score, groups, x, bias, E) != VIK_OK;
    d->sum += !sum_clause(c, w, score, idx, NULL, 0);
    for (j = 0; j < E; j++) {
        float s = vik_sigmoid(x[j]);
        d->scb += f2u(s) != f2u(score[j]);
        sel[j] = s + bias[j];
    }
    oracle_deepseek(oi, og, sel, E, c->k, c->ng, c->tg);
    if (memcmp(oi, idx, c->k * sizeof *oi) != 0 && d->bad++ < SHOW)
        show_row(d->det, sizeof d->det, "deepseek", x, E, c->k, idx, oi);
    d->grp += memcmp(og, groups, c->tg * sizeof *og) != 0;
    d->dist += !distinct_in_range(idx, c->k, E);
    for (j = 0; j < c->k; j++) {
        for (a = 0; a < c->tg && groups[a] != idx[j] / G; a++)
            ;
        d->elig += a == c->tg;
        d->range += !(w[j] >= 0.0f && w[j] <= c->rsf);
    }
    if (!tl)
        return;
    if (!weight_bound(c, x, E, idx, W, bd)) {
        d->nob++;
        return;
    }
    /* in units of rsf (which runs from 2^-10 to 1024) */
    for (j = 0; j < c->k; j++)
        tally_add(tl, d->n, j, (double)w[j] / c->rsf, W[j] / c->rsf, bd[j] / c->rsf,
                  SLACK(W[j] / c->rsf));
}

static void ds_report(const ds_tally *d, const tally *tl, const char *what)
{
    char desc[500];
    snprintf(desc, sizeof desc, "vik_route_deepseek, %s (%zu calls): VIK_OK, score bit-equal "
             "to vik_sigmoid, idx and groups[] equal to the brute-force oracle's", what, d->n);
    check_msg(d->rcb == 0 && d->scb == 0 && d->bad == 0 && d->grp == 0, desc, "%zu refused, "
              "%zu scores differ, %zu idx differ, %zu groups differ: %s", d->rcb, d->scb,
              d->bad, d->grp, d->det);
    snprintf(desc, sizeof desc, "vik_route_deepseek, %s: indices distinct and in range, every "
             "chosen expert in a kept group, weights in [0, rsf]", what);
    check_msg(d->dist == 0 && d->elig == 0 && d->range == 0, desc, "%zu not distinct/in "
              "range, %zu outside the kept groups, %zu weights outside [0, rsf]", d->dist,
              d->elig, d->range);
    snprintf(desc, sizeof desc, "vik_route_deepseek, %s: the weights' sum within rsf 2^-17 + "
             "2^-140 of rsf (or all 0, the chosen scores below 2^-99)", what);
    check_msg(d->sum == 0, desc, "%zu calls outside", d->sum);
    if (tl) {
        snprintf(desc, sizeof desc, "vik_route_deepseek, %s, w / rsf (sigmoid, renormalising "
                 "sum and division, times rsf bound; %zu calls without a bound: chosen "
                 "sigmoids all vanishing)", what, d->nob);
        tally_check(tl, desc);
    }
}

static void test_deepseek(void)
{
    float x[VIK_MOE_EMAX], bias[VIK_MOE_EMAX];
    uint32_t E, i, g, tr, G;
    ds_tally d;
    tally tl;
    rule c = {"random", R_DEEPSEEK, 0, 0, 0, 0, 0.0f};
    memset(&d, 0, sizeof d);
    memset(&tl, 0, sizeof tl);
    for (tr = 0; tr < 2 * TRIALS; tr++) {
        int mode = (int)rndn(4), bmode = (int)rndn(4);
        rnd_ds_dims(&E, &c.k, &c.ng, &c.tg);
        c.rsf = RSF[rndn(COUNT(RSF))];
        rnd_row(x, E, mode == 1 ? 0 : mode, 0);
        if (mode == 1)
            for (i = 0; i < E; i++)
                x[i] = (float)ldexp(mant(), (int)rndn(6)) * (rnd() & 1u ? -1.0f : 1.0f);
        for (i = 0; i < E; i++)
            bias[i] = bmode == 0 ? BIAS_TIES[rndn(COUNT(BIAS_TIES))]
                      : bmode == 1 ? rnd_wide() * 0x1p-11f      /* |b| < 2^20 */
                      : bmode == 2 ? (rndn(4) == 0 ? (rnd() & 1u ? 0x1p20f : -0x1p20f) : 0.0f)
                                   : 0.0f;
        ds_one(&d, &tl, &c, x, bias, E);
    }
    ds_report(&d, &tl, "random shapes, tied and huge logits and biases");
    check_msg(d.nob < d.n / 4, "vik_route_deepseek random: the weight bound applied on most "
              "calls", "%zu of %zu without", d.nob, d.n);

    /* masked groups: the eligible groups' experts all have negative
       selection scores (bias -10: sel in [-10, -9], group scores in [-20,
       -18]); every other group has one expert far above them (bias +1000
       or +2^19) and the rest at -2^20, so its group score (at most 2^19 -
       2^20 + 2) loses to every eligible group. With at least topk_group
       eligible groups, the kept groups must all be eligible and no expert
       outside them chosen, whatever its score; with fewer, every eligible
       group is kept. The contract's "eligible" and the oracle hold in
       every case. */
    memset(&d, 0, sizeof d);
    for (tr = 0; tr < TRIALS / 2; tr++) {
        uint32_t elig[VIK_MOE_GMAX], ne = 0;
        uint32_t idx[VIK_MOE_KMAX], groups[VIK_MOE_GMAX], j, a;
        float score[VIK_MOE_EMAX], w[VIK_MOE_KMAX];
        rnd_ds_dims(&E, &c.k, &c.ng, &c.tg);
        if (c.ng < 2) {
            tr--;
            continue;
        }
        c.rsf = RSF[rndn(COUNT(RSF))];
        G = E / c.ng;
        for (g = 0; g < c.ng; g++)
            elig[g] = rndn(2) == 0;
        elig[rndn(c.ng)] = 1;           /* at least one eligible group */
        for (g = 0; g < c.ng; g++)
            ne += elig[g];
        for (g = 0; g < c.ng; g++) {
            uint32_t hot = g * G + rndn(G);
            for (i = g * G; i < g * G + G; i++) {
                x[i] = rndn(8) == 0 ? (rnd() & 1u ? 0x1p100f : -0x1p100f)
                                    : TIES[rndn(COUNT(TIES))];
                bias[i] = elig[g] ? -10.0f : i == hot ? (rndn(2) ? 1000.0f : 0x1p19f) : -0x1p20f;
            }
        }
        ds_one(&d, NULL, &c, x, bias, E);
        /* the kept groups: the eligible ones first (lowest numbers when
           ties leave a choice), chosen experts only from those while they
           have enough experts */
        memset(groups, 0, sizeof groups);
        memset(idx, 0, sizeof idx);
        d.rcb += vik_route_deepseek(idx, w, score, groups, x, bias, E, c.k, c.ng, c.tg,
                                    c.rsf) != VIK_OK;
        for (a = 0; a < c.tg && a < ne; a++)
            d.elig += !elig[groups[a]];
        if (ne >= c.tg)
            for (j = 0; j < c.k; j++)
                d.elig += !elig[idx[j] / G] || bias[idx[j]] != -10.0f;
    }
    ds_report(&d, NULL, "masked groups: every eligible selection score negative, other "
              "groups with experts at +1000 or +2^19");
}

/* ---------------------------------------------- (f) error contract */

static const uint32_t BAD_LOGIT[] = {
    0x7FC00000u, 0xFFC00000u, 0x7F800001u,     /* NaNs: quiet, negative, signalling */
    0x7F800000u,                               /* +inf */
    0x71800001u, 0xF1800001u,                  /* +-2^100 (1 + 2^-23) */
    0x7F7FFFFFu, 0xFF7FFFFFu,                  /* +-FLT_MAX */
};

/* rc must be VIK_EDOMAIN with idx[j] == j and w[j] == +0 (outputs were
   canary-filled). */
static int is_reject(int rc, const uint32_t *idx, const float *w, uint32_t k)
{
    uint32_t j;
    if (rc != VIK_EDOMAIN)
        return 0;
    for (j = 0; j < k; j++)
        if (idx[j] != j || f2u(w[j]) != 0u)
            return 0;
    return 1;
}

static void fill_canary(uint32_t *idx, float *w, uint32_t k)
{
    uint32_t j;
    for (j = 0; j < k; j++) {
        idx[j] = IDX_CANARY;
        w[j] = u2f(CANARY);
    }
}

static void test_domain(void)
{
    float x[64], bias[64], score[64], w[VIK_MOE_KMAX];
    uint32_t idx[VIK_MOE_KMAX], groups[VIK_MOE_GMAX], i, pos, E = 48, k = 6;
    size_t b, n = 0, badn = 0;
    char det[600] = "";
    int rc;
    /* one bad logit anywhere: all three routers */
    for (b = 0; b < COUNT(BAD_LOGIT); b++)
        for (pos = 0; pos < E; pos += 7) {
            for (i = 0; i < E; i++) {
                x[i] = (float)(i % 5) - 2.0f;
                bias[i] = 0.125f * (float)(i % 3);
            }
            x[pos] = u2f(BAD_LOGIT[b]);
            fill_canary(idx, w, k);
            rc = vik_route_softmax_topk(idx, w, score, x, E, k, (int)(pos & 1u));
            n++;
            if (!is_reject(rc, idx, w, k) && badn++ < SHOW)
                append(det, sizeof det, "softmax_topk 0x%08x at %u: rc %d; ",
                       (unsigned)BAD_LOGIT[b], pos, rc);
            fill_canary(idx, w, k);
            rc = vik_route_topk_softmax(idx, w, x, E, k);
            n++;
            if (!is_reject(rc, idx, w, k) && badn++ < SHOW)
                append(det, sizeof det, "topk_softmax 0x%08x at %u: rc %d; ",
                       (unsigned)BAD_LOGIT[b], pos, rc);
            fill_canary(idx, w, k);
            rc = vik_route_deepseek(idx, w, score, groups, x, bias, E, k, 8, 2, 2.5f);
            n++;
            if (!is_reject(rc, idx, w, k) && badn++ < SHOW)
                append(det, sizeof det, "deepseek 0x%08x at %u: rc %d; ",
                       (unsigned)BAD_LOGIT[b], pos, rc);
        }
    check_msg(badn == 0, "NaN (quiet, negative, signalling), +inf, +-2^100 (1 + 2^-23), "
              "+-FLT_MAX anywhere in the logits: every router returns VIK_EDOMAIN with "
              "idx[j] == j, w[j] == 0", "%zu of %zu calls: %s", badn, n, det);

    /* -inf: masked for softmax-top-k (VIK_OK), refused by gpt-oss and DeepSeek */
    det[0] = '\0';
    badn = 0;
    for (i = 0; i < E; i++) {
        x[i] = (float)(i % 5) - 2.0f;
        bias[i] = 0.0f;
    }
    x[17] = -INFINITY;
    fill_canary(idx, w, k);
    rc = vik_route_softmax_topk(idx, w, score, x, E, k, 1);
    badn += rc != VIK_OK || f2u(score[17]) != 0u;
    fill_canary(idx, w, k);
    badn += !is_reject(vik_route_topk_softmax(idx, w, x, E, k), idx, w, k);
    fill_canary(idx, w, k);
    badn += !is_reject(vik_route_deepseek(idx, w, score, groups, x, bias, E, k, 8, 2, 2.5f),
                       idx, w, k);
    check_msg(badn == 0, "a -inf logit: vik_route_softmax_topk VIK_OK with its probability "
              "exactly 0; vik_route_topk_softmax and vik_route_deepseek VIK_EDOMAIN, idx[j] "
              "== j, w[j] == 0", "%zu wrong", badn);

    /* the edges +-2^100 (logits) and +-2^20 (bias) are in the domain */
    badn = 0;
    for (i = 0; i < E; i++) {
        x[i] = i % 2 ? 0x1p100f : -0x1p100f;
        bias[i] = i % 3 ? 0x1p20f : -0x1p20f;
    }
    fill_canary(idx, w, k);
    badn += vik_route_softmax_topk(idx, w, score, x, E, k, 1) != VIK_OK;
    badn += vik_route_topk_softmax(idx, w, x, E, k) != VIK_OK;
    badn += vik_route_deepseek(idx, w, score, groups, x, bias, E, k, 8, 2, 2.5f) != VIK_OK;
    check_msg(badn == 0, "logits +-2^100 and DeepSeek biases +-2^20 exactly: VIK_OK from "
              "every router", "%zu refused", badn);

    /* DeepSeek bias outside the domain */
    {
        static const uint32_t BAD_BIAS[] = {0x7FC00000u, 0xFFC00001u, 0x7F800000u,
                                            0xFF800000u, 0x49800001u, 0xC9800001u};
        badn = 0;
        for (b = 0; b < COUNT(BAD_BIAS); b++)
            for (pos = 0; pos < E; pos += 11) {
                for (i = 0; i < E; i++) {
                    x[i] = (float)(i % 5) - 2.0f;
                    bias[i] = 0.0f;
                }
                bias[pos] = u2f(BAD_BIAS[b]);
                fill_canary(idx, w, k);
                badn += !is_reject(vik_route_deepseek(idx, w, score, groups, x, bias, E, k, 8,
                                                      2, 2.5f), idx, w, k);
            }
        check_msg(badn == 0, "vik_route_deepseek: a bias that is NaN, +-inf or +-2^20 (1 + "
                  "2^-23) anywhere: VIK_EDOMAIN, idx[j] == j, w[j] == 0", "%zu wrong", badn);
    }

    /* DeepSeek dimensions outside ds_dims (E, k, n_group, topk_group) */
    {
        static const uint32_t DIMS[][4] = {
            {48, 6, 0, 1},      /* n_group 0 */
            {48, 6, 5, 2},      /* 5 does not divide 48 */
            {48, 6, 48, 2},     /* groups of 1 */
            {48, 6, 8, 0},      /* topk_group 0 */
            {48, 6, 8, 9},      /* topk_group > n_group */
            {48, 13, 8, 2},     /* k = 13 > 2 groups of 6 */
            {48, 7, 8, 1},      /* k = 7 > 1 group of 6 */
            {256, 4, 128, 2},   /* n_group 128 > VIK_MOE_GMAX */
        };
        static float xl[256], bl[256];
        badn = 0;
        for (i = 0; i < 256; i++) {
            xl[i] = (float)(i % 5) - 2.0f;
            bl[i] = 0.0f;
        }
        for (b = 0; b < COUNT(DIMS); b++) {
            static float sc[256];
            fill_canary(idx, w, DIMS[b][1]);
            rc = vik_route_deepseek(idx, w, sc, groups, xl, bl, DIMS[b][0], DIMS[b][1],
                                    DIMS[b][2], DIMS[b][3], 2.5f);
            badn += !is_reject(rc, idx, w, DIMS[b][1]);
        }
        check_msg(badn == 0, "vik_route_deepseek: n_group 0, not dividing E, groups of 1, "
                  "topk_group 0 or > n_group, k > topk_group * G, n_group > 64: "
                  "VIK_EDOMAIN, idx[j] == j, w[j] == 0", "%zu wrong", badn);
    }
}

int main(void)
{
    if (!tmpdir_make("moe")) {
        check(0, "create a temporary directory");
        return check_done();
    }
    rnd_seed(0x5EED0FE5u);
    test_refs();
    test_topk();
    test_softmax_topk();
    test_topk_softmax();
    test_deepseek();
    test_domain();
    rm_tree(tmpdir);
    return check_done();
}
