#!/bin/sh
# -p emt against ASE's own EMT (ase.calculators.emt), run now on the same
# structures: rattled fcc cells of every metal and of mixed Au/Al and Ag/Cu,
# small and triclinic cells (an atom sees its own images), slabs (pbc T T F),
# clusters, C/H/N/O molecules and CO on Cu(111), and an atom out of reach of
# every other (the isolated-atom reference, -E0).  Energy to 1e-10 relative,
# every force component to 1e-8 eV/A, atom energies to 1e-10 eV.  An element
# outside EMT's table is an error naming it.
# Needs /usr/bin/python3 with ASE (Debian python3-ase); skipped without it.
. "$top_srcdir/tests/cli/lib.sh"
PY=/usr/bin/python3
if ! "$PY" -c 'import ase.calculators.emt' 2>/dev/null; then
    echo "emt_ase.sh: $PY with ASE (ase.calculators.emt) not found, skipped"
    exit 77
fi
cd "$work" || exit 1

# ASE writes the structures (positions rounded to 8 decimals), then computes
# EMT on what it reads back, so both programs see the same numbers.
"$PY" - <<'EOF' || exit 1
import numpy as np
from ase import Atoms
from ase.build import bulk, fcc100, fcc111, add_adsorbate, molecule
from ase.cluster import Icosahedron, Octahedron
from ase.calculators.emt import EMT
from ase.io import read, write

rng = np.random.RandomState(11)
def rattled(a, s):
    a.positions += rng.normal(scale=s, size=a.positions.shape)
    return a

cases = []
for el in ('Al', 'Cu', 'Ag', 'Au', 'Ni', 'Pd', 'Pt'):
    cases.append(rattled(bulk(el, 'fcc', cubic=True).repeat((2, 2, 2)), 0.08))
for pair, a0 in (('AuAl', 4.1), ('AgCu', 3.8)):
    c = bulk('Cu', 'fcc', a=a0, cubic=True).repeat((3, 2, 2))
    c.set_chemical_symbols([pair[0:2] if rng.rand() < 0.5 else pair[2:4] for _ in c])
    cases.append(rattled(c, 0.1))
# primitive cells shorter than the cutoff: every atom meets its own images
cases.append(rattled(bulk('Pt', 'fcc', a=3.95), 0.0))
c = bulk('Al', 'fcc', a=4.0).repeat((2, 1, 1))
c.set_chemical_symbols(['Au', 'Al'])
c.set_cell(c.cell[:] + [[0.1, 0.2, 0], [0, 0.1, -0.3], [0.2, 0, 0.1]], scale_atoms=True)
cases.append(rattled(c, 0.05))
# slabs, periodic in x and y only
s = fcc100('Al', size=(3, 3, 3), vacuum=6.0, a=4.05)
add_adsorbate(s, 'Au', 1.7, 'hollow')
cases.append(rattled(s, 0.05))
s = fcc111('Cu', size=(3, 3, 3), vacuum=6.0)
add_adsorbate(s, 'C', 1.9, 'fcc')
add_adsorbate(s, 'O', 3.05, 'fcc')
cases.append(rattled(s, 0.05))
s = fcc111('Ag', size=(2, 2, 3), vacuum=5.0)
s.set_chemical_symbols(['Ag', 'Cu'] * 6)
cases.append(rattled(s, 0.05))
# clusters
c = rattled(Icosahedron('Cu', 2), 0.05)
c.set_chemical_symbols(['Cu', 'Ag'] * 6 + ['Cu'])
cases.append(c)
c = rattled(Octahedron('Au', 4, 1), 0.05)
c.set_chemical_symbols([('Au', 'Al', 'Ni')[i % 3] for i in range(len(c))])
cases.append(c)
cases.append(rattled(Icosahedron('Pd', 2), 0.05))
cases.append(rattled(molecule('CH3CH2OH'), 0.03))
cases.append(rattled(molecule('CH3NO2'), 0.03))
# two Pt atoms and one far from both (no neighbour within the cutoff)
cases.append(Atoms('Pt2Ni', positions=[[0, 0, 0], [2.6, 0.3, -0.2], [20, 0, 0]]))
for a in cases:
    a.info.clear()
write('in.xyz', cases, format='extxyz')
ref = []
for a in read('in.xyz', ':'):
    a.calc = EMT()
    ref.append((a.get_potential_energy(), a.get_forces(), a.get_potential_energies()))
np.save('ref.npy', np.array([(e, f, ae) for e, f, ae in ref], dtype=object), allow_pickle=True)
EOF

checks=$((checks + 1))
if "$PESX" eval in.xyz -p emt -q -o out.xyz >eval.out 2>eval.err; then
    pass "pesx eval -p emt on $(grep -c '^[0-9]*$' in.xyz) structures"
else
    fail "pesx eval -p emt failed"; sed 's/^/  | /' eval.err | head -5
fi

checks=$((checks + 1))
if "$PY" - <<'EOF'; then
import numpy as np
from ase.io import read
ref = np.load('ref.npy', allow_pickle=True)
got = read('out.xyz', ':')
assert len(got) == len(ref), (len(got), len(ref))
worst_e = worst_f = worst_ae = 0.0
bad = 0
for k, (a, (e, f, ae)) in enumerate(zip(got, ref)):
    eg, fg, aeg = a.info['energy'] if 'energy' in a.info else a.get_potential_energy(), \
        a.get_forces(), a.arrays['energies']
    de = abs(eg - e) / max(abs(e), 1.0)
    df = np.abs(fg - f).max()
    dae = np.abs(aeg - ae).max()
    worst_e, worst_f, worst_ae = max(worst_e, de), max(worst_f, df), max(worst_ae, dae)
    if de > 1e-10 or df > 1e-8 or dae > 1e-10:
        bad += 1
        print(f'structure {k} ({a.get_chemical_formula()}, pbc {a.pbc}): E {eg!r} vs ASE {e!r}, '
              f'max |dF| {df:.3g}, max |dE_atom| {dae:.3g}')
print(f'{len(ref)} structures: worst relative energy error {worst_e:.2g}, '
      f'worst force error {worst_f:.2g} eV/A, worst atom-energy error {worst_ae:.2g} eV')
raise SystemExit(1 if bad else 0)
EOF
    pass "energies, forces and atom energies agree with ASE's EMT"
else
    fail "pesx emt differs from ASE's EMT"
fi

printf '2\npbc="F F F"\nAl 0 0 0\nFe 2.5 0 0\n' >fe.xyz
expect 2 'emt: no EMT parameters for element Fe \(atom 2' "an element outside the table is named" -- \
    "$PESX" eval fe.xyz -p emt
expect 2 "emt: unknown parameter 'rc'" "emt takes no parameters" -- "$PESX" eval fe.xyz -p emt:rc=5
finish
