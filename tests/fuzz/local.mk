# Fuzz harnesses of every input parser (issue 18; tests/fuzz/README.md).
# make check builds them with the normal compiler and replays every corpus
# and regression file through them (tests/fuzz/replay.sh); make fuzz builds
# them with afl-clang-fast in _fuzz/ and runs a short campaign per harness.
FUZZ_HARNESSES = xyz data_xml input_data potential_xml n2p2 spec mode
FUZZ_COMMON = tests/fuzz/fuzz.h tests/fuzz/fuzz_main.c tests/fuzz/fuzz_potential.c
FUZZ_LDADD = src/libpesx-core.la $(PESX_LIBS)
check_PROGRAMS += tests/fuzz/fuzz_xyz tests/fuzz/fuzz_data_xml tests/fuzz/fuzz_input_data \
	tests/fuzz/fuzz_potential_xml tests/fuzz/fuzz_n2p2 tests/fuzz/fuzz_spec tests/fuzz/fuzz_mode
tests_fuzz_fuzz_xyz_SOURCES = tests/fuzz/fuzz_xyz.c $(FUZZ_COMMON)
tests_fuzz_fuzz_xyz_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_data_xml_SOURCES = tests/fuzz/fuzz_data_xml.c $(FUZZ_COMMON)
tests_fuzz_fuzz_data_xml_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_input_data_SOURCES = tests/fuzz/fuzz_input_data.c $(FUZZ_COMMON)
tests_fuzz_fuzz_input_data_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_potential_xml_SOURCES = tests/fuzz/fuzz_potential_xml.c $(FUZZ_COMMON)
tests_fuzz_fuzz_potential_xml_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_n2p2_SOURCES = tests/fuzz/fuzz_n2p2.c $(FUZZ_COMMON)
tests_fuzz_fuzz_n2p2_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_spec_SOURCES = tests/fuzz/fuzz_spec.c $(FUZZ_COMMON)
tests_fuzz_fuzz_spec_LDADD = $(FUZZ_LDADD)
tests_fuzz_fuzz_mode_SOURCES = tests/fuzz/fuzz_mode.c $(FUZZ_COMMON)
tests_fuzz_fuzz_mode_LDADD = $(FUZZ_LDADD)
TESTS += tests/fuzz/replay.sh
EXTRA_DIST += tests/fuzz/README.md tests/fuzz/replay.sh tests/fuzz/run.sh tests/fuzz/seeds.sh \
	tests/fuzz/corpus tests/fuzz/regress

fuzz: distdir
	FUZZ_HARNESSES='$(FUZZ_HARNESSES)' FUZZ_SECONDS='$(FUZZ_SECONDS)' \
	  $(SHELL) $(srcdir)/tests/fuzz/run.sh '$(distdir)' '$(abs_top_builddir)/_fuzz'
.PHONY: fuzz
