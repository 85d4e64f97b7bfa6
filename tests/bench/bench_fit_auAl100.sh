#!/bin/sh
# Benchmark (not a test): pesx fit on auAl100 (train on auAl100_train.xml,
# report on auAl100_test.xml), then pesx neb between its reactant and
# product on the fitted committee; prints test RMSEs, CPU time and the
# barrier against EMT's 0.3741 eV.
#
#   PESX=build/pesx PESX_SHARED=../shared sh tests/bench/bench_fit_auAl100.sh [MEMBERS] [fit options]
#
# Symmetry functions: n2p2's size for this system (28 Al, 14 Au; radial type
# 2 with rs = 0 on an eta grid and wide angular type 9, cos cutoff 6 A),
# written below as an n2p2 input.nn and given with --sf.
# Measured (OMP_NUM_THREADS=1, loaded 2-core machine, pesx fit's default
# EKF settings): 1 member: test 0.095 meV/atom, 4.99 meV/A, 65 s CPU, NEB
# 0.3737 eV; 3 members: test 0.087 meV/atom, 4.80 meV/A, 164 s CPU, NEB
# 0.3741 +- 0.0003 eV.  (Adam 60 + L-BFGS polish 150, one member: 0.153
# meV/atom, 5.52 meV/A, 89 s CPU, NEB 0.3715 eV.)
. "$(dirname "$0")/lib.sh"
members=${1:-3}
[ $# -gt 0 ] && shift
data=$PESX_SHARED/data/auAl100
work=${TMPDIR:-/tmp}/bench-fit-auAl100.$$
mkdir -p "$work" && cd "$work" || exit 1
rc=6.0
{
    echo "cutoff_type 1"
    echo "elements Al Au"
    for e in 0.001 0.01 0.03 0.06 0.1 0.2 0.4 0.8; do echo "symfunction_short Al 2 Al $e 0.0 $rc"; done
    for e in 0.001 0.01 0.03 0.1 0.2 0.4; do echo "symfunction_short Al 2 Au $e 0.0 $rc"; done
    for l in -1 1; do for z in 1 2 4; do
        echo "symfunction_short Al 9 Al Al 0.01 $l $z $rc"
        echo "symfunction_short Al 9 Al Au 0.01 $l $z $rc"
    done; done
    echo "symfunction_short Al 9 Al Al 0.01 1 16 $rc"
    echo "symfunction_short Al 9 Al Al 0.01 -1 16 $rc"
    for e in 0.001 0.01 0.03 0.06 0.1 0.2 0.4 0.8; do echo "symfunction_short Au 2 Al $e 0.0 $rc"; done
    for l in -1 1; do for z in 1 2 4; do echo "symfunction_short Au 9 Al Al 0.01 $l $z $rc"; done; done
} >auAl.nn
echo "== pesx fit ($members members; OMP_NUM_THREADS=${OMP_NUM_THREADS:-all}) in $work"
/usr/bin/time -f "fit: %U s user CPU, %S s system, %e s wall" \
    "$PESX" fit "$data/auAl100_train.xml" --test "$data/auAl100_test.xml" --sf auAl.nn \
    --optimizer ekf --epochs 20 --ekf-force-ratio 0.25 --ekf-threshold 0.5 --polish 0 \
    --committee "$members" -o auAl100.xml "$@" || exit 1
echo "== pesx neb reactant -> product on the fitted potential"
/usr/bin/time -f "neb: %U s user CPU, %e s wall" \
    "$PESX" neb "$data/reactant.xyz" "$data/product.xyz" -p auAl100.xml --images 7 \
    --fmax-ci 0.001 --report neb.xml -o band.xyz --saddle saddle.xyz || exit 1
grep -o '<barrier[^>]*>' neb.xml
echo "EMT reference barrier: 0.3741 eV (n2p2: test 0.10 meV/atom, 6.2 meV/A in ~220 s CPU)"
