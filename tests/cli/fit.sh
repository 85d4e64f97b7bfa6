#!/bin/sh
# pesx fit: trains a small potential that pesx eval reads back with the
# energies the fit reported, writes its curve, parity data, plots and a
# committee, is reproducible from --seed, stops cleanly on SIGINT (best
# potential and checkpoint written, --resume finishes), and rejects bad input.
. "$top_srcdir/tests/cli/lib.sh"
data=$top_srcdir/tests/data/fit/alau4.xml
cd "$work" || exit 1
small="--rc 4.5 --hidden 4,4 --epochs 6 --polish 0 --batch 4 --checkpoint-every 0"

expect 0 'test .*tet-' "fit a small data set, table with worst structures" -- \
    "$PESX" fit "$data" $small -o pot.xml --curve curve.tsv --parity parity.tsv --plot plots
[ -s pot.xml ] && pass "potential written" || fail "no potential.xml"
# The potential names its data by a checksum that does not depend on the file
# format: the same data as extended XYZ must give the same one.
"$PESX" convert "$data" -o data.xyz -q >/dev/null 2>&1
"$PESX" fit data.xyz $small -o pot2.xml -q >/dev/null 2>&1
c1=$(sed -n 's/.*<data-checksum>\(sha256:[0-9a-f]\{64\}\)<.*/\1/p' pot.xml)
c2=$(sed -n 's/.*<data-checksum>\(sha256:[0-9a-f]\{64\}\)<.*/\1/p' pot2.xml)
checks=$((checks + 1))
[ -n "$c1" ] && [ "$c1" = "$c2" ] && pass "data checksum recorded, format-independent ($c1)" ||
    fail "data checksum '$c1' vs '$c2'"
rows=$(grep -vc '^#' curve.tsv)
[ "$rows" -eq 7 ] && pass "learning curve has epochs 0..6" || fail "learning curve has $rows rows"
ne=$(grep -c '^E	' parity.tsv)
nf=$(grep -c '^F	' parity.tsv)
[ "$ne" -eq 30 ] && [ "$nf" -eq 360 ] && pass "parity: 30 energies, 360 force components" ||
    fail "parity has $ne energies and $nf forces"
for f in learning-curve parity-energy parity-force; do
    grep -q '</svg>' "plots/$f.svg" 2>/dev/null && pass "plot $f.svg" || fail "no plots/$f.svg"
done

# pesx eval on one structure gives the energy the parity file reports
python_ok=0
/usr/bin/python3 -c 'import ase' 2>/dev/null && python_ok=1
awk '/<structure id="tet-03">/,/<\/structure>/' "$data" |
    sed -n 's/.*element="\([A-Za-z]*\)" x="\([^"]*\)" y="\([^"]*\)" z="\([^"]*\)".*/\1 \2 \3 \4/p' \
        >atoms.txt
{ echo 4; echo "tet-03"; cat atoms.txt; } >tet03.xyz
expect 0 '' "pesx eval reads the fitted potential" -- "$PESX" eval tet03.xyz -p pot.xml -o ev.xyz -q
e_eval=$(sed -n '2s/.*energy=\([^ ]*\).*/\1/p' ev.xyz)
e_par=$(awk -F'\t' '$1 == "E" && $3 == "tet-03" { printf "%.10g", 4 * $7 }' parity.tsv)
checks=$((checks + 1))
if awk -v a="$e_eval" -v b="$e_par" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d < 1e-6) }'; then
    pass "eval energy $e_eval = fit prediction $e_par"
else
    fail "eval energy '$e_eval' differs from the fit's '$e_par'"
fi

# same seed, same potential (apart from the date)
expect 0 '' "second run, same seed" -- "$PESX" fit "$data" $small -o pot2.xml -q --curve c2.tsv \
    --parity p2.tsv
grep -v 'date' pot.xml >a.txt
grep -v 'date' pot2.xml >b.txt
checks=$((checks + 1))
cmp -s a.txt b.txt && pass "--seed reproduces the potential" || fail "same seed, different potential"
expect 0 '' "other seed" -- "$PESX" fit "$data" $small -o pot3.xml -q --seed 5 --curve c3.tsv \
    --parity p3.tsv
grep -v 'date' pot3.xml >c.txt
checks=$((checks + 1))
cmp -s a.txt c.txt && fail "another seed gives the same potential" || pass "--seed changes the potential"

# committee: eval reports a spread
expect 0 '2 members' "committee of 2" -- "$PESX" fit "$data" $small --committee 2 -o com.xml \
    --curve c4.tsv --parity p4.tsv --optimizer lbfgs
expect 0 '' "eval with the committee" -- "$PESX" eval tet03.xyz -p com.xml -o evc.xyz -q
grep -q 'energy_std=' evc.xyz && pass "committee energy_std in eval output" ||
    fail "no energy_std from the committee"

# SIGINT: stops, writes the best potential so far and the checkpoint (the
# potential and the optimizer state); --resume finishes with exactly the
# potential and learning curve of an uninterrupted run with the same seed.
long="--rc 4.5 --hidden 4,4 --optimizer adam --epochs 2000 --polish 0 --batch 4 --lr-final 1e-3"
expect 0 '' "uninterrupted reference fit" -- "$PESX" fit "$data" $long --checkpoint-every 0 \
    -o ref.xml --curve ref.tsv --parity refp.tsv -q
"$PESX" fit "$data" $long --checkpoint-every 1000 -o int.xml --curve int.tsv --parity intp.tsv \
    -q >int.out 2>int.err &
pid=$!
i=0
while [ "$i" -lt 300 ] && [ "$(grep -vc '^#' int.tsv 2>/dev/null || echo 0)" -lt 4 ]; do
    sleep 0.1; i=$((i + 1))
done
kill -INT "$pid"
wait "$pid"
st=$?
checks=$((checks + 1))
[ "$st" -eq 1 ] && pass "SIGINT: exit 1" || fail "SIGINT: exit $st (finished before the signal?)"
grep -q 'interrupted' int.err && pass "SIGINT is reported" || fail "SIGINT not reported"
[ -s int.xml ] && [ -s int.xml.checkpoint ] && [ -s int.xml.checkpoint.state ] &&
    pass "SIGINT: potential and checkpoint (potential + training state) written" ||
    fail "SIGINT: missing int.xml or its checkpoint files"
stopped=$(sed -n 's/^epoch //p' int.xml.checkpoint.state)
expect 0 '' "interrupted potential evaluates" -- "$PESX" eval tet03.xyz -p int.xml -o evi.xyz -q
expect 2 'other options' "--resume with other options is refused" -- \
    "$PESX" fit "$data" $long --lr 0.01 -o int.xml --curve int.tsv --parity intp.tsv --resume -q
expect 0 'wrote int.xml' "--resume finishes the interrupted fit (stopped at epoch $stopped)" -- \
    "$PESX" fit "$data" $long --checkpoint-every 1000 -o int.xml --curve int.tsv \
    --parity intp.tsv --resume
grep -v 'date' ref.xml >a.txt
grep -v 'date' int.xml >b.txt
checks=$((checks + 1))
cmp -s a.txt b.txt && pass "interrupted + resumed = uninterrupted potential" ||
    fail "resumed potential differs from the uninterrupted one (stopped at epoch $stopped)"
cut -f1-6 ref.tsv >a.txt
cut -f1-6 int.tsv >b.txt
checks=$((checks + 1))
cmp -s a.txt b.txt && pass "resumed learning curve = uninterrupted one" ||
    fail "resumed learning curve differs from the uninterrupted one"
[ -e int.xml.checkpoint ] || [ -e int.xml.checkpoint.state ] &&
    fail "checkpoint left after a finished fit" || pass "checkpoint removed after a finished fit"

# Outputs (issue 12): every output location is checked before the first
# epoch; a checkpoint that cannot be written is an error; the curve and
# parity files are named after -o, not left in the current directory.
expect 1 'nonexistent' "-o in a missing directory fails before training" -- \
    "$PESX" fit "$data" $small -o /nonexistent/x.xml --curve early.tsv --parity earlyp.tsv -q
[ -e early.tsv ] && fail "-o /nonexistent: the fit trained first (early.tsv written)" ||
    pass "-o /nonexistent: no epoch ran"
mkdir ck.xml.checkpoint.state
expect 1 'ck.xml.checkpoint.state' "an unwritable checkpoint is an error" -- \
    "$PESX" fit "$data" $small --checkpoint-every 2 -o ck.xml --curve ck.tsv -q
[ -e ck.tsv ] || [ -e ck.xml ] && fail "unwritable checkpoint: the fit ran anyway" ||
    pass "unwritable checkpoint: refused before the first epoch"
mkdir side
expect 0 '' "curve and parity named after -o" -- "$PESX" fit "$data" $small -o side/p.xml -q
[ -s side/p-curve.tsv ] && [ -s side/p-parity.tsv ] && [ ! -e fit-curve.tsv ] &&
    [ ! -e fit-parity.tsv ] && pass "side/p-curve.tsv and side/p-parity.tsv, nothing in ." ||
    fail "side files: $(ls side . | tr '\n' ' ')"
# the potential records the fit's options and seed (issue 12 item 15)
grep -q '<fit-options>.*--optimizer ekf --epochs 6 .*--seed 5</fit-options>' pot3.xml &&
    pass "options and seed recorded in the potential" || fail "no <fit-options> with --seed 5"

# An interrupted committee says how many members it holds (issue 12 item 12):
# SIGINT in the second member writes and reports one.
"$PESX" fit "$data" $long --committee 2 --checkpoint-every 0 -o int2.xml \
    --curve int2.tsv --parity int2p.tsv >int2.out 2>int2.err &
pid=$!
i=0
while [ "$i" -lt 600 ] && ! grep -q '^1	3	' int2.tsv 2>/dev/null; do
    sleep 0.1; i=$((i + 1))
done
kill -INT "$pid"
wait "$pid"
checks=$((checks + 1))
if grep -q 'wrote int2.xml (1 member)' int2.out && grep -q '<committee members="1"/>' int2.xml; then
    pass "interrupted committee: 1 member written and reported"
else
    fail "interrupted committee: $(grep wrote int2.out), $(grep -o '<committee[^>]*>' int2.xml)"
fi

# bad input
expect 2 'pesx fit: error: .*nosuch.xml' "missing data file" -- "$PESX" fit nosuch.xml -q
printf '<dataset units="eV Angstrom">\n  <structure>\n    <atom element="Al" x="0" y="0"\n' >bad.xml
expect 2 'bad.xml:[0-9]+' "malformed data file names file and line" -- "$PESX" fit bad.xml -q
expect 2 'adam, lbfgs or ekf' "unknown optimizer" -- "$PESX" fit "$data" --optimizer sgd
expect 2 'sum < 1' "fractions too large" -- "$PESX" fit "$data" --test-fraction 0.6 --val-fraction 0.5
expect 2 'hidden' "bad --hidden" -- "$PESX" fit "$data" --hidden 4,x
expect 2 'exclude' "--test with --test-fraction" -- "$PESX" fit "$data" --test "$data" --test-fraction 0.2
expect 2 'no data file' "no data file" -- "$PESX" fit
expect 0 '1 member, ekf' "default optimizer: the Kalman filter" -- "$PESX" fit "$data" --rc 4.5 \
    --hidden 4,4 --checkpoint-every 0 -o def.xml --curve def.tsv --parity defp.tsv
rows=$(grep -vc '^#' def.tsv)
[ "$rows" -eq 21 ] && pass "EKF default: 20 epochs, no polish" || fail "default run has $rows curve rows"
expect 0 '' "Adam then an L-BFGS polish" -- "$PESX" fit "$data" --optimizer adam --rc 4.5 --hidden 4,4 --epochs 3 \
    --polish 4 --checkpoint-every 0 -o pol.xml --curve pol.tsv --parity polp.tsv -q
rows=$(grep -vc '^#' pol.tsv)
[ "$rows" -gt 4 ] && pass "polish iterations follow the Adam epochs ($rows rows)" ||
    fail "no polish iterations in the curve ($rows rows)"
expect 2 'checkpoint' "--resume without a checkpoint" -- "$PESX" fit "$data" -o none.xml --resume -q
finish
