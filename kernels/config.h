/* vik config.json reader (transformers save_pretrained), on untrusted bytes,
   with the JSON subset of kernels/json.h.

   Architectures: "LlamaForCausalLM" and "MixtralForCausalLM" (the first
   entry of "architectures"). Fields read (others are skipped; a repeated
   field is refused):
     vocab_size, hidden_size, num_hidden_layers, num_attention_heads,
     intermediate_size (required); num_key_value_heads (default: heads),
     head_dim (null or absent: hidden_size / heads), max_position_embeddings
     (default 2048), num_local_experts and num_experts_per_tok (required for
     Mixtral), sliding_window (null: none), rms_norm_eps (default 1e-6),
     rope_parameters.rope_theta or rope_theta (default 10000),
     rope_parameters.rope_type (only "default"), tie_word_embeddings (default
     false), hidden_act (only "silu"), attention_bias and mlp_bias (only
     false).
   Every value is range-checked against the forward pass's limits
   (kernels/model.h: vik_config_ok); the error names the field. */
#ifndef VIK_CONFIG_H
#define VIK_CONFIG_H
#include <stdint.h>
#include "json.h"

#define VIK_ARCH_LLAMA 1u
#define VIK_ARCH_MIXTRAL 2u

typedef struct {
  uint32_t arch;
  uint32_t vocab, dim, n_layers, n_heads, n_kv_heads, head_dim, hidden;
  uint32_t n_experts, top_k;   /* 0 for a dense model */
  uint32_t max_pos, window;    /* window 0: no sliding window */
  uint32_t tie;                /* tie_word_embeddings */
  float eps, theta;
} vik_config;

/* return codes; *field names the field (vik_config_field_name) */
#define VIK_CFG_OK 0
#define VIK_CFG_ESYNTAX 1    /* not a JSON object; *at the byte offset */
#define VIK_CFG_EARCH 2      /* architectures missing or not a supported one */
#define VIK_CFG_EMISSING 3   /* a required field is absent */
#define VIK_CFG_ETYPE 4      /* a field of the wrong JSON type (or repeated) */
#define VIK_CFG_ERANGE 5     /* a value outside the limits */
#define VIK_CFG_EUNSUP 6     /* a value naming an unsupported feature */
#define VIK_CFG_NCODES 7

#define VIK_CFG_NFIELDS 20u

/* Limits (each one a precondition of the forward pass's contracts). */
#define VIK_CFG_VOCAB_MAX 0x100000u   /* 2^20 */
#define VIK_CFG_DIM_MAX 65536u
#define VIK_CFG_LAYERS_MAX 1024u
#define VIK_CFG_HEADS_MAX 1024u
#define VIK_CFG_CTX_MAX 65536u

/*@ predicate cfg_ok(vik_config c) =
      (c.arch == VIK_ARCH_LLAMA || c.arch == VIK_ARCH_MIXTRAL) &&
      1 <= c.vocab <= VIK_CFG_VOCAB_MAX && 1 <= c.dim <= VIK_CFG_DIM_MAX &&
      1 <= c.n_layers <= VIK_CFG_LAYERS_MAX && 1 <= c.n_heads <= VIK_CFG_HEADS_MAX &&
      1 <= c.n_kv_heads <= c.n_heads && c.n_heads % c.n_kv_heads == 0 &&
      2 <= c.head_dim <= 1024 && c.head_dim % 2 == 0 && c.n_heads * c.head_dim <= VIK_CFG_DIM_MAX &&
      1 <= c.hidden <= VIK_CFG_DIM_MAX &&
      (c.arch == VIK_ARCH_MIXTRAL ==> 1 <= c.top_k <= c.n_experts && c.n_experts <= 512 && c.top_k <= 32) &&
      (c.arch == VIK_ARCH_LLAMA ==> c.n_experts == 0 && c.top_k == 0) &&
      1 <= c.max_pos && c.window <= VIK_CFG_CTX_MAX && (c.tie == 0 || c.tie == 1) &&
      \is_finite(c.eps) && 0x1p-40 <= c.eps <= 1 && \is_finite(c.theta) && 1 <= c.theta <= 0x1p40;
*/

/*@ requires n: n <= VIK_JSON_NMAX;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(c) && \valid(at) && \valid(field);
    requires sep: \separated(c, at, field, s + (0 .. n - 1));
    assigns *c, *at, *field;
    ensures code: 0 <= \result < VIK_CFG_NCODES;
    ensures ok: \result == VIK_CFG_OK ==> cfg_ok(*c);
    ensures field: *field < VIK_CFG_NFIELDS;
*/
int vik_config_parse(const uint8_t *s, uint32_t n, vik_config *c, uint32_t *at, uint32_t *field);

/* The JSON name of field f ("?" outside the table). */
/*@ assigns \nothing;
    ensures valid: \valid_read(\result);
*/
const char *vik_config_field_name(uint32_t f);

/* A message for a return code. */
/*@ assigns \nothing;
    ensures valid: \valid_read(\result);
*/
const char *vik_config_strerror(int code);

/* The name of an architecture code ("?" for others). */
/*@ assigns \nothing;
    ensures valid: \valid_read(\result);
*/
const char *vik_arch_name(uint32_t arch);

#endif
