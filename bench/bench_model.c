/* Whole-model speed on the default model (models/moe-bytes-mxfp4: Mixtral,
   4 layers, d = 128, 8 MXFP4 experts, top-2, byte vocabulary), 1 and 2
   threads (every matrix product split by output rows, harness/par.h, at
   its default threshold; the bench checks that 2 threads give the 1-thread
   logits bit for bit): prefill tokens/s (one forward call on a 256-byte Python prompt,
   from an empty cache) and decode tokens/s (256 greedy tokens after it, one
   call each), best of 5 runs; also the float32 model (moe-bytes) from
   tests/data when present, and the process's peak RSS (getrusage
   ru_maxrss). `make bench` builds it with BENCHFLAGS (-O3 -march=native
   -ffp-contract=off, no fast-math). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench.h"
#include "model.h"
#include "model_load.h"
#include "par.h"

#define RUNS 5
#define NGEN 256u

static const char PROMPT[] =
    "import os\nimport sys\n\n\nclass Parser:\n    \"\"\"A small parser.\"\"\"\n\n    def __init__(self, "
    "text, strict=False):\n        self.text = text\n        self.pos = 0\n        self.strict = strict\n\n    "
    "def peek(self):\n        if self.pos < len(self.text):\n            return self.text[self.pos]\n        "
    "return None\n\n    def next(self):\n        c = self.peek()\n";

static int bench(const char *dir, const char *label, unsigned nthreads, float *ref)
{
    char err[1024];
    vik_loaded L;
    uint32_t T = (uint32_t)strlen(PROMPT), ctx = T + NGEN, t, r, V;
    uint32_t *tok, *fu;
    float *fa, *lg;
    void *arena;
    double best_p = 1e30, best_d = 1e30;
    int rc = vik_load(dir, ctx, T, &L, err, sizeof err);
    if (rc != VIK_LOAD_OK) {
        fprintf(stderr, "bench_model: %s\n", err);
        return 1;
    }
    V = L.m.cfg.vocab;
    if (V > 256) {
        fprintf(stderr, "bench_model: %s: vocabulary %u, not a byte-level model\n", dir, V);
        return 1;
    }
    if (nthreads > 1 && !(L.m.par = vik_par_start(nthreads))) {
        fprintf(stderr, "bench_model: cannot start %u threads\n", nthreads);
        return 1;
    }
    arena = vik_arena_alloc(&L.plan, &fa, &fu);
    tok = malloc(sizeof *tok * (ctx + 1));
    lg = malloc(sizeof *lg * V);
    if (!arena || !tok || !lg) {
        fprintf(stderr, "bench_model: out of memory\n");
        return 1;
    }
    for (t = 0; t < T; t++)
        tok[t] = (unsigned char)PROMPT[t];
    for (r = 0; r < RUNS; r++) {
        double t0, t1, t2;
        vik_model_reset(&L.m, &L.plan, fa);
        t0 = now();
        rc = vik_forward(&L.m, &L.plan, fa, fu, tok, T, 0, lg, 0);
        t1 = now();
        for (t = T; rc == VIK_OK && t < ctx; t++) {
            tok[t] = vik_argmax(lg, V);
            rc = vik_forward(&L.m, &L.plan, fa, fu, tok + t, 1, t, lg, 0);
        }
        t2 = now();
        if (rc != VIK_OK) {
            fprintf(stderr, "bench_model: %s\n", vik_model_strerror(rc));
            return 1;
        }
        /* the last logits of the run: 1 thread's are the reference */
        if (nthreads == 1)
            memcpy(ref, lg, sizeof *lg * V);
        else if (memcmp(ref, lg, sizeof *lg * V) != 0) {
            fprintf(stderr, "bench_model: %s: %u threads' logits differ from 1 thread's\n", label, nthreads);
            return 1;
        }
        if (t1 - t0 < best_p)
            best_p = t1 - t0;
        if (t2 - t1 < best_d)
            best_d = t2 - t1;
    }
    printf("%-34s prefill %4u tokens: %8.0f tok/s   decode %u tokens: %7.0f tok/s  (%u thread%s, best of %d)\n",
           label, T, T / best_p, NGEN, NGEN / best_d, nthreads, nthreads > 1 ? "s, same bits" : "", RUNS);
    vik_par_stop(L.m.par);
    vik_arena_free(arena);
    free(tok);
    free(lg);
    vik_unload(&L);
    return 0;
}

int main(void)
{
    struct rusage ru;
    static float ref[256];   /* the byte-level models' vocabulary */
    int rc = 0;
    unsigned n;
    for (n = 1; rc == 0 && n <= 2; n++)
        rc = bench("models/moe-bytes-mxfp4", "moe-bytes-mxfp4 (default, MXFP4)", n, ref);
    for (n = 1; rc == 0 && n <= 2; n++)
        rc = bench("tests/data/models/moe-bytes", "moe-bytes (float32 experts)", n, ref);
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        printf("peak RSS: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
    return rc;
}
