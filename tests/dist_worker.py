"""One worker of the multi-worker tests (tests/test_distributed.py): trains the seed MLP's
shape on fixed data with rkbridge's Python API and writes its history and weights."""
import json
import sys

import numpy as np

import rkbridge as rk
from rkbridge._keras import keras, tf


def main(out: str, cluster: str, index: int, timeout: float) -> None:
    keras.utils.set_random_seed(7)
    strategy = rk.strategy_multi_worker(cluster=cluster.split(","), task=index,
                                        timeout=timeout)
    with strategy.scope():
        model = rk.keras_model_sequential()
        rk.layer_dense(model, units=16, activation="relu", input_shape=[20])
        rk.layer_dense(model, units=10, activation="softmax")
        rk.compile(model, optimizer=rk.optimizer_sgd(learning_rate=0.1),
                   loss="categorical_crossentropy", metrics="accuracy")
    rng = np.random.default_rng(0)
    x = rng.random((256, 20))
    y = np.eye(10)[rng.integers(0, 10, 256)]
    w0 = model.get_weights()
    h = rk.fit(model, x, y, epochs=3, batch_size=64, shuffle=False, verbose=0)
    ev = rk.evaluate(model, x, y, batch_size=64)
    p = rk.predict(model, x[:5])
    weights = model.get_weights()
    # the same global batches from a tf.data dataset and from a Python generator
    model.set_weights(w0)
    ds = tf.data.Dataset.from_tensor_slices((x.astype("float32"), y.astype("float32")))
    by_dataset = rk.fit(model, ds.batch(64), epochs=3, verbose=0).metrics["loss"].tolist()
    model.set_weights(w0)
    gen = ((x[i % 4 * 64:(i % 4 + 1) * 64], y[i % 4 * 64:(i % 4 + 1) * 64])
           for i in range(12))
    by_generator = rk.fit(model, gen, steps_per_epoch=4, epochs=3,
                          verbose=0).metrics["loss"].tolist()
    with open(out, "w") as f:
        json.dump({"loss": h.metrics["loss"].tolist(), "accuracy": h.metrics["accuracy"].tolist(),
                   "weights": [w.tolist() for w in weights], "evaluate": ev,
                   "by_dataset": by_dataset, "by_generator": by_generator,
                   "predict": np.asarray(p).tolist(), "chief": rk.strategy_is_chief()}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
