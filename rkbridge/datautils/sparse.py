"""R's sparse matrices (package Matrix) as the `tf.SparseTensor` Keras takes.

R sends the slots of a `dgCMatrix` (column-compressed: row indices `i`, column pointers `p`)
or a `dgRMatrix` (row-compressed: column indices `j`, row pointers `p`), 0-based as Matrix
stores them, through the array transport; the tensor is built at once, so R's memory is
only borrowed for the call."""
from __future__ import annotations

from typing import Any

import numpy as np

from .._keras import keras, tf
from ..errors import RkValueError


def from_compressed(layout: str, index: Any, pointers: Any, values: Any, dims: Any) -> Any:
    """`layout`: "csc" (dgCMatrix) or "csr" (dgRMatrix)."""
    dims = [int(d) for d in (dims if isinstance(dims, (list, tuple)) else [dims])]
    if len(dims) != 2 or layout not in ("csc", "csr"):
        raise RkValueError("A sparse matrix must be a 2-D dgCMatrix or dgRMatrix.")
    index = np.asarray(index, dtype=np.int64).reshape(-1)
    pointers = np.asarray(pointers, dtype=np.int64).reshape(-1)
    outer = np.repeat(np.arange(len(pointers) - 1, dtype=np.int64), np.diff(pointers))
    rows, cols = (index, outer) if layout == "csc" else (outer, index)
    indices = np.stack([rows, cols], axis=1)
    vals = np.asarray(values, dtype=np.float64).reshape(-1)
    with np.errstate(invalid="ignore", over="ignore"):  # NA and overflow: check_finite()'s
        vals = vals.astype(keras.config.floatx())
    st = tf.SparseTensor(indices, vals, dims)
    return tf.sparse.reorder(st)  # Keras slices batches of rows: row-major order


def is_sparse(x: Any) -> bool:
    return isinstance(x, tf.SparseTensor)
