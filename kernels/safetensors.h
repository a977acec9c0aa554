/* vik safetensors header parser, on untrusted bytes.

   File layout: 8 bytes little-endian header length N, N bytes of JSON header,
   then the data section (file length - 8 - N bytes). The header is one object:
   an optional "__metadata__" member (any JSON value; safetensors writes an
   object of strings) and one member per tensor,
     "name": {"dtype": "F32", "shape": [d0, ...], "data_offsets": [begin, end]}
   with offsets relative to the data section.

   The parser fills a caller-owned table of at most cap entries (no
   allocation) and checks, before anyone reads a tensor's data: the header
   length against the file, the JSON syntax (kernels/json.h), the dtype
   (F32, BF16, F16, U8, F8_E4M3; anything else is refused), the shape (at
   most VIK_ST_DIMS dims, element count at most VIK_ST_ELEM_MAX, no
   overflow), the offsets (begin <= end <= data length), the byte count
   (end - begin = elements * dtype size), no two tensors' byte ranges
   overlapping, no duplicate names, no escapes in names. On error the return
   code says which rule failed (vik_st_strerror), *at the header offset
   where it was seen, *count the entries filled so far (none to be used). */
#ifndef VIK_SAFETENSORS_H
#define VIK_SAFETENSORS_H
#include <stdint.h>
#include "json.h"

#define VIK_ST_DIMS 4u                       /* most dims of one tensor */
#define VIK_ST_HDR_MAX 0x4000000u            /* largest header accepted (64 MiB) */
#define VIK_ST_ELEM_MAX 0x1000000000000ull   /* most elements of one tensor (2^48) */
#define VIK_ST_NAME_MAX 256u                 /* longest tensor name */

/* dtypes */
#define VIK_DT_F32 1u
#define VIK_DT_BF16 2u
#define VIK_DT_F16 3u
#define VIK_DT_U8 4u
#define VIK_DT_F8_E4M3 5u

/* return codes */
#define VIK_ST_OK 0
#define VIK_ST_ETRUNC 1     /* file shorter than the 8-byte length prefix */
#define VIK_ST_EHLEN 2      /* header length < 2, above VIK_ST_HDR_MAX or past the end of the file */
#define VIK_ST_ESYNTAX 3    /* header is not a JSON object of the expected form (an entry {} or an
                               integer above 2^53, which this reader does not take, included) */
#define VIK_ST_EKEY 4       /* tensor entry with a missing, repeated or unknown field (an empty one: ESYNTAX) */
#define VIK_ST_EDTYPE 5     /* unknown dtype */
#define VIK_ST_ESHAPE 6     /* too many dims, or a dim or the element count above VIK_ST_ELEM_MAX */
#define VIK_ST_EOFFSETS 7   /* data_offsets not [begin, end] with begin <= end <= data length */
#define VIK_ST_ESIZE 8      /* end - begin differs from elements * dtype size */
#define VIK_ST_EOVERLAP 9   /* two tensors' byte ranges overlap */
#define VIK_ST_EDUP 10      /* two tensors (or two __metadata__) with the same name; checked before overlap */
#define VIK_ST_ENAME 11     /* tensor name with an escape, empty, or longer than VIK_ST_NAME_MAX */
#define VIK_ST_ECOUNT 12    /* more tensors than the table holds */
#define VIK_ST_NCODES 13

typedef struct {
  uint32_t name_off, name_len;   /* the name is hdr[name_off .. name_off + name_len - 1] */
  uint32_t dtype, ndim;
  uint64_t shape[VIK_ST_DIMS];   /* unused entries 0 */
  uint64_t nelem;                /* product of shape (1 for a scalar) */
  uint64_t begin, end;           /* byte range in the data section */
} vik_st_tensor;

/*@ predicate st_entry_ok{L}(vik_st_tensor *t, integer k, integer hlen, integer data_len) =
      t[k].name_len >= 1 && t[k].name_off + t[k].name_len <= hlen &&
      1 <= t[k].dtype <= 5 && t[k].ndim <= VIK_ST_DIMS &&
      t[k].nelem <= VIK_ST_ELEM_MAX && t[k].begin <= t[k].end <= data_len;
*/

/* Two entries' data do not overlap (an empty span overlaps nothing). */
/*@ predicate st_apart{L}(vik_st_tensor *t, integer p, integer q) =
      t[p].end <= t[q].begin || t[q].end <= t[p].begin || t[p].begin == t[p].end || t[q].begin == t[q].end;
*/

/* Bytes of one element of a dtype (0 for an unknown one). */
/*@ assigns \nothing;
    ensures size: \result <= 4;
    ensures known: 1 <= dt <= 5 <==> \result >= 1;
*/
uint32_t vik_dtype_size(uint32_t dt);

/* The header length from the first 8 bytes of a file of file_len bytes
   (prefix holds min(8, file_len) bytes): VIK_ST_ETRUNC below 8 bytes,
   VIK_ST_EHLEN unless 2 <= N <= VIK_ST_HDR_MAX and N <= file_len - 8. */
/*@ requires valid: \valid_read(prefix + (0 .. (file_len < 8 ? file_len : 8) - 1)) && \valid(hlen);
    requires sep: \separated(hlen, prefix + (0 .. 7));
    assigns *hlen;
    ensures code: \result == VIK_ST_OK || \result == VIK_ST_ETRUNC || \result == VIK_ST_EHLEN;
    ensures ok: \result == VIK_ST_OK ==> 2 <= *hlen <= VIK_ST_HDR_MAX && *hlen + 8 <= file_len;
*/
int vik_st_header_len(const uint8_t *prefix, uint64_t file_len, uint32_t *hlen);

/* Parse the header hdr[0 .. hlen-1] of a file whose data section holds
   data_len bytes into t[0 .. *count-1]. */
/*@ requires n: 2 <= hlen <= VIK_ST_HDR_MAX;
    requires cap: cap <= 65536;
    requires valid: \valid_read(hdr + (0 .. hlen - 1)) && \valid(t + (0 .. cap - 1)) &&
                    \valid(count) && \valid(at);
    requires sep: \separated(t + (0 .. cap - 1), count, at, hdr + (0 .. hlen - 1));
    requires sep2: \separated(count, at);
    assigns t[0 .. cap - 1], *count, *at;
    ensures code: 0 <= \result < VIK_ST_NCODES;
    ensures count: *count <= cap;
    ensures at: *at <= hlen;
    ensures entries: \result == VIK_ST_OK ==>
                       \forall integer k; 0 <= k < *count ==> st_entry_ok(t, k, hlen, data_len);
    ensures disjoint: \result == VIK_ST_OK ==>
                       \forall integer a, b; 0 <= a < b < *count ==> st_apart(t, a, b);
*/
int vik_st_parse(const uint8_t *hdr, uint32_t hlen, uint64_t data_len, vik_st_tensor *t, uint32_t cap,
                 uint32_t *count, uint32_t *at);

/* The entry named name[0 .. m-1], or count when there is none. */
/*@ requires n: hlen <= VIK_ST_HDR_MAX && count <= 65536 && m <= VIK_ST_NAME_MAX;
    requires valid: \valid_read(hdr + (0 .. hlen - 1)) && \valid_read(t + (0 .. count - 1)) &&
                    \valid_read(name + (0 .. m - 1));
    requires entries: \forall integer k; 0 <= k < count ==> t[k].name_off + t[k].name_len <= hlen;
    assigns \nothing;
    ensures range: \result <= count;
*/
uint32_t vik_st_find(const uint8_t *hdr, uint32_t hlen, const vik_st_tensor *t, uint32_t count,
                     const char *name, uint32_t m);

/* A message for a return code ("unknown error" outside the table). */
/*@ assigns \nothing;
    ensures valid: \valid_read(\result);
*/
const char *vik_st_strerror(int code);

/* ---- dtype conversion to float32 (weights are converted at load) ---- */

/* y[i] = the BF16 value of bytes src[2i], src[2i+1] (little-endian): exact. */
/*@ requires n: n <= 0x40000000;
    requires valid: \valid_read(src + (0 .. 2 * n - 1)) && \valid(y + (0 .. n - 1));
    assigns y[0 .. n - 1];
*/
void vik_bf16_to_f32(float *y, const uint8_t *src, uint32_t n);

/* y[i] = the IEEE half value of bytes src[2i], src[2i+1] (little-endian):
   exact (subnormals, inf and NaN included). */
/*@ requires n: n <= 0x40000000;
    requires valid: \valid_read(src + (0 .. 2 * n - 1)) && \valid(y + (0 .. n - 1));
    assigns y[0 .. n - 1];
*/
void vik_f16_to_f32(float *y, const uint8_t *src, uint32_t n);

/* y[i] = the float32 of bytes src[4i .. 4i+3] (little-endian). */
/*@ requires n: n <= 0x40000000;
    requires valid: \valid_read(src + (0 .. 4 * n - 1)) && \valid(y + (0 .. n - 1));
    assigns y[0 .. n - 1];
*/
void vik_f32le_to_f32(float *y, const uint8_t *src, uint32_t n);

#endif
