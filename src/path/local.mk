# path module: sources, Check suite, man pages
# NEB and the barrier report (issue 5)
src_libpesx_core_la_SOURCES += include/pesx/path.h include/pesx/path_report.h \
	src/path/path_impl.h src/path/band.c src/path/interp.c src/path/idpp.c \
	src/path/neb.c src/path/neb_run.c src/path/neb_lbfgs.c src/path/spline.c src/path/report.c \
	src/path/report_xml.c src/path/report_svg.c
check_PROGRAMS += tests/check_path
TESTS += tests/check_path
tests_check_path_SOURCES = tests/check_path.c $(TESTUTIL)
tests_check_path_CFLAGS = $(TEST_CFLAGS)
tests_check_path_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/data/neb/README.md tests/data/neb/make_lj_hop.py tests/data/neb/lj_hop_reference.txt \
	tests/data/neb/lj_hop_reactant.xyz tests/data/neb/lj_hop_product.xyz

# the neb and barrier commands (cmd layer, linked into pesx only) and their pages
pesx_SOURCES += src/cmd/neb.c src/cmd/barrier.c
dist_man_MANS += man/pesx-neb.1 man/pesx-barrier.1
TESTS += tests/cli/neb.sh
EXTRA_DIST += tests/cli/neb.sh tests/bench/bench_neb_pt.sh tests/bench/lib.sh
# outputs checked up front, side files from -o, identical endpoints, one
# saddle fmax; bands of a trajectory, intermediate minima (issue 12)
TESTS += tests/cli/neb_outputs.sh tests/cli/barrier_bands.sh
EXTRA_DIST += tests/cli/neb_outputs.sh tests/cli/barrier_bands.sh

# dimer (issue 6): dimer saddle search, Hessian, frequencies, HTST
src_libpesx_core_la_SOURCES += src/path/dimer.c src/path/dimer_project.c src/path/dimer_connect.c \
	src/path/dimer_translate.c \
	src/path/dimer_impl.h src/path/hessian.c src/path/vib.c src/path/htst.c \
	include/pesx/path_dimer.h include/pesx/path_vib.h
# the saddle analysis and the normal modes of a structure (issue 14), for
# pesx saddle, pesx vib and pesx explore
src_libpesx_core_la_SOURCES += include/pesx/path_saddle.h src/path/saddle.c \
	src/path/saddle_start.c src/path/vib_at.c src/path/band_file.c
check_PROGRAMS += tests/check_dimer
TESTS += tests/check_dimer
tests_check_dimer_SOURCES = tests/check_dimer.c $(TESTUTIL)
tests_check_dimer_CFLAGS = $(TEST_CFLAGS)
tests_check_dimer_LDADD = $(TEST_LDADD)
# the OptBench Pt heptamer tests: a program of their own, SKIP (77) without ../shared
check_PROGRAMS += tests/check_dimer_pt
TESTS += tests/check_dimer_pt
tests_check_dimer_pt_SOURCES = tests/check_dimer_pt.c $(TESTUTIL)
tests_check_dimer_pt_CFLAGS = $(TEST_CFLAGS)
tests_check_dimer_pt_LDADD = $(TEST_LDADD)
# the saddle and vib commands (layer 7 sources, listed here with their module's issue)
pesx_SOURCES += src/cmd/saddle.c src/cmd/vib.c
dist_man_MANS += man/pesx-saddle.1 man/pesx-vib.1
TESTS += tests/cli/saddle.sh tests/cli/vib.sh
EXTRA_DIST += tests/cli/saddle.sh tests/cli/vib.sh
# OptBench Pt heptamer: double-ended saddle search (NEB then dimer) and lowest-mode search
noinst_PROGRAMS += tests/bench/bench_saddle_pt
tests_bench_bench_saddle_pt_SOURCES = tests/bench/bench_saddle_pt.c
tests_bench_bench_saddle_pt_LDADD = src/libpesx-core.la $(PESX_LIBS)
# ideal-gas thermochemistry and Eyring rates of molecules (issue 16.4)
src_libpesx_core_la_SOURCES += include/pesx/path_thermo.h src/path/thermo.c
check_PROGRAMS += tests/check_thermo
TESTS += tests/check_thermo
tests_check_thermo_SOURCES = tests/check_thermo.c $(TESTUTIL)
tests_check_thermo_CFLAGS = $(TEST_CFLAGS)
tests_check_thermo_LDADD = $(TEST_LDADD)
