# Repository-wide tests: layering, CLI scripts
TESTS += tests/check-layering.sh
EXTRA_DIST += tests/check-layering.sh
