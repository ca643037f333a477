"""The one place that imports TensorFlow/Keras, with the log noise turned down first."""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402  (Keras 3: the same classes tf.keras exposes)
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

# Retracing notices are about Keras internals, not the user's code.
tf.get_logger().setLevel("ERROR")

__all__ = ["keras", "tf", "ops"]
