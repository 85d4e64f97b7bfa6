# util module (layer 0): errors, logging, progress, units, elements, parsing
src_libpesx_core_la_SOURCES += include/pesx/util.h \
	src/util/error.c src/util/log.c src/util/progress.c src/util/elements.c \
	src/util/atomic_file.c src/util/parse.c src/util/rng.c src/util/array.c

check_PROGRAMS += tests/check_util
TESTS += tests/check_util
tests_check_util_SOURCES = tests/check_util.c $(TESTUTIL)
tests_check_util_CFLAGS = $(TEST_CFLAGS)
tests_check_util_LDADD = $(TEST_LDADD)
