# The KIM model driver and its model template, installed as sources under
# $(pkgdatadir)/kim: kim-api-collections-management builds them (with cmake)
# against the installed libpesx when kim/install.sh runs (pesx-kim(7)).
nobase_dist_pkgdata_DATA += kim/pesx_driver/CMakeLists.txt kim/pesx_driver/pesx_driver.c \
	kim/model/CMakeLists.txt
nobase_dist_pkgdata_SCRIPTS = kim/install.sh
TESTS += tests/cli/kim.sh
EXTRA_DIST += tests/cli/kim.sh

# make kim-install: the driver and the shipped potentials into the user's
# KIM collection, after make install (pesx.pc from $(libdir)/pkgconfig).
kim-install:
	PKG_CONFIG_PATH='$(libdir)/pkgconfig':$${PKG_CONFIG_PATH} \
	  '$(pkgdatadir)/kim/install.sh' -c $${KIM_COLLECTION:-user}
.PHONY: kim-install
