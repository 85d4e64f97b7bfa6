#!/bin/sh
# pesx convert: n2p2 directories into potential.xml (and committees); the
# converted potential gives the energies and forces of the original, and
# n2p2's own reference energy; bad input exits 2 naming what is wrong.
. "$top_srcdir/tests/cli/lib.sh"
ref=${PESX_SHARED:-}/ref/n2p2
if [ ! -d "$ref/H2O_RPBE-D3" ]; then echo "PESX_SHARED ($PESX_SHARED) absent: skipped"; exit 77; fi
water=n2p2:$ref/H2O_RPBE-D3,length=bohr,energy=hartree

# n2p2 input.data (Bohr) -> extended XYZ (Angstrom)
to_xyz() {
    awk -v b=0.529177210903 '
        $1 == "lattice" { L[n++] = sprintf("%.17g %.17g %.17g", $2 * b, $3 * b, $4 * b) }
        $1 == "atom" { na++; A[na] = sprintf("%s %.17g %.17g %.17g", $5, $2 * b, $3 * b, $4 * b) }
        END {
            print na
            if (n == 3) printf "Lattice=\"%s %s %s\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n", L[0], L[1], L[2]
            else print "Properties=species:S:1:pos:R:3"
            for (i = 1; i <= na; i++) print A[i]
        }' "$1"
}
to_xyz "$ref/H2O_RPBE-D3/conf1_pbc48/input.data" >"$work/conf1.xyz"
to_xyz "$ref/H2O_RPBE-D3/conf2_cluster24/input.data" >"$work/conf2.xyz"
cat "$work/conf1.xyz" "$work/conf2.xyz" >"$work/both.xyz"

expect 0 'usage: pesx convert' "--help" -- "$PESX" convert --help
expect 0 'wrote .*water.xml: 2 elements \(H 27 SFs, O 30 SFs\), 1 committee member' \
    "convert the water potential" -- "$PESX" convert "$water" -o "$work/water.xml"
grep -q '<pesx-potential version="1">' "$work/water.xml" &&
    grep -q 'activations="tanh tanh linear"' "$work/water.xml" &&
    grep -q "<source>n2p2:.*H2O_RPBE-D3,length=bohr,energy=hartree</source>" "$work/water.xml" &&
    pass "file has the version, activation names and source" || fail "water.xml content"

expect 0 '' "eval with n2p2:" -- "$PESX" eval "$work/both.xyz" -p "$water" -o "$work/a.xyz" -q
expect 0 '' "eval with the converted file" -- "$PESX" eval "$work/both.xyz" -p "$work/water.xml" -o "$work/b.xyz" -q

# Same numbers both ways, and n2p2's own totals (Hartree) to 1e-10 relative.
e1=$(sed -n 's/^natoms.*//; s/^energy_total *//p' "$ref/H2O_RPBE-D3/conf1_pbc48/reference.txt")
e2=$(sed -n 's/^energy_total *//p' "$ref/H2O_RPBE-D3/conf2_cluster24/reference.txt")
checks=$((checks + 1))
if awk -v e1="$e1" -v e2="$e2" -v ha=27.211386245988 '
    function energy(line,   s) { s = line; sub(/.*energy=/, "", s); sub(/[ "].*/, "", s); return s + 0 }
    function abs(x) { return x < 0 ? -x : x }
    FNR == 1 { file++; frame = -1 }
    /energy=/ { frame++; E[file, frame] = energy($0); row = 0; next }
    NF >= 7 && file >= 1 && frame >= 0 { row++; for (k = 5; k <= 7; k++) F[file, frame, row, k] = $k; N[frame] = row }
    END {
        bad = 0
        for (f = 0; f <= 1; f++) {
            if (abs(E[1, f] - E[2, f]) > 1e-11 * abs(E[1, f])) { print "energy differs", f, E[1, f], E[2, f]; bad = 1 }
            for (r = 1; r <= N[f]; r++) for (k = 5; k <= 7; k++)
                if (abs(F[1, f, r, k] - F[2, f, r, k]) > 1e-9) { print "force differs", f, r, k; bad = 1 }
        }
        if (abs(E[2, 0] - e1 * ha) > 1e-10 * abs(e1 * ha)) { print "conf1", E[2, 0], "n2p2", e1 * ha; bad = 1 }
        if (abs(E[2, 1] - e2 * ha) > 1e-10 * abs(e2 * ha)) { print "conf2", E[2, 1], "n2p2", e2 * ha; bad = 1 }
        exit bad
    }' "$work/a.xyz" "$work/b.xyz"; then
    pass "converted potential = n2p2 directory = n2p2's reference energies"
else
    fail "converted potential gives other numbers"
fi

# Committees: two copies of one potential (from both kinds of input) have zero spread.
expect 0 '2 committee members' "committee of an n2p2 directory and an xml file" -- \
    "$PESX" convert "$water" "$work/water.xml" -o "$work/committee.xml" --source "two copies"
grep -q '<committee members="2"/>' "$work/committee.xml" && grep -q '<source>two copies</source>' "$work/committee.xml" &&
    grep -q '<weights member="2"' "$work/committee.xml" && pass "committee file" || fail "committee file content"
expect 0 '' "eval a committee" -- "$PESX" eval "$work/conf2.xyz" -p "$work/committee.xml" -o "$work/c.xyz" -q
checks=$((checks + 1))
if grep -q 'energy_std=0[ "]' "$work/c.xyz" &&
    [ "$(sed -n 's/.* energy=\([^ ]*\).*/\1/p' "$work/c.xyz")" = "$(sed -n '26,$p' "$work/b.xyz" | sed -n 's/.* energy=\([^ ]*\).*/\1/p')" ]; then
    pass "identical members: the committee mean is the potential's energy, spread 0"
else
    fail "committee of identical members"; head -2 "$work/c.xyz" | cut -c1-300
fi
expect 0 '4 committee members' "committee of committees" -- \
    "$PESX" convert "$work/committee.xml" "$work/committee.xml" -o "$work/c4.xml"

# Bad input.
expect 2 'SYN1_ct0_tanh.*(cutoff|symmetry function|architecture|elements)' "committee of different potentials" -- \
    "$PESX" convert "$work/water.xml" "n2p2:$ref/SYN/SYN1_ct0_tanh,length=bohr,energy=hartree" -o "$work/x.xml"
awk '/<sf index="2" /{ sub(/eta="[^"]*"/, "eta=\"0.5\"") } { print }' "$work/water.xml" >"$work/eta.xml"
expect 2 'eta.xml: element H: symmetry function 2 .*differs' "committee members with another SF" -- \
    "$PESX" convert "$work/water.xml" "$work/eta.xml" -o "$work/x.xml"
[ ! -e "$work/x.xml" ] && pass "no output after an error" || fail "output written despite the error"
expect 2 "length='parsec'" "unknown unit" -- "$PESX" convert "n2p2:$ref/H2O_RPBE-D3,length=parsec" -o "$work/x.xml"
expect 2 "unknown parameter|lenght" "unknown key" -- "$PESX" convert "n2p2:$ref/H2O_RPBE-D3,lenght=bohr" -o "$work/x.xml"
expect 2 'no-such-dir' "missing directory" -- "$PESX" convert "n2p2:$work/no-such-dir" -o "$work/x.xml"
expect 2 'output file is required' "no -o" -- "$PESX" convert "$water"
expect 2 'no input potential' "no input" -- "$PESX" convert -o "$work/x.xml"
sed 's/version="1"/version="7"/' "$work/water.xml" >"$work/v7.xml"
expect 2 'v7.xml:[0-9]+: unsupported potential.xml version 7' "unknown version" -- "$PESX" convert "$work/v7.xml" -o "$work/x.xml"
awk '/<weights/ { sub(/<weights member="1" count="1376">/, "<weights member=\"1\" count=\"1376\">abc") } { print }' \
    "$work/water.xml" >"$work/nonnum.xml"
expect 2 "nonnum.xml:[0-9]+:.*'abc'" "non-numeric weight" -- "$PESX" convert "$work/nonnum.xml" -o "$work/x.xml"
sed 's/layers="27 25 25 1"/layers="27 25 24 1"/' "$work/water.xml" >"$work/arch.xml"
expect 2 'arch.xml:[0-9]+:.*architecture 27-25-24-1 needs' "weights do not match the architecture" -- \
    "$PESX" convert "$work/arch.xml" -o "$work/x.xml"
sed 's/activations="tanh tanh linear"/activations="tanh tonh linear"/' "$work/water.xml" >"$work/act.xml"
expect 2 "act.xml: element H, layer 2: unknown activation 'tonh'" "unknown activation" -- \
    "$PESX" convert "$work/act.xml" -o "$work/x.xml"
finish
