#!/bin/sh
# Layering (DESIGN.md): a module includes only pesx/ headers of lower layers
# or its own; libxml2 only in io/; <cblas.h> only in nn/dense.c; GSL's BLAS
# header never beside <cblas.h>.
top=${top_srcdir:-.}
cd "$top" || exit 99
status=0

layer() {
    case $1 in
    util) echo 0 ;; structure) echo 1 ;; io) echo 2 ;;
    descriptor|nn) echo 3 ;; potential) echo 4 ;; opt) echo 5 ;;
    path|fit) echo 6 ;; learn|explore|api) echo 7 ;; cmd) echo 8 ;; *) echo 99 ;;
    esac
}

fail() { echo "layering: $*"; status=1; }

for dir in src/*/; do
    mod=$(basename "$dir")
    mine=$(layer "$mod")
    for f in "$dir"*.c "$dir"*.h; do
        [ -f "$f" ] || continue
        for hdr in $(sed -n 's/^[ \t]*#[ \t]*include[ \t]*<pesx\/\([a-z_0-9]*\)\.h>.*/\1/p' "$f"); do
            other=${hdr%%_*}
            theirs=$(layer "$other")
            [ "$other" = "$mod" ] && continue
            [ "$mod" = cmd ] && continue
            [ "$theirs" -lt "$mine" ] || fail "$f includes pesx/$hdr.h (layer $theirs) from layer $mine ($mod)"
        done
        if grep -q '#[ \t]*include[ \t]*<libxml/' "$f" && [ "$mod" != io ]; then
            fail "$f includes libxml2; only src/io/ may"
        fi
        if grep -q '#[ \t]*include[ \t]*<cblas.h>' "$f"; then
            [ "$f" = src/nn/dense.c ] || fail "$f includes <cblas.h>; only src/nn/dense.c may"
            grep -q 'gsl/gsl_blas.h\|gsl/gsl_cblas.h' "$f" && fail "$f includes both <cblas.h> and GSL's BLAS"
        fi
    done
done
# Public headers follow the same rule, by their module prefix.
for f in include/pesx/*.h; do
    [ -f "$f" ] || continue
    base=$(basename "$f" .h); mod=${base%%_*}; mine=$(layer "$mod")
    for hdr in $(sed -n 's/^[ \t]*#[ \t]*include[ \t]*<pesx\/\([a-z_0-9]*\)\.h>.*/\1/p' "$f"); do
        other=${hdr%%_*}; theirs=$(layer "$other")
        [ "$other" = "$mod" ] && continue
        [ "$theirs" -lt "$mine" ] || fail "$f includes pesx/$hdr.h (layer $theirs) from layer $mine"
    done
done
# main.c may include only cmd/.
grep -q '#[ \t]*include[ \t]*<pesx/' src/main.c && fail "src/main.c includes a library header; go through cmd/"
[ $status -eq 0 ] && echo "layering: ok"
exit $status
