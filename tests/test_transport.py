"""The array transport's Python half, driven with memory laid out as R lays it out."""
from __future__ import annotations

import ctypes

import numpy as np
import pytest

from rkbridge import array_order, values
from rkbridge.boundary import transport


def r_memory(values: np.ndarray, ctype=ctypes.c_double):
    """A column-major buffer like an R vector, and its address."""
    flat = np.ravel(values, order="F")
    buf = (ctype * flat.size)(*flat.tolist())
    return buf, ctypes.addressof(buf)


def test_double_view_keeps_r_index_meaning_without_copy():
    x = np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 1.5
    buf, addr = r_memory(x)
    view = transport.from_r(addr, 0, [2, 3, 4], "double")
    assert view.shape == (2, 3, 4)
    assert np.array_equal(view, x)
    assert view[1, 2, 3] == x[1, 2, 3] and view[0, 1, 0] == x[0, 1, 0]
    assert view.flags.f_contiguous and not view.flags.writeable
    buf[0] = 99.0  # shares R's memory
    assert view[0, 0, 0] == 99.0


def test_integer_and_logical_with_na():
    x = np.array([[1, transport.R_NA_INTEGER], [3, 4]], dtype=np.int32)
    buf, addr = r_memory(x, ctypes.c_int32)
    v = transport.from_r(addr, 0, [2, 2], "integer")
    assert v.dtype == np.float64 and np.isnan(v[0, 1]) and v[1, 0] == 3
    lg = np.array([1, 0, 1], dtype=np.int32)
    buf2, addr2 = r_memory(lg, ctypes.c_int32)
    b = transport.from_r(addr2, 0, [3], "logical")
    assert b.dtype == np.bool_ and b.tolist() == [True, False, True]


def test_a_loan_lasts_as_long_as_any_array_made_from_the_view():
    """Ownership (CONVENTIONS section 1): the R vector (here a fake address) is released
    only when the last array viewing it is gone, and only on R's thread, at the next
    release_pending()."""
    released: list[int] = []
    callback = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(lambda p: released.append(p))
    saved = transport._release, transport._r_thread
    try:
        transport.set_release(ctypes.cast(callback, ctypes.c_void_p).value)
        x = np.arange(12, dtype=np.float64).reshape(3, 4)
        buf, addr = r_memory(x)
        view = transport.from_r(addr, 4242, [3, 4], "double")
        part = view[1:, ::2]          # a view of the view
        alive = transport.loans_alive()
        del view
        assert transport.release_pending() == 0 and released == []
        assert np.array_equal(part, x[1:, ::2])
        del part
        assert transport.loans_alive() == alive - 1 and transport.loans_pending() == 1
        assert transport.release_pending() == 1 and released == [4242]
        assert transport.loans_pending() == 0
    finally:
        transport._release, transport._r_thread = saved


def test_zero_length_dims():
    v = transport.from_r(0, 0, [0, 3], "double")
    assert v.shape == (0, 3)


@pytest.mark.parametrize("arr,kind", [
    (np.zeros((2, 3), np.float32), "double"), (np.zeros(4, np.int64), "integer"),
    (np.array([True, False]), "logical"), (np.array([2**40]), "double"),
    (np.array(["a", "b"]), "character")])
def test_info_kinds(arr, kind):
    info = transport.to_r_info(arr)
    assert info[0] == kind and info[1:] == list(arr.shape)


def _inline(data):
    """Decode an inline array the way src/transport.c's rk_from_raw() does."""
    assert bytes(data[:4]) == b"RKA1"
    code, nd = np.frombuffer(data, np.int32, 2, 4)
    dims = list(np.frombuffer(data, np.int32, nd, 12))
    start = -(-(12 + 4 * nd) // 8) * 8
    kind = transport.KIND_CODES[int(code)]
    values = np.frombuffer(data, transport._R_TYPES[kind][1], offset=start)
    assert len(values) == int(np.prod(dims))
    return kind, dims, list(values)


def test_small_arrays_go_inline_in_r_layout():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)  # C order on the engine side
    kind, dims, values = _inline(transport.box_arrays(x))
    assert kind == "double" and dims == [2, 3]
    assert values == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]  # R's order: x[1,1], x[2,1], ...
    assert _inline(transport.box_arrays(np.array([True, False, True]))) == \
        ("logical", [3], [1, 0, 1])
    assert _inline(transport.box_arrays(np.array([7, 2**40]))) == \
        ("double", [2], [7.0, 2.0**40])  # past R's integers
    assert _inline(transport.box_arrays(np.int64(-3))) == ("integer", [], [-3])  # no dims
    assert _inline(transport.box_arrays(np.zeros((0, 4)))) == ("double", [0, 4], [])
    nested = transport.box_arrays({"a": [np.zeros(2, np.int64)], "b": np.zeros(5000)})
    assert _inline(nested["a"][0]) == ("integer", [2], [0, 0])
    assert isinstance(nested["b"], transport.ArrayBox)
    assert isinstance(transport.box_arrays(b"\x01"), transport.ArrayBox)  # bytes: always boxed
    assert isinstance(transport.box_arrays(np.array(["a"])), transport.ArrayBox)


def test_iterated_items_are_boxed_as_results_are():
    items = transport.boxed_items(iter([(np.arange(3), {"k": np.float32(2)}), "text"]))
    first = next(items)
    assert _inline(first[0]) == ("integer", [3], [0, 1, 2])
    assert _inline(first[1]["k"]) == ("double", [], [2.0])
    assert next(items) == "text"  # anything else as it is
    assert next(items, None) is None


def test_loans_unpack():
    flat = [10.0, 20.0, 1, 2, 3, 4, 30.0, 40.0, 3, 1, 5]
    assert transport.unpack_loans(flat) == [(10.0, 20.0, "double", [3, 4]),
                                            (30.0, 40.0, "logical", [5])]


def test_fill_writes_column_major():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)  # C order on the engine side
    dest = (ctypes.c_double * 6)()
    transport.to_r_fill(x, ctypes.addressof(dest), "double")
    assert list(dest) == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]  # R's order: x[1,1], x[2,1], ...


def test_owned_copies_borrowed_views_only():
    x = np.arange(4.0)
    buf, addr = r_memory(x)
    view = transport.from_r(addr, 0, [4], "double")
    kept = values.owned(view)
    buf[0] = -1.0
    assert kept[0] == 0.0 and view[0] == -1.0
    own = np.arange(3.0)
    assert values.owned(own) is own


@pytest.mark.parametrize("shape", [(100, 100, 100, 3), (40, 30000), (2000, 700, 1), (5, 300000),
                                   (300000, 4), (3, 2, 200000)])
def test_large_reorders_in_slabs_equal_numpy(shape):
    """Large arrays are reordered on several threads (array_order.copy_reordered); the result
    must be exactly NumPy's single copy, both ways: R's column-major view -> a row-major
    float32 array for Keras, and a row-major result -> R's column-major memory."""
    rng = np.random.default_rng(len(shape))
    r_side = np.asfortranarray(rng.standard_normal(shape))
    assert r_side.size >= array_order._PARALLEL_MIN_ELEMENTS
    into_keras = array_order.row_major(r_side, np.float32)
    assert into_keras.flags.c_contiguous and into_keras.dtype == np.float32
    assert np.array_equal(into_keras, np.ascontiguousarray(r_side, dtype=np.float32))
    back = np.empty(shape, dtype=np.float64, order="F")
    array_order.copy_reordered(back, into_keras)
    assert np.array_equal(back, into_keras.astype(np.float64))
    assert back[-1, ..., -1].flat[-1] == np.float32(r_side[-1, ..., -1].flat[-1])


def test_row_major_keeps_small_and_ready_arrays():
    ready = np.arange(12.0).reshape(3, 4)
    assert array_order.row_major(ready) is ready
    small = np.asfortranarray(ready)
    out = array_order.row_major(small, np.float32)
    assert out.flags.c_contiguous and np.array_equal(out, ready)
    assert array_order.row_major(np.float64(2.5)).shape == (1,)


def test_layers_are_held_by_id_for_later_calls():
    import gc
    import weakref
    from rkbridge.boundary import bridge
    from rkbridge._keras import keras
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    x = np.arange(3.0).reshape(1, 3)
    first = bridge.call("predict", None, {"object": m, "x": x})
    again = bridge.call("predict", None, {"x": x}, False, None, None, "object", float(id(m)))
    assert bytes(first) == bytes(again)  # the same model, named by its id
    stale = bridge.call("predict", None, {"x": x}, False, None, None, ["object"], [12345.0])
    assert isinstance(stale, bridge.Failure) and stale.r_class == "rkbridge_stale_handle"
    ref = weakref.ref(m)
    del m, first, again
    gc.collect()
    assert ref() is None  # held weakly: R's handle is what keeps a model alive
