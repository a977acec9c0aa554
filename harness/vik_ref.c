/* vik-ref CASE_DIR OUT_DIR: run the kernels on one reference case and write
   the outputs under the reference file names, so that they can be compared
   file by file with the corpus.

   The case kind is detected from the input files present; each kind is one
   entry of KINDS (detect + run). Exit status: 0 on success, 2 on any error
   (usage, missing or bad input, write failure). On error no output file is
   left behind: inputs are all loaded and checked before OUT_DIR is touched,
   and outputs are written to temporary names and renamed only when all of
   them were written. */
#define _POSIX_C_SOURCE 200809L
#include "formats.h"
#include "linear.h"
#include "mx.h"
#include "npy.h"
#include <errno.h>
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

/* Load dir/name and require its dtype and ndim; message on stderr if not. */
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
    if (a->dtype != dtype || a->ndim != ndim) {
        fprintf(stderr, "vik-ref: %s: want %s with %d dims, got %s with %d\n",
                p, npy_dtype_name(dtype), ndim, npy_dtype_name(a->dtype), a->ndim);
        npy_free(a);
        return -1;
    }
    return 0;
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

/* NVFP4 references (nvfp4_*.npy) are in the corpus but not produced yet. */
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
        scales = malloc(in.count / VIK_MX_BLOCK + 1);
        y = malloc((in.count + 1) * sizeof *y);
        if (!codes || !scales || !y)
            fprintf(stderr, "vik-ref: out of memory\n");
        else if (out_begin(&o, out) == 0) {
            rc = 0;
            for (i = 0; rc == 0 && i < COUNT(MX_FORMATS); i++)
                rc = put_mx(&o, &MX_FORMATS[i], in.data, rows, K, codes, scales, y);
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

/* ---- kind: linear (../shared/reference/ops/linearK) ---- */

/* x.npy float32[T, n] and w.npy float32[m, n] (PyTorch Linear layout, out x
   in); output y64.npy = x W^T, written as float32[T, m] (the kernel's result;
   the corpus file of that name is float64). Detected by the two names only,
   so that a wrong dtype or shape is reported as such. (rmsnormK has x.npy and
   a 1-D w.npy too: it is refused by the 2-D check below with a hint, until
   it has a kind of its own.) */
static int detect_linear(const char *dir)
{
    return has_file(dir, "x.npy") && has_file(dir, "w.npy");
}

#define LINEAR_VMAX 1048576.0f      /* 2^20: bounded_f32 in linear.h */

/* Every element finite with |v| <= 2^20 (vik_matmul_f32's precondition);
   else a message naming the first offending element, and -1. */
static int linear_check_values(const char *dir, const char *name,
                               const npy_array *a)
{
    const float *v = a->data;
    size_t i, cols = a->shape[1];
    for (i = 0; i < a->count; i++) {
        float e = v[i];
        const char *what;
        if (e >= -LINEAR_VMAX && e <= LINEAR_VMAX)
            continue;
        what = e != e ? "NaN" : (e == INFINITY || e == -INFINITY) ? "infinite"
                                                                   : "out of range";
        fprintf(stderr, "vik-ref: %s/%s: element [%zu, %zu] = %.9g is %s; "
                "vik_matmul_f32 takes finite values with |v| <= 2^20 (1048576)\n",
                dir, name, i / cols, i % cols, (double)e, what);
        return -1;
    }
    return 0;
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

static int run_linear(const char *dir, const char *out)
{
    npy_array x, w;
    outset o;
    size_t shape[2];
    float *y = NULL;
    int rc = -1;
    if (load(dir, "x.npy", NPY_F32, 2, &x) != 0)
        return -1;
    if (load(dir, "w.npy", NPY_F32, 2, &w) != 0) {
        fprintf(stderr, "vik-ref: %s: a linear case is x.npy float32 [T, n] and "
                "w.npy float32 [m, n] (a 1-D w.npy, as in rmsnormK, is not "
                "supported)\n", dir);
        npy_free(&x);
        return -1;
    }
    if (linear_check_shapes(dir, &x, &w) == 0 &&
        linear_check_values(dir, "x.npy", &x) == 0 &&
        linear_check_values(dir, "w.npy", &w) == 0) {
        shape[0] = x.shape[0];
        shape[1] = w.shape[0];
        y = malloc(shape[0] * shape[1] * sizeof *y);
        if (!y)
            fprintf(stderr, "vik-ref: out of memory\n");
        else if (out_begin(&o, out) == 0) {
            vik_matmul_f32(y, x.data, w.data, (uint32_t)shape[0],
                           (uint32_t)x.shape[1], (uint32_t)shape[1], 0u,
                           (uint32_t)shape[1]);
            rc = out_put(&o, "y64.npy", NPY_F32, 2, shape, y);
            if (rc == 0)
                rc = out_commit(&o);
            if (rc != 0)
                out_abort(&o);
        }
    }
    free(y);
    npy_free(&x);
    npy_free(&w);
    return rc;
}

/* ---- case kinds: add mx/caseK, ops/linearK, ... as one entry each ---- */

typedef struct {
    const char *name;
    const char *inputs;                 /* for the "unknown kind" message */
    int (*detect)(const char *dir);     /* 1 if dir holds a case of this kind */
    int (*run)(const char *dir, const char *out);   /* 0 or -1 (message printed) */
} case_kind;

static const case_kind KINDS[] = {
    {"formats", "encode_input.npy", detect_formats, run_formats},
    {"mx", "input.npy (float32 [rows, K], K % 32 == 0)", detect_mx, run_mx},
    {"linear", "x.npy (float32 [T, n]) and w.npy (float32 [m, n])", detect_linear,
     run_linear},
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
