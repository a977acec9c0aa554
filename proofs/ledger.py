"""Reads the WP log, prints per-function goals proved/total, checks the ledger.
Frama-C exits 0 with unproved goals, so the verdict is taken from each goal line."""
import re, sys, subprocess, os, glob

KINDS = "ensures|assert|assigns|requires|call|loop|variant|exits|complete|disjoint|pre|post|terminates|rte|lemma"

def goal_fn(line):
    """The ledger entry (function, or lemma:NAME) of a WP goal line, or None."""
    # WP names goals typed_<driver>_... when an extra driver is loaded (rsub.driver)
    line = line.replace("Goal typed_rsub_", "Goal typed_")
    # lemmas of spec/ count as their own ledger entries, "lemma:NAME"
    line = re.sub(r"Goal typed_lemma_(\w+)", lambda g: "Goal typed_lemma:%s_lemma" % g.group(1), line)
    # [coq]: a Coq-proved ACSL lemma, written by prove.sh after proofs/coq.sh
    m = re.match(r"\[(?:wp|coq)\] \[.*?\] Goal typed_(.+?)_(%s)" % KINDS, line)
    return m.group(1) if m else None

# prove.sh's re-run of a run's failed functions, alone after all the runs:
#   ledger.py --failed LOG        the functions with a failed goal, comma-separated
#   ledger.py --merge LOG RETRY   LOG without those functions' goal lines, then RETRY
if sys.argv[1] == "--failed":
    fns = []
    for line in open(sys.argv[2]):
        fn = goal_fn(line)
        # the verdict as the ledger reads it: a goal line without ": Valid"
        if fn and ": Valid" not in line and fn not in fns: fns.append(fn)
    print(",".join(fns)); sys.exit(0)
if sys.argv[1] == "--merge":
    again = set(goal_fn(l) for l in open(sys.argv[3])) - {None}
    sys.stdout.writelines(l for l in open(sys.argv[2]) if goal_fn(l) not in again)
    sys.stdout.writelines(open(sys.argv[3]))
    sys.exit(0)

log, ledger = sys.argv[1], sys.argv[2]
proved, total, provers = {}, {}, {}
for line in open(log):
    fn = goal_fn(line)
    if fn is None: continue
    total[fn] = total.get(fn, 0) + 1
    if ": Valid" in line:   # the verdict; [Failed] and any other line is unproved
        proved[fn] = proved.get(fn, 0) + 1
        provers.setdefault(fn, set()).add(re.match(r"\[(?:wp|coq)\] \[([^]\s]+)", line).group(1))
fail = 0
# every function defined in kernels/ must have goals (a contract) in the report
defs, where = set(), {}
for f in sorted(glob.glob("kernels/*.c")) + ["harness/model.c"]:
    for l in open(f):
        d = re.match(r"^(?:static\s+)?(?:inline\s+)?[a-z_0-9]+\s+\*?([a-z_0-9]+)\(", l)
        if d:
            where.setdefault(d.group(1), set()).add(f)
            if f.startswith("kernels/"): defs.add(d.group(1))
# the ledger keys by function name: one name in two files would add their goals up
for d in sorted(where):
    if len(where[d]) > 1:
        print("prove: function %s is defined in %s; the ledger needs one name per function" %
              (d, " and ".join(sorted(where[d])))); fail = 1
for d in sorted(defs - set(total)):
    print("prove: function without contract or goals:", d); fail = 1
old, old_total = {}, 0
if os.path.exists(ledger):
    for l in open(ledger):
        p = l.split()
        if len(p) >= 2 and "/" in p[1] and not l.startswith("#"):
            if p[0] == "TOTAL":   # the totals line, not a function
                old_total = int(p[1].split("/")[0])
            else:
                old[p[0]] = int(p[1].split("/")[0])
print("%-26s %9s  %s" % ("function", "proved", "provers"))
for fn in sorted(total):
    ok = proved.get(fn, 0) == total[fn]
    print("%-26s %4d/%-4d %s%s" % (fn, proved.get(fn, 0), total[fn], ",".join(sorted(provers.get(fn, []))), "" if ok else "  UNPROVED"))
    if not ok: fail = 1
    if proved.get(fn, 0) < old.get(fn, 0):
        print("prove: %s fell below the ledger (%d < %d)" % (fn, proved.get(fn, 0), old[fn])); fail = 1
for fn in old:
    if fn not in total:
        print("prove: ledger function %s has no goals now" % fn); fail = 1
P, T = sum(proved.values()), sum(total.values())
print("total %d/%d goals proved" % (P, T))
if P < old_total:
    print("prove: total proved fell below the ledger (%d < %d)" % (P, old_total)); fail = 1
if fail:
    print("make prove: FAILED"); sys.exit(1)
ver = lambda c: subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip().splitlines()[0]
with open(ledger, "w") as o:
    o.write("# vik proof ledger, written by make prove: function proved/total provers\n")
    o.write("# frama-c %s; %s; %s; %s; %s; %s\n" % (ver("frama-c -version"), ver("why3 --version"), ver("z3 --version"), ver("cvc5 --version"), ver("gappa --version 2>&1"), ver("coqc --version")))
    o.write("# Coq: an ACSL lemma that WP assumes (spec/exp_logic.h, VIK_EXP_FACTS) and coqc proves\n"
            "# (proofs/coq, checked inside make prove by proofs/coq.sh)\n")
    o.write("# what the goals cover, what is proved in a weaker form and what is not yet proved\n"
            "# (e.g. the encoders' global nearest-even form): verified/NOTES.md\n")
    o.write("# trusted, not proved: mm_split (harness/model.c), the products over POSIX threads;\n"
            "# WP uses its contract, vik_wmat_matmul's (verified/NOTES.md, \"Forward pass\")\n")
    for fn in sorted(total):
        o.write("%-26s %d/%d %s\n" % (fn, proved.get(fn, 0), total[fn], ",".join(sorted(provers.get(fn, [])))))
    o.write("TOTAL %d/%d\n" % (P, T))
print("ledger written:", ledger)
