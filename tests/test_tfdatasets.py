"""The tfdatasets core (rkbridge/datautils/tfdatasets.py) against tf.data used directly."""
from __future__ import annotations

import numpy as np
import pytest

from rkbridge.datautils import tfdatasets as T
from rkbridge._keras import tf


def _elements(ds):
    return [tf.nest.map_structure(lambda t: t.numpy(), e) for e in ds]


def test_slices_match_tf_data():
    x = np.arange(12.0).reshape(4, 3)
    y = np.array([1, 2, 3, 4])
    ours = _elements(T.tensor_slices_dataset([x, y]))
    theirs = _elements(tf.data.Dataset.from_tensor_slices((x, y)))
    assert len(ours) == 4
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a[0], b[0])
        assert a[1] == b[1]


def test_batch_repeat_take_skip_match_tf_data():
    x = np.arange(10)
    ours = T.dataset_batch(T.dataset_repeat(T.tensor_slices_dataset(x), 2.0), 3.0,
                           drop_remainder=True)
    theirs = tf.data.Dataset.from_tensor_slices(x).repeat(2).batch(3, drop_remainder=True)
    assert [a.tolist() for a in _elements(ours)] == [b.tolist() for b in _elements(theirs)]
    assert T.dataset_collect(T.dataset_skip(T.dataset_take(T.tensor_slices_dataset(x), 5.0),
                                            3.0)) == [3, 4]


def test_shuffle_with_seed_is_tf_data_shuffle():
    x = np.arange(20)
    ours = _elements(T.dataset_shuffle(T.tensor_slices_dataset(x), 20.0, seed=7.0))
    theirs = _elements(tf.data.Dataset.from_tensor_slices(x).shuffle(20, seed=7))
    assert sorted(ours) == list(range(20))
    assert ours == theirs


def test_tensors_dataset_of_number_lists_is_one_array_each():
    ds = T.tensors_dataset(([1.0], [1.0]))
    spec = ds.element_spec
    assert spec[0].shape == (1,) and spec[1].shape == (1,)


def test_map_with_a_python_callable_and_a_layer():
    from rkbridge._keras import keras
    x = np.arange(6.0).reshape(3, 2)
    doubled = T.dataset_collect(T.dataset_map(T.tensor_slices_dataset(x), lambda v: v * 2))
    np.testing.assert_array_equal(np.stack(doubled), x * 2)
    layer = keras.layers.Rescaling(0.5)
    halved = T.dataset_collect(T.dataset_map(T.dataset_batch(T.tensor_slices_dataset(x), 3),
                                             layer))
    np.testing.assert_allclose(halved[0], x * 0.5)


def test_collect_gives_strings_and_structures():
    ds = T.tensor_slices_dataset({"a": np.array([1, 2]), "b": np.array(["x", "y"])})
    got = T.dataset_collect(ds)
    assert got[0]["a"] == 1 and got[1]["b"] == "y"
    it = T.as_array_iterator(T.tensor_slices_dataset(np.array([[1, 2], [3, 4]])))
    np.testing.assert_array_equal(T.iter_next(it), [1, 2])
    np.testing.assert_array_equal(T.iter_next(it), [3, 4])
    assert T.iter_next(it) is None
    assert T.iter_next(it, completed="done") == "done"


def test_cardinality_and_errors():
    assert T.dataset_cardinality(T.range_dataset(0, 5, 1)) == 5
    assert T.dataset_cardinality(T.dataset_repeat(T.range_dataset(0, 5, 1))) == float("inf")
    assert np.isnan(T.dataset_cardinality(T.dataset_filter(T.range_dataset(0, 5, 1),
                                                           lambda v: v > 2)))
    with pytest.raises(Exception, match="must be a TensorFlow dataset"):
        T.dataset_batch(np.arange(3), 2)
    with pytest.raises(Exception, match="needs an iterator"):
        T.iter_next(T.range_dataset(0, 2, 1))
