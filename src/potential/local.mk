# potential module: sources, Check suite, man pages
src_libpesx_a_SOURCES += include/pesx/potential.h \
	src/potential/potential_impl.h \
	src/potential/potential.c \
	src/potential/spec.c \
	src/potential/params.c \
	src/potential/registry.c \
	src/potential/pair.c \
	src/potential/lj.c \
	src/potential/morse.c \
	src/potential/muller_brown.c

check_PROGRAMS += tests/check_potential
TESTS += tests/check_potential
tests_check_potential_SOURCES = tests/check_potential.c $(TESTUTIL)
tests_check_potential_CFLAGS = $(TEST_CFLAGS)
tests_check_potential_LDADD = $(TEST_LDADD)

noinst_PROGRAMS += tests/bench/bench_lj
tests_bench_bench_lj_SOURCES = tests/bench/bench_lj.c
tests_bench_bench_lj_LDADD = src/libpesx.a $(PESX_LIBS)

dist_man_MANS += man/pesx-potential.5
