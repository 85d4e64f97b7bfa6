#!/bin/sh
# pesx convert for data sets: data.xml <-> extended XYZ <-> n2p2 input.data,
# exact round trips (byte-identical data.xml after a trip through each other
# format), units, concatenation, ASE reading what pesx writes, bad input
# (exit 2 naming file:line, nothing written); with $PESX_SHARED the shared
# data sets against their extended XYZ twins.
. "$top_srcdir/tests/cli/lib.sh"
d=$top_srcdir/tests/data/dataset

expect 0 '^pesx convert DATA\.\.\. -o OUT' "--help" -- "$PESX" convert --help

# ---- local fixtures: Hartree/Bohr data.xml, exact trips through every format
expect 0 'wrote .*a.xml \(xml\): 3 structures, 5 atoms' "data.xml (Hartree Bohr) -> data.xml (eV Angstrom)" -- \
    "$PESX" convert "$d/good_hartree.xml" -o "$work/a.xml"
expect 0 'wrote .*x.xyz \(xyz\): 3 structures' "data.xml -> extended XYZ" -- "$PESX" convert "$work/a.xml" -o "$work/x.xyz"
expect 0 '' "extended XYZ -> data.xml" -- "$PESX" convert "$work/x.xyz" -o "$work/b.xml"
expect 0 'wrote .*input.data \(n2p2\)' "data.xml -> input.data" -- "$PESX" convert "$work/a.xml" -o "$work/input.data"
expect 0 '' "input.data -> data.xml" -- "$PESX" convert "$work/input.data" -o "$work/c.xml"
expect 0 '' "--from/--to instead of names" -- "$PESX" convert --from xyz --to n2p2 "$work/x.xyz" -o "$work/d.txt"
expect 0 '' "... and back" -- "$PESX" convert --from n2p2 "$work/d.txt" -o "$work/d.xml"
checks=$((checks + 1))
if cmp -s "$work/a.xml" "$work/b.xml" && cmp -s "$work/a.xml" "$work/c.xml" && cmp -s "$work/a.xml" "$work/d.xml"; then
    pass "data.xml identical after trips through extended XYZ and input.data"
else
    fail "round trips changed the data"; diff "$work/a.xml" "$work/c.xml" | head -5
fi
grep -q '<dataset units="eV Angstrom">' "$work/a.xml" &&
    grep -q 'id="water dimer &amp; co" weight="2.5"' "$work/a.xml" &&
    grep -q '<pbc>T T F</pbc>' "$work/a.xml" &&
    grep -q 'comment id=water%20dimer%20&%20co weight=2.5' "$work/input.data" &&
    grep -q 'comment pbc=TTF' "$work/input.data" &&
    pass "ids, weights and pbc are carried" || fail "ids/weights/pbc lost"
# units of input.data: written and read back in Bohr and Hartree
expect 0 '' "input.data in Bohr/Hartree" -- \
    "$PESX" convert "$work/a.xml" -o "$work/bohr.data" --length-unit bohr --energy-unit hartree
checks=$((checks + 1))
if grep -q '^energy -76.25$' "$work/bohr.data" && grep -q '^energy -0.5$' "$work/bohr.data" &&
    grep -q '^atom 1.8 0.0 0.0 H 0.0 0.0 -0.001 0.0 0.0$' "$work/bohr.data"; then
    pass "Hartree/Bohr numbers of the original written back"
else
    fail "units of input.data"; grep -E '^(energy|atom)' "$work/bohr.data" | head -4
fi
expect 0 '' "read in Bohr/Hartree" -- \
    "$PESX" convert "$work/bohr.data" --length-unit bohr --energy-unit hartree -o "$work/bohr.xyz"
expect 0 'wrote .*: 6 structures, 10 atoms' "two inputs concatenated" -- \
    "$PESX" convert "$work/a.xml" "$work/x.xyz" -o "$work/both.xml"
[ "$(grep -c '<structure' "$work/both.xml")" -eq 6 ] && pass "6 structures in the concatenation" ||
    fail "concatenation"

# ASE reads the extended XYZ pesx writes: energies and forces
if /usr/bin/python3 -c 'import ase' 2>/dev/null; then
    checks=$((checks + 1))
    if /usr/bin/python3 - "$work/x.xyz" <<'EOF'
import sys
import ase.io
frames = ase.io.read(sys.argv[1], index=":")
ha, bohr = 27.211386245988, 0.529177210903
assert len(frames) == 3
assert frames[0].get_potential_energy() == -76.25 * ha
assert abs(frames[0].get_forces()[2][1] - 0.5 * ha / bohr) < 1e-12
assert list(frames[1].pbc) == [True, True, False]
assert frames[2].info.get("id") == "bulk"
EOF
    then pass "ASE reads energy, forces, pbc and id"; else fail "ASE reading pesx's extended XYZ"; fi
fi

# ---- bad input: exit 2 with file:line, and no output
for case in "nan_force.xml:4:.*'nan' is not a finite number" "malformed.xml:5: malformed XML" \
    "no_energy.xml:3: structure without <energy>" "unknown_element.xml:5: unknown element 'Xx'" \
    "empty.xml:2: empty data set" "bad_units.xml:2: units=" "bad_atom.data:6: expected 'atom" \
    "nan.data:2: atom: force 'nan'" "no_forces.xyz:1: frame 1 has no forces" \
    "no_energy.xyz:4: frame 2 has no energy"; do
    file=${case%%:*}
    out=$work/bad.xml
    case $file in *.xml) out=$work/bad.xyz ;; esac
    expect 2 "$case" "bad $file" -- "$PESX" convert "$d/$file" -o "$out"
    [ ! -e "$out" ] && pass "nothing written for $file" || fail "$out written despite the error"
done
expect 2 "pesx convert: error: .*wrong_root.xml" "a potential.xml root is not a data set" -- \
    "$PESX" convert --from xml "$d/wrong_root.xml" -o "$work/x.xyz"
expect 2 "unknown format" "unknown --from" -- "$PESX" convert --from pdb "$d/good.data" -o "$work/x.xml"
expect 2 "cannot tell the format of .*x.json" "unknown output name" -- \
    "$PESX" convert --from n2p2 "$d/good.data" -o "$work/x.json"
expect 2 "also an input" "output = input" -- "$PESX" convert "$work/a.xml" --to xml -o "$work/a.xml"
expect 2 "length='parsec'" "unknown unit" -- "$PESX" convert "$d/good.data" --length-unit parsec -o "$work/x.xml"
expect 2 "no input data set" "no input" -- "$PESX" convert --to xml -o "$work/x.xml"

# ---- the shared data sets: data.xml (10 decimals) = its extended XYZ twin
if [ -n "${PESX_SHARED:-}" ] && [ -d "$PESX_SHARED/data/auAl100" ]; then
    # numbers of two extended XYZ files agree to TOL (energies, positions, forces)
    same_numbers() {
        awk -v tol="$3" '
            function abs(x) { return x < 0 ? -x : x }
            function energy(line,   s) { s = line; sub(/.* energy=/, "", s); sub(/[ ].*/, "", s); return s + 0 }
            FNR == NR { if (/energy=/) E[++n] = energy($0); else if (NF >= 7) A[++m] = $0; next }
            /energy=/ { k++; if (abs(energy($0) - E[k]) > tol) { print "energy", k, energy($0), E[k]; bad = 1 } ; next }
            NF >= 7 { i++; split(A[i], a, " ")
                if ($1 != a[1]) { print "element", i; bad = 1 }
                for (c = 2; c <= NF; c++) if (abs($c - a[c]) > tol) { print "atom", i, "column", c, $c, a[c]; bad = 1; exit 1 } }
            END { if (k != n || i != m) { print "counts", k, n, i, m; bad = 1 }; exit bad }' "$1" "$2"
    }
    for set in auAl100/auAl100_train:xyz hcn_hnc/hcn_train:extxyz hcn_hnc/hcn_test:extxyz; do
        base=$PESX_SHARED/data/${set%:*}
        ext=${set#*:}
        name=$(basename "$base")
        expect 0 '' "$name.xml -> extended XYZ" -- "$PESX" convert "$base.xml" -o "$work/$name.from-xml.xyz"
        expect 0 '' "$name.$ext -> data.xml" -- "$PESX" convert "$base.$ext" -o "$work/$name.xml"
        expect 0 '' "$name.xml -> extended XYZ again" -- "$PESX" convert "$work/$name.xml" -o "$work/$name.again.xyz"
        # the twin re-written by pesx (same columns) against the data.xml read
        checks=$((checks + 1))
        if same_numbers "$work/$name.again.xyz" "$work/$name.from-xml.xyz" 1e-8; then
            pass "$name: data.xml and .$ext agree (to the decimals of the xml)"
        else
            fail "$name: data.xml and .$ext differ"
        fi
        expect 0 '' "$name -> input.data" -- "$PESX" convert "$work/$name.xml" -o "$work/$name.data"
        expect 0 '' "input.data -> data.xml" -- "$PESX" convert "$work/$name.data" -o "$work/$name.back.xml"
        cmp -s "$work/$name.xml" "$work/$name.back.xml" && pass "$name: exact trip through input.data" ||
            fail "$name: input.data trip changed the data"
        # the comparison does see a change in the 8th decimal of one force
        awk 'NR == 3 { $7 = $7 + 2e-8 } { print }' "$work/$name.again.xyz" >"$work/$name.changed.xyz"
        checks=$((checks + 1))
        if same_numbers "$work/$name.changed.xyz" "$work/$name.from-xml.xyz" 1e-8 >/dev/null; then
            fail "$name: the comparison misses a changed force"
        else
            pass "$name: the comparison sees a changed force"
        fi
    done
else
    echo "PESX_SHARED absent: shared data sets skipped"
fi
finish
