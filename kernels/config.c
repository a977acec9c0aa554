/* vik config.json reader (see config.h). */
#include "config.h"

/* field numbers (also the *field of an error) */
#define F_ARCH 0u
#define F_VOCAB 1u
#define F_DIM 2u
#define F_LAYERS 3u
#define F_HEADS 4u
#define F_KV 5u
#define F_HEAD_DIM 6u
#define F_HIDDEN 7u
#define F_EXPERTS 8u
#define F_TOPK 9u
#define F_MAXPOS 10u
#define F_WINDOW 11u
#define F_EPS 12u
#define F_ROPE 13u
#define F_THETA 14u
#define F_TIE 15u
#define F_ACT 16u
#define F_ABIAS 17u
#define F_MBIAS 18u
#define F_ROPE_TYPE 19u

const char *vik_config_field_name(uint32_t f) {
  switch (f) {
  case F_ARCH: return "architectures";
  case F_VOCAB: return "vocab_size";
  case F_DIM: return "hidden_size";
  case F_LAYERS: return "num_hidden_layers";
  case F_HEADS: return "num_attention_heads";
  case F_KV: return "num_key_value_heads";
  case F_HEAD_DIM: return "head_dim";
  case F_HIDDEN: return "intermediate_size";
  case F_EXPERTS: return "num_local_experts";
  case F_TOPK: return "num_experts_per_tok";
  case F_MAXPOS: return "max_position_embeddings";
  case F_WINDOW: return "sliding_window";
  case F_EPS: return "rms_norm_eps";
  case F_ROPE: return "rope_parameters";
  case F_THETA: return "rope_theta";
  case F_TIE: return "tie_word_embeddings";
  case F_ACT: return "hidden_act";
  case F_ABIAS: return "attention_bias";
  case F_MBIAS: return "mlp_bias";
  case F_ROPE_TYPE: return "rope_parameters.rope_type";
  default: return "?";
  }
}

const char *vik_config_strerror(int code) {
  switch (code) {
  case VIK_CFG_OK: return "ok";
  case VIK_CFG_ESYNTAX: return "config.json is not a valid JSON object";
  case VIK_CFG_EARCH: return "unknown architecture (supported: LlamaForCausalLM, MixtralForCausalLM)";
  case VIK_CFG_EMISSING: return "required field missing";
  case VIK_CFG_ETYPE: return "field of the wrong type, or repeated";
  case VIK_CFG_ERANGE: return "value outside the supported limits";
  case VIK_CFG_EUNSUP: return "unsupported feature";
  default: return "unknown error";
  }
}

const char *vik_arch_name(uint32_t arch) {
  if (arch == VIK_ARCH_LLAMA) return "LlamaForCausalLM";
  if (arch == VIK_ARCH_MIXTRAL) return "MixtralForCausalLM";
  return "?";
}

/* The field number of the key s[a .. b-1] (quotes included), or
   VIK_CFG_NFIELDS for a key this reader skips. */
/*@ requires n: n <= VIK_JSON_NMAX && a + 2 <= b <= n;
    requires valid: \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures range: \result <= VIK_CFG_NFIELDS;
*/
static uint32_t key_id(const uint8_t *s, uint32_t n, uint32_t a, uint32_t b) {
  if (vik_json_str_eq(s, n, a, b, "architectures", 13u)) return F_ARCH;
  if (vik_json_str_eq(s, n, a, b, "vocab_size", 10u)) return F_VOCAB;
  if (vik_json_str_eq(s, n, a, b, "hidden_size", 11u)) return F_DIM;
  if (vik_json_str_eq(s, n, a, b, "num_hidden_layers", 17u)) return F_LAYERS;
  if (vik_json_str_eq(s, n, a, b, "num_attention_heads", 19u)) return F_HEADS;
  if (vik_json_str_eq(s, n, a, b, "num_key_value_heads", 19u)) return F_KV;
  if (vik_json_str_eq(s, n, a, b, "head_dim", 8u)) return F_HEAD_DIM;
  if (vik_json_str_eq(s, n, a, b, "intermediate_size", 17u)) return F_HIDDEN;
  if (vik_json_str_eq(s, n, a, b, "num_local_experts", 17u)) return F_EXPERTS;
  if (vik_json_str_eq(s, n, a, b, "num_experts_per_tok", 19u)) return F_TOPK;
  if (vik_json_str_eq(s, n, a, b, "max_position_embeddings", 23u)) return F_MAXPOS;
  if (vik_json_str_eq(s, n, a, b, "sliding_window", 14u)) return F_WINDOW;
  if (vik_json_str_eq(s, n, a, b, "rms_norm_eps", 12u)) return F_EPS;
  if (vik_json_str_eq(s, n, a, b, "rope_parameters", 15u)) return F_ROPE;
  if (vik_json_str_eq(s, n, a, b, "rope_theta", 10u)) return F_THETA;
  if (vik_json_str_eq(s, n, a, b, "tie_word_embeddings", 19u)) return F_TIE;
  if (vik_json_str_eq(s, n, a, b, "hidden_act", 10u)) return F_ACT;
  if (vik_json_str_eq(s, n, a, b, "attention_bias", 14u)) return F_ABIAS;
  if (vik_json_str_eq(s, n, a, b, "mlp_bias", 8u)) return F_MBIAS;
  return VIK_CFG_NFIELDS;
}

/* Steps of num_in, one operation each, so each is a goal of one rounding. */
/*@ requires p: \is_finite(p) && 1 <= p <= 0x1p30;
    assigns \nothing;
    ensures r: \is_finite(\result) && 10 <= \result <= 0x1p34;
*/
static float times10(float p) { return p * 10.0f; }   /* 10^k, k <= 10: exact in float */

/*@ requires m: 1 <= m <= 16777216;
    assigns \nothing;
    ensures r: \is_finite(\result) && 1 <= \result <= 16777216;
*/
static float f32_of(uint32_t m) { return (float)m; }   /* m <= 2^24: exact */

/*@ requires x: \is_finite(x) && 1 <= x <= 16777216;
    requires p: \is_finite(p) && 1 <= p <= 0x1p34;
    assigns \nothing;
    ensures r: \is_finite(\result) && 0x1p-40 <= \result <= 0x1p58;
*/
static float mul_pos(float x, float p) { return x * p; }

/*@ requires x: \is_finite(x) && 1 <= x <= 16777216;
    requires p: \is_finite(p) && 1 <= p <= 0x1p34;
    assigns \nothing;
    ensures r: \is_finite(\result) && 0x1p-40 <= \result <= 0x1p58;
*/
static float div_pos(float x, float p) { return x / p; }

/* A positive number v in [lo, hi] as a float: with the mantissa's trailing
   zeros moved to the exponent, v = m 10^e with m <= 2^24 and |e| <= 10 is
   m times or over 10^|e|, both exact in float, so the result is v correctly
   rounded (one rounding). 0 when v is negative, zero, not of that form
   (e.g. below 1e-10 or with more than 7 significant digits) or outside
   [lo, hi]; config values such as 1e-05, 0.000001, 500000.0 are of it. */
/*@ requires lo: \is_finite(lo) && 0x1p-40 <= lo;
    requires hi: \is_finite(hi) && lo <= hi <= 0x1p58;
    requires valid: \valid(out);
    assigns *out;
    ensures bool: \result == 0 || \result == 1;
    ensures range: \result == 1 ==> \is_finite(*out) && lo <= *out <= hi;
*/
static int num_in(vik_json_num v, float lo, float hi, float *out) {
  uint64_t m = v.mant;
  int32_t e10 = v.e10, e, k;
  float x, p = 1.0f;
  *out = 0.0f;
  if (v.neg || m == 0u || e10 < -VIK_JSON_E10_MAX || e10 > VIK_JSON_E10_MAX) return 0;
  /*@ loop invariant m: 1 <= m;
      loop invariant e10: -VIK_JSON_E10_MAX - 20 <= e10 <= VIK_JSON_E10_MAX + 20;
      loop assigns m, e10;
      loop variant m;
  */
  while (m % 10u == 0u && e10 <= VIK_JSON_E10_MAX + 19) {  /* m < 2^64: at most 19 zeros */
    m /= 10u;
    e10++;
  }
  if (m > 16777216u || e10 < -10 || e10 > 10) return 0;
  e = e10 < 0 ? -e10 : e10;
  /*@ loop invariant bounds: 0 <= k <= e <= 10;
      loop invariant fin: \is_finite(p);
      loop invariant p: 1 <= p <= 0x1p34;
      loop invariant q: k < e ==> p <= 0x1p30;
      loop assigns k, p;
      loop variant e - k;
  */
  for (k = 0; k < e; k++) {
    p = times10(p);
    if (p > 0x1p30f && k + 1 < e) return 0;  /* never taken (10^9 < 2^30): the bound the proof carries */
  }
  x = f32_of((uint32_t)m);
  x = e10 >= 0 ? mul_pos(x, p) : div_pos(x, p);
  if (!(x >= lo && x <= hi)) return 0;
  *out = x;
  return 1;
}

/* Parsed values: u[f] for integer fields, num[f] for the two numbers,
   have bit f when field f was given (null counts as not given). */
typedef struct {
  uint64_t u[VIK_CFG_NFIELDS];
  vik_json_num num[VIK_CFG_NFIELDS];
  uint32_t have;
  uint32_t arch;
} cfg_raw;

/* A value of field f at s[i] into r. Returns the index after it, or
   VIK_JSON_BAD with *code. */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n && f < VIK_CFG_NFIELDS;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(r) && \valid(code);
    requires sep: \separated(r, code, s + (0 .. n - 1));
    assigns r->u[f], r->num[f], r->have, r->arch, *code;
    ensures ok: json_ok(\result, i, n);
    ensures code: 0 < *code < VIK_CFG_NCODES;
*/
static uint32_t field_value(const uint8_t *s, uint32_t n, uint32_t i, uint32_t f, cfg_raw *r, int *code) {
  uint32_t j = vik_json_ws(s, n, i), e, esc;
  *code = VIK_CFG_ETYPE;
  if (j >= n) return VIK_JSON_BAD;
  if (vik_json_lit(s, n, j, "null", 4u) && f != F_ARCH && f != F_ROPE) return j + 4u;  /* as if absent */
  if (f == F_ARCH) {
    uint32_t k;
    if (s[j] != '[') return VIK_JSON_BAD;
    k = vik_json_ws(s, n, j + 1u);
    e = vik_json_string(s, n, k, &esc);
    if (e == VIK_JSON_BAD) return VIK_JSON_BAD;
    if (!esc && vik_json_str_eq(s, n, k, e, "LlamaForCausalLM", 16u)) r->arch = VIK_ARCH_LLAMA;
    else if (!esc && vik_json_str_eq(s, n, k, e, "MixtralForCausalLM", 18u)) r->arch = VIK_ARCH_MIXTRAL;
    else r->arch = 0u;
    r->have |= 1u << f;
    return vik_json_skip(s, n, j);         /* the whole array, checked */
  }
  if (f == F_EPS || f == F_THETA) {
    e = vik_json_number(s, n, j, &r->num[f]);
    if (e != VIK_JSON_BAD) r->have |= 1u << f;
    return e;
  }
  if (f == F_TIE || f == F_ABIAS || f == F_MBIAS) {
    if (vik_json_lit(s, n, j, "true", 4u)) {
      r->u[f] = 1u;
      r->have |= 1u << f;
      return j + 4u;
    }
    if (vik_json_lit(s, n, j, "false", 5u)) {
      r->u[f] = 0u;
      r->have |= 1u << f;
      return j + 5u;
    }
    return VIK_JSON_BAD;
  }
  if (f == F_ACT || f == F_ROPE_TYPE) {
    e = vik_json_string(s, n, j, &esc);
    if (e == VIK_JSON_BAD) return VIK_JSON_BAD;
    if (esc || (f == F_ACT && !vik_json_str_eq(s, n, j, e, "silu", 4u)) ||
        (f == F_ROPE_TYPE && !vik_json_str_eq(s, n, j, e, "default", 7u))) {
      *code = VIK_CFG_EUNSUP;
      return VIK_JSON_BAD;
    }
    r->have |= 1u << f;
    return e;
  }
  if (f == F_ROPE) return VIK_JSON_BAD;    /* an object: read by the caller */
  e = vik_json_uint(s, n, j, &r->u[f]);
  if (e == VIK_JSON_BAD) return VIK_JSON_BAD;
  if (r->u[f] > 0x7FFFFFFFu) {
    *code = VIK_CFG_ERANGE;
    return VIK_JSON_BAD;
  }
  r->have |= 1u << f;
  return e;
}

/* The value of a member with field f (VIK_CFG_NFIELDS: one we skip) at
   s[j], into r. Returns the index after it, or VIK_JSON_BAD with *code and
   *field; or, for a non-empty rope_parameters object, the index after its
   '{' with *opened = 1 (its members are read by the caller's loop). Apart
   from members' loop so that its goals do not carry these paths. */
/*@ requires n: n <= VIK_JSON_NMAX && j <= n && f <= VIK_CFG_NFIELDS;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(r) && \valid(code) && \valid(field) && \valid(opened);
    requires sep: \separated(r, code, field, opened, s + (0 .. n - 1));
    requires field: *field < VIK_CFG_NFIELDS;
    assigns *r, *code, *field, *opened;
    ensures ok: json_ok(\result, j, n);
    ensures code: 0 < *code < VIK_CFG_NCODES;
    ensures field: *field < VIK_CFG_NFIELDS;
*/
static uint32_t member(const uint8_t *s, uint32_t n, uint32_t j, uint32_t f, cfg_raw *r, int *code,
                       uint32_t *field, int *opened) {
  *opened = 0;
  *code = VIK_CFG_ESYNTAX;
  if (f < VIK_CFG_NFIELDS && (r->have >> f) & 1u) {
    *field = f;
    *code = VIK_CFG_ETYPE;                 /* repeated */
    return VIK_JSON_BAD;
  }
  if (f == VIK_CFG_NFIELDS) return vik_json_skip(s, n, j);
  *field = f;
  if (f == F_ROPE) {
    uint32_t k = vik_json_ws(s, n, j);
    *code = VIK_CFG_ETYPE;
    if (k >= n || s[k] != '{') return VIK_JSON_BAD;
    r->have |= 1u << F_ROPE;
    j = vik_json_ws(s, n, k + 1u);
    if (j >= n || s[j] != '}') {
      *opened = 1;
      return k + 1u;
    }
    return j + 1u;                         /* empty */
  }
  return field_value(s, n, j, f, r, code);
}

/* The members of the top-level object starting at s[i] (whitespace, then
   '{'). rope_parameters, an object, is read in the same loop (nested = 1
   until its closing brace; no recursion): there only rope_theta and
   rope_type are read, other members are skipped. */
/*@ requires n: n <= VIK_JSON_NMAX && i <= n;
    requires valid: \valid_read(s + (0 .. n - 1)) && \valid(r) && \valid(code) && \valid(field) && \valid(at);
    requires sep: \separated(r, code, field, at, s + (0 .. n - 1));
    assigns *r, *code, *field, *at;
    ensures ok: json_ok(\result, i, n);
    ensures code: 0 < *code < VIK_CFG_NCODES;
    ensures field: *field < VIK_CFG_NFIELDS;
    ensures at: *at <= n;
*/
static uint32_t members(const uint8_t *s, uint32_t n, uint32_t i, cfg_raw *r, int *code, uint32_t *field,
                        uint32_t *at) {
  uint32_t j, a, b, esc;
  int nested = 0, opened;
  *code = VIK_CFG_ESYNTAX;
  *field = 0u;
  i = vik_json_ws(s, n, i);
  *at = i;
  if (i >= n || s[i] != '{') return VIK_JSON_BAD;
  j = vik_json_ws(s, n, i + 1u);
  if (j < n && s[j] == '}') return j + 1u;
  i++;
  /*@ loop invariant bounds: \at(i, Pre) < i <= n;
      loop invariant nested: nested == 0 || nested == 1;
      loop invariant code: 0 < *code < VIK_CFG_NCODES;
      loop invariant field: *field < VIK_CFG_NFIELDS;
      loop invariant at: *at <= n;
      loop assigns i, j, a, b, esc, nested, opened, *r, *code, *field, *at;
      loop variant n - i;
  */
  for (;;) {
    *at = i;
    *code = VIK_CFG_ESYNTAX;
    j = vik_json_key(s, n, i, &a, &b, &esc);
    if (j == VIK_JSON_BAD) return VIK_JSON_BAD;
    *at = a;
    uint32_t f = esc ? VIK_CFG_NFIELDS : key_id(s, n, a, b);
    if (nested) {                          /* inside rope_parameters */
      if (f == F_THETA) {
      } else if (!esc && vik_json_str_eq(s, n, a, b, "rope_type", 9u)) {
        f = F_ROPE_TYPE;
      } else {
        f = VIK_CFG_NFIELDS;
      }
    }
    j = member(s, n, j, f, r, code, field, &opened);
    if (j == VIK_JSON_BAD) return VIK_JSON_BAD;
    if (opened) {                            /* enter the nested object */
      nested = 1;
      i = j;
      continue;
    }
    *code = VIK_CFG_ESYNTAX;
    i = vik_json_ws(s, n, j);
    *at = i;
    if (i >= n) return VIK_JSON_BAD;
    if (s[i] == '}' && nested) {           /* rope_parameters ends */
      nested = 0;
      i = vik_json_ws(s, n, i + 1u);
      *at = i;
      if (i >= n) return VIK_JSON_BAD;
    }
    if (s[i] == '}') return i + 1u;
    if (s[i] != ',') return VIK_JSON_BAD;
    i++;
  }
}

/* Field f required and in [lo, hi] (hi <= 2^31). */
/*@ requires f: f < VIK_CFG_NFIELDS;
    requires valid: \valid_read(r) && \valid(field) && \valid(v);
    requires sep: \separated(field, v, r);
    assigns *field, *v;
    ensures code: \result == VIK_CFG_OK || \result == VIK_CFG_EMISSING || \result == VIK_CFG_ERANGE;
    ensures ok: \result == VIK_CFG_OK ==> lo <= *v <= hi;
    ensures field: *field == f;
*/
static int need(const cfg_raw *r, uint32_t f, uint32_t lo, uint32_t hi, uint32_t *field, uint32_t *v) {
  *field = f;
  *v = 0u;
  if (((r->have >> f) & 1u) == 0u) return VIK_CFG_EMISSING;
  if (r->u[f] < lo || r->u[f] > hi) return VIK_CFG_ERANGE;
  *v = (uint32_t)r->u[f];
  return VIK_CFG_OK;
}

/* Field f if given (in [lo, hi]), else def. */
/*@ requires f: f < VIK_CFG_NFIELDS && lo <= def <= hi;
    requires valid: \valid_read(r) && \valid(field) && \valid(v);
    requires sep: \separated(field, v, r);
    assigns *field, *v;
    ensures code: \result == VIK_CFG_OK || \result == VIK_CFG_ERANGE;
    ensures ok: \result == VIK_CFG_OK ==> lo <= *v <= hi;
    ensures field: *field == f;
*/
static int opt(const cfg_raw *r, uint32_t f, uint32_t lo, uint32_t hi, uint32_t def, uint32_t *field,
               uint32_t *v) {
  *field = f;
  *v = def;
  if (((r->have >> f) & 1u) == 0u) return VIK_CFG_OK;
  if (r->u[f] < lo || r->u[f] > hi) return VIK_CFG_ERANGE;
  *v = (uint32_t)r->u[f];
  return VIK_CFG_OK;
}

/* 1 iff lo <= x <= hi; behaviors by class of x: the provers see IEEE
   comparisons one class at a time */
/*@ requires lo: \is_finite(lo) && \is_finite(hi) && lo <= hi;
    assigns \nothing;
    behavior in:  assumes \is_finite(x) && lo <= x <= hi;
                  ensures \result == 1;
    behavior out: assumes \is_finite(x) && !(lo <= x <= hi);
                  ensures \result == 0;
    behavior nan: assumes \is_NaN(x);
                  ensures \result == 0;
    behavior inf: assumes \is_infinite(x);
                  ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
static int in_range(float x, float lo, float hi) { return x >= lo && x <= hi; }

/* 1 only if c satisfies cfg_ok (the parse above checks each limit where it
   reads the field; this is the whole predicate in one place). */
/*@ requires valid: \valid_read(c);
    assigns \nothing;
    ensures ok: \result != 0 ==> cfg_ok(*c);
*/
static int cfg_valid(const vik_config *c) {
  if (c->arch != VIK_ARCH_LLAMA && c->arch != VIK_ARCH_MIXTRAL) return 0;
  if (c->vocab < 1u || c->vocab > VIK_CFG_VOCAB_MAX || c->dim < 1u || c->dim > VIK_CFG_DIM_MAX) return 0;
  if (c->n_layers < 1u || c->n_layers > VIK_CFG_LAYERS_MAX || c->n_heads < 1u || c->n_heads > VIK_CFG_HEADS_MAX)
    return 0;
  if (c->n_kv_heads < 1u || c->n_kv_heads > c->n_heads || c->n_heads % c->n_kv_heads != 0u) return 0;
  if (c->head_dim < 2u || c->head_dim > 1024u || c->head_dim % 2u != 0u ||
      (uint64_t)c->n_heads * c->head_dim > VIK_CFG_DIM_MAX)
    return 0;
  if (c->hidden < 1u || c->hidden > VIK_CFG_DIM_MAX) return 0;
  if (c->arch == VIK_ARCH_MIXTRAL &&
      (c->top_k < 1u || c->top_k > c->n_experts || c->n_experts > 512u || c->top_k > 32u))
    return 0;
  if (c->arch == VIK_ARCH_LLAMA && (c->n_experts != 0u || c->top_k != 0u)) return 0;
  if (c->max_pos < 1u || c->window > VIK_CFG_CTX_MAX || c->tie > 1u) return 0;
  return in_range(c->eps, 0x1p-40f, 1.0f) && in_range(c->theta, 1.0f, 0x1p40f);
}

/* The checks of vik_config_parse after the JSON is read, in three steps
   (each a short function: WP's goals carry every path before them, and one
   function of twenty early returns cost minutes of simplification). They
   return VIK_CFG_OK or the first error, with *field the field at fault;
   the limits they check are all checked again, by cfg_valid, at the end. */

/* architecture, vocabulary, width, layers, heads */
/*@ requires valid: \valid_read(r) && \valid(c) && \valid(field);
    requires sep: \separated(r, c, field);
    assigns *c, *field;
    ensures code: 0 <= \result < VIK_CFG_NCODES;
    ensures heads: \result == VIK_CFG_OK ==> 1 <= c->n_heads;
    ensures field: *field < VIK_CFG_NFIELDS;
*/
static int heads(const cfg_raw *r, vik_config *c, uint32_t *field) {
  int code;
  *field = F_ARCH;
  if (((r->have >> F_ARCH) & 1u) == 0u || r->arch == 0u) return VIK_CFG_EARCH;
  c->arch = r->arch;
  if ((code = need(r, F_VOCAB, 1u, VIK_CFG_VOCAB_MAX, field, &c->vocab)) != VIK_CFG_OK) return code;
  if ((code = need(r, F_DIM, 1u, VIK_CFG_DIM_MAX, field, &c->dim)) != VIK_CFG_OK) return code;
  if ((code = need(r, F_LAYERS, 1u, VIK_CFG_LAYERS_MAX, field, &c->n_layers)) != VIK_CFG_OK) return code;
  if ((code = need(r, F_HEADS, 1u, VIK_CFG_HEADS_MAX, field, &c->n_heads)) != VIK_CFG_OK) return code;
  if ((code = opt(r, F_KV, 1u, VIK_CFG_HEADS_MAX, c->n_heads, field, &c->n_kv_heads)) != VIK_CFG_OK)
    return code;
  if (c->n_kv_heads > c->n_heads || c->n_heads % c->n_kv_heads != 0u) return VIK_CFG_ERANGE;
  return VIK_CFG_OK;
}

/* head size, FFN width, experts */
/*@ requires valid: \valid_read(r) && \valid(c) && \valid(field);
    requires sep: \separated(r, c, field);
    requires heads: 1 <= c->n_heads;
    assigns *c, *field;
    ensures code: 0 <= \result < VIK_CFG_NCODES;
    ensures field: *field < VIK_CFG_NFIELDS;
*/
static int shape(const cfg_raw *r, vik_config *c, uint32_t *field) {
  int code;
  uint32_t hd;
  *field = F_HEAD_DIM;
  hd = c->dim / c->n_heads;
  if (((r->have >> F_HEAD_DIM) & 1u) == 0u && c->dim % c->n_heads != 0u) return VIK_CFG_ERANGE;
  if ((code = opt(r, F_HEAD_DIM, 2u, 1024u, hd >= 2u && hd <= 1024u ? hd : 2u, field, &c->head_dim)) !=
      VIK_CFG_OK)
    return code;
  if (c->head_dim % 2u != 0u || c->head_dim < 2u || (uint64_t)c->n_heads * c->head_dim > VIK_CFG_DIM_MAX)
    return VIK_CFG_ERANGE;
  if ((code = need(r, F_HIDDEN, 1u, VIK_CFG_DIM_MAX, field, &c->hidden)) != VIK_CFG_OK) return code;
  if (c->arch == VIK_ARCH_MIXTRAL) {
    if ((code = need(r, F_EXPERTS, 1u, 512u, field, &c->n_experts)) != VIK_CFG_OK) return code;
    if ((code = need(r, F_TOPK, 1u, 32u, field, &c->top_k)) != VIK_CFG_OK) return code;
    if (c->top_k > c->n_experts) return VIK_CFG_ERANGE;
  }
  return VIK_CFG_OK;
}

/* context, tying, biases, the two numbers */
/*@ requires valid: \valid_read(r) && \valid(c) && \valid(field);
    requires sep: \separated(r, c, field);
    assigns *c, *field;
    ensures code: 0 <= \result < VIK_CFG_NCODES;
    ensures field: *field < VIK_CFG_NFIELDS;
*/
static int limits(const cfg_raw *r, vik_config *c, uint32_t *field) {
  int code;
  if ((code = opt(r, F_MAXPOS, 1u, 0x7FFFFFFFu, 2048u, field, &c->max_pos)) != VIK_CFG_OK) return code;
  if ((code = opt(r, F_WINDOW, 0u, VIK_CFG_CTX_MAX, 0u, field, &c->window)) != VIK_CFG_OK) return code;
  if ((code = opt(r, F_TIE, 0u, 1u, 0u, field, &c->tie)) != VIK_CFG_OK) return code;
  *field = F_ABIAS;
  if (r->u[F_ABIAS] != 0u) return VIK_CFG_EUNSUP;
  *field = F_MBIAS;
  if (r->u[F_MBIAS] != 0u) return VIK_CFG_EUNSUP;
  *field = F_EPS;
  if (((r->have >> F_EPS) & 1u) != 0u && !num_in(r->num[F_EPS], 0x1p-40f, 1.0f, &c->eps)) return VIK_CFG_ERANGE;
  *field = F_THETA;
  if (((r->have >> F_THETA) & 1u) != 0u && !num_in(r->num[F_THETA], 1.0f, 0x1p40f, &c->theta))
    return VIK_CFG_ERANGE;
  return VIK_CFG_OK;
}

int vik_config_parse(const uint8_t *s, uint32_t n, vik_config *c, uint32_t *at, uint32_t *field) {
  cfg_raw r;
  uint32_t k, e;
  int code;
  /*@ loop invariant bounds: 0 <= k <= VIK_CFG_NFIELDS;
      loop assigns k, r.u[0 .. VIK_CFG_NFIELDS - 1], r.num[0 .. VIK_CFG_NFIELDS - 1];
      loop variant VIK_CFG_NFIELDS - k;
  */
  for (k = 0u; k < VIK_CFG_NFIELDS; k++) {
    r.u[k] = 0u;
    r.num[k].mant = 0u;
    r.num[k].e10 = 0;
    r.num[k].neg = 0;
  }
  r.have = 0u;
  r.arch = 0u;
  c->arch = 0u;
  c->vocab = c->dim = c->n_layers = c->n_heads = c->n_kv_heads = c->head_dim = c->hidden = 0u;
  c->n_experts = c->top_k = c->max_pos = c->window = c->tie = 0u;
  c->eps = 1e-6f;
  c->theta = 10000.0f;
  *at = 0u;
  *field = 0u;
  e = members(s, n, 0u, &r, &code, field, at);
  if (e == VIK_JSON_BAD) return code;
  *at = vik_json_ws(s, n, e);
  if (*at != n) return VIK_CFG_ESYNTAX;    /* trailing text */
  if ((code = heads(&r, c, field)) != VIK_CFG_OK) return code;
  if ((code = shape(&r, c, field)) != VIK_CFG_OK) return code;
  if ((code = limits(&r, c, field)) != VIK_CFG_OK) return code;
  *field = 0u;
  /* every limit again, on the struct as written: the contract's cfg_ok
     follows from this one call instead of from twenty steps above */
  return cfg_valid(c) ? VIK_CFG_OK : VIK_CFG_ERANGE;
}
