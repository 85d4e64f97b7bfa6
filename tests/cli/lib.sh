# Shared helpers of the CLI test scripts (sourced).
: "${PESX:?PESX must name the pesx binary}" "${top_srcdir:?}"
work=$(mktemp -d "${TMPDIR:-/tmp}/pesx-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
checks=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# expect STATUS PATTERN DESCRIPTION -- command...: exit status and a regex on stderr+stdout.
expect() {
    want=$1 pattern=$2 what=$3
    shift 4
    checks=$((checks + 1))
    "$@" >"$work/out" 2>"$work/err" </dev/null
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$what: exit $got, expected $want"; sed 's/^/  | /' "$work/err" | head -5; return
    fi
    if [ "$got" -ge 128 ]; then fail "$what: killed by signal"; return; fi
    if [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$work/out" "$work/err"; then
        fail "$what: output does not match /$pattern/"; sed 's/^/  | /' "$work/err" | head -5; return
    fi
    pass "$what"
}

finish() {
    echo "$checks checks, $failures failed"
    [ "$failures" -eq 0 ]
}

# turn FILE.xyz: the structure of a plain XYZ file rotated by 0.7 rad about
# z, then 1.1 rad about x, and translated by (3, -2, 5), on stdout;
# MIRROR=1 first reflects x -> -x
turn() {
    awk -v mirror="${MIRROR:-0}" 'NR <= 2 { print; next } {
        x = mirror ? -$2 : $2; y = $3; z = $4; a = 0.7; b = 1.1
        x1 = cos(a) * x - sin(a) * y; y1 = sin(a) * x + cos(a) * y
        y2 = cos(b) * y1 - sin(b) * z; z2 = sin(b) * y1 + cos(b) * z
        printf "%s %.10f %.10f %.10f\n", $1, x1 + 3, y2 - 2, z2 + 5 }' "$1"
}
