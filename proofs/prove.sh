#!/bin/sh
# make prove: Frama-C WP over every kernels/*.c with the project's own Why3 config.
# Fails when a goal is unproved, a kernels/ function has no contract, or a
# function's proved-goal count falls below the committed ledger verified/ledger.txt.
set -u
cd "$(dirname "$0")/.."
B=build/proof; mkdir -p $B
for t in frama-c why3 z3 cvc5 gappa timeout flock; do
  command -v $t >/dev/null || { echo "prove: $t missing; run: apt-get update && apt-get install -y frama-c-base why3 z3 cvc4 cvc5 gappa (or: make deps)"; exit 2; }
done
sh proofs/why3-config.sh $B/why3/why3.conf 2>/dev/null || { echo "prove: why3 config failed"; exit 2; }
export WHY3CONFIG=$PWD/$B/why3/why3.conf
fail=0
rm -rf $B/*.log $B/*.first $B/*.again $B/failed $B/again* $B/queue* $B/cache
: > $B/report.txt
# Three passes.
#
# A: every run of the list below, two at a time. A run that asks Z3 and
#    CVC5 asks CVC5 alone (Gappa first where the run asks it), with at most
#    TA seconds a goal. WP sends a goal to all its provers at once and stops
#    the others when one proves it; with both, the two shared the cores on
#    every goal. Measured alone on 2026-12-04 (moe.c's vik_topk, weigh,
#    group_scores: 160 goals; linear.c's dot_tile, mxfp4_blocks,
#    nv_scale_blocks, lane_madd: 261 goals), CVC5 alone proved 156 and 258
#    of them in 65 s and 90 s, Z3 and CVC5 together 160 and 260 in 167 s and
#    164 s, Z3 alone 143 of the first 160 in 124 s.
# B: the functions of a run with an unproved goal, with the run's own provers
#    and timeout, two at a time. Their goals that pass A proved come from the
#    cache of this make prove (below); the others get both provers.
# C: the functions still with an unproved goal, once more, alone (wp_again):
#    beside the other worker a prover can time out or crash (CVC5 "Unknown
#    error" on a goal it proves in 16 s alone). A goal unproved here fails
#    make prove.
# Each pass's goals of a function replace its goals of the pass before in
# the run's log (ledger.py --merge).
#
# The cache: WP keeps each prover's verdict on a goal under the digest of the
# goal as sent to the prover (its Why3 task: hypotheses, lemmas, prover,
# driver), in $B/cache. It starts empty in every make prove, so a cached
# verdict is one that a prover gave in this same make prove on the same
# task. Before passes B and C every verdict but "valid" is removed, so a
# goal that failed is always proved again, never taken as failed from the
# cache.
TA=60
wp_cmd() {
  frama-c -cpp-extra-args="-Ikernels -Ispec ${CPPX:-}" -wp -wp-rte -warn-special-float non-finite \
    -wp-driver proofs/wp/rsub.driver -wp-timeout 10 -wp-par 2 \
    -wp-cache update -wp-cache-dir $PWD/$B/cache "$@"
}
# again NEXT LOG FILES FNS OPTIONS... : queue LOG's functions FNS (from
# ledger.py --failed) for the pass NEXT (B or C), with the run's own options
# but its choice of functions (a failed lemma: the lemma run again as it was)
again() {
  # the files on one line: the workers read pass B's list line by line
  next=$1 log=$2 files=$(echo $3) fns=$4; shift 4
  # a run that asks CVC5 alone asks both provers here
  keep=""; skip=0; pv=0
  for o in "$@"; do
    [ $skip = 1 ] && { skip=0; continue; }
    [ $pv = 1 ] && { pv=0; [ "$o" = cvc5 ] && o=z3wp,cvc5; }
    case $o in -wp-fct|-wp-skip-fct) skip=1; continue;; -wp-prover) pv=1;; esac
    keep="$keep $o"
  done
  case $fns in *lemma:*) keep="$*";; *) keep="$keep -wp-fct $fns";; esac
  echo "CPPX='${CPPX:-}' wp_again $next $log '$files' $keep" >> $B/again.$next
}
# pass_a OPTIONS...: the options with "-wp-prover z3wp,cvc5" as CVC5 alone
# and its -wp-timeout at most TA
pass_a() {
  a=""; pv=0; tm=0
  for o in "$@"; do
    if [ $pv = 1 ]; then pv=0; o=$(echo $o | sed 's/z3wp,cvc5/cvc5/')
    elif [ $tm = 1 ]; then tm=0; case " $* " in *"z3wp,cvc5 "*) [ "$o" -gt $TA ] && o=$TA;; esac
    fi
    case $o in -wp-prover) pv=1;; -wp-timeout) tm=1;; esac
    a="$a $o"
  done
  echo "$a"
}
# wp_run LOG FILES OPTIONS... : a run of pass A
wp_run() {
  log=$1; files=$2; shift 2
  # pass A's options: a run that asks Z3 and CVC5 asks CVC5 without Z3,
  # at most TA seconds a goal; but BOTH=1, the functions that CVC5 alone
  # left unproved in a measured run (below), keep Z3 and CVC5 and their
  # timeout (their hard goals cost both provers' time either way; pass A's
  # try and pass B's second generation of all their goals cost more than
  # they saved)
  a="$*"
  [ "${BOTH:-0}" = 1 ] || a=$(pass_a "$@")
  t0=$(date +%s)
  wp_cmd $a $files > $B/$log 2>&1 || { echo "prove: frama-c failed ($log)"; touch $B/failed; return; }
  echo "prove: $log $(( $(date +%s) - t0 )) s"
  fns=$(python3 proofs/ledger.py --failed $B/$log)
  [ -n "$fns" ] || return 0
  echo "prove: $log: unproved goals of $fns; pass B"
  again B $log "$files" "$fns" "$@"
}
# wp_again PASS LOG FILES OPTIONS... : a run of pass B or C
wp_again() {
  pass=$1 log=$2; files=$3; shift 3
  t0=$(date +%s)
  mv $B/$log $B/${log%.log}.first
  wp_cmd "$@" $files > $B/${log%.log}.again 2>&1 || { echo "prove: frama-c failed ($log, pass $pass)"; touch $B/failed; return; }
  echo "prove: $log pass $pass $(( $(date +%s) - t0 )) s"
  python3 proofs/ledger.py --merge $B/${log%.log}.first $B/${log%.log}.again > $B/$log
  [ $pass = B ] || return 0
  fns=$(python3 proofs/ledger.py --failed $B/${log%.log}.again)
  [ -n "$fns" ] || return 0
  echo "prove: $log: unproved goals of $fns; pass C (alone)"
  again C $log "$files" "$fns" "$@"
}
# keep only the cache's valid verdicts
cache_valid() {
  [ -d $B/cache ] || return 0
  grep -L '"verdict": "valid"' $B/cache/*.json 2>/dev/null | xargs -r rm -f
}
# One run per kernels/ file, so that a file's goals carry only the lemmas of
# the headers it includes (every lemma of a run joins the context of every goal
# of that run, and Why3 prepares each goal's context once per prover).
#
# Provers. WP sends a goal to all of a run's provers, two prover jobs at a
# time (-wp-par 2), and stops the others when one proves it. Gappa proves
# the float helpers' rounding and range goals in 10-60 ms but runs to the
# timeout on any other goal; listed last, it started only after Z3 and CVC5
# had both run to their timeout on its goals (40-90 s lost per Gappa goal, most
# of the CI time). So each file has two runs: its float helpers (the
# functions whose goals Gappa proves, the ledger's "Gappa" column) get
# gappawp first, our Gappa entry that gives up after 2 s
# (proofs/why3-config.sh), then Z3 and CVC5; every other function gets Z3 and
# CVC5 only.
#
# Two runs at once: much of a run is Frama-C building and simplifying goals
# (Qed) on one core, with no prover running; a second run keeps the other
# core busy.
#
# The decoders' value clauses need a case split over every code (wp:range); the
# split's per-code goals are small, so they get Z3 alone with a short timeout.
SPLIT=vik_e4m3_decode,vik_e5m2_decode,vik_e2m1_decode,vik_e8m0_decode
# nn.c: the helpers whose goals merge branches (clamps, sign cases, constant
# chains) are proved with -wp-split (one goal per path; Gappa cannot reason
# on a merged if-then-else); splitting the whole file would multiply the
# softmax's goals by ten.
NNSPLIT=clamp01,vik_silu1,silu,vik_exp_neg,exp_neg,shifted_exp,rms_inv,pow2_m1,pow2_m4,pow2_m16
# moe.c, attn.c: the same split for their float-comparison helpers
MOESPLIT=ahead,share,acc_add,at_least,bias_ok,scaled_w,below
# the float helpers of each file (Gappa first)
NNF=div_1p,exp_m,exp_mul,exp_poly,exp_shift,frac_1p,gate_mul,greater,inv_1p,lane_sq,muldiv_1p
NNF=$NNF,norm_div,pos_add,rms_scale,rot,sum_add,vik_sigmoid,vik_logit_class
MOEF=biased,pair_sum
# exp's reduction: exp_kf's k == m by a case split over m (wp:range, CVC5 on
# each value); exp_r's Gappa goals need m's integrality (k C1 exact), which
# Gappa sees only through proofs/drivers/gappa_int.drv (gappaint); exp_r
# has no wp:range (it took over from Gappa: 152 cases per goal)
NNEXP=exp_kf,exp_r,exp_join,exp_tiny
FFNF=add_act,wadd,within
MXF=mul_e2m1,mul_e4m3
LINF=madd1,mxfp4_weight,mxfp8_weight,nvfp4_scale,nvfp4_weight,fadd,halve,by512
# linear.c's E4M3 integer decode: the decoders' case split over codes; the
# dot product's chunk sums (ite terms over the chunk length): the same split
LINSPLIT=e4m3_int,chunk_next
# vik_dot_f32's error bound and its arithmetic lemmas: run with the exact
# dot product's definitions withheld (spec/dot_logic.h, VIK_DOT_OPAQUE); the
# lemmas that need them (dot_zero, dot_part) are proved in linear.log
DOTOPQ=vik_dot_f32,chunk_step
NVF=nv_within,gscale,div6,mul_scale,mul_el
Q8F=q8_f32,q8_scale,q8_nvhalf,q8_pair,q8_nvd,q8_add
CFGF=div_pos,mul_pos,num_in,times10,in_range
ATTNF=add_rel,madd,scaled
# attn.c's 4-head decode path, the head loop and the per-head path but
# vik_attend: CVC5 alone proves all of their 433 + 57 goals (4 min 50 s
# alone at 40 s a goal, the longest 24 s; both provers took about 1.5 times
# as long): their own run, CVC5 at 90 s. vik_attend (one goal of 38 s
# alone with CVC5) keeps both provers
ATTNQ=rows_le,rows_add,madd4,axpy4,quad_scores,to_weights,quad_values,attend_quad,attend_group,vik_attention
ATTNQ=$ATTNQ,attend_head,axpy,dim_f32,out_el,out_join
# harness/model.c: the arena plan, the cache reset and the small steps of
# the pass, the products (mm, from mm_split's contract: the threads,
# trusted), the attention half, the dense FFN half and the MoE half
# (vik_forward and its steps: MODELW below). Run without the sums'
# definitions, as moe.c's router run (route calls the router)
MODELSTEPS=vik_model_strerror,prod3,add,lay_out,refuse,vik_model_plan,vik_model_reset,norm_rows,rope_rows
MODELSTEPS=$MODELSTEPS,transpose,to_cache,embed_rows,mm,ffn,dense_half,routed_ok,route,one_expert
# vik_forward and its steps: the plan's regions (regions, slice) in the
# forms the steps take them, the steps (vik_forward's calls, each in a small
# context: embed_step, attn_step, ffn_step, head_step), facts (the model's
# facts the pass uses), pass (the embedding, the layers and the head on
# facts' ensures) and vik_forward (the checks and pass): cvc5 with
# --macros-quant (cvc5m: proofs/why3-config.sh) and Z3. 310 goals in 3.5
# min alone, the longest 7 s (2026-12-07, eighteenth session: slice's sub
# ensures made attn_step's assigns of the attention's regions 3 s goals;
# they took 23-33 s and passes B and C before)
MODELW=regions,slice,embed_step,attn_step,ffn_step,head_step,facts,pass,vik_forward
# run_experts: three goals of 20-24 s for CVC5 alone (the experts' facts
# across the loop's writes, 2026-12-07); Z3 proved none of them. moe_half:
# the combine's weights across the steps' writes, 22-26 s alone (CVC5
# crashed on it beside the other worker in the clean-clone run; pass B
# proved it). attn_half: the output weights' facts across the steps' writes
# (wo1 .. wo8), 4-11 s each, CVC5 alone proves all 206 goals of it and
# rope_rows in 2.5 min at 30 s a goal (2026-12-07). Their own run, CVC5 at
# 90 s, as attnq (cvc5m: cvc5 with --macros-quant, about 10% faster here)
MODELX=run_experts,moe_half,attn_half
MODELLEM=slice_le,wmat_ok_v,layer_ok_v,bounded_frame,unit_frame,wmat_frame,layer_frame
# in_unit: float classes, Gappa (ffn.c's within)
MODELF=in_unit
# The functions that need Z3 beside CVC5 (BOTH=1 runs below): those CVC5
# alone left with an unproved goal at 30-40 s a goal, measured function by
# function on 2026-12-05 (verified/NOTES.md "Proof time"). Every other
# function gets CVC5 alone in pass A (at most TA s a goal; the slowest goal
# CVC5 proves alone there takes 28 s): half the CPU of both provers, which
# shared the cores on every goal
LINH=dot_tile,next_k,vik_matmul_nvfp4,vik_matmul_mxfp4,grow,grow_tree
# lane_sum and i32_f32 failed beside the other worker in every run of
# 2026-12-04 and passed alone: they run alone, after the list (lanes.log)
LINA=lane_sum,i32_f32
STH=st_fields,st_add
NNH=rope_halves,rope_pairs
# vik_softmax_sink's range clause: 21 s for CVC5 alone, which crashed on it
# ("Unknown error") beside the other worker in the clean-clone run of
# 2026-12-06 (ninth session); Z3 takes 13-17 s alone
NNH=$NNH,vik_softmax_sink
Q8H=vik_matmul_nvfp4_q8
NVH=vik_f32_div_bits
MOEH=group_scores,candidates
# DeepSeek's selection (2026-12-06): measured with both provers only, so
# both run on them until CVC5 alone is measured function by function; the
# router has a run of its own so the two workers share them
MOEH=$MOEH,ascend,invert,home_groups,cover_asc,cover_groups,cand_scores,topk_best,gather,to_ds
MOEH=$MOEH,choose_groups,pick_experts,sel_scores,ds_weights
MOED=vik_route_deepseek
# the weights' sums (2026-12-06): moe.c's runs withhold wsum's definition
# (spec/wsum_logic.h, VIK_WSUM_OPAQUE; with it Z3 ran out of memory on small
# goals); the two ghost lemmas that unfold it are proved from it (WSUM).
# The sum's arithmetic lemmas need both provers (CVC5 alone left 3 of
# their goals at 60 s, Z3 alone 5 at 30 s); so does normalize (CVC5 took 27
# s alone on its range clause, Z3 0.5 s, and crashed on it beside the other
# worker)
WSUM=wsum_zero,wsum_next
MOEW=sum_step,sum_end,dist,div_out,normalize
# the softmax's sum (2026-12-06, ninth session), as moe.c's: nn.c's runs
# withhold wsum's definition, its two ghost lemmas that unfold it are proved
# from it (SMSUM); the sum's arithmetic lemmas go to both provers (Z3 won
# most of their goals)
SMSUM=sm_zero,sm_next
NNW=sm_step,sm_end,sm_out,sm_dist
FFNC=vik_moe_combine
FFNH=vik_moe_group,vik_check_f32
MODELH=times
NOLEM=-wp-prop=-@lemma
ZC="-wp-prover z3wp,cvc5"
GZC="-wp-prover gappawp,z3wp,cvc5"
# The runs, longest first, roughly (as measured beside the other worker in
# the clean-clone run of 2026-12-05, verified/NOTES.md "Proof time": split
# 12 min, attnq 10, linear 9, config 7, ffnc, dotopq, safetensors, model 5-6,
# linearh, ffnh, moe 4-5, ...). Two
# workers take the next run from this list as they finish one, so the two
# cores stay busy to the end whatever each run's time turns out to be (two
# fixed lanes drifted 20+ min apart when one file's proofs grew). When both
# workers' provers run, each prover gets about half a core, so the timeouts
# are twice the slowest goal seen alone (a proved goal costs only its own
# time; the timeout matters only to goals that fail, and a goal that fails
# beside the other worker gets its functions proved again: passes B and C).
cat > $B/queue <<'EOF'
BOTH=1 wp_run linearh.log kernels/linear.c -wp-fct $LINH $NOLEM $ZC -wp-timeout 90
wp_run split.log kernels/formats.c -wp-fct $SPLIT -wp-prover z3wp -wp-timeout 10 -wp-auto wp:range
# the forward pass's pieces: weight matrices, SwiGLU, the range checks,
# the MoE grouping and combine (vik_moe_group: goals of 30-40 s alone that
# took twice that beside the other worker). The combine and the grouping
# need both provers (CVC5 alone left 4 and 2 of their goals at 30 s, Z3
# alone 21 and 12): a run each, so that the two workers share them
BOTH=1 wp_run ffnc.log kernels/ffn.c -wp-fct $FFNC $NOLEM $ZC -wp-timeout 150
BOTH=1 wp_run ffnh.log kernels/ffn.c -wp-fct $FFNH $NOLEM $ZC -wp-timeout 150
# the loader's config.json reader: integers, but its two numbers (Gappa)
# (-wp-no-let: Qed took 23-34 s on each of members' ensures clauses, 3-4 s
# without; the run 208 s alone instead of 242, every goal proved, 2026-12-07)
wp_run config.log kernels/config.c -wp-skip-fct $CFGF -wp-no-let $NOLEM $ZC -wp-timeout 40
# moe.c: some goals take 15-25 s alone (vik_topk's order)
CPPX=-DVIK_WSUM_OPAQUE wp_run moe.log kernels/moe.c -wp-skip-fct $MOESPLIT,$MOEF,$MOEH,$MOED,$MOEW,$WSUM $NOLEM $ZC -wp-timeout 90
CPPX=-DVIK_WSUM_OPAQUE BOTH=1 wp_run moeh.log kernels/moe.c -wp-fct $MOEH $NOLEM $ZC -wp-timeout 90
# the router also without sums_to's definition (moe.h, VIK_SUMS_OPAQUE):
# with it, Z3 ran out of memory on to_ds's order (2 s without)
CPPX="-DVIK_WSUM_OPAQUE -DVIK_SUMS_OPAQUE" BOTH=1 wp_run moed.log kernels/moe.c -wp-fct $MOED $NOLEM $ZC -wp-timeout 90
CPPX=-DVIK_WSUM_OPAQUE BOTH=1 wp_run moew.log kernels/moe.c -wp-fct $MOEW $NOLEM $ZC -wp-timeout 60
wp_run wsum.log kernels/moe.c -wp-fct $WSUM $NOLEM $ZC -wp-timeout 40
wp_run ffn.log kernels/ffn.c -wp-skip-fct $FFNF,$FFNC,$FFNH $NOLEM $ZC -wp-timeout 90
wp_run linear.log kernels/linear.c -wp-skip-fct $LINF,$LINSPLIT,$DOTOPQ,$LINH,$LINA $NOLEM $ZC -wp-timeout 90
# the model loader's parsers of untrusted bytes: integers and indices.
# -wp-no-let (as json.log): Qed's variable elimination took 34-43 s on each
# of vik_st_parse's code, count and at clauses (7-8 s without); the file
# took 221 s alone without it, every goal proved (2026-12-07). Not for
# safetensorsh: without it CVC5 and Z3 left two of st_add's goals
wp_run safetensors.log kernels/safetensors.c -wp-skip-fct $STH -wp-no-let $NOLEM $ZC -wp-timeout 40
BOTH=1 wp_run safetensorsh.log kernels/safetensors.c -wp-fct $STH $NOLEM $ZC -wp-timeout 40
# attn.c with the exact dot product's definitions withheld (VIK_DOT_OPAQUE):
# after each call of vik_dot_f32 its error clause brought the recursive
# definitions into the context, and vik_attend's loop invariant off (a
# counter fact) then ran Z3 out of memory and CVC5 to its timeout; attn.c
# uses only the contract's bounds, so nothing it proves needs them. Some
# goals take 15-25 s alone (row offsets p D under wrapping uint32 counters)
CPPX="-DVIK_DOT_OPAQUE -DVIK_WSUM_OPAQUE" BOTH=1 wp_run attn.log kernels/attn.c -wp-skip-fct inv_sqrt,$ATTNF,$ATTNQ $NOLEM $ZC -wp-timeout 90
CPPX="-DVIK_DOT_OPAQUE -DVIK_WSUM_OPAQUE" wp_run attnq.log kernels/attn.c -wp-fct $ATTNQ $NOLEM -wp-prover cvc5 -wp-timeout 90
CPPX=-DVIK_WSUM_OPAQUE wp_run nn.log kernels/nn.c -wp-skip-fct $NNSPLIT,$NNF,$NNH,$NNW,$SMSUM,$NNEXP $NOLEM $ZC -wp-timeout 40
CPPX=-DVIK_WSUM_OPAQUE wp_run nnk.log kernels/nn.c -wp-fct exp_kf $NOLEM -wp-prover cvc5 -wp-auto wp:range -wp-timeout 20
CPPX=-DVIK_WSUM_OPAQUE wp_run nnexp.log kernels/nn.c -wp-fct exp_r $NOLEM -wp-prover gappaint,cvc5 -wp-timeout 20
CPPX="-DVIK_WSUM_OPAQUE -DVIK_EXP_FACTS" wp_run nnacc.log kernels/nn.c -wp-fct exp_join,exp_tiny $NOLEM $ZC -wp-timeout 40
CPPX=-DVIK_WSUM_OPAQUE BOTH=1 wp_run nnh.log kernels/nn.c -wp-fct $NNH $NOLEM $ZC -wp-timeout 60
CPPX=-DVIK_WSUM_OPAQUE BOTH=1 wp_run nnw.log kernels/nn.c -wp-fct $NNW $NOLEM $ZC -wp-timeout 60
wp_run smsum.log kernels/nn.c -wp-fct $SMSUM $NOLEM $ZC -wp-timeout 40
# the forward pass (harness/model.c: README, "Models"). modelx with cvc5m:
# 315/315 in 4 min 5 s alone, plain cvc5 4 min 34 s (2026-12-07)
CPPX="-DVIK_WSUM_OPAQUE -DVIK_SUMS_OPAQUE" wp_run model.log harness/model.c -wp-fct $MODELSTEPS $NOLEM $ZC -wp-timeout 90
BOTH=1 wp_run modelh.log harness/model.c -wp-fct $MODELH $NOLEM $ZC -wp-timeout 90
CPPX="-DVIK_WSUM_OPAQUE -DVIK_SUMS_OPAQUE" wp_run modelx.log harness/model.c -wp-fct $MODELX $NOLEM -wp-prover cvc5m -wp-timeout 90
CPPX="-DVIK_WSUM_OPAQUE -DVIK_SUMS_OPAQUE" BOTH=1 wp_run modelw.log harness/model.c -wp-fct $MODELW $NOLEM -wp-prover cvc5m,z3wp -wp-timeout 60
# harness/model.h's lemmas: the frames over two labels (a layer's facts
# across the arena's writes) and the cache slice's bound (CVC5 and Z3 at
# once: 20 s in all, layer_frame 15-18 s, slice_le 1 s with Z3)
CPPX="-DVIK_WSUM_OPAQUE -DVIK_SUMS_OPAQUE" BOTH=1 wp_run modellem.log harness/model.c -wp-prop=$MODELLEM -wp-prover z3wp,cvc5 -wp-timeout 60
# CVC5 alone proves them all (200 s alone at 40 s a goal, the longest 37 s;
# both provers took 429 s beside the other worker)
CPPX=-DVIK_DOT_OPAQUE wp_run dotopq.log kernels/linear.c -wp-fct $DOTOPQ -wp-split $NOLEM -wp-prover cvc5 -wp-timeout 90
# -wp-no-let: Qed's variable elimination spent 130 of vik_json_number's
# 154 s (alone, 2026-12-04) on its postconditions; without it the file
# takes 105 s instead of ~300 s, every goal proved by CVC5 alone
wp_run json.log kernels/json.c -wp-no-let $NOLEM $ZC -wp-timeout 40
# int8 activations and the exact-block products (e2m1.h's decoder: proved in linear.log)
wp_run q8.log kernels/q8.c -wp-skip-fct $Q8F,e2m1_twice,e2m1_codes,$Q8H $NOLEM $ZC -wp-timeout 90
BOTH=1 wp_run q8h.log kernels/q8.c -wp-fct $Q8H $NOLEM $ZC -wp-timeout 90
wp_run mx.log kernels/mx.c -wp-skip-fct $MXF $NOLEM $ZC -wp-timeout 40
# NVFP4: its divisions are integer work (vik_f32_div_bits); absf's two
# branches need the split
wp_run nvfp4.log kernels/nvfp4.c -wp-skip-fct $NVF,absf,$NVH $NOLEM $ZC -wp-timeout 40
BOTH=1 wp_run nvfp4h.log kernels/nvfp4.c -wp-fct $NVH $NOLEM $ZC -wp-timeout 40
# one rne goal takes ~9 s alone
wp_run formats.log kernels/formats.c -wp-skip-fct $SPLIT $NOLEM $ZC -wp-timeout 40
CPPX=-DVIK_WSUM_OPAQUE wp_run nnf.log kernels/nn.c -wp-fct $NNF $NOLEM $GZC -wp-timeout 40
# q8_f32: CVC5 proves the int -> float conversion in ~10 s alone
BOTH=1 wp_run q8f.log kernels/q8.c -wp-fct $Q8F $NOLEM $GZC -wp-timeout 90
wp_run linsplit.log kernels/linear.c -wp-fct $LINSPLIT $NOLEM -wp-prover z3wp -wp-timeout 10 -wp-auto wp:range
CPPX=-DVIK_WSUM_OPAQUE wp_run nnsplit.log kernels/nn.c -wp-fct $NNSPLIT -wp-split $NOLEM $GZC -wp-timeout 40
wp_run moesplit.log kernels/moe.c -wp-fct $MOESPLIT -wp-split $NOLEM $GZC -wp-timeout 40
wp_run ffnf.log kernels/ffn.c -wp-fct $FFNF $NOLEM $GZC -wp-timeout 40
wp_run configf.log kernels/config.c -wp-fct $CFGF $NOLEM $GZC -wp-timeout 40
wp_run linearf.log kernels/linear.c -wp-fct $LINF $NOLEM $GZC -wp-timeout 40
wp_run mxf.log kernels/mx.c -wp-fct $MXF $NOLEM $GZC -wp-timeout 40
wp_run nvfp4f.log kernels/nvfp4.c -wp-fct $NVF $NOLEM $GZC -wp-timeout 40
wp_run nvsplit.log kernels/nvfp4.c -wp-fct absf -wp-split $NOLEM $GZC -wp-timeout 40
wp_run attnsplit.log kernels/attn.c -wp-fct inv_sqrt -wp-split $NOLEM $GZC -wp-timeout 40
wp_run attnf.log kernels/attn.c -wp-fct $ATTNF $NOLEM $GZC -wp-timeout 40
wp_run moef.log kernels/moe.c -wp-fct $MOEF $NOLEM $GZC -wp-timeout 40
wp_run modelf.log harness/model.c -wp-fct $MODELF $NOLEM $GZC -wp-timeout 40
EOF
grep -v '^#' $B/queue > $B/queue.runs
# worker LIST: the next line of LIST (a counter under flock), until none is left
worker() {
  while :; do
    i=$(flock $1.next sh -c 'n=$(cat "$0"); echo $((n + 1)) > "$0"; echo $n' $1.next)
    run=$(sed -n "${i}p" $1)
    [ -n "$run" ] || return 0
    eval "$run"
  done
}
# two workers on LIST
workers() {
  echo 1 > $1.next
  worker $1 & pa=$!
  worker $1 & pb=$!
  wait $pa; wait $pb
}
workers $B/queue.runs
# CVC5 alone: 114 s alone, the longest goal 47 s (both provers: 198-253 s)
wp_run lanes.log kernels/linear.c -wp-fct $LINA $NOLEM -wp-prover cvc5 -wp-timeout 90
# lemmas of spec/: the grid lemmas are proved by a case split over the exponent
BOTH=1 wp_run lemma.log "$(ls kernels/*.c)" -wp-prop=@lemma -wp-prover z3wp,cvc5 -wp-auto wp:range
# pass B, two at a time, then pass C, one run at a time
# The ACSL lemmas that WP cannot prove (spec/exp_logic.h's VIK_EXP_FACTS
# block, assumed only by the nnacc run): each counts in the ledger as
# proved by Coq once proofs/coq.sh has checked the scripts and one of them
# has a Lemma of its name. That the Coq statement says what the ACSL one says
# is checked by reading (the scripts restate the definitions side by side).
: > $B/coq.log
if sh proofs/coq.sh $B/coq > $B/coq.out 2>&1; then
  for l in $(sed -n '/^#ifdef VIK_EXP_FACTS/,/^#endif/s/^ *\(\/\*@\)\{0,1\} *lemma \([a-z_0-9]*\):.*/\2/p' spec/exp_logic.h); do
    if grep -q "^Lemma $l :" $B/coq/*.v; then
      echo "[coq] [Coq] Goal typed_lemma_${l}_lemma : Valid" >> $B/coq.log
    else
      echo "[coq] [Coq] Goal typed_lemma_${l}_lemma : no Coq lemma of that name" >> $B/coq.log
    fi
  done
else
  cat $B/coq.out; echo "prove: the Coq scripts failed"; fail=1
fi
cache_valid
[ -e $B/again.B ] && workers $B/again.B
cache_valid
[ -e $B/again.C ] && . ./$B/again.C
[ -e $B/failed ] && fail=1
# the report: every run's log, in the list's order (the runs' names come
# from the list itself, so a run added there is never left out here)
RUNS="$(sed 's/.*wp_run \([a-z0-9]*\)\.log.*/\1/' $B/queue.runs) lanes lemma coq"
for r in $RUNS; do
  [ -s $B/$r.log ] || { echo "prove: run $r left no log"; fail=1; continue; }
  cat $B/$r.log >> $B/report.txt
done
# every kernels/*.c must have had its own run (the lemma run parses them all)
for f in kernels/*.c; do
  cat $B/formats.log $B/mx.log $B/nvfp4.log $B/q8.log $B/linear.log $B/nn.log $B/moe.log $B/attn.log $B/json.log \
    $B/safetensors.log $B/config.log $B/ffn.log | grep -q "Parsing $f" ||
    { echo "prove: $f is in no run of proofs/prove.sh"; fail=1; }
done
python3 proofs/ledger.py $B/report.txt verified/ledger.txt || fail=1
exit $fail
