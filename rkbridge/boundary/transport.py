"""The array transport between R and the engine (CONVENTIONS.md section 1).

R -> engine: the R package lends an R vector to the engine (`rk_lend()` in src/transport.c:
the vector is preserved and marked not mutable) and hands over its data's address, its own
address, its `dim()` and its type. `from_r()` wraps that memory as a read-only NumPy view in
Fortran (column-major) order, so `x[i, j, ...]` in R is `view[i-1, j-1, ...]` here and no
element is copied or transposed. Ownership is structural: every view's base is an `RMemory`
that holds the loan, and when NumPy frees the last array made from it the R vector is
released (on R's thread: `release_pending()` runs at each engine call). Anything the engine
keeps (a layer's argument, a cached tensor) therefore keeps the R vector alive, and a garbage
collection at any point never changes a result.

Engine -> R: `to_r_info()` tells R which vector type and `dim()` to allocate; R allocates
uninitialised memory and `to_r_fill()` writes into it with a single NumPy copy (casting and
reordering in one pass). Neither direction loops over elements in Python.

Reordering between R's column-major layout and the row-major arrays Keras wants is done by
`array_order.copy_reordered()`, in parallel slabs for large arrays.
"""
from __future__ import annotations

import ctypes
import math
import threading
from typing import Any, Iterator, Sequence

import numpy as np

from ..array_order import copy_reordered
from ..values import Record

R_NA_INTEGER = -(2**31)

_R_TYPES: dict[str, tuple[Any, Any]] = {
    "double": (ctypes.c_double, np.float64),
    "integer": (ctypes.c_int32, np.int32),
    "logical": (ctypes.c_int32, np.int32),
    "raw": (ctypes.c_uint8, np.uint8),
}


def _view(addr: float, dims: tuple[int, ...], kind: str) -> np.ndarray:
    """A column-major view of memory at `addr` (R's freshly allocated result vectors)."""
    ctype, dtype = _R_TYPES[kind]
    n = math.prod(dims)
    if n == 0:
        return np.empty(dims, dtype=dtype, order="F")
    buf = (ctype * n).from_address(int(addr))
    arr = np.frombuffer(buf, dtype=dtype).reshape(dims, order="F")
    arr.flags.writeable = False
    return arr


# -- loans of R memory --------------------------------------------------------------------

_release: Any = None          # R_ReleaseObject, as a ctypes function (set by R: set_release)
_r_thread: int | None = None  # the thread that runs R: the only one that may release
_pending: list[int] = []      # vectors whose last view died, waiting for R's thread
_pending_lock = threading.Lock()


def set_release(address: float) -> None:
    """Called once by the R package (on R's thread) with the address of R_ReleaseObject."""
    global _release, _r_thread
    _release = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(int(address))
    _r_thread = threading.get_ident()


def release_pending() -> int:
    """End the loans whose views are gone; a no-op off R's thread. Returns how many."""
    if _release is None or threading.get_ident() != _r_thread or not _pending:
        return 0
    with _pending_lock:
        done, _pending[:] = list(_pending), []
    for sexp in done:
        _release(sexp)
    return len(done)


def loans_pending() -> int:
    """How many R vectors are waiting to be released (for tests)."""
    return len(_pending)


_alive = [0]  # loans whose RMemory still lives


def loans_alive() -> int:
    """How many R vectors the engine still views (for tests)."""
    return _alive[0]


class RMemory:
    """The loan of one R vector's memory: the base object of every array viewing it.

    NumPy keeps an array's base alive as long as the array or any view of it lives, so the
    R vector is released exactly when nothing in the engine can read it any more."""

    __slots__ = ("__array_interface__", "_sexp", "__weakref__")

    def __init__(self, data: float, sexp: float, shape: tuple[int, ...], kind: str):
        self._sexp = int(sexp)
        with _pending_lock:
            _alive[0] += 1
        dtype = np.dtype(_R_TYPES[kind][1])
        strides, step = [], dtype.itemsize
        for d in shape:  # column-major
            strides.append(step)
            step *= max(d, 1)
        self.__array_interface__ = {
            "shape": shape, "typestr": dtype.str, "strides": tuple(strides),
            "data": (int(data), True), "version": 3}

    def __del__(self) -> None:
        if self._sexp:
            with _pending_lock:
                _pending.append(self._sexp)
                _alive[0] -= 1
            self._sexp = 0


def lent_view(data: float, sexp: float, dims: tuple[int, ...], kind: str) -> np.ndarray:
    """A read-only column-major array on a lent R vector; it holds the loan."""
    memory = RMemory(data, sexp, dims, kind)  # first: from here on the loan is tracked
    if math.prod(dims) == 0:
        return np.empty(dims, dtype=_R_TYPES[kind][1], order="F")
    arr = np.asarray(memory)
    arr.flags.writeable = False
    return arr


def from_r(addr: float, sexp: float, dims: Sequence[float], kind: str) -> np.ndarray:
    """Wrap a lent R vector's memory as an array of shape `dims` with R's index meaning.

    Doubles are a zero-copy view. Integers are a view unless they hold NA, which becomes NaN
    in a float64 copy; logicals become bool (NA: NaN in float64), which needs a copy.
    """
    shape = tuple(int(d) for d in dims)
    arr = lent_view(addr, sexp, shape, kind)
    if kind in ("double", "raw"):
        return arr
    na = arr == R_NA_INTEGER
    if na.any():
        out = arr.astype(np.float64, order="F")
        out[na] = np.nan
        return out
    if kind == "logical":
        return arr != 0
    return arr


class ArrayBox:
    """An engine array on its way to R. R copies it out and the box then lets go of it, so
    its memory returns at once: a reticulate handle is tiny to R's garbage collector, which
    would otherwise keep large dead arrays alive for many calls (and slow everything down)."""

    __slots__ = ("array",)

    def __init__(self, array: Any):
        self.array: Any = array


# The kinds of R vectors by the codes R sends with a loan (R/call.R, rk_call()) and that
# inline() writes; src/transport.c uses the same codes.
KIND_CODES = {1: "double", 2: "integer", 3: "logical", 4: "raw"}
_CODE_OF = {v: k for k, v in KIND_CODES.items()}


def unpack_loans(flat: Any) -> list[tuple[float, float, str, list[int]]]:
    """R's flat loan list -> (data address, vector address, kind, dims) per loan."""
    flat = [flat] if isinstance(flat, (int, float)) else list(flat)
    out, i = [], 0
    while i < len(flat):
        data, sexp, code, nd = flat[i:i + 4]
        dims = [int(d) for d in flat[i + 4:i + 4 + int(nd)]]
        out.append((data, sexp, KIND_CODES[int(code)], dims))
        i += 4 + int(nd)
    return out


# Numeric arrays up to this many elements travel inline (see inline()).
INLINE_MAX_ELEMENTS = 4096
_MAGIC = b"RKA1"


def inline(arr: np.ndarray) -> bytearray | None:
    """A small numeric array as one bytearray: "RKA1", the kind's code and the number of dims
    (int32 each), the dims (int32), then the elements in R's type and column-major order
    (at an offset that is a multiple of 8). reticulate (every version) hands R a bytearray
    as a raw vector, with nothing else to convert, for `rk_from_raw()` (src/transport.c) to
    copy out. This spares R the two calls into Python of a box (`to_r_info()`,
    `to_r_fill()`), which cost more than a small array's copy. It cannot be mistaken for a
    result: results reach R with every bytes object boxed, so a raw vector in a converted
    result is always this. None when `arr` does not qualify."""
    if arr.size > INLINE_MAX_ELEMENTS or arr.dtype.kind not in "biuf":
        return None
    kind = _r_kind(arr)
    dtype = np.dtype(_R_TYPES[kind][1])
    head = np.array([_CODE_OF[kind], arr.ndim, *arr.shape], dtype=np.int32)
    start = -(-(4 + head.nbytes) // 8) * 8
    data = bytearray(start + arr.size * dtype.itemsize)
    data[:4] = _MAGIC
    data[4:4 + head.nbytes] = head.tobytes()
    out = np.frombuffer(data, dtype=dtype, offset=start).reshape(arr.shape, order="F")
    np.copyto(out, arr, casting="unsafe")  # what to_r_fill() does, straight into the bytes
    return data


def box_arrays(x: Any) -> Any:
    """Box the arrays, bytes and NumPy scalars of a result (also inside the lists, tuples and
    dicts R converts), so that they reach R only through this transport, whatever
    reticulate's version would make of them (1.28 cannot convert NumPy 2 arrays; 1.4x would
    convert them itself, with copies of its own, and bytes to integers). Small numeric
    arrays go inline instead (`inline()`). A `Record` leaves as the dict of its fields, so
    that R needs no further call to read it."""
    if isinstance(x, Record):
        return box_arrays(x.fields())
    if isinstance(x, (np.ndarray, np.generic)):
        small = inline(np.asarray(x))
        return ArrayBox(x) if small is None else small
    if isinstance(x, (bytes, bytearray)):
        return ArrayBox(x)
    if type(x) is list:
        return [box_arrays(i) for i in x]
    if type(x) is tuple:
        return tuple(box_arrays(i) for i in x)
    if type(x) is dict:
        return {k: box_arrays(v) for k, v in x.items()}
    return x


def boxed_items(it: Any) -> Iterator[Any]:
    """The items of a Python iterable, each boxed as a result is (`box_arrays()`), for R to
    convert through this transport as it iterates: reticulate 1.28 would hand NumPy 2 arrays
    over unconverted."""
    return (box_arrays(item) for item in it)


def _result_array(x: Any) -> np.ndarray | None:
    if isinstance(x, ArrayBox):
        x = x.array
    if isinstance(x, (bytes, bytearray)):
        return np.frombuffer(x, dtype=np.uint8)
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "numpy") and hasattr(x, "dtype") and hasattr(x, "shape"):
        try:
            return np.asarray(x.numpy())
        except Exception:  # symbolic tensors have no value
            return None
    if isinstance(x, np.generic):
        return np.asarray(x)
    return None


def to_r_info(x: Any) -> list:
    """What R must allocate for `x`: [kind, dim...]; kind is 'double', 'integer', 'logical',
    'character' (sent as a list), 'raw' (Python bytes) or 'none' when `x` is no array."""
    inner = x.array if isinstance(x, ArrayBox) else x
    if isinstance(inner, (bytes, bytearray)):
        return ["raw", len(inner)]
    arr = _result_array(x)
    if arr is None:
        return ["none"]
    return [_r_kind(arr), *[int(d) for d in arr.shape]]


def _r_kind(arr: np.ndarray) -> str:
    k = arr.dtype.kind
    if k == "b":
        kind = "logical"
    elif k in "iu":
        if arr.size and (arr.min() < -(2**31) + 1 or arr.max() > 2**31 - 1):
            kind = "double"
        else:
            kind = "integer"
    elif k == "f":
        kind = "double"
    elif k in "USO":
        kind = "character"
    else:
        kind = "double"
    return kind


def to_r_fill(x: Any, addr: float, kind: str) -> None:
    """Copy `x` into R's freshly allocated vector at `addr` in column-major order."""
    arr = _result_array(x)
    if isinstance(x, ArrayBox):
        x.array = None
    if arr is None or arr.size == 0:
        return
    dest = _view(addr, tuple(arr.shape) if arr.ndim else (1,), kind)
    dest.flags.writeable = True
    copy_reordered(dest, arr.reshape(dest.shape))


def to_r_strings(x: Any) -> list[str]:
    """Character arrays go to R as a flat list in column-major order."""
    arr = _result_array(x)
    if isinstance(x, ArrayBox):
        x.array = None
    return [str(v) for v in np.ravel(arr, order="F")]
