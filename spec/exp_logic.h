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

/*@ // the scaling helpers' values, exactly: 2^-l (l <= 3), 2^(-4 h) (h <= 3),
    // 2^(-16 b) (b <= 9); by cases, so that a prover evaluates them on a path
    logic real EXP_S1(integer l) = l == 0 ? 1.0 : l == 1 ? 0x1p-1 : l == 2 ? 0x1p-2 : 0x1p-3;
    logic real EXP_S4(integer h) = h == 0 ? 1.0 : h == 1 ? 0x1p-4 : h == 2 ? 0x1p-8 : 0x1p-12;
    logic real EXP_S16(integer b) =
      b == 0 ? 1.0 : b == 1 ? 0x1p-16 : b == 2 ? 0x1p-32 : b == 3 ? 0x1p-48 :
      b == 4 ? 0x1p-64 : b == 5 ? 0x1p-80 : b == 6 ? 0x1p-96 : b == 7 ? 0x1p-112 :
      b == 8 ? 0x1p-128 : 0x1p-144;
*/

/* Facts about the real exponential that no prover WP drives can show (Why3's
   ExpLog fixes no value of exp): each is proved in Coq by
   proofs/coq/exp_acc.v, stated there with the same definitions, and checked by
   make prove (coqc), which writes them into the ledger as "Coq". They are
   seen only by the run of exp_join and exp_tiny (nn.c, -DVIK_EXP_FACTS), and
   never by WP's lemma run, which cannot prove them. */
/*@ // what exp_neg's helpers prove of the reduced argument r, the polynomial's
    // value p and the scaled values s and e (nn.c: exp_r, exp_poly, exp_shift,
    // exp_mul), for the argument c and the integer m; one name, so that the
    // lemma below is instantiated by its one premise
    predicate exp_steps(real c, integer m, real r, real p, real s, real e) =
      -104 <= c <= 0 && 0 <= m <= 151 && \abs(r) <= 0.35 &&
      \abs(rsub(r, EXP_RED(c, m))) <= 0x1p-24 &&
      \abs(rsub(p, EXP_P(r))) <= 0x1.8p-24 &&
      \abs(rsub(s, rmul(rmul(p, EXP_S1(m % 4)), EXP_S4((m % 16) / 4)))) <=
        0x1.1p-23 * rmul(rmul(p, EXP_S1(m % 4)), EXP_S4((m % 16) / 4)) &&
      \abs(e - s * EXP_S16(m / 16)) <= 0x1p-24 * (s * EXP_S16(m / 16)) + 0x1p-150;
*/
#ifdef VIK_EXP_FACTS
/*@ // the composition: the helpers' errors give exp's relative error
    lemma exp_acc: \forall real c, r, p, s, e, integer m;
      exp_steps(c, m, r, p, s, e) ==> \abs(e - \exp(c)) <= 0x1p-21 * \exp(c) + 0x1p-150;
    // below -104 the code returns 0
    lemma exp_tail: \forall real x; x <= -104 ==> \exp(x) <= 0x1p-150;
    // the clamp at 1
    lemma exp_le1: \forall real x; x <= 0 ==> \exp(x) <= 1;
*/
#endif
#endif
