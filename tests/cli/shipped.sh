#!/bin/sh
# The potentials shipped in potentials/ load by name (-p NAME through
# PESX_POTENTIAL_PATH, as after make install), and the README's first
# command works: pesx neb on the example with its shipped committee
# converges and lands within TOL of the reference method's barrier
# (examples/NAME/reference.txt), with a committee spread in the report.
#
# Tolerances are measured, not hoped for: agcu100 gives 0.3673 eV against
# EMT's 0.3654 eV (TOL 0.03 eV); ch3nc gives 2.7703 eV against GFN2-xTB's
# 2.8073 eV (TOL 0.1 eV; its committee spread is 0.05 eV).
. "$top_srcdir/tests/cli/lib.sh"
src=${abs_top_srcdir:?}
PESX_POTENTIAL_PATH=$src/potentials
export PESX_POTENTIAL_PATH
cd "$work" || exit 1

# shipped NAME TOL [extra pesx neb options]
shipped() {
    name=$1 tol=$2
    shift 2
    ex=$src/examples/$name
    ref=$(sed -n 's/^barrier \([-0-9.]*\) eV.*/\1/p' "$ex/reference.txt")
    expect 0 '^converged: barrier' "pesx neb on examples/$name with -p $name" -- \
        "$PESX" neb "$ex/reactant.xyz" "$ex/product.xyz" -p "$name" -o "$name-band.xyz" \
        --report "$name.xml" "$@"
    grep 'forward barrier' "$work/out"
    got=$(sed -n 's/.*<barrier [^>]*forward="\([^"]*\)".*/\1/p' "$name.xml")
    checks=$((checks + 2))
    if awk -v b="$got" -v r="$ref" -v t="$tol" 'BEGIN { d = b - r; if (d < 0) d = -d; exit !(b != "" && d < t) }'; then
        pass "$name: barrier $got eV within $tol eV of the reference $ref eV"
    else
        fail "$name: barrier '$got' eV not within $tol eV of the reference $ref eV"
    fi
    grep -q '<barrier [^>]*forward-std=' "$name.xml" && pass "$name: committee spread reported" ||
        fail "$name: no forward-std in the report"
}

shipped agcu100 0.03
shipped ch3nc 0.1 --guess "$src/examples/ch3nc/guess.xyz"

# a name that is not installed: a clear error, exit 2
expect 2 'no-such-potential' "unknown potential name" -- \
    "$PESX" eval "$src/examples/agcu100/reactant.xyz" -p no-such-potential
finish
