#!/bin/sh
# End to end on examples/agcu100 (Ag adatom hop on Cu(100), EMT reference):
# pesx fit trains a two-member committee on every 10th structure of train.xml
# (60 Adam epochs, 8-8 networks), pesx neb runs the band between the shipped endpoints on it,
# pesx saddle --dimer --mode-from-band refines the saddle.  Checks that each
# step writes the files it promises and that they parse, that the saddle has
# one imaginary mode and connects the shipped minima, and that the barriers
# lie within TOL of the EMT CI-NEB barrier in reference.txt.
#
# TOL (0.1 eV on 0.365 eV) is loose on purpose: a committee fitted to 67
# structures for a few epochs is a rough surface; it measures that the chain
# works and lands near the right answer, not the accuracy of a full fit (the
# shipped potential's README gives that).
. "$top_srcdir/tests/cli/lib.sh"
ex=${abs_top_srcdir:?}/examples/agcu100
TOL=0.1
cd "$work" || exit 1

ref=$(sed -n 's/^barrier \([-0-9.]*\) eV.*/\1/p' "$ex/reference.txt")
[ -n "$ref" ] || { echo "no barrier line in $ex/reference.txt"; exit 99; }

# every 10th training structure (the relaxations, bands, MD and perturbations alike)
awk '/<structure[ >]/ { keep = (n++ % 10 == 0); inside = 1 }
     inside { if (keep) print; if (/<\/structure>/) inside = 0; next }
     { print }' "$ex/train.xml" >small.xml
awk '/<structure[ >]/ { keep = (n++ % 4 == 0); inside = 1 }
     inside { if (keep) print; if (/<\/structure>/) inside = 0; next }
     { print }' "$ex/test.xml" >small-test.xml
ntrain=$(grep -c '<structure' small.xml)
echo "reduced data: $ntrain training, $(grep -c '<structure' small-test.xml) test structures"

# 1. fit
expect 0 '2 members' "pesx fit: committee of 2 on the reduced set" -- \
    "$PESX" fit small.xml --test small-test.xml --committee 2 --rc 5.0 --hidden 8,8 \
    --optimizer adam --lr 0.01 --lr-final 0.001 --batch 4 --epochs 60 --checkpoint-every 0 -o pot.xml --curve curve.tsv --parity parity.tsv
cat "$work/out"
checks=$((checks + 2))
[ -s pot.xml ] && grep -q '</pesx-potential>' pot.xml && pass "potential.xml written" ||
    fail "no potential.xml"
[ "$(grep -vc '^#' curve.tsv 2>/dev/null || echo 0)" -gt 0 ] && pass "learning curve written" ||
    fail "no learning curve"
expect 0 '' "the potential parses and evaluates the reactant" -- \
    "$PESX" eval "$ex/reactant.xyz" -p pot.xml -o ev.xyz -q
grep -q 'energy_std=' ev.xyz && pass "committee spread in pesx eval output" ||
    fail "no energy_std from the committee"
checks=$((checks + 1))

# 2. NEB on the fitted committee
expect 0 '' "pesx neb on the fitted potential" -- \
    "$PESX" neb "$ex/reactant.xyz" "$ex/product.xyz" -p pot.xml -n 5 --fmax-ci 0.02 \
    -o band.xyz --report neb.xml --plot neb.svg
sed -n '/barrier/p' "$work/out" | head -5
checks=$((checks + 3))
frames=$(awk 'NR == 1 { n = $1 } NR % (n + 2) == 1 { c++ } END { print c }' band.xyz 2>/dev/null)
[ "$frames" = 7 ] && pass "band.xyz holds 7 frames" || fail "band.xyz holds '$frames' frames, expected 7"
grep -q '</svg>' neb.svg && pass "profile SVG written" || fail "no neb.svg"
grep -q '<barrier [^>]*forward-std=' neb.xml && pass "committee spread in the NEB report" ||
    fail "no forward-std in neb.xml"
expect 0 '' "pesx barrier reads the band back" -- "$PESX" barrier band.xyz -q

near() { # near NAME VALUE: |VALUE - ref| < TOL
    checks=$((checks + 1))
    if awk -v b="$2" -v r="$ref" -v t="$TOL" 'BEGIN { d = b - r; if (d < 0) d = -d; exit !(b != "" && d < t) }'; then
        pass "$1 barrier $2 eV within $TOL eV of the EMT reference $ref eV"
    else
        fail "$1 barrier '$2' eV not within $TOL eV of the EMT reference $ref eV"
    fi
}
near "NEB" "$(sed -n 's/.*<barrier [^>]*forward="\([^"]*\)".*/\1/p' neb.xml)"

# 3. dimer refinement from the band
expect 0 '' "pesx saddle --dimer --mode-from-band" -- \
    "$PESX" saddle --dimer --mode-from-band band.xyz -p pot.xml \
    --reactant "$ex/reactant.xyz" --product "$ex/product.xyz" -o saddle.xyz --report saddle.xml
sed -n '/converged\|barrier\|imaginary/p' "$work/out" | head -6
checks=$((checks + 3))
grep -q 'reactant matches' "$work/out" && grep -q 'product matches' "$work/out" &&
    pass "the saddle connects the shipped reactant and product" ||
    fail "the saddle does not connect the shipped minima"
[ -s saddle.xyz ] && pass "saddle.xyz written" || fail "no saddle.xyz"
grep -q '<frequencies [^>]*n-negative="1"' saddle.xml && pass "one imaginary mode at the saddle" ||
    fail "saddle.xml does not report exactly one negative eigenvalue"
expect 0 '' "saddle.xyz parses" -- "$PESX" eval saddle.xyz -p pot.xml -q
near "dimer" "$(sed -n 's/.*<barrier [^>]*forward="\([^"]*\)".*/\1/p' saddle.xml)"

finish
