# Repository-wide tests: layering, CLI scripts
TESTS += tests/check-layering.sh
EXTRA_DIST += tests/check-layering.sh
TESTS += tests/cli/synopsis.sh tests/cli/manlint.sh
EXTRA_DIST += tests/cli/synopsis.sh tests/cli/manlint.sh
# The tutorial page (issue 7)
dist_man_MANS += man/pesx-workflow.7
