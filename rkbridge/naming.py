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


# keras.applications builders: the R interface runs architecture names together and splits
# off version suffixes (ResNet50V2 -> application_resnet50_v2, MobileNetV3Large ->
# application_mobilenet_v3_large, EfficientNetV2B0 -> application_efficientnet_v2b0).
_APPLICATION_WORDS = (("InceptionResNet", "inception_resnet_"), ("EfficientNet", "efficientnet_"),
                      ("ConvNeXt", "convnext_"), ("MobileNet", "mobilenet_"),
                      ("Inception", "inception_"), ("DenseNet", "densenet"),
                      ("NASNet", "nasnet"), ("ResNet", "resnet"))


def application_r_name(function_name: str) -> str:
    name = function_name
    for word, r_word in _APPLICATION_WORDS:
        name = name.replace(word, r_word)
    name = name.lower()
    name = re.sub(r"(\d)(v\d)", r"\1_\2", name)        # resnet50v2 -> resnet50_v2
    name = re.sub(r"(v\d)(large|small)", r"\1_\2", name)  # v3large -> v3_large
    return "application_" + name.strip("_")
