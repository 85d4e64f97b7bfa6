# structure module (layer 1): atoms, cell algebra, cell-list neighbour list
src_libpesx_a_SOURCES += include/pesx/structure.h \
	src/structure/atoms.c src/structure/cell.c src/structure/nlist.c

check_PROGRAMS += tests/check_structure
TESTS += tests/check_structure
tests_check_structure_SOURCES = tests/check_structure.c $(TESTUTIL)
tests_check_structure_CFLAGS = $(TEST_CFLAGS)
tests_check_structure_LDADD = $(TEST_LDADD)

noinst_PROGRAMS += tests/bench/bench_nlist
tests_bench_bench_nlist_SOURCES = tests/bench/bench_nlist.c
tests_bench_bench_nlist_LDADD = src/libpesx.a $(PESX_LIBS)
