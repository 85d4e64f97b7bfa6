#!/bin/sh
# -p ipi: pesx as the i-PI server with ASE EMT clients (examples/ipi's
# SocketClient script and tests/ipi_client.py, which spoils answers on
# demand).  Energies and forces equal ASE's EMT called directly; the auAl100
# CI-NEB barrier is ASE's and the same with one client, two, and two of which
# one dies mid-band; a silent client's structure goes to another; no client,
# a NaN, a wrong atom count and a garbage header are clear errors (exit 1).
. "$top_srcdir/tests/cli/lib.sh"
py=/usr/bin/python3
if ! $py -c 'import ase.calculators.socketio, ase.calculators.emt' 2>/dev/null; then
    echo "no ASE for /usr/bin/python3: skipped"; exit 77
fi
d=${PESX_SHARED:-}/data/auAl100
if [ ! -f "$d/reactant.xyz" ]; then echo "PESX_SHARED ($PESX_SHARED) has no auAl100: skipped"; exit 77; fi
client="$py $top_srcdir/examples/ipi/ase_emt_client.py"
faulty="$py $top_srcdir/tests/ipi_client.py"
sock=pesx-cli-$$
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$work" /tmp/ipi_$sock-*' EXIT
cd "$work" || exit 1
attr() { sed -n "s/.*<$2 [^>]*$3=\"\([^\"]*\)\".*/\1/p" "$1" | head -1; }
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(a != "" && d < t && -d < t) }'; }
# start CMD...: a client in the background
start() { "$@" >>clients.log 2>&1 & pids="$pids $!"; }

# Rattled auAl100 cells (no fixed atoms) and ASE's own EMT numbers for them.
$py - "$d/reactant.xyz" <<'EOF' || exit 1
import sys
from ase.io import read, write
from ase.calculators.emt import EMT
from ase.calculators.singlepoint import SinglePointCalculator
a = read(sys.argv[1]); a.set_constraint()
write("template.xyz", a)
frames, refs = [], []
for k in range(3):
    b = a.copy(); b.rattle(0.05, seed=k)
    frames.append(b.copy())
    b.calc = EMT()
    e, f = b.get_potential_energy(), b.get_forces()
    b.calc = SinglePointCalculator(b, energy=e, forces=f)
    refs.append(b)
write("frames.xyz", frames); write("ref.xyz", refs)
EOF

start $client template.xyz --unix $sock-e
expect 0 '' "eval through an ASE SocketClient" -- "$PESX" eval frames.xyz -p ipi:unix=$sock-e,timeout=30 -o out.xyz
checks=$((checks + 1))
# ASE 3.22 converts with CODATA 2014 Bohr and Hartree, pesx with 2018: the
# atomic units on the wire scale energies by 1 + 8.3e-9
if $py - <<'EOF'; then pass "energies and forces = ASE EMT (1e-8 relative, 1e-7 eV/A)"; else fail "ipi differs from ASE EMT"; fi
from ase.io import read
import numpy as np
for o, r in zip(read("out.xyz", ":"), read("ref.xyz", ":")):
    de = abs(o.get_potential_energy() - r.get_potential_energy())
    df = np.abs(o.get_forces() - r.get_forces()).max()
    print("dE %.3g eV, dF %.3g eV/A" % (de, df))
    assert de < 1e-8 * abs(r.get_potential_energy()) and df < 1e-7
EOF

# CI-NEB on auAl100: one client, two, and two of which one dies mid-band.
neb() { "$PESX" neb "$d/reactant.xyz" "$d/product.xyz" -n 5 -p "ipi:unix=$1,clients=$2,timeout=30" \
    --report "$1.xml" -o "$1.band.xyz" --saddle "$1.saddle.xyz"; }
start $client "$d/reactant.xyz" --unix $sock-n1
expect 0 'converged' "CI-NEB with one client" -- neb $sock-n1 1
start $client "$d/reactant.xyz" --unix $sock-n2
start $client "$d/reactant.xyz" --unix $sock-n2
expect 0 'converged' "CI-NEB with two clients" -- neb $sock-n2 2
start $faulty --unix $sock-nk --template "$d/reactant.xyz" --fault die --after 12
start $client "$d/reactant.xyz" --unix $sock-nk
expect 0 'converged' "CI-NEB with two clients, one dying mid-band" -- neb $sock-nk 2
checks=$((checks + 1))
grep -q "client [12] on /tmp/ipi_$sock-nk hung up" "$work/err" && pass "the lost client is reported" ||
    fail "no warning about the lost client"
b1=$(attr $sock-n1.xml barrier forward); b2=$(attr $sock-n2.xml barrier forward)
bk=$(attr $sock-nk.xml barrier forward); c1=$(attr $sock-n1.xml force-calls total)
c2=$(attr $sock-n2.xml force-calls total); ck=$(attr $sock-nk.xml force-calls total)
ref=$(sed -n 's/.*"barrier_forward": \([0-9.]*\).*/\1/p' "$d/reference.json")
checks=$((checks + 1))
if [ -n "$b1" ] && [ "$b1" = "$b2" ] && [ "$b1" = "$bk" ] && [ "$c1" = "$c2" ] && [ "$c1" = "$ck" ]; then
    pass "barrier $b1 eV and $c1 force calls with 1, 2 and 2-1 clients"
else
    fail "barriers $b1 / $b2 / $bk eV, calls $c1 / $c2 / $ck"
fi
checks=$((checks + 1))
near "$b1" "$ref" 2e-4 && pass "barrier $b1 = ASE's CI-NEB $ref to 2e-4 eV" || fail "barrier $b1, ASE $ref"
# the same band on the in-process EMT: the socket changes nothing but units
# (CODATA 2014 against 2018 on the wire: 8e-9 relative)
expect 0 'converged' "CI-NEB on -p emt in process" -- "$PESX" neb "$d/reactant.xyz" "$d/product.xyz" \
    -n 5 -p emt --report emt.xml -o emt.band.xyz --saddle emt.saddle.xyz
be=$(attr emt.xml barrier forward); ce=$(attr emt.xml force-calls total)
checks=$((checks + 1))
if near "$b1" "$be" 1e-8 && [ "$c1" = "$ce" ]; then pass "barrier and $ce calls = -p emt in process ($be eV, 1e-8)"
else fail "ipi barrier $b1 ($c1 calls), -p emt $be ($ce calls)"; fi
checks=$((checks + 1))
# the saddle's energy is EMT's: ASE on the saddle pesx wrote
es=$(attr $sock-n2.xml saddle energy)
if $py - "$sock-n2.saddle.xyz" "$es" <<'EOF'; then pass "saddle energy $es = ASE EMT on the saddle"; else fail "saddle energy $es"; fi
import sys
from ase.io import read
from ase.calculators.emt import EMT
a = read(sys.argv[1]); a.calc = EMT()
assert abs(a.get_potential_energy() - float(sys.argv[2])) < 1e-7, a.get_potential_energy()
EOF

# A client that stops answering: dropped after the timeout, the structure
# goes to the client that came later (8 s: a loaded machine imports ASE slowly).
start $faulty --unix $sock-m --template template.xyz --fault mute
( sleep 3; exec $client template.xyz --unix $sock-m ) >>clients.log 2>&1 & pids="$pids $!"
expect 0 'frame 1' "a silent client's structure goes to another" -- \
    "$PESX" eval template.xyz -p ipi:unix=$sock-m,clients=2,timeout=8
checks=$((checks + 1))
grep -q "client 1 on /tmp/ipi_$sock-m gave no answer within the timeout" "$work/err" &&
    pass "the silent client is reported" || fail "no warning about the silent client"

# Errors: exit 1, naming the socket or the client.
expect 1 "no client connected to /tmp/ipi_$sock-x within 0.5 s" "no client" -- \
    "$PESX" eval template.xyz -p ipi:unix=$sock-x,timeout=0.5
start $faulty --unix $sock-f1 --template template.xyz --fault nan
expect 1 "client 1 on /tmp/ipi_$sock-f1: it returned a non-finite energy" "NaN energy" -- \
    "$PESX" eval template.xyz -p ipi:unix=$sock-f1,timeout=20
start $faulty --unix $sock-f2 --template template.xyz --fault natoms
expect 1 "client 1 on /tmp/ipi_$sock-f2: it returned forces on 27 atoms for a structure of 28" \
    "wrong atom count" -- "$PESX" eval template.xyz -p ipi:unix=$sock-f2,timeout=20
start $faulty --unix $sock-f3 --template template.xyz --fault garbage
expect 1 "client 1 on /tmp/ipi_$sock-f3: answered GETFORCE with 'BANANA'" "garbage header" -- \
    "$PESX" eval template.xyz -p ipi:unix=$sock-f3,timeout=20
expect 2 "either unix=NAME" "neither unix= nor port=" -- "$PESX" eval template.xyz -p ipi
expect 2 "clients.*positive" "clients=0" -- "$PESX" eval template.xyz -p ipi:unix=$sock-z,clients=0

# A socket file left behind by a dead server is replaced.
$py -c "import socket; socket.socket(socket.AF_UNIX).bind('/tmp/ipi_$sock-s')"
start $client template.xyz --unix $sock-s
expect 0 'frame 1' "stale socket file replaced" -- "$PESX" eval template.xyz -p ipi:unix=$sock-s,timeout=20
checks=$((checks + 1))
[ ! -e /tmp/ipi_$sock-s ] && pass "socket removed on exit" || fail "/tmp/ipi_$sock-s left behind"

for p in $pids; do wait "$p" 2>/dev/null; done
pids=
finish
