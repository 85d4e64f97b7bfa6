#!/bin/sh
# make fuzz [FUZZ_SECONDS=N] [FUZZ_HARNESSES='xyz n2p2'] [FUZZ_SANITIZE=1]
#
#   sh tests/fuzz/run.sh DISTDIR BUILDDIR
#
# Builds the harnesses with afl-clang-fast (afl-gcc-fast, afl-gcc as
# fallbacks; with FUZZ_SANITIZE=1 also ASan+UBSan) from the distribution
# tree DISTDIR in BUILDDIR/src (kept between runs, so a rerun rebuilds only
# what changed; DISTDIR is moved away), then runs afl-fuzz on every harness
# for FUZZ_SECONDS (default 60) seconds, one after another at nice 19, and
# prints one line per harness.  Findings are in
# BUILDDIR/out/H/default/{crashes,hangs}/.  Exit 1 on any crash or hang.
set -eu
dist=$1
build=$2
seconds=${FUZZ_SECONDS:-60}
harnesses=${FUZZ_HARNESSES:-xyz data_xml input_data potential_xml n2p2 spec mode}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/fuzz/seeds.sh"

for cc in afl-clang-fast afl-gcc-fast afl-gcc; do
    command -v $cc >/dev/null 2>&1 && break
    cc=
done
if [ -z "$cc" ] || ! command -v afl-fuzz >/dev/null 2>&1; then
    echo "make fuzz: afl++ is not installed (Debian package afl++)" >&2
    rm -rf "$dist"
    exit 2
fi

if [ "${FUZZ_SANITIZE:-0}" = 1 ]; then
    build=$build/sanitize
    AFL_USE_ASAN=1 AFL_USE_UBSAN=1
    export AFL_USE_ASAN AFL_USE_UBSAN
fi
mkdir -p "$build/src"
cp -pR "$dist"/. "$build/src/"
rm -rf "$dist"
cd "$build/src"
AFL_QUIET=1
export AFL_QUIET
if [ ! -f config.status ]; then
    ./configure -q CC="$cc" CFLAGS='-O1 -g'
fi
progs=
for h in $harnesses; do progs="$progs tests/fuzz/fuzz_$h"; done
make -s -j2 $progs >/dev/null

OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
AFL_SKIP_CRASHES=1 AFL_NO_WARN_INSTABILITY=1 AFL_IGNORE_SEED_PROBLEMS=1
export OPENBLAS_NUM_THREADS OMP_NUM_THREADS AFL_NO_UI AFL_SKIP_CPUFREQ AFL_NO_AFFINITY
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES AFL_SKIP_CRASHES AFL_NO_WARN_INSTABILITY
export AFL_IGNORE_SEED_PROBLEMS
mkdir -p "$build/tmp"
TMPDIR=$build/tmp
export TMPDIR
failed=0
for h in $harnesses; do
    seeds=$build/seeds/$h out=$build/out/$h
    rm -rf "$seeds" "$out"
    mkdir -p "$seeds" "$out"
    for f in $(fuzz_seeds $h) "$top/tests/fuzz/corpus/$h"/* "$top/tests/fuzz/regress/$h"/*; do
        [ -f "$f" ] && cp "$f" "$seeds/$(basename "$(dirname "$f")")-$(basename "$f")"
    done
    nice -n 19 afl-fuzz -i "$seeds" -o "$out" -V "$seconds" -t 2000 -m none \
        -- "$build/src/tests/fuzz/fuzz_$h" @@ >"$build/out/$h.log" 2>&1 || true
    stats=$out/default/fuzzer_stats
    if [ ! -f "$stats" ]; then
        echo "fuzz: $h: afl-fuzz did not run (see $build/out/$h.log)"
        failed=1
        continue
    fi
    get() { sed -n "s/^$1 *: *//p" "$stats"; }
    crashes=$(get saved_crashes) hangs=$(get saved_hangs)
    echo "fuzz: $h: $(get execs_done) executions, $(get corpus_count) paths," \
        "$(get edges_found) edges ($(get bitmap_cvg)), $crashes crashes, $hangs hangs"
    if [ "${crashes:-1}" != 0 ] || [ "${hangs:-1}" != 0 ]; then
        ls "$out"/default/crashes/id* "$out"/default/hangs/id* 2>/dev/null | sed 's/^/    /'
        failed=1
    fi
done
exit $failed
