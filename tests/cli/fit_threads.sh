#!/bin/sh
# The Kalman filter's covariance update is threaded over fixed row chunks
# (src/fit/train.c): a fit with 1 and with 2 OpenMP threads must write the
# same potential, bit for bit (only the <date> line may differ).  The
# networks (32-32, about 1750 weights per element) give blocks above
# KF_PAR_MIN, so the threaded
# path runs.
. "$top_srcdir/tests/cli/lib.sh"
ex=${abs_top_srcdir:?}/examples/agcu100
cd "$work" || exit 1
awk '/<structure[ >]/ { keep = (n++ % 20 == 0); inside = 1 }
     inside { if (keep) print; if (/<\/structure>/) inside = 0; next }
     { print }' "$ex/train.xml" >small.xml
for t in 1 2; do
    expect 0 'wrote' "pesx fit --optimizer ekf with OMP_NUM_THREADS=$t" -- \
        env OMP_NUM_THREADS=$t "$PESX" fit small.xml --rc 5.0 --hidden 32,32 --optimizer ekf \
        --epochs 1 --polish 0 --seed 3 -o t$t.xml
    grep -v '<date>' t$t.xml >t$t.cmp
done
checks=$((checks + 1))
if [ -s t1.cmp ] && cmp -s t1.cmp t2.cmp; then
    pass "1 and 2 threads give the same potential"
else
    fail "1 and 2 threads give different potentials"
fi
finish
