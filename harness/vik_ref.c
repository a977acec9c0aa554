/* vik-ref CASE_DIR OUT_DIR: run the kernels on one reference case and write
   the outputs under the reference file names, so that they can be compared
   file by file with the corpus.

   The case kind is detected from the input files present (softmax and SiLU
   cases hold the same file, x.npy alone: there the case dir's name decides,
   softmax* or silu*); each kind is one entry of KINDS (detect + run). Every
   input is checked against the preconditions of the kernel it feeds (shapes,
   finite values within the contract's bounds, meta.json fields) and refused
   with a message naming the file and element otherwise. Exit status: 0 on
   success, 2 on any error (usage, missing or bad input, write failure). On
   error no output file is left behind: inputs are all loaded and checked
   before OUT_DIR is touched, and outputs are written to temporary names and
   renamed only when all of them were written. Outputs are float32 (the
   kernels' results) under the corpus's names (y64.npy, out64.npy, ...).
   VIK_THREADS=N in the environment (2..64) runs models with every matrix
   product split by rows over N threads, however small (harness/par.h): the
   determinism test compares its files with the single-threaded ones. */
#define _POSIX_C_SOURCE 200809L
#include "attn.h"
#include "formats.h"
#include "linear.h"
#include "moe.h"
#include "model.h"
#include "model_load.h"
#include "mx.h"
#include "nvfp4.h"
#include "nn.h"
#include "npy.h"
#include "rope_table.h"
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATHCAP 4096
#define MAXOUT 32
#define NAMECAP 64

/* ---- paths and directories ---- */

/* dir/name into buf; 0 if it does not fit. */
static int path_join(char *buf, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(buf, cap, "%s/%s", dir, name);
    return n >= 0 && (size_t)n < cap;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_file(const char *dir, const char *name)
{
    char p[PATHCAP];
    struct stat st;
    return path_join(p, sizeof p, dir, name) && stat(p, &st) == 0 &&
           S_ISREG(st.st_mode);
}

/* mkdir -p: create each missing component; existing directories are fine. */
static int mkdir_p(const char *path)
{
    char buf[PATHCAP];
    size_t i, n = strlen(path);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, path, n + 1);
    for (i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        buf[i] = path[i];
    }
    return is_dir(path) ? 0 : -1;
}

/* ---- inputs ---- */

/* Load dir/name and require its dtype and ndim (ndim < 0: any rank);
   message on stderr if not. */
static int load(const char *dir, const char *name, int dtype, int ndim,
                npy_array *a)
{
    char p[PATHCAP], err[512];
    if (!path_join(p, sizeof p, dir, name)) {
        fprintf(stderr, "vik-ref: %s/%s: path too long\n", dir, name);
        return -1;
    }
    if (npy_read(p, a, err, sizeof err) != NPY_OK) {
        fprintf(stderr, "vik-ref: %s\n", err);
        return -1;
    }
    if (a->dtype != dtype || (ndim >= 0 && a->ndim != ndim)) {
        if (ndim >= 0)
            fprintf(stderr, "vik-ref: %s: want %s with %d dims, got %s with %d\n",
                    p, npy_dtype_name(dtype), ndim, npy_dtype_name(a->dtype),
                    a->ndim);
        else
            fprintf(stderr, "vik-ref: %s: want %s, got %s\n", p,
                    npy_dtype_name(dtype), npy_dtype_name(a->dtype));
        npy_free(a);
        return -1;
    }
    return 0;
}

/* "[d0, d1, ...]" of ndim sizes into buf (truncated if it does not fit). */
static void dims_repr(char *buf, size_t cap, int ndim, const size_t *d)
{
    size_t len;
    int i;
    if (cap == 0)
        return;
    snprintf(buf, cap, "[");
    for (i = 0; i < ndim; i++) {
        len = strlen(buf);
        snprintf(buf + len, cap - len, "%s%zu", i ? ", " : "", d[i]);
    }
    len = strlen(buf);
    snprintf(buf + len, cap - len, "]");
}

#define DIMSCAP (NPY_MAXDIM * 22 + 4)

/* Every dimension of a (the file dir/name) at least 1; else a message. */
static int check_nonempty(const char *dir, const char *name, const npy_array *a)
{
    char sh[DIMSCAP];
    if (a->count > 0)
        return 0;
    dims_repr(sh, sizeof sh, a->ndim, a->shape);
    fprintf(stderr, "vik-ref: %s/%s: shape %s has an empty dimension; the kernels "
            "take every size >= 1\n", dir, name, sh);
    return -1;
}

/* Every float32 element of a (the file dir/name) in a kernel's domain:
   finite with |v| <= bound, or -inf where minf_ok; else a message naming
   the first offending element, what it is, the kernel (who) and its rule,
   and -1. */
static int check_f32(const char *dir, const char *name, const npy_array *a,
                     float bound, int minf_ok, const char *who, const char *rule)
{
    const float *v = a->data;
    size_t i, k, idx[NPY_MAXDIM];
    int d;
    for (i = 0; i < a->count; i++) {
        float e = v[i];
        const char *what;
        char at[DIMSCAP];
        if ((e >= -bound && e <= bound) || (minf_ok && e < -FLT_MAX))
            continue;
        what = e != e ? "NaN" : (e > FLT_MAX || e < -FLT_MAX) ? "infinite"
                                                              : "out of range";
        for (k = i, d = a->ndim - 1; d >= 0; d--) {     /* C order */
            idx[d] = k % a->shape[d];
            k /= a->shape[d];
        }
        dims_repr(at, sizeof at, a->ndim, idx);
        fprintf(stderr, "vik-ref: %s/%s: element %s = %.9g is %s; %s takes %s\n",
                dir, name, at, (double)e, what, who, rule);
        return -1;
    }
    return 0;
}

static float *alloc_f32(size_t n)
{
    /* n + 1: never malloc(0) */
    float *p = n < (size_t)-1 / sizeof *p ? malloc((n + 1) * sizeof *p) : NULL;
    if (!p)
        fprintf(stderr, "vik-ref: out of memory\n");
    return p;
}

/* ---- outputs: staged under temporary names, committed together ---- */

typedef struct {
    const char *dir;
    int n;
    char name[MAXOUT][NAMECAP];
} outset;

static int temp_path(char *buf, size_t cap, const char *dir, const char *name)
{
    char t[NAMECAP + 16];
    snprintf(t, sizeof t, ".%s.tmp", name);
    return path_join(buf, cap, dir, t);
}

/* Create OUT_DIR; called only once all inputs have been validated. */
static int out_begin(outset *o, const char *dir)
{
    o->dir = dir;
    o->n = 0;
    if (mkdir_p(dir) != 0) {
        fprintf(stderr, "vik-ref: %s: cannot create directory: %s\n", dir,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* Write one output to its temporary name. */
static int out_put(outset *o, const char *name, int dtype, int ndim,
                   const size_t *shape, const void *data)
{
    char p[PATHCAP], err[512];
    if (o->n >= MAXOUT || strlen(name) >= NAMECAP ||
        !temp_path(p, sizeof p, o->dir, name)) {
        fprintf(stderr, "vik-ref: %s/%s: too many outputs or name too long\n",
                o->dir, name);
        return -1;
    }
    /* recorded first so abort removes it; strlen(name) < NAMECAP checked above */
    memcpy(o->name[o->n++], name, strlen(name) + 1);
    if (npy_write(p, dtype, ndim, shape, data, err, sizeof err) != NPY_OK) {
        fprintf(stderr, "vik-ref: %s\n", err);
        return -1;
    }
    return 0;
}

/* Remove every temporary file written so far (unlink, not remove: never a
   directory that happens to have a temporary name). */
static void out_abort(outset *o)
{
    char p[PATHCAP];
    int i;
    for (i = 0; i < o->n; i++)
        if (temp_path(p, sizeof p, o->dir, o->name[i]))
            unlink(p);
    o->n = 0;
}

/* Rename every temporary file to its final name; one line per file. */
static int out_commit(outset *o)
{
    char t[PATHCAP], p[PATHCAP];
    int i;
    for (i = 0; i < o->n; i++) {
        if (!temp_path(t, sizeof t, o->dir, o->name[i]) ||
            !path_join(p, sizeof p, o->dir, o->name[i]) || rename(t, p) != 0) {
            fprintf(stderr, "vik-ref: %s: cannot rename into place\n", p);
            return -1;
        }
        printf("wrote %s\n", p);
    }
    return 0;
}

/* ---- kind: formats (../shared/reference/formats) ---- */

static int detect_formats(const char *dir)
{
    return has_file(dir, "encode_input.npy");
}

/* E2M1 has no NaN/inf and always saturates, so its "rne" and "sat"
   references are the same function. */
static uint8_t e2m1_encode_mode(float x, int mode)
{
    (void)mode;
    return vik_e2m1_encode(x);
}

typedef struct {
    const char *name;
    float (*decode)(uint8_t);
    unsigned ncodes;
} decoder;

typedef struct {
    const char *name;
    uint8_t (*encode)(float, int);
    int mode;
} encoder;

static const decoder DECODERS[] = {
    {"e4m3_decode.npy", vik_e4m3_decode, 256},
    {"e5m2_decode.npy", vik_e5m2_decode, 256},
    {"e8m0_decode.npy", vik_e8m0_decode, 256},
    {"e2m1_decode.npy", vik_e2m1_decode, 16},
};

/* e4m3_encode_torch / e5m2_encode_torch are not produced: they are PyTorch's
   second opinion, kept in the corpus for comparison only (tests check how
   they differ from the ml_dtypes semantics implemented here). */
static const encoder ENCODERS[] = {
    {"e4m3_encode_rne.npy", vik_e4m3_encode, VIK_NONSAT},
    {"e4m3_encode_sat.npy", vik_e4m3_encode, VIK_SAT},
    {"e5m2_encode_rne.npy", vik_e5m2_encode, VIK_NONSAT},
    {"e5m2_encode_sat.npy", vik_e5m2_encode, VIK_SAT},
    {"e2m1_encode_rne.npy", e2m1_encode_mode, VIK_NONSAT},
    {"e2m1_encode_sat.npy", e2m1_encode_mode, VIK_SAT},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int put_decoders(outset *o)
{
    float t[256];
    size_t i;
    unsigned c;
    for (i = 0; i < COUNT(DECODERS); i++) {
        size_t shape[1];
        shape[0] = DECODERS[i].ncodes;
        for (c = 0; c < DECODERS[i].ncodes; c++)
            t[c] = DECODERS[i].decode((uint8_t)c);
        if (out_put(o, DECODERS[i].name, NPY_F32, 1, shape, t) != 0)
            return -1;
    }
    return 0;
}

static int put_encoders(outset *o, const npy_array *in)
{
    const float *x = in->data;
    uint8_t *y = malloc(in->count ? in->count : 1);
    size_t i, j;
    if (!y) {
        fprintf(stderr, "vik-ref: out of memory\n");
        return -1;
    }
    for (i = 0; i < COUNT(ENCODERS); i++) {
        for (j = 0; j < in->count; j++)
            y[j] = ENCODERS[i].encode(x[j], ENCODERS[i].mode);
        if (out_put(o, ENCODERS[i].name, NPY_U8, 1, in->shape, y) != 0)
            break;
    }
    free(y);
    return i == COUNT(ENCODERS) ? 0 : -1;
}

static int run_formats(const char *dir, const char *out)
{
    npy_array in;
    outset o;
    int rc = -1;
    if (load(dir, "encode_input.npy", NPY_F32, 1, &in) != 0)
        return -1;
    if (out_begin(&o, out) == 0) {
        rc = put_decoders(&o);
        if (rc == 0)
            rc = put_encoders(&o, &in);
        if (rc == 0)
            rc = out_commit(&o);
        if (rc != 0)
            out_abort(&o);
    }
    npy_free(&in);
    return rc;
}

/* ---- kind: mx (../shared/reference/mx/caseK) ---- */

/* input.npy is float32[rows, K]; detected by name only, so that a wrong
   dtype or shape is reported as such instead of "no known case kind". */
static int detect_mx(const char *dir)
{
    return has_file(dir, "input.npy");
}

typedef struct {
    const char *prefix;     /* "<prefix>_codes.npy", ... as in the corpus */
    unsigned per_byte;      /* elements per code byte: 2 (packed E2M1) or 1 */
    void (*quantize)(const float *, uint32_t, uint8_t *, uint8_t *);
    void (*dequantize)(const uint8_t *, const uint8_t *, uint32_t, float *);
} mx_format;

static const mx_format MX_FORMATS[] = {
    {"mxfp4", 2, vik_mxfp4_quantize, vik_mxfp4_dequantize},
    {"mxfp8_e4m3", 1, vik_mxfp8_quantize, vik_mxfp8_dequantize},
};

/* Quantize x (rows x K, validated) into f's three outputs. */
static int put_mx(outset *o, const mx_format *f, const float *x, size_t rows,
                  size_t K, uint8_t *codes, uint8_t *scales, float *y)
{
    char name[NAMECAP];
    size_t shape[2];
    uint32_t n = (uint32_t)(rows * K);
    f->quantize(x, n, codes, scales);
    f->dequantize(codes, scales, n, y);
    shape[0] = rows;
    shape[1] = K / f->per_byte;
    snprintf(name, sizeof name, "%s_codes.npy", f->prefix);
    if (out_put(o, name, NPY_U8, 2, shape, codes) != 0)
        return -1;
    shape[1] = K / VIK_MX_BLOCK;
    snprintf(name, sizeof name, "%s_scales.npy", f->prefix);
    if (out_put(o, name, NPY_U8, 2, shape, scales) != 0)
        return -1;
    shape[1] = K;
    snprintf(name, sizeof name, "%s_dequant.npy", f->prefix);
    return out_put(o, name, NPY_F32, 2, shape, y);
}

/* NVFP4 (block 16, E4M3 scales, float32 global scale g): the four nvfp4_*
   outputs. A tensor the global scale refuses (a NaN, an inf, |x| > 2^127;
   kernels/nvfp4.h) is written in the recipe's own NaN form, as MX writes a
   NaN block: g NaN, every block scale the E4M3 NaN code 0x7F, codes 0,
   dequantized NaN. */
static int put_nvfp4(outset *o, const float *x, size_t rows, size_t K,
                     uint8_t *codes, uint8_t *scales, float *y)
{
    size_t shape[2] = {1, 0};
    uint32_t n = (uint32_t)(rows * K);
    float g = 0.0f;
    int ok = vik_nvfp4_global_scale(x, n, &g) == VIK_NV_OK;
    if (ok) {
        vik_nvfp4_quantize(x, n, g, codes, scales);
    } else {
        memset(codes, 0, n / 2);
        memset(scales, 0x7F, n / VIK_NV_BLOCK);   /* g is not read: every block is NaN */
    }
    vik_nvfp4_dequantize(codes, scales, g, n, y);
    if (!ok)
        g = NAN;
    if (out_put(o, "nvfp4_global_scale.npy", NPY_F32, 1, shape, &g) != 0)
        return -1;
    shape[0] = rows;
    shape[1] = K / 2;
    if (out_put(o, "nvfp4_codes.npy", NPY_U8, 2, shape, codes) != 0)
        return -1;
    shape[1] = K / VIK_NV_BLOCK;
    if (out_put(o, "nvfp4_scales.npy", NPY_U8, 2, shape, scales) != 0)
        return -1;
    shape[1] = K;
    return out_put(o, "nvfp4_dequant.npy", NPY_F32, 2, shape, y);
}

static int run_mx(const char *dir, const char *out)
{
    npy_array in;
    outset o;
    size_t rows, K, i;
    uint8_t *codes = NULL, *scales = NULL;
    float *y = NULL;
    int rc = -1;
    if (load(dir, "input.npy", NPY_F32, 2, &in) != 0)
        return -1;
    rows = in.shape[0];
    K = in.shape[1];
    if (K % VIK_MX_BLOCK != 0) {
        fprintf(stderr, "vik-ref: %s/input.npy: K = %zu (shape [%zu, %zu]) is "
                "not a multiple of the block size %d\n", dir, K, rows, K,
                VIK_MX_BLOCK);
    } else if (in.count > VIK_MX_NMAX) {
        fprintf(stderr, "vik-ref: %s/input.npy: %zu x %zu = %zu elements, more "
                "than the kernels take (%lu)\n", dir, rows, K, in.count,
                (unsigned long)VIK_MX_NMAX);
    } else {
        /* in.count + 1: never malloc(0) for an empty matrix */
        codes = malloc(in.count + 1);
        scales = malloc(in.count / VIK_NV_BLOCK + 1);
        y = malloc((in.count + 1) * sizeof *y);
        if (!codes || !scales || !y)
            fprintf(stderr, "vik-ref: out of memory\n");
        else if (out_begin(&o, out) == 0) {
            rc = 0;
            for (i = 0; rc == 0 && i < COUNT(MX_FORMATS); i++)
                rc = put_mx(&o, &MX_FORMATS[i], in.data, rows, K, codes, scales, y);
            if (rc == 0)
                rc = put_nvfp4(&o, in.data, rows, K, codes, scales, y);
            if (rc == 0)
                rc = out_commit(&o);
            if (rc != 0)
                out_abort(&o);
        }
    }
    free(codes);
    free(scales);
    free(y);
    npy_free(&in);
    return rc;
}

/* Create OUT_DIR and write the nout float32 arrays (all of one shape) under
   their names, committed together; -1 (message printed, nothing left
   behind) on failure. */
static int put_f32_all(const char *out, int nout, const char *const *names,
                       int ndim, const size_t *shape, float *const *data)
{
    outset o;
    int i, rc = 0;
    if (out_begin(&o, out) != 0)
        return -1;
    for (i = 0; rc == 0 && i < nout; i++)
        rc = out_put(&o, names[i], NPY_F32, ndim, shape, data[i]);
    if (rc == 0)
        rc = out_commit(&o);
    if (rc != 0)
        out_abort(&o);
    return rc;
}

/* The last component of dir ("a/b/softmax0/" -> "softmax0") starts with
   prefix. */
static int dir_named(const char *dir, const char *prefix)
{
    size_t n = strlen(dir), b;
    while (n > 1 && dir[n - 1] == '/')
        n--;
    b = n;
    while (b > 0 && dir[b - 1] != '/')
        b--;
    return n - b >= strlen(prefix) && strncmp(dir + b, prefix, strlen(prefix)) == 0;
}

/* ---- kinds: linear and rmsnorm (../shared/reference/ops/linearK, rmsnormK) ---- */

/* Both have x.npy and w.npy: w float32 [m, n] is a linear case (y64 = x W^T,
   PyTorch Linear layout, out x in), w float32 [n] an RMSNorm case (y64 = w
   x / sqrt(mean(x^2) + 1e-5) per row of x). Detected by the two names, told
   apart by w's rank once loaded, so that a wrong dtype or shape is reported
   as such. Outputs y64.npy float32 [T, m] or [T, n] (the kernel's result;
   the corpus file of that name is float64). */
static int detect_x_w(const char *dir)
{
    return has_file(dir, "x.npy") && has_file(dir, "w.npy");
}

/* Shapes against vik_matmul_f32's preconditions (linear.h): message and -1
   if violated. */
static int linear_check_shapes(const char *dir, const npy_array *x,
                               const npy_array *w)
{
    size_t T = x->shape[0], n = x->shape[1], m = w->shape[0];
    if (w->shape[1] != n) {
        fprintf(stderr, "vik-ref: %s: x.npy is [%zu, %zu] and w.npy [%zu, %zu]: "
                "want x [T, n] and w [m, n] with the same n\n", dir, T, n, m,
                w->shape[1]);
        return -1;
    }
    if (T == 0 || n == 0 || m == 0) {
        fprintf(stderr, "vik-ref: %s: empty dimension (T = %zu, n = %zu, m = %zu); "
                "vik_matmul_f32 takes T, n, m >= 1\n", dir, T, n, m);
        return -1;
    }
    if (n > VIK_K_MAX) {
        fprintf(stderr, "vik-ref: %s: n = %zu is more than the kernel takes (%u)\n",
                dir, n, VIK_K_MAX);
        return -1;
    }
    /* each factor is at most 2^30 once the one before is, so no overflow */
    if (T > VIK_MAT_MAX / n || m > VIK_MAT_MAX / n || T > VIK_MAT_MAX / m) {
        fprintf(stderr, "vik-ref: %s: T = %zu, n = %zu, m = %zu: an operand (x "
                "T*n, w m*n or y T*m) has more than 2^30 elements\n", dir, T, n, m);
        return -1;
    }
    return 0;
}

#define LINEAR_RULE "finite values with |v| <= 2^20 (1048576)"

static int run_linear(const char *dir, const char *out, const npy_array *x,
                      const npy_array *w)
{
    static const char *const names[] = {"y64.npy"};
    size_t shape[2];
    float *y;
    int rc;
    if (linear_check_shapes(dir, x, w) != 0 ||
        check_f32(dir, "x.npy", x, 0x1p20f, 0, "vik_matmul_f32", LINEAR_RULE) != 0 ||
        check_f32(dir, "w.npy", w, 0x1p20f, 0, "vik_matmul_f32", LINEAR_RULE) != 0)
        return -1;
    shape[0] = x->shape[0];
    shape[1] = w->shape[0];
    y = alloc_f32(shape[0] * shape[1]);
    if (!y)
        return -1;
    vik_matmul_f32(y, x->data, w->data, (uint32_t)shape[0], (uint32_t)x->shape[1],
                   (uint32_t)shape[1], 0u, (uint32_t)shape[1]);
    rc = put_f32_all(out, 1, names, 2, shape, &y);
    free(y);
    return rc;
}

#define RMS_EPS 1e-5f       /* HF LlamaRMSNorm's default, the corpus's */

static int run_rmsnorm(const char *dir, const char *out, const npy_array *x,
                       const npy_array *w)
{
    static const char *const names[] = {"y64.npy"};
    size_t T = x->shape[0], n = x->shape[1], t;
    float *y;
    const float *xv = x->data;
    int rc;
    if (w->shape[0] != n) {
        fprintf(stderr, "vik-ref: %s: x.npy is [%zu, %zu] and w.npy [%zu]: an "
                "RMSNorm case wants x [T, n] and w [n]\n", dir, T, n, w->shape[0]);
        return -1;
    }
    if (check_nonempty(dir, "x.npy", x) != 0)
        return -1;
    if (n > VIK_NN_MAX) {
        fprintf(stderr, "vik-ref: %s: n = %zu is more than vik_rmsnorm takes (%u)\n",
                dir, n, VIK_NN_MAX);
        return -1;
    }
    if (check_f32(dir, "x.npy", x, 0x1p20f, 0, "vik_rmsnorm", LINEAR_RULE) != 0 ||
        check_f32(dir, "w.npy", w, 0x1p20f, 0, "vik_rmsnorm", LINEAR_RULE) != 0)
        return -1;
    y = alloc_f32(T * n);
    if (!y)
        return -1;
    for (t = 0; t < T; t++)
        vik_rmsnorm(y + t * n, xv + t * n, w->data, (uint32_t)n, RMS_EPS);
    rc = put_f32_all(out, 1, names, 2, x->shape, &y);
    free(y);
    return rc;
}

static int run_x_w(const char *dir, const char *out)
{
    npy_array x, w;
    int rc = -1;
    if (load(dir, "x.npy", NPY_F32, 2, &x) != 0)
        return -1;
    if (load(dir, "w.npy", NPY_F32, -1, &w) != 0) {
        fprintf(stderr, "vik-ref: %s: a linear case is x.npy float32 [T, n] and "
                "w.npy float32 [m, n]; an RMSNorm case x.npy float32 [T, n] and "
                "w.npy float32 [n]\n", dir);
        npy_free(&x);
        return -1;
    }
    if (w.ndim == 2)
        rc = run_linear(dir, out, &x, &w);
    else if (w.ndim == 1)
        rc = run_rmsnorm(dir, out, &x, &w);
    else
        fprintf(stderr, "vik-ref: %s/w.npy: want 2 dims (linear, w [m, n]) or 1 "
                "(RMSNorm, w [n]), got %d\n", dir, w.ndim);
    npy_free(&x);
    npy_free(&w);
    return rc;
}

/* ---- kinds: softmax and SiLU (../shared/reference/ops/softmaxK, silu) ---- */

/* Both are x.npy float32 [rows, n] -> y64.npy float32 [rows, n]: the same
   files, so the case dir's name tells them apart (softmax*, silu*). */
static int detect_softmax(const char *dir)
{
    return has_file(dir, "x.npy") && dir_named(dir, "softmax");
}

static int detect_silu(const char *dir)
{
    return has_file(dir, "x.npy") && dir_named(dir, "silu");
}

/* Softmax over each row (last axis); -inf entries are masked (0), a fully
   masked row gives zeros. */
static int run_softmax(const char *dir, const char *out)
{
    static const char *const names[] = {"y64.npy"};
    npy_array x;
    size_t rows, n, r;
    float *y = NULL;
    const float *xv;
    int rc = -1;
    if (load(dir, "x.npy", NPY_F32, 2, &x) != 0)
        return -1;
    rows = x.shape[0];
    n = x.shape[1];
    xv = x.data;
    if (check_nonempty(dir, "x.npy", &x) != 0)
        goto done;
    if (n > VIK_NN_MAX) {
        fprintf(stderr, "vik-ref: %s/x.npy: rows of n = %zu, more than vik_softmax "
                "takes (%u)\n", dir, n, VIK_NN_MAX);
        goto done;
    }
    if (check_f32(dir, "x.npy", &x, VIK_LOGIT_MAX, 1, "vik_softmax",
                  "-inf (masked) or finite values with |v| <= 2^100") != 0)
        goto done;
    y = alloc_f32(rows * n);
    if (!y)
        goto done;
    for (r = 0; r < rows; r++)
        if (vik_softmax(y + r * n, xv + r * n, (uint32_t)n) != VIK_OK) {
            fprintf(stderr, "vik-ref: %s/x.npy: vik_softmax refused row %zu, which "
                    "passed the domain check (kernel bug)\n", dir, r);
            goto done;
        }
    rc = put_f32_all(out, 1, names, 2, x.shape, &y);
done:
    free(y);
    npy_free(&x);
    return rc;
}

/* vik_silu on the whole array, in calls of at most VIK_NN_MAX * 64. */
static int run_silu(const char *dir, const char *out)
{
    static const char *const names[] = {"y64.npy"};
    const size_t chunk = (size_t)VIK_NN_MAX * 64u;
    npy_array x;
    float *y = NULL;
    const float *xv;
    int rc = -1;
    if (load(dir, "x.npy", NPY_F32, 2, &x) != 0)
        return -1;
    xv = x.data;
    if (check_nonempty(dir, "x.npy", &x) == 0 &&
        check_f32(dir, "x.npy", &x, 0x1p120f, 0, "vik_silu",
                  "finite values with |v| <= 2^120") == 0 &&
        (y = alloc_f32(x.count)) != NULL) {
        size_t i;
        for (i = 0; i < x.count; i += chunk)
            vik_silu(y + i, xv + i, (uint32_t)(x.count - i < chunk ? x.count - i : chunk));
        rc = put_f32_all(out, 1, names, 2, x.shape, &y);
    }
    free(y);
    npy_free(&x);
    return rc;
}

/* ---- kind: swiglu (../shared/reference/ops/swiglu) ---- */

/* gate.npy, up.npy float32 [rows, n] -> y64.npy = silu(gate) * up. */
static int detect_swiglu(const char *dir)
{
    return has_file(dir, "gate.npy") || has_file(dir, "up.npy");
}

static int run_swiglu(const char *dir, const char *out)
{
    static const char *const names[] = {"y64.npy"};
    static const char *const rule = "finite values with |v| <= 2^60";
    const size_t chunk = (size_t)VIK_NN_MAX * 64u;
    npy_array g, u;
    size_t i;
    float *y = NULL;
    const float *gv, *uv;
    int rc = -1;
    if (load(dir, "gate.npy", NPY_F32, 2, &g) != 0)
        return -1;
    if (load(dir, "up.npy", NPY_F32, 2, &u) != 0) {
        npy_free(&g);
        return -1;
    }
    gv = g.data;
    uv = u.data;
    if (g.shape[0] != u.shape[0] || g.shape[1] != u.shape[1]) {
        char sg[DIMSCAP], su[DIMSCAP];
        dims_repr(sg, sizeof sg, 2, g.shape);
        dims_repr(su, sizeof su, 2, u.shape);
        fprintf(stderr, "vik-ref: %s: gate.npy is %s and up.npy %s: want the same "
                "shape\n", dir, sg, su);
    } else if (check_nonempty(dir, "gate.npy", &g) == 0 &&
               check_f32(dir, "gate.npy", &g, 0x1p60f, 0, "vik_swiglu", rule) == 0 &&
               check_f32(dir, "up.npy", &u, 0x1p60f, 0, "vik_swiglu", rule) == 0 &&
               (y = alloc_f32(g.count)) != NULL) {
        for (i = 0; i < g.count; i += chunk)
            vik_swiglu(y + i, gv + i, uv + i,
                       (uint32_t)(g.count - i < chunk ? g.count - i : chunk));
        rc = put_f32_all(out, 1, names, 2, g.shape, &y);
    }
    free(y);
    npy_free(&g);
    npy_free(&u);
    return rc;
}

/* ---- kind: rope (../shared/reference/ops/rope) ---- */

/* x.npy float32 [T, H, D], pos.npy int32 [T], theta 10000 ->
   y64_halves.npy (HF rotate_half) and y64_interleaved.npy, float32
   [T, H, D]. The cos/sin table (harness/rope_table.c) covers positions
   0 .. max(pos); this harness caps it at ROPE_TABLE_MAX entries (2 x 64 MiB)
   and positions below ROPE_POS_MAX (rope_table.h). Detected by pos.npy. */
#define ROPE_THETA 10000.0f
#define ROPE_POS_MAX 0x100000u              /* 2^20: rope_table.h's npos */
#define ROPE_TABLE_MAX ((size_t)1 << 24)    /* entries per table, this harness */

static int detect_rope(const char *dir)
{
    return has_file(dir, "pos.npy");
}

/* Shapes and positions of a RoPE case against vik_rope's and the table's
   preconditions; *npos gets max(pos) + 1. */
static int rope_check(const char *dir, const npy_array *x, const npy_array *pos,
                      uint32_t *npos)
{
    size_t T = x->shape[0], H = x->shape[1], D = x->shape[2], t;
    const int32_t *p = pos->data;
    int32_t top = 0;
    if (pos->shape[0] != T) {
        fprintf(stderr, "vik-ref: %s: x.npy has T = %zu tokens and pos.npy %zu "
                "positions: want pos [T]\n", dir, T, pos->shape[0]);
        return -1;
    }
    if (check_nonempty(dir, "x.npy", x) != 0)
        return -1;
    if (D % 2 != 0 || D < 2 || D > VIK_HEAD_DIM_MAX ||
        H > (size_t)VIK_NN_MAX * 64u / D) {
        fprintf(stderr, "vik-ref: %s/x.npy: H = %zu, D = %zu: vik_rope takes D even "
                "in [2, %u] and H * D <= 2^22\n", dir, H, D, VIK_HEAD_DIM_MAX);
        return -1;
    }
    for (t = 0; t < T; t++) {
        if (p[t] < 0 || (uint32_t)p[t] >= ROPE_POS_MAX) {
            fprintf(stderr, "vik-ref: %s/pos.npy: element [%zu] = %ld is out of "
                    "range; positions are in [0, 2^20)\n", dir, t, (long)p[t]);
            return -1;
        }
        if (p[t] > top)
            top = p[t];
    }
    if (((size_t)top + 1u) * (D / 2u) > ROPE_TABLE_MAX) {
        fprintf(stderr, "vik-ref: %s: positions up to %ld with D = %zu need a table "
                "of %zu entries, more than this harness builds (2^24)\n", dir,
                (long)top, D, ((size_t)top + 1u) * (D / 2u));
        return -1;
    }
    *npos = (uint32_t)top + 1u;
    return check_f32(dir, "x.npy", x, 0x1p120f, 0, "vik_rope",
                     "finite values with |v| <= 2^120");
}

static int run_rope(const char *dir, const char *out)
{
    static const char *const names[] = {"y64_halves.npy", "y64_interleaved.npy"};
    npy_array x, pos;
    float *y[2] = {NULL, NULL}, *ct = NULL, *st = NULL;
    uint32_t npos = 0;
    const int32_t *p;
    int rc = -1;
    if (load(dir, "x.npy", NPY_F32, 3, &x) != 0)
        return -1;
    if (load(dir, "pos.npy", NPY_I32, 1, &pos) != 0) {
        npy_free(&x);
        return -1;
    }
    p = pos.data;
    if (rope_check(dir, &x, &pos, &npos) == 0 && (y[0] = alloc_f32(x.count)) != NULL &&
        (y[1] = alloc_f32(x.count)) != NULL &&
        (ct = alloc_f32((size_t)npos * (x.shape[2] / 2u))) != NULL &&
        (st = alloc_f32((size_t)npos * (x.shape[2] / 2u))) != NULL) {
        uint32_t H = (uint32_t)x.shape[1], D = (uint32_t)x.shape[2], h = D / 2u;
        size_t t;
        int k;
        if (vik_rope_table(ct, st, npos, D, ROPE_THETA) != VIK_OK) {   /* never: rope_check */
            fprintf(stderr, "vik-ref: %s: RoPE table for %u positions, D = %u refused\n", dir, npos, D);
            goto done;
        }
        memcpy(y[0], x.data, x.count * sizeof(float));
        memcpy(y[1], x.data, x.count * sizeof(float));
        for (k = 0; k < 2; k++)
            for (t = 0; t < x.shape[0]; t++) {
                size_t row = (size_t)p[t] * h;
                vik_rope(y[k] + t * H * D, H, D, ct + row, st + row, k == 0);
            }
        rc = put_f32_all(out, 2, names, 3, x.shape, y);
    }
done:
    free(y[0]);
    free(y[1]);
    free(ct);
    free(st);
    npy_free(&x);
    npy_free(&pos);
    return rc;
}

/* ---- meta.json: a small, strict JSON reader for flat integer/bool fields ---- */

/* The file must be one JSON object (RFC 8259 syntax, at most META_BYTES);
   the fields asked for must have the stated type (an integer in
   [0, 2^32 - 1] without fraction or exponent, true/false, a string of at
   most META_STRCAP - 1 bytes, or any JSON number, read as the nearest
   float32 by strtof in the C locale: 2.5, 1e-3, -0; too large a magnitude
   gives inf, which the caller's range check refuses), appear at most once,
   and be present if required. Other keys may hold any JSON value; nesting
   is limited to META_DEPTH. */
#define META_BYTES 65536
#define META_DEPTH 32
#define META_KEYCAP 64
#define META_STRCAP 256
#define META_NUMCAP 64      /* characters of a META_F32 number, '\0' included */

enum { META_UINT, META_BOOL, META_STR, META_F32 };

typedef struct {
    const char *key;
    int type;           /* META_UINT, META_BOOL, META_STR or META_F32 */
    int required;
    int seen;
    uint32_t value;     /* META_UINT; META_BOOL: 0 or 1 */
    float num;          /* META_F32 */
    char str[META_STRCAP];  /* META_STR: escapes decoded as j_string does */
} meta_field;

typedef struct {
    const char *s;
    size_t n, i;
    const char *err;    /* first error; NULL while none */
} jscan;

static int j_fail(jscan *j, const char *what)
{
    if (!j->err)
        j->err = what;
    return -1;
}

static void j_ws(jscan *j)
{
    while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\t' ||
                           j->s[j->i] == '\n' || j->s[j->i] == '\r'))
        j->i++;
}

static int j_peek(const jscan *j)
{
    return j->i < j->n ? (unsigned char)j->s[j->i] : -1;
}

static int j_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int j_is_hex(int c)
{
    return j_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int j_literal(jscan *j, const char *w)
{
    size_t n = strlen(w);
    if (j->n - j->i < n || memcmp(j->s + j->i, w, n) != 0)
        return j_fail(j, "invalid literal");
    j->i += n;
    return 0;
}

/* A string; its content (escapes decoded, \u as '?') into buf when buf is
   not NULL; *fits 0 if it was longer than cap - 1. */
static int j_string(jscan *j, char *buf, size_t cap, int *fits)
{
    size_t len = 0;
    int k;
    if (fits)
        *fits = 1;
    if (j_peek(j) != '"')
        return j_fail(j, "expected a string");
    j->i++;
    for (;;) {
        int c = j_peek(j);
        if (c < 0)
            return j_fail(j, "unterminated string");
        j->i++;
        if (c == '"')
            break;
        if (c < 0x20)
            return j_fail(j, "control character in a string");
        if (c == '\\') {
            c = j_peek(j);
            j->i++;
            if (c == 'u') {
                for (k = 0; k < 4; k++, j->i++)
                    if (!j_is_hex(j_peek(j)))
                        return j_fail(j, "bad \\u escape");
                c = '?';
            } else if (c == 'n' || c == 't' || c == 'r' || c == 'b' || c == 'f') {
                c = ' ';
            } else if (c != '"' && c != '\\' && c != '/') {
                return j_fail(j, "bad escape in a string");
            }
        }
        if (buf && len + 1 < cap)
            buf[len++] = (char)c;
        else if (fits)
            *fits = 0;
    }
    if (buf && cap > 0)
        buf[len] = '\0';
    return 0;
}

/* A number; *is_uint and *v when it is an integer without sign, fraction
   or exponent that fits in 32 bits. */
static int j_number(jscan *j, int *is_uint, uint32_t *v)
{
    uint64_t acc = 0;
    int neg = 0, big = 0, frac = 0;
    if (j_peek(j) == '-') {
        neg = 1;
        j->i++;
    }
    if (!j_is_digit(j_peek(j)))
        return j_fail(j, "invalid number");
    if (j_peek(j) == '0') {
        j->i++;
        if (j_is_digit(j_peek(j)))
            return j_fail(j, "number with a leading zero");
    } else {
        while (j_is_digit(j_peek(j))) {
            acc = acc * 10u + (uint64_t)(j_peek(j) - '0');
            if (acc > 0xFFFFFFFFu) {
                big = 1;
                acc = 0x100000000u;     /* saturate: never wraps */
            }
            j->i++;
        }
    }
    if (j_peek(j) == '.') {
        frac = 1;
        j->i++;
        if (!j_is_digit(j_peek(j)))
            return j_fail(j, "invalid number");
        while (j_is_digit(j_peek(j)))
            j->i++;
    }
    if (j_peek(j) == 'e' || j_peek(j) == 'E') {
        frac = 1;
        j->i++;
        if (j_peek(j) == '+' || j_peek(j) == '-')
            j->i++;
        if (!j_is_digit(j_peek(j)))
            return j_fail(j, "invalid number");
        while (j_is_digit(j_peek(j)))
            j->i++;
    }
    *is_uint = !neg && !big && !frac;
    *v = (uint32_t)acc;
    return 0;
}

/* A key and its ':' (inside an object). */
static int j_key(jscan *j)
{
    j_ws(j);
    if (j_string(j, NULL, 0, NULL) != 0)
        return -1;
    j_ws(j);
    if (j_peek(j) != ':')
        return j_fail(j, "expected ':'");
    j->i++;
    return 0;
}

static int j_closer(int open)
{
    return open == '{' ? '}' : ']';
}

/* Any JSON value (skipped), with at most META_DEPTH open brackets: a loop
   over the values with a stack of the open brackets (no recursion). */
static int j_value(jscan *j)
{
    char open[META_DEPTH];
    int depth = 0;
    for (;;) {
        int c, is_uint;
        uint32_t v;
        j_ws(j);
        c = j_peek(j);
        if (c == '{' || c == '[') {
            if (depth == META_DEPTH)
                return j_fail(j, "nested too deeply");
            open[depth++] = (char)c;
            j->i++;
            j_ws(j);
            if (j_peek(j) != j_closer(c)) {
                if (c == '{' && j_key(j) != 0)
                    return -1;
                continue;                       /* its first member's value */
            }
            j->i++;                             /* empty: a complete value */
            depth--;
        } else if (c == '"') {
            if (j_string(j, NULL, 0, NULL) != 0)
                return -1;
        } else if (c == 't' || c == 'f' || c == 'n') {
            if (j_literal(j, c == 't' ? "true" : c == 'f' ? "false" : "null") != 0)
                return -1;
        } else if (c == '-' || j_is_digit(c)) {
            if (j_number(j, &is_uint, &v) != 0)
                return -1;
        } else {
            return j_fail(j, "expected a value");
        }
        /* a value is complete: close the containers it completes, or move
           to the next member */
        for (;;) {
            if (depth == 0)
                return 0;
            j_ws(j);
            c = j_peek(j);
            if (c == ',') {
                j->i++;
                if (open[depth - 1] == '{' && j_key(j) != 0)
                    return -1;
                break;
            }
            if (c != j_closer(open[depth - 1]))
                return j_fail(j, open[depth - 1] == '{' ? "expected ',' or '}'"
                                                        : "expected ',' or ']'");
            j->i++;
            depth--;
        }
    }
}

/* The value of a requested field, of its type. */
static int j_field(jscan *j, meta_field *f)
{
    int c, is_uint = 0;
    j_ws(j);
    c = j_peek(j);
    if (f->type == META_BOOL) {
        if (c == 't' && j_literal(j, "true") == 0)
            f->value = 1;
        else if (c == 'f' && j_literal(j, "false") == 0)
            f->value = 0;
        else
            return j_fail(j, "want true or false");
        return 0;
    }
    if (f->type == META_STR) {
        int fits;
        if (c != '"')
            return j_fail(j, "want a string");
        if (j_string(j, f->str, sizeof f->str, &fits) != 0)
            return -1;
        if (!fits)
            return j_fail(j, "string longer than 255 bytes");
        return 0;
    }
    if (f->type == META_F32) {
        char buf[META_NUMCAP], *end;
        size_t start = j->i, len;
        if (c != '-' && !j_is_digit(c))
            return j_fail(j, "want a number");
        if (j_number(j, &is_uint, &f->value) != 0)
            return -1;
        len = j->i - start;
        if (len >= sizeof buf)
            return j_fail(j, "number longer than 63 characters");
        memcpy(buf, j->s + start, len);
        buf[len] = '\0';
        f->num = strtof(buf, &end);     /* JSON number syntax is strtof's */
        if (end != buf + len)
            return j_fail(j, "invalid number");
        return 0;
    }
    if (c != '-' && !j_is_digit(c))
        return j_fail(j, "want an integer");
    if (j_number(j, &is_uint, &f->value) != 0)
        return -1;
    if (!is_uint)
        return j_fail(j, "want an integer in [0, 2^32 - 1] (no sign, fraction or "
                         "exponent)");
    return 0;
}

/* Parse text (n bytes) into fields; -1 with *what and *at on error. */
static int meta_parse(const char *text, size_t n, meta_field *fields, size_t nf,
                      const char **what, size_t *at, const char **key)
{
    jscan j;
    char k[META_KEYCAP];
    size_t f;
    int fits;
    j.s = text;
    j.n = n;
    j.i = 0;
    j.err = NULL;
    *key = NULL;
    j_ws(&j);
    if (j_peek(&j) != '{') {
        j_fail(&j, "not a JSON object");
        goto bad;
    }
    j.i++;
    j_ws(&j);
    if (j_peek(&j) == '}')
        j.i++;
    else
        for (;;) {
            j_ws(&j);
            if (j_string(&j, k, sizeof k, &fits) != 0)
                goto bad;
            j_ws(&j);
            if (j_peek(&j) != ':') {
                j_fail(&j, "expected ':'");
                goto bad;
            }
            j.i++;
            for (f = 0; f < nf && !(fits && strcmp(k, fields[f].key) == 0); f++)
                ;
            if (f < nf) {
                *key = fields[f].key;
                if (fields[f].seen) {
                    j_fail(&j, "duplicate key");
                    goto bad;
                }
                fields[f].seen = 1;
                if (j_field(&j, &fields[f]) != 0)
                    goto bad;
                *key = NULL;
            } else if (j_value(&j) != 0) {
                goto bad;
            }
            j_ws(&j);
            if (j_peek(&j) == ',') {
                j.i++;
                continue;
            }
            if (j_peek(&j) == '}') {
                j.i++;
                break;
            }
            j_fail(&j, "expected ',' or '}'");
            goto bad;
        }
    j_ws(&j);
    if (j.i != j.n) {
        j_fail(&j, "trailing characters after the object");
        goto bad;
    }
    for (f = 0; f < nf; f++)
        if (fields[f].required && !fields[f].seen) {
            *key = fields[f].key;
            *what = "required key missing";
            *at = j.n;
            return -1;
        }
    return 0;
bad:
    *what = j.err;
    *at = j.i;
    return -1;
}

/* Read dir/meta.json into fields; message and -1 on any error. */
static int meta_read(const char *dir, meta_field *fields, size_t nf)
{
    char p[PATHCAP];
    char *text;
    const char *what = NULL, *key = NULL;
    size_t n, at = 0;
    FILE *f;
    int rc = -1;
    if (!path_join(p, sizeof p, dir, "meta.json")) {
        fprintf(stderr, "vik-ref: %s/meta.json: path too long\n", dir);
        return -1;
    }
    f = fopen(p, "rb");
    if (!f) {
        fprintf(stderr, "vik-ref: %s: cannot open: %s\n", p, strerror(errno));
        return -1;
    }
    text = malloc(META_BYTES + 1);
    if (!text) {
        fprintf(stderr, "vik-ref: out of memory\n");
        (void)fclose(f);
        return -1;
    }
    n = fread(text, 1, META_BYTES + 1, f);
    if (ferror(f))
        fprintf(stderr, "vik-ref: %s: read error\n", p);
    else if (n > META_BYTES)
        fprintf(stderr, "vik-ref: %s: larger than %d bytes\n", p, META_BYTES);
    else if (meta_parse(text, n, fields, nf, &what, &at, &key) != 0)
        fprintf(stderr, "vik-ref: %s: byte %zu: %s%s%s%s\n", p, at,
                what ? what : "invalid JSON", key ? " (key \"" : "", key ? key : "",
                key ? "\")" : "");
    else
        rc = 0;
    free(text);
    (void)fclose(f);
    return rc;
}

/* ---- kind: attention (../shared/reference/attention/caseK) ---- */

/* q.npy float32 [Hq, Tq, D], k.npy and v.npy float32 [Hkv, S, D] (the KV
   cache: position j in row j), meta.json {Hq, Hkv, Dh, qpos0, window,
   causal, sinks; Tq and S optional}, sinks.npy float32 [Hq] iff "sinks" is
   true -> out64.npy float32 [Hq, Tq, D] (vik_attention, scale 1/sqrt(D)).
   Detected by q.npy. meta.json must agree with the shapes; causal must be
   true (the kernel is causal). */
static int detect_attention(const char *dir)
{
    return has_file(dir, "q.npy");
}

enum { M_HQ, M_HKV, M_DH, M_QPOS0, M_WINDOW, M_CAUSAL, M_SINKS, M_TQ, M_S, M_COUNT };

#define ATTN_RULE "finite values with |v| <= 2^20 (1048576)"

/* Shapes, meta.json and values against vik_attention's preconditions. */
static int attn_check(const char *dir, const npy_array *q, const npy_array *k,
                      const npy_array *v, const npy_array *sk, int has_sinks,
                      const meta_field *m)
{
    size_t Hq = q->shape[0], Tq = q->shape[1], D = q->shape[2];
    size_t Hkv = k->shape[0], S = k->shape[1];
    char sq[DIMSCAP], skv[DIMSCAP], sv[DIMSCAP];
    dims_repr(sq, sizeof sq, 3, q->shape);
    dims_repr(skv, sizeof skv, 3, k->shape);
    dims_repr(sv, sizeof sv, 3, v->shape);
    if (memcmp(k->shape, v->shape, 3 * sizeof k->shape[0]) != 0 || k->shape[2] != D) {
        fprintf(stderr, "vik-ref: %s: q.npy %s, k.npy %s, v.npy %s: want q [Hq, Tq, "
                "D], k and v [Hkv, S, D]\n", dir, sq, skv, sv);
        return -1;
    }
    if (m[M_HQ].value != Hq || m[M_HKV].value != Hkv || m[M_DH].value != D ||
        (m[M_TQ].seen && m[M_TQ].value != Tq) || (m[M_S].seen && m[M_S].value != S)) {
        fprintf(stderr, "vik-ref: %s/meta.json: Hq %lu, Hkv %lu, Dh %lu (Tq, S: "
                "%ld, %ld; -1 absent) disagree with q.npy %s, k.npy %s\n", dir,
                (unsigned long)m[M_HQ].value, (unsigned long)m[M_HKV].value,
                (unsigned long)m[M_DH].value,
                m[M_TQ].seen ? (long)m[M_TQ].value : -1L,
                m[M_S].seen ? (long)m[M_S].value : -1L, sq, skv);
        return -1;
    }
    if (!m[M_CAUSAL].value) {
        fprintf(stderr, "vik-ref: %s/meta.json: \"causal\": false; vik_attention is "
                "causal only\n", dir);
        return -1;
    }
    if ((m[M_SINKS].value != 0) != has_sinks) {
        fprintf(stderr, "vik-ref: %s: meta.json says \"sinks\": %s but sinks.npy is "
                "%s\n", dir, m[M_SINKS].value ? "true" : "false",
                has_sinks ? "present" : "absent");
        return -1;
    }
    if (has_sinks && sk->shape[0] != Hq) {
        fprintf(stderr, "vik-ref: %s/sinks.npy: %zu sinks for Hq = %zu heads\n", dir,
                sk->shape[0], Hq);
        return -1;
    }
    if (Hq < 1 || Hq > 1024 || D < 1 || D > VIK_HEAD_DIM_MAX || Tq < 1 || Hkv < 1 ||
        S > VIK_CTX_MAX || Hq % Hkv != 0) {
        fprintf(stderr, "vik-ref: %s: Hq = %zu, Hkv = %zu, Tq = %zu, S = %zu, D = %zu: "
                "vik_attention takes 1 <= Hq <= 1024, 1 <= D <= %u, Tq >= 1, Hkv >= 1, "
                "S <= %u and Hq a multiple of Hkv\n", dir, Hq, Hkv, Tq, S, D,
                VIK_HEAD_DIM_MAX, VIK_CTX_MAX);
        return -1;
    }
    /* Hq * Tq * D <= 2^30 (Hq * D <= 2^20, so no overflow), Hkv S D likewise */
    if (Tq > VIK_MAT_MAX / (Hq * D) || Hkv * S * D > VIK_MAT_MAX) {
        fprintf(stderr, "vik-ref: %s: q %s or k, v %s has more than 2^30 elements\n",
                dir, sq, skv);
        return -1;
    }
    if (m[M_QPOS0].value >= S || Tq > S - m[M_QPOS0].value) {
        fprintf(stderr, "vik-ref: %s: queries at positions qpos0 = %lu .. qpos0 + Tq - 1 "
                "= %lu: the cache k, v holds positions 0 .. S - 1 = %ld\n", dir,
                (unsigned long)m[M_QPOS0].value,
                (unsigned long)(m[M_QPOS0].value + Tq - 1u), (long)S - 1L);
        return -1;
    }
    if (check_f32(dir, "q.npy", q, 0x1p20f, 0, "vik_attention", ATTN_RULE) != 0 ||
        check_f32(dir, "k.npy", k, 0x1p20f, 0, "vik_attention", ATTN_RULE) != 0 ||
        check_f32(dir, "v.npy", v, 0x1p20f, 0, "vik_attention", ATTN_RULE) != 0)
        return -1;
    if (has_sinks && check_f32(dir, "sinks.npy", sk, 0x1p60f, 0, "vik_attention",
                               "finite values with |v| <= 2^60") != 0)
        return -1;
    return 0;
}

static int run_attention(const char *dir, const char *out)
{
    static const char *const names[] = {"out64.npy"};
    meta_field m[M_COUNT] = {
        {"Hq", META_UINT, 1, 0, 0, 0.0f, ""},     {"Hkv", META_UINT, 1, 0, 0, 0.0f, ""},
        {"Dh", META_UINT, 1, 0, 0, 0.0f, ""},     {"qpos0", META_UINT, 1, 0, 0, 0.0f, ""},
        {"window", META_UINT, 1, 0, 0, 0.0f, ""}, {"causal", META_BOOL, 1, 0, 0, 0.0f, ""},
        {"sinks", META_BOOL, 1, 0, 0, 0.0f, ""},  {"Tq", META_UINT, 0, 0, 0, 0.0f, ""},
        {"S", META_UINT, 0, 0, 0, 0.0f, ""},
    };
    npy_array q, k, v, sk;
    float *y = NULL, *w = NULL;
    int rc = -1, has_sinks = has_file(dir, "sinks.npy");
    memset(&k, 0, sizeof k);
    memset(&v, 0, sizeof v);
    memset(&sk, 0, sizeof sk);
    if (load(dir, "q.npy", NPY_F32, 3, &q) != 0)
        return -1;
    if (load(dir, "k.npy", NPY_F32, 3, &k) == 0 && load(dir, "v.npy", NPY_F32, 3, &v) == 0 &&
        (!has_sinks || load(dir, "sinks.npy", NPY_F32, 1, &sk) == 0) &&
        meta_read(dir, m, M_COUNT) == 0 &&
        attn_check(dir, &q, &k, &v, &sk, has_sinks, m) == 0 &&
        (y = alloc_f32(q.count)) != NULL && (w = alloc_f32(VIK_ATTN_SCRATCH(k.shape[1]))) != NULL) {
        int got = vik_attention(y, q.data, k.data, v.data, (uint32_t)q.shape[0],
                            (uint32_t)k.shape[0], (uint32_t)q.shape[2],
                            (uint32_t)q.shape[1], m[M_QPOS0].value,
                            (uint32_t)k.shape[1], m[M_WINDOW].value,
                            has_sinks ? (const float *)sk.data : NULL, w);
        if (got != VIK_OK)
            fprintf(stderr, "vik-ref: %s: vik_attention returned %d on a case that "
                    "passed the checks (kernel bug)\n", dir, got);
        else
            rc = put_f32_all(out, 1, names, 3, q.shape, &y);
    }
    free(y);
    free(w);
    npy_free(&q);
    npy_free(&k);
    npy_free(&v);
    npy_free(&sk);
    return rc;
}

/* ---- kind: moe (../shared/reference/moe/<rule>) ---- */

/* logits.npy float32 [T, E], meta.json {"rule", "E", "k"; for DeepSeek-V3
   also "n_group", "topk_group", "routed_scaling_factor"; optional
   "renormalize" (bool) for the softmax-top-k rules, which must agree with
   the rule}, bias.npy float32 [E] for DeepSeek-V3 only -> idx.npy int32
   [T, k] (the chosen experts, best first) and weight64.npy float32 [T, k]
   (the kernel's weights; the corpus file of that name is float64), one
   router call per token. Detected by logits.npy alone, so that a missing
   meta.json, rule or bias is reported as such. The rule is one of the
   corpus's rule strings (or the corpus folder's name), matched exactly;
   anything else is refused. Checked against moe.h before anything is
   written: 1 <= E <= VIK_MOE_EMAX, 1 <= k <= min(E, VIK_MOE_KMAX); logits
   finite with |x| <= 2^100 (-inf, a masked expert, also for the
   softmax-top-k rule); DeepSeek: bias finite with |b| <= 2^20, n_group,
   topk_group as ds_dims, 0 < rsf <= 1024. */
static int detect_moe(const char *dir)
{
    return has_file(dir, "logits.npy");
}

enum { MOE_SOFTMAX_TOPK, MOE_TOPK_SOFTMAX, MOE_DEEPSEEK };

typedef struct {
    const char *rule;       /* meta.json "rule", exactly */
    int router;             /* MOE_SOFTMAX_TOPK ... */
    int renorm;             /* MOE_SOFTMAX_TOPK: divide by the chosen sum */
} moe_rule;

static const moe_rule MOE_RULES[] = {
    {"softmax, topk, renormalize", MOE_SOFTMAX_TOPK, 1},
    {"softmax, topk, no renormalization", MOE_SOFTMAX_TOPK, 0},
    {"topk on logits, softmax over selected", MOE_TOPK_SOFTMAX, 0},
    {"sigmoid; select on sigmoid+bias within top groups (group score = sum of top-2); "
     "weights = sigmoid normalized * rsf", MOE_DEEPSEEK, 0},
    {"mixtral", MOE_SOFTMAX_TOPK, 1},
    {"qwen_nonorm", MOE_SOFTMAX_TOPK, 0},
    {"gptoss", MOE_TOPK_SOFTMAX, 0},
    {"deepseek_v3", MOE_DEEPSEEK, 0},
};

enum { MM_RULE, MM_E, MM_K, MM_NG, MM_TG, MM_RSF, MM_RENORM, MM_COUNT };

#define MOE_LOGIT_RULE "finite values with |v| <= 2^100"

/* meta.json's rule, its numbers and the shapes against moe.h; *r gets the
   rule. */
static int moe_check_meta(const char *dir, const npy_array *lg, const meta_field *m,
                          const moe_rule **r)
{
    size_t i, E = lg->shape[1];
    uint32_t k = m[MM_K].value, ng = m[MM_NG].value, tg = m[MM_TG].value;
    float rsf = m[MM_RSF].num;
    int ds;
    *r = NULL;
    for (i = 0; i < COUNT(MOE_RULES); i++)
        if (strcmp(m[MM_RULE].str, MOE_RULES[i].rule) == 0)
            *r = &MOE_RULES[i];
    if (!*r) {
        fprintf(stderr, "vik-ref: %s/meta.json: unknown rule \"%s\"; vik-ref knows:\n",
                dir, m[MM_RULE].str);
        for (i = 0; i < COUNT(MOE_RULES); i++)
            fprintf(stderr, "  \"%s\"\n", MOE_RULES[i].rule);
        return -1;
    }
    ds = (*r)->router == MOE_DEEPSEEK;
    if (m[MM_E].value != E) {
        fprintf(stderr, "vik-ref: %s/meta.json: E = %lu, but logits.npy has %zu "
                "experts per token\n", dir, (unsigned long)m[MM_E].value, E);
        return -1;
    }
    if (E > VIK_MOE_EMAX || k < 1u || k > E || k > VIK_MOE_KMAX) {
        fprintf(stderr, "vik-ref: %s: E = %zu, k = %lu: the routers take 1 <= E <= %u "
                "and 1 <= k <= min(E, %u)\n", dir, E, (unsigned long)k, VIK_MOE_EMAX,
                VIK_MOE_KMAX);
        return -1;
    }
    if (m[MM_RENORM].seen && ((*r)->router != MOE_SOFTMAX_TOPK ||
                              (m[MM_RENORM].value != 0) != ((*r)->renorm != 0))) {
        fprintf(stderr, "vik-ref: %s/meta.json: \"renormalize\": %s disagrees with the "
                "rule \"%s\"\n", dir, m[MM_RENORM].value ? "true" : "false", (*r)->rule);
        return -1;
    }
    if (!ds) {
        if (m[MM_NG].seen || m[MM_TG].seen || m[MM_RSF].seen) {
            fprintf(stderr, "vik-ref: %s/meta.json: n_group, topk_group and "
                    "routed_scaling_factor belong to the DeepSeek-V3 rule, not to "
                    "\"%s\"\n", dir, (*r)->rule);
            return -1;
        }
        return 0;
    }
    if (!m[MM_NG].seen || !m[MM_TG].seen || !m[MM_RSF].seen) {
        fprintf(stderr, "vik-ref: %s/meta.json: the DeepSeek-V3 rule needs n_group, "
                "topk_group and routed_scaling_factor\n", dir);
        return -1;
    }
    /* ds_dims of moe.h; ng >= 1 first, so E % ng is defined */
    if (ng < 1u || ng > VIK_MOE_GMAX || E % ng != 0u || E / ng < 2u || tg < 1u || tg > ng ||
        k > tg * (E / ng)) {
        fprintf(stderr, "vik-ref: %s/meta.json: E = %zu, k = %lu, n_group = %lu, "
                "topk_group = %lu: vik_route_deepseek takes 1 <= n_group <= %u dividing E "
                "into groups of >= 2, 1 <= topk_group <= n_group and k <= topk_group * "
                "E / n_group\n", dir, E, (unsigned long)k, (unsigned long)ng,
                (unsigned long)tg, VIK_MOE_GMAX);
        return -1;
    }
    if (!(rsf > 0.0f && rsf <= 1024.0f)) {
        fprintf(stderr, "vik-ref: %s/meta.json: routed_scaling_factor = %.9g: "
                "vik_route_deepseek takes 0 < rsf <= 1024\n", dir, (double)rsf);
        return -1;
    }
    return 0;
}

/* Every token through the router r; idx and w [T, k]. 0, or -1 with a
   message if the kernel refused a token that passed the checks. */
static int moe_route(const char *dir, const moe_rule *r, const npy_array *lg,
                     const float *bias, const meta_field *m, int32_t *idx, float *w)
{
    uint32_t E = (uint32_t)lg->shape[1], k = m[MM_K].value, j, ui[VIK_MOE_KMAX];
    uint32_t groups[VIK_MOE_GMAX];
    float score[VIK_MOE_EMAX];
    const float *x = lg->data;
    size_t t;
    for (t = 0; t < lg->shape[0]; t++) {
        const float *row = x + t * E;
        float *wt = w + t * k;
        int got;
        if (r->router == MOE_SOFTMAX_TOPK)
            got = vik_route_softmax_topk(ui, wt, score, row, E, k, r->renorm);
        else if (r->router == MOE_TOPK_SOFTMAX)
            got = vik_route_topk_softmax(ui, wt, row, E, k);
        else
            got = vik_route_deepseek(ui, wt, score, groups, row, bias, E, k,
                                     m[MM_NG].value, m[MM_TG].value, m[MM_RSF].num);
        if (got != VIK_OK) {
            fprintf(stderr, "vik-ref: %s/logits.npy: the router refused token %zu, which "
                    "passed the domain checks (kernel bug)\n", dir, t);
            return -1;
        }
        for (j = 0; j < k; j++)
            idx[t * k + j] = (int32_t)ui[j];
    }
    return 0;
}

static int run_moe(const char *dir, const char *out)
{
    meta_field m[MM_COUNT] = {
        {"rule", META_STR, 1, 0, 0, 0.0f, ""},
        {"E", META_UINT, 1, 0, 0, 0.0f, ""},
        {"k", META_UINT, 1, 0, 0, 0.0f, ""},
        {"n_group", META_UINT, 0, 0, 0, 0.0f, ""},
        {"topk_group", META_UINT, 0, 0, 0, 0.0f, ""},
        {"routed_scaling_factor", META_F32, 0, 0, 0, 0.0f, ""},
        {"renormalize", META_BOOL, 0, 0, 0, 0.0f, ""},
    };
    npy_array lg, b;
    const moe_rule *r = NULL;
    int32_t *idx = NULL;
    float *w = NULL;
    int rc = -1, has_bias = has_file(dir, "bias.npy");
    outset o;
    memset(&b, 0, sizeof b);
    if (load(dir, "logits.npy", NPY_F32, 2, &lg) != 0)
        return -1;
    if (check_nonempty(dir, "logits.npy", &lg) != 0 || meta_read(dir, m, MM_COUNT) != 0 ||
        moe_check_meta(dir, &lg, m, &r) != 0)
        goto done;
    if ((r->router == MOE_DEEPSEEK) != has_bias) {
        fprintf(stderr, "vik-ref: %s/bias.npy: %s; the rule \"%s\" %s\n", dir,
                has_bias ? "present" : "absent", r->rule,
                has_bias ? "takes no bias" : "needs one (float32 [E])");
        goto done;
    }
    if (has_bias) {
        if (load(dir, "bias.npy", NPY_F32, 1, &b) != 0)
            goto done;
        if (b.shape[0] != lg.shape[1]) {
            fprintf(stderr, "vik-ref: %s/bias.npy: %zu biases for E = %zu experts\n", dir,
                    b.shape[0], lg.shape[1]);
            goto done;
        }
        if (check_f32(dir, "bias.npy", &b, 0x1p20f, 0, "vik_route_deepseek",
                      "finite values with |v| <= 2^20") != 0)
            goto done;
    }
    if (check_f32(dir, "logits.npy", &lg, VIK_LOGIT_MAX, r->router == MOE_SOFTMAX_TOPK,
                  r->router == MOE_SOFTMAX_TOPK ? "vik_route_softmax_topk"
                  : r->router == MOE_TOPK_SOFTMAX ? "vik_route_topk_softmax"
                                                  : "vik_route_deepseek",
                  r->router == MOE_SOFTMAX_TOPK ? "-inf (masked) or " MOE_LOGIT_RULE
                                                : MOE_LOGIT_RULE) != 0)
        goto done;
    /* T k <= T E elements: the logits fit in memory, so does this */
    idx = malloc((lg.shape[0] * m[MM_K].value + 1u) * sizeof *idx);
    w = alloc_f32(lg.shape[0] * m[MM_K].value);
    if (!idx || !w) {
        if (!idx)
            fprintf(stderr, "vik-ref: out of memory\n");
        goto done;
    }
    if (moe_route(dir, r, &lg, b.data, m, idx, w) != 0)
        goto done;
    if (out_begin(&o, out) == 0) {
        size_t shape[2];
        shape[0] = lg.shape[0];
        shape[1] = m[MM_K].value;
        rc = out_put(&o, "idx.npy", NPY_I32, 2, shape, idx);
        if (rc == 0)
            rc = out_put(&o, "weight64.npy", NPY_F32, 2, shape, w);
        if (rc == 0)
            rc = out_commit(&o);
        if (rc != 0)
            out_abort(&o);
    }
done:
    free(idx);
    free(w);
    npy_free(&lg);
    npy_free(&b);
    return rc;
}

/* ---- kind: model (../shared/reference/models/<name>) ---- */

/* config.json, model.safetensors and prompt0_ids.npy (int32 [T]) ->
   for every promptj_ids.npy (j < MODEL_PROMPTS): promptj_logits64.npy
   (float32 [T, vocab], the prefill's logits) and promptj_greedy_ids.npy
   (int32: the prompt and as many greedy tokens, argmax with ties to the
   lowest id, decoded one at a time, as the folder's promptj_greedy_ids.npy
   has, or MODEL_GREEDY when it has none). Every prompt is read and checked
   (ids in [0, vocab)) before anything runs. */
#define MODEL_PROMPTS 16
#define MODEL_GREEDY 32u

static int detect_model(const char *dir)
{
    return has_file(dir, "config.json") && has_file(dir, "model.safetensors") &&
           has_file(dir, "prompt0_ids.npy");
}

/* VIK_THREADS=N: m->par = N threads splitting every product (threshold 0,
   so even the reference models' small products are split); unset: one
   thread. 0, or -1 with a message. */
static int threads_from_env(vik_model *m)
{
    const char *s = getenv("VIK_THREADS");
    char *end;
    unsigned long n;
    if (!s || !*s)
        return 0;
    errno = 0;
    n = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || n < 2 || n > VIK_PAR_MAX) {
        fprintf(stderr, "vik-ref: VIK_THREADS=%s: want an integer in [2, %u]\n", s, VIK_PAR_MAX);
        return -1;
    }
    if (!(m->par = vik_par_start((unsigned)n))) {
        fprintf(stderr, "vik-ref: cannot start %lu threads\n", n);
        return -1;
    }
    vik_par_min_work(m->par, 0);
    return 0;
}

static int run_model(const char *dir, const char *out)
{
    npy_array ids[MODEL_PROMPTS];
    uint32_t ntot[MODEL_PROMPTS], np = 0, j, t, ctx = 1, tmax = 1, V;
    char name[64], err[1024];
    vik_loaded L;
    float *fa = NULL, *lg = NULL;
    uint32_t *fu = NULL, *tok = NULL;
    int32_t *gout = NULL;
    void *arena = NULL;
    int rc = -1;
    outset o;
    memset(ids, 0, sizeof ids);
    memset(&L, 0, sizeof L);
    for (j = 0; j < MODEL_PROMPTS; j++) {
        npy_array g;
        snprintf(name, sizeof name, "prompt%u_ids.npy", j);
        if (!has_file(dir, name))
            break;
        if (load(dir, name, NPY_I32, 1, &ids[j]) != 0 || check_nonempty(dir, name, &ids[j]) != 0)
            goto done;
        np = j + 1;
        ntot[j] = (uint32_t)ids[j].count + MODEL_GREEDY;
        snprintf(name, sizeof name, "prompt%u_greedy_ids.npy", j);
        if (has_file(dir, name)) {
            if (load(dir, name, NPY_I32, 1, &g) != 0)
                goto done;
            ntot[j] = g.count > ids[j].count ? (uint32_t)g.count : (uint32_t)ids[j].count;
            npy_free(&g);
        }
        if (ids[j].count > VIK_CTX_MAX || ntot[j] > VIK_CTX_MAX) {
            fprintf(stderr, "vik-ref: %s/prompt%u: %u tokens past the context limit %u\n", dir, j, ntot[j],
                    VIK_CTX_MAX);
            goto done;
        }
        if (ntot[j] > ctx)
            ctx = ntot[j];
        if (ids[j].count > tmax)
            tmax = (uint32_t)ids[j].count;
    }
    if (vik_load(dir, ctx, tmax, &L, err, sizeof err) != VIK_LOAD_OK) {
        fprintf(stderr, "vik-ref: %s\n", err);
        goto done;
    }
    V = L.m.cfg.vocab;
    for (j = 0; j < np; j++)
        for (t = 0; t < ids[j].count; t++) {
            int32_t v = ((const int32_t *)ids[j].data)[t];
            if (v < 0 || (uint32_t)v >= V) {
                fprintf(stderr, "vik-ref: %s/prompt%u_ids.npy: element %u is %d, outside [0, %u) (the "
                        "vocabulary)\n", dir, j, t, v, V);
                goto done;
            }
        }
    if (threads_from_env(&L.m) != 0)
        goto done;
    arena = vik_arena_alloc(&L.plan, &fa, &fu);
    tok = malloc(sizeof *tok * ((size_t)ctx + 1));
    gout = malloc(sizeof *gout * ((size_t)ctx + 1));
    lg = alloc_f32((size_t)tmax * V);
    if (!arena || !tok || !gout || !lg) {
        fprintf(stderr, "vik-ref: out of memory\n");
        goto done;
    }
    if (out_begin(&o, out) != 0)
        goto done;
    for (j = 0; j < np && rc != -2; j++) {
        uint32_t T = (uint32_t)ids[j].count, N = ntot[j];
        size_t shape[2];
        int frc;
        for (t = 0; t < T; t++)
            tok[t] = (uint32_t)((const int32_t *)ids[j].data)[t];
        vik_model_reset(&L.m, &L.plan, fa);
        frc = vik_forward(&L.m, &L.plan, fa, fu, tok, T, 0, lg, 1);
        for (t = T; frc == VIK_OK && t < N; t++) {
            tok[t] = vik_argmax(t == T ? lg + (size_t)(T - 1) * V : lg, V);
            if (t + 1 < N) {
                /* decode into lg's first row: the prefill rows are written out first */
                if (t == T) {
                    shape[0] = T;
                    shape[1] = V;
                    snprintf(name, sizeof name, "prompt%u_logits64.npy", j);
                    if (out_put(&o, name, NPY_F32, 2, shape, lg) != 0) {
                        rc = -2;
                        break;
                    }
                }
                frc = vik_forward(&L.m, &L.plan, fa, fu, tok + t, 1, t, lg, 0);
            }
        }
        if (rc == -2)
            break;
        if (frc != VIK_OK) {
            fprintf(stderr, "vik-ref: %s/prompt%u: inference error: %s\n", dir, j, vik_model_strerror(frc));
            rc = -2;
            break;
        }
        if (N <= T + 1) {
            shape[0] = T;
            shape[1] = V;
            snprintf(name, sizeof name, "prompt%u_logits64.npy", j);
            if (out_put(&o, name, NPY_F32, 2, shape, lg) != 0) {
                rc = -2;
                break;
            }
        }
        for (t = 0; t < N; t++)
            gout[t] = (int32_t)tok[t];
        shape[0] = N;
        snprintf(name, sizeof name, "prompt%u_greedy_ids.npy", j);
        if (out_put(&o, name, NPY_I32, 1, shape, gout) != 0) {
            rc = -2;
            break;
        }
    }
    if (rc != -2 && out_commit(&o) == 0) {
        rc = 0;
    } else {
        out_abort(&o);
        rc = -1;
    }
done:
    for (j = 0; j < MODEL_PROMPTS; j++)
        npy_free(&ids[j]);
    vik_arena_free(arena);
    free(tok);
    free(gout);
    free(lg);
    vik_par_stop(L.m.par);
    vik_unload(&L);
    return rc;
}

/* ---- case kinds: one entry each ---- */

typedef struct {
    const char *name;
    const char *inputs;                 /* for the "unknown kind" message */
    int (*detect)(const char *dir);     /* 1 if dir holds a case of this kind */
    int (*run)(const char *dir, const char *out);   /* 0 or -1 (message printed) */
} case_kind;

static const case_kind KINDS[] = {
    {"formats", "encode_input.npy", detect_formats, run_formats},
    {"mx", "input.npy (float32 [rows, K], K % 32 == 0)", detect_mx, run_mx},
    {"linear / rmsnorm", "x.npy (float32 [T, n]) and w.npy (float32 [m, n]: "
     "linear; float32 [n]: RMSNorm)", detect_x_w, run_x_w},
    {"softmax", "x.npy (float32 [rows, n]) in a dir named softmax*", detect_softmax,
     run_softmax},
    {"silu", "x.npy (float32 [rows, n]) in a dir named silu*", detect_silu, run_silu},
    {"swiglu", "gate.npy and up.npy (float32 [rows, n])", detect_swiglu, run_swiglu},
    {"rope", "x.npy (float32 [T, H, D]) and pos.npy (int32 [T])", detect_rope,
     run_rope},
    {"attention", "q.npy (float32 [Hq, Tq, D]), k.npy and v.npy (float32 [Hkv, S, "
     "D]), meta.json, optional sinks.npy (float32 [Hq])", detect_attention,
     run_attention},
    {"moe", "logits.npy (float32 [T, E]), meta.json with a \"rule\", bias.npy (float32 "
     "[E], DeepSeek-V3)", detect_moe, run_moe},
    {"model", "config.json, model.safetensors and promptj_ids.npy (int32 [T])", detect_model, run_model},
};

int main(int argc, char **argv)
{
    size_t i, found = COUNT(KINDS);
    if (argc != 3) {
        fprintf(stderr, "usage: vik-ref CASE_DIR OUT_DIR\n");
        return 2;
    }
    if (!is_dir(argv[1])) {
        fprintf(stderr, "vik-ref: %s: not a directory\n", argv[1]);
        return 2;
    }
    /* exactly one kind must match: a dir holding the inputs of two kinds is
       ambiguous and refused rather than run as whichever comes first */
    for (i = 0; i < COUNT(KINDS); i++)
        if (KINDS[i].detect(argv[1])) {
            if (found < COUNT(KINDS)) {
                fprintf(stderr, "vik-ref: %s: ambiguous case: inputs of both "
                        "%s (%s) and %s (%s)\n", argv[1], KINDS[found].name,
                        KINDS[found].inputs, KINDS[i].name, KINDS[i].inputs);
                return 2;
            }
            found = i;
        }
    if (found < COUNT(KINDS))
        return KINDS[found].run(argv[1], argv[2]) == 0 ? 0 : 2;
    fprintf(stderr, "vik-ref: %s: no known case kind; looked for:\n", argv[1]);
    for (i = 0; i < COUNT(KINDS); i++)
        fprintf(stderr, "  %s: %s\n", KINDS[i].name, KINDS[i].inputs);
    return 2;
}
