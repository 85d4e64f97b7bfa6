#!/bin/sh
# pesx opt: relaxes to the known minimum, reports its criterion, respects
# fixed atoms, writes its files, and rejects bad usage.
. "$top_srcdir/tests/cli/lib.sh"
lj13=$top_srcdir/examples/lj13/start.xyz

for opt in lbfgs fire; do
    expect 0 'converged: energy -44\.32680[01]' "LJ13 with $opt reaches -44.326801" -- \
        "$PESX" opt "$lj13" -p lj --optimizer $opt --fmax 1e-5 -o "$work/$opt.xyz" -q
done
expect 0 'converged: energy -44\.32680[01]' "plain L-BFGS (--precon none)" -- \
    "$PESX" opt "$lj13" -p lj --precon none --fmax 1e-5 -o "$work/plain.xyz" -q
expect 2 "unknown preconditioner 'x'" "unknown preconditioner" -- "$PESX" opt "$lj13" -p lj --precon x
expect 0 'largest atom force <= 0.01 eV/A' "default criterion is stated" -- \
    "$PESX" opt "$lj13" -p lj -o "$work/a.xyz"
expect 0 'force norm <= 0.001 eV/A' "norm criterion is stated" -- \
    "$PESX" opt "$lj13" -p lj --fmax 0 --fnorm 1e-3 -o "$work/b.xyz"
expect 0 '' "trajectory" -- "$PESX" opt "$lj13" -p lj -o "$work/c.xyz" --traj "$work/traj.xyz" -q
frames=$(grep -c '^13$' "$work/traj.xyz")
[ "$frames" -gt 2 ] && pass "trajectory has $frames frames" || fail "trajectory has $frames frames"
expect 1 'NOT converged' "max-steps exhausted gives exit 1" -- \
    "$PESX" opt "$lj13" -p lj --max-steps 2 -o "$work/d.xyz"
[ -s "$work/d.xyz" ] && pass "unconverged run still writes its structure" || fail "no output after max-steps"

# Fixed atoms (ASE's move_mask, False = fixed) never move.
{
    echo 13
    echo 'Properties=species:S:1:pos:R:3:move_mask:L:1'
    sed -n '3,$p' "$lj13" | awk 'NR <= 3 { print $0, "F"; next } { print $0, "T" }'
} >"$work/fixed.xyz"
expect 0 'converged' "relax with 3 fixed atoms" -- "$PESX" opt "$work/fixed.xyz" -p lj -o "$work/fixed-out.xyz" -q
if /usr/bin/python3 -c 'import ase.io' 2>/dev/null; then
    checks=$((checks + 1))
    if /usr/bin/python3 - "$work/fixed.xyz" "$work/fixed-out.xyz" <<'PY'
import sys, ase.io, numpy as np
a, b = ase.io.read(sys.argv[1]), ase.io.read(sys.argv[2])
d = np.linalg.norm(a.positions - b.positions, axis=1)
assert np.all(d[:3] == 0.0), d[:3]
assert np.all(d[3:] > 0.0)
assert len(b.constraints) == 1, "move_mask was not written back"
PY
    then pass "fixed atoms did not move; ASE sees the constraint"; else fail "fixed atoms moved or constraint lost"; fi
fi

expect 2 'unknown optimizer .bogus.; choose one of: .*lbfgs' "unknown optimizer" -- \
    "$PESX" opt "$lj13" -p lj --optimizer bogus
expect 2 "--fmax: 'abc'" "non-numeric --fmax" -- "$PESX" opt "$lj13" -p lj --fmax abc
expect 2 'max-step' "negative --max-step" -- "$PESX" opt "$lj13" -p lj --max-step -1
expect 2 'needs --fnorm' "no criterion at all" -- "$PESX" opt "$lj13" -p lj --fmax 0
printf '2\n\nAr 0 0 0\nAr 1.0 nan 0\n' >"$work/nan.xyz"
expect 2 'nan.xyz:4:' "NaN start" -- "$PESX" opt "$work/nan.xyz" -p lj
finish
