#!/bin/sh
# -p ext:script=PATH: the Lennard-Jones script of tests/data/ext gives what
# -p lj gives (in a temporary directory that is removed again), and every
# way a script can fail is a clear error naming the script, exit 1.
. "$top_srcdir/tests/cli/lib.sh"
[ -x /usr/bin/python3 ] || { echo "skipped: no /usr/bin/python3 for the test script"; exit 77; }
lj13=$top_srcdir/examples/lj13/start.xyz
script=$top_srcdir/tests/data/ext/lj.py

# the same energy and forces as in process
checks=$((checks + 1))
export TMPDIR="$work/tmp"
mkdir "$TMPDIR"
if "$PESX" eval "$lj13" -p "ext:script=$script" -o "$work/ext.xyz" >/dev/null 2>"$work/err" &&
   "$PESX" eval "$lj13" -p lj -o "$work/lj.xyz" >/dev/null 2>&1; then
    d=$(awk 'FNR == 1 { f++ } FNR == 2 { for (k = 1; k <= NF; k++) if ($k ~ /^energy=/) { sub(/energy=/, "", $k); e[f] = $k } }
        FNR > 2 { for (k = 5; k <= 7; k++) v[f, FNR, k] = $k }
        END { m = e[1] - e[2]; m = m < 0 ? -m : m
              for (key in v) { split(key, s, SUBSEP); if (s[1] == 1) { d = v[1, s[2], s[3]] - v[2, s[2], s[3]]; d = d < 0 ? -d : d; if (d > m) m = d } }
              print m }' "$work/ext.xyz" "$work/lj.xyz")
    if awk -v d="$d" 'BEGIN { exit !(d <= 1e-10) }'; then pass "ext LJ script = -p lj (max difference $d)"
    else fail "ext LJ script differs from -p lj by $d"; fi
else
    fail "ext eval failed"; sed 's/^/  | /' "$work/err"
fi
checks=$((checks + 1))
if [ -z "$(ls -A "$TMPDIR")" ]; then pass "temporary directories removed"
else fail "left in TMPDIR: $(ls -A "$TMPDIR")"; fi

# failing scripts
mk() { printf '#!/bin/sh\n%s\n' "$2" >"$work/$1"; chmod +x "$work/$1"; }
mk exit3.sh 'echo "no licence" >&2; exit 3'
expect 1 "exit3.sh exited with status 3" "non-zero exit" -- "$PESX" eval "$lj13" -p "ext:script=$work/exit3.sh"
mk kill.sh 'kill -9 $$'
expect 1 "kill.sh was killed by signal 9" "killed script" -- "$PESX" eval "$lj13" -p "ext:script=$work/kill.sh"
mk none.sh 'exit 0'
expect 1 "none.sh exited with 0 but wrote no output" "no output" -- "$PESX" eval "$lj13" -p "ext:script=$work/none.sh"
mk garbage.sh 'echo "hello world" >"$2"'
expect 1 "garbage.sh: malformed output" "malformed output" -- "$PESX" eval "$lj13" -p "ext:script=$work/garbage.sh"
mk trunc.sh 'head -5 "$1" >"$2"'
expect 1 "trunc.sh: malformed output" "truncated output" -- "$PESX" eval "$lj13" -p "ext:script=$work/trunc.sh"
mk noenergy.sh 'cp "$1" "$2"'
expect 1 "noenergy.sh: its output has no energy" "output without energy" -- "$PESX" eval "$lj13" -p "ext:script=$work/noenergy.sh"
mk noforces.sh 'sed "2s/\$/ energy=1.5/" "$1" >"$2"'
expect 1 "noforces.sh: its output has no forces" "output without forces" -- "$PESX" eval "$lj13" -p "ext:script=$work/noforces.sh"
mk count.sh "$script \"\$1\" \"\$2.full\" && awk 'NR == 1 { print \$1 - 1; next } NR < 15 { print }' \"\$2.full\" >\"\$2\""
expect 1 "count.sh: its output has 12 atoms, the input 13" "wrong atom count" -- "$PESX" eval "$lj13" -p "ext:script=$work/count.sh"
mk nan.sh "$script \"\$1\" \"\$2.ok\" && sed '2s/energy=[^ ]*/energy=nan/' \"\$2.ok\" >\"\$2\""
expect 1 "nan.sh.*(not finite|nan|NaN)" "NaN energy" -- "$PESX" eval "$lj13" -p "ext:script=$work/nan.sh"
mk nanf.sh "$script \"\$1\" \"\$2.ok\" && awk 'NR == 3 { \$5 = \"nan\" } { print }' \"\$2.ok\" >\"\$2\""
expect 1 "nanf.sh.*(not finite|nan|NaN)" "NaN force" -- "$PESX" eval "$lj13" -p "ext:script=$work/nanf.sh"
mk swap.sh "$script \"\$1\" \"\$2.ok\" && sed '3s/^Ar/He/' \"\$2.ok\" >\"\$2\""
expect 1 "swap.sh: atom 1 of its output is He" "wrong element" -- "$PESX" eval "$lj13" -p "ext:script=$work/swap.sh"
checks=$((checks + 1))
if [ -z "$(ls -A "$TMPDIR")" ]; then pass "temporary directories removed after failures"
else fail "left in TMPDIR after failures: $(ls -A "$TMPDIR")"; fi
printf 'not a script\n' >"$work/plain.txt"
expect 2 "plain.txt is not executable" "not executable: exit 2" -- "$PESX" eval "$lj13" -p "ext:script=$work/plain.txt"
expect 2 "ext: script $work/missing.sh: No such file" "missing script: exit 2" -- "$PESX" eval "$lj13" -p "ext:script=$work/missing.sh"
expect 2 "script= is required" "no script= given: exit 2" -- "$PESX" eval "$lj13" -p ext
finish
