#!/bin/sh
# -p SPEC on the command line: parameter files (same surface as the spec;
# errors name FILE:LINE and exit 2), presets, installed names, and eOn's
# morse_pt on the OptBench Pt heptamer reactant (needs $PESX_SHARED).
. "$top_srcdir/tests/cli/lib.sh"
lj13=$top_srcdir/examples/lj13/start.xyz

energy() { "$PESX" eval "$@" --summary 2>/dev/null | sed -n 's/.*energy \([-0-9.e+]*\) eV.*/\1/p' | head -1; }

# A parameter file is the same surface as the spec it spells out.
printf '# LJ, argon-like\ntype = lj\n\nepsilon = 0.0104   # eV\nsigma = 1.1\n' >"$work/lj.pot"
checks=$((checks + 1))
e_file=$(energy "$lj13" -p "$work/lj.pot")
e_spec=$(energy "$lj13" -p 'lj:epsilon=0.0104,sigma=1.1')
if [ -n "$e_file" ] && [ "$e_file" = "$e_spec" ]; then pass "parameter file = spec ($e_file)"
else fail "parameter file gives '$e_file', spec '$e_spec'"; fi
checks=$((checks + 1))
e_pt=$(energy "$lj13" -p 'morse:pt')
e_pt2=$(energy "$lj13" -p ' morse : preset = pt ')
if [ -n "$e_pt" ] && [ "$e_pt" = "$e_pt2" ]; then pass "morse:pt = ' morse : preset = pt '"
else fail "morse:pt '$e_pt' vs '$e_pt2'"; fi

# Bad parameter files: exit 2, FILE:LINE and what is wrong.
printf 'type = lj\nsigma = abc\n' >"$work/nonnum.pot"
expect 2 'nonnum.pot:2:.*sigma.*abc' "non-numeric value" -- "$PESX" eval "$lj13" -p "$work/nonnum.pot"
printf 'type = lj\n\nsigma = nan\n' >"$work/nan.pot"
expect 2 'nan.pot:3:.*sigma' "NaN value" -- "$PESX" eval "$lj13" -p "$work/nan.pot"
printf 'type = lj\nsigmaa = 1\n' >"$work/typo.pot"
expect 2 "typo.pot:2:.*'sigmaa'.*epsilon, sigma" "unknown key names the valid ones" -- \
    "$PESX" eval "$lj13" -p "$work/typo.pot"
printf 'type = gupta\n' >"$work/gupta.pot"
expect 2 "gupta.pot:1:.*'gupta'.*lj.*morse" "unknown type lists the valid ones" -- \
    "$PESX" eval "$lj13" -p "$work/gupta.pot"
printf 'sigma = 1\n' >"$work/notype.pot"
expect 2 'notype.pot.*type' "no type line" -- "$PESX" eval "$lj13" -p "$work/notype.pot"
printf 'type = lj\nsigma 1\n' >"$work/noeq.pot"
expect 2 'noeq.pot:2:.*key = value' "line without '='" -- "$PESX" eval "$lj13" -p "$work/noeq.pot"
printf 'type = lj\nsigma = 1\nsigma = 2\n' >"$work/twice.pot"
expect 2 'twice.pot:3:.*twice' "key given twice" -- "$PESX" eval "$lj13" -p "$work/twice.pot"
expect 2 "morse.*D.*alpha.*r0" "morse without parameters" -- "$PESX" eval "$lj13" -p morse
expect 2 "'au'.*pt" "unknown morse preset" -- "$PESX" eval "$lj13" -p morse:au
expect 2 'no-such.pot' "missing parameter file" -- "$PESX" eval "$lj13" -p "$work/no-such.pot"

# Installed names are searched in $PESX_POTENTIAL_PATH.
expect 2 "nosuchpot.*$work" "installed name not found names the search path" -- \
    env PESX_POTENTIAL_PATH="$work" "$PESX" eval "$lj13" -p nosuchpot

# A periodic structure needs a finite cutoff.
printf '1\nLattice="3 0 0 0 3 0 0 0 3" Properties=species:S:1:pos:R:3 pbc="T T T"\nAr 0 0 0\n' >"$work/bulk.xyz"
expect 2 'rc' "periodic structure without a cutoff" -- "$PESX" eval "$work/bulk.xyz" -p lj
# one atom and its 6 images at 3 A, shifted at rc: 3 (V(3) - V(3.5)) = -1.25254660492832
expect 0 'energy -1\.252546604[89]' "simple cubic crystal of one atom per cell" -- \
    "$PESX" eval "$work/bulk.xyz" -p lj:rc=3.5,sigma=2.6

# eOn's morse_pt on the OptBench Pt(111) heptamer reactant: -1775.79114956 eV.
reactant=${PESX_SHARED:-/nonexistent}/ref/optbench/pt_heptamer/reactant.extxyz
if [ -r "$reactant" ]; then
    expect 0 'energy -1775\.791149[56]' "morse:pt on the Pt heptamer reactant" -- \
        "$PESX" eval "$reactant" -p morse:pt --summary
else
    echo "skip: $reactant absent (PESX_SHARED)"
fi
finish
