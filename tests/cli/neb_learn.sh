#!/bin/sh
# pesx neb --learn (issue 13): the Gaussian-process surrogate reaches the
# plain band's barrier with far fewer reference calls (Mueller-Brown, the
# LJ adatom hop); --max-calls stops with exit 1 and the data written; a
# rerun from that data file repeats no reference call; a reference that
# fails mid-run gives its error and keeps the data.
. "$top_srcdir/tests/cli/lib.sh"
d=$top_srcdir/tests/data/neb
cd "$work" || exit 1
attr() { sed -n "s/.*<$2 [^>]*$3=\"\([^\"]*\)\".*/\1/p" "$1" | head -1; }
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
# check DESCRIPTION CONDITION...: one assertion
check() {
    what=$1; shift
    checks=$((checks + 1))
    if "$@"; then pass "$what"; else fail "$what ($*)"; fi
}
n_data() { grep -c "<structure" "$1"; }

# the Mueller-Brown minima A and B (scaled by 0.01 to eV)
printf '1\nProperties=species:S:1:pos:R:3 pbc="F F F"\nH -0.558224 1.441726 0\n' >mb_r.xyz
printf '1\nProperties=species:S:1:pos:R:3 pbc="F F F"\nH 0.623499 0.028038 0\n' >mb_p.xyz
mb=muller_brown:scale=0.01
for sys in mb lj; do
    if [ $sys = mb ]; then set -- mb_r.xyz mb_p.xyz -p $mb; tol=0.005
    else set -- "$d/lj_hop_reactant.xyz" "$d/lj_hop_product.xyz" -p lj; tol=0.005; fi
    expect 0 "converged" "$sys: plain band" -- "$PESX" neb "$@" --fmax-ci 0.05 -o plain.xyz \
        --report plain.xml
    expect 0 "converged: barrier" "$sys: --learn" -- "$PESX" neb "$@" --learn -o learn.xyz \
        --report learn.xml --learn-data "$sys.xml"
    bp=$(attr plain.xml barrier forward) bl=$(attr learn.xml barrier forward)
    cp=$(attr plain.xml force-calls total) cl=$(attr learn.xml force-calls total)
    check "$sys: learned barrier $bl within $tol eV of the plain band's $bp" near "$bl" "$bp" $tol
    check "$sys: $cl reference calls, fewer than a fifth of the plain band's $cp" \
        below $((cl * 5)) "$cp"
    check "$sys: <learn reference-calls> = <force-calls> = $cl" \
        [ "$(attr learn.xml learn reference-calls)" = "$cl" ]
    check "$sys: the data file holds every reference call" [ "$(n_data $sys.xml)" = "$cl" ]
    fmax=$(attr learn.xml saddle fmax)
    [ -n "$fmax" ] || fmax=$(sed -n 's/.*saddle fmax *\([0-9.e+-]*\).*/\1/p' "$work/out" | head -1)
    check "$sys: the reference's saddle fmax $fmax <= 0.05" below "$fmax" 0.0500001
done
full=$cl

# --max-calls: exit 1, everything written; the rerun from the data file
# makes only the calls still missing
rm -f part.xml
expect 1 "NOT converged" "--max-calls 4: not converged, exit 1" -- "$PESX" neb \
    "$d/lj_hop_reactant.xyz" "$d/lj_hop_product.xyz" -p lj --learn --max-calls 4 \
    --learn-data part.xml -o part.xyz
check "--max-calls 4: 4 structures in the data" [ "$(n_data part.xml)" = 4 ]
check "--max-calls 4: the band was written" test -s part.xyz
expect 0 "converged: barrier" "resume from the data file" -- "$PESX" neb \
    "$d/lj_hop_reactant.xyz" "$d/lj_hop_product.xyz" -p lj --learn --learn-data part.xml \
    -o part.xyz --report part-report.xml
again=$(attr part-report.xml force-calls total)
check "resume: $again new calls, 4 + $again structures in the data" \
    [ "$(n_data part.xml)" = $((4 + again)) ]
check "resume: the endpoints were not computed again ($again < $full)" below "$again" "$full"
br=$(attr part-report.xml barrier forward)
check "resume: barrier $br within 0.005 eV of the plain band's" near "$br" "$bp" 0.005

# a reference that fails on its 5th call: its error, exit 1, the data kept
cat >fail.sh <<EOS
#!/bin/sh
n=\$(cat "$work/count" 2>/dev/null || echo 0); n=\$((n + 1)); echo \$n >"$work/count"
[ \$n -ge 5 ] && { echo "reference crashed" >&2; exit 3; }
exec "$top_srcdir/tests/data/ext/lj.py" "\$1" "\$2"
EOS
chmod +x fail.sh
if [ -x /usr/bin/python3 ]; then
    rm -f fail.xml count
    expect 1 "fail.sh exited with status 3" "failing reference: its error, exit 1" -- "$PESX" neb \
        "$d/lj_hop_reactant.xyz" "$d/lj_hop_product.xyz" -p "ext:script=$work/fail.sh" --learn \
        --learn-data fail.xml -o fail.xyz
    check "failing reference: the 4 structures before it are in the data" [ "$(n_data fail.xml)" = 4 ]
    check "failing reference: the message names the data file" grep -q "fail.xml" "$work/err"
fi

expect 2 "need --learn" "--max-calls without --learn" -- "$PESX" neb mb_r.xyz mb_p.xyz -p $mb \
    --max-calls 3
finish
