#!/bin/sh
# The installed shared library works for an outside program: make install
# into a DESTDIR, build examples/embed/energy.c against it with pkg-config
# only (pesx.pc, <pesx/api.h>, -lpesx), and get the energy of pesx eval.
. "$top_srcdir/tests/cli/lib.sh"
: "${abs_top_builddir:?}" "${MAKE:=make}" "${CC:=cc}"
command -v pkg-config >/dev/null 2>&1 || { echo "pkg-config not installed"; exit 77; }
dest=$work/dest
src=${abs_top_srcdir:?}
(cd "$abs_top_builddir" && $MAKE install-libLTLIBRARIES install-pkgincludeHEADERS \
    install-pkgconfigDATA DESTDIR="$dest") >"$work/install.log" 2>&1 ||
    { sed 's/^/  | /' "$work/install.log" | tail -20; fail "make install DESTDIR=$dest"; finish; exit; }
pc=$(find "$dest" -name pesx.pc | head -1)
[ -n "$pc" ] || { fail "no pesx.pc installed"; finish; exit; }
checks=$((checks + 1))
PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$dest
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
libdir=$(pkg-config --variable=libdir pesx)   # the sysroot is prepended
case $libdir in "$dest"*) ;; *) libdir=$dest$libdir ;; esac
ls "$libdir"/libpesx.so.0 >/dev/null 2>&1 && pass "libpesx.so.0 (versioned soname) installed" ||
    fail "no libpesx.so.0 in $libdir"
soname=$(objdump -p "$libdir/libpesx.so" 2>/dev/null | sed -n 's/.*SONAME *//p')
checks=$((checks + 1))
[ -z "$soname" ] || [ "$soname" = libpesx.so.0 ] && pass "soname ${soname:-?}" || fail "soname $soname"
# shellcheck disable=SC2046
expect 0 '' "cc examples/embed/energy.c with pkg-config --cflags --libs pesx" -- \
    $CC -o "$work/energy" "$src/examples/embed/energy.c" $(pkg-config --cflags --libs pesx)
xyz=$src/examples/agcu100/reactant.xyz
expect 0 '^energy ' "the example evaluates agcu100 on the reactant" -- \
    env LD_LIBRARY_PATH="$libdir" "$work/energy" "$src/potentials/agcu100.xml" "$xyz"
energy=$(sed -n "s/^energy \([^ ]*\) eV\$/\1/p" "$work/out")
expect 0 '' "pesx eval on the same structure" -- \
    "$PESX" eval "$xyz" -p "$src/potentials/agcu100.xml" -o "$work/eval.xyz" -q
reference=$(sed -n '2s/.* energy=\([^ ]*\).*/\1/p' "$work/eval.xyz")
checks=$((checks + 1))
if awk -v a="$energy" -v b="$reference" 'BEGIN { d = a - b; if (d < 0) d = -d; s = b < 0 ? -b : b; exit !(a != "" && d <= 1e-12 * s) }'; then
    pass "energy $energy eV equals pesx eval's $reference eV"
else
    fail "energy '$energy' eV differs from pesx eval's '$reference' eV"
fi
expect 2 'no-such-potential' "a bad spec is an error message from pesx_api_error" -- \
    env LD_LIBRARY_PATH="$libdir" "$work/energy" no-such-potential "$xyz"
# only the api is exported
checks=$((checks + 1))
extra=$(nm -D --defined-only "$libdir/libpesx.so" 2>/dev/null | awk '$2 == "T" && $3 !~ /^pesx_api_/' | head -3)
[ -z "$extra" ] && pass "libpesx exports only pesx_api_*" || fail "libpesx exports $extra"
finish
