/* ACSL logic of the exp (kernels/nn.c's exp_neg). Logic only, no C code.
   Macros rather than logic functions: Gappa matches a rounded operation only
   against the same real expression in the same order, so the expressions are
   written with radd/rmul (spec/float_logic.h), which WP's simplifier leaves
   in the code's order. */
#ifndef VIK_EXP_LOGIC_H
#define VIK_EXP_LOGIC_H
#include "float_logic.h"

/* the code's float constants, as exact reals: -1/ln2, and ln2 = C1 + C2 and
   a little (C1 + C2 - ln2 = -1.65e-12) */
#define EXP_C  (-0x1.715476p0)
#define EXP_C1 (0x1.63p-1)
#define EXP_C2 (-0x1.bd0106p-13)

/* x + m C1 + m C2 in the order exp_r adds it: the reduced argument, exactly */
#define EXP_RED(x, m) radd(radd((x), rmul((m), EXP_C1)), rmul((m), EXP_C2))

/* exp_poly's polynomial in real arithmetic, in the code's order (Horner):
   1 + r + r^2 (((((c0 r + c1) r + c2) r + c3) r + c4) r + c5), the
   coefficients the float32 values of the code's literals.
   proofs/coq/exp_poly.v proves |EXP_P(r) - e^r| <= 2^-28 e^r for |r| <= 0.35. */
#define EXP_H0(r) radd(rmul(0x1.a0d2cep-13, (r)), 0x1.6e879cp-10)
#define EXP_H1(r) radd(rmul(EXP_H0(r), (r)), 0x1.111210p-7)
#define EXP_H2(r) radd(rmul(EXP_H1(r), (r)), 0x1.555382p-5)
#define EXP_H3(r) radd(rmul(EXP_H2(r), (r)), 0x1.555554p-3)
#define EXP_H4(r) radd(rmul(EXP_H3(r), (r)), 0x1p-1)
#define EXP_P(r) radd(radd(rmul(EXP_H4(r), rmul((r), (r))), (r)), 1.0)
#endif
