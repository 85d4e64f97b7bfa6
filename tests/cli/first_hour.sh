#!/bin/sh
# What a new user met in the first hour (issue 12, items 2, 10, 11, 13, 14,
# 15): outputs checked before any force call, structures on stdout without
# the step table, a failed write that is not called "NOT converged",
# installed potentials found from the build tree, pesx eval on data sets with
# error statistics, the unit hint when every atom extrapolates, --fix and the
# slab warning, 1-based atoms, plurals, prefixed warnings, no function names.
. "$top_srcdir/tests/cli/lib.sh"
lj13=$top_srcdir/examples/lj13/start.xyz
agcu=$top_srcdir/examples/agcu100
lj7=$top_srcdir/tests/data/lj7
cd "$work" || exit 1
unset PESX_POTENTIAL_PATH

# absent PATTERN DESCRIPTION: the last expect's output does not match.
absent() {
    checks=$((checks + 1))
    if grep -Eq -- "$1" "$work/out" "$work/err"; then
        fail "$2"; grep -E -- "$1" "$work/out" "$work/err" | head -3 | sed 's/^/  | /'
    else pass "$2"; fi
}

# --- outputs ---------------------------------------------------------------
expect 1 'nonexistent/x.xyz.*cannot write' "opt: a bad -o fails" -- \
    "$PESX" opt "$lj13" -p lj -o "$work/nonexistent/x.xyz"
absent 'converged' "opt: ... before the first force call"
expect 1 'nonexistent/t.xyz.*cannot write' "opt: a bad --traj fails" -- \
    "$PESX" opt "$lj13" -p lj -o ok.xyz --traj "$work/nonexistent/t.xyz"
absent 'converged' "opt --traj: ... before the first force call"
expect 1 'nonexistent/e.xyz.*cannot write' "eval: a bad -o fails" -- \
    "$PESX" eval "$lj13" -p lj -o "$work/nonexistent/e.xyz"
absent 'frame 1' "eval: ... before the first structure"
expect 1 'nonexistent/m.xyz.*cannot write' "vib: a bad --modes fails" -- \
    "$PESX" vib "$lj13" -p lj --modes "$work/nonexistent/m.xyz"
absent 'modes:' "vib: ... before the Hessian"
expect 1 'nonexistent/p.xml.*cannot write' "convert: a bad -o fails" -- \
    "$PESX" convert "$top_srcdir/potentials/ch3nc.xml" -o "$work/nonexistent/p.xml"

expect 0 '' "opt -o - writes the structure to stdout" -- "$PESX" opt "$lj13" -p lj -o -
checks=$((checks + 1))
if [ "$(head -1 "$work/out")" = 13 ] && [ "$(wc -l <"$work/out")" -eq 15 ] &&
    grep -q '^converged: ' "$work/err" && grep -q 'step .*energy/eV' "$work/err"; then
    pass "... alone: the step table and result line go to stderr"
else fail "stdout is not one XYZ frame"; head -3 "$work/out" | sed 's/^/  | /'; fi

if [ -w /dev/full ]; then
    expect 1 '/dev/full.*cannot write' "opt -o /dev/full fails" -- \
        "$PESX" opt "$lj13" -p lj -o /dev/full
    checks=$((checks + 1))
    if grep -q '^converged: ' "$work/out" && ! grep -q 'NOT converged' "$work/out" "$work/err"
    then pass "... and says the run converged"; else fail "a converged run reported as NOT converged"; fi
fi

# --- option values, plurals, messages ---------------------------------------
expect 2 "--fmax: '-1' is negative" "opt --fmax -1 is refused as negative" -- \
    "$PESX" opt "$lj13" -p lj --fmax -1
expect 2 "--fnorm: '-0.5' is negative" "opt --fnorm -0.5" -- "$PESX" opt "$lj13" -p lj --fnorm -0.5
expect 2 "--fmax: '-1' is negative" "saddle --fmax -1" -- \
    "$PESX" saddle "$lj7/octahedron.xyz" -p lj --fmax -1
expect 1 ' 1 step, ' "one step is '1 step'" -- "$PESX" opt "$lj13" -p lj --max-steps 1 -o one.xyz
absent '1 steps' "... never '1 steps'"
absent 'minimize:' "... and the error names no internal function"
expect 0 'only at the end' "neb --help: --checkpoint-every 0 as the man page has it" -- \
    "$PESX" neb --help
absent '0 = never' "... not 'never'"

# --- atoms count from 1 ------------------------------------------------------
expect 0 '' "eval table" -- "$PESX" eval "$lj13" -p lj
checks=$((checks + 1))
first=$(awk '$2 == "Ar" { print $1; exit }' "$work/out")
last=$(awk '$2 == "Ar" { n = $1 } END { print n }' "$work/out")
[ "$first" = 1 ] && [ "$last" = 13 ] && pass "atoms numbered 1 to 13" ||
    fail "atoms numbered $first to $last"

# --- -p NAME from the build tree ----------------------------------------------
expect 0 'frame 1: 28 atoms' "-p agcu100 from the source tree" -- \
    "$PESX" eval "$agcu/reactant.xyz" -p agcu100 --summary
expect 2 'PESX_POTENTIAL_PATH' "an unknown name points at PESX_POTENTIAL_PATH" -- \
    "$PESX" eval "$lj13" -p nosuchpotential

# --- eval on data sets: the errors against the reference ----------------------
expect 0 'errors against the reference: 186 of 186 frames with energies' \
    "eval reads data.xml (pesx-workflow(7) step 3)" -- \
    "$PESX" eval "$agcu/test.xml" -p agcu100 --summary -o test-eval.xyz
cp "$work/out" summary.txt
# potentials/agcu100.md gives the fit's test errors: 0.065 meV/atom, 2.88 meV/A
expect 0 'energy  RMSE 0\.065' "... the fit's energy test error" -- cat summary.txt
expect 0 'forces  RMSE 2\.87[5-9]' "... the fit's force test error" -- cat summary.txt
if /usr/bin/python3 -c 'import ase.io' 2>/dev/null; then
    checks=$((checks + 1))
    if /usr/bin/python3 - "$agcu/test.xml" test-eval.xyz summary.txt <<'PY'
import sys, re, ase.io, numpy as np, xml.etree.ElementTree as ET
ref = ET.parse(sys.argv[1]).getroot().findall("structure")
pred = ase.io.read(sys.argv[2], index=":")
assert len(ref) == len(pred) == 186
de, df = [], []
for s, a in zip(ref, pred):
    atoms = s.findall("atom")
    de.append((a.get_potential_energy() - float(s.find("energy").text)) / len(atoms))
    fr = np.array([[float(t.get(k)) for k in ("fx", "fy", "fz")] for t in atoms])
    df.extend((a.get_forces() - fr).ravel())
de, df = np.abs(de) * 1e3, np.abs(df) * 1e3
text = open(sys.argv[3]).read()
e = [float(x) for x in re.search(r"energy  RMSE (\S+)  MAE (\S+)  max (\S+)", text).groups()]
f = [float(x) for x in re.search(r"forces  RMSE (\S+)  MAE (\S+)  max (\S+)", text).groups()]
want_e = [np.sqrt(np.mean(de**2)), de.mean(), de.max()]
want_f = [np.sqrt(np.mean(df**2)), df.mean(), df.max()]
assert np.allclose(e, want_e, rtol=1e-5), (e, want_e)
assert np.allclose(f, want_f, rtol=1e-5), (f, want_f)
assert "(%d force components)" % len(df) in text
PY
    then pass "RMSE, MAE and max agree with numpy on eval's own output"; else fail "error statistics"; fi
fi
# good.data: E_ref -3.25 eV on 2 atoms and 1 eV on 1, forces up to 0.3 eV/A; with
# lj:rc=3 no pair interacts, so E = F = 0: errors 1625 and 1000 meV/atom, RMSE
# sqrt((1625^2 + 1000^2) / 2) = 1349.19, MAE 1312.5; forces max 300 meV/A
expect 0 'errors against the reference: 2 of 2 frames with energies, 2 with forces \(9 force' \
    "eval reads n2p2 input.data" -- \
    "$PESX" eval "$top_srcdir/tests/data/dataset/good.data" -p lj:rc=3 --summary
expect 0 'energy  RMSE 1349\.19  MAE 1312\.5  max 1625 meV/atom \(frame 1\)' "... its energy errors" -- \
    "$PESX" eval "$top_srcdir/tests/data/dataset/good.data" -p lj:rc=3 --summary
expect 0 'forces  RMSE 176\.415  MAE 134\.444  max 300 meV/A \(frame 1\)' "... its force errors" -- \
    "$PESX" eval "$top_srcdir/tests/data/dataset/good.data" -p lj:rc=3 --summary
# eval's own output as the reference: every error is exactly 0
"$PESX" eval "$lj13" -p lj -o lj13-ref.xyz -q
expect 0 'energy  RMSE 0  MAE 0  max 0 meV/atom.*' "extended XYZ with energy and forces" -- \
    "$PESX" eval lj13-ref.xyz -p lj --summary
expect 0 'forces  RMSE 0  MAE 0  max 0 meV/A' "... forces too" -- \
    "$PESX" eval lj13-ref.xyz -p lj --summary
expect 0 'frame 1: 13 atoms' "a plain XYZ file has no reference" -- "$PESX" eval "$lj13" -p lj --summary
absent 'errors against' "... and no error block"

# --- every atom extrapolates -------------------------------------------------
# the agcu100 reactant squeezed to 0.6 of its size: every descriptor is out of range
awk -v s=0.6 'NR == 1 { print; next }
    NR == 2 { match($0, /Lattice="[^"]*"/); split(substr($0, RSTART + 9, RLENGTH - 10), L, " ")
              printf "Lattice=\""; for (i = 1; i <= 9; i++) printf "%s%.10f", (i > 1 ? " " : ""), L[i] * s
              print "\" Properties=species:S:1:pos:R:3 pbc=\"T T F\""; next }
    { printf "%s %.10f %.10f %.10f\n", $1, $2 * s, $3 * s, $4 * s }' "$agcu/reactant.xyz" >squeezed.xyz
expect 0 'pesx eval: warning: frame 1: 28 of 28 atoms .* training range' \
    "extrapolation warning, prefixed with the command" -- "$PESX" eval squeezed.xyz -p agcu100 --summary
expect 0 'pesx eval: warning: every atom extrapolates: is the structure in Angstrom' \
    "... and the units hint" -- "$PESX" eval squeezed.xyz -p agcu100 --summary
ref=${PESX_SHARED:-}/ref/n2p2/H2O_RPBE-D3
if [ -d "$ref" ]; then
    awk -v b=0.529177210903 '
        $1 == "lattice" { L[n++] = sprintf("%.17g %.17g %.17g", $2 * b, $3 * b, $4 * b) }
        $1 == "atom" { na++; A[na] = sprintf("%s %.17g %.17g %.17g", $5, $2 * b, $3 * b, $4 * b) }
        END { print na
              printf "Lattice=\"%s %s %s\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n", L[0], L[1], L[2]
              for (i = 1; i <= na; i++) print A[i] }' "$ref/conf1_pbc48/input.data" >water.xyz
    expect 0 "length=bohr,energy=hartree'\) 0 of 48 atoms extrapolate" \
        "n2p2 without units: the hint names the units that work" -- \
        "$PESX" eval water.xyz -p "n2p2:$ref" --summary
    expect 0 'frame 1: 48 atoms' "... and with them nothing extrapolates" -- \
        "$PESX" eval water.xyz -p "n2p2:$ref,length=bohr,energy=hartree" --summary
    absent 'extrapolat' "... no warning"
else
    echo "PESX_SHARED ($PESX_SHARED) absent: n2p2 unit hint not tested"
fi

# --- slabs and --fix -----------------------------------------------------------
awk 'NR == 2 { sub(/:move_mask:L:1/, "") } NR > 2 { NF = 4 } { print }' \
    "$agcu/reactant.xyz" >unfixed.xyz
awk 'NR == 2 { sub(/:move_mask:L:1/, "") } NR > 2 { NF = 4 } { print }' \
    "$agcu/product.xyz" >unfixed-p.xyz
# (--max-steps 0: one force call, not converged, exit 1)
expect 1 'pesx opt: warning: unfixed.xyz is a slab \(open along c\) with no fixed atom.*--fix .z<' \
    "a slab without fixed atoms is flagged" -- \
    "$PESX" opt unfixed.xyz -p agcu100 --max-steps 0 -o u.xyz
expect 1 '' "... once per run" -- "$PESX" neb unfixed.xyz unfixed-p.xyz -p agcu100 --max-steps 0 \
    -o nb.xyz --saddle ns.xyz --checkpoint nc.xyz
checks=$((checks + 1))
[ "$(grep -c 'is a slab' "$work/err")" -eq 1 ] && pass "... one warning for two endpoints" ||
    fail "$(grep -c 'is a slab' "$work/err") slab warnings"
# the same slab, periodic along c with 10 A of vacuum
sed '2s/pbc="T T F"/pbc="T T T"/' unfixed.xyz >vacuum.xyz
expect 1 'vacuum.xyz is a slab \(10\.2 A of vacuum along c\)' "vacuum in a periodic cell" -- \
    "$PESX" opt vacuum.xyz -p agcu100 --max-steps 0 -o v.xyz
expect 0 '' "a slab with fixed atoms (move_mask) is not flagged" -- \
    "$PESX" opt "$agcu/reactant.xyz" -p agcu100 --max-steps 0 -o r.xyz
absent 'is a slab' "... no warning"
expect 0 '' "--fix 'z<8' fixes the two bottom layers" -- \
    "$PESX" opt unfixed.xyz -p agcu100 --fix 'z<8' --max-steps 0 -o f.xyz
absent 'is a slab' "... no warning"
checks=$((checks + 1))
if cmp -s f.xyz r.xyz; then pass "... exactly the reactant's move_mask (18 atoms)"
else fail "--fix 'z<8' differs from the file's move_mask"; fi
expect 0 '' "--fix 1-18 as numbers" -- \
    "$PESX" opt unfixed.xyz -p agcu100 --fix 1-9,10-17,18 --max-steps 0 -o g.xyz
checks=$((checks + 1))
cmp -s g.xyz r.xyz && pass "... the same atoms" || fail "--fix 1-9,10-17,18 differs"

expect 2 "--fix z<-100 selects no atom of unfixed.xyz" "a --fix that selects nothing" -- \
    "$PESX" opt unfixed.xyz -p agcu100 --fix 'z<-100' --max-steps 0 -o n.xyz

expect 0 'converged' "opt --fix 1-3 on LJ13" -- "$PESX" opt "$lj13" -p lj --fix 1-3 -o fix.xyz -q
checks=$((checks + 1))
moved=$(awk 'NR == FNR { if (FNR > 2) x[FNR] = $2 " " $3 " " $4; next }
    FNR > 2 { split(x[FNR], a, " "); d = ($2 - a[1])^2 + ($3 - a[2])^2 + ($4 - a[3])^2
              printf "%s", (d == 0) ? "0" : "1" }' "$lj13" fix.xyz)
[ "$moved" = 0001111111111 ] && pass "atoms 1-3 stayed, the others moved" || fail "moved: $moved"
for bad in 0 14 1-14 3-1 1- a 1,,2 'z<' 'q<1' '1;2'; do
    expect 2 "--fix: .*'$bad'" "--fix '$bad' is refused" -- "$PESX" opt "$lj13" -p lj --fix "$bad"
done
expect 2 'fixes every atom' "--fix of every atom" -- "$PESX" opt "$lj13" -p lj --fix 1-13
expect 0 'converged' "neb --fix 1 (LJ7)" -- "$PESX" neb "$lj7/bipyramid.xyz" "$lj7/octahedron.xyz" \
    -p lj --fix 1 -o band7.xyz --saddle s7.xyz --checkpoint c7.xyz -q
checks=$((checks + 1))
masks=$(awk '$1 == "Ar" { m = m $NF } NF == 1 && m != "" { print m; m = "" } END { print m }' band7.xyz |
    sort -u)
[ "$masks" = FTTTTTT ] && pass "atom 1 fixed in every image" || fail "move_mask per image: $masks"
expect 0 'first-order saddle|imaginary' "saddle --fix 1" -- "$PESX" saddle --mode-from-band band7.xyz \
    -p lj --fix 1 --no-connect -o sad7.xyz
checks=$((checks + 1))
# the move_mask column comes after species, pos and (saddle files) forces
mm=$(awk 'NR == 2 { c = 1; n = split($0, p, ":"); for (i = 1; i + 2 <= n; i += 3) {
        if (p[i] ~ /move_mask$/) { print c; exit } c += p[i + 2] } }' sad7.xyz)
[ "$(awk -v c="$mm" 'NR > 2 { printf "%s", $c }' sad7.xyz)" = FTTTTTT ] &&
    pass "... atom 1 fixed in the saddle" ||
    fail "saddle move_mask (column $mm) $(awk -v c="$mm" 'NR > 2 { printf "%s", $c }' sad7.xyz)"
expect 2 "--displace-atoms: .*atom 8 does not exist \(atoms are 1 to 7\)" \
    "saddle --displace-atoms counts from 1" -- \
    "$PESX" saddle "$lj7/octahedron.xyz" -p lj --displace 0.1 --displace-atoms 1-8
finish
