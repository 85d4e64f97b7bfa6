# fit module: sources, Check suite, man pages

# training (loss, gradients, optimizers, committees; pesx fit)
src_libpesx_a_SOURCES += include/pesx/fit.h src/fit/fit_impl.h src/fit/model.c src/fit/set.c \
	src/fit/loss.c src/fit/refenergy.c src/fit/train.c
check_PROGRAMS += tests/check_fit
TESTS += tests/check_fit
tests_check_fit_SOURCES = tests/check_fit.c $(TESTUTIL)
tests_check_fit_CFLAGS = $(TEST_CFLAGS)
tests_check_fit_LDADD = $(TEST_LDADD)
