# Keras objects that are called like functions (regularizers, initializers, constraints,
# losses, metrics, learning rate schedules) become R functions whose arguments go through
# rkbridge's conversion (reticulate alone cannot pass R arrays to NumPy 2), as layers do in
# methods.R.

callable_wrapper <- function(x) {
  force(x)
  function(...) rk_call_object(x, list(...))
}

#' @method py_to_r_wrapper keras.src.regularizers.regularizers.Regularizer
#' @export
py_to_r_wrapper.keras.src.regularizers.regularizers.Regularizer <- function(x)
  callable_wrapper(x)

#' @method py_to_r_wrapper keras.src.initializers.initializer.Initializer
#' @export
py_to_r_wrapper.keras.src.initializers.initializer.Initializer <- function(x)
  callable_wrapper(x)

#' @method py_to_r_wrapper keras.src.constraints.constraints.Constraint
#' @export
py_to_r_wrapper.keras.src.constraints.constraints.Constraint <- function(x)
  callable_wrapper(x)

#' @method py_to_r_wrapper keras.src.losses.loss.Loss
#' @export
py_to_r_wrapper.keras.src.losses.loss.Loss <- function(x) callable_wrapper(x)

#' @method py_to_r_wrapper keras.src.metrics.metric.Metric
#' @export
py_to_r_wrapper.keras.src.metrics.metric.Metric <- function(x) callable_wrapper(x)

#' @method py_to_r_wrapper keras.src.optimizers.schedules.learning_rate_schedule.LearningRateSchedule
#' @export
py_to_r_wrapper.keras.src.optimizers.schedules.learning_rate_schedule.LearningRateSchedule <-
  function(x) callable_wrapper(x)
