"""The flat pesx_api_* C functions of <pesx/api.h> as a Model class."""
import ctypes
import os

import numpy as np


class PesxError(RuntimeError):
    """A pesx_api_* call failed; the message is pesx_api_error()."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


def _load():
    names = []
    if os.environ.get("PESX_LIBRARY"):
        names.append(os.environ["PESX_LIBRARY"])
    here = os.path.dirname(os.path.abspath(__file__))
    names.append(os.path.join(here, "..", "..", "src", ".libs", "libpesx.so.0"))
    names.append("libpesx.so.0")
    errors = []
    for name in names:
        if name != "libpesx.so.0" and not os.path.exists(name):
            continue
        try:
            return ctypes.CDLL(name)
        except OSError as e:
            errors.append(str(e))
    raise ImportError("pesx: cannot load libpesx.so.0 (set PESX_LIBRARY): "
                      + "; ".join(errors))


_lib = _load()
_dp = ctypes.POINTER(ctypes.c_double)
_ip = ctypes.POINTER(ctypes.c_int)
_lib.pesx_api_version.restype = ctypes.c_int
_lib.pesx_api_open.restype = ctypes.c_void_p
_lib.pesx_api_open.argtypes = [ctypes.c_char_p]
_lib.pesx_api_close.argtypes = [ctypes.c_void_p]
_lib.pesx_api_spec.restype = ctypes.c_char_p
_lib.pesx_api_spec.argtypes = [ctypes.c_void_p]
_lib.pesx_api_cutoff.restype = ctypes.c_double
_lib.pesx_api_cutoff.argtypes = [ctypes.c_void_p]
_lib.pesx_api_n_members.restype = ctypes.c_size_t
_lib.pesx_api_n_members.argtypes = [ctypes.c_void_p]
_lib.pesx_api_calls.restype = ctypes.c_size_t
_lib.pesx_api_calls.argtypes = [ctypes.c_void_p]
_lib.pesx_api_supports.restype = ctypes.c_int
_lib.pesx_api_supports.argtypes = [ctypes.c_void_p, ctypes.c_int]
_lib.pesx_api_eval.restype = ctypes.c_int
_lib.pesx_api_eval.argtypes = [ctypes.c_void_p, ctypes.c_size_t, _ip, _dp, _dp, _ip,
                               _dp, _dp, _dp, _dp, _dp, _dp, _ip]
_lib.pesx_api_stress.restype = ctypes.c_int
_lib.pesx_api_stress.argtypes = [ctypes.c_void_p, ctypes.c_size_t, _ip, _dp, _dp, _dp]
_lib.pesx_api_element_z.restype = ctypes.c_int
_lib.pesx_api_element_z.argtypes = [ctypes.c_char_p]
_lib.pesx_api_element_symbol.restype = ctypes.c_char_p
_lib.pesx_api_element_symbol.argtypes = [ctypes.c_int]
_lib.pesx_api_error.restype = ctypes.c_char_p
_lib.pesx_api_error_code.restype = ctypes.c_int


def _raise():
    raise PesxError(_lib.pesx_api_error().decode(), _lib.pesx_api_error_code())


def version():
    """The C API version (PESX_API_VERSION)."""
    return _lib.pesx_api_version()


def element_z(symbol):
    return _lib.pesx_api_element_z(symbol.encode())


def element_symbol(z):
    s = _lib.pesx_api_element_symbol(int(z))
    return s.decode() if s is not None else None


def _ptr(a, kind):
    return a.ctypes.data_as(kind) if a is not None else None


class Model:
    """A potential opened by its -p spec (a file, "emt", "xtb", ...)."""

    def __init__(self, spec):
        self._m = _lib.pesx_api_open(spec.encode())
        if not self._m:
            _raise()

    def close(self):
        if self._m:
            _lib.pesx_api_close(self._m)
            self._m = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def spec(self):
        return _lib.pesx_api_spec(self._m).decode()

    @property
    def cutoff(self):
        return _lib.pesx_api_cutoff(self._m)

    @property
    def n_members(self):
        return _lib.pesx_api_n_members(self._m)

    @property
    def calls(self):
        return _lib.pesx_api_calls(self._m)

    def supports(self, z):
        return bool(_lib.pesx_api_supports(self._m, int(z)))

    @staticmethod
    def _structure(numbers, positions, cell, pbc):
        z = np.ascontiguousarray(numbers, dtype=np.intc)
        x = np.ascontiguousarray(positions, dtype=np.float64).reshape(-1)
        if x.size != 3 * z.size:
            raise ValueError("positions must be an (n, 3) array for n numbers")
        c = None if cell is None else np.ascontiguousarray(cell, dtype=np.float64).reshape(9)
        p = None if pbc is None else np.ascontiguousarray(np.broadcast_to(pbc, 3), dtype=np.intc)
        return z, x, c, p

    def eval(self, numbers, positions, cell=None, pbc=None):
        """A dict of energy, forces (n, 3), energies (n,), energy_std,
        forces_std (n, 3), member_energies (n_members; 0, 0 and the energy
        for a single potential) and extrapolating (n booleans: the atom's
        descriptors leave the training range)."""
        z, x, c, p = self._structure(numbers, positions, cell, pbc)
        n = z.size
        e = np.zeros(1)
        f = np.zeros((n, 3))
        ea = np.zeros(n)
        k = self.n_members
        estd = np.zeros(1)
        fstd = np.zeros((n, 3))
        members = np.zeros(k)
        extra = np.zeros(n, dtype=np.intc)
        if _lib.pesx_api_eval(self._m, n, _ptr(z, _ip), _ptr(x, _dp), _ptr(c, _dp),
                              _ptr(p, _ip), _ptr(e, _dp), _ptr(f, _dp), _ptr(ea, _dp),
                              _ptr(estd, _dp), _ptr(fstd, _dp), _ptr(members, _dp),
                              _ptr(extra, _ip)):
            _raise()
        return {"energy": float(e[0]), "forces": f, "energies": ea,
                "energy_std": float(estd[0]), "forces_std": fstd,
                "member_energies": members, "extrapolating": extra.astype(bool)}

    def stress(self, numbers, positions, cell):
        """The 3x3 stress in eV/Angstrom^3 (ASE's sign); all-periodic only."""
        z, x, c, _ = self._structure(numbers, positions, cell, None)
        s = np.zeros(9)
        if _lib.pesx_api_stress(self._m, z.size, _ptr(z, _ip), _ptr(x, _dp), _ptr(c, _dp),
                                _ptr(s, _dp)):
            _raise()
        return s.reshape(3, 3)
