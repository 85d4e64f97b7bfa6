#!/bin/sh
# The i-PI socket's cost (issue 11): pesx as the server, ASE EMT clients
# (examples/ipi/ase_emt_client.py) on $PESX_SHARED/data/auAl100.
#  1. per call: N rattled cells through one client, against ASE's EMT called
#     directly on the same cells (the client's own work, one calculator) and
#     pesx's in-process -p emt (whole runs, reading included); the socket's
#     overhead is (ipi - ASE direct) / N, wall seconds both.
#  2. one CI-NEB band (11 images, fmax 0.01) with 1 and 2 clients: wall seconds and the
#     speed-up (clients=2 computes two images at once), calls identical;
#     then with clients that sleep 0.05 s per structure, as a slow quantum
#     code would, which shows the overlap even on a loaded machine.
# Wall times: the machine may be shared; run it on a quiet one for figures.
#
#   PESX=./pesx PESX_SHARED=../shared sh tests/bench/bench_ipi.sh [N]
. "$(dirname "$0")/lib.sh"
d=$PESX_SHARED/data/auAl100
bench_need "$d/reactant.xyz"
py=/usr/bin/python3
$py -c 'import ase.calculators.socketio' 2>/dev/null || { echo "no ASE for $py"; exit 77; }
top=$(cd "$(dirname "$0")/../.." && pwd)
client="$py $top/examples/ipi/ase_emt_client.py"
slow="$py $top/tests/ipi_client.py"  # the same EMT client, with --delay
n=${1:-200}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_ipi.XXXXXX")
sock=pesx-bench-$$
trap 'rm -rf "$tmp" /tmp/ipi_$sock-*' EXIT
cd "$tmp" || exit 1
now() { date +%s.%N; }

$py - "$d/reactant.xyz" "$n" <<'PY' || exit 1
import sys, time, warnings
warnings.simplefilter("ignore")
from ase.io import read, write
from ase.calculators.emt import EMT
a = read(sys.argv[1]); a.set_constraint()
write("template.xyz", a)
frames = []
for k in range(int(sys.argv[2])):
    b = a.copy(); b.rattle(0.03, seed=k); frames.append(b)
write("frames.xyz", frames)
calc = EMT()  # one calculator for all, as the client has
t = time.perf_counter()
for b in frames:
    b.calc = calc; b.get_potential_energy(); b.get_forces()
open("ase.s", "w").write("%.6f" % (time.perf_counter() - t))
PY
t0=$(now); "$PESX" eval frames.xyz -p emt --summary >/dev/null || exit 1; t1=$(now)
$client template.xyz --unix $sock-e >/dev/null 2>&1 &
t2=$(now); "$PESX" eval frames.xyz -p ipi:unix=$sock-e --summary >/dev/null || exit 1; t3=$(now)
wait
awk -v n="$n" -v emt="$(echo "$t1 - $t0" | bc)" -v ipi="$(echo "$t3 - $t2" | bc)" -v ase="$(cat ase.s)" 'BEGIN {
    printf "# %d auAl100 cells (28 atoms), seconds per call\n", n
    printf "  pesx -p emt in process      %.2e\n", emt / n
    printf "  ASE EMT direct (wall)        %.2e\n", ase / n
    printf "  pesx -p ipi, 1 ASE client   %.2e   socket overhead %.2e s per call\n", ipi / n, (ipi - ase) / n }'

band() { # CLIENTS [DELAY]: wall seconds and force calls of one CI-NEB
    i=0; while [ $i -lt "$1" ]; do
        $slow --template "$d/reactant.xyz" --delay "${2:-0}" --unix $sock-n$1 >/dev/null 2>&1 &
        i=$((i + 1)); done
    s=$(now)
    "$PESX" neb "$d/reactant.xyz" "$d/product.xyz" -n 11 --fmax 0.01 --fmax-ci 0.01 -p ipi:unix=$sock-n$1,clients=$1 -q \
        --report n$1.xml -o n$1.band.xyz --saddle n$1.saddle.xyz --checkpoint-every 0 >/dev/null || exit 1
    e=$(now); wait
    calls=$(sed -n 's/.*<force-calls total="\([0-9]*\)".*/\1/p' n$1.xml | head -1)
    barrier=$(sed -n 's/.*<barrier forward="\([^"]*\)".*/\1/p' n$1.xml | head -1)
    echo "$(echo "$e - $s" | bc) $calls $barrier"
}
for delay in 0 0.05; do
    set -- $(band 1 $delay); w1=$1 c1=$2 b1=$3
    set -- $(band 2 $delay); w2=$1 c2=$2 b2=$3
    echo "# CI-NEB, 11 images, fmax 0.01, auAl100 on ASE EMT over the socket, clients sleeping $delay s per structure"
    printf "  1 client : %6.2f s wall  %4s calls  barrier %s eV\n" "$w1" "$c1" "$b1"
    printf "  2 clients: %6.2f s wall  %4s calls  barrier %s eV  speed-up %.2f\n" "$w2" "$c2" "$b2" \
        "$(echo "$w1 / $w2" | bc -l)"
done
