# io module (layer 2): files in and out; the only user of libxml2.

# ---- (extended) XYZ ----
src_libpesx_core_la_SOURCES += include/pesx/io.h \
	src/io/frame.c src/io/xyz_impl.h src/io/xyz_comment.c src/io/xyz_header.c src/io/xyz_number.c \
	src/io/xyz_read.c src/io/xyz_write.c src/io/xml_escape.c \
	src/io/mode_file.c

# the format as pesx reads and writes it
dist_man_MANS += man/pesx-xyz.5

# ---- Check suite of the XYZ part (tests/check_io.c) ----
check_PROGRAMS += tests/check_io
TESTS += tests/check_io
tests_check_io_SOURCES = tests/check_io.c $(TESTUTIL)
tests_check_io_CFLAGS = $(TEST_CFLAGS)
tests_check_io_LDADD = $(TEST_LDADD)

# ---- XYZ test data and the ASE compatibility test ----
# tests/data/xyz: bad-input fixtures and files written by ASE 3.22
# (make_ase_fixture.py regenerates those).
EXTRA_DIST += tests/data/xyz
# xyz_copy runs the reader and writer for the script (no CLI needed).
check_PROGRAMS += tests/xyz_copy
tests_xyz_copy_SOURCES = tests/xyz_copy.c
tests_xyz_copy_LDADD = src/libpesx-core.la $(PESX_LIBS)
TESTS += tests/cli/xyz_ase.sh
EXTRA_DIST += tests/cli/xyz_ase.sh
# XYZ read/write throughput (not run by make check)
noinst_PROGRAMS += tests/bench/bench_xyz
tests_bench_bench_xyz_SOURCES = tests/bench/bench_xyz.c
tests_bench_bench_xyz_LDADD = src/libpesx-core.la $(PESX_LIBS)

# ---- n2p2 / RuNNer potential directories and input.data structures (BP engine) ----
src_libpesx_core_la_SOURCES += include/pesx/io_n2p2.h src/io/n2p2_impl.h src/io/n2p2_util.c \
	src/io/n2p2_potential.c src/io/n2p2_structure.c

# ---- potential.xml (plain-data pesx_potential_file, reader, writer) ----
src_libpesx_core_la_SOURCES += include/pesx/io_potential.h src/io/potential_file_impl.h \
	src/io/potential_file.c src/io/potential_xml_read.c src/io/potential_xml_write.c
check_PROGRAMS += tests/check_io_potential
TESTS += tests/check_io_potential
tests_check_io_potential_SOURCES = tests/check_io_potential.c $(TESTUTIL)
tests_check_io_potential_CFLAGS = $(TEST_CFLAGS)
tests_check_io_potential_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/data/potential
# (its format is documented in man/pesx-potential.5, listed by src/potential/local.mk)

# ---- training data sets (fit, issue 4): data.xml streaming reader/writer,
# extended XYZ and n2p2 input.data as data sets ----
src_libpesx_core_la_SOURCES += include/pesx/io_dataset.h src/io/dataset_impl.h src/io/dataset.c \
	src/io/dataset_xml_read.c src/io/dataset_xml_write.c src/io/dataset_formats.c \
	src/io/dataset_xyz.c src/io/dataset_n2p2.c src/io/n2p2_settings.c \
	src/io/dataset_checksum.c src/io/sha256.c src/io/sha256_impl.h
check_PROGRAMS += tests/check_dataset
TESTS += tests/check_dataset
tests_check_dataset_SOURCES = tests/check_dataset.c $(TESTUTIL)
tests_check_dataset_CFLAGS = $(TEST_CFLAGS)
tests_check_dataset_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/data/dataset
# pesx convert for data sets (data.xml <-> extended XYZ <-> n2p2 input.data);
# the command itself is src/cmd/convert.c (listed by src/cmd/local.mk)
pesx_SOURCES += src/cmd/convert_data.c src/cmd/convert.h
dist_man_MANS += man/pesx-data.5
TESTS += tests/cli/convert_data.sh
EXTRA_DIST += tests/cli/convert_data.sh
