"""Issue 12 (items 3, 4, 7, 8, 9, 10), the engine's side: R's NA marker, non-finite data,
out-of-range arguments, errors in R terms, sparse inputs."""
from __future__ import annotations

import numpy as np
import pytest

from rkbridge.wrappers import args as A
from rkbridge.boundary import bridge
from rkbridge.errors import RkValueError


def test_na_marker_is_an_unknown_size_only_in_shapes():
    kw, _ = A.resolve_na({"shape": A.NA, "batch_shape": [A.NA, 3.0], "units": 2.0})
    assert kw == {"shape": [None], "batch_shape": [None, 3.0], "units": 2.0}
    assert A.as_shape(kw["shape"]) == (None,)
    with pytest.raises(RkValueError, match="`units` is NA"):
        A.resolve_na({"units": A.NA})
    with pytest.raises(RkValueError, match="`class_weight` is NA"):
        A.resolve_na({"class_weight": {"0": A.NA}})
    with pytest.raises(RkValueError, match="NA where TRUE or FALSE"):
        bool(A.NA)


def test_bridge_resolves_na_before_the_engine_function_runs():
    out = bridge.call("layer_input", None, {"shape": bridge.na})
    assert tuple(out.shape) == (None, None)
    fail = bridge.call("layer_dense", None, {"units": bridge.na})
    assert isinstance(fail, bridge.Failure)
    assert fail.r_class == "rkbridge_value_error" and "`units` is NA" in fail.message


def test_check_finite_names_kind_and_r_positions():
    from rkbridge.training import data as D
    a = np.zeros((3, 2))
    D.check_finite(a, "x")
    a[2, 0] = np.inf
    with pytest.raises(RkValueError, match=r"`x` has 1 infinite value \(Inf/-Inf\) \(first at \[3, 1\]\)"):
        D.check_finite(a, "x")
    b = np.zeros(4)
    b[1] = 1e300
    with pytest.raises(RkValueError, match=r"`w\[\[2\]\]` has 1 value beyond float32's range"):
        D.check_finite([np.zeros(2), b], "w")
    D.check_finite(np.full(2, 3e38, np.float32), "x")  # float32 data: in range by type


def test_count_rules():
    assert A.as_positive_integer(32.0, "batch_size") == 32
    assert A.as_positive_integer(None, "batch_size") is None
    for bad, shown in [(0.0, "0"), (-3.0, "-3"), ("32", '"32"'), (True, "TRUE")]:
        with pytest.raises(RkValueError, match=f"`batch_size` must be a positive whole number"
                                               f".*not {shown}"):
            A.as_positive_integer(bad, "batch_size")
    assert A.as_count(0.0, "epochs") == 0
    with pytest.raises(RkValueError, match="`epochs` must be a whole number >= 0"):
        A.as_count(-1.0, "epochs")
    assert A.normalize({"validation_split": 0.2})["validation_split"] == 0.2
    with pytest.raises(RkValueError, match=r"`validation_split` must be in \[0, 1\)"):
        A.normalize({"validation_split": 1.0})


def test_class_weight_and_callbacks_rules(rk):
    assert A.as_class_weight({"0": 1.0, "2": np.array([5.0])}) == {0: 1.0, 2: 5.0}
    assert A.as_class_weight(np.array([1.0, 3.0])) == {0: 1.0, 1: 3.0}
    with pytest.raises(RkValueError, match='element named "a"'):
        A.as_class_weight({"a": 1.0})
    with pytest.raises(RkValueError, match=r"`class_weight\$`1`` must be a finite number"):
        A.as_class_weight({"1": -2.0})
    cb = rk.callback_early_stopping()
    assert A.as_callbacks(cb) == [cb] and A.as_callbacks(None) == []
    with pytest.raises(RkValueError, match=r"callback_early_stopping\(\)\?"):
        A.as_callbacks(["early_stopping"])


def test_held_jumps_and_unconvertible_values():
    from rkbridge.training import callbacks
    from rkbridge.boundary import rfunctions
    f = rfunctions.r_function(lambda *a: rfunctions.JUMPED, "`on_epoch_end` of callback_lambda()")
    with pytest.raises(rfunctions.RkJump):
        f()
    # the bridge hands a held exit to R as its own condition class, never an interrupt
    fail = bridge.call("callback_r", None, {"hooks": {"on_train_begin": f}})
    assert not isinstance(fail, bridge.Failure)  # building the callback does not call it
    assert bridge.Failure(rfunctions.RkJump("x")).r_class == "rkbridge_jump"
    bad = rfunctions.r_function(lambda *a: rfunctions.Unconvertible("an R object of class 'e'"))
    with pytest.raises(rfunctions.RkCallbackError, match="cannot be passed to the engine"):
        bad()
    hook = callbacks.one_based_hook("on_epoch_end", bad)  # a hook's value is not used
    assert hook(0, {}) is None


def test_sparse_from_compressed_slots():
    import tensorflow as tf
    from rkbridge.datautils.sparse import from_compressed
    d = np.array([[0, 2.0, 0], [1.0, 0, 3.0]])
    # dgCMatrix slots of d: row indices by column, column pointers
    csc = from_compressed("csc", [1, 0, 1], [0, 1, 2, 3], [1.0, 2.0, 3.0], [2, 3])
    csr = from_compressed("csr", [1, 0, 2], [0, 1, 3], [2.0, 1.0, 3.0], [2, 3])
    for st in (csc, csr):
        assert isinstance(st, tf.SparseTensor)
        np.testing.assert_array_equal(tf.sparse.to_dense(st).numpy(), d)


def test_messages_in_r_terms():
    from rkbridge import diagnose
    text = ("[Errno 28] No space left on device: '/home/u/.model.keras.tmp-x1y2/part.keras'")
    assert diagnose.clean(text) == "[Errno 28] No space left on device: '/home/u/model.keras'"
    refusal = ("pass `safe_mode=False` to the loading function, or call "
               "`keras.config.enable_unsafe_deserialization()`.")
    out = diagnose.clean(refusal)
    assert "`safe_mode = FALSE`" in out and "`config_enable_unsafe_deserialization()`" in out
    assert "keras.config" not in out
    shape = ValueError("Arguments `target` and `output` must have the same shape. Received: "
                       "target.shape=(None, 2), output.shape=(None, 3)")
    out = diagnose.translate(shape)
    assert out.r_class == "rkbridge_shape_error"
    assert "`y` has dim() c(NA, 2) but the model's output has dim() c(NA, 3)" in str(out)


def test_config_enable_unsafe_deserialization():
    from keras.src.backend.common import global_state
    from keras.src.saving import serialization_lib
    from rkbridge.api import API
    before = serialization_lib.in_safe_mode()
    try:
        API["config_enable_unsafe_deserialization"]()
        assert serialization_lib.in_safe_mode() is False
    finally:
        global_state.set_global_attribute("safe_mode_saving", before)


def test_unencodable_file_name_is_an_io_error():
    from rkbridge import diagnose
    try:
        "/tmp/mod\u00e8le.keras".encode("ascii")
    except UnicodeEncodeError as e:
        out = diagnose.translate(e)
    assert out.r_class == "rkbridge_io_error"
    assert "mod\u00e8le.keras" in str(out) and "UTF-8 locale" in str(out)
