/* ACSL logic for float rounding proofs. Logic only, no C code. */
#ifndef VIK_FLOAT_LOGIC_H
#define VIK_FLOAT_LOGIC_H
/*@ axiomatic GappaHelp {
      // x - y on reals: a declaration with no axiom, realised as x - y by the
      // Why3 theory proofs/wp/gappahelp.mlw (driver proofs/wp/rsub.driver); it only
      // keeps WP's simplifier from rewriting round(e) - e, which Gappa bounds
      logic real rsub(real x, real y);
      // x + y and x * y on reals, the same way: Gappa matches round(e) - e
      // only when e is written in the rounded operation's order, and Qed
      // would put a constant first (0.5 + t for the code's t + 0.5f)
      logic real radd(real x, real y);
      logic real rmul(real x, real y);
    }
    axiomatic F32Add {
      // C's float a + b, IEEE binary32 rounded to nearest even: a declaration
      // with no axiom, bound by proofs/wp/rsub.driver to Cfloat's add_f32,
      // the very function WP gives a C float addition; so a contract can name
      // the value the code computes (moe.h's ds_sel) without restating IEEE
      // rounding in ACSL. The block holds no axiom (ACSL requires a body-less
      // logic function to sit in an axiomatic): it assumes nothing, so it
      // cannot make the logic inconsistent; the driver's binding is its only
      // meaning, and that is WP's model of C's float +
      logic float f32_add(float a, float b);
    }
*/
#endif
