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
#include "npy.h"
#include <errno.h>
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
    strcpy(o->name[o->n++], name);  /* recorded first so abort removes it */
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

/* ---- case kinds: add mx/caseK, ops/linearK, ... as one entry each ---- */

typedef struct {
    const char *name;
    const char *inputs;                 /* for the "unknown kind" message */
    int (*detect)(const char *dir);     /* 1 if dir holds a case of this kind */
    int (*run)(const char *dir, const char *out);   /* 0 or -1 (message printed) */
} case_kind;

static const case_kind KINDS[] = {
    {"formats", "encode_input.npy", detect_formats, run_formats},
};

int main(int argc, char **argv)
{
    size_t i;
    if (argc != 3) {
        fprintf(stderr, "usage: vik-ref CASE_DIR OUT_DIR\n");
        return 2;
    }
    if (!is_dir(argv[1])) {
        fprintf(stderr, "vik-ref: %s: not a directory\n", argv[1]);
        return 2;
    }
    for (i = 0; i < COUNT(KINDS); i++)
        if (KINDS[i].detect(argv[1]))
            return KINDS[i].run(argv[1], argv[2]) == 0 ? 0 : 2;
    fprintf(stderr, "vik-ref: %s: no known case kind; looked for:\n", argv[1]);
    for (i = 0; i < COUNT(KINDS); i++)
        fprintf(stderr, "  %s: %s\n", KINDS[i].name, KINDS[i].inputs);
    return 2;
}
