#!/bin/sh
# make check: feed every seed (the test data of tests/fuzz/seeds.sh and
# tests/fuzz/corpus/H/, which also keeps the fuzzer's minimized corpus) and every saved
# finding (tests/fuzz/regress/H/: crashes, hangs and out-of-memory inputs
# the fuzzer found, minimized, each since fixed) to harness H under the
# normal build.  Each file must be accepted or refused with a clean error
# (tests/fuzz/fuzz_main.c); a crash, an abort or a hang fails the test.
set -u
top=${top_srcdir:-.}
src=$top/tests/fuzz
. "$src/seeds.sh"
bin=${abs_top_builddir:-.}/tests/fuzz
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
export OPENBLAS_NUM_THREADS OMP_NUM_THREADS
status=0
for h in xyz data_xml input_data potential_xml n2p2 spec mode; do
    set --
    for f in $(fuzz_seeds $h) "$src/corpus/$h"/* "$src/regress/$h"/*; do
        [ -f "$f" ] && set -- "$@" "$f"
    done
    n_regress=$(ls "$src/regress/$h" 2>/dev/null | wc -l)
    if [ $# -eq 0 ]; then
        echo "replay: $h: no corpus" >&2
        status=1
        continue
    fi
    # a hang is a failure too: 120 s for a whole corpus of small files
    if timeout 120 "$bin/fuzz_$h" "$@"; then
        echo "replay: $h: $# files ($n_regress regression) ok"
    else
        echo "replay: $h: FAILED (exit $?)" >&2
        status=1
    fi
done
exit $status
