# opt module: objectives, minimizers (L-BFGS, FIRE) and the minimization driver
src_libpesx_core_la_SOURCES += \
	include/pesx/opt.h \
	src/opt/opt_impl.h \
	src/opt/objective.c \
	src/opt/atoms_objective.c \
	src/opt/minimizer.c \
	src/opt/lbfgs.c \
	src/opt/precon.c \
	src/opt/fire.c \
	src/opt/minimize.c

check_PROGRAMS += tests/check_opt
TESTS += tests/check_opt
tests_check_opt_SOURCES = tests/check_opt.c $(TESTUTIL)
tests_check_opt_CFLAGS = $(TEST_CFLAGS)
tests_check_opt_LDADD = $(TEST_LDADD)

# LJ38 minimisation benchmark (OptBench): not run by make check.
noinst_PROGRAMS += tests/bench/bench_lj38
tests_bench_bench_lj38_SOURCES = tests/bench/bench_lj38.c
tests_bench_bench_lj38_LDADD = src/libpesx-core.la $(PESX_LIBS)
