# Keras objects that are called like functions (regularizers, initializers, constraints,
# losses, metrics, learning rate schedules) become R functions whose arguments go through
# rkbridge's conversion (reticulate alone cannot pass R arrays to NumPy 2), as layers do in
# methods.R. The methods are registered when reticulate loads (see R/zzz.R).

callable_wrapper <- function(x) {
  force(x)
  function(...) rk_call_object(x, list(...))
}

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.regularizers.regularizers.Regularizer)
py_to_r_wrapper.keras.src.regularizers.regularizers.Regularizer <- function(x)
  callable_wrapper(x)

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.initializers.initializer.Initializer)
py_to_r_wrapper.keras.src.initializers.initializer.Initializer <- function(x)
  callable_wrapper(x)

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.constraints.constraints.Constraint)
py_to_r_wrapper.keras.src.constraints.constraints.Constraint <- function(x)
  callable_wrapper(x)

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.losses.loss.Loss)
py_to_r_wrapper.keras.src.losses.loss.Loss <- function(x) callable_wrapper(x)

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.metrics.metric.Metric)
py_to_r_wrapper.keras.src.metrics.metric.Metric <- function(x) callable_wrapper(x)

#' @rawNamespace S3method(reticulate::py_to_r_wrapper, keras.src.optimizers.schedules.learning_rate_schedule.LearningRateSchedule)
py_to_r_wrapper.keras.src.optimizers.schedules.learning_rate_schedule.LearningRateSchedule <-
  function(x) callable_wrapper(x)
