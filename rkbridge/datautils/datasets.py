"""The Keras datasets with the R interface's structure:
`list(train = list(x =, y =), test = list(x =, y =))`.

Each function calls Keras's own loader, whose `get_file()` goes through `downloads.fetch()`
(the Keras cache, a download with a timeout, CONVENTIONS.md section 7). A file found in the
cache is used as it is, with a warning when it is not the file Keras knows (its hash
differs): a copy placed there by hand is the user's choice, and is never silently replaced
by a download. Images and labels keep their integer type (uint8 arrays become R integer
arrays: mnist `x` is n x 28 x 28); the word-sequence datasets give each `x` as a list of
integer vectors and `y` as an integer vector, as the keras 2.x R interface does.

`DATASETS` is the table the R wrappers are generated from (tools/generate_r.py).
"""
from __future__ import annotations

import json
import os
import pickle
import tarfile
import zipfile
from typing import Any, Callable

import numpy as np

from ..wrappers import args as A
from .._keras import keras
from ..persistence.downloads import via_rkbridge
from ..errors import RkError, RkIOError, RkValueError
from ..keras_internals import dataset_module

# Keras's loader modules, whose own `get_file` the downloads are routed through
(_boston, _california, _cifar, _cifar10, _cifar100, _fashion, _imdb, _mnist, _reuters) = (
    dataset_module(name) for name in ("boston_housing", "california_housing", "cifar",
                                      "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist",
                                      "reuters"))


def _split(train: tuple[Any, Any], test: tuple[Any, Any]) -> dict[str, dict[str, Any]]:
    return {"train": {"x": train[0], "y": train[1]}, "test": {"x": test[0], "y": test[1]}}


def _sequences(xs: Any) -> list[list[int]]:
    """Ragged word sequences as lists of ints (R: a list of integer vectors, converted in
    one pass rather than one transport call per sequence)."""
    return [s if type(s) is list and (not s or type(s[0]) is int)  # Keras's own lists
            else np.asarray(s, dtype=np.int64).tolist() for s in xs]


def _load(module: Any, *args: Any, **kwargs: Any) -> Any:
    fetched: list[str] = []
    try:
        with via_rkbridge(module, trust_cache=True, fetched=fetched):
            return module.load_data(*args, **kwargs)
    except (zipfile.BadZipFile, EOFError, OSError, json.JSONDecodeError,
            pickle.UnpicklingError, tarfile.TarError) as e:
        if not fetched or isinstance(e, RkError):
            raise
        # a cached file cut short (an interrupted download or copy) fails to read
        raise RkIOError(f"The dataset file \"{fetched[-1]}\" in the Keras cache is damaged "
                        f"(truncated or corrupt: {type(e).__name__}). Delete it; the next "
                        f"call downloads it again.") from None


def _ints(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: A.as_integer(v, k) for k, v in kwargs.items()}


def dataset_mnist(path: str = "mnist.npz", convert: Any = True) -> Any:
    """MNIST database of handwritten digits.

    70,000 grayscale 28 x 28 images of the 10 digits: 60,000 for training and 10,000 for
    testing. The file is downloaded once into the Keras cache (`~/.keras/datasets`, or
    under `$KERAS_HOME`) and read from there afterwards.

    Args:
        path: The file's name in the Keras cache.
        convert: Kept for compatibility with keras3: results are always R values.

    Returns:
        `list(train = list(x, y), test = list(x, y))`: `x` an integer array of dim
        `c(n, 28, 28)` (values 0-255), `y` an integer vector of digits 0-9.
    """
    return _split(*_load(_mnist, path=str(A.scalar(path))))


def dataset_fashion_mnist(convert: Any = True) -> Any:
    """Fashion-MNIST database of fashion articles.

    70,000 grayscale 28 x 28 images of 10 kinds of clothing (0 T-shirt/top, 1 Trouser,
    2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot):
    60,000 for training, 10,000 for testing, cached in `~/.keras/datasets/fashion-mnist`.

    Args:
        convert: Kept for compatibility with keras3: results are always R values.

    Returns:
        `list(train = list(x, y), test = list(x, y))`: `x` an integer array of dim
        `c(n, 28, 28)`, `y` an integer vector of classes 0-9.
    """
    return _split(*_load(_fashion))


def _cifar10_load_data() -> Any:
    """Keras's CIFAR-10 loader, reading batches of any size (Keras's assumes 10,000 rows
    each); the same file, the same parsing (`cifar.load_batch`), the same result."""
    path = _cifar10.get_file(fname="cifar-10-batches-py-target",
                             origin="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                             extract=True,
                             file_hash="6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7"
                                       "fe0b5c001ce")
    path = os.path.join(path, "cifar-10-batches-py")
    parts = [_cifar.load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts]).astype("uint8")
    y_train = np.concatenate([np.asarray(p[1]) for p in parts]).astype("uint8")
    x_test, y_test = _cifar.load_batch(os.path.join(path, "test_batch"))
    y_train = y_train.reshape(-1, 1)
    y_test = np.asarray(y_test, dtype="uint8").reshape(-1, 1)
    if keras.config.image_data_format() == "channels_last":
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test.astype("uint8"), y_test)


def dataset_cifar10(convert: Any = True) -> Any:
    """CIFAR-10 small image classification.

    60,000 32 x 32 colour images of 10 classes (airplane, automobile, bird, cat, deer, dog,
    frog, horse, ship, truck): 50,000 for training, 10,000 for testing.

    Args:
        convert: Kept for compatibility with keras3: results are always R values.

    Returns:
        `list(train = list(x, y), test = list(x, y))`: `x` an integer array of dim
        `c(n, 32, 32, 3)` (values 0-255), `y` an n x 1 integer matrix of classes 0-9.
    """
    with via_rkbridge(_cifar10, trust_cache=True):
        return _split(*_cifar10_load_data())


def dataset_cifar100(label_mode: str = "fine", convert: Any = True) -> Any:
    """CIFAR-100 small image classification.

    60,000 32 x 32 colour images of 100 classes (grouped into 20 superclasses): 50,000 for
    training, 10,000 for testing.

    Args:
        label_mode: "fine" (the 100 classes, the default) or "coarse" (the 20 superclasses).
        convert: Kept for compatibility with keras3: results are always R values.

    Returns:
        `list(train = list(x, y), test = list(x, y))`: `x` an integer array of dim
        `c(n, 32, 32, 3)`, `y` an n x 1 integer matrix of classes.
    """
    mode = label_mode
    if isinstance(mode, (list, tuple, np.ndarray)) and len(mode) > 1:
        mode = "fine"  # R's match.arg() default: the first choice
    mode = str(A.scalar(mode))
    if mode not in ("fine", "coarse"):
        raise RkValueError(f"`label_mode` must be \"fine\" or \"coarse\", not \"{mode}\".")
    return _split(*_load(_cifar100, label_mode=mode))


_SEQ_DOC = """
    Args:
        path: The file's name in the Keras cache.
        num_words: Keep only the `num_words` most frequent words (others become
            `oov_char`); `NULL` keeps all.
        skip_top: Also treat the `skip_top` most frequent words as unknown.
        maxlen: Drop sequences longer than this.{split}
        seed: Random seed for shuffling the samples.
        start_char: The value marking the start of each sequence (`NULL`: none).
        oov_char: The value replacing dropped words (`NULL`: drop them).
        index_from: Word indices are shifted by this much (they start at
            `index_from + 1`).
        convert: Kept for compatibility with keras3: results are always R values.

    Returns:
        `list(train = list(x, y), test = list(x, y))`: `x` a list of integer vectors (the
        word indices of each {what}), `y` an integer vector of {labels}.
"""


def _sequence_data(module: Any, kwargs: dict[str, Any]) -> Any:
    kw = _ints({k: v for k, v in kwargs.items()
                if k not in ("path", "test_split", "convert")})
    kw["path"] = str(A.scalar(kwargs["path"]))
    if "test_split" in kwargs:
        kw["test_split"] = A.as_float(kwargs["test_split"], "test_split")
    (xtr, ytr), (xte, yte) = _load(module, **kw)
    return _split((_sequences(xtr), np.asarray(ytr, dtype=np.int32)),
                  (_sequences(xte), np.asarray(yte, dtype=np.int32)))


def dataset_imdb(path: str = "imdb.npz", num_words: Any = None, skip_top: Any = 0,
                 maxlen: Any = None, seed: Any = 113, start_char: Any = 1, oov_char: Any = 2,
                 index_from: Any = 3, convert: Any = True) -> Any:
    return _sequence_data(_imdb, dict(path=path, num_words=num_words, skip_top=skip_top,
                                      maxlen=maxlen, seed=seed, start_char=start_char,
                                      oov_char=oov_char, index_from=index_from))


dataset_imdb.__doc__ = """IMDB movie reviews, labelled by sentiment.

    25,000 reviews for training and 25,000 for testing, each a sequence of word indices
    (words indexed by overall frequency: 3 is the most frequent word, with the default
    `index_from`).
""" + _SEQ_DOC.format(split="", what="review", labels="sentiments (0 negative, 1 positive)")


def dataset_reuters(path: str = "reuters.npz", num_words: Any = None, skip_top: Any = 0,
                    maxlen: Any = None, test_split: Any = 0.2, seed: Any = 113,
                    start_char: Any = 1, oov_char: Any = 2, index_from: Any = 3,
                    convert: Any = True) -> Any:
    return _sequence_data(_reuters, dict(path=path, num_words=num_words, skip_top=skip_top,
                                         maxlen=maxlen, test_split=test_split, seed=seed,
                                         start_char=start_char, oov_char=oov_char,
                                         index_from=index_from))


dataset_reuters.__doc__ = """Reuters newswire topics.

    11,228 newswires from Reuters labelled over 46 topics, each a sequence of word indices
    (words indexed by overall frequency).
""" + _SEQ_DOC.format(split="\n        test_split: The fraction of the data used as the test set.",
                      what="newswire", labels="topics (0-45)")


def _word_index(module: Any, path: Any) -> dict[str, int]:
    with via_rkbridge(module, trust_cache=True):
        index = module.get_word_index(path=str(A.scalar(path)))
    return {str(k): int(v) for k, v in index.items()}


def dataset_imdb_word_index(path: str = "imdb_word_index.json") -> Any:
    """The word index of the IMDB dataset.

    Args:
        path: The file's name in the Keras cache.

    Returns:
        A named list: words as names, their indices (before `index_from` is added) as
        values.
    """
    return _word_index(_imdb, path)


def dataset_reuters_word_index(path: str = "reuters_word_index.json") -> Any:
    """The word index of the Reuters dataset.

    Args:
        path: The file's name in the Keras cache.

    Returns:
        A named list: words as names, their indices (before `index_from` is added) as
        values.
    """
    return _word_index(_reuters, path)


def dataset_boston_housing(path: str = "boston_housing.npz", test_split: Any = 0.2,
                           seed: Any = 113, convert: Any = True) -> Any:
    """Boston housing price regression.

    Samples of 13 attributes of houses at different locations around Boston in the late
    1970s; the targets are the median values of the houses (in k$).

    Args:
        path: The file's name in the Keras cache.
        test_split: The fraction of the data used as the test set.
        seed: Random seed for shuffling the data before the split.
        convert: Kept for compatibility with keras3: results are always R values.

    Returns:
        `list(train = list(x, y), test = list(x, y))`: `x` a numeric matrix with 13
        columns, `y` a numeric vector.
    """
    return _split(*_load(_boston, path=str(A.scalar(path)),
                         test_split=A.as_float(test_split, "test_split"),
                         seed=A.as_integer(seed, "seed")))


def dataset_california_housing(version: str = "large", path: str = "california_housing.npz",
                               test_split: Any = 0.2, seed: Any = 113,
                               convert: Any = True) -> Any:
    """California housing price regression.

    Census block groups of California (1990) with 8 attributes; the targets are the median
    house values.

    Args:
        version: "large" (20,640 samples) or "small" (600 samples).
        path: The file's name in the Keras cache.
        test_split: The fraction of the data used as the test set.
        seed: Random seed for shuffling the data before the split.
        convert: Kept for compatibility with keras3: results are always R values.

    Returns:
        `list(train = list(x, y), test = list(x, y))`: `x` a numeric matrix with 8
        columns, `y` a numeric vector.
    """
    return _split(*_load(_california, version=str(A.scalar(version)),
                         path=str(A.scalar(path)),
                         test_split=A.as_float(test_split, "test_split"),
                         seed=A.as_integer(seed, "seed")))


DATASETS: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (dataset_mnist, dataset_fashion_mnist, dataset_cifar10,
                            dataset_cifar100, dataset_imdb, dataset_imdb_word_index,
                            dataset_reuters, dataset_reuters_word_index,
                            dataset_boston_housing, dataset_california_housing)}


def exported() -> dict[str, Callable[..., Any]]:
    return dict(DATASETS)
