"""Data preparation utilities of the R interface to Keras: sequence
padding, normalisation, time-series windows, image array helpers, and `get_file()`
(downloads through the Keras cache: `downloads.py`).

`UTILITIES` is the table the R wrappers are generated from (tools/generate_r.py): each
function's signature and docstring (Google style) become the R function and its Rd page.
"""
from __future__ import annotations

import os
import re
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from ..wrappers import args as A
from ..persistence.downloads import get_file
from .._keras import keras, ops, tf
from ..errors import RkIOError, RkValueError
from ..keras_internals import dataset_sources, iterator_dataset
from ..values import owned


def pad_sequences(sequences: Any, maxlen: Any = None, dtype: str = "int32",
                  padding: str = "pre", truncating: str = "pre", value: Any = 0.0) -> Any:
    """Pad sequences to the same length.

    Each sequence (an element of a list of integer vectors) becomes a row of a matrix with
    `maxlen` columns, padded and truncated at the start or the end.

    Args:
        sequences: A list of numeric vectors (the sequences).
        maxlen: Length of the result's rows; by default the longest sequence's length.
        dtype: Type of the result ("int32", "float32", ...).
        padding: "pre" or "post": pad before or after each sequence.
        truncating: "pre" or "post": drop values from the start or the end of sequences
            longer than `maxlen`.
        value: The padding value.

    Returns:
        A matrix with one row per sequence and `maxlen` columns.
    """
    if isinstance(sequences, np.ndarray):
        sequences = [sequences] if sequences.ndim == 1 else list(sequences)
    seqs = [np.atleast_1d(np.asarray(s)).reshape(-1) for s in (sequences or [])]
    try:
        whole = np.dtype(str(A.scalar(dtype))).kind in "iu"
    except TypeError:  # a dtype only Keras knows: its own error
        whole = False
    if whole:
        for i, s in enumerate(seqs):
            # NumPy would cast NA/NaN to -2147483648 (or 0) with only a warning
            bad = ~np.isfinite(s) if s.dtype.kind == "f" else \
                np.array([v is A.NA for v in s]) if s.dtype.kind == "O" else None
            if bad is not None and bad.any():
                raise RkValueError(
                    f"`sequences[[{i + 1}]]` holds NA, NaN or Inf (at position "
                    f"{int(np.argmax(bad)) + 1}): {dtype} sequences take whole numbers; "
                    f"remove them or give `dtype = \"float32\"`.")
    return keras.utils.pad_sequences(seqs, maxlen=A.as_integer(maxlen, "maxlen"), dtype=dtype,
                                     padding=padding, truncating=truncating,
                                     value=A.as_float(value))


def normalize(x: Any, axis: Any = -1, order: Any = 2) -> Any:
    """Normalize an array to unit norm along an axis.

    Args:
        x: A numeric array or matrix.
        axis: The axis to normalize along, 1-based (`-1`, the default, is the last: each row
            of a matrix gets unit norm).
        order: The order of the norm (2 is the Euclidean norm).

    Returns:
        An array of the same dimensions as `x`.
    """
    # Not keras.utils.normalize: it treats axis 0 as "the last axis".
    arr = np.asarray(x, dtype="float64")
    norm = np.linalg.norm(arr, ord=A.as_integer(order, "order"), axis=A.as_axis(axis, "axis"),
                          keepdims=True)
    norm[norm == 0] = 1
    return arr / norm


def timeseries_dataset_from_array(data: Any, targets: Any, sequence_length: Any,
                                  sequence_stride: Any = 1, sampling_rate: Any = 1,
                                  batch_size: Any = 128, shuffle: Any = False,
                                  seed: Any = None, start_index: Any = None,
                                  end_index: Any = None) -> Any:
    """Windows over a time series, as a dataset of batches.

    Row `i` of `data` is the time step `i`; each window holds `sequence_length` consecutive
    (sampled) rows, and its target is the row of `targets` at the window's first time step.

    Args:
        data: A vector or matrix (time steps in rows).
        targets: Targets, one per time step, or `NULL` for a dataset of windows only.
        sequence_length: Length of each window (in samples).
        sequence_stride: Steps between the starts of successive windows.
        sampling_rate: Steps between samples within a window.
        batch_size: Windows per batch (`NULL`: unbatched).
        shuffle: Whether to shuffle the windows.
        seed: Random seed for shuffling.
        start_index: First time step (1-based) to use.
        end_index: Last time step (1-based, inclusive) to use.

    Returns:
        A TensorFlow dataset of `list(inputs, targets)` batches (or inputs only), for fit()
        or iteration.
    """
    start = A.as_integer(start_index, "start_index")
    if start is not None:
        if start < 1:
            raise RkValueError("`start_index` is 1-based: it must be at least 1.")
        start -= 1
    data = np.array(owned(np.asarray(data)), copy=True)
    targets = None if targets is None else np.array(np.asarray(targets), copy=True)
    return keras.utils.timeseries_dataset_from_array(
        data, targets, sequence_length=A.as_integer(sequence_length, "sequence_length"),
        sequence_stride=A.as_integer(sequence_stride, "sequence_stride"),
        sampling_rate=A.as_integer(sampling_rate, "sampling_rate"),
        batch_size=A.as_integer(batch_size, "batch_size"), shuffle=A.as_bool(shuffle),
        seed=A.as_integer(seed, "seed"), start_index=start,
        end_index=A.as_integer(end_index, "end_index"))


def image_to_array(img: Any, data_format: Any = None, dtype: Any = None) -> Any:
    """An image (array-like) as a 3-D array (height, width, channels).

    Args:
        img: An image: an R array (height x width x channels, or height x width).
        data_format: "channels_last" (default) or "channels_first".
        dtype: Type of the result (default: Keras's float type).

    Returns:
        A 3-D array.
    """
    return keras.utils.img_to_array(np.asarray(img), data_format=data_format, dtype=dtype)


def image_array_resize(images: Any, height: Any, width: Any,
                       interpolation: str = "bilinear", data_format: Any = None) -> Any:
    """Resize images held in an array.

    Args:
        images: A 3-D (one image: height x width x channels) or 4-D (batch) array.
        height: Height of the result.
        width: Width of the result.
        interpolation: "bilinear", "nearest", "bicubic", "lanczos3", "lanczos5" or "area".
        data_format: "channels_last" (default) or "channels_first".

    Returns:
        An array of the same rank with the new height and width.
    """
    out = ops.image.resize(ops.convert_to_tensor(np.asarray(images, dtype="float32")),
                           (A.as_integer(height, "height"), A.as_integer(width, "width")),
                           interpolation=interpolation, data_format=data_format)
    return ops.convert_to_numpy(out)


def image_smart_resize(x: Any, size: Any, interpolation: str = "bilinear") -> Any:
    """Resize an image to `size` without distorting its aspect ratio (crops the centre).

    Args:
        x: A 3-D (height x width x channels) or 4-D (batch) image array.
        size: `c(height, width)` of the result.
        interpolation: "bilinear", "nearest", "bicubic", "lanczos3", "lanczos5" or "area".

    Returns:
        An array with the new height and width.
    """
    out = keras.preprocessing.image.smart_resize(np.asarray(x, dtype="float32"),
                                                 A.as_int_tuple(size, "size"),
                                                 interpolation=interpolation)
    return ops.convert_to_numpy(out)


def image_load(path: Any, grayscale: Any = False, color_mode: str = "rgb",
               target_size: Any = None, interpolation: str = "nearest",
               keep_aspect_ratio: Any = False) -> Any:
    """Load an image file.

    Args:
        path: Path of the image file.
        grayscale: `TRUE` for `color_mode = "grayscale"` (the keras 2.x argument).
        color_mode: "rgb", "rgba" or "grayscale".
        target_size: `c(height, width)` to resize to, or `NULL` for the file's size.
        interpolation: Resampling when resizing: "nearest", "bilinear", "bicubic", ...
        keep_aspect_ratio: Whether to crop to the target's aspect ratio before resizing.

    Returns:
        A PIL image; `image_to_array()` makes it a height x width x channels array of
        values 0..255.
    """
    path = str(A.scalar(path))
    if not os.path.exists(os.path.expanduser(path)):
        raise RkIOError(f"`path`: no file \"{path}\".")
    if A.as_bool(grayscale):
        color_mode = "grayscale"
    size = A.as_int_tuple(target_size, "target_size") if target_size is not None else None
    from PIL import UnidentifiedImageError
    try:
        return keras.utils.load_img(os.path.expanduser(path), color_mode=color_mode,
                                    target_size=size, interpolation=interpolation,
                                    keep_aspect_ratio=A.as_bool(keep_aspect_ratio))
    except UnidentifiedImageError:
        raise RkIOError(f"`path`: \"{path}\" is not an image file (or not one of the formats "
                        f"PIL reads: PNG, JPEG, BMP, GIF, TIFF, ...).") from None


def image_array_save(x: Any, path: Any, data_format: Any = None, file_format: Any = None,
                     scale: Any = True) -> None:
    """Save an image array to a file.

    Args:
        x: An array, height x width x channels (1, 3 or 4 channels).
        path: Path of the file to write.
        data_format: "channels_last" (default) or "channels_first".
        file_format: The file format (by default from the extension of `path`).
        scale: Whether to scale the values to 0..255 (from their minimum and maximum);
            `FALSE` saves values 0..255 as they are.

    Returns:
        `NULL`, invisibly.
    """
    arr = np.asarray(x, dtype="float32")
    if arr.ndim != 3:
        raise RkValueError(f"`x` must be a 3-D array (height x width x channels), not "
                           f"{arr.ndim}-D.")
    keras.utils.save_img(str(A.scalar(path)), arr, data_format=data_format,
                         file_format=file_format, scale=A.as_bool(scale))
    return None


# -- the files behind a directory dataset ----------------------------------------------------
# TensorFlow's error for a file that cannot be read or decoded ("Invalid PNG data, size 91")
# names no file, and a check of every file when the dataset is made would read all of them.
# The dataset keeps its files instead; when a read of it fails, one parallel pass decodes
# them and the error names those that fail.

_OP_NOISE = re.compile(r"\{\{function_node [^}]*\}\}\s*|\s*\[Op:[^\]]*\].*$", re.S)


class DirectoryFiles:
    """The files a `*_dataset_from_directory()` dataset reads, and how it reads one."""

    def __init__(self, maker: str, directory: str, paths: list[str], what: str,
                 read: Callable[[Any], Any]):
        self.maker, self.directory, self.paths, self.what = maker, directory, paths, what
        self.read = read  # a path (string tensor) to its decoded content, as Keras reads it

    def unreadable(self) -> list[str]:
        """The files `read` fails on, sorted."""
        paths = tf.constant(self.paths)
        sizes = tf.data.Dataset.range(len(self.paths)).map(
            lambda i: (i, tf.size(self.read(tf.gather(paths, i)))),
            num_parallel_calls=tf.data.AUTOTUNE).ignore_errors()
        read = {int(i) for i, _ in sizes.as_numpy_iterator()}
        return sorted(p for i, p in enumerate(self.paths) if i not in read)

    def error(self, bad: list[str]) -> RkIOError:
        try:
            self.read(tf.constant(bad[0]))
            reason = "it failed while the dataset was read"
        except tf.errors.OpError as e:
            reason = _OP_NOISE.sub("", e.message).replace(f"{bad[0]}; ", "").strip().rstrip(".")
        name = lambda p: os.path.relpath(p, self.directory)  # noqa: E731
        others = "" if len(bad) == 1 else (
            f" {len(bad) - 1} more cannot be read either: "
            + ", ".join(f'"{name(p)}"' for p in bad[1:6]) + (", ..." if len(bad) > 6 else "")
            + ".")
        return RkIOError(
            f"The {self.what} file \"{name(bad[0])}\" in the `directory` \"{self.directory}\" "
            f"of {self.maker}() cannot be read: {reason}.{others} Remove or replace "
            f"{'it' if len(bad) == 1 else 'them'}, then make the dataset again.")


def _keep_files(made: Any, maker: str, directory: str, extensions: tuple[str, ...],
                follow_links: bool, what: str, read: Callable[[Any], Any]) -> Any:
    """`made` (a dataset, or the training and validation pair), each keeping its files: the
    list Keras gives (`file_paths`) or else those of the directory Keras would index."""
    for ds in made if isinstance(made, (list, tuple)) else [made]:
        paths = getattr(ds, "file_paths", None)
        if paths is None:
            paths = sorted(os.path.join(root, f) for root, _, names in
                           os.walk(directory, followlinks=follow_links)
                           for f in names if f.lower().endswith(extensions))
        ds._rk_directory_files = DirectoryFiles(maker, directory, list(paths), what, read)
    return made


def _kept_files(datasets: Iterable[Any]) -> Iterator[DirectoryFiles]:
    """The files kept by `datasets` and by every dataset they were made from."""
    todo = [iterator_dataset(d) or d for d in datasets if d is not None]
    seen: set[int] = set()
    while todo:
        ds = todo.pop()
        if id(ds) in seen:
            continue
        seen.add(id(ds))
        files = getattr(ds, "_rk_directory_files", None)
        if files is not None:
            yield files
        if isinstance(ds, tf.data.Dataset):
            todo.extend(dataset_sources(ds))


def unreadable_file(datasets: Iterable[Any], error: BaseException) -> RkIOError | None:
    """For a read of `datasets` (or of what is made from them) that failed with `error`: the
    error naming the directory dataset's files that cannot be read; None when the failure
    is not the input pipeline's, or no file fails (the cause is elsewhere)."""
    if not isinstance(error, tf.errors.OpError) or isinstance(
            error, (tf.errors.OutOfRangeError, tf.errors.CancelledError)) or \
            "IteratorGetNext" not in str(error):
        return None
    for files in _kept_files(datasets):
        bad = files.unreadable()
        if bad:
            return files.error(bad)
    return None


def _image_reader(color_mode: Any) -> Callable[[Any], Any]:
    channels = {"grayscale": 1, "rgb": 3, "rgba": 4}.get(str(color_mode), 0)
    return lambda path: tf.image.decode_image(tf.io.read_file(path), channels=channels,
                                              expand_animations=False)


def _wav_reader(path: Any) -> Any:
    return tf.audio.decode_wav(tf.io.read_file(path))[0]


def _labels(labels: Any) -> Any:
    if labels is None or isinstance(labels, str):
        return labels
    return [int(v) for v in np.ravel(np.asarray(labels))]


def image_dataset_from_directory(directory: Any, labels: Any = "inferred",
                                 label_mode: Any = "int", class_names: Any = None,
                                 color_mode: str = "rgb", batch_size: Any = 32,
                                 image_size: Any = (256, 256), shuffle: Any = True,
                                 seed: Any = None, validation_split: Any = None,
                                 subset: Any = None, interpolation: str = "bilinear",
                                 follow_links: Any = False, crop_to_aspect_ratio: Any = False,
                                 pad_to_aspect_ratio: Any = False, data_format: Any = None,
                                 verbose: Any = True) -> Any:
    """A dataset of image batches from a directory with one subdirectory per class.

    Args:
        directory: The directory. With `labels = "inferred"`, each subdirectory is a class;
            classes are numbered 0..k-1 in the sorted order of their names.
        labels: "inferred", `NULL` (no labels), or one integer label per file (files in
            sorted order).
        label_mode: "int" (class codes), "categorical" (one-hot), "binary" or `NULL`.
        class_names: The class subdirectories, in label order (default: all, sorted).
        color_mode: "rgb", "rgba" or "grayscale".
        batch_size: Images per batch (`NULL`: unbatched).
        image_size: `c(height, width)` the images are resized to.
        shuffle: Whether to shuffle the files.
        seed: Random seed for shuffling and splitting.
        validation_split: Fraction of files held out for validation.
        subset: "training", "validation" or "both" (a list of the two datasets).
        interpolation: Resampling when resizing.
        follow_links: Whether to follow symbolic links.
        crop_to_aspect_ratio: Whether to crop the images to the target aspect ratio.
        pad_to_aspect_ratio: Whether to pad the images to the target aspect ratio.
        data_format: "channels_last" (default) or "channels_first".
        verbose: Whether to report the number of files and classes found.

    Returns:
        A TensorFlow dataset of `list(images, labels)` batches (values 0..255), usable as
        `x` of fit(); its `$class_names` are the classes in label order.
    """
    directory = str(A.scalar(directory))
    made = keras.utils.image_dataset_from_directory(
        directory, labels=_labels(labels), label_mode=label_mode,
        class_names=None if class_names is None else list(np.ravel(class_names)),
        color_mode=color_mode, batch_size=A.as_integer(batch_size, "batch_size"),
        image_size=A.as_int_tuple(image_size, "image_size"), shuffle=A.as_bool(shuffle),
        seed=A.as_integer(seed, "seed"), validation_split=A.as_float(validation_split),
        subset=subset, interpolation=interpolation, follow_links=A.as_bool(follow_links),
        crop_to_aspect_ratio=A.as_bool(crop_to_aspect_ratio),
        pad_to_aspect_ratio=A.as_bool(pad_to_aspect_ratio), data_format=data_format,
        verbose=A.as_bool(verbose))
    return _keep_files(made, "image_dataset_from_directory", directory,
                       (".jpeg", ".jpg", ".png", ".bmp", ".gif"), bool(A.as_bool(follow_links)),
                       "image", _image_reader(color_mode))


def text_dataset_from_directory(directory: Any, labels: Any = "inferred",
                                label_mode: Any = "int", class_names: Any = None,
                                batch_size: Any = 32, max_length: Any = None,
                                shuffle: Any = True, seed: Any = None,
                                validation_split: Any = None, subset: Any = None,
                                follow_links: Any = False, verbose: Any = True) -> Any:
    """A dataset of text batches from a directory with one subdirectory per class.

    Args:
        directory: The directory. With `labels = "inferred"`, each subdirectory is a class;
            classes are numbered 0..k-1 in the sorted order of their names. Only `.txt`
            files are read.
        labels: "inferred", `NULL` (no labels), or one integer label per file.
        label_mode: "int" (class codes), "categorical" (one-hot), "binary" or `NULL`.
        class_names: The class subdirectories, in label order (default: all, sorted).
        batch_size: Texts per batch (`NULL`: unbatched).
        max_length: Longest text kept (in characters); longer ones are truncated.
        shuffle: Whether to shuffle the files.
        seed: Random seed for shuffling and splitting.
        validation_split: Fraction of files held out for validation.
        subset: "training", "validation" or "both" (a list of the two datasets).
        follow_links: Whether to follow symbolic links.
        verbose: Whether to report the number of files and classes found.

    Returns:
        A TensorFlow dataset of `list(texts, labels)` batches; its `$class_names` are the
        classes in label order.
    """
    directory = str(A.scalar(directory))
    made = keras.utils.text_dataset_from_directory(
        directory, labels=_labels(labels), label_mode=label_mode,
        class_names=None if class_names is None else list(np.ravel(class_names)),
        batch_size=A.as_integer(batch_size, "batch_size"),
        max_length=A.as_integer(max_length, "max_length"), shuffle=A.as_bool(shuffle),
        seed=A.as_integer(seed, "seed"), validation_split=A.as_float(validation_split),
        subset=subset, follow_links=A.as_bool(follow_links), verbose=A.as_bool(verbose))
    return _keep_files(made, "text_dataset_from_directory", directory, (".txt",),
                       bool(A.as_bool(follow_links)), "text", tf.io.read_file)


def audio_dataset_from_directory(directory: Any, labels: Any = "inferred",
                                 label_mode: Any = "int", class_names: Any = None,
                                 batch_size: Any = 32, sampling_rate: Any = None,
                                 output_sequence_length: Any = None, ragged: Any = False,
                                 shuffle: Any = True, seed: Any = None,
                                 validation_split: Any = None, subset: Any = None,
                                 follow_links: Any = False, verbose: Any = True) -> Any:
    """A dataset of audio batches from a directory with one subdirectory per class.

    Args:
        directory: The directory. With `labels = "inferred"`, each subdirectory is a class;
            classes are numbered 0..k-1 in the sorted order of their names. Only `.wav`
            files are read.
        labels: "inferred", `NULL` (no labels), or one integer label per file.
        label_mode: "int" (class codes), "categorical" (one-hot), "binary" or `NULL`.
        class_names: The class subdirectories, in label order (default: all, sorted).
        batch_size: Clips per batch (`NULL`: unbatched).
        sampling_rate: The clips' sampling rate, if known (not resampled).
        output_sequence_length: Length clips are cut or zero-padded to (default: the
            longest of each batch).
        ragged: Whether clips keep their own lengths (a ragged tensor).
        shuffle: Whether to shuffle the files.
        seed: Random seed for shuffling and splitting.
        validation_split: Fraction of files held out for validation.
        subset: "training", "validation" or "both" (a list of the two datasets).
        follow_links: Whether to follow symbolic links.
        verbose: Whether to report the number of files and classes found.

    Returns:
        A TensorFlow dataset of `list(audio, labels)` batches, audio of shape
        `c(batch, samples, channels)`; its `$class_names` are the classes in label order.
    """
    directory = str(A.scalar(directory))
    made = keras.utils.audio_dataset_from_directory(
        directory, labels=_labels(labels), label_mode=label_mode,
        class_names=None if class_names is None else list(np.ravel(class_names)),
        batch_size=A.as_integer(batch_size, "batch_size"),
        sampling_rate=A.as_integer(sampling_rate, "sampling_rate"),
        output_sequence_length=A.as_integer(output_sequence_length, "output_sequence_length"),
        ragged=A.as_bool(ragged), shuffle=A.as_bool(shuffle),
        seed=A.as_integer(seed, "seed"), validation_split=A.as_float(validation_split),
        subset=subset, follow_links=A.as_bool(follow_links), verbose=A.as_bool(verbose))
    return _keep_files(made, "audio_dataset_from_directory", directory, (".wav",),
                       bool(A.as_bool(follow_links)), "audio", _wav_reader)


class TimeseriesGenerator(keras.utils.PyDataset):
    """Keras 2's TimeseriesGenerator: batches of windows over a series (0-based indices)."""

    def __init__(self, data: np.ndarray, targets: np.ndarray, length: int,
                 sampling_rate: int, stride: int, start_index: int, end_index: int | None,
                 shuffle: bool, reverse: bool, batch_size: int, seed: int | None):
        super().__init__()
        if len(data) != len(targets):
            raise RkValueError(f"`data` has {len(data)} time steps but `targets` has "
                               f"{len(targets)}: they must be as long.")
        self.data, self.targets = data, targets
        self.length, self.sampling_rate, self.stride = length, sampling_rate, stride
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        if self.start_index > self.end_index:
            raise RkValueError(f"`start_index` + `length` ({self.start_index}) is after "
                               f"`end_index` ({self.end_index}): no window fits.")
        self.shuffle, self.reverse, self.batch_size = shuffle, reverse, batch_size
        self._rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        step = self.batch_size * self.stride
        return (self.end_index - self.start_index + step) // step

    def __getitem__(self, index: int) -> Any:
        if self.shuffle:
            rows = self._rng.integers(self.start_index, self.end_index + 1,
                                      size=self.batch_size)
        else:
            i = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(i, min(i + self.batch_size * self.stride, self.end_index + 1),
                             self.stride)
        samples = np.array([self.data[r - self.length:r:self.sampling_rate] for r in rows])
        if self.reverse:
            samples = samples[:, ::-1, ...]
        return samples, np.array([self.targets[r] for r in rows])

    # stepping through the batches with generator_next(), around again after the last
    def __iter__(self) -> "TimeseriesGenerator":
        return self

    def __next__(self) -> Any:
        self._next = getattr(self, "_next", 0) % len(self)
        self._next += 1
        return self[self._next - 1]


def timeseries_generator(data: Any, targets: Any, length: Any, sampling_rate: Any = 1,
                         stride: Any = 1, start_index: Any = 0, end_index: Any = None,
                         shuffle: Any = False, reverse: Any = False,
                         batch_size: Any = 128, seed: Any = None) -> Any:
    """Batches of windows over a time series (keras 2.x's TimeseriesGenerator).

    Batch `i` (1-based, `gen[[i]]` in R is `gen[i - 1]`) holds windows ending just before
    time steps `start_index + length + (i-1) * batch_size * stride`, ...; each window's
    target is the `targets` row at the step after the window.

    Args:
        data: A vector or matrix (time steps in rows).
        targets: Targets, one per time step (the same number of rows as `data`).
        length: Length of each window (in time steps, before sampling).
        sampling_rate: Steps between samples within a window.
        stride: Steps between successive windows.
        start_index: Time steps before this are not used: a 0-based offset, as in the
            keras 2.x R interface (0 uses the whole series).
        end_index: Last time step used, 0-based as in keras 2.x (default: the last).
        shuffle: Whether to draw windows at random.
        reverse: Whether to give each window's steps in reverse order.
        batch_size: Windows per batch.
        seed: Random seed for `shuffle = TRUE`.

    Returns:
        A generator of `list(windows, targets)` batches, usable as `x` of fit() and
        with `generator_next()`.
    """
    data = np.array(owned(np.asarray(data)), copy=True)
    targets = np.array(np.asarray(targets), copy=True)
    gen = TimeseriesGenerator(
        data, targets, A.as_integer(length, "length"),
        A.as_integer(sampling_rate, "sampling_rate"), A.as_integer(stride, "stride"),
        A.as_integer(start_index, "start_index") or 0,
        A.as_integer(end_index, "end_index"), bool(A.as_bool(shuffle)),
        bool(A.as_bool(reverse)), A.as_integer(batch_size, "batch_size"),
        A.as_integer(seed, "seed"))
    return gen


UTILITIES: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (pad_sequences, normalize, timeseries_dataset_from_array,
                            image_to_array, image_array_resize, image_smart_resize,
                            get_file, image_load, image_array_save,
                            image_dataset_from_directory, text_dataset_from_directory,
                            audio_dataset_from_directory,
                            timeseries_generator)}


def exported() -> dict[str, Callable[..., Any]]:
    return dict(UTILITIES)
