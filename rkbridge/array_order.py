"""Copying arrays between column-major (R's, Fortran's) and row-major (Keras's) memory.

Reordering is the one place where large arrays cost real time: NumPy's strided copy between
the two layouts is memory-bound and cache-unfriendly, so large ones are copied in parallel
slabs.
"""
from __future__ import annotations

import os
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

# Below this many elements one thread is quicker than handing out slabs.
_PARALLEL_MIN_ELEMENTS = 1 << 20
_SLABS = 4
_pool: ThreadPoolExecutor | None = None


def _workers() -> ThreadPoolExecutor | None:
    global _pool
    if _pool is None:
        n = min(_SLABS, os.cpu_count() or 1)
        if n < 2:
            return None
        _pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="rkbridge-reorder")
    return _pool


def copy_reordered(dest: np.ndarray, src: np.ndarray) -> None:
    """`np.copyto(dest, src, casting="unsafe")` for arrays of the same shape in different
    memory orders, in parallel for large arrays.

    NumPy's strided copy between column- and row-major layouts is memory-bound and
    cache-unfriendly (about 10 ms for a 24 MB array); cutting it into slabs along the
    slowest axis of the column-major side (whole contiguous blocks of R's memory) and
    copying them on a few threads (NumPy releases the GIL) takes a third to a half of that.
    """
    pool = _workers() if src.size >= _PARALLEL_MIN_ELEMENTS and src.ndim >= 2 else None
    axes = [i for i, d in enumerate(src.shape) if d > 1]
    if pool is None or not axes:
        np.copyto(dest, src, casting="unsafe")
        return
    ax = axes[-1]
    n = src.shape[ax]
    k = min(_SLABS, n)
    bounds = [(i * n // k, (i + 1) * n // k) for i in range(k)]
    lead = (slice(None),) * ax

    def slab(b: tuple[int, int]) -> None:
        where = lead + (slice(*b),)
        np.copyto(dest[where], src[where], casting="unsafe")

    for _ in pool.map(slab, bounds):
        pass


# TensorFlow uses memory in place only at this alignment (Eigen's widest vectors).
ALIGNMENT = 64


# Arrays made by aligned_empty(), by id: memory of ours (never R's), which row_major() may
# hand on as it is
_made: "weakref.WeakValueDictionary[int, np.ndarray]" = weakref.WeakValueDictionary()


def aligned_empty(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """An uninitialised C-contiguous array whose data starts at a multiple of `ALIGNMENT`."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.empty(nbytes + ALIGNMENT, dtype=np.uint8)
    start = -raw.ctypes.data % ALIGNMENT
    out = raw[start:start + nbytes].view(dtype).reshape(shape)
    _made[id(out)] = out
    return out


def row_major(a: np.ndarray, dtype: Any = None, aligned: bool = False) -> np.ndarray:
    """`np.ascontiguousarray(a, dtype)`, with large reorders done by `copy_reordered()`.
    `aligned`: an array starting at a multiple of `ALIGNMENT`: a new one, unless `a` is
    already such an array of `dtype` made by aligned_empty()."""
    if aligned and _made.get(id(a)) is a and (dtype is None or a.dtype == np.dtype(dtype)):
        return a
    if not aligned and (a.size < _PARALLEL_MIN_ELEMENTS or a.flags.c_contiguous):
        return np.ascontiguousarray(a, dtype=dtype)  # no reorder to speed up
    out = (aligned_empty if aligned else np.empty)(a.shape, a.dtype if dtype is None else dtype)
    if a.flags.c_contiguous:
        np.copyto(out, a, casting="unsafe")
    else:
        copy_reordered(out, a)
    return out

