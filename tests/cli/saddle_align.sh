#!/bin/sh
# pesx saddle --reactant/--product on a free molecule: the connected minima
# are compared after the best rotation and translation (Kabsch), so a given
# endpoint in another orientation matches, a different isomer or a mirror
# image does not, and the side nearest a rotated endpoint is chosen.  In a
# periodic cell the comparison stays in place (minimum image).  LJ7:
# pentagonal bipyramid (E = -16.505384) -> saddle (-15.444734) -> capped
# octahedron (-15.935043).
. "$top_srcdir/tests/cli/lib.sh"

# near the saddle (atom 1 moved by 0.02 A), with the saddle's lowest mode
cat >"$work/start.xyz" <<'XYZ'
7
Properties=species:S:1:pos:R:3:mode:R:3 pbc="F F F"
Ar   0.81836329   0.14152884   0.03636994  -0.39656   0.18478   0.24057
Ar   0.25028706   1.05043795  -0.29472399  -0.02354   0.12939  -0.39186
Ar  -0.59540058   0.54183152   0.21738941   0.48209  -0.07552   0.12973
Ar  -0.75718742  -0.55498840   0.03459213   0.02467   0.07868  -0.04316
Ar   0.31462197  -0.86282461  -0.10461230  -0.00268   0.07622  -0.02911
Ar   0.02549013  -0.20277974   0.74579967  -0.06046  -0.38291   0.32464
Ar  -0.08493730   0.03429733  -0.62872610  -0.02351  -0.01064  -0.23081
XYZ
# the same with the mode reversed: the -N side is then the capped octahedron
awk 'NR <= 2 { print; next } { print $1, $2, $3, $4, -$5, -$6, -$7 }' \
    "$work/start.xyz" >"$work/start-neg.xyz"
# the two minima the saddle connects (pesx opt --fmax 1e-7 from the saddle +- 0.1 A along the mode)
cp "$top_srcdir/tests/data/lj7/bipyramid.xyz" "$top_srcdir/tests/data/lj7/octahedron.xyz" "$work/"
turn "$work/octahedron.xyz" >"$work/octahedron-turned.xyz"
turn "$work/bipyramid.xyz" >"$work/bipyramid-turned.xyz"
MIRROR=1 turn "$work/octahedron.xyz" >"$work/octahedron-mirror.xyz"

# rmsd printed on the line of SIDE (reactant|product) of $work/out
rmsd_of() { sed -n "s/^# $1 .*rmsd \([^ ]*\) A.*/\1/p" "$work/out"; }
# assert LO <= rmsd of SIDE <= HI
rmsd_in() {
    checks=$((checks + 1))
    r=$(rmsd_of "$1")
    if [ -n "$r" ] && awk -v r="$r" -v lo="$2" -v hi="$3" 'BEGIN { exit !(r >= lo && r <= hi) }'; then
        pass "$4 (rmsd $r A)"
    else
        fail "$4: rmsd '$r' not in [$2, $3]"
    fi
}

run() {
    "$PESX" saddle "$work/start.xyz" -p lj --mode "$work/start.xyz" --no-hessian \
        -o "$work/s.xyz" "$@"
}

# the product given in another orientation and place matches
expect 0 'product matches .*octahedron-turned.xyz \(after rotation and translation' \
    "a turned product matches" -- run --reactant "$work/bipyramid.xyz" \
    --product "$work/octahedron-turned.xyz"
grep -q '^# reactant matches .*bipyramid.xyz' "$work/out" && pass "the reactant matches" ||
    fail "the reactant does not match"
checks=$((checks + 1))
rmsd_in product 0 1e-3 "turned product: rmsd after superposition below 1e-3 A"
rmsd_in reactant 0 1e-3 "reactant: rmsd after superposition below 1e-3 A"

# the reactant turned, and a different isomer as the product (the reactant
# turned once more): the product line reports the bipyramid-octahedron rmsd,
# 0.3323 A (ASE's minimize_rotation_and_translation on the two minima)
expect 0 'product does NOT match .*bipyramid-turned.xyz' "a different isomer does not match" -- \
    run --reactant "$work/bipyramid-turned.xyz" --product "$work/bipyramid-turned.xyz"
grep -q '^# reactant matches .*bipyramid-turned.xyz' "$work/out" &&
    pass "a turned reactant matches" || fail "a turned reactant does not match"
checks=$((checks + 1))
rmsd_in product 0.330 0.335 "isomer rmsd 0.3323 A as ASE gives"

# the mirror image of the product is not superposed (proper rotations only;
# atoms in order): ASE gives 0.8455 A between the octahedron and its mirror image
expect 0 'product does NOT match .*octahedron-mirror.xyz' "a mirror image does not match" -- \
    run --reactant "$work/bipyramid.xyz" --product "$work/octahedron-mirror.xyz"
rmsd_in product 0.843 0.848 "mirror-image rmsd 0.8455 A as ASE gives"

# only a turned product given, mode reversed: the side nearest it is the
# product, so the reactant is still the bipyramid (an in-place comparison
# picked the wrong side here)
expect 0 'reactant energy +-16\.50538' "the side nearest a turned product is the product" -- \
    "$PESX" saddle "$work/start-neg.xyz" -p lj --mode "$work/start-neg.xyz" --no-hessian \
    -o "$work/s.xyz" --product "$work/octahedron-turned.xyz"
grep -q '^# product matches' "$work/out" && pass "and it matches" || fail "the product does not match"
checks=$((checks + 1))

# the elements must be the start's, in order
sed '5s/^Ar/Kr/' "$work/octahedron-turned.xyz" >"$work/kr.xyz"
expect 2 'kr.xyz:5: atom 3 is Kr, the start structure has Ar there' "another element is refused" -- \
    run --product "$work/kr.xyz"
head -8 "$work/octahedron.xyz" | sed 1s/7/6/ >"$work/six.xyz"
expect 2 'six.xyz:1: 6 atoms, the start structure has 7' "another atom count is refused" -- \
    run --product "$work/six.xyz"

# in a periodic cell the orientation is fixed: compared in place, through the
# minimum image (a lattice translation of the product matches, a turn does not)
cell='Lattice="12 0 0 0 12 0 0 0 12" pbc="T T T"'
sed "2s/pbc=\"F F F\"/$cell/" "$work/start.xyz" >"$work/pstart.xyz"
awk -v c="$cell" 'NR == 2 { print c; next } NR > 2 { $2 += 12; $4 -= 12 } { print }' \
    "$work/octahedron.xyz" >"$work/poct.xyz"
awk -v c="$cell" 'NR == 2 { print c; next } { print }' "$work/octahedron-turned.xyz" >"$work/poct-turned.xyz"
expect 0 'product matches .*poct.xyz \(in place' "periodic: a lattice translation matches in place" -- \
    "$PESX" saddle "$work/pstart.xyz" -p lj:rc=4 --mode "$work/pstart.xyz" --no-hessian \
    -o "$work/s.xyz" --reactant "$work/bipyramid.xyz" --product "$work/poct.xyz"
# (in place the relaxation's small rigid turn of the cluster shows: ~0.011 A)
rmsd_in product 0 0.05 "periodic: minimum-image rmsd below 0.05 A"
expect 0 'product does NOT match .*poct-turned.xyz \(in place' "periodic: a turned product does not" -- \
    "$PESX" saddle "$work/pstart.xyz" -p lj:rc=4 --mode "$work/pstart.xyz" --no-hessian \
    -o "$work/s.xyz" --reactant "$work/bipyramid.xyz" --product "$work/poct-turned.xyz"
finish
