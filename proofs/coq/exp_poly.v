(* vik's exp polynomial (kernels/nn.c, exp_poly): its method error.

   exp_poly evaluates 1 + r + r^2 (((((c0 r + c1) r + c2) r + c3) r + c4) r + c5)
   with Cephes expf's coefficients rounded to float32; c0 .. c5 below are
   those float32 values as exact rationals (5.0000001201E-1 rounds to 1/2).
   Over the reals, on the reduced range |r| <= 0.35 (Cody-Waite leaves
   |r| <= ln2 / 2 + a few ulp), the polynomial is within 2^-28 of e^r,
   relative: the measured maximum is 2.69e-9 = 0.045 u (u = 2^-24), at
   r = -0.3197, so 2^-28 = 3.73e-9 holds and 2^-29 does not.

   Checked with coqc 8.16.1 and Coq Interval 4.6.1 (Debian coq,
   libcoq-interval): coqc proofs/coq/exp_poly.v, about 1 s. Mutants: the
   bound 2^-29, or c4 one ulp off, fail ("Numerical evaluation failed").

   This is the first piece of exp's accuracy proof (issue 4); the rounding
   of the float evaluation, the reduction and the scaling by 2^-k are WP's
   part, not yet done (verified/NOTES.md, "Plan: exp's accuracy"). *)
From Coq Require Import Reals Lra.
From Interval Require Import Tactic.
Open Scope R_scope.

Definition c0 := 13658471 / 68719476736.   (* 0x1.a0d2cep-13 *)
Definition c1 := 6005223 / 4294967296.     (* 0x1.6e879cp-10 *)
Definition c2 := 1118497 / 134217728.      (* 0x1.111210p-7 *)
Definition c3 := 11184577 / 268435456.     (* 0x1.555382p-5 *)
Definition c4 := 5592405 / 33554432.       (* 0x1.555554p-3 *)
Definition c5 := 1 / 2.

Definition P (r : R) :=
  1 + r + r * r * (((((c0 * r + c1) * r + c2) * r + c3) * r + c4) * r + c5).

(* the ratio form, which Interval's Taylor models bound directly *)
Lemma exp_poly_ratio :
  forall r, -0.35 <= r <= 0.35 -> Rabs (P r / exp r - 1) <= / 268435456.
Proof.
  intros r Hr. unfold P, c0, c1, c2, c3, c4, c5.
  interval with (i_bisect r, i_taylor r, i_degree 10, i_prec 80).
Qed.

(* the form a contract states: |P(r) - e^r| <= 2^-28 e^r *)
Lemma exp_poly_rel :
  forall r, -0.35 <= r <= 0.35 -> Rabs (P r - exp r) <= / 268435456 * exp r.
Proof.
  intros r Hr.
  assert (He : 0 < exp r) by apply exp_pos.
  replace (P r - exp r) with ((P r / exp r - 1) * exp r) by (field; lra).
  rewrite Rabs_mult, (Rabs_pos_eq (exp r)) by lra.
  apply Rmult_le_compat_r; [lra | apply exp_poly_ratio; exact Hr].
Qed.
