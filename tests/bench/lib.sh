# Shared preamble of the benchmark scripts: sourced as
#   . "$(dirname "$0")/lib.sh"
# PESX (default ./pesx) and PESX_SHARED (default ../shared) become absolute,
# so a script may cd into its scratch directory; bench_need FILE exits 77
# (skip) naming FILE when the shared data is absent.
: "${PESX:=./pesx}"
: "${PESX_SHARED:=../shared}"
[ -x "$PESX" ] || { echo "no pesx binary at $PESX (set PESX)"; exit 77; }
PESX=$(cd "$(dirname "$PESX")" && pwd)/$(basename "$PESX") || exit 1
bench_shared=$PESX_SHARED
PESX_SHARED=$(cd "$bench_shared" 2>/dev/null && pwd) || { echo "no directory $bench_shared (set PESX_SHARED)"; exit 77; }
bench_need() { [ -e "$1" ] || { echo "no $1 (set PESX_SHARED)"; exit 77; }; }
