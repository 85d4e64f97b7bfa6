# structure module (layer 1): atoms, cell algebra, cell-list neighbour list
src_libpesx_core_la_SOURCES += include/pesx/structure.h \
	src/structure/atoms.c src/structure/cell.c src/structure/nlist.c \
	src/structure/select.c src/structure/vacuum.c

check_PROGRAMS += tests/check_structure
TESTS += tests/check_structure
tests_check_structure_SOURCES = tests/check_structure.c $(TESTUTIL)
tests_check_structure_CFLAGS = $(TEST_CFLAGS)
tests_check_structure_LDADD = $(TEST_LDADD)

noinst_PROGRAMS += tests/bench/bench_nlist
tests_bench_bench_nlist_SOURCES = tests/bench/bench_nlist.c
tests_bench_bench_nlist_LDADD = src/libpesx-core.la $(PESX_LIBS)

# Comparing two configurations: Kabsch superposition of free molecules,
# minimum image otherwise (used by pesx saddle's connection check)
src_libpesx_core_la_SOURCES += include/pesx/structure_align.h src/structure/align.c
check_PROGRAMS += tests/check_align
TESTS += tests/check_align
tests_check_align_SOURCES = tests/check_align.c $(TESTUTIL)
tests_check_align_CFLAGS = $(TEST_CFLAGS)
tests_check_align_LDADD = $(TEST_LDADD)
# pesx saddle's connection check on a free LJ7 cluster given in other orientations
TESTS += tests/cli/saddle_align.sh
EXTRA_DIST += tests/cli/saddle_align.sh
