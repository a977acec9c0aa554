(* exp's accuracy (issue 4): the ACSL lemma exp_acc that Frama-C/WP assumes,
   proved over the reals, from exp_poly.v's exp_poly_rel and exp_facts.v's
   exp_pow2 (exp_tail and exp_le1, the other two Coq-proved ACSL lemmas, are
   exp_facts.v's).

   Proof: d = r - (c + m L) has |d| <= 2^-24 + 151 |C1 + C2 - L| <= 2^-23;
   k1 = p / e^r is within 2^-28 + (3 / 2^25) / e^-0.35 <= 1.33e-7 of 1;
   k2 = s / (p S1 S4) is within 17 / 2^27 of 1; S1 S4 S16 = 2^-m, so
   s S16 = e^c G with G = e^d k1 k2, and |e - e^c| <= e^c (2^-24 G + |G - 1|)
   + 2^-150 with 2^-24 G + |G - 1| <= 4.39e-7 < 2^-21 = 4.77e-7 (Interval).

   Checked with coqc 8.16.1 and Coq Interval 4.6.1 (make coq, and make prove,
   which counts the lemma in the ledger), about 4 s. Mutants: conclusion 2^-22, or hypothesis |r - EXP_RED| <= 2^-20, fail. *)
From Coq Require Import Reals Lra ZArith Lia.
From Interval Require Import Tactic.
(* exp_poly_rel, P; exp_tail, exp_le1, exp_pow2 (compiled first: make coq) *)
From Vik Require Import exp_poly exp_facts.
Open Scope R_scope.

(* spec/float_logic.h's rsub / radd / rmul: x - y, x + y and x * y *)
Definition rsub (x y : R) := x - y.
Definition radd (x y : R) := x + y.
Definition rmul (x y : R) := x * y.

(* spec/exp_logic.h's constants as exact rationals *)
Definition EXP_C1 := 355 / 512.                        (* 0x1.63p-1 *)
Definition EXP_C2 := - (29163782 / 137438953472).      (* -0x1.bd0106p-13 = -0x1bd0106 / 2^37 *)
Definition EXP_RED (x m : R) := radd (radd x (rmul m EXP_C1)) (rmul m EXP_C2).
Definition EXP_H0 (r : R) := radd (rmul (13658471 / 68719476736) r) (6005223 / 4294967296).
Definition EXP_H1 (r : R) := radd (rmul (EXP_H0 r) r) (1118497 / 134217728).
Definition EXP_H2 (r : R) := radd (rmul (EXP_H1 r) r) (11184577 / 268435456).
Definition EXP_H3 (r : R) := radd (rmul (EXP_H2 r) r) (5592405 / 33554432).
Definition EXP_H4 (r : R) := radd (rmul (EXP_H3 r) r) (1 / 2).
Definition EXP_P (r : R) := radd (radd (rmul (EXP_H4 r) (rmul r r)) r) 1.

(* the scaling helpers' exact values: 2^-l (l <= 3), 2^(-4h) (h <= 3), 2^(-16b) (b <= 9) *)
Definition EXP_S1 (l : Z) : R :=
  if Z.eqb l 0 then 1 else if Z.eqb l 1 then / 2 ^ 1 else if Z.eqb l 2 then / 2 ^ 2 else / 2 ^ 3.
Definition EXP_S4 (h : Z) : R :=
  if Z.eqb h 0 then 1 else if Z.eqb h 1 then / 2 ^ 4 else if Z.eqb h 2 then / 2 ^ 8 else / 2 ^ 12.
Definition EXP_S16 (b : Z) : R :=
  if Z.eqb b 0 then 1 else if Z.eqb b 1 then / 2 ^ 16 else if Z.eqb b 2 then / 2 ^ 32
  else if Z.eqb b 3 then / 2 ^ 48 else if Z.eqb b 4 then / 2 ^ 64 else if Z.eqb b 5 then / 2 ^ 80
  else if Z.eqb b 6 then / 2 ^ 96 else if Z.eqb b 7 then / 2 ^ 112 else if Z.eqb b 8 then / 2 ^ 128
  else / 2 ^ 144.

(* ---- helpers for exp_acc ---- *)

Lemma Rabs_le_inv : forall x a, Rabs x <= a -> - a <= x <= a.
Proof.
  intros x a H. destruct (Rcase_abs x) as [Hx|Hx].
  - rewrite Rabs_left in H by exact Hx. lra.
  - rewrite Rabs_right in H by exact Hx. lra.
Qed.

(* the code's nested evaluation is the polynomial P *)
Lemma EXP_P_eq : forall r, EXP_P r = P r.
Proof.
  intros r. unfold EXP_P, EXP_H4, EXP_H3, EXP_H2, EXP_H1, EXP_H0, radd, rmul,
    P, c0, c1, c2, c3, c4, c5. ring.
Qed.

(* C1 + C2 is ln 2 to about 1.7e-12 *)
Lemma C12_ln2 : Rabs (EXP_C1 + EXP_C2 - ln 2) <= / 2 ^ 38.
Proof. unfold EXP_C1, EXP_C2. interval with (i_prec 80). Qed.

(* the reduction's error d = r - (c + m L): |d| <= 2^-24 + 151 * 2^-38 <= 2^-23 *)
Lemma red_err : forall c r m, 0 <= m <= 151 ->
  Rabs (r - EXP_RED c m) <= / 2 ^ 24 -> Rabs (r - (c + m * ln 2)) <= / 2 ^ 23.
Proof.
  intros c r m Hm Hr.
  pose proof C12_ln2 as Hc.
  replace (r - (c + m * ln 2)) with
    ((r - EXP_RED c m) + m * (EXP_C1 + EXP_C2 - ln 2))
    by (unfold EXP_RED, radd, rmul; ring).
  eapply Rle_trans; [apply Rabs_triang|].
  rewrite Rabs_mult, (Rabs_pos_eq m) by lra.
  assert (m * Rabs (EXP_C1 + EXP_C2 - ln 2) <= 151 * / 2 ^ 38).
  { apply Rmult_le_compat; [lra | apply Rabs_pos | lra | exact Hc]. }
  assert (/ 2 ^ 24 + 151 * / 2 ^ 38 <= / 2 ^ 23) by (simpl; lra).
  lra.
Qed.

(* the tables *)
Lemma S1_pow : forall l, (0 <= l <= 3)%Z -> EXP_S1 l = / 2 ^ Z.to_nat l.
Proof.
  intros l Hl.
  assert (l = 0 \/ l = 1 \/ l = 2 \/ l = 3)%Z as H by lia.
  destruct H as [->|[->|[->| ->]]]; unfold EXP_S1; simpl; field.
Qed.

Lemma S4_pow : forall h, (0 <= h <= 3)%Z -> EXP_S4 h = / 2 ^ Z.to_nat (4 * h).
Proof.
  intros h Hh.
  assert (h = 0 \/ h = 1 \/ h = 2 \/ h = 3)%Z as H by lia.
  destruct H as [->|[->|[->| ->]]]; unfold EXP_S4; simpl; field.
Qed.

Lemma S16_pow : forall b, (0 <= b <= 9)%Z -> EXP_S16 b = / 2 ^ Z.to_nat (16 * b).
Proof.
  intros b Hb.
  assert (b = 0 \/ b = 1 \/ b = 2 \/ b = 3 \/ b = 4 \/ b = 5 \/ b = 6 \/ b = 7
          \/ b = 8 \/ b = 9)%Z as H by lia.
  destruct H as [->|[->|[->|[->|[->|[->|[->|[->|[->| ->]]]]]]]]];
    unfold EXP_S16; simpl; field.
Qed.

Lemma digits : forall m, (0 <= m <= 151)%Z ->
  (0 <= Z.rem m 4 <= 3 /\ 0 <= Z.quot (Z.rem m 16) 4 <= 3
   /\ 0 <= Z.quot m 16 <= 9
   /\ m = 16 * Z.quot m 16 + 4 * Z.quot (Z.rem m 16) 4 + Z.rem m 4)%Z.
Proof.
  intros m Hm.
  rewrite !Z.rem_mod_nonneg, !Z.quot_div_nonneg
    by (try apply Z.mod_pos_bound; lia).
  Z.div_mod_to_equations. lia.
Qed.

Lemma scale_pow : forall m, (0 <= m <= 151)%Z ->
  EXP_S1 (Z.rem m 4) * EXP_S4 (Z.quot (Z.rem m 16) 4) * EXP_S16 (Z.quot m 16)
  = / 2 ^ Z.to_nat m.
Proof.
  intros m Hm.
  destruct (digits m Hm) as (Hl & Hh & Hb & Heq).
  rewrite S1_pow, S4_pow, S16_pow by assumption.
  set (l := Z.rem m 4) in *. set (h := Z.quot (Z.rem m 16) 4) in *.
  set (b := Z.quot m 16) in *.
  rewrite Heq, !Z2Nat.inj_add, !pow_add by lia.
  assert (0 < 2 ^ Z.to_nat l) by (apply pow_lt; lra).
  assert (0 < 2 ^ Z.to_nat (4 * h)) by (apply pow_lt; lra).
  assert (0 < 2 ^ Z.to_nat (16 * b)) by (apply pow_lt; lra).
  field. lra.
Qed.

(* exp c = exp r * exp (-d) / 2^m *)
Lemma exp_split : forall c r m, (0 <= m)%Z ->
  exp c = exp r * exp (- (r - (c + IZR m * ln 2))) * / 2 ^ Z.to_nat m.
Proof.
  intros c r m Hm.
  assert (E : IZR m = INR (Z.to_nat m)) by (rewrite INR_IZR_INZ, Z2Nat.id; auto).
  rewrite <- exp_pow2, <- E, <- exp_plus, <- exp_Ropp, <- exp_plus.
  f_equal. ring.
Qed.

(* the final error budget *)
Lemma budget : forall x k1 k2,
  Rabs x <= / 2 ^ 23 ->
  Rabs (k1 - 1) <= 133 / 1000000000 ->
  Rabs (k2 - 1) <= 17 / 2 ^ 27 ->
  / 2 ^ 24 * (exp x * k1 * k2) + Rabs (exp x * k1 * k2 - 1) <= / 2 ^ 21.
Proof.
  intros x k1 k2 Hx H1 H2.
  apply Rabs_le_inv in Hx. apply Rabs_le_inv in H1. apply Rabs_le_inv in H2.
  assert (1 - 133 / 1000000000 <= k1 <= 1 + 133 / 1000000000) by lra.
  assert (1 - 17 / 2 ^ 27 <= k2 <= 1 + 17 / 2 ^ 27) by lra.
  interval with (i_prec 60).
Qed.

Lemma exp_acc_hyps : forall (c r p s e : R) (m : Z),
  -104 <= c <= 0 ->
  (0 <= m <= 151)%Z ->
  Rabs r <= 0.35 ->
  Rabs (r - EXP_RED c (IZR m)) <= / 2 ^ 24 ->
  Rabs (p - EXP_P r) <= 3 / 2 ^ 25 ->
  Rabs (s - p * EXP_S1 (Z.rem m 4) * EXP_S4 (Z.quot (Z.rem m 16) 4))
    <= 17 / 2 ^ 27 * (p * EXP_S1 (Z.rem m 4) * EXP_S4 (Z.quot (Z.rem m 16) 4)) ->
  Rabs (e - s * EXP_S16 (Z.quot m 16)) <= / 2 ^ 24 * (s * EXP_S16 (Z.quot m 16)) + / 2 ^ 150 ->
  Rabs (e - exp c) <= / 2 ^ 21 * exp c + / 2 ^ 150.
Proof.
  intros c r p s e m Hc Hm Hr Hred Hp Hs He.
  (* the reduction *)
  set (d := r - (c + IZR m * ln 2)).
  assert (Hd : Rabs d <= / 2 ^ 23).
  { apply red_err; [split; [apply IZR_le | apply IZR_le]; lia | exact Hred]. }
  (* the polynomial: k1 = p / exp r *)
  assert (Her : 0 < exp r) by apply exp_pos.
  assert (Her7 : 7 / 10 <= exp r).
  { apply Rabs_le_inv in Hr.
    apply Rle_trans with (exp (-0.35)); [interval|].
    destruct (Req_dec r (-0.35)) as [->|Hne]; [lra|].
    left. apply exp_increasing. lra. }
  assert (Hpe : Rabs (p - exp r) <= 3 / 2 ^ 25 + / 268435456 * exp r).
  { rewrite EXP_P_eq in Hp.
    assert (Hr' : -0.35 <= r <= 0.35) by (apply Rabs_le_inv in Hr; lra).
    pose proof (exp_poly_rel r Hr') as Hpr.
    replace (p - exp r) with ((p - P r) + (P r - exp r)) by ring.
    eapply Rle_trans; [apply Rabs_triang|]. lra. }
  set (k1 := p / exp r).
  assert (Hk1 : Rabs (k1 - 1) <= 133 / 1000000000).
  { unfold k1. replace (p / exp r - 1) with ((p - exp r) / exp r) by (field; lra).
    unfold Rdiv. rewrite Rabs_mult, (Rabs_pos_eq (/ exp r))
      by (left; apply Rinv_0_lt_compat; lra).
    apply Rle_trans with ((3 / 2 ^ 25 + / 268435456 * exp r) * / exp r).
    { apply Rmult_le_compat_r; [left; apply Rinv_0_lt_compat; lra | exact Hpe]. }
    replace ((3 / 2 ^ 25 + / 268435456 * exp r) * / exp r)
      with (3 / 2 ^ 25 * / exp r + / 268435456) by (field; lra).
    assert (/ exp r <= 10 / 7).
    { replace (10 / 7) with (/ (7 / 10)) by field.
      apply Rinv_le_contravar; lra. }
    assert (3 / 2 ^ 25 * / exp r <= 3 / 2 ^ 25 * (10 / 7))
      by (apply Rmult_le_compat_l; simpl; lra).
    simpl in *. lra. }
  assert (Hp0 : 0 < p).
  { apply Rabs_le_inv in Hpe. simpl in Hpe. lra. }
  (* the scaling *)
  set (T := EXP_S1 (Z.rem m 4) * EXP_S4 (Z.quot (Z.rem m 16) 4)) in *.
  set (U := EXP_S16 (Z.quot m 16)) in *.
  assert (HTU : T * U = / 2 ^ Z.to_nat m) by (apply scale_pow; exact Hm).
  assert (HA : 0 < / 2 ^ Z.to_nat m) by (apply Rinv_0_lt_compat, pow_lt; lra).
  assert (HT : 0 < T).
  { destruct (digits m Hm) as (Hl & Hh & _).
    unfold T. rewrite S1_pow, S4_pow by assumption.
    apply Rmult_lt_0_compat; apply Rinv_0_lt_compat, pow_lt; lra. }
  assert (Hq : 0 < p * T) by (apply Rmult_lt_0_compat; lra).
  replace (p * EXP_S1 (Z.rem m 4) * EXP_S4 (Z.quot (Z.rem m 16) 4)) with (p * T)
    in Hs by (unfold T; ring).
  set (k2 := s / (p * T)).
  assert (Hk2 : Rabs (k2 - 1) <= 17 / 2 ^ 27).
  { unfold k2. replace (s / (p * T) - 1) with ((s - p * T) / (p * T)) by (field; lra).
    unfold Rdiv. rewrite Rabs_mult, (Rabs_pos_eq (/ (p * T)))
      by (left; apply Rinv_0_lt_compat; lra).
    apply Rle_trans with (17 / 2 ^ 27 * (p * T) * / (p * T)).
    { apply Rmult_le_compat_r; [left; apply Rinv_0_lt_compat; lra | exact Hs]. }
    right. field. lra. }
  (* s U = exp c * G *)
  set (G := exp d * k1 * k2).
  assert (Hec : 0 < exp c) by apply exp_pos.
  assert (HsU : s * U = exp c * G).
  { unfold G, k1, k2.
    rewrite (exp_split c r m) by lia. fold d.
    rewrite <- HTU, exp_Ropp.
    assert (0 < exp d) by apply exp_pos.
    field. repeat split; lra. }
  rewrite HsU in He.
  assert (HB : / 2 ^ 24 * G + Rabs (G - 1) <= / 2 ^ 21) by (apply budget; assumption).
  replace (e - exp c) with ((e - exp c * G) + exp c * (G - 1)) by ring.
  eapply Rle_trans; [apply Rabs_triang|].
  rewrite Rabs_mult, (Rabs_pos_eq (exp c)) by lra.
  assert (exp c * (/ 2 ^ 24 * G + Rabs (G - 1)) <= exp c * / 2 ^ 21)
    by (apply Rmult_le_compat_l; lra).
  lra.
Qed.

(* The ACSL lemma, as spec/exp_logic.h states it: exp_steps is that file's
   predicate, premise by premise (ACSL's % and / are Z.rem and Z.quot, an
   integer in a real context is IZR) *)
Definition exp_steps (c : R) (m : Z) (r p s e : R) : Prop :=
  -104 <= c <= 0 /\ (0 <= m <= 151)%Z /\ Rabs r <= 0.35 /\
  Rabs (rsub r (EXP_RED c (IZR m))) <= / 2 ^ 24 /\
  Rabs (rsub p (EXP_P r)) <= 3 / 2 ^ 25 /\
  Rabs (rsub s (rmul (rmul p (EXP_S1 (Z.rem m 4))) (EXP_S4 (Z.quot (Z.rem m 16) 4))))
    <= 17 / 2 ^ 27 * rmul (rmul p (EXP_S1 (Z.rem m 4))) (EXP_S4 (Z.quot (Z.rem m 16) 4)) /\
  Rabs (e - s * EXP_S16 (Z.quot m 16)) <= / 2 ^ 24 * (s * EXP_S16 (Z.quot m 16)) + / 2 ^ 150.

Lemma exp_acc : forall (c r p s e : R) (m : Z),
  exp_steps c m r p s e -> Rabs (e - exp c) <= / 2 ^ 21 * exp c + / 2 ^ 150.
Proof.
  intros c r p s e m (Hc & Hm & Hr & Hred & Hp & Hs & He).
  unfold rsub, rmul in *. eapply exp_acc_hyps; eassumption.
Qed.
