#!/bin/sh
# CI-NEB benchmark on the 59 Pt-heptamer pairs of OptBench
# ($PESX_SHARED/ref/optbench/pt_heptamer, eOn's morse_pt), OptBench's NEB
# protocol: 8 moving images, k = 5 eV/A^2, climbing image from the start,
# max move 0.2 A, converged when the climbing image's force norm < 0.01 eV/A.
# Force calls per image = band evaluations (endpoints not counted), as eOn's
# force_calls_neb / 8.  Prints one line per pair and the statistics; the
# climbing image is compared with the reference saddle of cases.tsv.
#
#   PESX=./pesx PESX_SHARED=../shared sh tests/bench/bench_neb_pt.sh [EXTRA pesx neb OPTIONS]
# e.g. add "--interp idpp" (default here: linear, as OptBench) or "--optimizer fire".
. "$(dirname "$0")/lib.sh"
dir=$PESX_SHARED/ref/optbench/pt_heptamer
bench_need "$dir/cases.tsv"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_neb_pt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
opts="-p morse:pt -n 8 --k 5 --climb on --fmax 0 --fmax-ci 0 --fnorm-ci 0.01 --max-step 0.2 \
--interp linear --max-steps 1000 --checkpoint-every 0"
echo "# pesx neb REACTANT PRODUCT $opts $*"
printf '# %-10s %6s %9s %14s %14s %9s %s\n' case status per_img E_ci E_ref dE_ref saddle
grep -v '^#' "$dir/cases.tsv" | while IFS='	' read -r name r p _ _ _ _ _ eref _; do
    ( cd "$tmp" && "$PESX" neb -q "$dir/$r" "$dir/$p" $opts "$@" >out.txt 2>err.txt )
    rc=$?
    per=$(sed -n 's/.* force calls, \([0-9.]*\) per image.*/\1/p' "$tmp/out.txt")
    eci=$(sed -n 's/^  saddle energy *\([-0-9.]*\) eV.*/\1/p' "$tmp/out.txt")
    [ -n "$per" ] || per=NA
    [ -n "$eci" ] || eci=NA
    awk -v n="$name" -v rc="$rc" -v per="$per" -v e="$eci" -v r="$eref" 'BEGIN {
        d = (e == "NA") ? "NA" : sprintf("%.5f", e - r);
        same = (e != "NA" && (e - r < 2e-3 && r - e < 2e-3)) ? "reference" : "other";
        printf "  %-10s %6s %9s %14s %14s %9s %s\n", n, rc == 0 ? "ok" : "FAIL", per, e, r, d, same }'
done | tee "$tmp/all.txt"
awk '$2 == "ok" { v[++n] = $3; s += $3; if ($3 > mx) mx = $3; if (mn == "" || $3 < mn) mn = $3; if ($7 == "reference") ref++ }
     $2 == "FAIL" { fail++ }
     END { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
           med = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2;
           printf "# pairs %d, converged %d, failed %d; force calls per image: mean %.1f, median %g, min %g, max %g; climbing image at the reference saddle (|dE| < 2 meV): %d of %d\n",
                  n + fail, n, fail + 0, s / n, med, mn, mx, ref + 0, n }' "$tmp/all.txt"
