"""An ASE calculator on a pesx potential.

    from pesx.ase import PesxCalculator
    atoms.calc = PesxCalculator(potential="emt")

Results: energy, free_energy, forces, energies (per atom), stress (when
periodic in all three directions), energy_std, forces_std, member_energies
(the committee's spread and members) and extrapolating (per atom: outside
the training range).  ASE's FixAtoms is honoured by ASE itself (it
zeroes the forces of fixed atoms in atoms.get_forces()); the calculator
returns the raw forces."""
import numpy as np
from ase.calculators.calculator import Calculator, all_changes

from ._lib import Model


class PesxCalculator(Calculator):
    implemented_properties = ["energy", "free_energy", "forces", "energies", "stress"]
    default_parameters = {"potential": None}

    def __init__(self, potential=None, **kwargs):
        Calculator.__init__(self, potential=potential, **kwargs)
        if potential is None:
            raise ValueError("PesxCalculator needs potential=SPEC (as pesx -p)")
        self.model = Model(potential)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        Calculator.calculate(self, atoms, properties, system_changes)
        a = self.atoms
        pbc = np.asarray(a.pbc, dtype=bool)
        cell = np.asarray(a.cell) if pbc.any() else None
        r = self.model.eval(a.numbers, a.positions, cell, pbc if pbc.any() else None)
        self.results.update(r)
        self.results["free_energy"] = r["energy"]
        if "stress" in properties and pbc.all():
            s = self.model.stress(a.numbers, a.positions, a.cell)
            self.results["stress"] = np.array([s[0, 0], s[1, 1], s[2, 2],
                                               s[1, 2], s[0, 2], s[0, 1]])
