# learn module (issue 13): the learning loop, its surrogate (a Gaussian
# process with gradient observations) and the surrogate as a potential
src_libpesx_core_la_SOURCES += include/pesx/learn.h src/learn/learn_impl.h src/learn/gp.c \
	src/learn/surrogate.c src/learn/learn.c
TESTS += tests/cli/neb_learn.sh
EXTRA_DIST += tests/cli/neb_learn.sh tests/bench/bench_neb_learn.sh
