#!/bin/sh
# Extended XYZ compatibility with ASE, both ways:
#  1. ASE writes structures (cells, pbc, FixAtoms, energy, forces, info,
#     int/float/bool arrays); pesx reads them and writes them back; ASE reads
#     pesx's file and finds exactly the same values.
#  2. pesx writes full-precision numbers; ASE reads them bit for bit.
# Needs /usr/bin/python3 with ASE (Debian python3-ase); skipped without it.
PY=/usr/bin/python3
if ! "$PY" -c 'import ase.io' 2>/dev/null; then
    echo "xyz_ase.sh: $PY with ASE not found, skipped"
    exit 77
fi
copy="${abs_top_builddir:-.}/tests/xyz_copy"
if ! test -x "$copy"; then
    echo "xyz_ase.sh: $copy not built" >&2
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pesx-xyz-ase.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# ---- 1. ASE -> pesx -> ASE ------------------------------------------------
"$PY" - <<'EOF' || exit 1
import numpy as np
from ase import Atoms
from ase.build import fcc111, molecule, bulk
from ase.constraints import FixAtoms
from ase.calculators.singlepoint import SinglePointCalculator
from ase.io import write

rng = np.random.RandomState(7)
slab = fcc111('Pt', size=(2, 2, 3), vacuum=6.0)
slab.positions += rng.normal(scale=0.05, size=slab.positions.shape)
del slab.info['adsorbate_info']
slab.set_constraint(FixAtoms(indices=[0, 1, 2, 3]))
slab.calc = SinglePointCalculator(slab, energy=-1.0 / 7.0 - 60.0,
                                  forces=rng.normal(size=(len(slab), 3)))
slab.info['comment'] = 'Pt(111), rattled'
slab.info['step'] = 12
write('ase_slab.xyz', slab, format='extxyz',
      columns=['symbols', 'positions', 'move_mask', 'tags'])

mol = molecule('CH3CH2OH')
mol.positions += rng.normal(scale=0.01, size=mol.positions.shape)
mol.calc = SinglePointCalculator(mol, energy=-12.25)
tri = Atoms('NaCl', positions=[[0, 0, 0], [1.4, 1.5, 1.6]],
            cell=[[2.8, 0.1, 0.0], [0.3, 2.9, 0.0], [0.2, 0.4, 3.1]], pbc=[True, False, True])
tri.new_array('spin', np.array([1, -1]))
tri.new_array('weights', np.array([0.25, 0.75]))
tri.new_array('mark', np.array([True, False]))
# a 2D sheet as ASE often stores it: no vector along the open direction
flat = Atoms('C2', positions=[[0, 0, 0], [1.23, 0.71, 0]],
             cell=[[2.46, 0, 0], [-1.23, 2.130422493309719, 0], [0, 0, 0]], pbc=[True, True, False])
write('ase_more.xyz', [mol, tri, flat], format='extxyz')
EOF
for f in ase_slab ase_more; do
    "$copy" "$f.xyz" "pesx_$f.xyz" || exit 1
done
"$PY" - <<'EOF' || { echo "--- pesx wrote:"; cat pesx_ase_slab.xyz pesx_ase_more.xyz; exit 1; }
import numpy as np
from ase.io import read

def same(x, y, what):
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape or not np.array_equal(x, y):
        raise SystemExit('%s differs:\n%r\n%r' % (what, x, y))

for name in ['ase_slab', 'ase_more']:
    a_all = read(name + '.xyz', ':')
    b_all = read('pesx_' + name + '.xyz', ':')
    assert len(a_all) == len(b_all), name
    for k, (a, b) in enumerate(zip(a_all, b_all)):
        tag = '%s frame %d' % (name, k)
        same(a.numbers, b.numbers, tag + ' numbers')
        same(a.positions, b.positions, tag + ' positions')
        same(a.cell[:], b.cell[:], tag + ' cell')
        same(a.pbc, b.pbc, tag + ' pbc')
        ea = a.calc.results.get('energy') if a.calc else None
        eb = b.calc.results.get('energy') if b.calc else None
        if ea != eb:
            raise SystemExit('%s energy %r != %r' % (tag, ea, eb))
        fa = a.calc.results.get('forces') if a.calc else None
        fb = b.calc.results.get('forces') if b.calc else None
        if (fa is None) != (fb is None):
            raise SystemExit(tag + ' forces lost')
        if fa is not None:
            same(fa, fb, tag + ' forces')
        ia = sorted(c.index.tolist() for c in a.constraints)
        ib = sorted(c.index.tolist() for c in b.constraints)
        if ia != ib:
            raise SystemExit('%s constraints %r != %r' % (tag, ia, ib))
        for key in set(a.info) | set(b.info):
            if a.info.get(key) != b.info.get(key):
                raise SystemExit('%s info[%s] %r != %r' % (tag, key, a.info.get(key), b.info.get(key)))
        for key in set(a.arrays) - {'numbers', 'positions'}:
            if key not in b.arrays:
                raise SystemExit('%s array %s lost' % (tag, key))
            same(a.arrays[key], b.arrays[key], tag + ' array ' + key)
            if a.arrays[key].dtype.kind != b.arrays[key].dtype.kind:
                raise SystemExit('%s array %s type %s != %s' % (tag, key, a.arrays[key].dtype,
                                                                b.arrays[key].dtype))
print('ASE -> pesx -> ASE: identical')
EOF

# ---- 2. pesx -> ASE ------------------------------------------------------------
"$copy" --sample sample.xyz || exit 1
"$PY" - <<'EOF' || { echo "--- pesx wrote:"; cat sample.xyz; exit 1; }
import numpy as np
from ase.io import read

frames = read('sample.xyz', ':')
assert len(frames) == 2, len(frames)
for v, a in enumerate(frames):
    n = 4
    pos = np.array([[(3 * i + k + 1) / 7.0 * 1.1 + v for k in range(3)] for i in range(n)])
    assert list(a.numbers) == [1 + 7 * i + v for i in range(n)], a.numbers
    assert np.array_equal(a.positions, pos), (a.positions - pos)
    assert np.array_equal(a.arrays['mode'], 2.0 * pos)
    assert a.calc.results['energy'] == -100.0 / 3.0 - v, a.calc.results['energy']
    assert a.info['comment'] == 'pesx sample, "quoted" words', a.info
    assert a.info['step'] == 5 + v and a.info['converged'] is True, a.info
    if v == 0:
        cell = np.array([[10.0 / 3.0, 0, 0], [0.1, 35.0 / 3.0, 0], [0, 0.2, 13.7]])
        assert np.array_equal(a.cell[:], cell), a.cell
        assert list(a.pbc) == [True, False, True], a.pbc
        forces = np.array([[-(i + 1) / 3.0 + k * 0.1 for k in range(3)] for i in range(n)])
        assert np.array_equal(a.calc.results['forces'], forces)
        assert [c.index.tolist() for c in a.constraints] == [[0, 2]], a.constraints
    else:
        assert not a.pbc.any() and not a.cell.any(), (a.pbc, a.cell)
        assert not a.constraints and 'forces' not in a.calc.results
print('pesx -> ASE: exact')
EOF

# ---- 3. the project's shared structures and data sets, through pesx --------
shared="${PESX_SHARED:-}"
if test -z "$shared" || ! test -d "$shared"; then
    echo "xyz_ase.sh: PESX_SHARED not found, shared files not checked"
    exit 0
fi
find "$shared/data" "$shared/ref/optbench" \( -name '*.xyz' -o -name '*.extxyz' \) 2>/dev/null |
    sort > shared.list
test -s shared.list || { echo "xyz_ase.sh: no XYZ files under $shared"; exit 0; }
k=0
while read -r f; do
    k=$((k + 1))
    "$copy" "$f" "shared_$k.xyz" || exit 1
done < shared.list
"$PY" - <<'EOF' || exit 1
import numpy as np
from ase.io import read

def fixed_set(a):
    idx = set()
    for c in a.constraints:
        idx |= set(c.index.tolist())
    if 'fixed' in a.arrays:  # OptBench's fixed:I:1 becomes move_mask in pesx
        idx |= set(np.nonzero(a.arrays['fixed'])[0].tolist())
    return idx

files = [l.strip() for l in open('shared.list')]
total = 0
for k, name in enumerate(files, 1):
    with open(name) as fh:
        fh.readline()
        plain = '=' not in fh.readline()
    a_all = read(name, ':')
    b_all = read('shared_%d.xyz' % k, ':')
    assert len(a_all) == len(b_all), (name, len(a_all), len(b_all))
    for i, (a, b) in enumerate(zip(a_all, b_all)):
        tag = '%s frame %d' % (name, i)
        assert np.array_equal(a.numbers, b.numbers), tag
        assert np.array_equal(a.positions, b.positions), tag + ' positions'
        assert np.array_equal(a.cell[:], b.cell[:]), tag + ' cell'
        assert np.array_equal(a.pbc, b.pbc), tag + ' pbc'
        assert fixed_set(a) == fixed_set(b), tag + ' frozen atoms'
        if plain:
            continue
        ra = a.calc.results if a.calc else {}
        rb = b.calc.results if b.calc else {}
        assert ra.get('energy') == rb.get('energy'), (tag, ra.get('energy'), rb.get('energy'))
        assert ('forces' in ra) == ('forces' in rb), tag + ' forces'
        if 'forces' in ra:
            assert np.array_equal(ra['forces'], rb['forces']), tag + ' forces'
        for key in set(a.info) | set(b.info):
            va, vb = a.info.get(key), b.info.get(key)
            same = np.array_equal(va, vb) if isinstance(va, np.ndarray) else va == vb
            assert same, (tag, key, va, vb)
        for key in set(a.arrays) - {'numbers', 'positions', 'fixed'}:
            assert np.array_equal(a.arrays[key], b.arrays[key]), (tag, key)
        total += 1
print('shared files: %d files, %d extended frames identical in ASE after pesx'
      % (len(files), total))
EOF
