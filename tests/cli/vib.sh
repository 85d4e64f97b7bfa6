#!/bin/sh
# pesx vib: the stretching frequency of a Morse diatomic is alpha sqrt(2 D / mu);
# a structure that is not stationary is warned about.
. "$top_srcdir/tests/cli/lib.sh"
printf '2\n\nH 0 0 0\nO 0.2 0.3 0.6745\n' >"$work/oh.xyz"
r0=$(awk 'BEGIN { printf "%.12f", sqrt(0.04 + 0.09 + 0.6745 * 0.6745) }')
expect 0 '1 modes: 0 imaginary, 0 zero' "OH: one vibration after removing 5 rigid modes" -- \
    "$PESX" vib "$work/oh.xyz" -p "morse:D=4.7,alpha=1.9,r0=$r0" --modes "$work/modes.xyz"
# 521.4708 cm^-1 = sqrt(eV/(A^2 amu)); masses H 1.008, O 15.999
want=$(awk 'BEGIN { mu = 1.008 * 15.999 / (1.008 + 15.999); printf "%.2f", 1.9 * sqrt(2 * 4.7 / mu) * 521.47085 }')
got=$(awk '$1 == 1 && NF >= 3 { print $2 }' "$work/out")
checks=$((checks + 1))
awk -v a="$got" -v b="$want" 'BEGIN { exit !(a - b < 0.05 && b - a < 0.05) }' &&
    pass "frequency $got cm^-1 = alpha sqrt(2D/mu) = $want" || fail "frequency $got, expected $want"
checks=$((checks + 1))
grep -q 'mode:R:3' "$work/modes.xyz" && pass "modes file has a mode column" || fail "modes file"
expect 0 '6 modes: 0 imaginary, 5 zero' "--no-project keeps the rigid modes" -- \
    "$PESX" vib "$work/oh.xyz" -p "morse:D=4.7,alpha=1.9,r0=$r0" --no-project
printf '1\n\nH -0.8220015587 0.6243128028 0\n' >"$work/mb.xyz"
expect 0 '2 modes: 1 imaginary' "Mueller-Brown saddle: one imaginary frequency" -- \
    "$PESX" vib "$work/mb.xyz" -p muller_brown -q
# off a stationary point the frequencies mean little: a warning says so
printf '2\n\nH 0 0 0\nO 0.2 0.3 0.9\n' >"$work/ohs.xyz"
expect 0 'ohs.xyz is not a stationary point \(largest force' "non-stationary structure warned" -- \
    "$PESX" vib "$work/ohs.xyz" -p "morse:D=4.7,alpha=1.9,r0=$r0"
expect 0 '1 modes' "no warning at the minimum" -- "$PESX" vib "$work/oh.xyz" \
    -p "morse:D=4.7,alpha=1.9,r0=$r0"
checks=$((checks + 1))
! grep -q 'stationary' "$work/err" && pass "the minimum is not warned about" || fail "warning at a minimum"
# --thermo: ideal gas (checked against ASE in tests/check_thermo); ZPE = h c nu / 2
expect 0 'linear, 1 vibrations' "OH --thermo: a linear molecule" -- \
    "$PESX" vib "$work/oh.xyz" -p "morse:D=4.7,alpha=1.9,r0=$r0" --thermo --spin 0.5
zpe=$(awk '$1 == "E" { print $5 }' "$work/out")
freq=$(awk '$1 == 1 && NF >= 3 { print $2 }' "$work/out")
want=$(awk -v f="$freq" 'BEGIN { printf "%.6f", 0.5 * 4.135667696e-15 * 2.99792458e10 * f }')
checks=$((checks + 1))
awk -v a="$zpe" -v b="$want" 'BEGIN { exit !(a - b < 2e-5 && b - a < 2e-5) }' &&
    pass "ZPE $zpe eV = h c nu / 2 = $want" || fail "ZPE $zpe, expected $want"
expect 2 'needs 1 vibrations' "--thermo with the rigid modes kept" -- \
    "$PESX" vib "$work/oh.xyz" -p "morse:D=4.7,alpha=1.9,r0=$r0" --thermo --no-project
expect 2 'error' "--symmetry 0" -- \
    "$PESX" vib "$work/oh.xyz" -p "morse:D=4.7,alpha=1.9,r0=$r0" --thermo --symmetry 0
expect 2 'error' "missing potential" -- "$PESX" vib "$work/oh.xyz"
expect 2 'error' "missing file" -- "$PESX" vib "$work/none.xyz" -p lj
finish
