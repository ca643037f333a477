"""Plain Keras baselines for benchmarks/bench_speed.R: the same work done the way a Python
user would, with no rkbridge involved. Imported by the R script (same process, through
reticulate) for the in-process figures; run as a script for the cold-start baseline:

    python benchmarks/bench_speed_baseline.py cold     # import Keras, build & compile the seed MLP
"""
from __future__ import annotations

import sys
import time


def seed_mlp():
    """The MLP of the seed example 01_mlp_multiclass.R, compiled the same way."""
    import keras
    model = keras.Sequential([
        keras.Input((20,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.01, momentum=0.9,
                                                 nesterov=True),
                  metrics=["accuracy"])
    return model


def as_float32(x):
    import numpy as np
    return np.ascontiguousarray(x, dtype="float32")


def as_c_order(x):
    """A C-ordered copy, as a Python user's own array would be."""
    import numpy as np
    return np.ascontiguousarray(x)


def predict(model, x):
    return model.predict(x, verbose=0)


def predict_s(model, x) -> float:
    s = time.perf_counter()
    model.predict(x, verbose=0)
    return time.perf_counter() - s


def fit_s(x, y, epochs: int = 20, batch_size: int = 128) -> float:
    model = seed_mlp()
    s = time.perf_counter()
    model.fit(x, y, epochs=int(epochs), batch_size=int(batch_size), verbose=0)
    return time.perf_counter() - s


def one_batch_s(model, x, reps: int = 40) -> float:
    """The fastest way a Python user predicts one batch: the median of `predict_on_batch()`
    and of `model(x)` (converted to NumPy), taking the quicker of the two."""
    import statistics
    import numpy as np
    best = []
    for f in (lambda: model.predict_on_batch(x), lambda: np.asarray(model(x, training=False))):
        f()
        times = []
        for _ in range(int(reps)):
            s = time.perf_counter()
            f()
            times.append(time.perf_counter() - s)
        best.append(statistics.median(times))
    return min(best)


def one_batch_block_s(model, x, reps: int = 40) -> float:
    """As one_batch_s(), timed as a block of `reps` calls (seconds per call): the form the
    R side can be timed in too, without a clock call of its own inside each interval."""
    import numpy as np
    best = []
    for f in (lambda: model.predict_on_batch(x), lambda: np.asarray(model(x, training=False))):
        f()
        s = time.perf_counter()
        for _ in range(int(reps)):
            f()
        best.append((time.perf_counter() - s) / int(reps))
    return min(best)


def evaluate_s(model, x, y, batch_size: int = 128) -> float:
    s = time.perf_counter()
    model.evaluate(x, y, batch_size=int(batch_size), verbose=0)
    return time.perf_counter() - s


def _mlp(inputs: int, hidden: int):
    import keras
    model = keras.Sequential([
        keras.Input((inputs,)),
        keras.layers.Dense(hidden, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def big_mlp():
    """The model of the big fit: 784 inputs (an MNIST-sized matrix), one hidden layer."""
    return _mlp(784, 128)


def batch_mlp():
    """The model trained batch by batch: 100 inputs, as bench_speed.R's batch_mlp()."""
    return _mlp(100, 64)


def big_fit_s(x, y) -> float:
    """One epoch of big_mlp() on `x`, `y` with 20% held out, as bench_speed.R runs it."""
    model = big_mlp()
    s = time.perf_counter()
    model.fit(x, y, epochs=1, batch_size=128, validation_split=0.2, verbose=0)
    return time.perf_counter() - s


def train_on_batch_block_s(model, x, y, reps: int = 40) -> float:
    """Seconds per `train_on_batch()` call, timed as a block of `reps` calls."""
    model.train_on_batch(x, y, return_dict=True)
    s = time.perf_counter()
    for _ in range(int(reps)):
        model.train_on_batch(x, y, return_dict=True)
    return (time.perf_counter() - s) / int(reps)


def first_calls_s(x, y) -> list:
    """Seconds of the first `predict_on_batch()` (one row) and `train_on_batch()` of a fresh
    batch_mlp(): what a script's first call waits for (tracing included)."""
    model = batch_mlp()
    s = time.perf_counter()
    model.predict_on_batch(x[:1])
    p = time.perf_counter() - s
    s = time.perf_counter()
    model.train_on_batch(x, y, return_dict=True)
    return [p, time.perf_counter() - s]


def peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024


def big_fit_peak() -> None:
    """The big fit in a fresh process, as a Python user runs it (float64 data in C order,
    the R side's dtype): prints the peak resident memory in MB."""
    import numpy as np
    rng = np.random.default_rng(1)
    x = rng.random((60000, 784))
    y = np.eye(10)[rng.integers(0, 10, 60000)]
    big_fit_s(x[:512], y[:512])  # warm-up, as the R side's
    big_fit_s(x, y)
    print(f"{peak_rss_mb():.1f}")


if __name__ == "__main__" and sys.argv[1:] == ["cold"]:
    seed_mlp()
if __name__ == "__main__" and sys.argv[1:] == ["bigfit"]:
    big_fit_peak()
