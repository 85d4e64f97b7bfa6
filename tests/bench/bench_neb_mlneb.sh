#!/bin/sh
# Benchmark (not a test): pesx neb on the reference method itself for the
# four ML-NEB systems of $PESX_SHARED/ref/mlneb (Mueller-Brown x 0.01, and
# the three EMT systems: Au/Al(100), the Pt heptamer on Pt(111), CO/Cu(111)),
# the baselines a surrogate-driven NEB must beat.  Run with the peer's
# convergence rule (every image's per-atom NEB force <= 0.05 eV/A, climbing
# image on: --fmax 0.05 --fmax-ci 0.05) and ASE's image counts; printed
# beside the ASE CI-NEB and CatLearn ML-NEB reference calls and barriers
# measured in ref/mlneb/README.md.  Reference calls = force calls on the
# moving images (the two given endpoints are not counted, as there).  The
# last column is the barrier of the same band converged tightly (--fmax
# 0.01 --fmax-ci 0.001), for what the 0.05 rule leaves unconverged.
#
#   PESX=./pesx PESX_SHARED=../shared sh tests/bench/bench_neb_mlneb.sh [EXTRA pesx neb OPTIONS]
. "$(dirname "$0")/lib.sh"
dir=$PESX_SHARED/ref/mlneb
bench_need "$dir/README.md"
extra=$*
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_neb_mlneb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# run LABEL OPTIONS...: prints "CALLS BARRIER CPU" of one pesx neb
run() {
    ( cd "$tmp" && /usr/bin/time -f '%U %S' -o time.txt "$PESX" neb "$@" -o band.xyz \
        >out.txt 2>err.txt ) || { echo "NA NA NA"; sed 's/^/  | /' "$tmp/err.txt" >&2; return; }
    calls=$(sed -n 's/^  force calls *\([0-9]*\).*/\1/p' "$tmp/out.txt")
    barrier=$(sed -n 's/^  forward barrier *\([-0-9.]*\) eV.*/\1/p' "$tmp/out.txt")
    cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$tmp/time.txt")
    echo "$((calls - 2)) $barrier $cpu"
}

echo "# pesx neb REACTANT PRODUCT -p POT -n IMAGES --fmax 0.05 --fmax-ci 0.05 $extra"
printf '# %-16s %3s | %6s %9s %6s | %8s %8s | %6s %8s | %9s\n' system img calls barrier cpu_s \
    ase_calls ase_bar ml_calls ml_bar tight_bar
# folder, potential, images (ASE's), ASE calls and barrier, ML-NEB best calls and barrier
while read -r sys pot n ase_calls ase_bar ml_calls ml_bar; do
    set -- "$dir/$sys/reactant.xyz" "$dir/$sys/product.xyz" -p "$pot" -n "$n"
    loose=$(run "$@" --fmax 0.05 --fmax-ci 0.05 $extra)
    tight=$(run "$@" --fmax 0.01 --fmax-ci 0.001 $extra)
    # shellcheck disable=SC2086
    set -- $loose $tight
    printf '  %-16s %3s | %6s %9s %6s | %8s %8s | %6s %8s | %9s\n' "$sys" "$n" "$1" "$2" "$3" \
        "$ase_calls" "$ase_bar" "$ml_calls" "$ml_bar" "$5"
done <<EOF
muller_brown muller_brown:scale=0.01 11 243 1.0603 12 1.0604
au_al100 emt 7 90 0.3744 13 0.3759
pt_heptamer_emt emt 11 441 0.9072 34 0.9096
co_cu111 emt 11 216 0.0495 11 0.0568
EOF
