"""The engine side of the wider Keras surface: declared argument rules, the new families,
callbacks calling user functions with 1-based numbers, k_*() axes, utilities."""
from __future__ import annotations

import numpy as np
import pytest

from rkbridge import api
from rkbridge.wrappers import args as A, backend, families
from rkbridge.training import callbacks
from rkbridge.errors import RkNetworkError, RkTypeError, RkValueError

API = api.API


def test_declared_rules_convert_r_values():
    out = A.normalize({"units": 32.0, "kernel_size": np.array([3.0, 3.0]),
                       "input_shape": [np.nan, 3.0], "axis": 2.0, "rate": 0.5,
                       "target_class_ids": 0.0, "output_size": 2.0, "other": np.array([7.0])})
    assert out == {"units": 32, "kernel_size": (3, 3), "input_shape": (None, 3), "axis": 1,
                   "rate": 0.5, "target_class_ids": [0], "output_size": 2, "other": 7.0}
    assert isinstance(out["units"], int)
    with pytest.raises(RkValueError, match="whole number"):
        A.normalize({"units": 2.5})
    with pytest.raises(RkValueError, match="1-based"):
        A.normalize({"axis": 0})


def test_family_names_follow_the_r_interface():
    assert families.SPECS["regularizer_l1_l2"].cls.__name__ == "L1L2"
    assert families.SPECS["constraint_maxnorm"].cls.__name__ == "MaxNorm"
    assert families.SPECS["initializer_identity"].cls.__name__ == "Identity"
    assert families.SPECS["initializer_stft"].cls.__name__ == "STFT"
    assert families.SPECS["learning_rate_schedule_cosine_decay"].cls.__name__ == "CosineDecay"
    assert families.SPECS["activation_relu6"].func.__name__ == "relu6"
    assert families.SPECS["metric_mean_wrapper"].cls.__name__ == "MeanMetricWrapper"


def test_families_build_configured_objects():
    reg = API["regularizer_l1_l2"](l1=0.5, l2=0.25)
    assert reg.get_config() == {"l1": 0.5, "l2": 0.25}
    assert float(reg(np.full((2, 2), 2.0, dtype="float32"))) == pytest.approx(4 * (1 + 1))
    init = API["initializer_constant"](value=3.0)
    assert np.all(np.asarray(init((2, 2))) == 3)
    assert API["constraint_nonneg"]()(np.array([-1.0, 2.0])).numpy().tolist() == [0, 2]
    sched = API["learning_rate_schedule_piecewise_constant_decay"](boundaries=5.0,
                                                                   values=[0.1, 0.01])
    assert float(sched(6)) == pytest.approx(0.01)
    # positional arguments bind in the Keras order
    sched = API["learning_rate_schedule_exponential_decay"](0.1, 10.0, 0.5)
    assert float(sched(10)) == pytest.approx(0.05)


def test_activations_compute_or_return_the_function():
    relu = API["activation_relu"]
    assert relu() is families.SPECS["activation_relu"].func
    assert np.asarray(relu(np.array([-1.0, 2.0]))).tolist() == [0, 2]
    leaky = relu(negative_slope=0.5)
    assert np.asarray(leaky(np.array([-2.0]))).tolist() == [-1.0]
    with pytest.warns(UserWarning, match="batch axis under the keras3 rule"):
        soft = API["activation_softmax"](np.array([[0.0, 0.0], [0.0, 0.0]]), axis=1.0)
    assert np.allclose(np.asarray(soft), 0.5)  # axis 1 (R) is the batch axis


def test_uncalled_wrappers_resolve_in_layers(rk):
    from rkbridge.values import Named
    layer = API["layer_dense"](units=2.0, activation=Named("activation_tanh"),
                               kernel_regularizer=Named("regularizer_l2"))
    assert layer.activation is families.SPECS["activation_tanh"].func
    assert type(layer.kernel_regularizer).__name__ == "L2"


def _tiny(rk):
    model = rk.keras_model_sequential(input_shape=[2])
    rk.layer_dense(model, units=1.0)
    rk.compile(model, optimizer="sgd", loss="mse")
    x = np.arange(16, dtype="float64").reshape(8, 2) / 16
    return model, x, x.sum(axis=1, keepdims=True)


def test_lambda_hooks_get_one_based_numbers_and_plain_logs(rk):
    model, x, y = _tiny(rk)
    epochs, batches = [], []
    cb = API["callback_lambda"](on_epoch_end=lambda e, logs: epochs.append((e, logs)),
                                on_batch_end=lambda b: batches.append(b))
    rk.fit(model, x, y, epochs=2.0, batch_size=4.0, verbose=0, callbacks=[cb])
    assert [e for e, _ in epochs] == [1, 2]
    assert batches == [1, 2, 1, 2]
    assert isinstance(epochs[0][1]["loss"], float)


def test_scheduler_sees_one_based_epochs(rk):
    model, x, y = _tiny(rk)
    seen = []

    def schedule(epoch, lr):
        seen.append(epoch)
        return 0.1 * epoch
    rk.fit(model, x, y, epochs=3.0, verbose=0,
           callbacks=[API["callback_learning_rate_scheduler"](schedule)])
    assert seen == [1, 2, 3]
    assert float(model.optimizer.learning_rate) == pytest.approx(0.3)
    bad = API["callback_learning_rate_scheduler"](lambda epoch: "fast")
    with pytest.raises(RkValueError, match="one number"):
        rk.fit(model, x, y, epochs=1.0, verbose=0, callbacks=[bad])


def test_r_callback_hooks_and_context(rk):
    model, x, y = _tiny(rk)
    log = []
    cb = callbacks.callback_r(
        {"on_epoch_begin": lambda e, logs: log.append(("begin", e)),
         "on_train_end": lambda logs: log.append(("end",))},
        set_context=lambda params, m: log.append(("context", params["epochs"], m is model)))
    rk.fit(model, x, y, epochs=2.0, verbose=0, callbacks=[cb])
    assert log == [("context", 2, True), ("begin", 1), ("begin", 2), ("end",)]
    with pytest.raises(RkTypeError, match="not a callback method"):
        callbacks.callback_r({"on_epoch_middle": print})


def test_k_ops_use_one_based_axes():
    m = np.arange(1.0, 7.0).reshape(2, 3, order="F")
    assert np.asarray(API["k_sum"](m, axis=1.0)).tolist() == m.sum(axis=0).tolist()
    assert np.asarray(API["k_sum"](m, axis=-1.0)).tolist() == m.sum(axis=1).tolist()
    assert API["k_permute_dimensions"](np.zeros((2, 3, 4)), pattern=[1.0, 3.0, 2.0]).shape \
        == (2, 4, 3)
    assert tuple(API["k_batch_flatten"](np.zeros((2, 3, 4))).shape) == (2, 12)
    assert API["k_moments"](m, axes=2.0)[0].shape == (2,)
    assert API["k_constant"](m).dtype == "float32"  # R doubles -> floatx, as in Keras 2
    with pytest.raises(RkValueError, match="1-based"):
        API["k_mean"](m, axis=0.0)
    for r_name, spec in backend.K_OPS.items():
        assert spec.target() is not None, f"k_{r_name}: keras.{spec.path} is gone"


def test_utilities():
    p = API["pad_sequences"]([np.array([1.0, 2.0, 3.0]), 4.0], maxlen=2.0)
    assert p.tolist() == [[2, 3], [0, 4]]
    n = API["normalize"](np.array([[3.0, 0.0], [4.0, 1.0]]), axis=1.0)
    assert np.allclose(n, [[0.6, 0.0], [0.8, 1.0]])
    assert API["image_array_resize"](np.zeros((4, 4, 3)), 2.0, 3.0).shape == (2, 3, 3)
    with pytest.raises(RkNetworkError, match="Could not download"):
        API["get_file"]("absent.zip", origin="file:///nonexistent/absent.zip",
                        cache_dir="/nonexistent")
    with pytest.raises(RkValueError, match="1-based"):
        API["timeseries_dataset_from_array"](np.zeros((5, 1)), None, 2.0, start_index=0.0)
