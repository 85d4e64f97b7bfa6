#!/usr/bin/python3
"""Regenerate ase_written.xyz, the extended XYZ that ASE writes, for
tests/check_io.c: run /usr/bin/python3 make_ase_fixture.py in this folder.
Made with ASE 3.22.1 (Debian python3-ase)."""
import numpy as np
from ase.build import fcc111, molecule, bulk
from ase.constraints import FixAtoms
from ase.calculators.singlepoint import SinglePointCalculator
from ase.io import write

# 1. Al(111) slab, periodic in x and y only, bottom layer frozen, with
#    energy and forces (as a calculator leaves them) and a tags column.
slab = fcc111('Al', size=(2, 2, 3), vacuum=5.0)
slab.set_constraint(FixAtoms(indices=[a.index for a in slab if a.tag == 3]))
n = len(slab)
forces = np.array([[0.01 * i, -0.02 * i, 0.005 * (i % 3)] for i in range(n)])
slab.calc = SinglePointCalculator(slab, energy=-40.123456789, forces=forces)
slab.info['comment'] = 'Al(111) slab, EMT'
slab.info['step'] = 3

# 2. A water molecule: no cell, not periodic, with a masses column.
water = molecule('H2O')
water.set_masses([15.999, 2.014, 1.008])
water.calc = SinglePointCalculator(water, energy=-14.5)

# 3. Bulk copper, periodic in all directions, with momenta.
cu = bulk('Cu', 'fcc', a=3.6, cubic=True)
cu.set_momenta(np.arange(12.0).reshape(4, 3) * 0.125)
cu.info['config_type'] = 'bulk'

write('ase_written.xyz', [slab, water, cu], format='extxyz')

# ASE 3.22 writes the move_mask column (the FixAtoms constraint) only when
# asked for; newer versions write it by default.
write('ase_move_mask.xyz', slab, format='extxyz',
      columns=['symbols', 'positions', 'move_mask', 'tags'])
