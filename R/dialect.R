#' keras 2.x or keras3 meanings: the dialect
#'
#' Where the keras 2.x R interface (`library(keras)`) and keras3 (`library(keras3)`) give one
#' name different meanings, rkbridge gives keras3's, and `options(rkbridge.dialect = "keras2")`
#' gives the keras 2.x one, for every such name at once:
#' * [fit()]: `epochs` defaults to 1 (keras3) or 10 (keras2); `initial_epoch` is 1-based, the
#'   epoch to start at (keras3), or 0-based, the epochs already done (keras2).
#' * Axis arguments that keras 2.x passed to Keras unchanged, 0-based:
#'   `layer_concatenate(axis)`, `layer_dot(axes)`, `layer_activation_softmax(axis)`,
#'   `activation_softmax(axis)`, `layer_layer_normalization(axis)`,
#'   `layer_activation_parametric_relu(shared_axes)` and `constraint_*(axis)`. Under keras3
#'   they are 1-based (1 is the batch axis, -1 the last), like every other axis; one of the
#'   first six given the batch axis is an error (a warning for `activation_softmax()`) that
#'   names both rules, so a keras 2.x script never silently builds a different model.
#'
#' `options(rkbridge.axis = )` is an older name of the same option. Unset, the engine's
#' default applies: the environment variable `RKBRIDGE_DIALECT` (or `RKBRIDGE_AXIS`), else
#' "keras3". From Python: `rkbridge.set_dialect("keras2")`.
#' @name rkbridge_dialect
#' @examples
#' if (rkbridge_available()) {
#'   old <- options(rkbridge.dialect = "keras2")
#'   layer_layer_normalization(axis = 1)  # the features, as in a keras 2.x script
#'   options(old)
#' }
NULL
