#!/usr/bin/env python3
"""Reference data for examples/ch3nc: methyl isocyanide -> acetonitrile,
CH3-N#C -> CH3-C#N, with GFN2-xTB (Debian's xtb binary) as the quantum-chemistry
method.

The methyl group migrates from the N end to the C end of the CN group through
a three-membered-ring transition state.  The xtb binary is driven through a
small ASE Calculator (one xtb process per structure, in a fresh temporary
directory; energy in Hartree and gradient in Hartree/Bohr converted to eV and
eV/Angstrom with CODATA 2018).

Writes, in the current directory:
  reactant.xyz, product.xyz  relaxed CH3NC and CH3CN (BFGS, fmax 1e-3 eV/A)
  guess.xyz                  a bent initial path (the CN group turned by 30, 60,
                             ..., 150 deg), for pesx neb --guess: both minima are linear on
                             the same axis, so a straight or IDPP path would
                             push the atoms through each other
  saddle.xyz                 the climbing image of the reference CI-NEB
  train.xml, test.xml        pesx data.xml (units eV Angstrom, no cell)
  reference.txt              the GFN2-xTB barrier and how it was obtained

Train and test come from separate runs (another band with another optimizer
and image count, MD with other seeds and temperatures, perturbations with
other seeds), so the test set is not a random split of correlated frames.
Run time: about 15 minutes on a loaded machine (about 3500 xtb runs, three
at a time where the structures are independent).
Usage: /usr/bin/python3 make_data.py
"""
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
import sys
import tempfile
import threading

import numpy as np
from ase import Atoms, units
from ase.calculators.calculator import Calculator, all_changes
from ase.md.langevin import Langevin
from ase.md.velocitydistribution import MaxwellBoltzmannDistribution
from ase.neb import NEB
from ase.optimize import BFGS, FIRE

HARTREE_EV = 27.211386245988   # CODATA 2018
BOHR_A = 0.529177210903
XTB_ARGS = ["--gfn", "2", "--acc", "0.01", "--chrg", "0", "--uhf", "0"]
SYMBOLS = "CNCHHH"             # methyl C, N, cyano C, three H: same order in every file
FMAX_REF = 0.02               # eV/A, climbing-image criterion of the reference band
GUESS_ANGLES = (30.0, 60.0, 90.0, 120.0, 150.0)  # frames of guess.xyz, degrees
WORKERS = 3                    # xtb processes at once for independent structures


class GFN2xTB(Calculator):
    """Energy and forces from one run of `xtb FILE.xyz --grad`."""
    implemented_properties = ["energy", "forces"]
    calls = 0
    lock = threading.Lock()

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        Calculator.calculate(self, atoms, properties, system_changes)
        env = dict(os.environ, OMP_NUM_THREADS="1", OMP_STACKSIZE="200M")
        with tempfile.TemporaryDirectory(prefix="pesx-xtb-") as tmp:
            with open(os.path.join(tmp, "in.xyz"), "w") as f:
                f.write("%d\n\n" % len(self.atoms))
                for s, p in zip(self.atoms.get_chemical_symbols(), self.atoms.positions):
                    f.write("%s %.12f %.12f %.12f\n" % (s, p[0], p[1], p[2]))
            run = subprocess.run(["xtb", "in.xyz", "--grad"] + XTB_ARGS, cwd=tmp, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if run.returncode != 0 or "normal termination" not in run.stdout:
                raise RuntimeError("xtb failed:\n" + run.stdout[-2000:])
            energy = read_turbomole_energy(os.path.join(tmp, "energy"))
            grad = read_turbomole_gradient(os.path.join(tmp, "gradient"), len(self.atoms))
        with GFN2xTB.lock:
            GFN2xTB.calls += 1
        self.results = {"energy": energy * HARTREE_EV,
                        "forces": -grad * (HARTREE_EV / BOHR_A)}


def read_turbomole_energy(path):
    with open(path) as f:
        lines = [l.split() for l in f if l.strip() and not l.startswith("$")]
    return float(lines[-1][1])


def read_turbomole_gradient(path, n):
    with open(path) as f:
        lines = [l for l in f if l.strip() and not l.startswith("$")]
    # "cycle" line, n coordinate lines, n gradient lines (Fortran D exponents possible)
    rows = lines[-n:]
    return np.array([[float(v.replace("D", "E")) for v in r.split()[:3]] for r in rows])


def molecule(isocyanide):
    """CH3NC (isocyanide) or CH3CN on the z axis, methyl C at the origin."""
    h = []
    for phi in (0.0, 2.0 * np.pi / 3.0, 4.0 * np.pi / 3.0):
        t = np.radians(70.5)
        h.append((1.09 * np.sin(t) * np.cos(phi), 1.09 * np.sin(t) * np.sin(phi), -1.09 * np.cos(t)))
    if isocyanide:
        heavy = [(0, 0, 0), (0, 0, 1.42), (0, 0, 2.59)]   # C-N-C
    else:
        heavy = [(0, 0, 0), (0, 0, 2.62), (0, 0, 1.46)]   # C-C-N, N listed second
    a = Atoms(SYMBOLS, positions=heavy + h)
    a.calc = GFN2xTB()
    return a


def snapshot(atoms):
    return (atoms.get_chemical_symbols(), atoms.positions.copy(),
            atoms.get_forces().copy(), atoms.get_potential_energy())


def labelled(positions):
    a = Atoms(SYMBOLS, positions=positions)
    a.calc = GFN2xTB()
    return snapshot(a)


def labelled_many(positions_list):
    """Label independent structures, WORKERS xtb processes at a time."""
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(labelled, positions_list))


class BandNEB(NEB):
    """ASE's NEB with the images evaluated WORKERS at a time (each image has
    its own calculator; NEB.get_forces then finds the results cached)."""
    def get_forces(self):
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(lambda im: im.get_forces(), self.images[1:-1]))
        return NEB.get_forces(self)


def relax(atoms, fmax, out=None):
    opt = BFGS(atoms, logfile=None, maxstep=0.1)
    if out is not None:
        opt.attach(lambda: out.append(snapshot(atoms)))
    opt.run(fmax=fmax, steps=500)
    return atoms


def bent_guess(reactant, product, angles_deg):
    """Structures on a bent path: the CN group turned about its centre by the
    given angles in the yz plane, its centre pulled towards the methyl carbon
    half-way, the methyl hydrogens interpolated."""
    def cn(a):
        return a.positions[1], a.positions[2]
    nr, cr = cn(reactant)
    cp, np_ = product.positions[2], product.positions[1]
    d_r, d_p = 0.5 * (nr[2] + cr[2]), 0.5 * (cp[2] + np_[2])
    h_r, h_p = 0.5 * (cr[2] - nr[2]), 0.5 * (np_[2] - cp[2])
    frames = []
    for deg in angles_deg:
        s = deg / 180.0
        th = np.radians(deg)
        d = (1 - s) * d_r + s * d_p - 0.3 * np.sin(th)
        h = (1 - s) * h_r + s * h_p
        u = np.array([0.0, np.sin(th), np.cos(th)])
        pos = (1 - s) * reactant.positions + s * product.positions
        centre = np.array([0.0, 0.0, d])
        pos[0] = (1 - s) * reactant.positions[0] + s * product.positions[0]
        pos[1] = centre - h * u   # N: nearer the methyl C at the start, farther at the end
        pos[2] = centre + h * u   # cyano C
        a = Atoms(SYMBOLS, positions=pos)
        a.calc = GFN2xTB()
        frames.append(a)
    return frames


def band(reactant, product, n_images, optimizer, fmax, out=None, every=1, climb=True, name="band"):
    """CI-NEB (improved tangent) from the bent guess through 90 degrees: FIRE
    without climbing to fmax 0.3 eV/A, then OPTIMIZER with the climbing image
    to FMAX."""
    angles = [180.0 * (i + 1) / (n_images + 1) for i in range(n_images)]
    images = [reactant.copy()] + bent_guess(reactant, product, angles) + [product.copy()]
    for im in images:
        im.calc = GFN2xTB()
    neb = BandNEB(images, climb=False, method="improvedtangent", k=0.5)
    step = [0]

    def keep():
        step[0] += 1
        e = [im.get_potential_energy() for im in images]
        f = np.sqrt((neb.get_forces() ** 2).sum(axis=1)).max()
        if step[0] % 10 == 0:
            log("%s step %d: Emax-E0 %.4f eV, fmax %.4f eV/A, %d xtb calls"
                % (name, step[0], max(e) - e[0], f, GFN2xTB.calls))
        if out is not None and step[0] % every == 0:
            out.extend(snapshot(im) for im in images[1:-1])
    # the bent guess is rough: relax it without climbing first
    opt = FIRE(neb, logfile=None)
    opt.attach(keep)
    ok = opt.run(fmax=0.3 if climb else fmax, steps=300)
    if climb:
        neb.climb = True
        opt = optimizer(neb, logfile=None, maxstep=0.1)
        opt.attach(keep)
        ok = opt.run(fmax=fmax, steps=1000)
    return images, ok, step[0]


def md(start, temperature, steps, every, seed, out):
    a = start.copy()
    a.calc = GFN2xTB()
    rng = np.random.RandomState(seed)
    MaxwellBoltzmannDistribution(a, temperature_K=temperature, rng=rng)
    dyn = Langevin(a, 0.5 * units.fs, temperature_K=temperature, friction=0.02, rng=rng,
                   logfile=None)
    for _ in range(steps // every):
        dyn.run(every)
        out.append(snapshot(a))


def perturbed(structures, sigmas, per_sigma, seed, out):
    rng = np.random.RandomState(seed)
    todo = []
    for a in structures:
        for s in sigmas:
            for _ in range(per_sigma):
                todo.append(a.positions + rng.normal(0.0, s, a.positions.shape))
    out.extend(labelled_many(todo))


def downhill(saddle, before, after, out):
    """Relax from the saddle displaced 0.1 A (largest atom move) towards each
    neighbouring band image, keeping every step: the two halves of the
    minimum-energy path as steepest descent sees it."""
    for other in (before, after):
        d = other.positions - saddle.positions
        d *= 0.1 / np.sqrt((d ** 2).sum(axis=1)).max()
        a = Atoms(SYMBOLS, positions=saddle.positions + d)
        a.calc = GFN2xTB()
        relax(a, 0.02, out)


def frequencies(atoms):
    """Harmonic frequencies (cm^-1, imaginary ones negative) from xtb --hess."""
    with tempfile.TemporaryDirectory(prefix="pesx-xtb-") as tmp:
        atoms.write(os.path.join(tmp, "in.xyz"), format="xyz")
        env = dict(os.environ, OMP_NUM_THREADS="1")
        run = subprocess.run(["xtb", "in.xyz", "--hess"] + XTB_ARGS, cwd=tmp, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if run.returncode != 0:
            raise RuntimeError("xtb --hess failed:\n" + run.stdout[-2000:])
        freqs = []
        with open(os.path.join(tmp, "vibspectrum")) as f:
            for line in f:
                w = line.split()
                if line.startswith("$") or line.startswith("#") or len(w) < 3:
                    continue
                freqs.append(float(w[-4] if len(w) >= 6 else w[1]))
    return [v for v in freqs if abs(v) > 1e-6]


def write_xyz(path, atoms, comment=""):
    with open(path, "w") as f:
        f.write("%d\n" % len(atoms))
        f.write('Properties=species:S:1:pos:R:3 energy=%.8f pbc="F F F"%s\n'
                % (atoms.get_potential_energy(), comment))
        for s, p in zip(atoms.get_chemical_symbols(), atoms.positions):
            f.write("%-2s %14.10f %14.10f %14.10f\n" % (s, p[0], p[1], p[2]))


def write_frames(path, frames):
    with open(path, "w") as f:
        for a in frames:
            f.write("%d\nProperties=species:S:1:pos:R:3 pbc=\"F F F\"\n" % len(a))
            for s, p in zip(a.get_chemical_symbols(), a.positions):
                f.write("%-2s %14.10f %14.10f %14.10f\n" % (s, p[0], p[1], p[2]))


def write_dataset(path, frames, prefix):
    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<dataset units="eV Angstrom">\n')
        for k, (syms, pos, forces, energy) in enumerate(frames):
            f.write('  <structure id="%s-%05d">\n' % (prefix, k))
            for s, p, fo in zip(syms, pos, forces):
                f.write('    <atom element="%s" x="%.8f" y="%.8f" z="%.8f" fx="%.8f" fy="%.8f" fz="%.8f"/>\n'
                        % (s, p[0], p[1], p[2], fo[0], fo[1], fo[2]))
            f.write("    <energy>%.8f</energy>\n  </structure>\n" % energy)
        f.write("</dataset>\n")


def log(*args):
    print(*args, flush=True)


def main():
    train, test = [], []
    reactant = relax(molecule(True), 0.001, train)
    product = relax(molecule(False), 0.001, train)
    e_r, e_p = reactant.get_potential_energy(), product.get_potential_energy()
    write_xyz("reactant.xyz", reactant)
    write_xyz("product.xyz", product)
    write_frames("guess.xyz", bent_guess(reactant, product, GUESS_ANGLES))
    log("endpoints: E(CH3NC) %.6f eV, E(CH3CN) %.6f eV, %d xtb calls"
        % (e_r, e_p, GFN2xTB.calls))

    # Reference: CI-NEB with 7 moving images, improved tangent, FIRE with the
    # climbing image to FMAX_REF; every second band on the way is training data.
    images, ok, nsteps = band(reactant, product, 7, FIRE, FMAX_REF, train, every=2, name="reference")
    if not ok:
        sys.exit("reference CI-NEB did not converge")
    energies = [im.get_potential_energy() for im in images]
    top = int(np.argmax(energies))
    saddle = images[top]
    write_xyz("saddle.xyz", saddle)
    fmax_ci = np.sqrt((saddle.get_forces() ** 2).sum(axis=1)).max()
    log("CI-NEB: %d steps, barrier %.4f eV, image %d, |F|max %.4f, %d xtb calls"
        % (nsteps, energies[top] - e_r, top, fmax_ci, GFN2xTB.calls))
    nu_ts = frequencies(saddle)
    nu_r = frequencies(reactant)
    nu_p = frequencies(product)

    # More training data: rattled relaxations of both minima, MD around them,
    # perturbations of the converged band.
    rng = np.random.RandomState(11)
    for start in (reactant, product):
        for sigma in (0.05, 0.1):
            a = start.copy()
            a.positions += rng.normal(0.0, sigma, a.positions.shape)
            a.calc = GFN2xTB()
            relax(a, 0.02, train)
    for k, (start, temp) in enumerate([(reactant, 500), (reactant, 1000),
                                       (product, 500), (product, 1000)]):
        md(start, temp, 160, 4, 100 + k, train)
    perturbed(images, (0.02, 0.05, 0.1), 5, 7, train)
    # Downhill from the saddle: relaxations to both sides, and MD started at
    # the saddle (it rolls into one well or the other with the barrier's
    # energy to spare), so the regions a relaxation or a band may visit
    # between the path and the minima are covered.
    downhill(saddle, images[top - 1], images[top + 1], train)
    for k, temp in enumerate((300, 600, 300, 600)):
        md(saddle, temp, 100, 2, 300 + k, train)
    log("train: %d structures, %d xtb calls" % (len(train), GFN2xTB.calls))

    # Test data: another band (5 images, FIRE, no climbing image, every second
    # step), other MD runs, other perturbations.
    band(reactant, product, 5, FIRE, 0.1, test, every=2, climb=False, name="test band")
    for k, (start, temp) in enumerate([(reactant, 750), (product, 750)]):
        md(start, temp, 120, 4, 200 + k, test)
    perturbed(images[1:-1:2], (0.04,), 4, 8, test)
    md(saddle, 450, 100, 4, 400, test)
    log("test: %d structures, %d xtb calls" % (len(test), GFN2xTB.calls))

    write_dataset("train.xml", train, "ch3nc-train")
    write_dataset("test.xml", test, "ch3nc-test")
    version = subprocess.run(["xtb", "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True).stdout
    version = [l.strip() for l in version.splitlines() if "version" in l][0]
    with open("reference.txt", "w") as f:
        f.write("# GFN2-xTB (%s; %s), CI-NEB 7 images, improved tangent, k 0.5 eV/A^2,\n"
                "# ASE FIRE to fmax 0.3, then with the climbing image to fmax %.3f eV/A;\n"
                "# frequencies from xtb --hess\n"
                % (version, " ".join(XTB_ARGS), FMAX_REF))
        f.write("E_reactant %.6f eV\nE_saddle %.6f eV\nE_product %.6f eV\n"
                % (e_r, energies[top], e_p))
        f.write("barrier %.4f eV\nreverse_barrier %.4f eV\nreaction_energy %.4f eV\n"
                % (energies[top] - e_r, energies[top] - e_p, e_p - e_r))
        f.write("saddle_fmax %.4f eV/A\n" % fmax_ci)
        f.write("profile_eV %s\n" % " ".join("%.4f" % (e - e_r) for e in energies))
        f.write("freq_saddle_cm-1 %s\n" % " ".join("%.1f" % v for v in nu_ts))
        f.write("freq_reactant_cm-1 %s\n" % " ".join("%.1f" % v for v in nu_r))
        f.write("freq_product_cm-1 %s\n" % " ".join("%.1f" % v for v in nu_p))
        f.write("n_train %d\nn_test %d\nxtb_calls %d\n" % (len(train), len(test), GFN2xTB.calls))
    log("barrier %.4f eV, %d train, %d test" % (energies[top] - e_r, len(train), len(test)))


if __name__ == "__main__":
    main()
