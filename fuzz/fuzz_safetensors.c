/* libFuzzer target: the parsers of untrusted model bytes (kernels/json.c,
   kernels/safetensors.c, kernels/config.c) on arbitrary input, in memory.
   Each input is read three ways; checked (abort on violation, which
   libFuzzer reports as a crash; ASan/UBSan catch memory errors):
   - as a whole safetensors file: vik_st_header_len, then vik_st_parse of the
     header into a 64-entry table. Any return code in range, *count <= 64,
     *at <= header length. Accepted: every entry has a known dtype, at most 4
     dims, nelem the product of the shape, begin <= end <= data length,
     end - begin = nelem * dtype size, its name inside the header, no
     duplicate names (vik_st_find of each name gives back its own entry), no
     two non-empty byte ranges overlapping;
   - as config.json: vik_config_parse; accepted configs satisfy every limit
     of config.h's cfg_ok (checked field by field);
   - as JSON text: vik_json_skip from 0 returns VIK_JSON_BAD or an index in
     (0, size]. */
#include "config.h"
#include "json.h"
#include "safetensors.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP 64u

static void die(const char *what, size_t size)
{
    fprintf(stderr, "fuzz_safetensors: property violated: %s (input of %zu bytes)\n", what, size);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void safetensors(const uint8_t *data, size_t size)
{
    static vik_st_tensor t[CAP];
    uint32_t hlen = 0, count = 0, at = 0, k, q, d;
    uint64_t dlen;
    int rc = vik_st_header_len(data, size, &hlen);
    if (rc != VIK_ST_OK) {
        if (rc != VIK_ST_ETRUNC && rc != VIK_ST_EHLEN)
            die("header_len: code out of range", size);
        return;
    }
    if (hlen < 2 || (uint64_t)hlen + 8 > size)
        die("header_len: accepted length past the file", size);
    dlen = size - 8 - hlen;
    memset(t, 0x5A, sizeof t);
    rc = vik_st_parse(data + 8, hlen, dlen, t, CAP, &count, &at);
    if (rc < 0 || rc >= VIK_ST_NCODES || count > CAP || at > hlen)
        die("parse: code, count or position out of range", size);
    if (!vik_st_strerror(rc))
        die("no message", size);
    if (rc != VIK_ST_OK)
        return;
    for (k = 0; k < count; k++) {
        uint64_t n = 1;
        uint32_t sz = vik_dtype_size(t[k].dtype);
        if (sz == 0 || t[k].ndim > VIK_ST_DIMS)
            die("accepted an unknown dtype or too many dims", size);
        for (d = 0; d < t[k].ndim; d++)
            n *= t[k].shape[d];
        if (n != t[k].nelem || n > VIK_ST_ELEM_MAX)
            die("nelem is not the product of the shape", size);
        if (t[k].begin > t[k].end || t[k].end > dlen || t[k].end - t[k].begin != n * sz)
            die("offsets not checked against the data and shape", size);
        if (t[k].name_len == 0 || (uint64_t)t[k].name_off + t[k].name_len > hlen)
            die("name outside the header", size);
        if (vik_st_find(data + 8, hlen, t, count, (const char *)data + 8 + t[k].name_off, t[k].name_len) != k)
            die("a name found at another entry (duplicate)", size);
        for (q = 0; q < k; q++)
            if (t[q].begin < t[q].end && t[k].begin < t[k].end && t[q].begin < t[k].end && t[k].begin < t[q].end)
                die("overlapping tensors accepted", size);
    }
}

static void config(const uint8_t *data, size_t size)
{
    vik_config c;
    uint32_t at = 0, field = 0;
    int rc;
    if (size > VIK_JSON_NMAX)
        return;
    rc = vik_config_parse(data, (uint32_t)size, &c, &at, &field);
    if (rc < 0 || rc >= VIK_CFG_NCODES || field >= VIK_CFG_NFIELDS || !vik_config_strerror(rc) ||
        !vik_config_field_name(field))
        die("config: code or field out of range", size);
    if (rc != VIK_CFG_OK)
        return;
    if ((c.arch != VIK_ARCH_LLAMA && c.arch != VIK_ARCH_MIXTRAL) || c.vocab < 1 || c.vocab > VIK_CFG_VOCAB_MAX ||
        c.dim < 1 || c.dim > VIK_CFG_DIM_MAX || c.n_layers < 1 || c.n_layers > VIK_CFG_LAYERS_MAX ||
        c.n_heads < 1 || c.n_heads > VIK_CFG_HEADS_MAX || c.n_kv_heads < 1 || c.n_kv_heads > c.n_heads ||
        c.n_heads % c.n_kv_heads != 0 || c.head_dim < 2 || c.head_dim > 1024 || c.head_dim % 2 != 0 ||
        (uint64_t)c.n_heads * c.head_dim > VIK_CFG_DIM_MAX || c.hidden < 1 || c.hidden > VIK_CFG_DIM_MAX ||
        c.max_pos < 1 || c.window > VIK_CFG_CTX_MAX || c.tie > 1 || !(c.eps >= 0x1p-40f && c.eps <= 1.0f) ||
        !(c.theta >= 1.0f && c.theta <= 0x1p40f))
        die("config accepted outside the limits", size);
    if (c.arch == VIK_ARCH_MIXTRAL && (c.top_k < 1 || c.top_k > c.n_experts || c.n_experts > 512 || c.top_k > 32))
        die("config: experts outside the limits", size);
    if (c.arch == VIK_ARCH_LLAMA && (c.n_experts != 0 || c.top_k != 0))
        die("config: dense model with experts", size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t r;
    safetensors(data, size);
    config(data, size);
    if (size <= VIK_JSON_NMAX) {
        r = vik_json_skip(data, (uint32_t)size, 0);
        if (r != VIK_JSON_BAD && (r == 0 || r > size))
            die("json_skip: index out of range", size);
    }
    return 0;
}
