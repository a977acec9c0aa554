/* Threads splitting output rows (see par.h). Synchronisation: a generation
   counter the dispatcher bumps for each job, a count of finished workers it
   waits for; both through the GCC/clang __atomic builtins (C99 has no
   atomics). A worker that found no job for SPINS polls sleeps on the
   condition variable; the sleepers count tells the dispatcher to wake it
   (both sides use sequentially consistent operations, so either the worker
   sees the new generation or the dispatcher sees it asleep). */
#define _POSIX_C_SOURCE 200809L
#include "par.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#define SPINS 200000u   /* polls before sleeping: ~0.1-1 ms */

typedef struct {
  vik_par *P;
  unsigned i;           /* this worker's range: the i-th of n */
} slot;

struct vik_par {
  unsigned n;           /* threads, the caller included */
  uint64_t min_work;
  pthread_t th[VIK_PAR_MAX];
  slot sl[VIK_PAR_MAX];
  pthread_mutex_t mu;
  pthread_cond_t cv;
  unsigned gen, done, sleepers, stop;   /* accessed with __atomic builtins only */
  vik_rows_fn fn;       /* the job: written before gen is bumped */
  void *arg;
  uint32_t m;
};

/* Range i of n over [0, m): floor(m i / n) .. floor(m (i + 1) / n). */
static uint32_t cut(uint32_t m, unsigned i, unsigned n) { return (uint32_t)((uint64_t)m * i / n); }

/* Wait for a generation other than seen; returns it. */
static unsigned next_job(vik_par *P, unsigned seen) {
  unsigned g, spins = 0u;
  while ((g = __atomic_load_n(&P->gen, __ATOMIC_ACQUIRE)) == seen) {
    if (++spins < SPINS) continue;
    pthread_mutex_lock(&P->mu);
    __atomic_add_fetch(&P->sleepers, 1u, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&P->gen, __ATOMIC_SEQ_CST) == seen) pthread_cond_wait(&P->cv, &P->mu);
    __atomic_sub_fetch(&P->sleepers, 1u, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&P->mu);
    spins = 0u;
  }
  return g;
}

static void *worker(void *a) {
  const slot *s = a;
  vik_par *P = s->P;
  unsigned seen = 0u;
  for (;;) {
    uint32_t o0, o1;
    seen = next_job(P, seen);
    if (__atomic_load_n(&P->stop, __ATOMIC_ACQUIRE)) return NULL;
    o0 = cut(P->m, s->i, P->n);
    o1 = cut(P->m, s->i + 1u, P->n);
    if (o0 < o1) P->fn(P->arg, o0, o1);
    __atomic_add_fetch(&P->done, 1u, __ATOMIC_RELEASE);
  }
}

/* Publish the current job (or the stop) to the workers. */
static void bump(vik_par *P) {
  __atomic_add_fetch(&P->gen, 1u, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&P->sleepers, __ATOMIC_SEQ_CST) != 0u) {
    pthread_mutex_lock(&P->mu);
    pthread_cond_broadcast(&P->cv);
    pthread_mutex_unlock(&P->mu);
  }
}

vik_par *vik_par_start(unsigned nthreads) {
  vik_par *P;
  unsigned i;
  if (nthreads < 2u || nthreads > VIK_PAR_MAX) return NULL;
  P = calloc(1, sizeof *P);
  if (!P) return NULL;
  P->n = nthreads;
  P->min_work = VIK_PAR_MIN_WORK;
  if (pthread_mutex_init(&P->mu, NULL) != 0) {
    free(P);
    return NULL;
  }
  if (pthread_cond_init(&P->cv, NULL) != 0) {
    pthread_mutex_destroy(&P->mu);
    free(P);
    return NULL;
  }
  for (i = 1u; i < nthreads; i++) {
    P->sl[i].P = P;
    P->sl[i].i = i;
    if (pthread_create(&P->th[i], NULL, worker, &P->sl[i]) != 0) {
      P->n = i;                 /* join the i - 1 started, then give up */
      vik_par_stop(P);
      return NULL;
    }
  }
  return P;
}

void vik_par_min_work(vik_par *P, uint64_t work) {
  if (P) P->min_work = work;
}

unsigned vik_par_threads(const vik_par *P) { return P ? P->n : 1u; }

void vik_par_rows(vik_par *P, vik_rows_fn fn, void *arg, uint32_t m, uint64_t work) {
  unsigned spins = 0u;
  if (!P || work < P->min_work || m < 2u) {
    fn(arg, 0u, m);
    return;
  }
  P->fn = fn;
  P->arg = arg;
  P->m = m;
  __atomic_store_n(&P->done, 0u, __ATOMIC_RELAXED);
  bump(P);
  fn(arg, 0u, cut(m, 1u, P->n));
  /* the workers' ranges take about as long as ours; yield now and then in
     case they share a core with something else */
  while (__atomic_load_n(&P->done, __ATOMIC_ACQUIRE) != P->n - 1u)
    if ((++spins & 1023u) == 0u) sched_yield();
}

void vik_par_stop(vik_par *P) {
  unsigned i;
  if (!P) return;
  __atomic_store_n(&P->stop, 1u, __ATOMIC_RELEASE);
  bump(P);
  for (i = 1u; i < P->n; i++) pthread_join(P->th[i], NULL);
  pthread_cond_destroy(&P->cv);
  pthread_mutex_destroy(&P->mu);
  free(P);
}
