/* Unit tests of the safetensors header parser (kernels/safetensors.c).

   The parser is the first code to read an untrusted weights file, so every
   rule it claims to check gets an input made to break exactly that rule,
   and the test asserts the exact return code, the count of entries filled
   and that the error position *at lies in the header (at the offending
   name or entry where the code documents one). Files are built in memory:
   8-byte little-endian header length, the JSON header, then the data
   section (zeros; the parser only uses its length).

   Cases: a valid file of two tensors plus __metadata__ (every field as
   written, vik_st_find on present and missing names), "{}", whitespace
   around the object, scalars, empty tensors sharing an offset, the 2^48
   element limit and the 256-byte name limit exactly; then ETRUNC, EHLEN
   (0, 1, past the file, 2^64 - 1, high bytes set, 64 MiB + 1), ESYNTAX,
   EKEY, EDTYPE, ESHAPE, EOFFSETS, ESIZE, EOVERLAP, EDUP, ENAME, ECOUNT;
   vik_dtype_size and vik_st_strerror on every code. Last, vik_bf16_to_f32
   and vik_f16_to_f32 on all 65536 codes against decoders written here
   (bf16: bits << 16; half: the value computed in double from its fields). */
#include "bits.h"
#include "check.h"
#include "safetensors.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- building files ---- */

static uint8_t file[4096];
static uint32_t cur_hlen;  /* header length of the last load */

static void put_le64(uint8_t *p, uint64_t v)
{
    int k;
    for (k = 0; k < 8; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

/* file = length prefix, json, data_len zero bytes (when they fit in the
   buffer: the parser never reads them). Returns the file length. */
static uint64_t mkfile(const char *json, uint64_t data_len)
{
    size_t n = strlen(json);
    put_le64(file, n);
    memcpy(file + 8, json, n);
    if (8 + n + data_len <= sizeof file)
        memset(file + 8 + n, 0, (size_t)data_len);
    return 8 + n + data_len;
}

/* Header length then parse, as a loader does; *hlen is 0 when the length
   prefix is refused (its code is returned). */
static int load(const char *json, uint64_t data_len, vik_st_tensor *t, uint32_t cap,
                uint32_t *count, uint32_t *at, uint32_t *hlen)
{
    uint64_t flen = mkfile(json, data_len);
    int rc = vik_st_header_len(file, flen, hlen);
    *count = *at = 0xDEADu;
    cur_hlen = *hlen;
    if (rc != VIK_ST_OK)
        return rc;
    return vik_st_parse(file + 8, *hlen, flen - 8 - *hlen, t, cap, count, at);
}

/* Offset of the k-th (from 0) occurrence of mark in s, or -1. */
static long nth_off(const char *s, const char *mark, int k)
{
    const char *p = strstr(s, mark);
    while (p && k-- > 0)
        p = strstr(p + 1, mark);
    return p ? (long)(p - s) : -1;
}

/* 1 iff entry t names name. */
static int named(const vik_st_tensor *t, const char *name)
{
    size_t m = strlen(name);
    return t->name_len == m && memcmp(file + 8 + t->name_off, name, m) == 0;
}

static uint32_t find(const vik_st_tensor *t, uint32_t count, const char *name)
{
    return vik_st_find(file + 8, cur_hlen, t, count, name, (uint32_t)strlen(name));
}

/* 1 iff t holds dtype, the n dims d (rest 0), nelem and [b, e). */
static int entry_is(const vik_st_tensor *t, uint32_t dtype, uint32_t n, const uint64_t *d,
                    uint64_t nelem, uint64_t b, uint64_t e)
{
    uint32_t k;
    if (t->dtype != dtype || t->ndim != n || t->nelem != nelem || t->begin != b || t->end != e)
        return 0;
    for (k = 0; k < VIK_ST_DIMS; k++)
        if (t->shape[k] != (k < n ? d[k] : 0u))
            return 0;
    return 1;
}

/* ---- accepted headers ---- */

#define ENT(name, dt, shape, off) "\"" name "\":{\"dtype\":\"" dt "\",\"shape\":" shape ",\"data_offsets\":" off "}"
#define META "\"__metadata__\":{\"format\":\"pt\"}"
#define W ENT("layer.weight", "F32", "[2,3]", "[0,24]")
#define B ENT("layer.bias", "U8", "[4]", "[24,28]")

static void valid_two(void)
{
    static const uint64_t dw[] = {2, 3}, db[] = {4};
    const char *json = "{" META "," W ", " B "}";
    vik_st_tensor t[4];
    uint32_t count, at, hlen;
    int rc = load(json, 28, t, 4, &count, &at, &hlen);
    check_msg(rc == VIK_ST_OK && count == 2 && hlen == strlen(json) && at == hlen,
              "valid: two tensors and __metadata__ parse, count 2", "rc %d count %u at %u", rc, count, at);
    if (rc != VIK_ST_OK || count != 2)
        return;
    check(named(&t[0], "layer.weight") && entry_is(&t[0], VIK_DT_F32, 2, dw, 6, 0, 24),
          "valid: layer.weight is F32 [2,3], 6 elements, bytes [0,24)");
    check(named(&t[1], "layer.bias") && entry_is(&t[1], VIK_DT_U8, 1, db, 4, 24, 28),
          "valid: layer.bias is U8 [4], 4 elements, bytes [24,28)");
    check(find(t, count, "layer.weight") == 0 && find(t, count, "layer.bias") == 1,
          "valid: vik_st_find gives each name's index");
    check(find(t, count, "layer") == 2 && find(t, count, "layer.weights") == 2 &&
              find(t, count, "__metadata__") == 2 && find(t, count, "") == 2,
          "valid: vik_st_find gives count for a missing name, a prefix, a longer name, __metadata__, \"\"");
    rc = load(json, 29, t, 4, &count, &at, &hlen);
    check(rc == VIK_ST_OK && count == 2, "valid: a data section longer than the tensors is accepted");
}

/* json must parse with count want entries. */
static void accept(const char *desc, const char *json, uint64_t data_len, uint32_t cap, uint32_t want,
                   vik_st_tensor *t)
{
    uint32_t count, at, hlen;
    int rc = load(json, data_len, t, cap, &count, &at, &hlen);
    check_msg(rc == VIK_ST_OK && count == want && at == hlen, desc, "rc %d (%s) count %u at %u", rc,
              vik_st_strerror(rc), count, at);
}

static void valid_others(void)
{
    static const uint64_t d3[] = {65536, 65536, 65536};
    static char json[600];
    char name[VIK_ST_NAME_MAX + 1];
    vik_st_tensor t[8];
    uint32_t count, at, hlen;

    accept("valid: empty header {} gives count 0", "{}", 0, 4, 0, t);
    accept("valid: {} with cap 0", "{}", 0, 0, 0, t);
    accept("valid: whitespace inside {  } and before it", " \n{ \t}", 0, 4, 0, t);
    accept("valid: trailing spaces after the closing brace (safetensors padding)", "{" W "}       ", 24, 4, 1, t);
    accept("valid: trailing newline, tab, CR after the closing brace", "{" W "}\n\t\r ", 24, 4, 1, t);
    accept("valid: only __metadata__, cap 0", "{" META "}", 0, 0, 0, t);
    accept("valid: __metadata__ of any JSON value (array, null)", "{\"__metadata__\":[1,{\"a\":null}]}", 0, 4, 0, t);
    accept("valid: __metadata__ after the tensors", "{" W "," META "}", 24, 4, 1, t);
    accept("valid: fields in any order", "{\"w\":{\"data_offsets\":[0,2],\"shape\":[1],\"dtype\":\"BF16\"}}", 2, 4, 1,
           t);
    accept("valid: every dtype (F32, BF16, F16, U8, F8_E4M3) with its size",
           "{" ENT("a", "F32", "[1]", "[0,4]") "," ENT("b", "BF16", "[1]", "[4,6]") "," ENT("c", "F16", "[1]", "[6,8]")
           "," ENT("d", "U8", "[1]", "[8,9]") "," ENT("e", "F8_E4M3", "[2]", "[9,11]") "}",
           11, 5, 5, t);
    accept("valid: 4 dims (VIK_ST_DIMS)", "{" ENT("w", "U8", "[1,2,3,4]", "[0,24]") "}", 24, 4, 1, t);

    load("{" ENT("s", "F32", "[]", "[0,4]") "}", 4, t, 4, &count, &at, &hlen);
    check(count == 1 && entry_is(&t[0], VIK_DT_F32, 0, NULL, 1, 0, 4), "valid: scalar shape [] has 1 element, 4 bytes");

    /* an empty span overlaps nothing (st_apart): two at the same offset, one
       inside a full tensor's range, one at the end of the data */
    accept("valid: two empty tensors at the same offset",
           "{" ENT("e1", "U8", "[0]", "[4,4]") "," ENT("e2", "F32", "[2,0]", "[4,4]") "}", 8, 4, 2, t);
    accept("valid: an empty tensor inside another tensor's bytes",
           "{" W "," ENT("e", "F32", "[0]", "[8,8]") "}", 24, 4, 2, t);
    accept("valid: an empty tensor at the end of the data section",
           "{" W "," ENT("e", "F32", "[0,5]", "[24,24]") "}", 24, 4, 2, t);
    accept("valid: adjacent tensors ([0,24) then [24,28)) do not overlap", "{" B "," W "}", 28, 4, 2, t);

    /* limits exactly: 2^48 elements (data length is only a number here) */
    load("{" ENT("big", "U8", "[65536,65536,65536]", "[0,281474976710656]") "}", VIK_ST_ELEM_MAX, t, 4, &count,
         &at, &hlen);
    check(count == 1 && entry_is(&t[0], VIK_DT_U8, 3, d3, VIK_ST_ELEM_MAX, 0, VIK_ST_ELEM_MAX),
          "valid: 2^48 elements (VIK_ST_ELEM_MAX) accepted");

    memset(name, 'n', VIK_ST_NAME_MAX);
    name[VIK_ST_NAME_MAX] = 0;
    snprintf(json, sizeof json, "{\"%s\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", name);
    accept("valid: a name of VIK_ST_NAME_MAX bytes", json, 1, 4, 1, t);
    check(find(t, 1, name) == 0, "valid: vik_st_find finds the 256-byte name");
    accept("valid: raw UTF-8 bytes in a name", "{" ENT("\xc3\xa9t\xc3\xa9", "U8", "[1]", "[0,1]") "}", 1, 4, 1, t);
    check(find(t, 1, "\xc3\xa9t\xc3\xa9") == 0, "valid: vik_st_find on a UTF-8 name");
}

/* ---- the length prefix ---- */

static int hlen_of(uint64_t prefix, uint64_t file_len, uint32_t *hlen)
{
    uint8_t p[8];
    put_le64(p, prefix);
    *hlen = 0xDEADu;
    return vik_st_header_len(p, file_len, hlen);
}

static void header_len_cases(void)
{
    uint32_t h, k;
    int ok = 1, rc;
    memset(file, 0, 8);
    for (k = 0; k < 8; k++) {
        h = 0xDEADu;
        rc = vik_st_header_len(file, k, &h);
        ok &= rc == VIK_ST_ETRUNC && h == 0;
    }
    check(ok, "ETRUNC: files of 0 .. 7 bytes, hlen set to 0");
    rc = hlen_of(0, 100, &h);
    check(rc == VIK_ST_EHLEN && h == 0, "EHLEN: header length 0");
    {
        uint32_t count, at, hl;
        vik_st_tensor t[1];
        rc = load("{", 0, t, 1, &count, &at, &hl);
        check(rc == VIK_ST_EHLEN && hl == 0, "EHLEN: header length 1 (file \"{\")");
    }
    rc = hlen_of(2, 10, &h);
    check(rc == VIK_ST_OK && h == 2, "header length 2 filling the file exactly is accepted");
    rc = hlen_of(3, 10, &h);
    check(rc == VIK_ST_EHLEN && h == 0, "EHLEN: header length one past the end of the file");
    rc = hlen_of(UINT64_MAX, UINT64_MAX, &h);
    check(rc == VIK_ST_EHLEN && h == 0, "EHLEN: header length 2^64 - 1 (even with a file that long)");
    rc = hlen_of(((uint64_t)1 << 32) + 2u, (uint64_t)1 << 40, &h);
    check(rc == VIK_ST_EHLEN && h == 0, "EHLEN: 2^32 + 2 is not read as 2 (all 8 bytes count)");
    rc = hlen_of(VIK_ST_HDR_MAX, (uint64_t)1 << 40, &h);
    check(rc == VIK_ST_OK && h == VIK_ST_HDR_MAX, "header length VIK_ST_HDR_MAX (64 MiB) accepted");
    rc = hlen_of(VIK_ST_HDR_MAX + 1ull, (uint64_t)1 << 40, &h);
    check(rc == VIK_ST_EHLEN && h == 0, "EHLEN: header length VIK_ST_HDR_MAX + 1");
}

/* ---- refused headers ---- */

typedef struct {
    const char *desc, *json;
    uint64_t data_len;
    uint32_t cap;
    int rc;
    uint32_t count;    /* entries filled before the error */
    const char *mark;  /* *at == offset of the nth occurrence of mark + add; "": hlen; NULL: any < hlen */
    int nth, add;
} bad_case;

#define AT(m, k) m, k, 0
#define AT_AFTER(m, k) m, k, (int)sizeof(m) - 1
#define AT_ANY NULL, 0, 0
#define AT_END "", 0, 0

static const bad_case bad[] = {
    /* ESYNTAX */
    {"ESYNTAX: header an array, not an object", "[1, 2]", 0, 4, VIK_ST_ESYNTAX, 0, AT("[", 0)},
    {"ESYNTAX: header a number after whitespace", "  42", 0, 4, VIK_ST_ESYNTAX, 0, AT("4", 0)},
    {"ESYNTAX: trailing garbage after {}", "{} x", 0, 4, VIK_ST_ESYNTAX, 0, AT("x", 0)},
    {"ESYNTAX: a second object after the header", "{" W "} {}", 24, 4, VIK_ST_ESYNTAX, 1, "} {", 0, 2},
    {"ESYNTAX: a control byte after the closing brace", "{" W "}\x01", 24, 4, VIK_ST_ESYNTAX, 1, AT("\x01", 0)},
    {"ESYNTAX: unterminated object (at the end of the header)", "{" W, 24, 4, VIK_ST_ESYNTAX, 1, AT_END},
    {"ESYNTAX: trailing comma", "{" W ",}", 24, 4, VIK_ST_ESYNTAX, 1, ",}", 0, 1},
    {"ESYNTAX: a key that is not a string", "{1:2}", 0, 4, VIK_ST_ESYNTAX, 0, AT("1", 0)},
    {"ESYNTAX: tensor entry not an object", "{\"w\":[1]}", 0, 4, VIK_ST_ESYNTAX, 0, AT_AFTER("\"w\":", 0)},
    {"ESYNTAX: shape not an array", "{" ENT("w", "U8", "4", "[0,4]") "}", 4, 4, VIK_ST_ESYNTAX, 0,
     AT_AFTER("\"w\":", 0)},
    {"ESYNTAX: data_offsets of three numbers", "{" ENT("w", "U8", "[4]", "[0,4,4]") "}", 4, 4, VIK_ST_ESYNTAX, 0,
     AT_AFTER("\"w\":", 0)},
    {"ESYNTAX: negative offset", "{" ENT("w", "U8", "[4]", "[-1,3]") "}", 4, 4, VIK_ST_ESYNTAX, 0,
     AT_AFTER("\"w\":", 0)},
    {"ESYNTAX: fractional dim", "{" ENT("w", "U8", "[4.0]", "[0,4]") "}", 4, 4, VIK_ST_ESYNTAX, 0,
     AT_AFTER("\"w\":", 0)},
    {"ESYNTAX: bad __metadata__ value", "{\"__metadata__\":{\"a\"}}", 0, 4, VIK_ST_ESYNTAX, 0,
     AT_AFTER("\"__metadata__\":", 0)},
    /* EKEY */
    {"EKEY: data_offsets missing", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3]}}", 24, 4, VIK_ST_EKEY, 0,
     AT_AFTER("\"w\":", 0)},
    {"EKEY: dtype missing", "{\"w\":{\"shape\":[2,3],\"data_offsets\":[0,24]}}", 24, 4, VIK_ST_EKEY, 0,
     AT_AFTER("\"w\":", 0)},
    {"ESYNTAX, not EKEY: empty entry {} (read as a missing key)", "{\"w\":{}}", 24, 4, VIK_ST_ESYNTAX, 0, AT_AFTER("\"w\":", 0)},
    {"EKEY: dtype repeated", "{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", 24,
     4, VIK_ST_EKEY, 0, AT_AFTER("\"w\":", 0)},
    {"EKEY: shape repeated", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24],\"shape\":[2,3]}}", 24,
     4, VIK_ST_EKEY, 0, AT_AFTER("\"w\":", 0)},
    {"EKEY: unknown field", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24],\"extra\":1}}", 24, 4,
     VIK_ST_EKEY, 0, AT_AFTER("\"w\":", 0)},
    {"EKEY: field name with an escape", "{\"w\":{\"d\\u0074ype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}",
     24, 4, VIK_ST_EKEY, 0, AT_AFTER("\"w\":", 0)},
    {"EKEY: in the second tensor, count 1", "{" W ",\"b\":{\"dtype\":\"U8\",\"shape\":[4]}}", 28, 4, VIK_ST_EKEY, 1,
     AT_AFTER("\"b\":", 0)},
    /* EDTYPE */
    {"EDTYPE: F64", "{" ENT("w", "F64", "[1]", "[0,8]") "}", 8, 4, VIK_ST_EDTYPE, 0, AT_AFTER("\"w\":", 0)},
    {"EDTYPE: I32", "{" ENT("w", "I32", "[1]", "[0,4]") "}", 4, 4, VIK_ST_EDTYPE, 0, AT_AFTER("\"w\":", 0)},
    {"EDTYPE: lower-case f32", "{" ENT("w", "f32", "[1]", "[0,4]") "}", 4, 4, VIK_ST_EDTYPE, 0, AT_AFTER("\"w\":", 0)},
    {"EDTYPE: F32 written with an escape", "{" ENT("w", "F\\u0033\\u0032", "[1]", "[0,4]") "}", 4, 4, VIK_ST_EDTYPE,
     0, AT_AFTER("\"w\":", 0)},
    /* ESHAPE */
    {"ESHAPE: 5 dims", "{" ENT("w", "U8", "[1,1,1,1,1]", "[0,1]") "}", 1, 4, VIK_ST_ESHAPE, 0, AT_AFTER("\"w\":", 0)},
    {"ESHAPE: product 2^48 + 2^32 above VIK_ST_ELEM_MAX", "{" ENT("w", "U8", "[65536,65536,65537]", "[0,1]") "}", 1, 4,
     VIK_ST_ESHAPE, 0, AT_AFTER("\"w\":", 0)},
    {"ESHAPE: one dim 2^48 + 1", "{" ENT("w", "U8", "[281474976710657]", "[0,1]") "}", 1, 4, VIK_ST_ESHAPE, 0,
     AT_AFTER("\"w\":", 0)},
    {"ESHAPE: a dim of 2^53 (the JSON integer limit)", "{" ENT("w", "U8", "[9007199254740992]", "[0,1]") "}", 1, 4,
     VIK_ST_ESHAPE, 0, AT_AFTER("\"w\":", 0)},
    {"ESHAPE: a dim of 2^53 next to a 0 dim (0 elements, still refused)",
     "{" ENT("w", "U8", "[0,9007199254740992]", "[0,0]") "}", 0, 4, VIK_ST_ESHAPE, 0, AT_AFTER("\"w\":", 0)},
    /* a dim above 2^53 is not an integer vik_json_uint reads: a syntax error, not ESHAPE */
    {"ESYNTAX: a dim of 2^53 + 1 (above the JSON integer limit)",
     "{" ENT("w", "U8", "[9007199254740993]", "[0,1]") "}", 1, 4, VIK_ST_ESYNTAX, 0, AT_AFTER("\"w\":", 0)},
    {"ESYNTAX: a dim of 2^64", "{" ENT("w", "U8", "[18446744073709551616]", "[0,1]") "}", 1, 4, VIK_ST_ESYNTAX, 0,
     AT_AFTER("\"w\":", 0)},
    /* EOFFSETS */
    {"EOFFSETS: begin > end", "{" ENT("w", "F32", "[2,3]", "[24,0]") "}", 24, 4, VIK_ST_EOFFSETS, 0,
     AT_AFTER("\"w\":", 0)},
    {"EOFFSETS: end one past the data length", "{" ENT("w", "F32", "[2,3]", "[0,24]") "}", 23, 4, VIK_ST_EOFFSETS, 0,
     AT_AFTER("\"w\":", 0)},
    {"EOFFSETS: an empty tensor past the data", "{" ENT("w", "F32", "[0]", "[25,25]") "}", 24, 4, VIK_ST_EOFFSETS, 0,
     AT_AFTER("\"w\":", 0)},
    {"EOFFSETS: begin > end even when the span would fit", "{" ENT("w", "U8", "[0]", "[5,4]") "}", 24, 4,
     VIK_ST_EOFFSETS, 0, AT_AFTER("\"w\":", 0)},
    /* ESIZE */
    {"ESIZE: F32 [2,3] over 20 bytes", "{" ENT("w", "F32", "[2,3]", "[0,20]") "}", 24, 4, VIK_ST_ESIZE, 0,
     AT_AFTER("\"w\":", 0)},
    {"ESIZE: F32 [2,3] over 25 bytes", "{" ENT("w", "F32", "[2,3]", "[0,25]") "}", 25, 4, VIK_ST_ESIZE, 0,
     AT_AFTER("\"w\":", 0)},
    {"ESIZE: BF16 [3] over 3 bytes (element count, not bytes)", "{" ENT("w", "BF16", "[3]", "[0,3]") "}", 6, 4,
     VIK_ST_ESIZE, 0, AT_AFTER("\"w\":", 0)},
    {"ESIZE: empty shape [0] over 4 bytes", "{" ENT("w", "F32", "[0]", "[0,4]") "}", 4, 4, VIK_ST_ESIZE, 0,
     AT_AFTER("\"w\":", 0)},
    /* EOVERLAP */
    {"EOVERLAP: [20,24) inside [0,24)", "{" W "," ENT("b", "U8", "[4]", "[20,24]") "}", 28, 4, VIK_ST_EOVERLAP, 1,
     AT("\"b\":", 0)},
    {"EOVERLAP: [23,27) straddling the end of [0,24)", "{" W "," ENT("b", "U8", "[4]", "[23,27]") "}", 28, 4,
     VIK_ST_EOVERLAP, 1, AT("\"b\":", 0)},
    {"EOVERLAP: the same span twice", "{" ENT("a", "U8", "[4]", "[0,4]") "," ENT("b", "U8", "[4]", "[0,4]") "}", 4, 4,
     VIK_ST_EOVERLAP, 1, AT("\"b\":", 0)},
    {"EOVERLAP: with the first of three", "{" ENT("a", "U8", "[4]", "[0,4]") "," ENT("b", "U8", "[4]", "[8,12]") ","
     ENT("c", "U8", "[6]", "[2,8]") "}", 12, 4, VIK_ST_EOVERLAP, 2, AT("\"c\":", 0)},
    /* EDUP */
    {"EDUP: duplicate tensor name", "{" ENT("w", "U8", "[4]", "[0,4]") "," ENT("w", "U8", "[4]", "[4,8]") "}", 8, 4,
     VIK_ST_EDUP, 1, AT("\"w\":", 1)},
    {"EDUP: duplicate name wins over overlap", "{" ENT("w", "U8", "[4]", "[0,4]") "," ENT("w", "U8", "[4]", "[0,4]") "}",
     8, 4, VIK_ST_EDUP, 1, AT("\"w\":", 1)},
    {"EDUP: duplicate __metadata__", "{" META "," W "," META "}", 24, 4, VIK_ST_EDUP, 1, AT("\"__metadata__\"", 1)},
    /* ENAME */
    {"ENAME: empty name", "{" ENT("", "U8", "[4]", "[0,4]") "}", 4, 4, VIK_ST_ENAME, 0, AT("\"\":", 0)},
    {"ENAME: name with a \\u escape", "{" ENT("w\\u0041", "U8", "[4]", "[0,4]") "}", 4, 4, VIK_ST_ENAME, 0,
     AT("\"w\\", 0)},
    {"ENAME: name with a \\\" escape", "{" W "," ENT("a\\\"b", "U8", "[4]", "[24,28]") "}", 28, 4, VIK_ST_ENAME, 1,
     AT("\"a\\", 0)},
    {"ENAME: __metadata__ spelled with an escape is a tensor name",
     "{\"__metadata\\u005f_\":{\"format\":\"pt\"}}", 0, 4, VIK_ST_ENAME, 0, AT("\"", 0)},
    /* ECOUNT */
    {"ECOUNT: three tensors, cap 2", "{" ENT("a", "U8", "[1]", "[0,1]") "," ENT("b", "U8", "[1]", "[1,2]") ","
     ENT("c", "U8", "[1]", "[2,3]") "}", 3, 2, VIK_ST_ECOUNT, 2, AT("\"c\":", 0)},
    {"ECOUNT: one tensor, cap 0", "{" META "," ENT("a", "U8", "[1]", "[0,1]") "}", 1, 0, VIK_ST_ECOUNT, 0,
     AT("\"a\":", 0)},
};

static void bad_header(const bad_case *c)
{
    vik_st_tensor t[4];
    uint32_t count, at, hlen;
    long want = -1;
    int rc = load(c->json, c->data_len, t, c->cap, &count, &at, &hlen), ok;
    if (c->mark && !c->mark[0]) {
        want = (long)strlen(c->json);
    } else if (c->mark) {
        want = nth_off(c->json, c->mark, c->nth);
        if (want >= 0)
            want += c->add;
    }
    ok = rc == c->rc && count == c->count && at <= hlen && (c->mark ? (long)at == want : at < hlen);
    check_msg(ok, c->desc, "rc %d (%s), count %u, at %u of %u (want rc %d, count %u, at %ld)", rc,
              vik_st_strerror(rc), count, at, hlen, c->rc, c->count, want);
}

/* Names longer than VIK_ST_NAME_MAX, built at run time. */
static void long_name(void)
{
    static char json[700];
    char name[VIK_ST_NAME_MAX + 2];
    vik_st_tensor t[2];
    uint32_t count, at, hlen;
    int rc;
    memset(name, 'n', VIK_ST_NAME_MAX + 1);
    name[VIK_ST_NAME_MAX + 1] = 0;
    snprintf(json, sizeof json, "{\"%s\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", name);
    rc = load(json, 1, t, 2, &count, &at, &hlen);
    check_msg(rc == VIK_ST_ENAME && count == 0 && at == 1, "ENAME: name of VIK_ST_NAME_MAX + 1 bytes",
              "rc %d count %u at %u", rc, count, at);
    snprintf(json, sizeof json, "{" W ", \"%s\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[24,25]}}", name);
    rc = load(json, 25, t, 2, &count, &at, &hlen);
    check_msg(rc == VIK_ST_ENAME && count == 1 && (long)at == nth_off(json, "\"n", 0),
              "ENAME: 257-byte name as the second tensor, at its quote", "rc %d count %u at %u", rc, count, at);
}

static void misc_cases(void)
{
    static const uint32_t size[] = {0, 4, 2, 2, 1, 1, 0};
    uint32_t k;
    int ok = 1, c, d;
    for (k = 0; k < sizeof size / sizeof *size; k++)
        ok &= vik_dtype_size(k) == size[k];
    check(ok && vik_dtype_size(0xFFFFFFFFu) == 0 && vik_dtype_size(0x100u | VIK_DT_F32) == 0,
          "vik_dtype_size: F32 4, BF16 2, F16 2, U8 1, F8_E4M3 1, others 0");
    ok = 1;
    for (c = 0; c < VIK_ST_NCODES; c++) {
        const char *m = vik_st_strerror(c);
        ok &= m != NULL && m[0] != 0 && strcmp(m, "unknown error") != 0;
        for (d = 0; d < c; d++)
            ok &= strcmp(m, vik_st_strerror(d)) != 0;
    }
    check(ok, "vik_st_strerror: a distinct message for each of the 13 codes");
    check(strcmp(vik_st_strerror(-1), "unknown error") == 0 &&
              strcmp(vik_st_strerror(VIK_ST_NCODES), "unknown error") == 0,
          "vik_st_strerror: \"unknown error\" for -1 and VIK_ST_NCODES");
}

/* ---- dtype conversions ---- */

/* The IEEE half with bits h, computed in double from its fields. */
static float half_value(uint32_t h)
{
    uint32_t s = h >> 15, e = (h >> 10) & 31u, m = h & 1023u;
    double v;
    if (e == 31u)
        v = m ? NAN : INFINITY;
    else if (e == 0u)
        v = ldexp((double)m, -24);
    else
        v = ldexp((double)(1024u + m), (int)e - 25);
    return (float)(s ? -v : v);
}

/* 1 iff got is want: same bits, or for a NaN want a NaN of the same sign. */
static int same_float(float got, float want)
{
    if (isnan(want))
        return isnan(got) && !signbit(got) == !signbit(want);
    return f2u(got) == f2u(want);
}

static void conversions(void)
{
    static uint8_t src[2 * 65536];
    static float y[65536];
    uint32_t h, bad_bf = 0, bad_h = 0, first_bf = 0, first_h = 0;
    for (h = 0; h < 65536u; h++) {
        src[2 * h] = (uint8_t)h;
        src[2 * h + 1] = (uint8_t)(h >> 8);
    }
    vik_bf16_to_f32(y, src, 65536u);
    for (h = 0; h < 65536u; h++)
        if (!same_float(y[h], u2f(h << 16)) && bad_bf++ == 0)
            first_bf = h;
    check_msg(bad_bf == 0, "vik_bf16_to_f32: all 65536 codes equal bits << 16 (NaNs: NaN, same sign)",
              "%u wrong, first 0x%04x -> 0x%08x", bad_bf, first_bf, f2u(y[first_bf]));
    vik_f16_to_f32(y, src, 65536u);
    for (h = 0; h < 65536u; h++)
        if (!same_float(y[h], half_value(h)) && bad_h++ == 0)
            first_h = h;
    check_msg(bad_h == 0,
              "vik_f16_to_f32: all 65536 codes equal the half value (zeros, subnormals, inf; NaNs: NaN, same sign)",
              "%u wrong, first 0x%04x -> 0x%08x", bad_h, first_h, f2u(y[first_h]));
    check(f2u(y[0x0001]) == 0x33800000u && f2u(y[0x8000]) == 0x80000000u && f2u(y[0x7BFF]) == 0x477FE000u &&
              f2u(y[0x7C00]) == 0x7F800000u && f2u(y[0xFC00]) == 0xFF800000u,
          "vik_f16_to_f32: 2^-24, -0, 65504, +inf, -inf by their float32 bits");
    vik_bf16_to_f32(y, src + 2 * 0x3F80, 1u);
    check(y[0] == 1.0f, "vik_bf16_to_f32: bytes 80 3F (little-endian) are 1.0");
}

int main(void)
{
    size_t i;
    valid_two();
    valid_others();
    header_len_cases();
    for (i = 0; i < sizeof bad / sizeof *bad; i++)
        bad_header(&bad[i]);
    long_name();
    misc_cases();
    conversions();
    return check_done();
}
