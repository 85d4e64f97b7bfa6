#!/bin/sh
# pesx neb on the reference method itself: CI-NEB with -p emt (7 images,
# converged to 0.001 eV/A, as the references were) gives ASE's EMT barrier
# of examples/agcu100 (reference.txt: 0.3654 eV, 4 decimals; pesx 0.365427)
# and of ../shared/data/auAl100 (reference.json: 0.3740717927 eV; pesx
# 0.3740721).  The auAl100 part needs $PESX_SHARED.
. "$top_srcdir/tests/cli/lib.sh"
cd "$work" || exit 1

# neb_emt NAME DIR: the band, and its forward barrier (XML report) in $got
neb_emt() {
    expect 0 '^converged: barrier' "pesx neb -p emt on $1" -- \
        "$PESX" neb "$2/reactant.xyz" "$2/product.xyz" -p emt -n 7 --fmax 0.001 --fmax-ci 0.001 \
        -o "$1-band.xyz" --report "$1.xml"
    got=$(sed -n 's/.*<barrier [^>]*forward="\([^"]*\)".*/\1/p' "$1.xml" 2>/dev/null)
}

# within NAME GOT REF TOL
within() {
    checks=$((checks + 1))
    if awk -v b="$2" -v r="$3" -v t="$4" 'BEGIN { d = b - r; if (d < 0) d = -d; exit !(b != "" && r != "" && d <= t) }'; then
        pass "$1: barrier $2 eV, ASE's EMT $3 eV"
    else
        fail "$1: barrier '$2' eV, ASE's EMT '$3' eV (tolerance $4)"
    fi
}

ex=${abs_top_srcdir:?}/examples/agcu100
neb_emt agcu100 "$ex"
ref=$(sed -n 's/^barrier \([-0-9.]*\) eV.*/\1/p' "$ex/reference.txt")
within agcu100 "$got" "$ref" 6e-5

data=${PESX_SHARED:-}/data/auAl100
if [ -n "${PESX_SHARED:-}" ] && [ -f "$data/reference.json" ]; then
    neb_emt auAl100 "$data"
    ref=$(sed -n 's/.*"barrier_forward": *\([-0-9.e]*\).*/\1/p' "$data/reference.json")
    within auAl100 "$got" "$ref" 2e-6
else
    echo "skipped auAl100: \$PESX_SHARED/data/auAl100 is absent"
fi
finish
