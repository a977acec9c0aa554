/* ACSL logic of the dot product's error bound: the exact real dot product in
   the natural order, its magnitude, a chunk of at most 16 of its terms, and
   the bounds vik_dot_f32 carries from chunk to chunk. Logic only, no C code.
   Included by linear.h after VIK_U is defined. */
#ifndef VIK_DOT_LOGIC_H
#define VIK_DOT_LOGIC_H
#ifndef VIK_DOT_OPAQUE
/*@
  // dot(a, b, n) = a[0] b[0] + ... + a[n-1] b[n-1], over the reals
  logic real dot{L}(float *a, float *b, integer n) =
    n <= 0 ? 0.0 : dot(a, b, n - 1) + (real)a[n - 1] * (real)b[n - 1];
  // dot_abs(a, b, n) = |a[0] b[0]| + ... + |a[n-1] b[n-1]|
  logic real dot_abs{L}(float *a, float *b, integer n) =
    n <= 0 ? 0.0 : dot_abs(a, b, n - 1) + \abs((real)a[n - 1] * (real)b[n - 1]);
  // vik_dot_f32's bounds after k chunks of magnitude m: the lanes' sum is
  // within dot_eb(k, m) = (k + 1) U m of the exact one, their magnitudes
  // sum to at most dot_mb(k, m) = (1 + (k + 1) U) m (U = VIK_U)
  logic real dot_eb(integer k, real m) = (k * VIK_U + VIK_U) * m;
  logic real dot_mb(integer k, real m) = (1 + k * VIK_U + VIK_U) * m;
*/
#else
/* The same functions with their definitions withheld, for the proof run of
   vik_dot_f32 and chunk_step (proofs/prove.sh, run dotopq): the provers
   unfold the recursive definitions without end, and fail on the products
   of a count and a magnitude beside the 16 lanes' sums (the lemmas grow,
   next_k and grow_tree prove those, with the definitions). What that run
   proves holds for every function of this signature, so for the ones
   defined above; what it knows of them comes only from the contracts of
   dot_zero, dot_part, grow, next_k and grow_tree, which the other run
   proves from the definitions. (Without a reads clause WP would take them
   to read no memory.) */
/*@ axiomatic DotOpaque {
  logic real dot{L}(float *a, float *b, integer n) reads a[0 .. n - 1], b[0 .. n - 1];
  logic real dot_abs{L}(float *a, float *b, integer n) reads a[0 .. n - 1], b[0 .. n - 1];
  logic real dot_eb(integer k, real m);
  logic real dot_mb(integer k, real m);
  }
*/
#endif
/* The chunk of terms o .. o+r-1 (r <= 16), written out with no recursion:
   term j counts when j < r. CS is its exact sum, CA its magnitude. */
#define DOT_T(a, b, o, r, j) ((j) < (r) ? (real)(a)[(o) + (j)] * (real)(b)[(o) + (j)] : 0.0)
#define DOT_M(a, b, o, r, j) ((j) < (r) ? \abs((real)(a)[(o) + (j)] * (real)(b)[(o) + (j)]) : 0.0)
#define DOT_16(F, a, b, o, r) \
  (F(a, b, o, r, 0) + F(a, b, o, r, 1) + F(a, b, o, r, 2) + F(a, b, o, r, 3) + \
   F(a, b, o, r, 4) + F(a, b, o, r, 5) + F(a, b, o, r, 6) + F(a, b, o, r, 7) + \
   F(a, b, o, r, 8) + F(a, b, o, r, 9) + F(a, b, o, r, 10) + F(a, b, o, r, 11) + \
   F(a, b, o, r, 12) + F(a, b, o, r, 13) + F(a, b, o, r, 14) + F(a, b, o, r, 15))
#define CS(a, b, o, r) DOT_16(DOT_T, a, b, o, r)
#define CA(a, b, o, r) DOT_16(DOT_M, a, b, o, r)
/*@
  // the chunk's magnitude as one logic term: the error step multiplies it by
  // a chunk count, a product the provers close only on a single term
  logic real chunk_abs{L}(float *a, float *b, integer o, integer r) = CA(a, b, o, r);
*/
#endif
