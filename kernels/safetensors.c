/* vik safetensors header parser (see safetensors.h). */
#include "safetensors.h"
#include "formats.h"

uint32_t vik_dtype_size(uint32_t dt) {
  if (dt == VIK_DT_F32) return 4u;
  if (dt == VIK_DT_BF16 || dt == VIK_DT_F16) return 2u;
  if (dt == VIK_DT_U8 || dt == VIK_DT_F8_E4M3) return 1u;
  return 0u;
}

int vik_st_header_len(const uint8_t *prefix, uint64_t file_len, uint32_t *hlen) {
  uint64_t v = 0u;
  uint32_t k;
  *hlen = 0u;
  if (file_len < 8u) return VIK_ST_ETRUNC;
  /*@ loop invariant bounds: 0 <= k <= 8;
      loop assigns k, v;
      loop variant 8 - k;
  */
  for (k = 0u; k < 8u; k++) v |= (uint64_t)prefix[k] << (8u * k);
  if (v < 2u || v > VIK_ST_HDR_MAX || v > file_len - 8u) return VIK_ST_EHLEN;
  *hlen = (uint32_t)v;
  return VIK_ST_OK;
}

/* ---- one tensor entry ---- */

/* "dtype": a string naming a known dtype. */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(dt) && \valid(code);
    requires sep: \separated(dt, code, s + (0 .. n - 1));
    assigns *dt, *code;
    ensures ok: json_ok(\result, i, n);
    ensures dt: \result != VIK_JSON_BAD ==> 1 <= *dt <= 5;
    ensures code: *code == VIK_ST_ESYNTAX || *code == VIK_ST_EDTYPE;
*/
static uint32_t st_dtype(const uint8_t *s, uint32_t n, uint32_t i, uint32_t *dt, int *code) {
  uint32_t a = vik_json_ws(s, n, i), esc, e;
  *dt = 0u;
  *code = VIK_ST_ESYNTAX;
  e = vik_json_string(s, n, a, &esc);
  if (e == VIK_JSON_BAD) return VIK_JSON_BAD;
  if (!esc && vik_json_str_eq(s, n, a, e, "F32", 3u)) *dt = VIK_DT_F32;
  else if (!esc && vik_json_str_eq(s, n, a, e, "BF16", 4u)) *dt = VIK_DT_BF16;
  else if (!esc && vik_json_str_eq(s, n, a, e, "F16", 3u)) *dt = VIK_DT_F16;
  else if (!esc && vik_json_str_eq(s, n, a, e, "U8", 2u)) *dt = VIK_DT_U8;
  else if (!esc && vik_json_str_eq(s, n, a, e, "F8_E4M3", 7u)) *dt = VIK_DT_F8_E4M3;
  else {
    *code = VIK_ST_EDTYPE;
    return VIK_JSON_BAD;
  }
  return e;
}

/* "shape": an array of at most VIK_ST_DIMS unsigned integers whose product
   is at most VIK_ST_ELEM_MAX. */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(t) && \valid(code);
    requires sep: \separated(t, code, s + (0 .. n - 1));
    assigns t->shape[0 .. VIK_ST_DIMS - 1], t->ndim, t->nelem, *code;
    ensures ok: json_ok(\result, i, n);
    ensures shape: \result != VIK_JSON_BAD ==> t->ndim <= VIK_ST_DIMS && t->nelem <= VIK_ST_ELEM_MAX;
    ensures code: *code == VIK_ST_ESYNTAX || *code == VIK_ST_ESHAPE;
*/
static uint32_t st_shape(const uint8_t *s, uint32_t n, uint32_t i, vik_st_tensor *t, int *code) {
  uint32_t k, j;
  uint64_t d;
  /*@ loop invariant bounds: 0 <= k <= VIK_ST_DIMS;
      loop assigns k, t->shape[0 .. VIK_ST_DIMS - 1];
      loop variant VIK_ST_DIMS - k;
  */
  for (k = 0u; k < VIK_ST_DIMS; k++) t->shape[k] = 0u;
  t->ndim = 0u;
  t->nelem = 1u;
  *code = VIK_ST_ESYNTAX;
  i = vik_json_ws(s, n, i);
  if (i >= n || s[i] != '[') return VIK_JSON_BAD;
  i++;
  j = vik_json_ws(s, n, i);
  if (j < n && s[j] == ']') return j + 1u;
  /*@ loop invariant bounds: \at(i, Pre) < i <= n;
      loop invariant shape: t->ndim <= VIK_ST_DIMS && t->nelem <= VIK_ST_ELEM_MAX;
      loop invariant code: *code == VIK_ST_ESYNTAX;
      loop assigns i, j, d, t->shape[0 .. VIK_ST_DIMS - 1], t->ndim, t->nelem, *code;
      loop variant n - i;
  */
  for (;;) {
    j = vik_json_uint(s, n, vik_json_ws(s, n, i), &d);
    if (j == VIK_JSON_BAD) return VIK_JSON_BAD;
    if (t->ndim >= VIK_ST_DIMS || d > VIK_ST_ELEM_MAX || (d != 0u && t->nelem > VIK_ST_ELEM_MAX / d)) {
      *code = VIK_ST_ESHAPE;
      return VIK_JSON_BAD;
    }
    //@ assert prod: d == 0 || t->nelem * d <= VIK_ST_ELEM_MAX;
    t->shape[t->ndim] = d;
    t->ndim++;
    t->nelem *= d;
    //@ assert shape: t->ndim <= VIK_ST_DIMS && t->nelem <= VIK_ST_ELEM_MAX;
    i = vik_json_ws(s, n, j);
    if (i >= n) return VIK_JSON_BAD;
    if (s[i] == ']') return i + 1u;
    if (s[i] != ',') return VIK_JSON_BAD;
    i++;
  }
}

/* "data_offsets": [begin, end], two unsigned integers. */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(b) && \valid(e);
    requires sep: \separated(b, e, s + (0 .. n - 1));
    assigns *b, *e;
    ensures ok: json_ok(\result, i, n);
    ensures range: \result != VIK_JSON_BAD ==> *b <= VIK_JSON_UMAX && *e <= VIK_JSON_UMAX;
*/
static uint32_t st_offsets(const uint8_t *s, uint32_t n, uint32_t i, uint64_t *b, uint64_t *e) {
  uint32_t j = vik_json_ws(s, n, i);
  *b = 0u;
  *e = 0u;
  if (j >= n || s[j] != '[') return VIK_JSON_BAD;
  j = vik_json_uint(s, n, vik_json_ws(s, n, j + 1u), b);
  if (j == VIK_JSON_BAD) return VIK_JSON_BAD;
  j = vik_json_ws(s, n, j);
  if (j >= n || s[j] != ',') return VIK_JSON_BAD;
  j = vik_json_uint(s, n, vik_json_ws(s, n, j + 1u), e);
  if (j == VIK_JSON_BAD) return VIK_JSON_BAD;
  j = vik_json_ws(s, n, j);
  if (j >= n || s[j] != ']') return VIK_JSON_BAD;
  return j + 1u;
}

/* One tensor entry object's fields: exactly dtype, shape, data_offsets.
   *code says why on VIK_JSON_BAD. (Apart from st_entry's checks below so
   that neither function's goals carry the other's paths.) */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(t) && \valid(code);
    requires sep: \separated(t, code, s + (0 .. n - 1));
    assigns *t, *code;
    ensures ok: json_ok(\result, i, n);
    ensures fields: \result != VIK_JSON_BAD ==>
                      1 <= t->dtype <= 5 && t->ndim <= VIK_ST_DIMS && t->nelem <= VIK_ST_ELEM_MAX;
    ensures code: 0 < *code < VIK_ST_NCODES;
*/
static uint32_t st_fields(const uint8_t *s, uint32_t n, uint32_t i, vik_st_tensor *t, int *code) {
  uint32_t has_dt = 0u, has_shape = 0u, has_off = 0u, a, b, esc;
  t->name_off = 0u;
  t->name_len = 0u;
  t->dtype = 0u;
  t->ndim = 0u;
  t->nelem = 0u;
  t->begin = 0u;
  t->end = 0u;
  *code = VIK_ST_ESYNTAX;
  i = vik_json_ws(s, n, i);
  if (i >= n || s[i] != '{') return VIK_JSON_BAD;
  i++;
  /*@ loop invariant bounds: \at(i, Pre) < i <= n;
      loop invariant flags: (has_dt == 0 || has_dt == 1) && (has_shape == 0 || has_shape == 1) &&
                            (has_off == 0 || has_off == 1);
      loop invariant dt: has_dt == 1 ==> 1 <= t->dtype <= 5;
      loop invariant shape: t->ndim <= VIK_ST_DIMS && t->nelem <= VIK_ST_ELEM_MAX;
      loop invariant code: *code == VIK_ST_ESYNTAX;
      loop assigns i, a, b, esc, has_dt, has_shape, has_off, *t, *code;
      loop variant n - i;
  */
  for (;;) {
    uint32_t j = vik_json_key(s, n, i, &a, &b, &esc);
    if (j == VIK_JSON_BAD) return VIK_JSON_BAD;
    if (!esc && !has_dt && vik_json_str_eq(s, n, a, b, "dtype", 5u)) {
      has_dt = 1u;
      j = st_dtype(s, n, j, &t->dtype, code);
    } else if (!esc && !has_shape && vik_json_str_eq(s, n, a, b, "shape", 5u)) {
      has_shape = 1u;
      j = st_shape(s, n, j, t, code);
    } else if (!esc && !has_off && vik_json_str_eq(s, n, a, b, "data_offsets", 12u)) {
      has_off = 1u;
      j = st_offsets(s, n, j, &t->begin, &t->end);
    } else {
      *code = VIK_ST_EKEY;                 /* unknown or repeated field */
      return VIK_JSON_BAD;
    }
    if (j == VIK_JSON_BAD) return VIK_JSON_BAD;
    *code = VIK_ST_ESYNTAX;
    i = vik_json_ws(s, n, j);
    if (i >= n) return VIK_JSON_BAD;
    if (s[i] == '}') break;
    if (s[i] != ',') return VIK_JSON_BAD;
    i++;
  }
  i++;
  if (!has_dt || !has_shape || !has_off) {
    *code = VIK_ST_EKEY;                   /* a field is missing */
    return VIK_JSON_BAD;
  }
  return i;
}

/* One tensor entry object: its fields (st_fields), then the size and
   offset checks. *code says why on VIK_JSON_BAD. */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(t) && \valid(code);
    requires sep: \separated(t, code, s + (0 .. n - 1));
    assigns *t, *code;
    ensures ok: json_ok(\result, i, n);
    ensures entry: \result != VIK_JSON_BAD ==>
                     1 <= t->dtype <= 5 && t->ndim <= VIK_ST_DIMS && t->nelem <= VIK_ST_ELEM_MAX &&
                     t->begin <= t->end <= data_len;
    ensures code: 0 < *code < VIK_ST_NCODES;
*/
static uint32_t st_entry(const uint8_t *s, uint32_t n, uint32_t i, uint64_t data_len, vik_st_tensor *t,
                         int *code) {
  uint64_t bytes;
  i = st_fields(s, n, i, t, code);
  if (i == VIK_JSON_BAD) return VIK_JSON_BAD;
  if (t->begin > t->end || t->end > data_len) {
    *code = VIK_ST_EOFFSETS;
    return VIK_JSON_BAD;
  }
  bytes = t->nelem * vik_dtype_size(t->dtype);
  if (t->end - t->begin != bytes) {
    *code = VIK_ST_ESIZE;
    return VIK_JSON_BAD;
  }
  return i;
}

/* 1 iff the names of entries p and q are the same bytes. */
/*@ requires n: hlen <= VIK_ST_HDR_MAX;
    requires valid: \valid_read(hdr + (0 .. hlen - 1));
    requires p: p.name_off + p.name_len <= hlen;
    requires q: q.name_off + q.name_len <= hlen;
    assigns \nothing;
    ensures bool: \result == 0 || \result == 1;
*/
static int same_name(const uint8_t *hdr, uint32_t hlen, vik_st_tensor p, vik_st_tensor q) {
  uint32_t k;
  (void)hlen;                              /* only the contract uses it */
  if (p.name_len != q.name_len) return 0;
  /*@ loop invariant bounds: 0 <= k <= p.name_len;
      loop assigns k;
      loop variant p.name_len - k;
  */
  for (k = 0u; k < p.name_len; k++)
    if (hdr[p.name_off + k] != hdr[q.name_off + k]) return 0;
  return 1;
}

/* VIK_ST_OK, or why entry c clashes with one of the entries before it. */
/*@ requires n: hlen <= VIK_ST_HDR_MAX && c <= 65536;
    requires valid: \valid_read(hdr + (0 .. hlen - 1)) && \valid_read(t + (0 .. c));
    requires names: \forall integer k; 0 <= k <= c ==> t[k].name_off + t[k].name_len <= hlen;
    requires spans: \forall integer k; 0 <= k <= c ==> t[k].begin <= t[k].end;
    assigns \nothing;
    ensures code: \result == VIK_ST_OK || \result == VIK_ST_EDUP || \result == VIK_ST_EOVERLAP;
    ensures disjoint: \result == VIK_ST_OK ==> \forall integer a; 0 <= a < c ==> st_apart(t, a, c);
*/
static int st_clash(const uint8_t *hdr, uint32_t hlen, const vik_st_tensor *t, uint32_t c) {
  uint32_t q;
  /*@ loop invariant bounds: 0 <= q <= c;
      loop invariant disjoint: \forall integer a; 0 <= a < q ==> st_apart(t, a, c);
      loop assigns q;
      loop variant c - q;
  */
  for (q = 0u; q < c; q++) {
    if (same_name(hdr, hlen, t[q], t[c])) return VIK_ST_EDUP;
    if (t[q].begin < t[q].end && t[c].begin < t[c].end && t[q].begin < t[c].end && t[c].begin < t[q].end)
      return VIK_ST_EOVERLAP;
  }
  return VIK_ST_OK;
}

/* Entry c: name hdr[a+1 .. b-2], object at j. The index after the object,
   or VIK_JSON_BAD with *code saying why (*code is VIK_ST_EDUP or
   VIK_ST_EOVERLAP when the entry itself is well formed but clashes with one
   before it). On success t[c] is a well-formed entry apart from those before
   it; the others are not touched. */
/*@ requires n: 2 <= hlen <= VIK_ST_HDR_MAX && c < 65536 && j <= hlen;
    requires name: a + 3 <= b <= hlen && b - a - 2 <= VIK_ST_NAME_MAX;
    requires valid: \valid_read(hdr + (0 .. hlen - 1)) && \valid(t + (0 .. c)) && \valid(code);
    requires sep: \separated(t + (0 .. c), code, hdr + (0 .. hlen - 1));
    requires entries: \forall integer k; 0 <= k < c ==> st_entry_ok(t, k, hlen, data_len);
    assigns t[c], *code;
    ensures ok: json_ok(\result, j, hlen);
    ensures entries: \result != VIK_JSON_BAD ==> st_entry_ok(t, c, hlen, data_len);
    ensures disjoint: \result != VIK_JSON_BAD ==> \forall integer p; 0 <= p < c ==> st_apart(t, p, c);
    ensures code: 0 < *code < VIK_ST_NCODES;
*/
static uint32_t st_add(const uint8_t *hdr, uint32_t hlen, uint32_t j, uint32_t a, uint32_t b,
                       uint64_t data_len, vik_st_tensor *t, uint32_t c, int *code) {
  int rc;
  uint32_t r = st_entry(hdr, hlen, j, data_len, &t[c], code);
  if (r == VIK_JSON_BAD) return VIK_JSON_BAD;
  t[c].name_off = a + 1u;
  t[c].name_len = b - a - 2u;
  //@ assert before: \forall integer k; 0 <= k < c ==> st_entry_ok(t, k, hlen, data_len);
  //@ assert this: st_entry_ok(t, c, hlen, data_len);
  rc = st_clash(hdr, hlen, t, c);
  if (rc != VIK_ST_OK) {
    *code = rc;
    return VIK_JSON_BAD;
  }
  return r;
}

int vik_st_parse(const uint8_t *hdr, uint32_t hlen, uint64_t data_len, vik_st_tensor *t, uint32_t cap,
                 uint32_t *count, uint32_t *at) {
  /* c counts the entries, pos is where the parse stands (the error position
     on failure); both are locals until the end, so the loop writes no memory
     but t[c] */
  uint32_t i, j, a, b, esc, c = 0u, pos;
  int rc = VIK_ST_OK;
  i = vik_json_ws(hdr, hlen, 0u);
  pos = i;
  if (i >= hlen || hdr[i] != '{') {
    *count = 0u;
    *at = pos;
    return VIK_ST_ESYNTAX;
  }
  i++;
  j = vik_json_ws(hdr, hlen, i);
  if (j < hlen && hdr[j] == '}') {
    i = j;
  } else {
    uint32_t meta = 0u;
    /*@ loop invariant bounds: 0 < i <= hlen;
        loop invariant count: c <= cap;
        loop invariant at: pos <= hlen;
        loop invariant code: rc == VIK_ST_OK;
        loop invariant entries: \forall integer k; 0 <= k < c ==> st_entry_ok(t, k, hlen, data_len);
        loop invariant disjoint: \forall integer p, q; 0 <= p < q < c ==> st_apart(t, p, q);
        loop assigns i, j, a, b, esc, meta, c, pos, rc, t[0 .. cap - 1];
        loop variant hlen - i;
    */
    for (;;) {
      /* pos, set where the parse fails: at the member for a bad key, at the
         name for a fault of the name (a duplicate, a bad name, one too many,
         a clash), at the value for the value's own */
      j = vik_json_key(hdr, hlen, i, &a, &b, &esc);
      if (j == VIK_JSON_BAD) {
        pos = i;
        rc = VIK_ST_ESYNTAX;
        break;
      }
      if (!esc && vik_json_str_eq(hdr, hlen, a, b, "__metadata__", 12u)) {
        uint32_t v = j;
        if (meta) {
          pos = a;
          rc = VIK_ST_EDUP;
          break;
        }
        meta = 1u;
        j = vik_json_skip(hdr, hlen, v);
        if (j == VIK_JSON_BAD) {
          pos = v;
          rc = VIK_ST_ESYNTAX;
          break;
        }
      } else {
        int code;
        uint32_t v = j;
        if (esc || b - a - 2u > VIK_ST_NAME_MAX || b - a == 2u) {
          pos = a;
          rc = VIK_ST_ENAME;
          break;
        }
        if (c >= cap) {
          pos = a;
          rc = VIK_ST_ECOUNT;
          break;
        }
        j = st_add(hdr, hlen, v, a, b, data_len, t, c, &code);
        if (j == VIK_JSON_BAD) {
          pos = code == VIK_ST_EDUP || code == VIK_ST_EOVERLAP ? a : v;
          rc = code;
          break;
        }
        c++;
      }
      i = vik_json_ws(hdr, hlen, j);
      if (i >= hlen) {
        pos = i;
        rc = VIK_ST_ESYNTAX;
        break;
      }
      if (hdr[i] == '}') break;
      if (hdr[i] != ',') {
        pos = i;
        rc = VIK_ST_ESYNTAX;
        break;
      }
      i++;
    }
  }
  /* i is at the closing brace; only whitespace may follow (safetensors pads
     the header with spaces) */
  if (rc == VIK_ST_OK) {
    i = vik_json_ws(hdr, hlen, i + 1u);
    pos = i;
    if (i != hlen) rc = VIK_ST_ESYNTAX;
  }
  *count = c;
  *at = pos;
  return rc;
}

uint32_t vik_st_find(const uint8_t *hdr, uint32_t hlen, const vik_st_tensor *t, uint32_t count,
                     const char *name, uint32_t m) {
  uint32_t k, q;
  (void)hlen;                              /* only the contract uses it */
  /*@ loop invariant bounds: 0 <= k <= count;
      loop assigns k, q;
      loop variant count - k;
  */
  for (k = 0u; k < count; k++) {
    if (t[k].name_len != m) continue;
    /*@ loop invariant bounds: 0 <= q <= m;
        loop assigns q;
        loop variant m - q;
    */
    for (q = 0u; q < m; q++)
      if (hdr[t[k].name_off + q] != (uint8_t)name[q]) break;
    if (q == m) return k;
  }
  return count;
}

const char *vik_st_strerror(int code) {
  switch (code) {
  case VIK_ST_OK: return "ok";
  case VIK_ST_ETRUNC: return "file shorter than the 8-byte header length";
  case VIK_ST_EHLEN: return "bad header length (below 2, above 64 MiB, or past the end of the file)";
  case VIK_ST_ESYNTAX: return "header is not valid JSON of the safetensors form";
  case VIK_ST_EKEY: return "tensor entry with a missing, repeated or unknown field (dtype, shape, data_offsets)";
  case VIK_ST_EDTYPE: return "unknown dtype (supported: F32, BF16, F16, U8, F8_E4M3)";
  case VIK_ST_ESHAPE: return "bad shape (more than 4 dims or more than 2^48 elements)";
  case VIK_ST_EOFFSETS: return "data_offsets not [begin, end] with begin <= end <= data length (offset past the end of the file)";
  case VIK_ST_ESIZE: return "data_offsets span differs from shape x dtype size";
  case VIK_ST_EOVERLAP: return "two tensors' data overlap";
  case VIK_ST_EDUP: return "duplicate tensor name";
  case VIK_ST_ENAME: return "bad tensor name (empty, escaped or longer than 256 bytes)";
  case VIK_ST_ECOUNT: return "too many tensors";
  default: return "unknown error";
  }
}

/* ---- conversions ---- */

void vik_bf16_to_f32(float *y, const uint8_t *src, uint32_t n) {
  uint32_t i;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop assigns i, y[0 .. n - 1];
      loop variant n - i;
  */
  for (i = 0u; i < n; i++) {
    uint32_t h = (uint32_t)src[2u * i] + 256u * (uint32_t)src[2u * i + 1u];
    y[i] = vik_f32_from_bits(h << 16);
  }
}

/* the float32 bits of the IEEE half with bits h (h < 2^16); a subnormal
   half is m 2^-24 with m < 2^10: normalised by shifting m up to bit 10 */
/*@ requires h: h <= 0xFFFF;
    assigns \nothing;
*/
static uint32_t f16_bits(uint32_t h) {
  uint32_t sign = (h >> 15) << 31, e = (h >> 10) & 31u, m = h & 1023u, k;
  if (e == 31u) return sign | 0x7F800000u | (m << 13);
  if (e != 0u) return sign | ((e + 112u) << 23) | (m << 13);
  if (m == 0u) return sign;
  e = 113u;                                /* the exponent field of 2^-14 */
  /* at most 10 doublings bring m (>= 1) to bit 10 */
  /*@ loop invariant bounds: 0 <= k <= 10 && e == 113 - k && 1 <= m < 2048;
      loop assigns k, m, e;
      loop variant 10 - k;
  */
  for (k = 0u; k < 10u && m < 1024u; k++) {
    m <<= 1;
    e--;
  }
  return sign | (e << 23) | ((m & 1023u) << 13);
}

void vik_f16_to_f32(float *y, const uint8_t *src, uint32_t n) {
  uint32_t i;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop assigns i, y[0 .. n - 1];
      loop variant n - i;
  */
  for (i = 0u; i < n; i++) {
    uint32_t h = (uint32_t)src[2u * i] + 256u * (uint32_t)src[2u * i + 1u];
    y[i] = vik_f32_from_bits(f16_bits(h));
  }
}

void vik_f32le_to_f32(float *y, const uint8_t *src, uint32_t n) {
  uint32_t i;
  /*@ loop invariant bounds: 0 <= i <= n;
      loop assigns i, y[0 .. n - 1];
      loop variant n - i;
  */
  for (i = 0u; i < n; i++) {
    uint32_t b = (uint32_t)src[4u * i] | (uint32_t)src[4u * i + 1u] << 8 | (uint32_t)src[4u * i + 2u] << 16 |
                 (uint32_t)src[4u * i + 3u] << 24;
    y[i] = vik_f32_from_bits(b);
  }
}
