#!/bin/sh
# Install pesx_driver, the KIM model driver, and potentials as KIM portable
# models, with kim-api-collections-management (libkim-api-dev):
#
#   kim/install.sh [-c COLLECTION] [NAME=POTENTIAL.xml ...]
#
# COLLECTION is user (the default), system or environment (the first
# directory of $KIM_API_MODEL_DRIVERS_DIR and $KIM_API_PORTABLE_MODELS_DIR).
# Without NAME=FILE it installs the driver and the shipped potentials as
# pesx_agcu100 and pesx_ch3nc.  The driver links the installed libpesx,
# found with pkg-config pesx (set PKG_CONFIG_PATH for a private prefix).
# An item already installed is refused: kim-api-collections-management
# remove NAME first.  A model NAME must be a C identifier; LAMMPS then runs it with
#   kim init NAME metal
#   kim interactions Cu Ag
set -e
here=$(cd "$(dirname "$0")" && pwd)
collection=user
if [ "$1" = -c ]; then collection=$2; shift 2; fi
command -v kim-api-collections-management >/dev/null 2>&1 ||
    { echo "kim/install.sh: error: kim-api-collections-management not found (Debian: apt-get install libkim-api-dev)" >&2; exit 2; }
pkg-config --exists pesx ||
    { echo "kim/install.sh: error: pkg-config finds no pesx: make install first, or set PKG_CONFIG_PATH" >&2; exit 2; }
if [ $# -eq 0 ]; then
    potentials=$(pkg-config --variable=prefix pesx)/share/pesx/potentials
    [ -d "$potentials" ] || potentials=$here/../potentials
    set -- "pesx_agcu100=$potentials/agcu100.xml" "pesx_ch3nc=$potentials/ch3nc.xml"
fi
for model in "$@"; do
    case $model in *=*) ;; *) echo "kim/install.sh: error: $model: expected NAME=POTENTIAL.xml" >&2; exit 2 ;; esac
    file=${model#*=}
    [ -r "$file" ] || { echo "kim/install.sh: error: $file: cannot read" >&2; exit 2; }
done
kim-api-collections-management install "$collection" "$here/pesx_driver"
for model in "$@"; do
    name=${model%%=*} file=$(cd "$(dirname "${model#*=}")" && pwd)/$(basename "${model#*=}")
    PESX_KIM_NAME=$name PESX_KIM_POTENTIAL=$file \
        kim-api-collections-management install "$collection" "$here/model"
done
