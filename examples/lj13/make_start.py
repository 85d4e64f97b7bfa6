#!/usr/bin/env python3
"""Write start.xyz: a 13-atom Lennard-Jones icosahedron (the global minimum,
E = -44.326801 epsilon) with every atom displaced at random by up to 0.15
sigma, as a start for `pesx opt`.  Reduced units (epsilon = sigma = 1)."""
import math
import random

random.seed(13)
phi = (1 + math.sqrt(5)) / 2
verts = []
for a in (-1, 1):
    for b in (-phi, phi):
        verts += [(0, a, b), (a, b, 0), (b, 0, a)]
# Centre-to-vertex distance of an icosahedron with edge 2 is sqrt(1 + phi^2);
# scale so the centre-vertex distance is ~1.09 sigma (near the LJ13 optimum).
scale = 1.09 / math.sqrt(1 + phi * phi)
atoms = [(0.0, 0.0, 0.0)] + [tuple(scale * c for c in v) for v in verts]
with open("start.xyz", "w") as f:
    f.write("13\nLJ13 icosahedron, perturbed (reduced units)\n")
    for x, y, z in atoms:
        d = [random.uniform(-0.15, 0.15) for _ in range(3)]
        f.write("Ar %.6f %.6f %.6f\n" % (x + d[0], y + d[1], z + d[2]))
