#!/bin/sh
# -p xtb against the xtb command line (xtb FILE --grad --gfn 2, and 1) on the
# same geometries: energies to 1e-6 eV and forces to 1e-5 eV/A.  Molecules:
# the CH3NC saddle of examples/ch3nc (neutral, and a cation doublet with
# charge=1,uhf=1) and the HCN/HNC saddle of $PESX_SHARED/data/hcn_hnc.
# Then the errors: SCF not converged, GFN2 on a periodic cell, parity of
# uhf, bad parameters.  Skips (77) without the xtb binary or a pesx built
# without the library.
. "$top_srcdir/tests/cli/lib.sh"
command -v xtb >/dev/null 2>&1 || { echo "skipped: no xtb binary on PATH"; exit 77; }
mol=$top_srcdir/examples/ch3nc/saddle.xyz
if ! "$PESX" eval "$mol" -p xtb --summary >"$work/probe" 2>&1; then
    if grep -q "without the xtb library" "$work/probe"; then
        echo "skipped: $(cat "$work/probe")"; exit 77
    fi
fi
hcn=
[ -n "$PESX_SHARED" ] && [ -f "$PESX_SHARED/data/hcn_hnc/ts.xyz" ] && hcn=$PESX_SHARED/data/hcn_hnc/ts.xyz
[ -n "$hcn" ] || echo "note: no \$PESX_SHARED/data/hcn_hnc: the HCN case is left out"

# compare FILE GFN SPEC [XTB OPTIONS]: pesx eval -o vs xtb's gradient file
compare() {
    file=$1 gfn=$2 spec=$3
    shift 3
    checks=$((checks + 1))
    what="$(basename "$file") $spec vs xtb --gfn $gfn $*"
    rm -rf "$work/x" && mkdir "$work/x" && cp "$file" "$work/x/in.xyz"
    if ! (cd "$work/x" && xtb in.xyz --grad --gfn "$gfn" "$@" >xtb.out 2>&1); then
        fail "$what: xtb failed"; tail -5 "$work/x/xtb.out" | sed 's/^/  | /'; return
    fi
    if ! "$PESX" eval "$file" -p "$spec" -o "$work/pesx.xyz" >/dev/null 2>"$work/err"; then
        fail "$what: pesx eval failed"; sed 's/^/  | /' "$work/err"; return
    fi
    # gradient: $grad, cycle line (energy, Eh), n coordinate lines, n gradient lines (Eh/Bohr)
    res=$(awk -v ha=27.211386245988 -v bohr=0.529177210903 '
        FNR == NR { if (FNR == 1) n = $1
                    if (FNR == 2) for (k = 1; k <= NF; k++) if ($k ~ /^energy=/) { sub(/energy=/, "", $k); ep = $k }
                    if (FNR > 2 && FNR <= n + 2) { fp[FNR - 3, 0] = $5; fp[FNR - 3, 1] = $6; fp[FNR - 3, 2] = $7 }
                    next }
        /SCF energy/ { for (k = 1; k <= NF; k++) if ($k == "energy") ex = $(k + 2) * ha; line = 0; next }
        ex != "" && NF == 3 { gsub(/D/, "E"); g[line, 0] = $1; g[line, 1] = $2; g[line, 2] = $3; line++ }
        END { de = ep - ex; if (de < 0) de = -de; df = 0
              for (i = 0; i < n; i++) for (k = 0; k < 3; k++) {
                  d = fp[i, k] + g[i, k] * ha / bohr; if (d < 0) d = -d; if (d > df) df = d }
              printf "%.3g %.3g %d %d\n", de, df, n, line }' "$work/pesx.xyz" "$work/x/gradient")
    set -- $res
    if [ "$3" -gt 0 ] && [ "$3" -eq "$4" ] && awk -v de="$1" -v df="$2" 'BEGIN { exit !(de <= 1e-6 && df <= 1e-5) }'; then
        pass "$what: |dE| $1 eV, max |dF| $2 eV/A"
    else
        fail "$what: |dE| $1 eV, max |dF| $2 eV/A ($3 atoms, $4 gradient lines)"
    fi
}

compare "$mol" 2 xtb
compare "$mol" 1 xtb:method=gfn1
compare "$mol" 2 xtb:charge=1,uhf=1 --chrg 1 --uhf 1
compare "$mol" 1 xtb:method=gfn1,charge=1,uhf=1 --chrg 1 --uhf 1
if [ -n "$hcn" ]; then
    compare "$hcn" 2 xtb
    compare "$hcn" 1 xtb:method=gfn1
fi

# errors
expect 1 "did not converge.*max_iter" "SCF not converged: exit 1, says so" -- \
    "$PESX" eval "$mol" -p xtb:max_iter=1
printf '2\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3 pbc="T T T"\nH 0 0 0\nH 0.74 0 0\n' >"$work/h2box.xyz"
expect 1 "periodic structures are not supported" "GFN2 on a periodic cell: exit 1" -- \
    "$PESX" eval "$work/h2box.xyz" -p xtb
expect 1 "periodic structures are not supported" "GFN1 on a periodic cell: exit 1" -- "$PESX" eval "$work/h2box.xyz" -p xtb:method=gfn1
printf '2\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R:3 pbc="T T F"\nH 0 0 0\nH 0.74 0 0\n' >"$work/h2slab.xyz"
expect 1 "periodic structures are not supported" "GFN1 on a slab: exit 1" -- "$PESX" eval "$work/h2slab.xyz" -p xtb:method=gfn1
expect 2 "uhf=1" "uhf of the wrong parity: exit 2" -- "$PESX" eval "$mol" -p xtb:uhf=1
expect 2 "method.*gfn3.*gfn2 or gfn1" "unknown method: exit 2" -- "$PESX" eval "$mol" -p xtb:method=gfn3
expect 2 "accuracy" "accuracy out of range: exit 2" -- "$PESX" eval "$mol" -p xtb:accuracy=1e-6
expect 2 "max_iter" "max_iter not whole: exit 2" -- "$PESX" eval "$mol" -p xtb:max_iter=2.5
# the library's output stays off stdout and stderr without -v
checks=$((checks + 1))
"$PESX" eval "$mol" -p xtb --summary >"$work/out" 2>"$work/err"
if ! grep -Eq 'SCC|iter|xtb' "$work/out" && [ ! -s "$work/err" ]; then pass "xtb's output muted"
else fail "xtb printed: $(head -3 "$work/out" "$work/err")"; fi
finish
