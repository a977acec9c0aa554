/* Threads that split the output rows of a matrix product (POSIX threads;
   the harness's, not the kernels': the kernels stay single-threaded C99 and
   only promise that a row range computes the bits of the whole call).

   vik_par_rows(P, fn, arg, m, work) runs fn(arg, o0, o1) over [0, m) cut in
   one contiguous range per thread (the calling thread takes the first) and
   returns when every range is done; work below P's threshold runs in the
   calling thread as fn(arg, 0, m). Ranges are disjoint and their union is
   [0, m), so with the kernels' row-range contract the result is the same
   bits for any number of threads and any threshold.

   Idle workers spin a short while (a forward pass dispatches products every
   few microseconds), then sleep on a condition variable. One dispatcher at
   a time: a vik_par is not shared between concurrent forward passes. */
#ifndef VIK_PAR_H
#define VIK_PAR_H
#include <stdint.h>

#define VIK_PAR_MAX 64u                /* most threads */
#define VIK_PAR_MIN_WORK 32768u        /* default threshold: multiply-adds of one product */

typedef void (*vik_rows_fn)(void *arg, uint32_t o0, uint32_t o1);
typedef struct vik_par vik_par;

/* nthreads in [2, VIK_PAR_MAX] threads in all (nthreads - 1 workers);
   NULL if threads cannot be started or nthreads is out of range (callers
   then run single-threaded). */
vik_par *vik_par_start(unsigned nthreads);

/* The threshold below which a product runs in the calling thread
   (0: always split; tests use it to exercise the split on small models). */
void vik_par_min_work(vik_par *P, uint64_t work);

unsigned vik_par_threads(const vik_par *P);

void vik_par_rows(vik_par *P, vik_rows_fn fn, void *arg, uint32_t m, uint64_t work);

/* Stop and join the workers, free P (NULL: nothing). */
void vik_par_stop(vik_par *P);

#endif
