#!/bin/sh
# pesx neb's outputs (issue 12): every output location checked before the
# first force call; side files (saddle, checkpoint) named from -o, the
# checkpoint removed once the run converged; identical endpoints refused up
# front; one "saddle fmax" (the true force) in pesx neb and pesx barrier.
. "$top_srcdir/tests/cli/lib.sh"
d=$top_srcdir/tests/data/neb
r=$d/lj_hop_reactant.xyz
p=$d/lj_hop_product.xyz
cd "$work" || exit 1
attr() { sed -n "s/.*<$2 [^>]*$3=\"\([^\"]*\)\".*/\1/p" "$1" | head -1; }
# no_work DESCRIPTION: the run printed no step and wrote no band or checkpoint
no_work() {
    checks=$((checks + 1))
    if grep -Eq '^ +[0-9]+ ' "$work/out" || ls neb-*.xyz >/dev/null 2>&1; then
        fail "$1: work was done before the error"
    else
        pass "$1: refused before any force call"
    fi
}

# an output in a directory that does not exist: refused before the band
for o in "-o /nonexistent/dir/band.xyz" "--saddle /nonexistent/s.xyz" \
    "--report /nonexistent/r.xml" "--plot /nonexistent/p.svg" "--traj /nonexistent/t.xyz" \
    "--checkpoint /nonexistent/c.xyz"; do
    expect 1 "/nonexistent.*(No such file|cannot)" "neb $o" -- "$PESX" neb "$r" "$p" -p lj $o
    no_work "neb $o"
done

# side files from -o: runs of many pairs in one directory keep apart
mkdir runs
expect 0 'wrote runs/a\.xyz, runs/a-saddle\.xyz' "saddle file named from -o" -- \
    "$PESX" neb "$r" "$p" -p lj -o runs/a.xyz --checkpoint-every 1 -q
checks=$((checks + 1))
[ -f runs/a-saddle.xyz ] && [ ! -e neb-saddle.xyz ] && [ ! -e neb-checkpoint.xyz ] &&
    pass "nothing lands in the current directory" || fail "side files in the current directory"
checks=$((checks + 1))
[ ! -e runs/a-checkpoint.xyz ] && pass "converged: the checkpoint written every step is removed" ||
    fail "converged run left runs/a-checkpoint.xyz"
expect 1 'checkpoint written to runs/b-checkpoint\.xyz' "checkpoint named from -o (trailing -band dropped)" -- \
    "$PESX" neb "$r" "$p" -p lj -o runs/b-band.xyz --max-steps 3
expect 0 'wrote runs/b-band\.xyz, runs/b-saddle\.xyz' "resumed run converges" -- \
    "$PESX" neb --resume runs/b-checkpoint.xyz -p lj -o runs/b-band.xyz -q
checks=$((checks + 1))
[ ! -e runs/b-checkpoint.xyz ] && pass "converged resume removes the checkpoint it resumed from" ||
    fail "runs/b-checkpoint.xyz left after the resumed run converged"

# identical endpoints: refused before any force call (the same structure,
# and a free molecule turned and moved: the same after superposition)
expect 2 'same structure as' "identical endpoints" -- "$PESX" neb "$r" "$r" -p lj
no_work "identical endpoints"
printf '3\n\nO 0 0 0\nH 0.96 0 0\nH -0.24 0.93 0\n' >w.xyz
turn w.xyz >wt.xyz
expect 2 'wt.xyz.*same structure as' "a free molecule turned and moved" -- \
    "$PESX" neb w.xyz wt.xyz -p "morse:D=4.7,alpha=1.9,r0=0.96"
no_work "a turned molecule"

# one saddle fmax: neb's report gives the true force of the climbing
# image, as pesx barrier does on the band it wrote (ch3nc: the NEB force's
# largest atom is 0.005558, the true force's 0.007006)
ex=${abs_top_srcdir:?}/examples/ch3nc
expect 0 '^converged' "ch3nc band" -- "$PESX" neb "$ex/reactant.xyz" "$ex/product.xyz" \
    -p "$abs_top_srcdir/potentials/ch3nc.xml" --guess "$ex/guess.xyz" --report n.xml -o ch3nc.xyz -q
expect 0 'saddle fmax.*true force' "barrier on the ch3nc band" -- "$PESX" barrier ch3nc.xyz \
    --report b.xml
checks=$((checks + 1))
fn=$(attr n.xml saddle fmax) fb=$(attr b.xml saddle fmax)
[ -n "$fn" ] && [ "$fn" = "$fb" ] && pass "saddle fmax $fn in both reports" ||
    fail "saddle fmax: neb $fn, barrier $fb"
finish
