(* The facts about the real exponential that exp's accuracy proof needs
   beside the polynomial's (exp_poly.v), and that no prover WP drives can
   show: Why3's ExpLog fixes no value of exp or log. Each is stated as the
   ACSL lemma it is meant to back (verified/NOTES.md, "Plan: exp's
   accuracy"), with L = \log(2). Checked with coqc 8.16.1 and Coq Interval
   4.6.1, about 1 s. *)
From Coq Require Import Reals Lra.
From Interval Require Import Tactic.
Open Scope R_scope.

(* L to 1e-16: 0.69314718055994530941... *)
Lemma ln2_bounds : 0.6931471805599453 <= ln 2 <= 0.6931471805599454.
Proof. split; interval with (i_prec 80). Qed.

(* e^d - 1 for the reduction's error d: |r - (x + m L)| <= 2^-24 + 151 |C1 + C2 - L| < 2^-23 *)
Lemma exp_near1 :
  forall d, -/8388608 <= d <= /8388608 -> Rabs (exp d - 1) <= /8388608 + /35184372088832.
Proof. intros d Hd. interval with (i_prec 80). Qed.

(* below -104 the code returns 0: e^x there is under 2^-150 *)
Lemma exp_tail : forall x, x <= -104 -> exp x <= / 2 ^ 150.
Proof.
  intros x Hx.
  apply Rle_trans with (exp (-104)).
  - destruct (Req_dec x (-104)) as [->|Hne]; [lra|].
    left. apply exp_increasing. lra.
  - interval with (i_prec 80).
Qed.

(* the clamp at 1: e^x <= 1 for x <= 0 *)
Lemma exp_le1 : forall x, x <= 0 -> exp x <= 1.
Proof.
  intros x Hx. rewrite <- exp_0.
  destruct (Req_dec x 0) as [->|Hne]; [lra|].
  left. apply exp_increasing. lra.
Qed.

(* the scaling: e^(n L) = 2^n *)
Lemma exp_pow2 : forall n : nat, exp (INR n * ln 2) = 2 ^ n.
Proof.
  induction n as [|n IH].
  - simpl. rewrite Rmult_0_l. apply exp_0.
  - rewrite S_INR, Rmult_plus_distr_r, Rmult_1_l, exp_plus, IH, exp_ln by lra.
    simpl. lra.
Qed.
