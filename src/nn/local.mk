# nn module: sources, Check suite, man pages
src_libpesx_core_la_SOURCES += src/nn/activation.c src/nn/network.c src/nn/dense.c \
	src/nn/nn_impl.h include/pesx/nn.h
check_PROGRAMS += tests/check_nn
TESTS += tests/check_nn
tests_check_nn_SOURCES = tests/check_nn.c $(TESTUTIL)
tests_check_nn_CFLAGS = $(TEST_CFLAGS)
tests_check_nn_LDADD = $(TEST_LDADD)
noinst_PROGRAMS += tests/bench/bench_nn
tests_bench_bench_nn_SOURCES = tests/bench/bench_nn.c
tests_bench_bench_nn_LDADD = src/libpesx-core.la $(PESX_LIBS)
