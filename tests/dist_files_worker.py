"""One worker of the tests of training from files (tests/test_distributed_files.py).

`rows DIR`: the cluster comes from SLURM's environment (given by the test); the worker
reports the row ids it reads from DIR's CSV shards under each auto-shard policy, then
trains on DIR's TFRecord and CSV shards and reports its weights and losses.
`memory CSV_GLOB`: the only worker of a one-worker cluster trains one epoch from the CSV
files and reports its peak resident set size."""
import json
import resource
import sys

import rkbridge as rk
from rkbridge._keras import keras, tf
from rkbridge.datautils import tfdatasets as T

FEATURES = 20


def model_for(strategy):
    with strategy.scope():
        model = rk.keras_model_sequential()
        rk.layer_dense(model, units=16, activation="relu", input_shape=[FEATURES])
        rk.layer_dense(model, units=1)
        rk.compile(model, optimizer=rk.optimizer_sgd(learning_rate=0.01), loss="mse")
    return model


def csv_rows(pattern, batch):
    """(features, target) batches of the CSV shards: columns id, f1..f20, target."""
    def pack(cols, target):
        x = tf.stack([tf.cast(cols[f"f{i}"], "float32") for i in range(1, FEATURES + 1)], 1)
        return x, tf.cast(tf.expand_dims(target, 1), "float32")
    return T.dataset_batch(T.csv_dataset(pattern, label_name="target"), batch).map(pack)


def seen_ids(strategy, pattern, policy):
    ds = T.dataset_batch(T.dataset_map(T.csv_dataset(pattern, label_name="target"),
                                       lambda cols, target: cols["id"]), 8)
    if policy is not None:
        ds = T.dataset_options(ds, **{"experimental_distribute.auto_shard_policy": policy})
    ids = []
    for batch in strategy.experimental_distribute_dataset(ds):
        for part in strategy.experimental_local_results(batch):
            ids += part.numpy().tolist()
    return ids


def rows(out, directory, port):
    keras.utils.set_random_seed(7)
    strategy = rk.strategy_multi_worker(timeout=60, port=port)
    res = {"from": strategy._rk_cluster_from, "chief": rk.strategy_is_chief()}
    pattern = f"{directory}/*.csv"
    res["auto"] = seen_ids(strategy, pattern, None)
    res["data"] = seen_ids(strategy, pattern, "data")
    model = model_for(strategy)
    w0 = model.get_weights()
    records = T.tfrecord_dataset(T.file_list_dataset(f"{directory}/*.tfrecord"),
                                 features=json.load(open(f"{directory}/features.json")))
    records = records.map(lambda r: (r["x"], tf.expand_dims(r["y"], 0))).batch(16)
    res["tfrecord_loss"] = rk.fit(model, records, epochs=2, verbose=0).metrics["loss"].tolist()
    res["tfrecord_weights"] = [w.tolist() for w in model.get_weights()]
    model.set_weights(w0)
    res["csv_loss"] = rk.fit(model, csv_rows(pattern, 16), epochs=2,
                             verbose=0).metrics["loss"].tolist()
    res["csv_weights"] = [w.tolist() for w in model.get_weights()]
    json.dump(res, open(out, "w"))


def memory(out, pattern, port):
    strategy = rk.strategy_multi_worker(cluster=[f"localhost:{port}"], task=1, timeout=60)
    model = model_for(strategy)
    h = rk.fit(model, csv_rows(pattern, 256), epochs=1, verbose=0)
    json.dump({"loss": h.metrics["loss"].tolist(), "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss},
              open(out, "w"))


if __name__ == "__main__":
    {"rows": rows, "memory": memory}[sys.argv[1]](sys.argv[2], sys.argv[3], int(sys.argv[4]))
