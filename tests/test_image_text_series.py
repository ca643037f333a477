"""Image files, directory datasets and time-series windows (rkbridge/datautils/preprocessing.py)
against Keras and keras 2.x's TimeseriesGenerator results."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from rkbridge.datautils import preprocessing as P
from rkbridge._keras import keras


def test_image_save_load_round_trip(tmp_path):
    a = np.arange(4 * 6 * 3, dtype="float64").reshape(4, 6, 3) % 256
    f = str(tmp_path / "x.png")
    P.image_array_save(a, f, scale=False)
    np.testing.assert_array_equal(np.asarray(Image.open(f)), a.astype("uint8"))
    arr = P.image_to_array(P.image_load(f))
    assert arr.shape == (4, 6, 3)
    np.testing.assert_array_equal(arr, a)
    assert P.image_to_array(P.image_load(f, grayscale=True)).shape == (4, 6, 1)
    assert P.image_to_array(P.image_load(f, target_size=[2, 3])).shape == (2, 3, 3)
    with pytest.raises(Exception, match="no file"):
        P.image_load(str(tmp_path / "missing.png"))
    (tmp_path / "text.png").write_text("not an image")
    with pytest.raises(Exception, match=r"^`path`: \".*text\.png\" is not an image file"):
        P.image_load(str(tmp_path / "text.png"))


def test_directory_datasets(tmp_path):
    for c in ("b", "a"):
        (tmp_path / "img" / c).mkdir(parents=True)
        (tmp_path / "txt" / c).mkdir(parents=True)
        Image.fromarray(np.full((4, 4, 3), 7 if c == "a" else 9, "uint8")).save(
            tmp_path / "img" / c / "1.png")
        (tmp_path / "txt" / c / "1.txt").write_text(f"text {c}")
    ds = P.image_dataset_from_directory(str(tmp_path / "img"), image_size=[4, 4],
                                        shuffle=False, verbose=False)
    assert ds.class_names == ["a", "b"]
    x, y = next(iter(ds))
    assert list(y.numpy()) == [0, 1] and x.numpy()[0, 0, 0, 0] == 7.0
    ts = P.text_dataset_from_directory(str(tmp_path / "txt"), shuffle=False, verbose=False)
    x, y = next(iter(ts))
    assert [t.decode() for t in x.numpy()] == ["text a", "text b"]


def test_timeseries_generator_matches_keras2():
    data = np.arange(20.0).reshape(10, 2)
    targets = np.arange(10.0)
    gen = P.timeseries_generator(data, targets, length=3, batch_size=2, sampling_rate=1)
    # keras 2.x: windows end before rows 3, 4, ...; targets are those rows; 7 windows
    assert len(gen) == 4
    x, y = gen[0]
    np.testing.assert_array_equal(x, [data[0:3], data[1:4]])
    np.testing.assert_array_equal(y, [3.0, 4.0])
    np.testing.assert_array_equal(gen[3][1], [9.0])
    g2 = P.timeseries_generator(data, targets, length=4, sampling_rate=2, stride=2,
                                start_index=1, reverse=True, batch_size=10)
    x, y = g2[0]
    np.testing.assert_array_equal(y, [5.0, 7.0, 9.0])
    np.testing.assert_array_equal(x[0], data[1:5:2][::-1])
    assert [float(next(gen)[1][0]) for _ in range(5)] == [3.0, 5.0, 7.0, 9.0, 3.0]


def test_timeseries_dataset_start_index_is_one_based():
    data = np.arange(10.0)
    ds = P.timeseries_dataset_from_array(data, None, sequence_length=3, start_index=3,
                                         batch_size=None)
    first = next(iter(ds)).numpy()
    ref = next(iter(keras.utils.timeseries_dataset_from_array(
        data, None, sequence_length=3, start_index=2, batch_size=None))).numpy()
    np.testing.assert_array_equal(first, ref)
    np.testing.assert_array_equal(first, [2.0, 3.0, 4.0])
