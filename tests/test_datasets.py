"""dataset_*(): small synthetic files of the real formats placed in a temporary Keras cache
(never the network); results compared element by element with Keras's own loader on the
same file, and with values worked out by hand."""
from __future__ import annotations

import gzip
import json
import pickle
import tarfile

import numpy as np
import pytest

import rkbridge as rk
from rkbridge.errors import RkIOError
from rkbridge.persistence import downloads

RNG = np.random.default_rng(7)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    (home / "datasets").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(home))
    # offline whatever the machine: a download would fail at once
    import urllib.request
    monkeypatch.setattr(downloads, "_open", lambda url: urllib.request.urlopen(
        "http://127.0.0.1:9/", timeout=1))
    return home / "datasets"


def keras_on(module, path, monkeypatch, **kwargs):
    """Keras's loader reading `path` (its get_file replaced: the file's hash is not Keras's)."""
    monkeypatch.setattr(module, "get_file", lambda *a, **k: str(path))
    return module.load_data(**kwargs)


def same(ours, theirs):
    (xtr, ytr), (xte, yte) = theirs
    for got, want in ((ours["train"]["x"], xtr), (ours["train"]["y"], ytr),
                      (ours["test"]["x"], xte), (ours["test"]["y"], yte)):
        if isinstance(got, list):
            assert got == [list(map(int, s)) for s in want]
        else:
            assert got.shape == want.shape
            # labels of the word-sequence sets are R integers (int32); the rest Keras's type
            assert got.dtype == want.dtype or (got.dtype == np.int32 and want.dtype.kind == "i")
            np.testing.assert_array_equal(got, want)


def test_mnist(cache, monkeypatch):
    x_train = RNG.integers(0, 256, (3, 28, 28), dtype=np.uint8)
    x_test = RNG.integers(0, 256, (2, 28, 28), dtype=np.uint8)
    y_train, y_test = np.array([5, 0, 4], np.uint8), np.array([7, 2], np.uint8)
    np.savez(cache / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test,
             y_test=y_test)
    with pytest.warns(UserWarning, match="used as it is"):
        d = rk.dataset_mnist()
    assert sorted(d) == ["test", "train"] and sorted(d["train"]) == ["x", "y"]
    np.testing.assert_array_equal(d["train"]["x"], x_train)  # n x 28 x 28, as saved
    assert d["train"]["x"].dtype == np.uint8 and d["train"]["y"].tolist() == [5, 0, 4]
    np.testing.assert_array_equal(d["test"]["x"], x_test)
    from keras.src.datasets import mnist
    same(d, keras_on(mnist, cache / "mnist.npz", monkeypatch))
    # `path` names another file in the cache
    np.savez(cache / "other.npz", x_train=x_test, y_train=y_test, x_test=x_train,
             y_test=y_train)
    assert rk.dataset_mnist(path="other.npz")["train"]["y"].tolist() == [7, 2]


def test_a_damaged_cached_dataset_file_is_named(cache):
    np.savez(cache / "mnist.npz", x_train=np.zeros((50, 28, 28)), y_train=np.zeros(50))
    data = (cache / "mnist.npz").read_bytes()
    (cache / "mnist.npz").write_bytes(data[: len(data) // 2])  # an interrupted download
    with pytest.warns(UserWarning, match="used as it is"), \
            pytest.raises(RkIOError, match=r"dataset file \".*mnist\.npz\" in the Keras cache "
                                           r"is damaged.*Delete it"):
        rk.dataset_mnist()


def test_mnist_offline_names_the_url_and_cache_path(cache):
    from rkbridge.errors import RkNetworkError
    with pytest.raises(RkNetworkError) as err:
        rk.dataset_mnist()
    msg = str(err.value)
    assert "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz" in msg
    assert f'"{cache / "mnist.npz"}"' in msg


def test_fashion_mnist(cache, monkeypatch):
    d = cache / "fashion-mnist"
    d.mkdir()
    parts = {"train": (4, RNG.integers(0, 256, (4, 28, 28), dtype=np.uint8)),
             "t10k": (2, RNG.integers(0, 256, (2, 28, 28), dtype=np.uint8))}
    labels = {"train": np.array([9, 0, 3, 1], np.uint8), "t10k": np.array([8, 6], np.uint8)}
    for name, (n, imgs) in parts.items():
        with gzip.open(d / f"{name}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(b"\0" * 8 + labels[name].tobytes())
        with gzip.open(d / f"{name}-images-idx3-ubyte.gz", "wb") as f:
            f.write(b"\0" * 16 + imgs.tobytes())
    out = rk.dataset_fashion_mnist()
    np.testing.assert_array_equal(out["train"]["x"], parts["train"][1])
    assert out["train"]["y"].tolist() == [9, 0, 3, 1] and out["test"]["y"].tolist() == [8, 6]
    np.testing.assert_array_equal(out["test"]["x"], parts["t10k"][1])


def _cifar_archive(path, folder, files):
    staging = path.parent / (folder + "_staging")
    (staging / folder).mkdir(parents=True)
    for name, content in files.items():
        with open(staging / folder / name, "wb") as f:
            pickle.dump(content, f)
    with tarfile.open(path, "w:gz") as t:
        t.add(staging / folder, arcname=folder)


def test_cifar10(cache):
    batches = {f"data_batch_{i}": {b"data": RNG.integers(0, 256, (2, 3072), dtype=np.uint8),
                                   b"labels": [i, 9 - i]} for i in range(1, 6)}
    batches["test_batch"] = {b"data": RNG.integers(0, 256, (3, 3072), dtype=np.uint8),
                             b"labels": [1, 2, 3]}
    _cifar_archive(cache / "cifar-10-batches-py-target_archive", "cifar-10-batches-py",
                   batches)
    with pytest.warns(UserWarning):
        d = rk.dataset_cifar10()
    x, y = d["train"]["x"], d["train"]["y"]
    assert x.shape == (10, 32, 32, 3) and y.shape == (10, 1) and x.dtype == np.uint8
    assert y[:, 0].tolist() == [1, 8, 2, 7, 3, 6, 4, 5, 5, 4]
    # image 3, row 5, column 7, channel 2 (green): CIFAR stores channel planes row by row
    assert x[2, 4, 6, 1] == batches["data_batch_2"][b"data"][0, 1024 + 4 * 32 + 6]
    assert d["test"]["y"][:, 0].tolist() == [1, 2, 3]
    assert d["test"]["x"][1, 0, 0, 2] == batches["test_batch"][b"data"][1, 2048]


def test_cifar100(cache, monkeypatch):
    files = {n: {b"data": RNG.integers(0, 256, (k, 3072), dtype=np.uint8),
                 b"fine_labels": list(range(k)), b"coarse_labels": [19] * k}
             for n, k in (("train", 3), ("test", 2))}
    _cifar_archive(cache / "cifar-100-python-target_archive", "cifar-100-python", files)
    fine = rk.dataset_cifar100()
    assert fine["train"]["y"][:, 0].tolist() == [0, 1, 2]
    assert rk.dataset_cifar100(label_mode="coarse")["test"]["y"][:, 0].tolist() == [19, 19]
    from keras.src.datasets import cifar100
    extracted = cache / "cifar-100-python-target"
    same(fine, keras_on(cifar100, extracted, monkeypatch))
    with pytest.raises(ValueError, match="label_mode"):
        rk.dataset_cifar100(label_mode="medium")


def _write_sequences(path):
    x_train = np.empty(3, dtype=object)
    x_train[:] = [[1, 2, 3], [4, 5], [1, 6, 7, 8, 9]]
    x_test = np.empty(2, dtype=object)
    x_test[:] = [[2, 2], [9, 1, 3]]
    np.savez(path, x_train=x_train, y_train=np.array([1, 0, 1]), x_test=x_test,
             y_test=np.array([0, 1]))
    return x_train, x_test


def test_imdb_arguments_and_keras_equivalence(cache, monkeypatch):
    _write_sequences(cache / "imdb.npz")
    from keras.src.datasets import imdb
    for kwargs in ({}, {"num_words": 6, "skip_top": 1}, {"maxlen": 4, "seed": 1},
                   {"start_char": None, "oov_char": None, "num_words": 7, "index_from": 0},
                   {"index_from": 10, "seed": 5}):
        ours = rk.dataset_imdb(**kwargs)
        same(ours, keras_on(imdb, cache / "imdb.npz", monkeypatch, **kwargs))
        assert ours["train"]["y"].dtype == np.int32
    # by hand: no shuffling effect on the sets' content, start_char 1, indices + 3
    d = rk.dataset_imdb(num_words=8.0)  # R numbers arrive as doubles
    # start_char 1 first, word w becomes w + 3; values >= num_words (8) become oov_char 2:
    # (1, 6, 7, 8, 9) -> (1, 4, 9, 10, 11, 12) -> (1, 4, 2, 2, 2, 2); (4, 5) -> (1, 7, 2)
    assert sorted(map(tuple, d["train"]["x"])) == [(1, 4, 2, 2, 2, 2), (1, 4, 5, 6),
                                                   (1, 7, 2)]


def test_reuters_and_word_indexes(cache, monkeypatch):
    xs = np.empty(5, dtype=object)
    xs[:] = [[1, 2, 3], [4, 5], [1, 6, 7, 8, 9], [2, 2], [9, 1, 3]]
    np.savez(cache / "reuters.npz", x=xs, y=np.array([3, 0, 45, 7, 1]))
    from keras.src.datasets import reuters
    for kwargs in ({}, {"test_split": 0.4, "seed": 3}, {"num_words": 5}):
        same(rk.dataset_reuters(**kwargs),
             keras_on(reuters, cache / "reuters.npz", monkeypatch, **kwargs))
    (cache / "imdb_word_index.json").write_text(json.dumps({"the": 1, "movie": 17}))
    (cache / "reuters_word_index.json").write_text(json.dumps({"said": 1}))
    with pytest.warns(UserWarning):
        assert rk.dataset_imdb_word_index() == {"the": 1, "movie": 17}
    assert rk.dataset_reuters_word_index() == {"said": 1}


def test_boston_housing(cache, monkeypatch):
    x = RNG.normal(size=(10, 13))
    y = RNG.normal(size=10)
    np.savez(cache / "boston_housing.npz", x=x, y=y)
    from keras.src.datasets import boston_housing
    d = rk.dataset_boston_housing(test_split=0.3, seed=1)
    same(d, keras_on(boston_housing, cache / "boston_housing.npz", monkeypatch,
                     test_split=0.3, seed=1))
    assert d["train"]["x"].shape == (7, 13) and d["test"]["y"].shape == (3,)
    # every test row is a row of x with its own y
    for row, target in zip(d["test"]["x"], d["test"]["y"]):
        i = int(np.flatnonzero((x == row).all(axis=1))[0])
        assert y[i] == target
