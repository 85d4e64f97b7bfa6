# potential module: sources, Check suite, man pages
src_libpesx_core_la_SOURCES += include/pesx/potential.h \
	src/potential/potential_impl.h \
	src/potential/potential.c \
	src/potential/spec.c \
	src/potential/params.c \
	src/potential/registry.c \
	src/potential/pair.c \
	src/potential/lj.c \
	src/potential/morse.c \
	src/potential/muller_brown.c \
	src/potential/emt.c
# ipi: pesx as the i-PI server (wire protocol, listening socket, the type)
src_libpesx_core_la_SOURCES += src/potential/ipi_impl.h src/potential/ipi_wire.c \
	src/potential/ipi_server.c src/potential/ipi.c
TESTS += tests/cli/ipi.sh
EXTRA_DIST += tests/cli/ipi.sh tests/ipi_client.py examples/ipi/ase_emt_client.py \
	examples/ipi/README.md tests/bench/bench_ipi.sh

check_PROGRAMS += tests/check_potential
TESTS += tests/check_potential
tests_check_potential_SOURCES = tests/check_potential.c $(TESTUTIL)
tests_check_potential_CFLAGS = $(TEST_CFLAGS)
tests_check_potential_LDADD = $(TEST_LDADD)

noinst_PROGRAMS += tests/bench/bench_lj
tests_bench_bench_lj_SOURCES = tests/bench/bench_lj.c
tests_bench_bench_lj_LDADD = src/libpesx-core.la $(PESX_LIBS)

dist_man_MANS += man/pesx-potential.5

# bpnn: Behler-Parrinello NN potential (descriptor + nn + potential.xml / n2p2)
src_libpesx_core_la_SOURCES += src/potential/bpnn_impl.h src/potential/bpnn.c \
	src/potential/bpnn_build.c src/potential/bpnn_eval.c
check_PROGRAMS += tests/check_bpnn
TESTS += tests/check_bpnn
tests_check_bpnn_SOURCES = tests/check_bpnn.c $(TESTUTIL)
tests_check_bpnn_CFLAGS = $(TEST_CFLAGS)
tests_check_bpnn_LDADD = $(TEST_LDADD)
noinst_PROGRAMS += tests/bench/bench_water
tests_bench_bench_water_SOURCES = tests/bench/bench_water.c
tests_bench_bench_water_LDADD = src/libpesx-core.la $(PESX_LIBS)

TESTS += tests/cli/potential.sh
EXTRA_DIST += tests/cli/potential.sh
# the SF conversion bpnn shares with the fit (potential_bpnn.h)
src_libpesx_core_la_SOURCES += include/pesx/potential_bpnn.h

# emt: against the EMT data sets (auAl100 in ../shared, examples/agcu100) and
# against ASE's EMT itself (/usr/bin/python3); bench_emt: pesx vs ASE per call
check_PROGRAMS += tests/check_emt
TESTS += tests/check_emt tests/cli/emt_ase.sh tests/cli/emt_neb.sh
EXTRA_DIST += tests/cli/emt_ase.sh tests/cli/emt_neb.sh tests/bench/bench_neb_mlneb.sh
tests_check_emt_SOURCES = tests/check_emt.c $(TESTUTIL)
tests_check_emt_CFLAGS = $(TEST_CFLAGS)
tests_check_emt_LDADD = $(TEST_LDADD)
noinst_PROGRAMS += tests/bench/bench_emt
tests_bench_bench_emt_SOURCES = tests/bench/bench_emt.c
tests_bench_bench_emt_LDADD = src/libpesx-core.la $(PESX_LIBS)
# reference methods: xtb (the xtb library, when configure found it) and ext
# (an external script per structure)
src_libpesx_core_la_SOURCES += src/potential/xtb.c src/potential/ext.c
if HAVE_XTB
AM_CPPFLAGS += $(XTB_CFLAGS)
PESX_LIBS += $(XTB_LIBS)
endif
# against the xtb command line; the ext failure modes
TESTS += tests/cli/xtb.sh tests/cli/ext.sh
EXTRA_DIST += tests/cli/xtb.sh tests/cli/ext.sh tests/data/ext/lj.py \
	tests/bench/bench_neb_hcn_xtb.sh
