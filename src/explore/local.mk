# explore module (issue 14): identity of saddles and minima
src_libpesx_core_la_SOURCES += include/pesx/explore.h src/explore/identity.c \
	src/explore/assign.c src/explore/explore_impl.h
check_PROGRAMS += tests/check_explore
TESTS += tests/check_explore
tests_check_explore_SOURCES = tests/check_explore.c $(TESTUTIL)
tests_check_explore_CFLAGS = $(TEST_CFLAGS)
tests_check_explore_LDADD = $(TEST_LDADD)
