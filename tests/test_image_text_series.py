"""Image files, directory datasets and time-series windows (rkbridge/datautils/preprocessing.py)
against Keras and keras 2.x's TimeseriesGenerator results."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from rkbridge.datautils import preprocessing as P
from rkbridge._keras import keras, tf


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


def _wav(path, samples):
    import wave
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(np.zeros(samples, "int16").tobytes())


def test_directory_datasets_name_the_file_they_cannot_read(tmp_path):
    from rkbridge.datautils import tfdatasets as TD
    from rkbridge.errors import RkIOError
    from rkbridge.training import model as M
    for c in ("a", "b"):
        (tmp_path / "img" / c).mkdir(parents=True)
        (tmp_path / "wav" / c).mkdir(parents=True)
        for i in range(3):
            Image.fromarray(np.full((4, 4, 3), i, "uint8")).save(tmp_path / "img" / c / f"{i}.png")
            _wav(tmp_path / "wav" / c / f"{i}.wav", 50)
    (tmp_path / "img" / "b" / "notes.png").write_text("not an image")
    png = (tmp_path / "img" / "a" / "0.png").read_bytes()
    (tmp_path / "img" / "a" / "cut.png").write_bytes(png[:len(png) // 2])
    ds = P.image_dataset_from_directory(str(tmp_path / "img"), image_size=[4, 4],
                                        batch_size=2, verbose=False)
    model = keras.Sequential([keras.Input((4, 4, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(2)])
    model.compile("sgd", "sparse_categorical_crossentropy")
    named = (r'^The image file "a/cut\.png" in the `directory` ".*img" of '
             r'image_dataset_from_directory\(\) cannot be read: Invalid PNG[^\"]*\. '
             r'1 more cannot be read either: "b/notes\.png"\. Remove or replace them')
    for read in (lambda: M.fit(model, ds, verbose=0), lambda: M.evaluate(model, ds),
                 lambda: M.predict(model, TD.dataset_map(TD.dataset_unbatch(ds),
                                                         lambda x, y: x).batch(3)),
                 lambda: M.fit(model, ds.take(1), validation_data=ds, verbose=0),
                 lambda: list(TD.as_array_iterator(ds)),
                 lambda: [TD.iter_next(it) for it in [TD.as_iterator(ds)] for _ in range(8)],
                 lambda: TD.dataset_collect(ds)):
        with pytest.raises(RkIOError, match=named):
            read()
    (tmp_path / "wav" / "a" / "1.wav").write_bytes(b"RIFF but not a wave")
    wav = P.audio_dataset_from_directory(str(tmp_path / "wav"), verbose=False)
    with pytest.raises(RkIOError, match=r'^The audio file "a/1\.wav" .* cannot be read: '
                                        r'.*Remove or replace it, then'):
        TD.dataset_collect(wav)
    # the files readable, the dataset reads; a failure that is not a file's keeps its error
    (tmp_path / "img" / "b" / "notes.png").write_bytes(png)
    (tmp_path / "img" / "a" / "cut.png").write_bytes(png)
    assert len(TD.dataset_collect(ds)) == 4
    bad_map = TD.dataset_map(ds, lambda x, y: (tf.ensure_shape(x, [5, 4, 4, 3]), y))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Shape of tensor"):
        TD.dataset_collect(bad_map)


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
