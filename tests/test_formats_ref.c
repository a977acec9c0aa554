/* Number formats against the vendored ml_dtypes references in
   tests/data/formats (copied from shared/reference/formats):
   (a) the kernels called directly: decode tables bit for bit, every encoder
       byte for byte, and PyTorch's second opinion differing from ours only
       where the README says it does;
   (b) build/vik-ref (or $VIK_REF) on that case: every file it writes equals
       the reference of the same name, byte for byte; bad cases exit 2 and
       leave no output behind. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "formats.h"
#include "npy.h"
#include "util.h"
#include <stdint.h>

#define DATA "tests/data/formats"
#define SHOW 4          /* mismatches listed per failing check */

static npy_array input;         /* encode_input.npy, float32[N] */

/* Load DATA/name and require dtype and shape (count,); FAIL line if not. */
static int load_ref(const char *name, int dtype, size_t count, npy_array *a)
{
    char p[256], err[512], desc[300];
    int rc;
    snprintf(p, sizeof p, "%s/%s", DATA, name);
    rc = npy_read(p, a, err, sizeof err);
    if (rc == NPY_OK && a->dtype == dtype && a->ndim == 1 && a->count == count)
        return 1;
    snprintf(desc, sizeof desc, "load reference %s", name);
    check_msg(0, desc, "%s", rc ? err : "unexpected dtype or shape");
    npy_free(a);
    return 0;
}

static float f32_at(const npy_array *a, size_t i)
{
    return ((const float *)a->data)[i];
}

/* ---- (a) kernels against the references ---- */

typedef struct {
    const char *name;
    float (*decode)(uint8_t);
    unsigned ncodes;
} decoder;

typedef struct {
    const char *name;
    uint8_t (*encode)(float, int);
    int mode;
} encoder;

static uint8_t e2m1_encode_mode(float x, int mode)
{
    (void)mode;         /* E2M1 always saturates: rne and sat refs agree */
    return vik_e2m1_encode(x);
}

static const decoder DECODERS[] = {
    {"e4m3_decode.npy", vik_e4m3_decode, 256},
    {"e5m2_decode.npy", vik_e5m2_decode, 256},
    {"e8m0_decode.npy", vik_e8m0_decode, 256},
    {"e2m1_decode.npy", vik_e2m1_decode, 16},
};

static const encoder ENCODERS[] = {
    {"e4m3_encode_rne.npy", vik_e4m3_encode, VIK_NONSAT},
    {"e4m3_encode_sat.npy", vik_e4m3_encode, VIK_SAT},
    {"e5m2_encode_rne.npy", vik_e5m2_encode, VIK_NONSAT},
    {"e5m2_encode_sat.npy", vik_e5m2_encode, VIK_SAT},
    {"e2m1_encode_rne.npy", e2m1_encode_mode, VIK_NONSAT},
    {"e2m1_encode_sat.npy", e2m1_encode_mode, VIK_SAT},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Bit patterns compared, so NaN codes must give exactly sign|0x7FC00000. */
static void check_decoder(const decoder *d)
{
    npy_array ref;
    char desc[128], det[512] = "";
    unsigned c, bad = 0;
    if (!load_ref(d->name, NPY_F32, d->ncodes, &ref))
        return;
    for (c = 0; c < d->ncodes; c++) {
        uint32_t want = vik_f32_bits(f32_at(&ref, c));
        uint32_t got = vik_f32_bits(d->decode((uint8_t)c));
        if (want != got && bad++ < SHOW)
            append(det, sizeof det, "code 0x%02x want 0x%08x got 0x%08x; ",
                   c, (unsigned)want, (unsigned)got);
    }
    snprintf(desc, sizeof desc, "%s: all %u codes bit-exact", d->name, d->ncodes);
    check_msg(bad == 0, desc, "%u mismatches: %s", bad, det);
    npy_free(&ref);
}

/* Our codes for every input; caller frees. */
static uint8_t *encode_all(uint8_t (*enc)(float, int), int mode)
{
    uint8_t *y = malloc(input.count ? input.count : 1);
    size_t i;
    for (i = 0; y && i < input.count; i++)
        y[i] = enc(f32_at(&input, i), mode);
    return y;
}

static void check_encoder(const encoder *e)
{
    npy_array ref;
    char desc[128], det[512] = "";
    const uint8_t *want;
    uint8_t *got;
    size_t i, bad = 0;
    if (!load_ref(e->name, NPY_U8, input.count, &ref))
        return;
    want = ref.data;
    got = encode_all(e->encode, e->mode);
    for (i = 0; got && i < input.count; i++)
        if (want[i] != got[i] && bad++ < SHOW)
            append(det, sizeof det, "x=0x%08x (%g) want 0x%02x got 0x%02x; ",
                   (unsigned)vik_f32_bits(f32_at(&input, i)),
                   (double)f32_at(&input, i), want[i], got[i]);
    snprintf(desc, sizeof desc, "%s: all %zu inputs byte-equal", e->name, input.count);
    check_msg(got && bad == 0, desc, "%zu mismatches: %s", bad, det);
    free(got);
    npy_free(&ref);
}

/* PyTorch's cast is the non-saturating one. It must equal ours except, for
   E5M2 only, at NaN inputs, where torch writes sign|0x7F and ml_dtypes (and
   we) sign|0x7E. Prints how many entries differ. */
static void check_torch(const char *name, uint8_t (*enc)(float, int), int nan_differs)
{
    npy_array ref;
    char desc[200], det[512] = "";
    const uint8_t *t;
    uint8_t *ours;
    size_t i, diff = 0, unexplained = 0, nans = 0;
    if (!load_ref(name, NPY_U8, input.count, &ref))
        return;
    t = ref.data;
    ours = encode_all(enc, VIK_NONSAT);
    for (i = 0; ours && i < input.count; i++) {
        float x = f32_at(&input, i);
        int nan = x != x;
        nans += nan;
        int expected_diff = nan_differs && nan && (ours[i] & 0x7F) == 0x7E &&
                            t[i] == (ours[i] | 1);
        if (t[i] == ours[i] && !(nan_differs && nan))
            continue;
        diff += t[i] != ours[i];
        if (!expected_diff && unexplained++ < SHOW)
            append(det, sizeof det, "x=0x%08x torch 0x%02x ours 0x%02x; ",
                   (unsigned)vik_f32_bits(x), t[i], ours[i]);
    }
    snprintf(desc, sizeof desc, "%s: %zu entries differ from ours, %s", name, diff,
             nan_differs ? "all and only at NaN inputs (torch 0x7F/0xFF, ours 0x7E/0xFE)"
                         : "none expected");
    /* the NaN exception must actually be exercised */
    check_msg(ours && unexplained == 0 && (!nan_differs || nans > 0), desc,
              "%zu unexplained, %zu NaN inputs: %s", unexplained, nans, det);
    free(ours);
    npy_free(&ref);
}

static void test_kernels(void)
{
    size_t i;
    for (i = 0; i < COUNT(DECODERS); i++)
        check_decoder(&DECODERS[i]);
    for (i = 0; i < COUNT(ENCODERS); i++)
        check_encoder(&ENCODERS[i]);
    check_torch("e4m3_encode_torch.npy", vik_e4m3_encode, 0);
    check_torch("e5m2_encode_torch.npy", vik_e5m2_encode, 1);
}

/* ---- (b) vik-ref ---- */

/* Every reference vik-ref should produce (all but the input and torch's)
   must be in out. Returns how many are missing; lists them in det. */
static int missing_outputs(const char *out, char *det, size_t cap, int *expected)
{
    DIR *d = opendir(DATA);
    struct dirent *e;
    int missing = 0;
    *expected = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char o[512];
        struct stat st;
        size_t L = strlen(e->d_name);
        if (L < 4 || strcmp(e->d_name + L - 4, ".npy") != 0 ||
            strcmp(e->d_name, "encode_input.npy") == 0 || strstr(e->d_name, "_torch"))
            continue;
        (*expected)++;
        snprintf(o, sizeof o, "%s/%s", out, e->d_name);
        if (stat(o, &st) != 0) {
            missing++;
            append(det, cap, "%s ", e->d_name);
        }
    }
    closedir(d);
    return missing;
}

static void test_vikref_good(void)
{
    char out[256], log[256], det[1024] = "";
    int rc, n, missing, expected = 0, lines;
    tpath(out, sizeof out, "out/formats");     /* two missing levels: mkdir -p */
    tpath(log, sizeof log, "stdout.log");
    rc = run_vikref(DATA, out);
    check_msg(rc == 0, "vik-ref on tests/data/formats exits 0", "exit %d (%s)", rc,
              vikref());
    n = compare_outputs(out, DATA, "");
    missing = missing_outputs(out, det, sizeof det, &expected);
    check_msg(missing == 0 && expected > 0 && n == expected,
              "vik-ref wrote every reference output and nothing else",
              "%d files written, %d expected, missing: %s", n, expected, det);
    lines = count_lines(log, "wrote ");
    check_msg(lines == n, "vik-ref printed one line per file written",
              "%d lines for %d files", lines, n);
}

/* A case dir holding encode_input.npy of the given dtype/shape. */
static void make_case(const char *name, int dtype, int ndim, const size_t *shape)
{
    char d[256], p[300], err[512];
    static const double zeros[8] = {0};
    tpath(d, sizeof d, name);
    mkdir(d, 0777);
    snprintf(p, sizeof p, "%s/encode_input.npy", d);
    if (npy_write(p, dtype, ndim, shape, zeros, err, sizeof err) != NPY_OK)
        check_msg(0, "write a bad case", "%s", err);
}

static void test_vikref_bad(void)
{
    char c[256], o[256], p[300], q[400];
    size_t s4[1] = {4}, s23[2] = {2, 3};
    unsigned char *in;
    size_t n = 0;
    FILE *f;
    tpath(o, sizeof o, "badout");
    tpath(c, sizeof c, "no-such-case");
    expect_fail("vik-ref on a missing case dir exits 2, creates nothing", c, o, -1, c);
    tpath(c, sizeof c, "empty-case");
    mkdir(c, 0777);
    expect_fail("vik-ref on a case dir of no known kind exits 2, creates nothing",
                c, o, -1, c);
    make_case("u8-case", NPY_U8, 1, s4);
    tpath(c, sizeof c, "u8-case");
    expect_fail("vik-ref on a uint8 encode_input exits 2 naming it, creates nothing",
                c, o, -1, "encode_input.npy");
    make_case("2d-case", NPY_F32, 2, s23);
    tpath(c, sizeof c, "2d-case");
    expect_fail("vik-ref on a 2-D encode_input exits 2 naming it, creates nothing",
                c, o, -1, "encode_input.npy");
    mkdir(o, 0777);
    expect_fail("vik-ref with a bad input leaves an existing out dir empty", c, o, 0,
                "encode_input.npy");
    rmdir(o);

    /* a truncated copy of the real input */
    tpath(c, sizeof c, "trunc-case");
    mkdir(c, 0777);
    snprintf(p, sizeof p, "%s/encode_input.npy", c);
    in = slurp(DATA "/encode_input.npy", &n);
    if (in && (f = fopen(p, "wb")) != NULL) {
        fwrite(in, 1, n / 2, f);
        fclose(f);
    }
    free(in);
    expect_fail("vik-ref on a truncated encode_input exits 2 naming it, creates nothing",
                c, o, -1, "encode_input.npy");

    /* The last output cannot be staged (a directory occupies its temporary
       name, see out_put in harness/vik_ref.c): the outputs staged before it
       must be removed, none renamed into place. */
    mkdir(o, 0777);
    snprintf(q, sizeof q, "%s/.e2m1_encode_sat.npy.tmp", o);
    mkdir(q, 0777);
    expect_fail("vik-ref failing on its last output leaves no output file",
                DATA, o, 1, "e2m1_encode_sat.npy");
    rm_tree(o);

    /* out dir cannot be created: a regular file is in the way */
    tpath(p, sizeof p, "a-file");
    f = fopen(p, "w");
    if (f)
        fclose(f);
    snprintf(q, sizeof q, "%s/sub", p);
    expect_fail("vik-ref with an uncreatable out dir exits 2", DATA, q, -1, NULL);
    expect_fail("vik-ref with one argument exits 2 (usage)", DATA, NULL, -1, NULL);
}

int main(void)
{
    char err[512];
    int rc = npy_read(DATA "/encode_input.npy", &input, err, sizeof err);
    if (check_msg(rc == NPY_OK && input.dtype == NPY_F32 && input.ndim == 1 &&
                  input.count > 0, "load " DATA "/encode_input.npy (float32[N])",
                  "%s", rc ? err : "wrong dtype or shape"))
        test_kernels();
    if (!tmpdir_make("ref")) {
        check(0, "create a temporary directory");
        return check_done();
    }
    test_vikref_good();
    test_vikref_bad();
    rm_tree(tmpdir);
    npy_free(&input);
    return check_done();
}
