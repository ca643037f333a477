"""One worker of the fault-tolerance test (tests/test_distributed_faults.py): trains with
callback_backup_and_restore() under a MultiWorkerMirroredStrategy; with `kill_after` >= 0,
worker 2 dies (os._exit) at the end of that epoch, as a lost machine would."""
import json
import os
import sys

import numpy as np

import rkbridge as rk
from rkbridge._keras import keras


class Die(keras.callbacks.Callback):
    def __init__(self, epoch: int) -> None:
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            os._exit(3)


def main(out: str, cluster: str, index: int, backup: str, kill_after: int,
         epochs: int) -> None:
    keras.utils.set_random_seed(7)
    strategy = rk.strategy_multi_worker(cluster=cluster.split(","), task=index, timeout=30)
    with strategy.scope():
        model = rk.keras_model_sequential()
        rk.layer_dense(model, units=16, activation="relu", input_shape=[20])
        rk.layer_dense(model, units=10, activation="softmax")
        rk.compile(model, optimizer=rk.optimizer_sgd(learning_rate=0.1, momentum=0.9),
                   loss="categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.random((256, 20))
    y = np.eye(10)[rng.integers(0, 10, 256)]
    cbs = [keras.callbacks.BackupAndRestore(backup)]
    if kill_after >= 0 and index == 2:
        cbs.append(Die(kill_after))
    h = rk.fit(model, x, y, epochs=epochs, batch_size=64, shuffle=False, verbose=0,
               callbacks=cbs)
    with open(out, "w") as f:
        json.dump({"loss": list(map(float, h.metrics["loss"])), "epochs": model.history.epoch,
                   "weights": [w.tolist() for w in model.get_weights()]}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]),
         int(sys.argv[6]))
