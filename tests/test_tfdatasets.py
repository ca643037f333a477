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


def test_reduce_interleave_rebatch_shard_flat_map_match_tf_data():
    r = T.range_dataset(0, 5, 1)
    assert T.dataset_reduce(r, 0.0, lambda s, x: s + x) == 10  # an integer state for int64
    assert T.dataset_reduce(T.tensor_slices_dataset(np.array([0.5, 1.5])), 1,
                            lambda s, x: s * x) == pytest.approx(0.75)
    inter = T.dataset_interleave(T.range_dataset(1, 3, 1),
                                 lambda x: T.dataset_repeat(T.tensors_dataset(x), 3.0),
                                 cycle_length=2.0, block_length=2.0)
    theirs = tf.data.Dataset.range(1, 3).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(3), cycle_length=2, block_length=2)
    assert T.dataset_collect(inter) == [int(v) for v in theirs] == [1, 1, 2, 2, 1, 2]
    got = T.dataset_collect(T.dataset_rebatch(T.dataset_batch(T.range_dataset(0, 8, 1), 4.0),
                                              np.array([2.0, 1.0])))
    assert [g.tolist() for g in got] == [[0, 1], [2], [3, 4], [5], [6, 7]]
    assert T.dataset_collect(T.dataset_shard(T.range_dataset(0, 8, 1), 3.0, 2.0)) == [1, 4, 7]
    with pytest.raises(Exception, match=r"between 1 and 3 \(1-based\), not 0"):
        T.dataset_shard(r, 3, 0)
    flat = T.dataset_flat_map(T.range_dataset(1, 3, 1),
                              lambda x: T.dataset_repeat(T.tensors_dataset(x), 2.0))
    assert T.dataset_collect(flat) == [1, 1, 2, 2]


def test_options_set_the_auto_shard_policy_by_name():
    policy = tf.data.experimental.AutoShardPolicy
    ds = T.dataset_options(T.range_dataset(0, 3, 1),
                           **{"experimental_distribute.auto_shard_policy": "data",
                              "threading.private_threadpool_size": 2.0})
    assert ds.options().experimental_distribute.auto_shard_policy == policy.DATA
    assert ds.options().threading.private_threadpool_size == 2
    assert T.dataset_options(ds).experimental_distribute.auto_shard_policy == policy.DATA
    with pytest.raises(Exception, match="must be one of 'off', 'auto', 'file', 'data', 'hint'"):
        T.dataset_options(ds, **{"experimental_distribute.auto_shard_policy": "rows"})
    with pytest.raises(Exception, match="Unknown dataset option \"experimental_distribute.x\""):
        T.dataset_options(ds, **{"experimental_distribute.x": 1})


def test_files_stream_as_r_values(tmp_path):
    for i, rows in enumerate(([[1, 2.5, "a"], [3, 4.0, "b"]], [[5, 6.5, "c"]])):
        (tmp_path / f"part-{i}.csv").write_text(
            "n,v,s\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    rows = T.dataset_collect(T.csv_dataset(str(tmp_path / "*.csv"), label_name="v"))
    assert [r[1] for r in rows] == pytest.approx([2.5, 4.0, 6.5])  # files in name order
    assert [r[0]["n"] for r in rows] == [1, 3, 5] and rows[2][0]["s"] == "c"
    assert T.dataset_collect(T.csv_dataset(str(tmp_path / "*.csv"),
                                           select_columns=["s"])) == [
        {"s": "a"}, {"s": "b"}, {"s": "c"}]
    with pytest.raises(Exception, match="no column \"w\" \\(they have n, v, s\\)"):
        T.csv_dataset(str(tmp_path / "*.csv"), label_name="w")
    batched = T.dataset_collect(T.make_csv_dataset(str(tmp_path / "*.csv"), 3, num_epochs=1,
                                                   shuffle=False))
    assert sorted(batched[0]["n"].tolist()) == [1, 3, 5]
    files = T.file_list_dataset(str(tmp_path / "*.csv"))
    assert T.dataset_collect(files) == [str(tmp_path / "part-0.csv"),
                                        str(tmp_path / "part-1.csv")]
    lines = T.dataset_interleave(files, lambda f: T.dataset_skip(T.text_line_dataset(f), 1.0),
                                 cycle_length=1.0)
    assert T.dataset_collect(lines) == ["1,2.5,a", "3,4.0,b", "5,6.5,c"]


def test_tfrecords_written_from_r_values_read_back_by_row(tmp_path):
    x = np.arange(24.0).reshape(6, 2, 2)
    files = [str(tmp_path / "a.tfrecord"), str(tmp_path / "b.tfrecord")]
    features = T.write_tfrecords({"x": x, "k": np.arange(6) + 1, "s": np.array(list("uvwxyz"))},
                                 files, compression_type="gzip")
    assert features == {"x": {"dtype": "float32", "shape": [2, 2]},
                        "k": {"dtype": "int64", "shape": []},
                        "s": {"dtype": "string", "shape": []}}
    second = T.dataset_collect(T.tfrecord_dataset(files[1], compression_type="GZIP",
                                                  features=features))
    assert [r["k"] for r in second] == [4, 5, 6]  # the rows split in order: 1-3, 4-6
    np.testing.assert_array_equal(second[0]["x"], x[3])
    assert second[2]["s"] == "z"
    raw = list(T.tfrecord_dataset(T.file_list_dataset(str(tmp_path / "*.tfrecord")),
                                  compression_type="GZIP"))  # serialized records
    assert len(raw) == 6 and raw[0].dtype == tf.string
    parsed = tf.io.parse_single_example(raw[0], {"k": tf.io.FixedLenFeature([], tf.int64)})
    assert int(parsed["k"]) == 1
    with pytest.raises(Exception, match="different numbers of rows: x 6, k 2"):
        T.write_tfrecords({"x": x, "k": np.arange(2)}, files)


def test_padded_batch_enumerate_scan_take_while_unique_sample():
    seqs = tf.data.Dataset.range(1, 4).map(lambda n: tf.range(n))
    got = T.dataset_collect(T.dataset_padded_batch(seqs, 2.0, padded_shapes=4.0,
                                                   padding_values=-1.0))
    assert got[0].tolist() == [[0, -1, -1, -1], [0, 1, -1, -1]]
    assert got[1].tolist() == [[0, 1, 2, -1]]
    assert T.dataset_collect(T.dataset_padded_batch(seqs, 3.0))[0].shape == (3, 3)
    assert T.dataset_collect(T.dataset_enumerate(T.tensor_slices_dataset(
        np.array(["a", "b"])))) == [[1, "a"], [2, "b"]]  # positions as R counts
    r = T.range_dataset(0, 5, 1)
    assert T.dataset_collect(T.dataset_scan(r, 0.0, lambda s, x: (s + x, s * 10))) == \
        [0, 0, 10, 30, 60]
    assert T.dataset_collect(T.dataset_take_while(r, lambda x: x < 3)) == [0, 1, 2]
    assert T.dataset_collect(T.dataset_unique(T.tensor_slices_dataset(
        np.array([1, 1, 2, 3, 2])))) == [1, 2, 3]
    drawn = T.dataset_collect(T.sample_from_datasets([r, T.range_dataset(10, 12, 1)],
                                                     weights=[0.5, 0.5], seed=1.0,
                                                     stop_on_empty_dataset=False))
    assert sorted(drawn) == [0, 1, 2, 3, 4, 10, 11]
