# api module (layer 7): the flat, stable entry point of the installed
# libpesx (include/pesx/api.h is the one installed header), its Check suite,
# its man page and pesx.pc
src_libpesx_core_la_SOURCES += include/pesx/api.h src/api/api_impl.h \
	src/api/model.c src/api/stress.c src/api/error.c

# The shared library: the same objects as pesx, exporting only pesx_api_*.
# -version-info: bump current (and the soname) when api.h breaks.
lib_LTLIBRARIES = src/libpesx.la
src_libpesx_la_SOURCES =
src_libpesx_la_LIBADD = src/libpesx-core.la $(PESX_LIBS)
src_libpesx_la_LDFLAGS = $(AM_LDFLAGS) -version-info 0:0:0 -export-symbols-regex '^pesx_api_' -no-undefined
pkginclude_HEADERS = include/pesx/api.h
pkgconfig_DATA = src/api/pesx.pc

check_PROGRAMS += tests/check_api
TESTS += tests/check_api
tests_check_api_SOURCES = tests/check_api.c $(TESTUTIL)
tests_check_api_CFLAGS = $(TEST_CFLAGS)
tests_check_api_LDADD = $(TEST_LDADD)

dist_man_MANS += man/pesx_api.3

# The example, built against a make install DESTDIR copy (tests/cli/embed.sh)
TESTS += tests/cli/embed.sh
EXTRA_DIST += tests/cli/embed.sh examples/embed/energy.c examples/embed/Makefile \
	examples/embed/README.md
AM_TESTS_ENVIRONMENT += CC='$(CC)'; export CC; MAKE='$(MAKE)'; export MAKE;

# The Python package (ctypes on libpesx.so.0; no compiler), installed where
# Debian's python3 finds it for the prefix (/usr/local/lib/python3/dist-packages).
pesxpythondir = $(prefix)/lib/python3/dist-packages/pesx
dist_pesxpython_DATA = python/pesx/__init__.py python/pesx/_lib.py python/pesx/ase.py
TESTS += tests/cli/python_ase.sh
EXTRA_DIST += tests/cli/python_ase.sh
