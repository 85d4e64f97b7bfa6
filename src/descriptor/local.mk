# descriptor module: sources, Check suite, man pages
src_libpesx_core_la_SOURCES += src/descriptor/cutoff.c src/descriptor/sftype.c \
	src/descriptor/descriptor.c src/descriptor/workspace.c src/descriptor/compute.c \
	src/descriptor/scaling.c src/descriptor/eval_all.c \
	src/descriptor/descriptor_impl.h src/descriptor/compute_impl.h include/pesx/descriptor.h
check_PROGRAMS += tests/check_descriptor
TESTS += tests/check_descriptor
tests_check_descriptor_SOURCES = tests/check_descriptor.c $(TESTUTIL)
tests_check_descriptor_CFLAGS = $(TEST_CFLAGS)
tests_check_descriptor_LDADD = $(TEST_LDADD)

# The vectorised angular kernels need sqrt without errno and if-converted
# comparisons, flags that only work on the command line: a convenience
# library linked into the core library.
noinst_LTLIBRARIES += src/descriptor/libsimd.la
src_descriptor_libsimd_la_SOURCES = src/descriptor/angular_fast.c
src_descriptor_libsimd_la_CFLAGS = $(AM_CFLAGS) -fno-math-errno -fno-trapping-math
src_libpesx_core_la_LIBADD = src/descriptor/libsimd.la
