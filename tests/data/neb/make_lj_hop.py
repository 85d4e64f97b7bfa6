#!/usr/bin/python3
"""Reference for pesx's NEB test: a Lennard-Jones adatom hopping on a frozen
4x4 square (fcc(100)-like) layer, from the central hollow to the edge hollow.

Plain LJ, epsilon = sigma = 1, no cutoff (pesx: -p lj).  Endpoints are
relaxed with ASE's BFGS (fmax 1e-6); the barrier comes from ASE's
climbing-image NEB (improved tangent, 9 images incl. endpoints, k = 1,
FIRE until fmax < 1e-5).  Run: /usr/bin/python3 make_lj_hop.py  (writes
lj_hop_reactant.xyz, lj_hop_product.xyz, prints lj_hop_reference.txt)."""
import numpy as np
from ase import Atoms
from ase.constraints import FixAtoms
from ase.calculators.lj import LennardJones
from ase.optimize import BFGS, FIRE
try:
    from ase.mep import NEB
except ImportError:
    from ase.neb import NEB

a = 2 ** (1 / 6)
base = [(i * a, j * a, 0.0) for i in range(4) for j in range(4)]


def make(xy):
    at = Atoms('Ar17', positions=base + [(xy[0], xy[1], 0.8)])
    at.set_constraint(FixAtoms(indices=range(16)))
    at.calc = LennardJones(sigma=1.0, epsilon=1.0, rc=1e3, smooth=False)
    BFGS(at, logfile=None).run(fmax=1e-6, steps=1000)
    return at


def write(path, at):
    with open(path, 'w') as f:
        f.write('%d\nProperties=species:S:1:pos:R:3:fixed:I:1 pbc="F F F" energy=%.12f\n'
                % (len(at), at.get_potential_energy()))
        for k, p in enumerate(at.positions):
            f.write('Ar %.12f %.12f %.12f %d\n' % (p[0], p[1], p[2], 1 if k < 16 else 0))


r = make((1.5 * a, 1.5 * a))
p = make((0.5 * a, 1.5 * a))
write('lj_hop_reactant.xyz', r)
write('lj_hop_product.xyz', p)
images = [r] + [r.copy() for _ in range(7)] + [p]
for im in images[1:-1]:
    im.set_constraint(FixAtoms(indices=range(16)))
    im.calc = LennardJones(sigma=1.0, epsilon=1.0, rc=1e3, smooth=False)
neb = NEB(images, k=1.0, climb=True, method='improvedtangent')
neb.interpolate()
FIRE(neb, logfile=None).run(fmax=1e-5, steps=20000)
e = [im.get_potential_energy() for im in images]
i = int(np.argmax(e))
print('reactant_energy %.10f' % e[0])
print('product_energy %.10f' % e[-1])
print('saddle_energy %.10f' % e[i])
print('forward_barrier %.10f' % (e[i] - e[0]))
print('reverse_barrier %.10f' % (e[i] - e[-1]))
print('saddle_adatom %.10f %.10f %.10f' % tuple(images[i].positions[16]))
