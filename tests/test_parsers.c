/* Unit tests of the JSON subset (kernels/json.c), the config reader
   (kernels/config.c) and the MoE grouping and combine (kernels/ffn.c).

   JSON: accepted and refused texts for vik_json_skip (RFC 8259 cases:
   literals, numbers, strings with every escape, nesting up to the
   VIK_JSON_DEPTH limit and one past it, trailing commas, bare words,
   control bytes, unterminated input); vik_json_number's mantissa and
   exponent on decimal forms (1e-05, 1000000.0, 0.00001, -2.5E+3, 20 digits);
   vik_json_uint's limit 2^53 and its refusal of fractions and leading zeros.
   Config: the three vendored configs give the expected fields (eps the
   float32 nearest 1e-5, theta 1e4 / 1e6, head_dim from null), and a config
   whose rope_theta sits at the top level is read too.
   Grouping: vik_moe_group on random routings (E up to 64, k up to 8, T up to
   40) lists every slot exactly once, under its expert, in increasing slot
   order, with consistent counts and offsets; vik_moe_combine equals the
   rank-order sum computed here (bit for bit, same float operations). */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "util.h"
#include "config.h"
#include "ffn.h"
#include "json.h"
#include "rng.h"

static uint32_t skip_str(const char *t) { return vik_json_skip((const uint8_t *)t, (uint32_t)strlen(t), 0); }

static void json_skip_cases(void)
{
    static const char *const good[] = {
        "0", "-0", "1.5e10", "-2.5E-3", "true", "false", "null", "\"\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\"",
        "[]", "{}", "[1, 2, [3, {\"a\": null}]]", " {\"k\" : [true , false] } ", "\"\xc3\xa9\"",
    };
    static const char *const bad[] = {
        "", " ", "01", "1.", ".5", "1e", "-", "+1", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12g4\"", "[1,]",
        "{\"a\":1,}", "{\"a\" 1}", "{1: 2}", "[1 2]", "{\"a\":1", "[", "]", "\"a\tb\"", "{\"a\":}", "[,1]",
    };
    char deep[200];
    size_t i;
    uint32_t r;
    int ok = 1;
    for (i = 0; i < sizeof good / sizeof *good; i++) {
        r = skip_str(good[i]);
        if (r == VIK_JSON_BAD || (good[i][0] != ' ' && r != strlen(good[i]))) {
            ok = 0;
            printf("    json: refused or short: %s (%u)\n", good[i], r);
        }
    }
    check(ok, "json: vik_json_skip accepts valid values whole (literals, numbers, escapes, nesting)");
    ok = 1;
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        r = skip_str(bad[i]);
        /* "01" reads as 0 then stops: a value followed by text, refused by the callers; here: not the whole */
        if (r != VIK_JSON_BAD && r == strlen(bad[i])) {
            ok = 0;
            printf("    json: accepted: %s\n", bad[i]);
        }
    }
    check(ok, "json: vik_json_skip refuses malformed values (bad numbers, escapes, commas, unterminated)");
    for (i = 0; i < 64; i++)
        deep[i] = '[';
    for (i = 0; i < 64; i++)
        deep[64 + i] = ']';
    deep[128] = 0;
    check(skip_str(deep) == 128, "json: 64 nested arrays accepted (VIK_JSON_DEPTH)");
    for (i = 0; i < 65; i++)
        deep[i] = '[';
    for (i = 0; i < 65; i++)
        deep[65 + i] = ']';
    deep[130] = 0;
    check(skip_str(deep) == VIK_JSON_BAD, "json: 65 nested arrays refused");
}

static void json_number_cases(void)
{
    static const struct {
        const char *t;
        uint64_t mant;
        int32_t e10;
        int32_t neg;
    } c[] = {
        {"1e-05", 1, -5, 0},           {"1000000.0", 10000000, -1, 0}, {"0.00001", 1, -5, 0},
        {"-2.5E+3", 25, 2, 1},         {"0", 0, 0, 0},                 {"12345678901234567890", 1234567890123456789ull, 1, 0},
        {"10000.0", 100000, -1, 0},    {"3e100000000", 3, VIK_JSON_E10_MAX, 0},
    };
    size_t i;
    int ok = 1;
    for (i = 0; i < sizeof c / sizeof *c; i++) {
        vik_json_num v;
        uint32_t r = vik_json_number((const uint8_t *)c[i].t, (uint32_t)strlen(c[i].t), 0, &v);
        if (r != strlen(c[i].t) || v.mant != c[i].mant || v.e10 != c[i].e10 || v.neg != c[i].neg) {
            ok = 0;
            printf("    json: %s -> r %u mant %llu e10 %d neg %d\n", c[i].t, r, (unsigned long long)v.mant, v.e10, v.neg);
        }
    }
    check(ok, "json: vik_json_number mantissa/exponent on decimal forms (fractions, exponents, 20 digits, clamp)");
    {
        uint64_t v = 0;
        check(vik_json_uint((const uint8_t *)"9007199254740992", 16, 0, &v) == 16 && v == 0x20000000000000ull,
              "json: vik_json_uint reads 2^53");
        check(vik_json_uint((const uint8_t *)"9007199254740993", 16, 0, &v) == VIK_JSON_BAD,
              "json: vik_json_uint refuses 2^53 + 1");
        check(vik_json_uint((const uint8_t *)"1.0", 3, 0, &v) == VIK_JSON_BAD &&
                  vik_json_uint((const uint8_t *)"1e3", 3, 0, &v) == VIK_JSON_BAD &&
                  vik_json_uint((const uint8_t *)"012", 3, 0, &v) == VIK_JSON_BAD &&
                  vik_json_uint((const uint8_t *)"-1", 2, 0, &v) == VIK_JSON_BAD,
              "json: vik_json_uint refuses fractions, exponents, leading zeros, signs");
    }
}

static int cfg_file(const char *path, vik_config *c)
{
    size_t n = 0;
    uint32_t at, field;
    unsigned char *t = slurp(path, &n);
    int rc = t ? vik_config_parse(t, (uint32_t)n, c, &at, &field) : -1;
    free(t);
    return rc;
}

static void config_cases(void)
{
    vik_config c;
    const char *alt = "{\"architectures\": [\"LlamaForCausalLM\"], \"vocab_size\": 32, \"hidden_size\": 64, "
                      "\"num_hidden_layers\": 1, \"num_attention_heads\": 8, \"intermediate_size\": 96, "
                      "\"rope_theta\": 500000.0, \"rope_scaling\": null, \"rms_norm_eps\": 1e-6, "
                      "\"tie_word_embeddings\": true, \"extra\": {\"nested\": [1, 2, {\"x\": \"y\"}]}}";
    uint32_t at, field;
    int rc = cfg_file("tests/data/models/llama-tiny-random/config.json", &c);
    check(rc == VIK_CFG_OK && c.arch == VIK_ARCH_LLAMA && c.vocab == 256 && c.dim == 64 && c.n_layers == 2 &&
              c.n_heads == 4 && c.n_kv_heads == 2 && c.head_dim == 16 && c.hidden == 128 && c.n_experts == 0 &&
              c.max_pos == 512 && c.window == 0 && c.tie == 0 && c.eps == 1e-5f && c.theta == 10000.0f,
          "config: llama-tiny-random fields (eps the float nearest 1e-5, theta 1e4)");
    rc = cfg_file("tests/data/models/moe-bytes/config.json", &c);
    check(rc == VIK_CFG_OK && c.arch == VIK_ARCH_MIXTRAL && c.dim == 128 && c.n_layers == 4 && c.n_heads == 4 &&
              c.n_kv_heads == 2 && c.head_dim == 32 && c.hidden == 256 && c.n_experts == 8 && c.top_k == 2 &&
              c.max_pos == 1024 && c.window == 0 && c.eps == 1e-5f && c.theta == 1e6f,
          "config: moe-bytes fields (head_dim null -> 32, sliding_window null, theta 1e6)");
    rc = vik_config_parse((const uint8_t *)alt, (uint32_t)strlen(alt), &c, &at, &field);
    check(rc == VIK_CFG_OK && c.n_kv_heads == 8 && c.head_dim == 8 && c.theta == 500000.0f && c.eps == 1e-6f &&
              c.tie == 1,
          "config: top-level rope_theta, defaults (KV heads = heads, head_dim = dim / heads), nested extras skipped");
    /* the two numbers: m 10^e with m <= 2^24 after trailing zeros, |e| <= 10,
       one rounding; anything else is refused as out of range, never misread */
    {
        static const struct { const char *eps; int ok; float want; } num[] = {
            {"1e-05", 1, 1e-5f}, {"0.00001", 1, 1e-5f}, {"1.0000000000e-5", 1, 1e-5f},
            {"100000000000000000000e-25", 1, 1e-5f}, {"3.3e-7", 1, 3.3e-7f}, {"1", 1, 1.0f},
            {"1e-12", 0, 0}, {"1.2345678e-5", 0, 0}, {"2", 0, 0}, {"-1e-5", 0, 0}, {"0", 0, 0},
        };
        char buf[512];
        size_t q;
        for (q = 0; q < sizeof num / sizeof num[0]; q++) {
            snprintf(buf, sizeof buf, "{\"architectures\": [\"LlamaForCausalLM\"], \"vocab_size\": 32, "
                     "\"hidden_size\": 64, \"num_hidden_layers\": 1, \"num_attention_heads\": 8, "
                     "\"intermediate_size\": 96, \"rms_norm_eps\": %s}", num[q].eps);
            rc = vik_config_parse((const uint8_t *)buf, (uint32_t)strlen(buf), &c, &at, &field);
            char what[128];
            snprintf(what, sizeof what, "config: rms_norm_eps %s %s", num[q].eps,
                     num[q].ok ? "read as the float nearest" : "refused (out of range)");
            check(num[q].ok ? rc == VIK_CFG_OK && c.eps == num[q].want
                            : rc == VIK_CFG_ERANGE && strcmp(vik_config_field_name(field), "rms_norm_eps") == 0, what);
        }
    }
}

static void group_cases(void)
{
    uint32_t idx[320], off[65], list[320], seen[320];
    float eo[320 * 3], w[320], y[40 * 3];
    int ok = 1, okc = 1, it;
    rnd_seed(7);
    for (it = 0; it < 300 && ok; it++) {
        uint32_t E = 1 + rnd() % 64, k = 1 + rnd() % (E < 8 ? E : 8), T = 1 + rnd() % 40, s, e, r;
        for (s = 0; s < T * k; s++)
            idx[s] = rnd() % E;
        if (vik_moe_group(off, list, idx, E, k, T) != VIK_OK)
            ok = 0;
        memset(seen, 0, sizeof seen);
        if (off[0] != 0 || off[E] != T * k)
            ok = 0;
        for (e = 0; e < E && ok; e++) {
            if (off[e + 1] < off[e])
                ok = 0;
            for (r = off[e]; r < off[e + 1] && ok; r++) {
                if (list[r] >= T * k || idx[list[r]] != e || seen[list[r]] || (r > off[e] && list[r] <= list[r - 1]))
                    ok = 0;
                else
                    seen[list[r]] = 1;
            }
        }
        for (s = 0; s < T * k; s++)
            if (!seen[s])
                ok = 0;
        /* combine: rank order, bit for bit */
        for (s = 0; s < T * k; s++) {
            w[s] = (float)(rnd() >> 8) / 16777216.0f;
            for (r = 0; r < 3; r++)
                eo[s * 3 + r] = (float)((int32_t)(rnd() >> 8) - (1 << 23)) / 4096.0f;
        }
        vik_moe_combine(y, eo, w, T, k, 3);
        for (s = 0; s < T; s++)
            for (r = 0; r < 3; r++) {
                float a = 0.0f;
                uint32_t j;
                for (j = 0; j < k; j++) {
                    float p = w[s * k + j] * eo[(s * k + j) * 3 + r];
                    a = a + p;
                }
                if (f2u(a) != f2u(y[s * 3 + r]))
                    okc = 0;
            }
    }
    check(ok, "ffn: vik_moe_group lists every slot once, under its expert, in slot order, offsets increasing");
    check(okc, "ffn: vik_moe_combine equals the rank-order sum bit for bit");
}

int main(void)
{
    json_skip_cases();
    json_number_cases();
    config_cases();
    group_cases();
    return check_done();
}
