# cmd layer (7): one file per subcommand; linked into the pesx binary only.
AM_CPPFLAGS += -DPESX_SRCMANDIR='"$(abs_top_srcdir)/man"'
pesx_SOURCES += src/cmd/common.c src/cmd/help.c
dist_man_MANS += man/pesx.1 man/pesx-help.1 man/pesx-eval.1 man/pesx-opt.1
pesx_SOURCES += src/cmd/inputs.c src/cmd/eval.c src/cmd/opt.c
TESTS += tests/cli/eval.sh tests/cli/opt.sh
EXTRA_DIST += tests/cli/lib.sh tests/cli/eval.sh tests/cli/opt.sh
# pesx convert (BP engine, issue 3): n2p2/RuNNer directories and potential.xml
# files into one potential.xml (several inputs: a committee)
pesx_SOURCES += src/cmd/convert.c
dist_man_MANS += man/pesx-convert.1
TESTS += tests/cli/convert.sh
EXTRA_DIST += tests/cli/convert.sh
# pesx neb superposes a free molecule's product on its reactant (--no-align);
# LJ7 minima shared with tests/cli/saddle_align.sh
TESTS += tests/cli/neb_align.sh
EXTRA_DIST += tests/cli/neb_align.sh tests/data/lj7/README.md tests/data/lj7/bipyramid.xyz \
	tests/data/lj7/octahedron.xyz
# Output files: atomic replacement of regular files only (issue 12)
TESTS += tests/cli/output.sh
EXTRA_DIST += tests/cli/output.sh
# What a new user meets first (issue 12): outputs checked before any work,
# stdout outputs, eval on data sets with error statistics, --fix and slabs
TESTS += tests/cli/first_hour.sh
EXTRA_DIST += tests/cli/first_hour.sh
