#!/bin/sh
# The Python package python/pesx (ctypes on libpesx, from the build tree
# with PYTHONPATH): PesxCalculator gives pesx eval's energy, forces and atom
# energies to 1e-10, the committee results, ASE's FixAtoms, a Python
# exception for a bad spec; ASE's NEB (climbing image, BFGS to 0.001 eV/A,
# 7 moving images) on it gives pesx neb's barrier on the same endpoints to
# 1e-4 eV.  Skips without ASE (Debian python3-ase in /usr/bin/python3).
. "$top_srcdir/tests/cli/lib.sh"
src=${abs_top_srcdir:?}
py=${PYTHON_ASE:-/usr/bin/python3}
"$py" -c 'import ase, numpy' 2>/dev/null || { echo "skipped: no ASE/numpy for $py"; exit 77; }
PYTHONPATH=$src/python${PYTHONPATH:+:$PYTHONPATH}
PESX_LIBRARY=${abs_top_builddir:?}/src/.libs/libpesx.so.0
export PYTHONPATH PESX_LIBRARY
ex=$src/examples/agcu100
pot=$src/potentials/agcu100.xml
cd "$work" || exit 1

expect 0 '' "pesx eval on the reactant" -- \
    "$PESX" eval "$ex/reactant.xyz" -p "$pot" -o eval.xyz -q
cat >eval.py <<'PY'
import sys
import numpy as np
from ase.io import read
from pesx import PesxError
from pesx.ase import PesxCalculator
atoms = read(sys.argv[1])
atoms.calc = PesxCalculator(potential=sys.argv[2])
ref = read(sys.argv[3])
e, f, ea = atoms.get_potential_energy(), atoms.calc.results["forces"], atoms.get_potential_energies()
ref_results = dict(ref.info, **ref.arrays)
if ref.calc is not None:       # ASE moves energy= and forces into a calculator
    ref_results.update(ref.calc.results)
re_, rf, rea = ref_results["energy"], ref_results["forces"], ref_results["energies"]
assert abs(e - re_) <= 1e-10 * max(1, abs(re_)), (e, re_)
assert np.abs(f - rf).max() <= 1e-10, np.abs(f - rf).max()
assert np.abs(ea - rea).max() <= 1e-10
assert abs(ea.sum() - e) <= 1e-9
r = atoms.calc.results
assert len(r["member_energies"]) == atoms.calc.model.n_members > 1
assert abs(np.mean(r["member_energies"]) - e) <= 1e-9
assert abs(r["energy_std"] - ref_results["energy_std"]) <= 1e-10
assert r["energy_std"] > 0 and r["forces_std"].shape == f.shape
assert r["extrapolating"].shape == (len(atoms),)
fixed = atoms.constraints[0].index
assert len(fixed) > 0 and not atoms.get_forces()[fixed].any() and f[fixed].any()
try:
    PesxCalculator(potential="no-such-potential")
    raise SystemExit("no exception for a bad spec")
except PesxError as err:
    assert "no-such-potential" in str(err)
print("agree", e, re_)
PY
expect 0 '^agree' "PesxCalculator equals pesx eval (energy, forces, atom energies)" -- \
    "$py" eval.py "$ex/reactant.xyz" "$pot" eval.xyz
expect 0 '^converged: barrier' "pesx neb on agcu100" -- \
    "$PESX" neb "$ex/reactant.xyz" "$ex/product.xyz" -p "$pot" -n 7 --fmax 0.001 --fmax-ci 0.001 \
    -o band.xyz --report neb.xml
neb_barrier=$(sed -n 's/.*<barrier [^>]*forward="\([^"]*\)".*/\1/p' neb.xml 2>/dev/null)
cat >neb.py <<'PY'
import sys
from ase.io import read
try:
    from ase.mep import NEB
except ImportError:          # ASE before 3.23
    from ase.neb import NEB
from ase.optimize import BFGS
from pesx.ase import PesxCalculator
a, b = read(sys.argv[1]), read(sys.argv[2])
images = [a] + [a.copy() for _ in range(7)] + [b]
for im in images:
    im.calc = PesxCalculator(potential=sys.argv[3])
neb = NEB(images, climb=True)
neb.interpolate("idpp")
BFGS(neb, logfile=None).run(fmax=0.001, steps=2000)
e = [im.get_potential_energy() for im in images]
print("barrier", max(e) - e[0])
PY
expect 0 '^barrier' "ASE NEB + BFGS on PesxCalculator" -- \
    "$py" neb.py "$ex/reactant.xyz" "$ex/product.xyz" "$pot"
got=$(sed -n 's/^barrier \(.*\)$/\1/p' "$work/out")
checks=$((checks + 1))
if awk -v a="$got" -v b="$neb_barrier" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= 1e-4) }'; then
    pass "ASE's barrier $got eV equals pesx neb's $neb_barrier eV"
else
    fail "ASE's barrier '$got' eV, pesx neb's '$neb_barrier' eV"
fi
finish
