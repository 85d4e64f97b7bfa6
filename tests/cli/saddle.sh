#!/bin/sh
# pesx saddle: lands on the Mueller-Brown saddles from a mode file, an extxyz
# mode column and a band; checks the Hessian and connects to the minima;
# writes the report; refines a stationary start that is a saddle, refuses
# one that is a minimum and bad input; explores an LJ7 cluster with
# --displace --searches; a committee saddle's rate comes with an interval.
. "$top_srcdir/tests/cli/lib.sh"

printf '1\n\nH -0.75 0.55 0\n' >"$work/mb.xyz"
printf '# mode\n0.05 0.6 0\n' >"$work/mb.mode"
# saddle 1 of Mueller-Brown: (-0.8220016, 0.6243128), E = -40.6648435 (Newton on the analytic gradient)
for rot in lbfgs cg; do
    expect 0 'converged: saddle energy -40\.66484' "Mueller-Brown saddle 1 ($rot rotation)" -- \
        "$PESX" saddle --dimer "$work/mb.xyz" -p muller_brown --mode "$work/mb.mode" \
        --rotation $rot --max-step 0.05 --fnorm 1e-6 -o "$work/mb-$rot.saddle.xyz" \
        --report "$work/mb-$rot.xml" --plot "$work/mb-$rot.svg"
done
grep -q '1 negative eigenvalue' "$work/out" && pass "one negative Hessian eigenvalue" || fail "Hessian check missing"
grep -Eq 'reactant -80\.76781[0-9]* eV, product -146\.69951[0-9]* eV' "$work/out" &&
    pass "connected minima are the two Mueller-Brown minima" || fail "connected minima wrong"
checks=$((checks + 3))
grep -q '<frequencies[^>]*n-negative="1"' "$work/mb-cg.xml" && pass "XML report frequencies" || fail "XML report lacks frequencies"
grep -q '<saddle energy="-40.66484' "$work/mb-cg.xml" && pass "XML saddle energy" || fail "XML saddle energy"
grep -q '<svg' "$work/mb-cg.svg" && pass "SVG written" || fail "no SVG"
awk 'NR == 3 { x = $2 + 0.8220016; y = $3 - 0.6243128; exit !(x * x + y * y < 1e-8) }' \
    "$work/mb-lbfgs.saddle.xyz" && pass "saddle coordinates within 1e-4" || fail "saddle coordinates"
checks=$((checks + 1))

# the mode as an extxyz column (the saddle file written above) from another start
printf '1\n\nH -0.9 0.7 0\n' >"$work/mb2.xyz"
expect 0 'converged: saddle energy -40\.66484' "mode from an extxyz mode column" -- \
    "$PESX" saddle "$work/mb2.xyz" -p muller_brown --mode "$work/mb-lbfgs.saddle.xyz" \
    --max-step 0.05 --fnorm 1e-6 -o "$work/mb2.saddle.xyz" -q

# a band: the start is its highest image, the mode its tangent (saddle 2 at (0.2125, 0.2930), -72.24894)
printf '1\n\nH 0.6235 0.0280 0\n1\n\nH 0.25 0.25 0\n1\n\nH -0.0500 0.4667 0\n' >"$work/band.xyz"
expect 0 'converged: saddle energy -72\.24894' "mode from a band (Mueller-Brown saddle 2)" -- \
    "$PESX" saddle --mode-from-band "$work/band.xyz" -p muller_brown --max-step 0.05 \
    --fnorm 1e-6 -o "$work/band.saddle.xyz" -q

# a band whose images are not the same atoms: file and line named, before any search
printf '1\n\nH 0.6235 0.0280 0\n1\n\nHe 0.25 0.25 0\n1\n\nH -0.0500 0.4667 0\n' >"$work/band-he.xyz"
expect 2 'band-he\.xyz:6: .*atom 1 is He here but H' "a band with another element is refused" -- \
    "$PESX" saddle --mode-from-band "$work/band-he.xyz" -p muller_brown -o "$work/x.xyz"
printf '1\n\nH 0.6235 0.0280 0\n1\n\nH 0.25 0.25 0\n' >"$work/band-2.xyz"
expect 2 'band-2\.xyz.*at least 3 images \(has 2\)' "a band of 2 images is refused" -- \
    "$PESX" saddle --mode-from-band "$work/band-2.xyz" -p muller_brown -o "$work/x.xyz"

# a start at a minimum without a mode or displacement
printf '1\n\nH 0.6234994049 0.0280377585 0\n' >"$work/min.xyz"
expect 2 'the start is a stationary point.*a minimum.*--mode' "start at a minimum is refused with a clear message" -- \
    "$PESX" saddle "$work/min.xyz" -p muller_brown -o "$work/x.xyz"

# a stationary start that is a saddle (a climbing image, a saddle written
# before) is refined along its lowest mode, found from a random one
printf '1\n\nH -0.8220016 0.6243128 0\n' >"$work/mbs.xyz"
expect 0 'converged: saddle energy -40\.66484' "a start at the saddle is refined without a mode" -- \
    "$PESX" saddle "$work/mbs.xyz" -p muller_brown -o "$work/mbs.saddle.xyz" \
    --report "$work/mbs.xml"
checks=$((checks + 1))
grep -q 'stationary point with a negative curvature' "$work/err" &&
    pass "the message says stationary point" || fail "no stationary-point message"
# the dimer report: no spline through its three points, no per-image count
checks=$((checks + 1))
! grep -q '<spline' "$work/mbs.xml" && ! grep -q 'per-image' "$work/mbs.xml" &&
    ! grep -q 'spline maximum' "$work/out" && grep -q '<force-calls total="[0-9]*"/>' "$work/mbs.xml" &&
    pass "dimer report: no three-point spline, no per-image" || fail "dimer report has a spline or per-image"
# the saddle file has the true forces (ASE reads them; pesx eval agrees)
checks=$((checks + 1))
if grep -q 'Properties=species:S:1:pos:R:3:forces:R:3:mode:R:3 energy=' "$work/mbs.saddle.xyz"; then
    pass "saddle file with a forces column"
else
    fail "saddle file without forces"; head -2 "$work/mbs.saddle.xyz" | sed 's/^/  | /'
fi
if /usr/bin/python3 -c 'import ase.io' 2>/dev/null; then
    "$PESX" eval "$work/mbs.saddle.xyz" -p muller_brown -o "$work/mbs.eval.xyz" -q >/dev/null 2>&1
    checks=$((checks + 1))
    if /usr/bin/python3 - "$work/mbs.saddle.xyz" "$work/mbs.eval.xyz" <<'PY'
import sys, ase.io, numpy as np
a, b = ase.io.read(sys.argv[1]), ase.io.read(sys.argv[2])
assert np.abs(a.get_forces() - b.get_forces()).max() < 1e-9
assert abs(a.get_potential_energy() - b.get_potential_energy()) < 1e-9
PY
    then pass "ASE reads the saddle's forces; pesx eval agrees"; else fail "saddle forces disagree"; fi
fi

# bad input
printf '0.1 0.2\n' >"$work/short.mode"
expect 2 'short.mode:1: 2 numbers in the mode, expected 3' "mode with too few numbers" -- \
    "$PESX" saddle "$work/mb.xyz" -p muller_brown --mode "$work/short.mode" -o "$work/x.xyz"
printf '0.1\nnan\n0\n' >"$work/nan.mode"
expect 2 'nan.mode:2:' "NaN in a mode names the line" -- \
    "$PESX" saddle "$work/mb.xyz" -p muller_brown --mode "$work/nan.mode" -o "$work/x.xyz"
printf '0 0 1\n' >"$work/z.mode"
expect 2 'zero over the free coordinates' "a mode only along frozen coordinates" -- \
    "$PESX" saddle "$work/mb.xyz" -p muller_brown --mode "$work/z.mode" -o "$work/x.xyz"
expect 2 'only one of' "--mode with --displace" -- \
    "$PESX" saddle "$work/mb.xyz" -p muller_brown --mode "$work/mb.mode" --displace 0.1
expect 2 'needs --displace' "--searches without --displace" -- \
    "$PESX" saddle "$work/mb.xyz" -p muller_brown --searches 3
expect 2 'no-such.mode' "missing mode file" -- \
    "$PESX" saddle "$work/mb.xyz" -p muller_brown --mode "$work/no-such.mode"
expect 2 'rotation' "bad --rotation" -- \
    "$PESX" saddle "$work/mb.xyz" -p muller_brown --rotation newton

# exploration of LJ7 (pentagonal bipyramid, E = -16.505384): distinct saddles, each first order
cat >"$work/lj7min.xyz" <<'XYZ'
7
LJ7 minimum, E = -16.505384168 (scipy BFGS, |grad| < 1e-10)
Ar 0.956206309400 -0.000000000001 0.000000000000
Ar 0.295483999896 0.909406241426 0.000000000000
Ar -0.773587154539 0.562043966811 0.000000000000
Ar -0.773587154431 -0.562043966863 0.000000000000
Ar 0.295483999810 -0.909406241498 0.000000000000
Ar -0.000000000068 0.000000000063 0.573870169277
Ar -0.000000000068 0.000000000063 -0.573870169277
XYZ
expect 0 '[1-9][0-9]* distinct saddle' "LJ7 exploration lists distinct saddles" -- \
    "$PESX" saddle "$work/lj7min.xyz" -p lj --displace 0.15 --seed 3 --searches 4 \
    --max-step 0.1 -o "$work/lj7.saddles.xyz"
grep -q '1 negative eigenvalue' "$work/out" && pass "lowest LJ7 saddle is first order" || fail "LJ7 Hessian"
checks=$((checks + 1))

# a committee (examples/ch3nc): the barrier's sample std and the rate at
# the barrier -+ std; starting from the climbing image pesx neb wrote
ex=${abs_top_srcdir:?}/examples/ch3nc
"$PESX" neb "$ex/reactant.xyz" "$ex/product.xyz" -p "$abs_top_srcdir/potentials/ch3nc.xml" \
    --guess "$ex/guess.xyz" -o "$work/ch3nc.xyz" -q >/dev/null 2>&1
expect 0 'sample std' "ch3nc: refining the climbing image" -- "$PESX" saddle \
    "$work/ch3nc-saddle.xyz" -p "$abs_top_srcdir/potentials/ch3nc.xml" -o "$work/c.saddle.xyz" \
    --report "$work/c.xml"
checks=$((checks + 1))
sed -n 's/.*<barrier [^>]*forward-std="\([^"]*\)".*/\1/p;s/.*<rate temperature="\([^"]*\)" prefactor="[^"]*" rate="\([^"]*\)" rate-low="\([^"]*\)" rate-high="\([^"]*\)".*/\1 \2 \3 \4/p' \
    "$work/c.xml" | tr '\n' ' ' >"$work/c.txt"
# rate-low = rate exp(-std / kT), rate-high = rate exp(std / kT)
if awk '{ s = $1; T = $2; k = $3; lo = $4; hi = $5; f = exp(s / (8.617333262e-5 * T))
    exit !(s > 0 && lo > 0 && hi > lo && (lo * f / k - 1) ^ 2 < 1e-14 && (hi / f / k - 1) ^ 2 < 1e-14) }' \
    "$work/c.txt"; then
    pass "rate interval from the barrier's std ($(cat "$work/c.txt"))"
else
    fail "rate interval: $(cat "$work/c.txt")"
fi
finish
