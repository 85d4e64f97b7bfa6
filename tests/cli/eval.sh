#!/bin/sh
# pesx eval: results, the output file, and every kind of bad input.
. "$top_srcdir/tests/cli/lib.sh"
lj13=$top_srcdir/examples/lj13/start.xyz

expect 0 'frame 1: 13 atoms  energy [-0-9]' "eval LJ13" -- "$PESX" eval "$lj13" -p lj
expect 0 'extrapolating|fmax' "eval --summary" -- "$PESX" eval "$lj13" -p lj --summary
expect 0 '' "eval -o" -- "$PESX" eval "$lj13" -p lj -o "$work/out.xyz" -q
grep -q 'energy=' "$work/out.xyz" && grep -q 'forces:R:3' "$work/out.xyz" &&
    grep -q 'energies:R:1' "$work/out.xyz" && pass "output has energy, forces, energies" ||
    fail "output file lacks energy/forces/energies"
if /usr/bin/python3 -c 'import ase.io' 2>/dev/null; then
    checks=$((checks + 1))
    if /usr/bin/python3 - "$work/out.xyz" <<'PY'
import sys, ase.io, numpy as np
a = ase.io.read(sys.argv[1])
e, f = a.get_potential_energy(), a.get_forces()
assert a.get_chemical_symbols() == ["Ar"] * 13
# ASE's own LJ with the same parameters and no cutoff gives the same numbers.
from ase.calculators.lj import LennardJones
b = a.copy(); b.calc = LennardJones(epsilon=1.0, sigma=1.0, rc=100.0, smooth=False)
assert abs(b.get_potential_energy() - e) < 1e-8, (b.get_potential_energy(), e)
assert np.abs(b.get_forces() - f).max() < 1e-7
PY
    then pass "ASE reads the output and agrees with its own LJ"; else fail "ASE round trip"; fi
fi

# Multi-frame: every frame evaluated.
cat "$lj13" "$lj13" "$lj13" >"$work/three.xyz"
expect 0 'frame 3: 13 atoms' "three frames" -- "$PESX" eval "$work/three.xyz" -p lj --summary

# Bad input: exit 2, the file and line named.
: >"$work/empty.xyz"
expect 2 'empty.xyz.*(empty|no structure)' "empty file" -- "$PESX" eval "$work/empty.xyz" -p lj
printf '3\ncomment\nAr 0 0 0\nAr 1 0 0\n' >"$work/short.xyz"
expect 2 'short.xyz:[0-9]+:' "wrong atom count" -- "$PESX" eval "$work/short.xyz" -p lj
{ cat "$lj13"; printf '13\ntruncated\nAr 0 0 0\n'; } >"$work/trunc.xyz"
expect 2 'trunc.xyz:1[56]:' "truncated second frame" -- "$PESX" eval "$work/trunc.xyz" -p lj
printf '2\n\nAr 0 0 0\nAr 1.0 abc 0\n' >"$work/nonnum.xyz"
expect 2 'nonnum.xyz:4:' "non-numeric coordinate" -- "$PESX" eval "$work/nonnum.xyz" -p lj
printf '2\n\nAr 0 0 0\nAr 1.0 nan 0\n' >"$work/nan.xyz"
expect 2 'nan.xyz:4:' "NaN coordinate" -- "$PESX" eval "$work/nan.xyz" -p lj
printf '2\n\nAr 0 0 0\nAr inf 0 0\n' >"$work/inf.xyz"
expect 2 'inf.xyz:4:' "infinite coordinate" -- "$PESX" eval "$work/inf.xyz" -p lj
printf '2\n\nAr 0 0 0\nQq 1 0 0\n' >"$work/elem.xyz"
expect 2 'elem.xyz:4:.*Qq' "unknown element" -- "$PESX" eval "$work/elem.xyz" -p lj
printf '1\nLattice="1 0 0 0 1 0" Properties=species:S:1:pos:R:3\nAr 0 0 0\n' >"$work/lat.xyz"
expect 2 'lat.xyz:2:.*Lattice' "malformed Lattice" -- "$PESX" eval "$work/lat.xyz" -p lj
printf 'x\n\nAr 0 0 0\n' >"$work/count.xyz"
expect 2 'count.xyz:1:' "atom count not a number" -- "$PESX" eval "$work/count.xyz" -p lj
expect 2 'no-such.xyz' "missing file" -- "$PESX" eval "$work/no-such.xyz" -p lj
expect 2 'potential is required' "no -p" -- "$PESX" eval "$lj13"
expect 2 'lj.*morse.*muller_brown|muller_brown.*lj' "unknown potential lists the valid ones" -- "$PESX" eval "$lj13" -p nosuch
expect 2 "unknown parameter 'sigmaa'|sigmaa" "unknown potential parameter" -- "$PESX" eval "$lj13" -p lj:sigmaa=1
expect 2 'nan|finite|number' "NaN potential parameter" -- "$PESX" eval "$lj13" -p lj:sigma=nan
expect 2 'see .pesx eval --help' "unknown option" -- "$PESX" eval "$lj13" -p lj --bogus
expect 2 'input file' "no input file" -- "$PESX" eval -p lj
finish
