#!/usr/bin/env python3
"""Reference data for examples/agcu100: an Ag adatom hopping between hollow
sites of Cu(100), with ASE's Effective Medium Theory calculator (Debian's
python3-ase) standing in for ab initio data.

Writes, in the current directory:
  reactant.xyz, product.xyz    relaxed endpoints (move_mask: bottom 2 layers fixed)
  train.xml, test.xml          pesx data.xml (units eV Angstrom)
  reference.txt                the EMT CI-NEB barrier and how it was obtained

Train and test come from separate runs with different seeds and temperatures,
so the test set is not a random split of correlated frames.  Run time: a few
minutes on one core.  Usage: /usr/bin/python3 make_data.py
"""
import numpy as np
from ase.build import fcc100, add_adsorbate
from ase.calculators.emt import EMT
from ase.constraints import FixAtoms
from ase.md.langevin import Langevin
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
from ase.neb import NEB
from ase.optimize import BFGS, FIRE
from ase import units
from xml.sax.saxutils import quoteattr

A_CU = 3.61  # EMT's Cu lattice constant is close to experiment


def slab_with_adatom(shift):
    slab = fcc100("Cu", size=(3, 3, 3), a=A_CU, vacuum=6.0)
    add_adsorbate(slab, "Ag", 1.9, "hollow")
    slab.positions[-1, 0] += shift
    slab.pbc = (True, True, False)
    slab.set_constraint(FixAtoms(mask=[a.tag > 1 for a in slab]))
    slab.calc = EMT()
    return slab


def relax(atoms, fmax=0.001, traj=None):
    opt = BFGS(atoms, logfile=None)
    if traj is not None:
        opt.attach(lambda: traj.append(snapshot(atoms)))
    opt.run(fmax=fmax, steps=1000)
    return atoms


def snapshot(atoms):
    """Positions, cell, raw forces on every atom (constraints not applied), energy."""
    calc_atoms = atoms.copy()
    calc_atoms.set_constraint()
    calc_atoms.calc = EMT()
    return (calc_atoms.get_chemical_symbols(), calc_atoms.positions.copy(),
            calc_atoms.cell.array.copy(), calc_atoms.get_forces().copy(),
            calc_atoms.get_potential_energy())


def neb_band(reactant, product, n_images, optimizer, seed_traj, fmax):
    images = [reactant.copy()]
    for _ in range(n_images):
        images.append(reactant.copy())
    images.append(product.copy())
    for im in images:
        im.calc = EMT()
        im.set_constraint(FixAtoms(mask=[a.tag > 1 for a in im]))
    neb = NEB(images, climb=True, method="improvedtangent")
    neb.interpolate()
    opt = optimizer(neb, logfile=None)
    if seed_traj is not None:
        opt.attach(lambda: [seed_traj.append(snapshot(im)) for im in images[1:-1]])
    opt.run(fmax=fmax, steps=2000)
    return images


def md_frames(start, temperature, steps, every, seed, out):
    atoms = start.copy()
    atoms.calc = EMT()
    atoms.set_constraint(FixAtoms(mask=[a.tag > 1 for a in atoms]))
    rng = np.random.RandomState(seed)
    MaxwellBoltzmannDistribution(atoms, temperature_K=temperature, rng=rng)
    dyn = Langevin(atoms, 1.0 * units.fs, temperature_K=temperature, friction=0.01, rng=rng,
                   logfile=None)
    for _ in range(steps // every):
        dyn.run(every)
        out.append(snapshot(atoms))


def perturbed(band, sigmas, per_sigma, seed, out):
    rng = np.random.RandomState(seed)
    for im in band:
        for s in sigmas:
            for _ in range(per_sigma):
                a = im.copy()
                a.set_constraint()
                a.positions += rng.normal(0.0, s, a.positions.shape)
                a.calc = EMT()
                out.append(snapshot(a))


def write_xyz(path, atoms):
    a = atoms.copy()
    free = ["T" if t <= 1 else "F" for t in a.get_tags()]
    with open(path, "w") as f:
        f.write("%d\n" % len(a))
        c = a.cell.array.ravel()
        f.write('Lattice="%s" Properties=species:S:1:pos:R:3:move_mask:L:1 pbc="T T F"\n'
                % " ".join("%.10f" % v for v in c))
        for sym, p, m in zip(a.get_chemical_symbols(), a.positions, free):
            f.write("%-2s %.10f %.10f %.10f %s\n" % (sym, p[0], p[1], p[2], m))


def write_dataset(path, frames, prefix):
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<dataset units="eV Angstrom">\n')
        for k, (syms, pos, cell, forces, energy) in enumerate(frames):
            f.write('  <structure id=%s>\n' % quoteattr("%s-%05d" % (prefix, k)))
            f.write("    <cell>%s</cell>\n" % " ".join("%.8f" % v for v in cell.ravel()))
            f.write("    <pbc>T T F</pbc>\n")
            for s, p, fo in zip(syms, pos, forces):
                f.write('    <atom element="%s" x="%.8f" y="%.8f" z="%.8f" fx="%.8f" fy="%.8f" fz="%.8f"/>\n'
                        % (s, p[0], p[1], p[2], fo[0], fo[1], fo[2]))
            f.write("    <energy>%.8f</energy>\n  </structure>\n" % energy)
        f.write("</dataset>\n")


def main():
    hop = A_CU / np.sqrt(2.0)
    train, test = [], []
    reactant = relax(slab_with_adatom(0.0), traj=train)
    product = relax(slab_with_adatom(hop), traj=train)
    write_xyz("reactant.xyz", reactant)
    write_xyz("product.xyz", product)

    # Reference: CI-NEB, 7 intermediate images, improved tangent, FIRE to fmax 0.001.
    band = neb_band(reactant, product, 7, FIRE, None, 0.001)
    energies = [im.get_potential_energy() for im in band]
    barrier = max(energies) - energies[0]

    # Training data: rattled relaxations, a looser band with every iteration,
    # MD at four temperatures, perturbations of the converged band.
    rng = np.random.RandomState(3)
    for start in (reactant, product):
        for sigma in (0.05, 0.1, 0.15):
            a = start.copy()
            a.calc = EMT()
            a.set_constraint(FixAtoms(mask=[t > 1 for t in a.get_tags()]))
            free = a.get_tags() <= 1
            a.positions[free] += rng.normal(0.0, sigma, (free.sum(), 3))
            relax(a, fmax=0.01, traj=train)
    neb_band(reactant, product, 5, BFGS, train, 0.02)
    for k, (start, temp) in enumerate([(reactant, 300), (reactant, 650), (band[4], 450), (product, 800)]):
        md_frames(start, temp, 600, 10, 100 + k, train)
    perturbed(band, (0.03, 0.06, 0.1), 6, 7, train)

    # Test data: other seeds, other temperatures, another band.
    neb_band(reactant, product, 4, FIRE, test, 0.05)
    for k, (start, temp) in enumerate([(reactant, 450), (band[4], 350)]):
        md_frames(start, temp, 300, 20, 200 + k, test)
    perturbed(band[1:-1:2], (0.05,), 3, 8, test)

    write_dataset("train.xml", train, "agcu100-train")
    write_dataset("test.xml", test, "agcu100-test")
    with open("reference.txt", "w") as f:
        f.write("# ASE %s EMT, CI-NEB 7 images, improved tangent, FIRE fmax 0.001\n" % __import__("ase").__version__)
        f.write("E_reactant %.6f eV\nE_saddle %.6f eV\nbarrier %.4f eV\n" % (energies[0], max(energies), barrier))
        f.write("profile_eV %s\n" % " ".join("%.4f" % (e - energies[0]) for e in energies))
        f.write("n_train %d\nn_test %d\n" % (len(train), len(test)))
    print("barrier %.4f eV, %d train, %d test" % (barrier, len(train), len(test)))


if __name__ == "__main__":
    main()
