# io module (layer 2): files in and out; the only user of libxml2.

# (extended) XYZ
src_libpesx_a_SOURCES += include/pesx/io.h \
	src/io/frame.c src/io/xyz_impl.h src/io/xyz_comment.c \
	src/io/xyz_read.c src/io/xyz_write.c

# Check suite (one program for the module)
check_PROGRAMS += tests/check_io
TESTS += tests/check_io
tests_check_io_SOURCES = tests/check_io.c $(TESTUTIL)
tests_check_io_CFLAGS = $(TEST_CFLAGS)
tests_check_io_LDADD = $(TEST_LDADD)

# XYZ test data: bad-input fixtures and files written by ASE
EXTRA_DIST += $(IO_XYZ_FIXTURES)
IO_XYZ_FIXTURES =
