#!/bin/sh
# pesx neb / pesx barrier: the LJ adatom hop against ASE's barrier, the
# outputs (band, saddle, XML, SVG), resume after a stop and after SIGINT,
# and clear errors for endpoints that do not match.
. "$top_srcdir/tests/cli/lib.sh"
d=$top_srcdir/tests/data/neb
r=$d/lj_hop_reactant.xyz
p=$d/lj_hop_product.xyz
ref=$(sed -n 's/^forward_barrier //p' "$d/lj_hop_reference.txt")
cd "$work" || exit 1

# attr FILE ELEMENT ATTRIBUTE: a value of the XML report
attr() { sed -n "s/.*<$2 [^>]*$3=\"\([^\"]*\)\".*/\1/p" "$1" | head -1; }
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(a != "" && d < t && -d < t) }'; }

expect 0 'converged: barrier 1\.3665' "LJ adatom hop converges" -- \
    "$PESX" neb "$r" "$p" -p lj --fmax-ci 1e-4 --report hop.xml --plot hop.svg -o band.xyz \
    --saddle saddle.xyz
checks=$((checks + 1))
fw=$(attr hop.xml barrier forward)
if near "$fw" "$ref" 1e-4; then pass "barrier $fw = ASE's $ref to 1e-4"; else fail "barrier $fw, ASE $ref"; fi
checks=$((checks + 1))
n=$(grep -c '^17$' band.xyz)
[ "$n" -eq 9 ] && pass "band has 9 frames" || fail "band has $n frames"
checks=$((checks + 1))
if grep -q '<force-calls total="[0-9]*" per-image="[0-9]*"/>' hop.xml &&
    grep -q '<saddle energy=.* fmax=.* fnorm=' hop.xml && grep -q '</svg>' hop.svg &&
    [ "$(grep -c '^17$' saddle.xyz)" -eq 1 ]; then
    pass "report, plot and saddle written"
else
    fail "report, plot or saddle incomplete"
fi
checks=$((checks + 1))
lc=$(attr hop.xml ledger calls); fc=$(attr hop.xml force-calls total); ls=$(attr hop.xml ledger seconds)
if [ -n "$lc" ] && [ "$lc" -ge "$fc" ] && near "$ls" 0 1e6 && grep -q "^  potential calls  *$lc " "$work/out"; then
    pass "ledger: $lc potential calls (>= $fc force calls of the band), $ls s"
else
    fail "ledger '$lc' calls, '$ls' s (band $fc force calls)"
fi

if [ -x /usr/bin/python3 ]; then
    checks=$((checks + 1))
    if /usr/bin/python3 -c '
import sys, xml.etree.ElementTree as E
assert E.parse("hop.xml").getroot().tag == "pesx-report"
assert E.parse("hop.svg").getroot().tag.endswith("svg")' 2>/dev/null; then
        pass "report and plot are well-formed XML"
    else
        fail "report or plot is not well-formed XML"
    fi
fi

# ASE reads the band (energies, forces) and its NEBTools spline agrees with ours
if /usr/bin/python3 -c 'import ase.io' 2>/dev/null; then
    checks=$((checks + 1))
    if /usr/bin/python3 - band.xyz "$(attr hop.xml spline barrier)" <<'PY'
import sys, ase.io
try:
    from ase.mep import NEBTools
except ImportError:
    from ase.neb import NEBTools
band = ase.io.read(sys.argv[1], index=':')
assert len(band) == 9 and band[4].get_forces().shape == (17, 3)
barrier, _ = NEBTools(band).get_barrier(fit=True)
assert abs(barrier - float(sys.argv[2])) < 1e-5, (barrier, sys.argv[2])
PY
    then pass "ASE reads the band; NEBTools' fitted barrier = ours"; else fail "ASE disagrees"; fi
fi

# variants reach the same saddle: a guess through the saddle, energy-weighted
# springs, FIRE, relaxed endpoints, linear interpolation; --traj has every band
for v in "--guess saddle.xyz" "--k-min 0.5" "--optimizer fire --max-steps 3000" "--relax-ends" \
    "--interp linear --traj traj.xyz"; do
    expect 0 'converged' "variant $v" -- "$PESX" neb "$r" "$p" -p lj --fmax-ci 1e-4 $v \
        --report v.xml -o v.xyz --saddle vs.xyz -q
    checks=$((checks + 1))
    near "$(attr v.xml barrier forward)" "$fw" 1e-4 && pass "variant $v: same barrier" ||
        fail "variant $v: barrier $(attr v.xml barrier forward) vs $fw"
done
checks=$((checks + 1))
steps=$(attr v.xml pesx-report iterations)
frames=$(grep -c '^17$' traj.xyz)
[ "$frames" -eq $((9 * (steps + 1))) ] && pass "traj: $frames frames for $steps steps" ||
    fail "traj: $frames frames for $steps steps"

# pesx barrier on the band: from the stored energies, and recomputed
expect 0 'forward barrier +1\.3665' "barrier from the stored energies" -- "$PESX" barrier band.xyz
expect 0 'force calls +9$' "barrier recomputed with -p" -- "$PESX" barrier band.xyz -p lj \
    --report b.xml
checks=$((checks + 1))
near "$(attr b.xml barrier forward)" "$fw" 1e-9 && pass "same barrier both ways" ||
    fail "pesx barrier gives $(attr b.xml barrier forward), neb gave $fw"
{ echo 17; echo; } >plain.xyz && sed -n '3,$p' "$r" | awk '{ print $1, $2, $3, $4 }' >>plain.xyz
cat plain.xyz plain.xyz plain.xyz >noenergy.xyz
expect 2 'noenergy.xyz:1: frame 1 has no energy=' "band without energies needs -p" -- \
    "$PESX" barrier noenergy.xyz

# swapped endpoints: the same saddle
expect 0 'converged' "swapped endpoints" -- "$PESX" neb "$p" "$r" -p lj --fmax-ci 1e-4 \
    --report swap.xml -o swap.xyz --saddle s2.xyz -q
checks=$((checks + 1))
near "$(attr swap.xml barrier reverse)" "$fw" 1e-4 && pass "swapped: reverse barrier = forward" ||
    fail "swapped: reverse $(attr swap.xml barrier reverse) vs forward $fw"

# stopped, then resumed: the same barrier
expect 1 'checkpoint written to chk.xyz' "stopped run leaves a checkpoint" -- \
    "$PESX" neb "$r" "$p" -p lj --fmax-ci 1e-4 --max-steps 4 --checkpoint chk.xyz -o x.xyz \
    --saddle y.xyz
expect 0 'resuming chk.xyz: 9 images, step 4' "resume converges" -- \
    "$PESX" neb --resume chk.xyz -p lj --fmax-ci 1e-4 --report res.xml -o x.xyz --saddle y.xyz
checks=$((checks + 1))
near "$(attr res.xml barrier forward)" "$fw" 1e-4 && pass "resumed barrier = uninterrupted" ||
    fail "resumed barrier $(attr res.xml barrier forward) vs $fw"

# SIGINT: the handler only sets a flag; the run stops and writes its checkpoint
"$PESX" neb "$r" "$p" -p lj --fmax 0 --fmax-ci 1e-300 --max-steps 100000000 -q \
    --checkpoint int.xyz --checkpoint-every 0 -o i.xyz --saddle j.xyz >int.out 2>int.err &
pid=$!
sleep 1
kill -INT $pid
wait $pid
st=$?
checks=$((checks + 1))
if [ "$st" -eq 1 ] && grep -q 'interrupted after' int.err && [ "$(grep -c '^17$' int.xyz)" -eq 9 ]; then
    pass "SIGINT: exit 1 and a 9-image checkpoint"
else
    fail "SIGINT: exit $st"; sed 's/^/  | /' int.err | head -3
fi
expect 0 'converged' "resume after SIGINT" -- "$PESX" neb --resume int.xyz -p lj -o k.xyz \
    --saddle l.xyz -q

# A free molecule under a neural-network committee (examples/ch3nc): the
# default L-BFGS band used to turn its images along the flat rigid-body
# directions and run into the network's holes (forces of 1e5 eV/A, no
# convergence in 1000 steps); now it converges to FIRE's saddle (2.7703 eV,
# examples/ch3nc/README), also with 5 images climbing from the start.
ex=${abs_top_srcdir:?}/examples/ch3nc
for v in "" "-n 5 --climb on"; do
    expect 0 '^converged: barrier' "ch3nc, default L-BFGS $v" -- "$PESX" neb \
        "$ex/reactant.xyz" "$ex/product.xyz" -p "$abs_top_srcdir/potentials/ch3nc.xml" \
        --guess "$ex/guess.xyz" $v --report ch3nc.xml -o ch3nc.xyz --saddle ch3nc-s.xyz \
        --checkpoint-every 0 -q
    checks=$((checks + 1))
    near "$(attr ch3nc.xml barrier forward)" 2.7703 0.002 && ! grep -q 'outside' "$work/out" &&
        pass "ch3nc $v: barrier $(attr ch3nc.xml barrier forward) eV, no image off the data" ||
        fail "ch3nc $v: barrier $(attr ch3nc.xml barrier forward) eV"
done

# endpoints that do not match
head -n 18 "$p" | sed '1s/17/16/' >short.xyz
expect 2 'short.xyz:1: atom count differs: 16 atoms here, 17 in' "atom count" -- \
    "$PESX" neb "$r" short.xyz -p lj
{ echo 2; echo; echo 'H 0 0 0'; echo 'O 0 0 1'; } >ho.xyz
{ echo 2; echo; echo 'O 0 0 0'; echo 'H 0 0 1'; } >oh.xyz
expect 2 'oh.xyz:3: element order differs: atom 1 is O here but H in' "element order" -- \
    "$PESX" neb ho.xyz oh.xyz -p lj
{ echo 2; echo; echo 'H 0 0 0'; echo 'H 0 0 nan'; } >nan.xyz
expect 2 'nan.xyz:4' "NaN coordinate" -- "$PESX" neb ho.xyz nan.xyz -p lj
{ echo 2; echo 'Lattice="5 0 0 0 5 0 0 0 5" pbc="T T T"'; echo 'H 0 0 0'; echo 'O 0 0 1'; } >hop.xyz
expect 2 'pbc differs' "pbc" -- "$PESX" neb ho.xyz hop.xyz -p lj
expect 2 'a reactant and a product' "one endpoint only" -- "$PESX" neb "$r" -p lj
expect 2 'no-such.xyz' "missing file" -- "$PESX" neb "$r" no-such.xyz -p lj
expect 2 '--climb' "bad --climb" -- "$PESX" neb "$r" "$p" -p lj --climb sometimes
finish
