#!/bin/sh
# Benchmark (not a test): pesx fit on hcn_hnc (B3LYP/6-31G*; train on
# hcn_train.xml, report on hcn_test.xml) with generated symmetry functions,
# then a CI-NEB HCN -> HNC through the README's bent initial guess; prints
# test RMSEs, CPU time and the barriers against DFT (2.1692 / 1.4480 eV).
# pesx fit's defaults (EKF); "--optimizer adam --epochs 150 --polish 200" is
# the cheaper Adam fit. Measured, 3 members, OMP_NUM_THREADS=1, loaded machine:
#   defaults (EKF 20 epochs, threshold 0.5): test 0.52 meV/atom, 31 meV/A,
#     191 s CPU; NEB 2.1687 +- 0.0006 / 1.4476 +- 0.0002 eV
#   EKF without threshold: 1.09 meV/atom, 60 meV/A, 168 s CPU;
#     NEB 2.1681 +- 0.0006 / 1.4471 +- 0.0008 eV
#   Adam 150 + polish 200: 1.86 meV/atom, 89 meV/A, 22 s CPU;
#     NEB 2.1629 +- 0.0029 / 1.4419 +- 0.0023 eV
#
#   PESX=build/pesx PESX_SHARED=../shared sh tests/bench/bench_fit_hcn.sh [MEMBERS] [fit options]
. "$(dirname "$0")/lib.sh"
members=${1:-3}
[ $# -gt 0 ] && shift
data=$PESX_SHARED/data/hcn_hnc
work=${TMPDIR:-/tmp}/bench-fit-hcn.$$
mkdir -p "$work" && cd "$work" || exit 1
echo "== pesx fit ($members members) in $work"
/usr/bin/time -f "fit: %U s user CPU, %S s system, %e s wall" \
    "$PESX" fit "$data/hcn_train.xml" --test "$data/hcn_test.xml" \
    --committee "$members" -o hcn.xml "$@" || exit 1
echo "== pesx neb HCN -> HNC (initial path through neb_initial_guess.xyz)"
"$PESX" neb "$data/reactant.xyz" "$data/product.xyz" -p hcn.xml --guess "$data/neb_initial_guess.xyz" \
    --images 9 --fmax-ci 0.005 --max-steps 3000 --report neb.xml -o band.xyz --saddle saddle.xyz || exit 1
grep -o '<barrier[^>]*>' neb.xml
echo "DFT reference: forward 2.1692 eV, reverse 1.4480 eV"
