"""pesx from Python: ctypes bindings to the installed libpesx (no compiler).

    from pesx.ase import PesxCalculator
    atoms.calc = PesxCalculator(potential="potentials/agcu100.xml")

The library is found through $PESX_LIBRARY (a path to libpesx.so.0), then
the build tree this package sits in (src/.libs), then the loader's search
path.  Units are eV and Angstrom."""
from ._lib import Model, PesxError, element_z, element_symbol, version

__all__ = ["Model", "PesxError", "element_z", "element_symbol", "version"]
