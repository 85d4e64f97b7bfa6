#!/bin/sh
# pesx neb on a free molecule whose product is given in another orientation:
# the product is superposed on the reactant first, so the band and its
# barrier are those of the unrotated pair; --no-align shows what the band
# gives without it (the molecule turns, and the "barrier" is not LJ7's).
# LJ7 pentagonal bipyramid -> capped octahedron, -p lj.
. "$top_srcdir/tests/cli/lib.sh"

cp "$top_srcdir/tests/data/lj7/bipyramid.xyz" "$top_srcdir/tests/data/lj7/octahedron.xyz" "$work/"
turn "$work/octahedron.xyz" >"$work/octahedron-turned.xyz"

# forward barrier printed by pesx neb into $1
barrier() { sed -n 's/^  forward barrier *\([-0-9.]*\) eV.*/\1/p' "$1"; }
neb() {
    out=$1
    shift
    (cd "$work" && "$PESX" neb bipyramid.xyz "$@" -p lj --fmax-ci 0.001 -o band.xyz \
        --saddle saddle.xyz --checkpoint-every 0 -v) >"$work/$out" 2>&1
}
# assert |A - B| <= TOL (or > TOL with "far")
close() {
    checks=$((checks + 1))
    if awk -v a="$1" -v b="$2" -v t="$3" -v far="$5" 'BEGIN {
            if (a == "" || b == "") exit 1; d = a - b; if (d < 0) d = -d
            exit far ? !(d > t) : !(d <= t) }'; then
        pass "$4 ($1 vs $2)"
    else
        fail "$4: $1 vs $2 (tolerance $3)"
    fi
}

neb same.txt octahedron.xyz || fail "neb on the pair as given: exit $?"
neb turned.txt octahedron-turned.xyz || fail "neb with a rotated product: exit $?"
b0=$(barrier "$work/same.txt")
b1=$(barrier "$work/turned.txt")
# the saddle between the two (tests/data/lj7/README.md): -15.444734 - (-16.505384)
close "$b0" 1.060650 0.001 "barrier of the pair as given is LJ7's saddle"
close "$b1" "$b0" 0.001 "a rotated and shifted product gives the same barrier"
checks=$((checks + 1))
if grep -q "superposed octahedron-turned.xyz on the reactant" "$work/turned.txt"; then
    pass "the superposition is reported (-v)"
else
    fail "no superposition message"; sed 's/^/  | /' "$work/turned.txt" | head -5
fi
# Without the superposition the band has to turn the molecule: another path
neb noalign.txt octahedron-turned.xyz --no-align
b2=$(barrier "$work/noalign.txt")
close "$b2" "$b0" 0.05 "--no-align keeps the rotated product (a different band)" far
expect 2 "--no-align do not apply" "--resume with --no-align is refused" \
    -- "$PESX" neb --resume "$work/band.xyz" -p lj --no-align
finish
