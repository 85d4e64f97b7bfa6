# fit module: sources, Check suite, man pages

# training (loss, gradients, optimizers, committees; pesx fit)
src_libpesx_a_SOURCES += include/pesx/fit.h src/fit/fit_impl.h src/fit/model.c src/fit/set.c \
	src/fit/loss.c src/fit/refenergy.c src/fit/train.c
check_PROGRAMS += tests/check_fit
TESTS += tests/check_fit
tests_check_fit_SOURCES = tests/check_fit.c $(TESTUTIL)
tests_check_fit_CFLAGS = $(TEST_CFLAGS)
tests_check_fit_LDADD = $(TEST_LDADD)
noinst_PROGRAMS += tests/bench/bench_fit_auAl100
tests_bench_bench_fit_auAl100_SOURCES = tests/bench/bench_fit_auAl100.c
tests_bench_bench_fit_auAl100_LDADD = src/libpesx.a $(PESX_LIBS)

# data (symmetry functions for a fit: generation, selection, scaling statistics, --sf)
src_libpesx_a_SOURCES += include/pesx/fit_sf.h src/fit/sf_impl.h src/fit/sfdesc.c \
	src/fit/sfgen.c src/fit/scaling.c src/fit/sfread.c
check_PROGRAMS += tests/check_fit_sf
TESTS += tests/check_fit_sf
tests_check_fit_sf_SOURCES = tests/check_fit_sf.c $(TESTUTIL)
tests_check_fit_sf_CFLAGS = $(TEST_CFLAGS)
tests_check_fit_sf_LDADD = $(TEST_LDADD)
