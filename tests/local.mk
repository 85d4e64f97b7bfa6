# Repository-wide tests: layering, CLI scripts
TESTS += tests/check-layering.sh
EXTRA_DIST += tests/check-layering.sh
TESTS += tests/cli/synopsis.sh tests/cli/manlint.sh
EXTRA_DIST += tests/cli/synopsis.sh tests/cli/manlint.sh
# The tutorial page (issue 7)
dist_man_MANS += man/pesx-workflow.7
# End to end (issue 7): pesx fit -> neb -> saddle on a reduced examples/agcu100
TESTS += tests/cli/e2e.sh
EXTRA_DIST += tests/cli/e2e.sh
# The examples: data, the scripts that made it, READMEs
EXTRA_DIST += examples/lj13/README.md examples/lj13/make_start.py examples/lj13/start.xyz \
	examples/agcu100/README.md examples/agcu100/make_data.py examples/agcu100/reference.txt \
	examples/agcu100/reactant.xyz examples/agcu100/product.xyz \
	examples/agcu100/train.xml examples/agcu100/test.xml \
	examples/ch3nc/README.md examples/ch3nc/make_data.py examples/ch3nc/reference.txt \
	examples/ch3nc/reactant.xyz examples/ch3nc/product.xyz examples/ch3nc/guess.xyz \
	examples/ch3nc/saddle.xyz examples/ch3nc/train.xml examples/ch3nc/test.xml
# The potentials fitted to the examples, installed under $(pkgdatadir)/potentials
# and usable by name (-p agcu100); each with its README
nobase_dist_pkgdata_DATA += potentials/agcu100.xml potentials/agcu100.md \
	potentials/ch3nc.xml potentials/ch3nc.md
# They load by name and give their example's barrier
TESTS += tests/cli/shipped.sh
EXTRA_DIST += tests/cli/shipped.sh
# The Kalman filter gives the same fit with any OMP_NUM_THREADS (issue 17)
TESTS += tests/cli/fit_threads.sh
EXTRA_DIST += tests/cli/fit_threads.sh
