#!/bin/sh
# The KIM model driver in stock LAMMPS: kim/install.sh builds pesx_driver
# and the models pesx_agcu100 and pesx_ch3nc into a private environment
# collection, against this build's libpesx; `lmp` with kim init / kim
# interactions then gives pesx eval's energy and forces to 1e-10 relative
# on a slab (periodic in x and y), a fully periodic Cu/Ag crystal and a free
# molecule, and a short NVE run of the slab conserves the energy.  Skips
# (77) without lmp, its KIM package, kim-api-collections-management, cmake
# or pkg-config.
. "$top_srcdir/tests/cli/lib.sh"
: "${abs_top_builddir:?}" "${abs_top_srcdir:?}"
for tool in lmp kim-api-collections-management cmake pkg-config; do
    command -v $tool >/dev/null 2>&1 || { echo "skipped: no $tool on PATH"; exit 77; }
done
lmp -h 2>/dev/null | grep -q kim_interactions || { echo "skipped: lmp has no KIM package"; exit 77; }
lib=$abs_top_builddir/src/.libs
[ -f "$lib/libpesx.so" ] || { echo "skipped: no shared libpesx in $lib (--disable-shared?)"; exit 77; }
src=$abs_top_srcdir

# pesx.pc for this build tree: the driver links src/.libs/libpesx.so
mkdir "$work/pc" "$work/drivers" "$work/models"
cat >"$work/pc/pesx.pc" <<PC
Name: pesx
Description: pesx build tree
Version: 0
Cflags: -I$src/include
Libs: -L$lib -lpesx
PC
PKG_CONFIG_PATH=$work/pc KIM_API_MODEL_DRIVERS_DIR=$work/drivers
KIM_API_PORTABLE_MODELS_DIR=$work/models
export PKG_CONFIG_PATH KIM_API_MODEL_DRIVERS_DIR KIM_API_PORTABLE_MODELS_DIR
expect 0 '' "kim/install.sh -c environment builds the driver and two models" -- \
    "$src/kim/install.sh" -c environment "pesx_agcu100=$src/potentials/agcu100.xml" \
    "pesx_ch3nc=$src/potentials/ch3nc.xml"
[ "$failures" -eq 0 ] || { sed 's/^/  | /' "$work/out" | tail -20; finish; exit; }

# lammps_data FILE.xyz ELEMENTS: a LAMMPS data file of an orthorhombic
# extended XYZ cell (or a box around a molecule), types in ELEMENTS order
lammps_data() {
    awk -v elements="$2" '
    BEGIN { n_el = split(elements, el, " ")
            split("H 1.008 C 12.011 N 14.007 Cu 63.546 Ag 107.8682", m, " ")
            for (k = 1; k < 10; k += 2) mass[m[k]] = m[k + 1]
            for (k = 1; k <= n_el; k++) type[el[k]] = k }
    NR == 1 { n = $1; next }
    NR == 2 { lx = ly = lz = 0
              if (match($0, /Lattice="[^"]*"/)) {
                  split(substr($0, RSTART + 9, RLENGTH - 10), c, " ")
                  lx = c[1]; ly = c[5]; lz = c[9] }
              next }
    NR <= n + 2 { s[NR - 2] = $1; x[NR - 2] = $2; y[NR - 2] = $3; z[NR - 2] = $4 }
    END {
        if (lx == 0) { lx = ly = lz = 40; ox = oy = oz = -20 } else ox = oy = oz = 0
        print "pesx test\n\n" n " atoms\n" n_el " atom types\n"
        printf "%.17g %.17g xlo xhi\n%.17g %.17g ylo yhi\n%.17g %.17g zlo zhi\n\nMasses\n\n",
            ox, ox + lx, oy, oy + ly, oz, oz + lz
        for (k = 1; k <= n_el; k++) print k, mass[el[k]]
        print "\nAtoms # atomic\n"
        for (i = 1; i <= n; i++) printf "%d %d %s %s %s\n", i, type[s[i]], x[i], y[i], z[i]
    }' "$1"
}

# compare NAME MODEL FILE.xyz "ELEMENTS" "BOUNDARY": lmp run 0 vs pesx eval -o
compare() {
    name=$1 model=$2 xyz=$3 elements=$4 boundary=$5
    checks=$((checks + 1))
    lammps_data "$xyz" "$elements" >"$work/$name.data"
    cat >"$work/$name.in" <<LMP
kim init $model metal
boundary $boundary
read_data $work/$name.data
kim interactions $elements
thermo_style custom step pe
thermo_modify format float %.17g
dump d all custom 1 $work/$name.dump id fx fy fz
dump_modify d sort id format float %.17g
run 0
LMP
    if ! (cd "$work" && lmp -in "$name.in" -log "$name.log" -screen none); then
        fail "$name: lmp failed"; tail -5 "$work/$name.log" | sed 's/^/  | /'; return
    fi
    if ! "$PESX" eval -q -p "$src/potentials/${model#pesx_}.xml" "$xyz" -o "$work/$name.xyz" 2>"$work/err"; then
        fail "$name: pesx eval failed"; sed 's/^/  | /' "$work/err"; return
    fi
    res=$(awk '
        FILENAME ~ /\.log$/ { if (prev && $1 == "0" && NF == 2) el = $2; prev = ($1 == "Step"); next }
        FILENAME ~ /\.dump$/ { if (in_atoms) { fl[$1, 1] = $2; fl[$1, 2] = $3; fl[$1, 3] = $4 }
                               if ($0 ~ /^ITEM: ATOMS/) in_atoms = 1; next }
        FNR == 1 { n = $1; next }
        FNR == 2 { for (k = 1; k <= NF; k++) if ($k ~ /^energy=/) { sub(/energy=/, "", $k); ep = $k }
                   split($0, h, "Properties=")
                   split(h[2], p, " "); split(p[1], q, ":"); col = 1
                   for (k = 1; k < length(q); k += 3) { if (q[k] == "forces") fc = col; col += q[k + 2] }
                   next }
        FNR <= n + 2 { i = FNR - 2; for (k = 1; k <= 3; k++) fp[i, k] = $(fc + k - 1) }
        END { df = fmax = 0
              for (i = 1; i <= n; i++) for (k = 1; k <= 3; k++) {
                  d = fl[i, k] - fp[i, k]; if (d < 0) d = -d; if (d > df) df = d
                  a = fp[i, k] < 0 ? -fp[i, k] : fp[i, k]; if (a > fmax) fmax = a }
              de = el - ep; if (de < 0) de = -de; ae = ep < 0 ? -ep : ep
              printf "%.3g %.3g %.17g %.17g\n", de / ae, df / fmax, el, ep }' \
        "$work/$name.log" "$work/$name.dump" "$work/$name.xyz")
    set -- $res
    if awk -v e="$1" -v f="$2" 'BEGIN { exit !(e <= 1e-10 && f <= 1e-10) }'; then
        pass "$name: lmp energy $3 vs pesx $4: relative $1, forces $2"
    else
        fail "$name: lmp energy $3 vs pesx $4: relative $1, forces $2 (limit 1e-10)"
    fi
}

compare slab pesx_agcu100 "$src/examples/agcu100/reactant.xyz" "Cu Ag" "p p f"

# a 3x3x3 fcc Cu crystal with two Ag atoms, every atom displaced (fixed pattern)
awk 'BEGIN { a = 3.65; n = 0
    for (i = 0; i < 3; i++) for (j = 0; j < 3; j++) for (k = 0; k < 3; k++)
    for (b = 0; b < 4; b++) {
        bx = (b == 1 || b == 2) * 0.5; by = (b == 1 || b == 3) * 0.5; bz = (b == 2 || b == 3) * 0.5
        n++; d = 0.07 * sin(1.7 * n)
        line[n] = sprintf("%s %.10f %.10f %.10f", (n == 5 || n == 60) ? "Ag" : "Cu",
            (i + bx) * a + d, (j + by) * a - 0.8 * d, (k + bz) * a + 0.5 * d) }
    L = 3 * a
    printf "%d\nLattice=\"%.10f 0 0 0 %.10f 0 0 0 %.10f\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n", n, L, L, L
    for (m = 1; m <= n; m++) print line[m] }' >"$work/bulk.xyz"
compare bulk pesx_agcu100 "$work/bulk.xyz" "Cu Ag" "p p p"
compare molecule pesx_ch3nc "$src/examples/ch3nc/saddle.xyz" "C H N" "f f f"

# NVE: 200 steps of 1 fs from 300 K; the total energy stays within 1e-4 eV/atom
checks=$((checks + 1))
cat >"$work/nve.in" <<LMP
kim init pesx_agcu100 metal
boundary p p f
read_data $work/slab.data
kim interactions Cu Ag
velocity all create 300 4928 mom yes rot no
fix nve all nve
timestep 0.001
thermo 10
thermo_style custom step pe ke etotal
thermo_modify format float %.12g
run 200
LMP
if (cd "$work" && lmp -in nve.in -log nve.log -screen none); then
    res=$(awk '/^ *Step/ { on = 1; next } /^Loop/ { on = 0 }
        on && NF == 4 { if (!seen) { e0 = $4; seen = 1 } d = $4 - e0; if (d < 0) d = -d; if (d > dmax) dmax = d
                        ke = $3 }
        END { printf "%.3g %d %.4g\n", dmax, seen, ke }' "$work/nve.log")
    set -- $res
    n=$(sed -n 1p "$src/examples/agcu100/reactant.xyz")
    if [ "$2" = 1 ] && awk -v d="$1" -v n="$n" 'BEGIN { exit !(d / n <= 1e-4) }'; then
        pass "NVE 200 steps: total energy drift at most $1 eV ($n atoms, final kinetic $3 eV)"
    else
        fail "NVE 200 steps: total energy drift $1 eV over $n atoms (limit 1e-4 eV/atom)"
    fi
else
    fail "NVE run: lmp failed"; tail -5 "$work/nve.log" | sed 's/^/  | /'
fi
finish
