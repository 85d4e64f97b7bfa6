#!/bin/sh
# CI-NEB of HCN -> HNC on GFN2-xTB in process (-p xtb): the reference-method
# baseline the learning issue must beat.  Endpoints and the bent initial
# guess from $PESX_SHARED/data/hcn_hnc (its README: a straight path runs H
# through C and N, so the band starts from neb_initial_guess.xyz's middle
# images; the ends are relaxed on GFN2-xTB first, as the README's numbers
# are for GFN2-xTB minima).  Prints the reference (xtb) calls, the CPU and wall seconds, the
# barriers and the GFN2-xTB barriers the data set's README quotes (forward
# 3.18 eV, reverse 2.31 eV, reaction energy 0.87 eV).
#
#   PESX=./pesx PESX_SHARED=../shared sh tests/bench/bench_neb_hcn_xtb.sh [EXTRA pesx neb OPTIONS]
. "$(dirname "$0")/lib.sh"
dir=$PESX_SHARED/data/hcn_hnc
bench_need "$dir/neb_initial_guess.xyz"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_neb_hcn.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# the guess's 7 inner frames (of 9) as the points the initial band passes through
awk 'NR == 1 { n = $1 } { f = int((NR - 1) / (n + 2)) } f >= 1 && f <= 7' \
    "$dir/neb_initial_guess.xyz" > "$tmp/guess.xyz"
opts="-p xtb -n 7 --relax-ends --guess $tmp/guess.xyz --checkpoint-every 0 --report $tmp/neb.xml"
echo "# pesx neb reactant.xyz product.xyz $opts $*"
start=$(date +%s.%N)
( cd "$tmp" && /usr/bin/time -f '%U %S' -o time.txt "$PESX" neb "$dir/reactant.xyz" \
    "$dir/product.xyz" $opts "$@" >out.txt 2>err.txt )
rc=$?
end=$(date +%s.%N)
cat "$tmp/out.txt"
[ $rc -eq 0 ] || { echo "pesx neb exited with $rc:"; cat "$tmp/err.txt"; }
calls=$(sed -n 's/.*<force-calls total="\([0-9]*\)".*/\1/p' "$tmp/neb.xml")
fwd=$(sed -n 's/.*<barrier forward="\([-0-9.e+]*\)".*/\1/p' "$tmp/neb.xml")
rev=$(sed -n 's/.*<barrier [^>]*reverse="\([-0-9.e+]*\)".*/\1/p' "$tmp/neb.xml")
cpu=$(awk '{ print $1 + $2 }' "$tmp/time.txt")
wall=$(echo "$end $start" | awk '{ printf "%.2f", $1 - $2 }')
echo "status $rc  reference calls $calls  cpu ${cpu} s  wall ${wall} s"
echo "barrier forward $fwd eV (README GFN2-xTB 3.18), reverse $rev eV (2.31)"
exit $rc
