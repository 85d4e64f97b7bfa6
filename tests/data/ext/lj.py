#!/usr/bin/python3
# A reference "external code" for pesx's ext potential tests: Lennard-Jones
# with epsilon = sigma = 1 over all pairs (pesx's -p lj), read from the
# extended XYZ file argv[1], written with energy= and forces to argv[2].
# Standard library only, so it starts fast.
import sys

def main(inp, out):
    with open(inp) as f:
        lines = f.read().splitlines()
    n = int(lines[0])
    atoms = [line.split()[:4] for line in lines[2:2 + n]]
    x = [[float(v) for v in a[1:4]] for a in atoms]
    e = 0.0
    f = [[0.0, 0.0, 0.0] for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            d = [x[i][k] - x[j][k] for k in range(3)]
            r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
            s6 = 1.0 / (r2 * r2 * r2)
            e += 4.0 * (s6 * s6 - s6)
            g = 24.0 * (2.0 * s6 * s6 - s6) / r2   # -dV/dr / r
            for k in range(3):
                f[i][k] += g * d[k]
                f[j][k] -= g * d[k]
    with open(out, "w") as o:
        o.write("%d\n" % n)
        o.write('Properties=species:S:1:pos:R:3:forces:R:3 energy=%r pbc="F F F"\n' % e)
        for a, xi, fi in zip(atoms, x, f):
            o.write("%s %r %r %r %r %r %r\n" % (a[0], *xi, *fi))

main(sys.argv[1], sys.argv[2])
