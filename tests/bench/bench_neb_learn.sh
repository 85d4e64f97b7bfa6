#!/bin/sh
# Benchmark (not a test): pesx neb --learn on the four ML-NEB systems of
# $PESX_SHARED/ref/mlneb, counted as its README does: the two given
# endpoints are not counted, every other reference call is (the confirming
# call at the climbing image included); converged when that call has its
# largest atom force <= 0.05 eV/A and sigma < 0.05 eV on every image.
# Printed beside ML-NEB's best count and barrier and ASE's barrier there.
#
#   PESX=./pesx PESX_SHARED=../shared sh tests/bench/bench_neb_learn.sh [EXTRA pesx neb OPTIONS]
. "$(dirname "$0")/lib.sh"
dir=$PESX_SHARED/ref/mlneb
[ -f "$dir/README.md" ] || { echo "no $dir (set PESX_SHARED)"; exit 77; }
extra=$*
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_neb_learn.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "# pesx neb REACTANT PRODUCT -p POT -n IMAGES --learn --max-calls 62 $extra"
printf '# %-16s %3s | %6s %9s %6s %4s | %8s | %6s %8s\n' system img calls barrier cpu_s conv \
    ase_bar ml_calls ml_bar
while read -r sys pot n ase_bar ml_calls ml_bar; do
    # shellcheck disable=SC2086
    ( cd "$tmp" && /usr/bin/time -f '%U %S' -o time.txt "$PESX" neb "$dir/$sys/reactant.xyz" \
        "$dir/$sys/product.xyz" -p "$pot" -n "$n" --learn --max-calls 62 $extra -o band.xyz \
        --report r.xml >out.txt 2>err.txt )
    rc=$?
    calls=$(sed -n 's/.*<force-calls total="\([0-9]*\)".*/\1/p' "$tmp/r.xml")
    barrier=$(sed -n 's/.*<barrier forward="\([^"]*\)".*/\1/p' "$tmp/r.xml")
    cpu=$(awk 'END { printf "%.2f", $1 + $2 }' "$tmp/time.txt")  # last line: time prepends the exit status
    printf '  %-16s %3s | %6s %9.4f %6s %4s | %8s | %6s %8s\n' "$sys" "$n" "$((calls - 2))" \
        "$barrier" "$cpu" "$([ $rc = 0 ] && echo yes || echo no)" "$ase_bar" "$ml_calls" "$ml_bar"
done <<EOF2
muller_brown muller_brown:scale=0.01 7 1.0603 12 1.0604
au_al100 emt 7 0.3744 13 0.3759
pt_heptamer_emt emt 7 0.9072 34 0.9096
co_cu111 emt 11 0.0495 11 0.0568
EOF2
