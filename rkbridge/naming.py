"""How Keras class names become R function names (`Conv2D` -> `conv_2d`): one rule plus the
exceptions the R interface to Keras established."""
from __future__ import annotations

import re

_TOKEN = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|\d+D?")


def snake(name: str) -> str:
    return "_".join(t.lower() for t in _TOKEN.findall(name))


# Names the R interface to Keras chose differently from the mechanical rule.
LAYER_NAME_EXCEPTIONS: dict[str, str] = {
    "PReLU": "layer_activation_parametric_relu",
    "LeakyReLU": "layer_activation_leaky_relu",
    "ReLU": "layer_activation_relu",
    "ELU": "layer_activation_elu",
    "Softmax": "layer_activation_softmax",
    "UpSampling1D": "layer_upsampling_1d",
    "UpSampling2D": "layer_upsampling_2d",
    "UpSampling3D": "layer_upsampling_3d",
    "Bidirectional": "bidirectional",
    "TimeDistributed": "time_distributed",
    "STFTSpectrogram": "layer_stft_spectrogram",
    "RMSNormalization": "layer_rms_normalization",
    "TFSMLayer": "layer_tfsm",
    "ContrastLimitedAdaptiveHistogramEqualization": "layer_clahe",
}

OPTIMIZER_NAME_EXCEPTIONS: dict[str, str] = {
    "RMSprop": "optimizer_rmsprop",
    "AdamW": "optimizer_adam_w",
    "LossScaleOptimizer": "optimizer_loss_scale",
}


def layer_r_name(class_name: str) -> str:
    return LAYER_NAME_EXCEPTIONS.get(class_name, "layer_" + snake(class_name))


def optimizer_r_name(class_name: str) -> str:
    return OPTIMIZER_NAME_EXCEPTIONS.get(class_name, "optimizer_" + snake(class_name))

