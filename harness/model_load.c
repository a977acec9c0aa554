/* Model folder loader (see model_load.h). */
#define _POSIX_C_SOURCE 200809L
#include "model_load.h"
#include "config.h"
#include "ffn.h"
#include "rope_table.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG_MAX (1u << 20)

/* Message into err (errlen bytes; snprintf truncates), then the code.
   A macro, not a variadic function: clang-tidy's analyzer, run over this
   file together with npy.c, reported npy.c's va_list as uninitialized. */
#define LOAD_FAIL(code, ...) (snprintf(err, errlen, __VA_ARGS__), (code))

const char *vik_dtype_name(uint32_t dt)
{
    switch (dt) {
    case VIK_DT_F32: return "F32";
    case VIK_DT_BF16: return "BF16";
    case VIK_DT_F16: return "F16";
    case VIK_DT_U8: return "U8";
    case VIK_DT_F8_E4M3: return "F8_E4M3";
    default: return "?";
    }
}

/* Whole file into a malloc'd buffer (at least 1 byte allocated). */
static int read_file(const char *path, uint64_t max, uint8_t **buf, uint64_t *len, char *err,
                     size_t errlen)
{
    FILE *f = fopen(path, "rb");
    long n;
    uint8_t *p;
    *buf = NULL;
    *len = 0;
    if (!f)
        return LOAD_FAIL(VIK_LOAD_EIO, "%s: cannot open", path);
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        (void)fclose(f);
        return LOAD_FAIL(VIK_LOAD_EIO, "%s: cannot read (seek)", path);
    }
    if ((uint64_t)n > max) {
        (void)fclose(f);
        return LOAD_FAIL(VIK_LOAD_EIO, "%s: file too large (%ld bytes)", path, n);
    }
    p = malloc((size_t)n + 1);
    if (!p) {
        (void)fclose(f);
        return LOAD_FAIL(VIK_LOAD_ENOMEM, "%s: out of memory", path);
    }
    if (fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        (void)fclose(f);
        return LOAD_FAIL(VIK_LOAD_EIO, "%s: read error", path);
    }
    if (fclose(f) != 0) {
        free(p);
        return LOAD_FAIL(VIK_LOAD_EIO, "%s: close error", path);
    }
    *buf = p;
    *len = (uint64_t)n;
    return VIK_LOAD_OK;
}

static int path_join(char *buf, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(buf, cap, "%s/%s", dir, name);
    return n >= 0 && (size_t)n < cap;
}

/* ---- the tensor table while loading ---- */

typedef struct {
    const uint8_t *data;       /* start of the data section */
    const vik_st_tensor *tab;
    const uint8_t *hdr;
    uint32_t hlen, n;
    void **conv;               /* per entry: converted data in wbuf */
    uint8_t *used;             /* per entry: referenced by the model */
    const char *file;
} tables;

static void shape_str(char *buf, size_t cap, const uint64_t *d, uint32_t nd)
{
    size_t k = 0;
    uint32_t i;
    buf[0] = '\0';
    k += (size_t)snprintf(buf + k, cap - k, "[");
    for (i = 0; i < nd && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, i ? ", %llu" : "%llu", (unsigned long long)d[i]);
    if (k < cap)
        snprintf(buf + k, cap - k, "]");
}

/* Entry named name with dtype class want (0: any float dtype, else that
   dtype) and shape d[0 .. nd-1]; its index, or -1 with a message. */
static long lookup(tables *T, const char *name, uint32_t want, uint32_t nd, const uint64_t *d, char *err,
                   size_t errlen)
{
    uint32_t k = vik_st_find(T->hdr, T->hlen, T->tab, T->n, name, (uint32_t)strlen(name)), i;
    const vik_st_tensor *t;
    if (strlen(name) > VIK_ST_NAME_MAX || k >= T->n) {
        (void)LOAD_FAIL(VIK_LOAD_ETENSOR, "%s: tensor %s missing", T->file, name);
        return -1;
    }
    t = &T->tab[k];
    if (want == 0 ? !(t->dtype == VIK_DT_F32 || t->dtype == VIK_DT_BF16 || t->dtype == VIK_DT_F16)
                  : t->dtype != want) {
        (void)LOAD_FAIL(VIK_LOAD_ETENSOR, "%s: tensor %s has dtype %s, expected %s", T->file, name,
             vik_dtype_name(t->dtype), want == 0 ? "F32, BF16 or F16" : vik_dtype_name(want));
        return -1;
    }
    for (i = 0; i < nd; i++)
        if (t->ndim != nd || t->shape[i] != d[i])
            break;
    if (t->ndim != nd || i < nd) {
        char got[128], exp[128];
        shape_str(got, sizeof got, t->shape, t->ndim);
        shape_str(exp, sizeof exp, d, nd);
        (void)LOAD_FAIL(VIK_LOAD_ETENSOR, "%s: tensor %s has shape %s, expected %s", T->file, name, got, exp);
        return -1;
    }
    T->used[k] = 1;
    return (long)k;
}

static long lookup_f(tables *T, const char *name, uint64_t d0, uint64_t d1, uint32_t nd, char *err, size_t errlen)
{
    uint64_t d[2];
    d[0] = d0;
    d[1] = d1;
    return lookup(T, name, 0, nd, d, err, errlen);
}

/* A float matrix [m, n] (or vector when n == 0). */
static int get_f32(tables *T, const char *name, uint64_t m, uint64_t n, const float **out, char *err, size_t errlen)
{
    long k = lookup_f(T, name, m, n, n ? 2u : 1u, err, errlen);
    if (k < 0)
        return VIK_LOAD_ETENSOR;
    *out = (const float *)T->conv[k];
    return VIK_LOAD_OK;
}

/* A weight matrix [m, n]: name.weight in a float dtype, or (experts of an
   MXFP4 file) name.blocks U8 [m, n/32, 16] and name.scales U8 [m, n/32]. */
static int get_wmat(tables *T, const char *base, uint64_t m, uint64_t n, int allow_mx, vik_wmat *w, int *mx,
                    char *err, size_t errlen)
{
    char name[VIK_ST_NAME_MAX + 32];
    const float *f;
    w->fmt = VIK_W_F32;
    w->f = NULL;
    w->codes = w->scales = NULL;
    snprintf(name, sizeof name, "%s.weight", base);
    if (allow_mx && vik_st_find(T->hdr, T->hlen, T->tab, T->n, name, (uint32_t)strlen(name)) >= T->n) {
        snprintf(name, sizeof name, "%s.blocks", base);
        if (vik_st_find(T->hdr, T->hlen, T->tab, T->n, name, (uint32_t)strlen(name)) < T->n) {
            uint64_t d[3];
            long kb, ks;
            if (n % 32 != 0)
                return LOAD_FAIL(VIK_LOAD_ETENSOR, "%s: tensor %s: in-features %llu not a multiple of 32",
                            T->file, name, (unsigned long long)n);
            d[0] = m;
            d[1] = n / 32;
            d[2] = 16;
            if ((kb = lookup(T, name, VIK_DT_U8, 3, d, err, errlen)) < 0)
                return VIK_LOAD_ETENSOR;
            snprintf(name, sizeof name, "%s.scales", base);
            if ((ks = lookup(T, name, VIK_DT_U8, 2, d, err, errlen)) < 0)
                return VIK_LOAD_ETENSOR;
            w->fmt = VIK_W_MXFP4;
            w->codes = (const uint8_t *)T->conv[kb];
            w->scales = (const uint8_t *)T->conv[ks];
            *mx = 1;
            return VIK_LOAD_OK;
        }
        snprintf(name, sizeof name, "%s.weight", base);
    }
    if (get_f32(T, name, m, n, &f, err, errlen) != VIK_LOAD_OK)
        return VIK_LOAD_ETENSOR;
    w->f = f;
    return VIK_LOAD_OK;
}

/* Convert every tensor of a known dtype into wbuf (floats first, then bytes)
   and check the float values against the kernels' bound. */
static int convert_all(tables *T, void **wbuf, char *err, size_t errlen)
{
    uint64_t nf = 0, nb = 0;
    uint32_t k;
    float *fp;
    uint8_t *bp;
    for (k = 0; k < T->n; k++) {
        const vik_st_tensor *t = &T->tab[k];
        if (t->dtype == VIK_DT_F32 || t->dtype == VIK_DT_BF16 || t->dtype == VIK_DT_F16)
            nf += t->nelem;
        else
            nb += t->nelem;
    }
    if (nf > ((uint64_t)1 << 34) || nb > ((uint64_t)1 << 36))
        return LOAD_FAIL(VIK_LOAD_ENOMEM, "%s: weights too large", T->file);
    *wbuf = malloc((size_t)(nf * sizeof(float) + nb + 1));
    if (!*wbuf)
        return LOAD_FAIL(VIK_LOAD_ENOMEM, "%s: out of memory for the weights", T->file);
    fp = (float *)*wbuf;
    bp = (uint8_t *)(fp + nf);
    for (k = 0; k < T->n; k++) {
        const vik_st_tensor *t = &T->tab[k];
        const uint8_t *src = T->data + t->begin;
        uint64_t done = 0;
        if (t->dtype == VIK_DT_F32 || t->dtype == VIK_DT_BF16 || t->dtype == VIK_DT_F16) {
            T->conv[k] = fp;
            /* in pieces of at most 2^30 elements (the kernels' limit) */
            while (done < t->nelem) {
                uint64_t c = t->nelem - done;
                uint32_t bad;
                if (c > ((uint64_t)1 << 30))
                    c = (uint64_t)1 << 30;
                if (t->dtype == VIK_DT_F32)
                    vik_f32le_to_f32(fp + done, src + 4 * done, (uint32_t)c);
                else if (t->dtype == VIK_DT_BF16)
                    vik_bf16_to_f32(fp + done, src + 2 * done, (uint32_t)c);
                else
                    vik_f16_to_f32(fp + done, src + 2 * done, (uint32_t)c);
                if (vik_check_f32(fp + done, (uint32_t)c, VIK_ACT_MAX, &bad) != VIK_OK) {
                    char name[VIK_ST_NAME_MAX + 1];
                    memcpy(name, T->hdr + t->name_off, t->name_len);
                    name[t->name_len] = '\0';
                    return LOAD_FAIL(VIK_LOAD_EVALUE,
                                "%s: tensor %s: element %llu is %g, outside the kernels' bound (finite, |w| <= 2^20)",
                                T->file, name, (unsigned long long)done + bad, (double)fp[done + bad]);
                }
                done += c;
            }
            fp += t->nelem;
        } else {
            T->conv[k] = bp;
            if (t->nelem)
                memcpy(bp, src, (size_t)t->nelem);
            bp += t->nelem;
        }
    }
    return VIK_LOAD_OK;
}

static int check_scales(tables *T, const vik_wmat *w, uint64_t m, uint64_t n, const char *base, char *err,
                        size_t errlen)
{
    uint64_t i, nb = m * (n / 32);
    if (w->fmt != VIK_W_MXFP4)
        return VIK_LOAD_OK;
    for (i = 0; i < nb; i++)
        if (w->scales[i] > VIK_MXFP4_DOT_SMAX)
            return LOAD_FAIL(VIK_LOAD_EVALUE,
                        "%s: tensor %s.scales: scale code %u at %llu above %u (the proven MXFP4 range)", T->file,
                        base, w->scales[i], (unsigned long long)i, VIK_MXFP4_DOT_SMAX);
    return VIK_LOAD_OK;
}

static int build_model(vik_loaded *L, tables *T, char *err, size_t errlen)
{
    const vik_config *c = &L->m.cfg;
    uint64_t dim = c->dim, qd = (uint64_t)c->n_heads * c->head_dim, kvd = (uint64_t)c->n_kv_heads * c->head_dim;
    uint64_t hid = c->hidden, V = c->vocab;
    uint32_t l, e, E = c->n_experts;
    char base[VIK_ST_NAME_MAX + 1];
    int rc, mx = 0;
    L->layers = calloc(c->n_layers, sizeof *L->layers);
    L->experts = E ? calloc((size_t)c->n_layers * 3u * E, sizeof *L->experts) : NULL;
    if (!L->layers || (E && !L->experts))
        return LOAD_FAIL(VIK_LOAD_ENOMEM, "out of memory");
    if ((rc = get_f32(T, "model.embed_tokens.weight", V, dim, &L->m.embed, err, errlen)) != VIK_LOAD_OK)
        return rc;
    if ((rc = get_f32(T, "model.norm.weight", dim, 0, &L->m.norm, err, errlen)) != VIK_LOAD_OK)
        return rc;
    if (c->tie && vik_st_find(T->hdr, T->hlen, T->tab, T->n, "lm_head.weight", 14u) >= T->n) {
        L->m.lm_head.fmt = VIK_W_F32;
        L->m.lm_head.f = L->m.embed;
    } else if ((rc = get_wmat(T, "lm_head", V, dim, 0, &L->m.lm_head, &mx, err, errlen)) != VIK_LOAD_OK) {
        return rc;
    }
    for (l = 0; l < c->n_layers; l++) {
        vik_layer *ly = &L->layers[l];
        char name[VIK_ST_NAME_MAX + 1];
#define NAME(fmt_) (snprintf(name, sizeof name, "model.layers.%u." fmt_, l), name)
        if ((rc = get_f32(T, NAME("input_layernorm.weight"), dim, 0, &ly->attn_norm, err, errlen)) ||
            (rc = get_f32(T, NAME("post_attention_layernorm.weight"), dim, 0, &ly->ffn_norm, err, errlen)) ||
            (rc = get_wmat(T, NAME("self_attn.q_proj"), qd, dim, 0, &ly->wq, &mx, err, errlen)) ||
            (rc = get_wmat(T, NAME("self_attn.k_proj"), kvd, dim, 0, &ly->wk, &mx, err, errlen)) ||
            (rc = get_wmat(T, NAME("self_attn.v_proj"), kvd, dim, 0, &ly->wv, &mx, err, errlen)) ||
            (rc = get_wmat(T, NAME("self_attn.o_proj"), dim, qd, 0, &ly->wo, &mx, err, errlen)))
            return rc;
        if (c->arch == VIK_ARCH_LLAMA) {
            if ((rc = get_wmat(T, NAME("mlp.gate_proj"), hid, dim, 0, &ly->w1, &mx, err, errlen)) ||
                (rc = get_wmat(T, NAME("mlp.down_proj"), dim, hid, 0, &ly->w2, &mx, err, errlen)) ||
                (rc = get_wmat(T, NAME("mlp.up_proj"), hid, dim, 0, &ly->w3, &mx, err, errlen)))
                return rc;
            continue;
        }
        if ((rc = get_wmat(T, NAME("block_sparse_moe.gate"), E, dim, 0, &ly->router, &mx, err, errlen)))
            return rc;
        ly->experts = L->experts + (size_t)l * 3u * E;
        for (e = 0; e < E; e++) {
            vik_wmat *x = L->experts + ((size_t)l * E + e) * 3u;
            static const char *const wn[3] = {"w1", "w2", "w3"};
            int j;
            for (j = 0; j < 3; j++) {
                uint64_t m = j == 1 ? dim : hid, n = j == 1 ? hid : dim;
                snprintf(base, sizeof base, "model.layers.%u.block_sparse_moe.experts.%u.%s", l, e, wn[j]);
                if ((rc = get_wmat(T, base, m, n, 1, &x[j], &mx, err, errlen)) ||
                    (rc = check_scales(T, &x[j], m, n, base, err, errlen)))
                    return rc;
            }
        }
#undef NAME
    }
    L->mxfp4 = mx;
    return VIK_LOAD_OK;
}

typedef struct {
    float *f;
    uint32_t *u;
} vik_arena;

void *vik_arena_alloc(const vik_plan *p, float **fa, uint32_t **fu)
{
    vik_arena *a;
    if (!fa || !fu)
        return NULL;
    *fa = NULL;                  /* the caller's pointers are never left dangling */
    *fu = NULL;
    if (!p || p->nf > ((uint64_t)1 << 36) || p->nu > ((uint64_t)1 << 36))
        return NULL;
    /* <= 2^38 + 16 bytes each: no wrap in uint64; a 32-bit size_t would truncate */
    if ((uint64_t)p->nf * 4u > (uint64_t)(SIZE_MAX - 16u) || (uint64_t)p->nu * 4u > (uint64_t)(SIZE_MAX - 16u))
        return NULL;
    a = malloc(sizeof *a);
    if (!a)
        return NULL;
    a->f = malloc((size_t)p->nf * sizeof(float) + 16u);   /* + 16: never a zero-size malloc */
    a->u = malloc((size_t)p->nu * sizeof(uint32_t) + 16u);
    if (!a->f || !a->u) {
        vik_arena_free(a);
        return NULL;
    }
    *fa = a->f;
    *fu = a->u;
    return a;
}

void vik_arena_free(void *arena)
{
    vik_arena *a = arena;
    if (!a)
        return;
    free(a->f);
    free(a->u);
    free(a);
}

void vik_unload(vik_loaded *L)
{
    if (!L)                      /* as free(NULL): cleanup paths need not test */
        return;
    free(L->tab);
    free(L->hdr);
    free(L->wbuf);
    free(L->layers);
    free(L->experts);
    free(L->rope);
    memset(L, 0, sizeof *L);
}

int vik_load(const char *dir, uint32_t ctx, uint32_t tmax, vik_loaded *out, char *err, size_t errlen)
{
    char path[4096];
    uint8_t *cfgtext = NULL, *file = NULL;
    uint64_t cfglen = 0, flen = 0;
    uint32_t at = 0, field = 0, hlen = 0, count = 0, hd;
    vik_loaded L;
    tables T;
    int rc;
    if (!err)                    /* snprintf(NULL, 0, ...) is defined, with any other size not */
        errlen = 0;
    if (errlen > INT_MAX)        /* snprintf may refuse a size above INT_MAX (EOVERFLOW), leaving err unset */
        errlen = INT_MAX;
    if (errlen > 0)
        err[0] = '\0';
    if (out)
        memset(out, 0, sizeof *out);
    if (!dir || !out)            /* nothing to open or to fill: a caller's bug, not a file's */
        return LOAD_FAIL(VIK_LOAD_EARG, "vik_load: %s is NULL", dir ? "out" : "dir");
    memset(&L, 0, sizeof L);
    memset(&T, 0, sizeof T);
    if (!path_join(path, sizeof path, dir, "config.json"))
        return LOAD_FAIL(VIK_LOAD_EIO, "%s: path too long", dir);
    if ((rc = read_file(path, CONFIG_MAX, &cfgtext, &cfglen, err, errlen)) != VIK_LOAD_OK)
        return rc;
    rc = vik_config_parse(cfgtext, (uint32_t)cfglen, &L.m.cfg, &at, &field);
    free(cfgtext);
    if (rc != VIK_CFG_OK) {
        if (rc == VIK_CFG_ESYNTAX)
            return LOAD_FAIL(VIK_LOAD_ECONFIG, "%s: %s (at byte %u)", path, vik_config_strerror(rc), at);
        return LOAD_FAIL(VIK_LOAD_ECONFIG, "%s: %s: %s", path, vik_config_field_name(field),
                    vik_config_strerror(rc));
    }
    if (ctx == 0)
        ctx = L.m.cfg.max_pos < VIK_CTX_MAX ? L.m.cfg.max_pos : VIK_CTX_MAX;
    if (tmax == 0 || tmax > ctx)
        tmax = ctx;
    L.ctx = ctx;
    if (vik_model_plan(&L.m.cfg, ctx, tmax, &L.plan) != VIK_OK)
        return LOAD_FAIL(VIK_LOAD_ENOMEM, "%s: context %u with %u tokens per call is past the limits",
                    path, ctx, tmax);

    if (!path_join(path, sizeof path, dir, "model.safetensors"))
        return LOAD_FAIL(VIK_LOAD_EIO, "%s: path too long", dir);
    if ((rc = read_file(path, VIK_LOAD_FILE_MAX, &file, &flen, err, errlen)) != VIK_LOAD_OK)
        return rc;
    L.file_bytes = flen;
    if (!file)
        return LOAD_FAIL(VIK_LOAD_EIO, "%s: cannot read", path);
    rc = vik_st_header_len(file, flen, &hlen);
    if (rc != VIK_ST_OK) {
        free(file);
        return LOAD_FAIL(VIK_LOAD_EFORMAT, "%s: %s", path, vik_st_strerror(rc));
    }
    L.tab = malloc(sizeof *L.tab * VIK_LOAD_TENSORS_MAX);
    if (!L.tab) {
        free(file);
        return LOAD_FAIL(VIK_LOAD_ENOMEM, "%s: out of memory", path);
    }
    rc = vik_st_parse(file + 8, hlen, flen - 8 - hlen, L.tab, VIK_LOAD_TENSORS_MAX, &count, &at);
    if (rc != VIK_ST_OK) {
        free(file);
        vik_unload(&L);
        return LOAD_FAIL(VIK_LOAD_EFORMAT, "%s: %s (header byte %u)", path, vik_st_strerror(rc), at);
    }
    L.ntensors = count;
    L.hlen = hlen;
    L.hdr = malloc(hlen);
    T.conv = calloc(count + 1, sizeof *T.conv);
    T.used = calloc(count + 1, 1);
    if (!L.hdr || !T.conv || !T.used) {
        free(file);
        free(T.conv);
        free(T.used);
        vik_unload(&L);
        return LOAD_FAIL(VIK_LOAD_ENOMEM, "%s: out of memory", path);
    }
    memcpy(L.hdr, file + 8, hlen);
    T.data = file + 8 + hlen;
    T.tab = L.tab;
    T.hdr = L.hdr;
    T.hlen = hlen;
    T.n = count;
    T.file = path;
    rc = convert_all(&T, &L.wbuf, err, errlen);
    free(file);                           /* read once; every tensor is in wbuf now */
    T.data = NULL;
    if (rc == VIK_LOAD_OK)
        rc = build_model(&L, &T, err, errlen);
    free(T.conv);
    free(T.used);
    if (rc != VIK_LOAD_OK) {
        vik_unload(&L);
        return rc;
    }
    L.m.layers = L.layers;
    /* RoPE tables for the context */
    hd = L.m.cfg.head_dim / 2u;
    L.rope = malloc(sizeof(float) * 2u * (size_t)ctx * hd + 1);
    if (!L.rope) {
        vik_unload(&L);
        return LOAD_FAIL(VIK_LOAD_ENOMEM, "out of memory for the RoPE tables");
    }
    /* never: cfg_ok and the plan keep head_dim, theta and ctx in the table's domain */
    if (vik_rope_table(L.rope, L.rope + (size_t)ctx * hd, ctx, L.m.cfg.head_dim, L.m.cfg.theta) != VIK_OK) {
        rc = LOAD_FAIL(VIK_LOAD_ECONFIG, "%s/config.json: head_dim %u, rope_theta %g: outside the RoPE table's domain",
                       dir, L.m.cfg.head_dim, (double)L.m.cfg.theta);
        vik_unload(&L);
        return rc;
    }
    L.m.rope_cos = L.rope;
    L.m.rope_sin = L.rope + (size_t)ctx * hd;
    *out = L;
    return VIK_LOAD_OK;
}

uint32_t vik_argmax(const float *x, uint32_t n)
{
    uint32_t i, b = 0;
    if (!x || n == 0)            /* no element: an answer no caller can take for an index */
        return n;
    /* a NaN wins over any number (x != x only for NaN), and only the first one */
    for (i = 1; i < n; i++)
        if (x[i] > x[b] || (x[i] != x[i] && x[b] == x[b]))
            b = i;
    return b;
}
