# cmd layer (7): one file per subcommand; linked into the pesx binary only.
AM_CPPFLAGS += -DPESX_SRCMANDIR='"$(abs_top_srcdir)/man"'
pesx_SOURCES += src/cmd/common.c src/cmd/help.c
dist_man_MANS += man/pesx.1 man/pesx-help.1 man/pesx-eval.1 man/pesx-opt.1
