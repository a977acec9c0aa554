/* The model loader on corrupted model folders: kernels/safetensors.c and
   kernels/config.c (the parsers of the untrusted bytes), harness/model_load.c
   (vik_load) and the CLI (build/vik, or $VIK).

   Each case starts from the vendored llama-tiny-random folder
   (tests/data/models/llama-tiny-random), changes one thing in config.json or
   model.safetensors (the JSON header edited as text, re-padded with spaces
   or given a new length), and requires:
   - vik_load returns the documented code (harness/model_load.h) with a
     message naming the defect (and the tensor or field, where there is one)
     and leaves its output zeroed (nothing partial);
   - `vik info --model DIR` exits with that code (never a crash: a signal or
     a sanitizer abort is a failure) with the message on stderr and nothing
     on stdout;
   - `vik-ref DIR OUT` exits 2 and does not create OUT.
   Cases: truncated file (4 bytes, and data cut short), bad header length
   (1, past the end, 2^64-1), header not a JSON object, trailing garbage,
   offsets past the end, begin > end, span not matching the shape, overlapping
   tensors, duplicate tensor name, unknown dtype, a known dtype of the wrong
   kind, huge shapes (product past 2^48, 5 dims, a dim past 2^53), a missing
   tensor, an ill-shaped tensor, a NaN weight, an unknown architecture, a
   missing config field, an unsupported activation, config.json not JSON.
   The unmodified folder loads (so each refusal is the defect's doing).
   Conversions: vik_bf16_to_f32 and vik_f16_to_f32 on all 65536 codes
   against an independent decoder (bits << 16; the half value computed in
   double from its fields), and the folder rewritten with every tensor in
   BF16 (float32 bits truncated) and in F16 (converted by the same
   independent rule, values in range) loads, every weight equal to the
   converted value, and runs a prefill. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "util.h"
#include "model_load.h"
#include "safetensors.h"
#include <math.h>
#include <signal.h>

#define BASE "tests/data/models/llama-tiny-random"

static unsigned char *st_orig, *cfg_orig;
static size_t st_len, cfg_len;

static const char *vikbin(void)
{
    const char *e = getenv("VIK");
    return e && *e ? e : "build/vik";
}

/* Run prog a1 a2 a3 [a4] with output captured into tmpdir; exit status or -1. */
static int run_cmd(const char *prog, const char *a1, const char *a2, const char *a3, const char *a4)
{
    char o[256], e[256];
    pid_t pid;
    int st;
    tpath(o, sizeof o, "stdout.log");
    tpath(e, sizeof e, "stderr.log");
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        int fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fo < 0 || fe < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
            _exit(126);
        execl(prog, prog, a1, a2, a3, a4, (char *)NULL);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

static char *read_log(const char *name, size_t *n)
{
    char p[256];
    unsigned char *b;
    tpath(p, sizeof p, name);
    b = slurp(p, n);
    if (b)
        b[*n] = '\0';
    return (char *)b;
}

/* Write the case folder tmpdir/case: config text and safetensors bytes. */
static int write_case(const unsigned char *cfg, size_t nc, const unsigned char *st, size_t ns)
{
    char d[256], p[512];
    tpath(d, sizeof d, "case");
    mkdir(d, 0777);
    join(p, sizeof p, d, "config.json");
    if (!write_bytes(p, cfg, nc))
        return 0;
    join(p, sizeof p, d, "model.safetensors");
    return write_bytes(p, st, ns);
}

/* The safetensors file with the header text's first occurrence of a replaced
   by b (a new header length when it does not fit the old one, else padded
   with spaces). NULL if a is not in the header. */
static unsigned char *edit_header(const char *a, const char *b, size_t *n)
{
    uint64_t N = 0;
    size_t i, la = strlen(a), lb = strlen(b), newN;
    unsigned char *out;
    char *h, *at;
    for (i = 0; i < 8; i++)
        N |= (uint64_t)st_orig[i] << (8 * i);
    h = malloc(N + 1);
    if (!h)
        return NULL;
    memcpy(h, st_orig + 8, N);
    h[N] = '\0';
    at = strstr(h, a);
    if (!at) {
        free(h);
        return NULL;
    }
    newN = N - la + lb > N ? N - la + lb : N;
    *n = 8 + newN + (st_len - 8 - N);
    out = malloc(*n);
    if (!out) {
        free(h);
        return NULL;
    }
    for (i = 0; i < 8; i++)
        out[i] = (unsigned char)(newN >> (8 * i));
    memcpy(out + 8, h, (size_t)(at - h));
    memcpy(out + 8 + (at - h), b, lb);
    memcpy(out + 8 + (at - h) + lb, at + la, N - (size_t)(at - h) - la);
    memset(out + 8 + N - la + lb, ' ', newN - (N - la + lb));
    memcpy(out + 8 + newN, st_orig + 8 + N, st_len - 8 - N);
    free(h);
    return out;
}

/* The case in tmpdir/case must fail with code want and message part msg. */
static void expect(const char *desc, int want, const char *msg)
{
    char d[256], out[256], err[1024], dd[600];
    vik_loaded L;
    char *so, *se;
    size_t no = 0, ne = 0;
    int rc;
    tpath(d, sizeof d, "case");
    tpath(out, sizeof out, "out");
    memset(&L, 0x5A, sizeof L);
    err[0] = '\0';
    rc = vik_load(d, 64, 0, &L, err, sizeof err);
    snprintf(dd, sizeof dd, "loader: %s: vik_load returns %d with a message naming it, output zeroed", desc, want);
    check_msg(rc == want && strstr(err, msg) && all_zero(&L, sizeof L), dd, "rc %d, message \"%s\"", rc, err);
    if (rc == VIK_LOAD_OK)
        vik_unload(&L);
    rc = run_cmd(vikbin(), "info", "--model", d, NULL);
    so = read_log("stdout.log", &no);
    se = read_log("stderr.log", &ne);
    snprintf(dd, sizeof dd, "loader: %s: vik info exits %d, message on stderr, nothing on stdout", desc, want);
    check_msg(rc == want && se && strstr(se, msg) && no == 0, dd, "exit %d, stdout %zu bytes, stderr: %.300s", rc, no,
              se ? se : "");
    free(so);
    free(se);
    rc = run_cmd(vikref(), d, out, NULL, NULL);
    snprintf(dd, sizeof dd, "loader: %s: vik-ref exits 2 and writes nothing", desc);
    check_msg(rc == 2 && count_entries(out) == -1, dd, "exit %d, out entries %d", rc, count_entries(out));
}

static void st_case(const char *desc, const char *a, const char *b, int want, const char *msg)
{
    size_t n = 0;
    unsigned char *s = edit_header(a, b, &n);
    char dd[300];
    snprintf(dd, sizeof dd, "loader: %s: test case built", desc);
    if (!check(s != NULL && write_case(cfg_orig, cfg_len, s, n), dd)) {
        free(s);
        return;
    }
    expect(desc, want, msg);
    free(s);
}

static void cfg_case(const char *desc, const char *a, const char *b, int want, const char *msg)
{
    char *c = malloc(cfg_len + strlen(b) + 1), *at;
    char dd[300];
    size_t n;
    snprintf(dd, sizeof dd, "loader: %s: test case built", desc);
    memcpy(c, cfg_orig, cfg_len);
    c[cfg_len] = '\0';
    at = strstr(c, a);
    if (!check(at != NULL, dd)) {
        free(c);
        return;
    }
    memmove(at + strlen(b), at + strlen(a), cfg_len - (size_t)(at - c) - strlen(a) + 1);
    memcpy(at, b, strlen(b));
    n = strlen(c);
    write_case((unsigned char *)c, n, st_orig, st_len);
    expect(desc, want, msg);
    free(c);
}

static void raw_case(const char *desc, const unsigned char *s, size_t n, int want, const char *msg)
{
    write_case(cfg_orig, cfg_len, s, n);
    expect(desc, want, msg);
}

/* IEEE half value of h, in double, from its fields. */
static double half_value(uint32_t h)
{
    int e = (int)((h >> 10) & 31u);
    double m = (double)(h & 1023u), v;
    if (e == 31)
        v = m == 0 ? INFINITY : NAN;
    else if (e == 0)
        v = ldexp(m, -24);
    else
        v = ldexp(1024.0 + m, e - 25);
    return (h >> 15) ? -v : v;
}

static void conversions(void)
{
    uint8_t src[2 * 65536];
    float *y = malloc(sizeof *y * 65536);
    uint32_t i, bad16 = 0, badb = 0;
    for (i = 0; i < 65536; i++) {
        src[2 * i] = (uint8_t)(i & 255u);
        src[2 * i + 1] = (uint8_t)(i >> 8);
    }
    if (!y)
        return;
    vik_bf16_to_f32(y, src, 65536);
    for (i = 0; i < 65536; i++)
        if (f2u(y[i]) != i << 16)
            badb++;
    vik_f16_to_f32(y, src, 65536);
    for (i = 0; i < 65536; i++) {
        double v = half_value(i);
        if (v != v ? !(y[i] != y[i]) || (f2u(y[i]) >> 31) != (i >> 15) : (double)y[i] != v || !signbit(y[i]) != !signbit(v))
            bad16++;
    }
    check_msg(badb == 0, "conversions: vik_bf16_to_f32 on all 65536 codes equals bits << 16", "%u wrong", badb);
    check_msg(bad16 == 0, "conversions: vik_f16_to_f32 on all 65536 codes equals the half value (sign, "
              "subnormals, inf, NaN)", "%u wrong", bad16);
    free(y);
}

/* The folder with every F32 tensor rewritten as BF16 (half = 0) or F16
   (half = 1): header text with "F32" -> dtype and every offset halved. */
static void half_model(int half)
{
    uint64_t N = 0, i, nd;
    size_t hn = 0, k;
    char *h, *o;
    unsigned char *file;
    const unsigned char *data;
    uint16_t *w;
    char d[256], err[1024], desc[200];
    vik_loaded L;
    int rc;
    for (i = 0; i < 8; i++)
        N |= (uint64_t)st_orig[i] << (8 * i);
    data = st_orig + 8 + N;
    nd = (st_len - 8 - N) / 4;
    h = malloc(N + 1);
    o = malloc(2 * N + 64);
    w = malloc(nd * 2 + 2);
    file = malloc(8 + 2 * N + 64 + nd * 2);
    if (!h || !o || !w || !file)
        return;
    memcpy(h, st_orig + 8, N);
    h[N] = 0;
    /* rewrite: dtype names, and every number inside data_offsets halved */
    for (k = 0; k < N;) {
        if (strncmp(h + k, "\"F32\"", 5) == 0) {
            hn += (size_t)sprintf(o + hn, half ? "\"F16\"" : "\"BF16\"");
            k += 5;
        } else if (strncmp(h + k, "\"data_offsets\":[", 16) == 0) {
            unsigned long long a, b;
            int used = 0;
            sscanf(h + k + 16, "%llu,%llu]%n", &a, &b, &used);
            hn += (size_t)sprintf(o + hn, "\"data_offsets\":[%llu,%llu]", a / 2, b / 2);
            k += 16 + (size_t)used;
        } else {
            o[hn++] = h[k++];
        }
    }
    while (hn % 8)
        o[hn++] = ' ';
    for (i = 0; i < nd; i++) {
        uint32_t b = (uint32_t)data[4 * i] | (uint32_t)data[4 * i + 1] << 8 | (uint32_t)data[4 * i + 2] << 16 |
                     (uint32_t)data[4 * i + 3] << 24;
        float f = u2f(b);
        uint16_t c;
        if (half) {
            /* to half by round-to-nearest via a search: the weights are small normals */
            double best = 1e300;
            uint32_t q;
            c = 0;
            for (q = 0; q < 0x7C00u; q += 1) {
                double v = half_value(q), e = fabs(v - fabs((double)f));
                if (e < best) {
                    best = e;
                    c = (uint16_t)q;
                }
                if (v > fabs((double)f))
                    break;
            }
            if (f < 0)
                c |= 0x8000u;
        } else {
            c = (uint16_t)(b >> 16);
        }
        w[i] = c;
    }
    for (i = 0; i < 8; i++)
        file[i] = (unsigned char)((uint64_t)hn >> (8 * i));
    memcpy(file + 8, o, hn);
    for (i = 0; i < nd; i++) {
        file[8 + hn + 2 * i] = (unsigned char)(w[i] & 255u);
        file[8 + hn + 2 * i + 1] = (unsigned char)(w[i] >> 8);
    }
    write_case(cfg_orig, cfg_len, file, 8 + hn + 2 * nd);
    tpath(d, sizeof d, "case");
    rc = vik_load(d, 64, 0, &L, err, sizeof err);
    snprintf(desc, sizeof desc, "conversions: the model rewritten in %s loads, every weight the converted "
             "value, and a prefill runs", half ? "F16" : "BF16");
    if (rc == VIK_LOAD_OK) {
        /* lm_head.weight is the first tensor, offset 0: compare it */
        uint32_t n = L.m.cfg.vocab * L.m.cfg.dim, same = 1, tk[3] = {1, 2, 3};
        float *fa, *lg = malloc(sizeof *lg * L.m.cfg.vocab * 3);
        uint32_t *fu;
        void *ar = vik_arena_alloc(&L.plan, &fa, &fu);
        for (i = 0; i < n; i++) {
            float want = half ? (float)half_value(w[i]) : u2f((uint32_t)w[i] << 16);
            if (f2u(L.m.lm_head.f[i]) != f2u(want))
                same = 0;
        }
        if (ar && lg) {
            vik_model_reset(&L.m, &L.plan, fa);
            rc = vik_forward(&L.m, &L.plan, fa, fu, tk, 3, 0, lg, 1);
        }
        check_msg(same && ar && lg && rc == VIK_OK, desc, "weights equal %u, rc %d", same, rc);
        vik_arena_free(ar);
        free(lg);
        vik_unload(&L);
    } else {
        check_msg(0, desc, "%s", err);
    }
    free(h);
    free(o);
    free(w);
    free(file);
}

int main(void)
{
    char d[256], err[1024];
    vik_loaded L;
    unsigned char *s;
    int rc;
    size_t i;
    st_orig = slurp(BASE "/model.safetensors", &st_len);
    cfg_orig = slurp(BASE "/config.json", &cfg_len);
    if (!check(st_orig && cfg_orig && tmpdir_make("loader"), "loader: base folder readable, temp dir"))
        return check_done();
    /* the unmodified folder loads */
    write_case(cfg_orig, cfg_len, st_orig, st_len);
    tpath(d, sizeof d, "case");
    rc = vik_load(d, 64, 0, &L, err, sizeof err);
    check_msg(rc == VIK_LOAD_OK, "loader: the unmodified folder loads", "%s", err);
    if (rc == VIK_LOAD_OK)
        vik_unload(&L);
    check(run_cmd(vikbin(), "info", "--model", d, NULL) == 0, "loader: vik info on the unmodified folder exits 0");

    conversions();
    half_model(0);
    half_model(1);
    /* file-level */
    raw_case("truncated to 4 bytes", st_orig, 4, VIK_LOAD_EFORMAT, "shorter than the 8-byte");
    raw_case("data cut short by 100 bytes", st_orig, st_len - 100, VIK_LOAD_EFORMAT, "past the end");
    s = malloc(st_len);
    memcpy(s, st_orig, st_len);
    s[0] = 1;
    for (i = 1; i < 8; i++)
        s[i] = 0;
    raw_case("header length 1", s, st_len, VIK_LOAD_EFORMAT, "bad header length");
    s[0] = 0xFF;
    s[1] = 0xFF;
    s[2] = 0xFF;
    raw_case("header length past the end of the file", s, st_len, VIK_LOAD_EFORMAT, "bad header length");
    for (i = 0; i < 8; i++)
        s[i] = 0xFF;
    raw_case("header length 2^64-1", s, st_len, VIK_LOAD_EFORMAT, "bad header length");
    free(s);
    /* header syntax */
    st_case("header not a JSON object", "{\"__metadata__\"", "[\"__metadata__\"", VIK_LOAD_EFORMAT, "not valid JSON");
    st_case("trailing garbage after the header object", "[427008,427264]}}", "[427008,427264]}}x",
            VIK_LOAD_EFORMAT, "not valid JSON");
    st_case("unterminated string", "\"model.norm.weight\"", "\"model.norm.weight\\", VIK_LOAD_EFORMAT,
            "not valid JSON");
    /* offsets and sizes */
    st_case("offsets past the end", "[427008,427264]", "[427008,527264]", VIK_LOAD_EFORMAT, "past the end");
    st_case("begin after end", "[427008,427264]", "[427264,427008]", VIK_LOAD_EFORMAT, "begin <= end");
    st_case("span not shape x dtype size", "\"shape\":[64],\"data_offsets\":[427008,427264]",
            "\"shape\":[63],\"data_offsets\":[427008,427264]", VIK_LOAD_EFORMAT, "differs from shape");
    st_case("overlapping tensors", "[427008,427264]", "[0,256]", VIK_LOAD_EFORMAT, "overlap");
    st_case("duplicate tensor name", "\"model.norm.weight\"", "\"lm_head.weight\"", VIK_LOAD_EFORMAT,
            "duplicate tensor name");
    st_case("unknown field in a tensor entry", "\"shape\":[64],\"data_offsets\":[427008,427264]",
            "\"shape\":[64],\"offsets\":[427008,427264]", VIK_LOAD_EFORMAT, "missing, repeated or unknown field");
    /* dtypes */
    st_case("unknown dtype", "{\"dtype\":\"F32\",\"shape\":[64],\"data_offsets\":[427008",
            "{\"dtype\":\"F64\",\"shape\":[64],\"data_offsets\":[427008", VIK_LOAD_EFORMAT, "unknown dtype");
    st_case("wrong dtype for a weight (U8 norm)", "{\"dtype\":\"F32\",\"shape\":[64],\"data_offsets\":[427008",
            "{\"dtype\":\"U8\",\"shape\":[256],\"data_offsets\":[427008", VIK_LOAD_ETENSOR,
            "model.norm.weight has dtype U8");
    /* huge shapes */
    st_case("huge shape (2^32 x 2^32)", "\"shape\":[64],\"data_offsets\":[427008",
            "\"shape\":[4294967296,4294967296],\"data_offsets\":[427008", VIK_LOAD_EFORMAT, "bad shape");
    st_case("five dims", "\"shape\":[64],\"data_offsets\":[427008", "\"shape\":[1,1,1,1,64],\"data_offsets\":[427008",
            VIK_LOAD_EFORMAT, "bad shape");
    st_case("dim past 2^53", "\"shape\":[64],\"data_offsets\":[427008",
            "\"shape\":[18446744073709551616],\"data_offsets\":[427008", VIK_LOAD_EFORMAT, "not valid JSON");
    /* against the config */
    st_case("missing tensor", "\"model.norm.weight\"", "\"model.norx.weight\"", VIK_LOAD_ETENSOR,
            "tensor model.norm.weight missing");
    st_case("ill-shaped tensor", "\"model.layers.1.self_attn.k_proj.weight\":{\"dtype\":\"F32\",\"shape\":[32,64]",
            "\"model.layers.1.self_attn.k_proj.weight\":{\"dtype\":\"F32\",\"shape\":[64,32]", VIK_LOAD_ETENSOR,
            "model.layers.1.self_attn.k_proj.weight has shape [64, 32], expected [32, 64]");
    /* values */
    s = malloc(st_len);
    memcpy(s, st_orig, st_len);
    s[st_len - 4] = 0x00;
    s[st_len - 3] = 0x00;
    s[st_len - 2] = 0xC0;
    s[st_len - 1] = 0x7F;     /* the last float of model.norm.weight: NaN */
    raw_case("NaN weight", s, st_len, VIK_LOAD_EVALUE, "model.norm.weight: element 63");
    free(s);
    /* config.json */
    cfg_case("unknown architecture", "LlamaForCausalLM", "GPT2LMHeadModel", VIK_LOAD_ECONFIG, "unknown architecture");
    cfg_case("missing config field", "\"hidden_size\"", "\"hidden_sizX\"", VIK_LOAD_ECONFIG,
             "hidden_size: required field missing");
    cfg_case("unsupported activation", "\"silu\"", "\"gelu\"", VIK_LOAD_ECONFIG, "hidden_act: unsupported");
    cfg_case("heads not dividing", "\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3", VIK_LOAD_ECONFIG,
             "outside the supported limits");
    cfg_case("config.json not JSON", "{", "{{", VIK_LOAD_ECONFIG, "not a valid JSON object");
    rm_tree(tmpdir);
    free(st_orig);
    free(cfg_orig);
    return check_done();
}
