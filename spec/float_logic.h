/* ACSL logic for float rounding proofs. Logic only, no C code. */
#ifndef VIK_FLOAT_LOGIC_H
#define VIK_FLOAT_LOGIC_H
/*@ axiomatic GappaHelp {
      // x - y on reals: a declaration with no axiom, realised as x - y by the
      // Why3 theory proofs/wp/gappahelp.mlw (driver proofs/wp/rsub.driver); it only
      // keeps WP's simplifier from rewriting round(e) - e, which Gappa bounds
      logic real rsub(real x, real y);
    }
*/
#endif
