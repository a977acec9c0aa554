/* Threads splitting output rows (harness/par.c) and the forward pass on them:
   (a) vik_par_rows calls fn on disjoint ranges whose union is [0, m), for
       m from 0 to past the thread count, 2, 3 and 5 threads, many times in a
       row (a lost wake-up or a miscounted completion shows as a hang or a
       missed row); below the threshold, one call fn(0, m) in the caller;
   (b) vik_par_start refuses 0, 1 and VIK_PAR_MAX + 1 threads;
   (c) the reference models' prefill logits of every prompt, and 8 decoded
       steps after it, are the same bits with every product split over 2 and
       3 threads (threshold 0) as with one thread. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "model.h"
#include "model_load.h"
#include "npy.h"
#include "par.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MMAX 1000u

typedef struct {
  unsigned hits[MMAX];          /* per index: how many calls covered it */
  unsigned calls;               /* accessed with __atomic builtins */
  pthread_t caller;
  unsigned in_caller;           /* calls made in the dispatching thread */
} cover;

static void mark(void *a, uint32_t o0, uint32_t o1) {
  cover *c = a;
  uint32_t o;
  for (o = o0; o < o1; o++) c->hits[o]++;      /* ranges are disjoint: no race */
  __atomic_add_fetch(&c->calls, 1u, __ATOMIC_RELAXED);
  if (pthread_equal(pthread_self(), c->caller)) __atomic_add_fetch(&c->in_caller, 1u, __ATOMIC_RELAXED);
}

static void test_cover(unsigned n) {
  static const uint32_t ms[] = {0u, 1u, 2u, 3u, 4u, 5u, 7u, 64u, 129u, 1000u};
  vik_par *P = vik_par_start(n);
  unsigned k, r, bad = 0u;
  char det[160] = "";
  cover c;
  check_msg(P != NULL && vik_par_threads(P) == n, "vik_par_start starts the threads", "%u threads", n);
  if (!P) return;
  vik_par_min_work(P, 0);
  for (r = 0u; r < 300u; r++)
    for (k = 0u; k < sizeof ms / sizeof ms[0]; k++) {
      uint32_t m = ms[k], o;
      memset(&c, 0, sizeof c);
      c.caller = pthread_self();
      vik_par_rows(P, mark, &c, m, 1u);
      for (o = 0u; o < m; o++)
        if (c.hits[o] != 1u && bad++ == 0u)
          snprintf(det, sizeof det, "m %u: row %u covered %u times", m, o, c.hits[o]);
    }
  check_msg(bad == 0u, "vik_par_rows covers every row exactly once (m 0..1000, 3000 jobs)", "%u threads: %s", n, det);
  /* below the threshold: one call, in the caller, over everything */
  vik_par_min_work(P, 100);
  memset(&c, 0, sizeof c);
  c.caller = pthread_self();
  vik_par_rows(P, mark, &c, 64u, 99u);
  check_msg(c.calls == 1u && c.in_caller == 1u && c.hits[0] == 1u && c.hits[63] == 1u,
            "vik_par_rows below the threshold: one call in the caller", "%u threads: %u calls, %u in caller", n,
            c.calls, c.in_caller);
  vik_par_stop(P);
}

static void test_refuse(void) {
  check(vik_par_start(0) == NULL && vik_par_start(1) == NULL && vik_par_start(VIK_PAR_MAX + 1u) == NULL,
        "vik_par_start refuses 0, 1 and VIK_PAR_MAX + 1 threads");
  check(vik_par_threads(NULL) == 1u, "vik_par_threads(NULL) is 1");
  vik_par_stop(NULL);
}

/* prefill of prompt j then 8 greedy decode steps; all logits into out */
static int run_prompt(vik_loaded *L, float *fa, uint32_t *fu, const npy_array *ids, float *out, size_t *nout) {
  uint32_t T = (uint32_t)ids->count, V = L->m.cfg.vocab, t;
  uint32_t *tok = malloc(sizeof *tok * (T + 9u));
  int rc;
  if (!tok) return -1;
  for (t = 0; t < T; t++) tok[t] = (uint32_t)((const int32_t *)ids->data)[t];
  vik_model_reset(&L->m, &L->plan, fa);
  rc = vik_forward(&L->m, &L->plan, fa, fu, tok, T, 0, out, 1);
  *nout = (size_t)T * V;
  for (t = T; rc == VIK_OK && t < T + 8u; t++) {
    tok[t] = vik_argmax(out + *nout - V, V);
    rc = vik_forward(&L->m, &L->plan, fa, fu, tok + t, 1, t, out + *nout, 0);
    *nout += V;
  }
  free(tok);
  return rc;
}

static void test_model(const char *model) {
  char dir[256], name[300], err[1024];
  npy_array ids[4];
  vik_loaded L;
  unsigned np = 0, j, n;
  uint32_t tmax = 1;
  void *arena = NULL;
  float *fa = NULL, *a = NULL, *b = NULL;
  uint32_t *fu = NULL;
  snprintf(dir, sizeof dir, "tests/data/models/%s", model);
  memset(ids, 0, sizeof ids);
  for (j = 0; j < 4; j++) {
    snprintf(name, sizeof name, "%s/prompt%u_ids.npy", dir, j);
    if (npy_read(name, &ids[j], NULL, 0) != NPY_OK || ids[j].dtype != NPY_I32) break;
    np = j + 1;
    if (ids[j].count > tmax) tmax = (uint32_t)ids[j].count;
  }
  if (!check_msg(np > 0 && vik_load(dir, tmax + 9u, tmax, &L, err, sizeof err) == VIK_LOAD_OK,
                 "threads: model loads", "%s: %u prompts; %s", model, np, err))
    return;
  arena = vik_arena_alloc(&L.plan, &fa, &fu);
  a = malloc(sizeof *a * ((size_t)tmax + 8u) * L.m.cfg.vocab);
  b = malloc(sizeof *b * ((size_t)tmax + 8u) * L.m.cfg.vocab);
  if (check(arena && a && b, "threads: buffers"))
    for (n = 2; n <= 3; n++) {
      unsigned same = 0;
      for (j = 0; j < np; j++) {
        size_t na = 0, nb = 0;
        int ra, rb;
        L.m.par = NULL;
        ra = run_prompt(&L, fa, fu, &ids[j], a, &na);
        L.m.par = vik_par_start(n);
        vik_par_min_work(L.m.par, 0);
        rb = L.m.par ? run_prompt(&L, fa, fu, &ids[j], b, &nb) : -1;
        vik_par_stop(L.m.par);
        L.m.par = NULL;
        same += ra == VIK_OK && rb == VIK_OK && na == nb && memcmp(a, b, na * sizeof *a) == 0;
      }
      check_msg(same == np, "threads: prefill + 8 decode steps, every product split, same bits as 1 thread",
                "%s, %u threads: %u of %u prompts equal", model, n, same, np);
    }
  free(a);
  free(b);
  vik_arena_free(arena);
  for (j = 0; j < 4; j++) npy_free(&ids[j]);
  vik_unload(&L);
}

int main(void) {
  test_refuse();
  test_cover(2);
  test_cover(3);
  test_cover(5);
  test_model("llama-tiny-random");
  test_model("moe-bytes");
  test_model("moe-bytes-mxfp4");
  return check_done();
}
