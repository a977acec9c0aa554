/* Loading a model folder as transformers' save_pretrained writes it
   (config.json, model.safetensors) into a vik_model (kernels/model.h).
   Harness code: it reads files and allocates; the parsing of the untrusted
   bytes is the kernels' (kernels/config.c, kernels/safetensors.c).

   model.safetensors is read once, whole, into memory; the header is parsed
   and every offset and shape checked against the file size before any
   tensor byte is read; the tensors the config names are looked up (an
   unknown architecture, a missing tensor or one of the wrong shape or dtype
   is an error naming it), converted to float32 (F32, BF16, F16) or kept as
   bytes (MXFP4 blocks / scales, U8) into one weight buffer, and checked
   against the kernels' bounds (finite, |w| <= 2^20; MXFP4 scale codes <=
   144). The file buffer is freed before returning; on error everything is
   freed and *out is left zeroed (nothing partial). */
#ifndef VIK_MODEL_LOAD_H
#define VIK_MODEL_LOAD_H
#include <stddef.h>
#include <stdint.h>
#include "model.h"
#include "safetensors.h"

/* Return codes of vik_load (also the exit status of `vik` on a load error). */
#define VIK_LOAD_OK 0
#define VIK_LOAD_EIO 3       /* a file cannot be opened or read, or is too large */
#define VIK_LOAD_EFORMAT 4   /* model.safetensors malformed (vik_st_strerror) */
#define VIK_LOAD_ECONFIG 5   /* config.json malformed, unknown architecture or unsupported */
#define VIK_LOAD_ETENSOR 6   /* a tensor missing, of the wrong shape or dtype */
#define VIK_LOAD_EVALUE 7    /* a weight outside the kernels' bounds (NaN, inf, |w| > 2^20, scale > 144) */
#define VIK_LOAD_ENOMEM 8    /* out of memory, or context too large for the config */
#define VIK_LOAD_EARG 10     /* dir or out NULL (an embedder's bug; not 9: `vik`'s inference error) */

#define VIK_LOAD_TENSORS_MAX 65536u
#define VIK_LOAD_FILE_MAX ((uint64_t)1 << 36)   /* 64 GiB */

typedef struct {
  vik_model m;
  vik_plan plan;
  uint32_t ctx;                /* context S the tables and plan were made for */
  uint32_t ntensors;
  vik_st_tensor *tab;          /* the file's tensor table (for `vik info`) */
  uint8_t *hdr;                /* a copy of the JSON header the names point into */
  uint32_t hlen;
  uint64_t file_bytes;
  void *wbuf;                  /* all converted weights */
  vik_layer *layers;
  vik_wmat *experts;
  float *rope;                 /* cos then sin, [ctx, head_dim / 2] each */
  int mxfp4;                   /* experts stored as MXFP4 */
} vik_loaded;

/* Load dir into *out for a context of ctx positions (0: the config's
   max_position_embeddings, capped at VIK_CTX_MAX; above VIK_CTX_MAX:
   VIK_LOAD_ENOMEM) and at most tmax tokens per forward call (0 or above
   ctx: ctx). Returns VIK_LOAD_OK or an error code with a message in err
   (none when err is NULL or errlen 0; errlen above INT_MAX counts as
   INT_MAX). */
int vik_load(const char *dir, uint32_t ctx, uint32_t tmax, vik_loaded *out, char *err, size_t errlen);
/* Free what vik_load allocated and zero *L. Safe on NULL, on a zeroed
   vik_loaded and on one already unloaded. */
void vik_unload(vik_loaded *L);

/* Dtype name for messages ("F32", ...). */
const char *vik_dtype_name(uint32_t dt);

/* The arena for L's plan: nf floats (*fa) and nu uint32 (*fu), two
   allocations, because vik_forward's contract asks its two parts to be
   apart (different blocks: harness/model.h); the result is the handle to
   give vik_arena_free. NULL (and *fa, *fu NULL when given) when out of
   memory, when the plan is past 2^36 elements or size_t, or when p, fa or
   fu is NULL. */
void *vik_arena_alloc(const vik_plan *p, float **fa, uint32_t **fu);

/* Free an arena of vik_arena_alloc (NULL: nothing). */
void vik_arena_free(void *arena);

/* The greedy choice: the index of the largest of x[0 .. n-1], the lowest
   index on ties, the first NaN if there is one (as torch.argmax). n (not
   an index) when n is 0 or x is NULL. */
uint32_t vik_argmax(const float *x, uint32_t n);

#endif
