#!/bin/sh
# pesx barrier on files that are not one simple band (issue 12): a --traj
# file of many bands reports its last band (found from the repeated
# endpoints, or --images N); a path through an intermediate minimum is
# flagged, with the spline's extrema and the barrier of each elementary step.
. "$top_srcdir/tests/cli/lib.sh"
d=$top_srcdir/tests/data/neb
cd "$work" || exit 1
attr() { sed -n "s/.*<$2 [^>]*$3=\"\([^\"]*\)\".*/\1/p" "$1" | head -1; }
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(a != "" && d < t && -d < t) }'; }

# the LJ adatom hop, every band of the run in traj.xyz (9 frames a band)
expect 0 'converged' "LJ hop with --traj" -- "$PESX" neb "$d/lj_hop_reactant.xyz" \
    "$d/lj_hop_product.xyz" -p lj --interp linear --traj traj.xyz -o band.xyz --report neb.xml -q
fw=$(attr neb.xml barrier forward)
nb=$(($(grep -c '^17$' traj.xyz) / 9))
expect 0 "$nb bands of 9 images.*the last one" "traj: the bands are found" -- \
    "$PESX" barrier traj.xyz --report traj.xml
checks=$((checks + 1))
near "$(attr traj.xml barrier forward)" "$fw" 1e-9 && pass "traj: the last band's barrier $fw" ||
    fail "traj: barrier $(attr traj.xml barrier forward), the band's $fw"
expect 0 'the last one' "traj with --images 7" -- "$PESX" barrier traj.xyz --images 7 \
    --report n7.xml
checks=$((checks + 1))
near "$(attr n7.xml barrier forward)" "$fw" 1e-9 && pass "--images 7: the same band" ||
    fail "--images 7: barrier $(attr n7.xml barrier forward)"
expect 2 'traj.xyz:[0-9]+: frame 8 should start band 2' "--images 5 does not fit the file" -- \
    "$PESX" barrier traj.xyz --images 5
expect 2 'are not bands of 10 images' "--images 8: frames not a multiple" -- \
    "$PESX" barrier traj.xyz --images 8
expect 0 'forward barrier' "a single band is one band" -- "$PESX" barrier band.xyz
checks=$((checks + 1))
! grep -q 'bands of' "$work/out" && pass "no band split on a single band" ||
    fail "a single band was split"

# An LJ dimer stretched from 1.05 to 1.5 sigma passes its minimum (1.1225
# sigma, E = -1 up to the cutoff shift): five images lie below both
# endpoints; the spline has one interior minimum; two elementary steps, the
# first downhill (forward 0), the second up to the product.
for x in 1.05 1.08 1.11 1.14 1.18 1.24 1.32 1.5; do
    printf '2\n\nAr 0 0 0\nAr %s 0 0\n' "$x"
done >dimer.xyz
expect 0 'warning: 5 images lie below both endpoints' "intermediate minimum flagged" -- \
    "$PESX" barrier dimer.xyz -p lj --report dimer.xml
checks=$((checks + 1))
grep -Eq 'extremum 1: minimum at image 2\.[0-9]+' "$work/out" && ! grep -q 'extremum 2' "$work/out" &&
    pass "the spline's one extremum: a minimum near image 2" || fail "spline extrema listed wrong"
checks=$((checks + 1))
emin=$(sed -n 's/.*<extremum kind="minimum"[^>]* energy="\([^"]*\)".*/\1/p' dimer.xml)
er=$(attr dimer.xml reactant energy) ep=$(attr dimer.xml product energy)
# the LJ minimum is epsilon below the dissociation limit, whatever the shift
lim=$(awk -v r="$er" 'BEGIN { x = 1.05; print r - 4 * (x ^ -12 - x ^ -6) }')
near "$emin" "$(awk -v l="$lim" 'BEGIN { print l - 1 }')" 2e-3 &&
    pass "spline minimum $emin = the LJ minimum to 2 meV" || fail "spline minimum $emin, limit $lim"
checks=$((checks + 1))
s1f=$(sed -n 's/.*<step index="1"[^>]* forward="\([^"]*\)".*/\1/p' dimer.xml)
s2f=$(sed -n 's/.*<step index="2"[^>]* forward="\([^"]*\)".*/\1/p' dimer.xml)
s2r=$(sed -n 's/.*<step index="2"[^>]* reverse="\([^"]*\)".*/\1/p' dimer.xml)
near "$s1f" 0 1e-12 && near "$s2f" "$(awk -v a="$ep" -v b="$emin" 'BEGIN { print a - b }')" 1e-9 &&
    near "$s2r" 0 1e-12 && grep -q '<steps count="2" images-below-endpoints="5">' dimer.xml &&
    pass "two elementary steps: downhill, then up to the product ($s2f eV)" ||
    fail "steps: 1 forward $s1f, 2 forward $s2f reverse $s2r"
finish
