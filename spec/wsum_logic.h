/* ACSL logic of the routers' weight sums: w[0] + .. + w[n-1] over the reals.
   Logic only, no C code. Included by moe.h. */
#ifndef VIK_WSUM_LOGIC_H
#define VIK_WSUM_LOGIC_H
#ifndef VIK_WSUM_OPAQUE
/*@ // w[0] + .. + w[n-1], over the reals
    logic real wsum{L}(float *w, integer n) = n <= 0 ? 0.0 : wsum(w, n - 1) + w[n - 1];
*/
#else
/* The same function without its definition: with the recursive definition
   in a goal's context, Z3 unfolds it without end (out of memory on goals as
   small as j wsum <= 32 wsum). The runs that prove the sums' bounds
   (proofs/prove.sh, -DVIK_WSUM_OPAQUE) know of it only what the contracts
   of moe.c's ghost lemmas wsum_zero and wsum_next say, and another run
   proves those from the definition; so what they prove holds for the
   defined wsum. (The reads clause: without it WP would take the function
   to read no memory.) The block holds no axiom, only the declaration (ACSL
   puts a body-less logic function in an axiomatic): it assumes nothing, so
   it cannot make the logic inconsistent; the defined wsum above is one model
   of it. */
/*@ axiomatic WSumOpaque {
      logic real wsum{L}(float *w, integer n) reads w[0 .. n - 1];
    }
*/
#endif
#endif
