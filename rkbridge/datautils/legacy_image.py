"""Keras 2's legacy image preprocessing (`ImageDataGenerator` and its `flow*()` iterators),
which Keras 3 removed and most image tutorials of the R interface still use.

Our own implementation of keras 2.x's documented behaviour: per image, a random affine
transform (rotation, shifts, shear, zoom; applied with `keras.ops.image.affine_transform`),
channel shift, brightness, flips; then `standardize()`: preprocessing_function, rescale,
samplewise then featurewise centring and scaling. Arrays are samples x height x width x
channels (channels last). The iterators are `PyDataset`s (fit() pulls their batches on R's
thread, rkbridge/training/generators.py) and Python iterators (`generator_next()`), with keras 2.x's
batch order: consecutive samples with `shuffle = FALSE`, a fresh permutation per epoch
otherwise; `validation_split` takes the first part of arrays and the first files of each
class directory as the "validation" subset.
"""
from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from ..wrappers import args as A
from ..training import data as D
from .._keras import keras, ops
from ..errors import RkIOError, RkValueError
from ..values import RDataFrame, RFactor

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".tif", ".tiff")
CLASS_MODES = ("categorical", "binary", "sparse", "input", "raw", "multi_output", None)


def _range(value: Any, name: str) -> float:
    v = A.as_float(A.scalar(value)) if value is not None else 0.0
    if v is None or v < 0:
        raise RkValueError(f"`{name}` must be a number >= 0.")
    return float(v)


class ImageDataGenerator:
    """Random augmentation and standardisation of image batches (keras 2.x semantics)."""

    def __init__(self, featurewise_center: Any = False, samplewise_center: Any = False,
                 featurewise_std_normalization: Any = False,
                 samplewise_std_normalization: Any = False, zca_whitening: Any = False,
                 zca_epsilon: Any = 1e-6, rotation_range: Any = 0.0,
                 width_shift_range: Any = 0.0, height_shift_range: Any = 0.0,
                 brightness_range: Any = None, shear_range: Any = 0.0, zoom_range: Any = 0.0,
                 channel_shift_range: Any = 0.0, fill_mode: str = "nearest", cval: Any = 0.0,
                 horizontal_flip: Any = False, vertical_flip: Any = False,
                 rescale: Any = None, preprocessing_function: Any = None,
                 data_format: Any = None, validation_split: Any = 0.0,
                 dtype: Any = None):
        if A.as_bool(zca_whitening):
            raise RkValueError("`zca_whitening` is not supported by rkbridge's "
                               "image_data_generator().")
        if data_format not in (None, "channels_last"):
            raise RkValueError("image_data_generator() supports only data_format = "
                               "\"channels_last\" (images as height x width x channels).")
        self.featurewise_center = bool(A.as_bool(featurewise_center))
        self.samplewise_center = bool(A.as_bool(samplewise_center))
        self.featurewise_std_normalization = bool(A.as_bool(featurewise_std_normalization))
        self.samplewise_std_normalization = bool(A.as_bool(samplewise_std_normalization))
        self.rotation_range = _range(rotation_range, "rotation_range")
        self.width_shift_range = _range(width_shift_range, "width_shift_range")
        self.height_shift_range = _range(height_shift_range, "height_shift_range")
        self.shear_range = _range(shear_range, "shear_range")
        self.channel_shift_range = _range(channel_shift_range, "channel_shift_range")
        z = np.ravel(np.asarray(zoom_range if zoom_range is not None else 0.0, dtype=float))
        if z.size == 1:
            self.zoom_range = (1.0 - float(z[0]), 1.0 + float(z[0]))
        elif z.size == 2:
            self.zoom_range = (float(z[0]), float(z[1]))
        else:
            raise RkValueError("`zoom_range` must be a number or c(lower, upper).")
        self.brightness_range = None if brightness_range is None else tuple(
            float(v) for v in np.ravel(np.asarray(brightness_range, dtype=float)))
        if self.brightness_range is not None and len(self.brightness_range) != 2:
            raise RkValueError("`brightness_range` must be c(lower, upper).")
        if fill_mode not in ("constant", "nearest", "reflect", "wrap"):
            raise RkValueError("`fill_mode` must be one of \"constant\", \"nearest\", "
                               "\"reflect\", \"wrap\".")
        self.fill_mode = fill_mode
        self.cval = float(A.as_float(cval) or 0.0)
        self.horizontal_flip = bool(A.as_bool(horizontal_flip))
        self.vertical_flip = bool(A.as_bool(vertical_flip))
        self.rescale = A.as_float(A.scalar(rescale)) if rescale is not None else None
        self.preprocessing_function = preprocessing_function
        split = A.as_float(validation_split) or 0.0
        if not 0.0 <= split < 1.0:
            raise RkValueError("`validation_split` must be in [0, 1).")
        self.validation_split = float(split)
        self.dtype = dtype or keras.config.floatx()
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None

    # -- standardisation ------------------------------------------------------------------
    def standardize(self, x: np.ndarray) -> np.ndarray:
        """One image (or a batch) after preprocessing_function, rescale and centring."""
        if self.preprocessing_function is not None:
            x = np.asarray(self.preprocessing_function(x), dtype=self.dtype)
        x = np.array(x, dtype=self.dtype, copy=True)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is None:
                raise RkValueError("featurewise_center = TRUE needs the feature means: call "
                                   "fit_image_data_generator() on sample images first.")
            x -= self.mean
        if self.featurewise_std_normalization:
            if self.std is None:
                raise RkValueError("featurewise_std_normalization = TRUE needs the feature "
                                   "standard deviations: call fit_image_data_generator() on "
                                   "sample images first.")
            x /= self.std + 1e-6
        return x

    def fit(self, x: Any, augment: Any = False, rounds: Any = 1, seed: Any = None) -> None:
        """Feature means and standard deviations (per channel) of sample images."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise RkValueError(f"fit_image_data_generator() needs a 4-D array of images "
                               f"(samples x height x width x channels), not {x.ndim}-D.")
        if A.as_bool(augment):
            rng = np.random.default_rng(A.as_integer(seed, "seed"))
            rounds = A.as_integer(rounds, "rounds") or 1
            x = np.concatenate([np.stack([self.random_transform(img, rng) for img in x])
                                for _ in range(rounds)])
        if self.featurewise_center or self.featurewise_std_normalization:
            self.mean = np.mean(x, axis=(0, 1, 2), keepdims=True)[0].astype(self.dtype)
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=(0, 1, 2), keepdims=True)[0].astype(self.dtype)

    # -- random transforms ----------------------------------------------------------------
    def random_transform(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One image (height x width x channels) with keras 2.x's random transforms."""
        h, w = x.shape[0], x.shape[1]
        theta = np.deg2rad(rng.uniform(-self.rotation_range, self.rotation_range)) \
            if self.rotation_range else 0.0
        tx = _shift(self.height_shift_range, h, rng)
        ty = _shift(self.width_shift_range, w, rng)
        shear = np.deg2rad(rng.uniform(-self.shear_range, self.shear_range)) \
            if self.shear_range else 0.0
        if self.zoom_range != (1.0, 1.0):
            zx, zy = rng.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        else:
            zx = zy = 1.0
        if theta or tx or ty or shear or zx != 1 or zy != 1:
            x = self._affine(x, theta, tx, ty, shear, zx, zy)
        if self.channel_shift_range:
            shift = rng.uniform(-self.channel_shift_range, self.channel_shift_range)
            lo, hi = np.min(x), np.max(x)
            x = np.clip(x + shift, lo, hi)
        if self.brightness_range is not None:
            x = x * rng.uniform(*self.brightness_range)
        if self.horizontal_flip and rng.random() < 0.5:
            x = x[:, ::-1, :]
        if self.vertical_flip and rng.random() < 0.5:
            x = x[::-1, :, :]
        return np.ascontiguousarray(x)

    def _affine(self, x: np.ndarray, theta: float, tx: float, ty: float, shear: float,
                zx: float, zy: float) -> np.ndarray:
        # keras 2.x's matrix in (row, col) coordinates: input = M @ output + offset
        m = np.eye(3)
        if theta:
            m = m @ np.array([[np.cos(theta), -np.sin(theta), 0],
                              [np.sin(theta), np.cos(theta), 0], [0, 0, 1]])
        if tx or ty:
            m = m @ np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])
        if shear:
            m = m @ np.array([[1, -np.sin(shear), 0], [0, np.cos(shear), 0], [0, 0, 1]])
        if zx != 1 or zy != 1:
            m = m @ np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]])
        h, w = x.shape[0], x.shape[1]
        o_r, o_c = h / 2 - 0.5, w / 2 - 0.5
        centre = np.array([[1, 0, o_r], [0, 1, o_c], [0, 0, 1]])
        back = np.array([[1, 0, -o_r], [0, 1, -o_c], [0, 0, 1]])
        m = centre @ m @ back
        # as Keras's projective transform: input (col, row) from output (col, row)
        t = np.array([m[1, 1], m[1, 0], m[1, 2], m[0, 1], m[0, 0], m[0, 2], 0, 0],
                     dtype="float32")
        out = ops.image.affine_transform(
            ops.convert_to_tensor(x[None].astype("float32")), ops.convert_to_tensor(t[None]),
            interpolation="bilinear", fill_mode=self.fill_mode, fill_value=self.cval,
            data_format="channels_last")
        return ops.convert_to_numpy(out)[0].astype(x.dtype)

    def augment(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return self.standardize(self.random_transform(x, rng))

    # -- iterators ------------------------------------------------------------------------
    def flow(self, x: Any, y: Any = None, batch_size: Any = 32, shuffle: Any = True,
             sample_weight: Any = None, seed: Any = None, subset: Any = None,
             **ignored: Any) -> "NumpyArrayIterator":
        return NumpyArrayIterator(self, x, y, batch_size, shuffle, sample_weight, seed,
                                  subset)


def _shift(r: float, size: int, rng: np.random.Generator) -> float:
    if not r:
        return 0.0
    s = rng.uniform(-r, r)
    return s * size if r < 1 else float(np.round(s))


class ImageIterator(keras.utils.PyDataset):
    """Batches of `n` samples in keras 2.x's order; a PyDataset (indexed) and an iterator
    (`generator_next()`)."""

    def __init__(self, generator: ImageDataGenerator, n: int, batch_size: Any,
                 shuffle: Any, seed: Any):
        super().__init__()
        self.image_data_generator = generator
        self.n = n
        self.batch_size = A.as_integer(batch_size, "batch_size") or 32
        self.shuffle = bool(A.as_bool(shuffle))
        self.seed = A.as_integer(seed, "seed")
        self._rng = np.random.default_rng(self.seed)
        self._epoch_order()
        self._next = 0

    def _epoch_order(self) -> None:
        self.index_array = self._rng.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __len__(self) -> int:
        return math.ceil(self.n / self.batch_size)

    def __getitem__(self, i: int) -> Any:
        if i >= len(self):
            raise IndexError(f"batch {i + 1} of {len(self)}")
        rows = self.index_array[i * self.batch_size:(i + 1) * self.batch_size]
        return self._batch(rows)

    def on_epoch_end(self) -> None:
        self._epoch_order()

    def __iter__(self) -> "ImageIterator":
        return self

    def __next__(self) -> Any:
        if self._next >= len(self):
            self._next = 0
            self._epoch_order()
        batch = self[self._next]
        self._next += 1
        return batch

    def _images(self, rows: np.ndarray) -> np.ndarray:
        gen = self.image_data_generator
        return np.stack([gen.augment(self._image(int(r)), self._rng) for r in rows]) \
            .astype(gen.dtype)

    def _image(self, row: int) -> np.ndarray:
        raise NotImplementedError

    def _batch(self, rows: np.ndarray) -> Any:
        raise NotImplementedError


def _split(n: int, generator: ImageDataGenerator, subset: Any) -> slice:
    if subset is None:
        return slice(0, n)
    if subset not in ("training", "validation"):
        raise RkValueError("`subset` must be \"training\" or \"validation\".")
    if not generator.validation_split:
        raise RkValueError(f"`subset = \"{subset}\"` needs image_data_generator("
                           f"validation_split = ...).")
    k = int(n * generator.validation_split)
    return slice(0, k) if subset == "validation" else slice(k, n)


class NumpyArrayIterator(ImageIterator):
    def __init__(self, generator: ImageDataGenerator, x: Any, y: Any, batch_size: Any,
                 shuffle: Any, sample_weight: Any, seed: Any, subset: Any):
        x = np.asarray(D.as_array(x, "x"))
        if x.ndim != 4:
            raise RkValueError(f"flow_images_from_data(): `x` must be a 4-D array (samples x "
                               f"height x width x channels), not {x.ndim}-D.")
        y = None if y is None else np.asarray(D.as_array(y, "y"))
        w = None if sample_weight is None else np.asarray(D.as_array(sample_weight,
                                                                     "sample_weight"))
        if y is not None and len(y) != len(x):
            raise RkValueError(f"`x` has {len(x)} images but `y` has {len(y)} values.")
        # keras 2.x: the validation subset is the first part of the arrays
        s = _split(len(x), generator, subset)
        self.x = np.array(x[s], dtype=generator.dtype)
        self.y = None if y is None else np.array(y[s])
        self.sample_weight = None if w is None else np.array(w[s])
        super().__init__(generator, len(self.x), batch_size, shuffle, seed)

    def _image(self, row: int) -> np.ndarray:
        return self.x[row]

    def _batch(self, rows: np.ndarray) -> Any:
        bx = self._images(rows)
        if self.y is None:
            return bx
        if self.sample_weight is None:
            return bx, self.y[rows]
        return bx, self.y[rows], self.sample_weight[rows]


class FileIterator(ImageIterator):
    """Images read from files, with labels by `class_mode`."""

    def __init__(self, generator: ImageDataGenerator, paths: list[str], labels: Any,
                 class_indices: dict[str, int], target_size: Any, color_mode: str,
                 class_mode: Any, batch_size: Any, shuffle: Any, seed: Any,
                 interpolation: str):
        if class_mode not in CLASS_MODES:
            raise RkValueError("`class_mode` must be \"categorical\", \"binary\", "
                               "\"sparse\", \"input\" or NULL.")
        if color_mode not in ("rgb", "rgba", "grayscale"):
            raise RkValueError("`color_mode` must be \"rgb\", \"rgba\" or \"grayscale\".")
        self.filepaths = paths
        self.filenames = paths
        self.labels = labels
        self.classes = labels
        self.class_indices = class_indices
        self.target_size = A.as_int_tuple(target_size, "target_size")
        self.color_mode = color_mode
        self.class_mode = class_mode
        self.interpolation = interpolation
        super().__init__(generator, len(paths), batch_size, shuffle, seed)

    @property
    def samples(self) -> int:
        return self.n

    @property
    def num_classes(self) -> int:
        return len(self.class_indices)

    def _image(self, row: int) -> np.ndarray:
        img = keras.utils.load_img(self.filepaths[row], color_mode=self.color_mode,
                                   target_size=self.target_size,
                                   interpolation=self.interpolation)
        return keras.utils.img_to_array(img, dtype=self.image_data_generator.dtype)

    def _batch(self, rows: np.ndarray) -> Any:
        bx = self._images(rows)
        mode = self.class_mode
        if mode is None:
            return bx
        if mode == "input":
            return bx, bx.copy()
        labels = self.labels
        if mode == "raw":
            return bx, np.asarray(labels)[rows]
        codes = np.asarray(labels)[rows]
        if mode == "categorical":
            y = np.zeros((len(rows), len(self.class_indices)), dtype=self.image_data_generator.dtype)
            y[np.arange(len(rows)), codes.astype(int)] = 1.0
            return bx, y
        return bx, codes.astype(self.image_data_generator.dtype)  # binary, sparse


def flow_from_directory(generator: ImageDataGenerator, directory: str, target_size: Any,
                        color_mode: str, classes: Any, class_mode: Any, batch_size: Any,
                        shuffle: Any, seed: Any, follow_links: Any, subset: Any,
                        interpolation: str) -> FileIterator:
    directory = os.path.expanduser(str(directory))
    if not os.path.isdir(directory):
        raise RkIOError(f"`directory` \"{directory}\" is not a directory.")
    if classes is None:
        classes = sorted(d for d in os.listdir(directory)
                         if os.path.isdir(os.path.join(directory, d)))
    else:
        classes = [classes] if isinstance(classes, str) else list(classes)
    class_indices = {c: i for i, c in enumerate(classes)}
    paths: list[str] = []
    labels: list[int] = []
    for c in classes:
        files = []
        for root, _, names in sorted(os.walk(os.path.join(directory, c),
                                             followlinks=bool(A.as_bool(follow_links))),
                                     key=lambda t: t[0]):
            files += [os.path.join(root, f) for f in sorted(names)
                      if f.lower().endswith(IMAGE_EXTENSIONS)]
        # keras 2.x: the validation subset is the first files of each class
        files = files[_split(len(files), generator, subset)]
        paths += files
        labels += [class_indices[c]] * len(files)
    return FileIterator(generator, paths, np.array(labels, dtype=np.int64), class_indices,
                        target_size, color_mode, class_mode, batch_size, shuffle, seed,
                        interpolation)


def flow_from_dataframe(generator: ImageDataGenerator, dataframe: Any, directory: Any,
                        x_col: str, y_col: Any, target_size: Any, color_mode: str,
                        classes: Any, class_mode: Any, batch_size: Any, shuffle: Any,
                        seed: Any, subset: Any, interpolation: str) -> FileIterator:
    if isinstance(dataframe, RDataFrame):
        cols = dict(zip(dataframe.names, dataframe.columns))
    elif hasattr(dataframe, "columns"):
        cols = {c: list(dataframe[c]) for c in dataframe.columns}
    else:
        raise RkValueError("`dataframe` must be a data.frame.")
    if x_col not in cols:
        raise RkValueError(f"`dataframe` has no column \"{x_col}\" (`x_col`).")
    files = [str(f) for f in _column(cols[x_col])]
    paths = [os.path.join(str(directory), f) if directory is not None else f for f in files]
    class_indices: dict[str, int] = {}
    labels: Any = None
    if class_mode in ("categorical", "binary", "sparse", "raw"):
        if y_col not in cols:
            raise RkValueError(f"`dataframe` has no column \"{y_col}\" (`y_col`).")
        values = _column(cols[y_col])
        if class_mode == "raw":
            labels = np.asarray(values)
        else:
            values = [str(v) for v in values]
            names = sorted(set(values)) if classes is None else (
                [classes] if isinstance(classes, str) else list(classes))
            class_indices = {c: i for i, c in enumerate(names)}
            keep = [v in class_indices for v in values]
            paths = [p for p, k in zip(paths, keep) if k]
            labels = np.array([class_indices[v] for v, k in zip(values, keep) if k])
    s = _split(len(paths), generator, subset)
    paths = paths[s]
    labels = None if labels is None else labels[s]
    return FileIterator(generator, paths, labels, class_indices, target_size, color_mode,
                        class_mode, batch_size, shuffle, seed, interpolation)


def _column(col: Any) -> list[Any]:
    if isinstance(col, RFactor):
        return col.labels()
    if isinstance(col, str):
        return [col]
    return list(np.ravel(np.asarray(col))) if isinstance(col, np.ndarray) else list(col)


# -- the R interface's functions -----------------------------------------------------------

def image_data_generator(**kwargs: Any) -> ImageDataGenerator:
    return ImageDataGenerator(**kwargs)


def fit_image_data_generator(object: ImageDataGenerator, x: Any, augment: Any = False,
                             rounds: Any = 1, seed: Any = None) -> ImageDataGenerator:
    object.fit(x, augment=augment, rounds=rounds, seed=seed)
    return object


def _generator(g: Any) -> ImageDataGenerator:
    if g is None:
        return ImageDataGenerator()
    if not isinstance(g, ImageDataGenerator):
        raise RkValueError("`generator` must come from image_data_generator().")
    return g


def flow_images_from_data(x: Any, y: Any = None, generator: Any = None, batch_size: Any = 32,
                          shuffle: Any = True, sample_weight: Any = None, seed: Any = None,
                          subset: Any = None, **ignored: Any) -> NumpyArrayIterator:
    return _generator(generator).flow(x, y, batch_size=batch_size, shuffle=shuffle,
                                      sample_weight=sample_weight, seed=seed, subset=subset)


def flow_images_from_directory(directory: Any, generator: Any = None,
                               target_size: Any = (256, 256), color_mode: str = "rgb",
                               classes: Any = None, class_mode: Any = "categorical",
                               batch_size: Any = 32, shuffle: Any = True, seed: Any = None,
                               follow_links: Any = False, subset: Any = None,
                               interpolation: str = "nearest", **ignored: Any) -> FileIterator:
    return flow_from_directory(_generator(generator), directory, target_size, color_mode,
                               classes, class_mode, batch_size, shuffle, seed, follow_links,
                               subset, interpolation)


def flow_images_from_dataframe(dataframe: Any, directory: Any = None, x_col: str = "filename",
                               y_col: Any = "class", generator: Any = None,
                               target_size: Any = (256, 256), color_mode: str = "rgb",
                               classes: Any = None, class_mode: Any = "categorical",
                               batch_size: Any = 32, shuffle: Any = True, seed: Any = None,
                               subset: Any = None, interpolation: str = "nearest",
                               **ignored: Any) -> FileIterator:
    return flow_from_dataframe(_generator(generator), dataframe, directory, x_col, y_col,
                               target_size, color_mode, classes, class_mode, batch_size,
                               shuffle, seed, subset, interpolation)


EXPORTS = {f.__name__: f for f in (image_data_generator, fit_image_data_generator,
                                   flow_images_from_data, flow_images_from_directory,
                                   flow_images_from_dataframe)}
