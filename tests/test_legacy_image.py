"""Keras 2's legacy image preprocessing (rkbridge/datautils/legacy_image.py) against keras 2.x's
documented results: identity with transforms off, exact rescale and flips, featurewise
statistics, batch order, subsets, class modes and class indices from directories."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PIL import Image

from rkbridge.datautils import legacy_image as L
from rkbridge.training import model as M
from rkbridge._keras import keras

rng = np.random.default_rng(0)
X = rng.integers(0, 256, (10, 6, 5, 3)).astype("float32")
Y = np.arange(10.0)


def test_transforms_off_is_identity_and_order_without_shuffle():
    it = L.flow_images_from_data(X, Y, batch_size=4, shuffle=False)
    assert len(it) == 3
    bx, by = it[0]
    np.testing.assert_array_equal(bx, X[:4])
    np.testing.assert_array_equal(by, Y[:4])
    assert it[2][0].shape == (2, 6, 5, 3)  # the last, partial batch
    # as an iterator: batches in order, then around again
    assert [next(it)[1][0] for _ in range(4)] == [0.0, 4.0, 8.0, 0.0]


def test_rescale_and_flips_are_exact():
    g = L.image_data_generator(rescale=1 / 255, horizontal_flip=True, vertical_flip=True)
    bx = L.flow_images_from_data(X, batch_size=10, shuffle=False, generator=g, seed=1)[0]
    for img, out in zip(X, bx):
        candidates = [img, img[:, ::-1], img[::-1], img[::-1, ::-1]]
        assert any(np.allclose(out, c * np.float32(1 / 255), rtol=0, atol=1e-7)
                   for c in candidates)


def test_shuffle_is_a_permutation_per_epoch():
    it = L.flow_images_from_data(X, Y, batch_size=5, shuffle=True, seed=3)
    ys = np.concatenate([it[0][1], it[1][1]])
    assert sorted(ys) == list(Y) and list(ys) != list(Y)


def test_featurewise_statistics_and_samplewise():
    g = L.image_data_generator(featurewise_center=True, featurewise_std_normalization=True)
    with pytest.raises(Exception, match="fit_image_data_generator"):
        L.flow_images_from_data(X, generator=g, shuffle=False)[0]
    L.fit_image_data_generator(g, X)
    bx = L.flow_images_from_data(X, generator=g, batch_size=10, shuffle=False)[0]
    mean = X.mean(axis=(0, 1, 2))
    std = X.std(axis=(0, 1, 2))
    np.testing.assert_allclose(bx, (X - mean) / (std + 1e-6), rtol=1e-5, atol=1e-5)
    g2 = L.image_data_generator(samplewise_center=True)
    b2 = L.flow_images_from_data(X, generator=g2, batch_size=10, shuffle=False)[0]
    np.testing.assert_allclose(b2.mean(axis=(1, 2, 3)), 0, atol=1e-3)


def test_random_transforms_keep_shape_and_change_values():
    g = L.image_data_generator(rotation_range=40, width_shift_range=0.2,
                               height_shift_range=0.2, zoom_range=0.2, shear_range=10)
    bx = L.flow_images_from_data(X, generator=g, batch_size=10, shuffle=False, seed=1)[0]
    assert bx.shape == X.shape and not np.allclose(bx, X)


def test_validation_split_subsets():
    g = L.image_data_generator(validation_split=0.3)
    val = L.flow_images_from_data(X, Y, generator=g, subset="validation", shuffle=False)
    tr = L.flow_images_from_data(X, Y, generator=g, subset="training", shuffle=False)
    np.testing.assert_array_equal(val[0][1], Y[:3])
    np.testing.assert_array_equal(tr[0][1], Y[3:])


@pytest.fixture()
def image_dir(tmp_path):
    pixels = {}
    for c, n in (("dog", 3), ("cat", 2)):
        os.makedirs(tmp_path / c)
        for i in range(n):
            a = rng.integers(0, 256, (4, 6, 3)).astype("uint8")
            Image.fromarray(a).save(tmp_path / c / f"img{i}.png")
            pixels[(c, i)] = a
        (tmp_path / c / "notes.txt").write_text("not an image")
    return tmp_path, pixels


@pytest.mark.parametrize("mode", ["categorical", "binary", "sparse", "input", None])
def test_flow_from_directory(image_dir, mode):
    d, pixels = image_dir
    it = L.flow_images_from_directory(str(d), target_size=(4, 6), class_mode=mode,
                                      batch_size=5, shuffle=False)
    assert it.class_indices == {"cat": 0, "dog": 1}
    assert list(it.classes) == [0, 0, 1, 1, 1]
    batch = it[0]
    bx = batch if mode is None else batch[0]
    expected = np.stack([pixels[("cat", 0)], pixels[("cat", 1)], pixels[("dog", 0)],
                         pixels[("dog", 1)], pixels[("dog", 2)]]).astype("float32")
    np.testing.assert_array_equal(bx, expected)
    if mode == "categorical":
        np.testing.assert_array_equal(batch[1], keras.utils.to_categorical([0, 0, 1, 1, 1], 2))
    elif mode in ("binary", "sparse"):
        np.testing.assert_array_equal(batch[1], [0, 0, 1, 1, 1])
    elif mode == "input":
        np.testing.assert_array_equal(batch[1], bx)


def test_flow_from_dataframe_and_fit(image_dir):
    d, pixels = image_dir
    import pandas as pd
    df = pd.DataFrame({"filename": ["dog/img0.png", "cat/img1.png", "dog/img2.png"],
                       "class": ["dog", "cat", "dog"]})
    it = L.flow_images_from_dataframe(df, directory=str(d), target_size=(4, 6),
                                      class_mode="sparse", batch_size=3, shuffle=False)
    bx, by = it[0]
    np.testing.assert_array_equal(bx[1], pixels[("cat", 1)].astype("float32"))
    np.testing.assert_array_equal(by, [1, 0, 1])
    # usable as x of fit(): the same weights as the same batch as arrays
    def fresh():
        m = keras.Sequential([keras.Input((4, 6, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(2, kernel_initializer="zeros")])
        m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        return m
    m1, m2 = fresh(), fresh()
    M.fit(m1, it, epochs=2, verbose=0)
    m2.fit(bx, by, batch_size=3, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(m1.get_weights(), m2.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
