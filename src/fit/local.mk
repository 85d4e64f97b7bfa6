# fit module: sources, Check suite, man pages

# training (loss, gradients, optimizers, committees; pesx fit)
src_libpesx_core_la_SOURCES += include/pesx/fit.h src/fit/fit_impl.h src/fit/model.c src/fit/set.c \
	src/fit/loss.c src/fit/refenergy.c src/fit/train.c src/fit/state.c \
	src/fit/run_impl.h src/fit/run.c src/fit/run_files.c
check_PROGRAMS += tests/check_fit
TESTS += tests/check_fit
tests_check_fit_SOURCES = tests/check_fit.c $(TESTUTIL)
tests_check_fit_CFLAGS = $(TEST_CFLAGS)
tests_check_fit_LDADD = $(TEST_LDADD)
noinst_PROGRAMS += tests/bench/bench_fit_auAl100
tests_bench_bench_fit_auAl100_SOURCES = tests/bench/bench_fit_auAl100.c
tests_bench_bench_fit_auAl100_LDADD = src/libpesx-core.la $(PESX_LIBS)
pesx_SOURCES += src/cmd/fit.c src/cmd/fit_plot.c src/cmd/fit_cmd.h
dist_man_MANS += man/pesx-fit.1
TESTS += tests/cli/fit.sh tests/cli/fit_molecule.sh
EXTRA_DIST += tests/cli/fit.sh tests/cli/fit_molecule.sh tests/data/fit/alau4.xml tests/bench/bench_fit_auAl100.sh \
	tests/bench/bench_fit_hcn.sh

# data (symmetry functions for a fit: generation, selection, scaling statistics, --sf)
src_libpesx_core_la_SOURCES += include/pesx/fit_sf.h src/fit/sf_impl.h src/fit/sfdesc.c \
	src/fit/sfgen.c src/fit/scaling.c src/fit/sfread.c
check_PROGRAMS += tests/check_fit_sf
TESTS += tests/check_fit_sf
tests_check_fit_sf_SOURCES = tests/check_fit_sf.c $(TESTUTIL)
tests_check_fit_sf_CFLAGS = $(TEST_CFLAGS)
tests_check_fit_sf_LDADD = $(TEST_LDADD)

# the whole fit as one call (pesx_fit_run): memory = CLI, warm start, stops, checkpoint errors
check_PROGRAMS += tests/check_fit_run
TESTS += tests/check_fit_run
tests_check_fit_run_SOURCES = tests/check_fit_run.c $(TESTUTIL)
tests_check_fit_run_CFLAGS = $(TEST_CFLAGS)
tests_check_fit_run_LDADD = $(TEST_LDADD)
