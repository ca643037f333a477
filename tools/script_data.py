"""Small synthetic stand-ins for the files the keras 2.x example scripts download, written
into a Keras cache (`$KERAS_HOME`) in the exact formats Keras's loaders read.

Used by tools/run_scripts.R so that the scripts run offline and fast: every dataset has the
real file name, layout, dtypes and per-row shapes, but only `rows` training rows (a quarter
of that for testing), so a script's own epochs stay cheap. Labels carry signal (each class
brightens its own band of pixels, or favours its own words), so accuracy printed by a script
that works is well above chance, which makes wrong numbers visible.

    python tools/script_data.py datasets KERAS_HOME [ROWS]   # ROWS "full": see datasets()
    python tools/script_data.py weights KERAS_HOME vgg16 vgg19 inception_v3 mobilenet
    python tools/script_data.py files KERAS_HOME      # get_file() stand-ins (text, images)

`weights` writes random (not ImageNet) weights of the right architecture under the name
Keras's application looks for in `models/`: the scripts run, their pictures are noise.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import pickle
import sys
import tarfile
from typing import Any

import numpy as np

RNG = np.random.default_rng(2024)
WORDS = ("the a of to and in is it that was for on with as his he be at by had not are "
         "but from or have an they which one you were her all she there would their we him "
         "been has when who will more no if out so said what up its about into than them can "
         "only other new some could time these two may then do first any my now such like "
         "our over man me even most made after also did many before must through back years "
         "where much your way well down should because each just those people how too little "
         "state good very make world still own see men work long get here between both life "
         "being under never day same another know while last might us great old year off come "
         "since against go came right used take three").split()


def _images(n: int, shape: tuple[int, ...], classes: int) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images whose class brightens one horizontal band (learnable, not trivial)."""
    y = RNG.integers(0, classes, n).astype(np.uint8)
    x = RNG.integers(0, 160, (n, *shape)).astype(np.uint8)
    rows = shape[0]
    for i, c in enumerate(y):
        start = int(c) * rows // classes
        band = slice(start, start + max(1, rows // classes))
        x[i, band] = np.clip(x[i, band].astype(int) + 70, 0, 255).astype(np.uint8)
    return x, y


def _sequences(n: int, classes: int, vocab: int = 5000) -> tuple[np.ndarray, np.ndarray]:
    """Ragged word-index sequences (object arrays of Python lists, as Keras's files hold)
    whose class shifts the word frequencies."""
    y = RNG.integers(0, classes, n)
    xs = np.empty(n, dtype=object)
    for i, c in enumerate(y):
        length = int(RNG.integers(20, 400))
        words = np.minimum(RNG.zipf(1.3, length), vocab - 1)
        marked = RNG.random(length) < 0.15
        words[marked] = 10 + int(c) * 7 + RNG.integers(0, 7, int(marked.sum()))
        xs[i] = [int(w) for w in np.maximum(words, 1)]
    return xs, y.astype(np.int64)


def _word_index(vocab: int = 5000) -> dict[str, int]:
    return {(WORDS[i - 1] if i <= len(WORDS) else f"word{i}"): i for i in range(1, vocab)}


def _cifar_tar(path: str, folder: str, files: dict[str, dict[bytes, Any]]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, content in files.items():
            data = pickle.dumps(content)
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _cifar_rows(n: int, classes: int) -> tuple[np.ndarray, list[int]]:
    x, y = _images(n, (32, 32, 3), classes)
    # CIFAR's files: one row per image, the channel planes one after another
    return x.transpose(0, 3, 1, 2).reshape(n, 3072), [int(v) for v in y]


def datasets(home: str, rows: int | None) -> None:
    """Every dataset with `rows` training rows (a quarter of that for testing); `None`:
    MNIST and Fashion-MNIST with their real row counts, 60,000 and 10,000 (for the scripts
    that hard-code them), CIFAR-10 with 1,280, the others with 512."""
    d = os.path.join(home, "datasets")
    os.makedirs(os.path.join(d, "fashion-mnist"), exist_ok=True)
    full = rows is None
    rows = 60000 if full else rows
    test = 10000 if full else max(8, rows // 4)

    x_tr, y_tr = _images(rows, (28, 28), 10)
    x_te, y_te = _images(test, (28, 28), 10)
    np.savez(os.path.join(d, "mnist.npz"), x_train=x_tr, y_train=y_tr, x_test=x_te,
             y_test=y_te)

    for part, n in (("train", rows), ("t10k", test)):
        x, y = _images(n, (28, 28), 10)
        with gzip.open(os.path.join(d, "fashion-mnist", f"{part}-labels-idx1-ubyte.gz"),
                       "wb") as f:
            f.write(b"\0" * 8 + y.tobytes())
        with gzip.open(os.path.join(d, "fashion-mnist", f"{part}-images-idx3-ubyte.gz"),
                       "wb") as f:
            f.write(b"\0" * 16 + x.tobytes())

    if full:
        rows, test = 512, 128
    # CIFAR-10: at least 1,280 rows (the keras3 vignettes take the first 1,000)
    per_batch = max(256 if full else 1, rows // 5)
    batches: dict[str, dict[bytes, Any]] = {}
    for i in range(1, 6):
        data, labels = _cifar_rows(per_batch, 10)
        batches[f"data_batch_{i}"] = {b"data": data, b"labels": labels}
    data, labels = _cifar_rows(test, 10)
    batches["test_batch"] = {b"data": data, b"labels": labels}
    _cifar_tar(os.path.join(d, "cifar-10-batches-py-target_archive"), "cifar-10-batches-py",
               batches)
    c100 = {}
    for name, n in (("train", rows), ("test", test)):
        data, fine = _cifar_rows(n, 100)
        c100[name] = {b"data": data, b"fine_labels": fine,
                      b"coarse_labels": [v // 5 for v in fine]}
    _cifar_tar(os.path.join(d, "cifar-100-python-target_archive"), "cifar-100-python", c100)

    x_tr, y_tr = _sequences(rows, 2)
    x_te, y_te = _sequences(test, 2)
    np.savez(os.path.join(d, "imdb.npz"), x_train=x_tr, y_train=y_tr, x_test=x_te,
             y_test=y_te)
    with open(os.path.join(d, "imdb_word_index.json"), "w") as f:
        json.dump(_word_index(), f)
    xs, ys = _sequences(rows + test, 46)
    np.savez(os.path.join(d, "reuters.npz"), x=xs, y=ys)
    with open(os.path.join(d, "reuters_word_index.json"), "w") as f:
        json.dump(_word_index(), f)

    n = rows + test
    x = RNG.normal(size=(n, 13)) * 10 + 20
    y = x[:, :3].sum(axis=1) * 0.3 + RNG.normal(size=n)
    np.savez(os.path.join(d, "boston_housing.npz"), x=x, y=y)
    x = RNG.normal(size=(n, 8))
    np.savez(os.path.join(d, "california_housing.npz"), x=x,
             y=np.abs(x[:, 0] * 1e5 + 2e5))


def _text(n_words: int) -> str:
    words = [WORDS[int(i)] for i in np.minimum(RNG.zipf(1.2, n_words), len(WORDS)) - 1]
    out, line = [], []
    for i, w in enumerate(words):
        line.append(w)
        if len(line) >= 12:
            out.append(" ".join(line) + ("." if i % 3 else ","))
            line = []
    return "\n".join(out) + "\n"


PEOPLE = ("Mary", "John", "Sandra", "Daniel")
PLACES = ("bathroom", "hallway", "garden", "office", "kitchen", "bedroom")
OBJECTS = ("football", "apple", "milk")


def _babi(stories: int, two_facts: bool) -> str:
    """bAbI task text: numbered lines, restarting at 1 for each story; a question line
    holds question, tab, answer, tab, the ids of the supporting facts."""
    out = []
    for _ in range(stories):
        where: dict[str, tuple[str, int]] = {}
        held: dict[str, tuple[str, int]] = {}
        n = 0
        for _q in range(int(RNG.integers(1, 4))):
            for _s in range(int(RNG.integers(2, 4))):
                n += 1
                who = PEOPLE[int(RNG.integers(len(PEOPLE)))]
                if two_facts and where and RNG.random() < 0.3:
                    obj = OBJECTS[int(RNG.integers(len(OBJECTS)))]
                    out.append(f"{n} {who} picked up the {obj} there.")
                    held[obj] = (who, n)
                else:
                    place = PLACES[int(RNG.integers(len(PLACES)))]
                    out.append(f"{n} {who} went to the {place}.")
                    where[who] = (place, n)
            n += 1
            if two_facts and any(w in where for w, _ in held.values()):
                obj = next(o for o, (w, _) in held.items() if w in where)
                who, fact = held[obj]
                place, moved = where[who]
                out.append(f"{n} Where is the {obj}? \t{place}\t{moved} {fact}")
            else:
                who = next(iter(where))
                place, fact = where[who]
                out.append(f"{n} Where is {who}? \t{place}\t{fact}")
    return "\n".join(out) + "\n"


def files(home: str) -> None:
    """Stand-ins for what the scripts fetch with get_file() under a fixed name."""
    d = os.path.join(home, "datasets")
    os.makedirs(d, exist_ok=True)
    with tarfile.open(os.path.join(d, "babi-tasks-v1-2.tar.gz"), "w:gz") as tar:
        for folder, task, two in (("en-10k", "qa1_single-supporting-fact", False),
                                  ("en", "qa1_single-supporting-fact", False),
                                  ("en-10k", "qa2_two-supporting-facts", True),
                                  ("en", "qa2_two-supporting-facts", True)):
            for part, n in (("train", 200), ("test", 50)):
                data = _babi(n, two).encode()
                info = tarfile.TarInfo(f"tasks_1-20_v1-2/{folder}/{task}_{part}.txt")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    with open(os.path.join(d, "quora_duplicate_questions.tsv"), "w") as f:
        f.write("id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n")
        for i in range(400):
            q1 = " ".join(WORDS[int(j)] for j in RNG.integers(0, len(WORDS), 8)) + "?"
            dup = int(RNG.random() < 0.4)
            q2 = q1 if dup else " ".join(WORDS[int(j)] for j in RNG.integers(0, len(WORDS), 8)) + "?"
            f.write(f"{i}\t{2 * i + 1}\t{2 * i + 2}\t{q1}\t{q2}\t{dup}\n")
    with open(os.path.join(d, "nietzsche.txt"), "w") as f:
        f.write(_text(6000))
    from PIL import Image
    img = (RNG.random((240, 320, 3)) * 255).astype(np.uint8)
    Image.fromarray(img).save(os.path.join(d, "paris.jpg"), quality=90)


def weights(home: str, names: list[str]) -> None:
    """Random weights under the file name each application reads with weights="imagenet"
    and include_top = FALSE (and TRUE for the small ones)."""
    from keras import applications
    from keras.src.legacy.saving import legacy_h5_format
    from keras.src.utils import file_utils
    import h5py

    builders = {"vgg16": applications.VGG16, "vgg19": applications.VGG19,
                "inception_v3": applications.InceptionV3,
                "mobilenet": applications.MobileNet}

    class Wanted(Exception):
        pass

    models = os.path.join(home, "models")
    os.makedirs(models, exist_ok=True)
    for name in names:
        for top in (False,):
            seen: dict[str, str] = {}

            def record(fname: str, *a: Any, **k: Any) -> str:
                seen["fname"] = fname
                raise Wanted

            saved, file_utils.get_file = file_utils.get_file, record
            try:
                builders[name](include_top=top, weights="imagenet")
            except Wanted:
                pass
            finally:
                file_utils.get_file = saved
            target = os.path.join(models, seen["fname"])
            if os.path.exists(target):
                continue
            model = builders[name](include_top=top, weights=None)
            with h5py.File(target + ".part", "w") as f:
                legacy_h5_format.save_weights_to_hdf5_group(f, model)
            os.replace(target + ".part", target)


if __name__ == "__main__":
    what, home = sys.argv[1], sys.argv[2]
    if what == "datasets":
        size = sys.argv[3] if len(sys.argv) > 3 else "512"
        datasets(home, None if size == "full" else int(size))
    elif what == "files":
        files(home)
    elif what == "weights":
        weights(home, sys.argv[3:])
    else:
        raise SystemExit(f"unknown target {what!r}")
