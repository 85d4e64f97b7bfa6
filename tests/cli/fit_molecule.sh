#!/bin/sh
# pesx fit on one molecule's data (issue 16): every structure of hcn_hnc has
# the composition HCN, so the compositions determine only the energy of the
# formula, not each element's.  The fit says so and takes the minimum-norm
# split, e_H = e_C = e_N = (mean energy of the pool) / 3, instead of failing.
. "$top_srcdir/tests/cli/lib.sh"
data=$PESX_SHARED/data/hcn_hnc/hcn_test.xml
[ -r "$data" ] || { echo "skipped: $data absent"; exit 77; }
cd "$work" || exit 1
expect 0 'composition HCN or a multiple.*determine 1 of the 3' \
    "one composition: the rank and the chosen split are reported" -- \
    "$PESX" fit "$data" --rc 4 --hidden 4,4 --epochs 2 --checkpoint-every 0 -o hcn.xml \
    --test-fraction 0
sed -n 's/.*<element [^>]*reference-energy="\([^"]*\)".*/\1/p' hcn.xml >ref.txt
mean=$(sed -n 's/.*<energy>\(.*\)<\/energy>.*/\1/p' "$data" |
    awk '{ s += $1; n++ } END { printf "%.10f", s / n }')
checks=$((checks + 1))
if awk -v mean="$mean" '{ e[NR] = $1 } END {
        if (NR != 3) exit 1
        for (i = 1; i <= 3; i++) { d = e[i] - mean / 3; if (d < 0) d = -d; if (d > 1e-6) exit 1 }
        d = e[1] - e[2]; if (d < 0) d = -d; if (d > 1e-9 * -e[1]) exit 1 }' ref.txt; then
    pass "e_H = e_C = e_N = mean / 3 ($(head -1 ref.txt) vs $mean / 3)"
else
    fail "reference energies $(tr '\n' ' ' <ref.txt), mean energy $mean"
fi
finish
