# Custom callbacks written in R: R6 classes inheriting KerasCallback, or new_callback_class().
# The engine (rkbridge/training/callbacks.py) runs them as Keras callbacks; here the R object's own
# methods are only collected and forwarded.

callback_hooks <- c("on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end",
                    "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
                    "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end",
                    "on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
                    "on_predict_begin", "on_predict_end")

#' @importFrom stats setNames
NULL

no_op_hooks <- setNames(lapply(callback_hooks, function(h) {
  if (grepl("epoch|batch", h)) function(index, logs = NULL) invisible(NULL)
  else function(logs = NULL) invisible(NULL)
}), callback_hooks)

#' Base class of custom callbacks written in R
#'
#' Inherit from `KerasCallback` with [R6::R6Class()] and override the methods (hooks) you
#' need: `on_epoch_begin(epoch, logs)`, `on_epoch_end(epoch, logs)`,
#' `on_batch_begin(batch, logs)`, `on_batch_end(batch, logs)` (training batches),
#' `on_train_batch_begin/end`, `on_test_batch_begin/end`, `on_predict_batch_begin/end`,
#' `on_train_begin(logs)`, `on_train_end(logs)`, and the `test`/`predict` equivalents.
#' Epoch and batch numbers are 1-based, as in the history of [fit()]; `logs` is a named list
#' of the current metric values. During training the fields `self$params` (a named list:
#' `epochs`, `steps`, `verbose`) and `self$model` (the model being trained) are set.
#' Pass an instance (`MyCallback$new()`) in the `callbacks` list of [fit()].
#'
#' @format An [R6::R6Class()] generator.
#' @seealso [new_callback_class()] for the same without R6 syntax.
#' @examples
#' if (rkbridge_available()) {
#'   LossHistory <- R6::R6Class("LossHistory", inherit = KerasCallback,
#'     public = list(
#'       losses = NULL,
#'       on_epoch_end = function(epoch, logs = NULL) {
#'         self$losses <- c(self$losses, logs$loss)
#'       }))
#'   history <- LossHistory$new()
#'   model <- keras_model_sequential(input_shape = c(2)) %>% layer_dense(units = 1)
#'   model %>% compile(optimizer = "sgd", loss = "mse")
#'   x <- matrix(runif(20), ncol = 2)
#'   fit(model, x, rowSums(x), epochs = 3, verbose = 0, callbacks = list(history))
#'   history$losses
#' }
#' @export
KerasCallback <- R6::R6Class("KerasCallback", public = c(list(
  params = NULL,
  model = NULL,
  set_context = function(params = NULL, model = NULL) {
    self$params <- params
    self$model <- model
    invisible(self)
  }), no_op_hooks))

#' Define a custom callback class from R functions
#'
#' A shorter way to write an R6 subclass of [KerasCallback]: the hooks are given as
#' arguments. Inside them `self` is the callback (`self$model`, `self$params`, and any fields
#' you add), epoch and batch numbers are 1-based, and `logs` is a named list.
#'
#' @param classname Name of the class.
#' @param ... Named methods (hooks such as `on_epoch_end = function(epoch, logs) ...`,
#'   `initialize`, or your own helpers) and fields.
#' @param private A named list of private members; every method sees `private`, an
#'   environment per instance for state that is not the callback's (`private$n <- 1`).
#' @return A function that creates callbacks of the new class; its arguments go to the
#'   class's `initialize` method.
#' @examples
#' if (rkbridge_available()) {
#'   EpochPrinter <- new_callback_class("EpochPrinter",
#'     on_epoch_end = function(epoch, logs = NULL) {
#'       cat("epoch", epoch, "of", self$params$epochs, "loss", logs$loss, "\n")
#'     })
#'   model <- keras_model_sequential(input_shape = c(2)) %>% layer_dense(units = 1)
#'   model %>% compile(optimizer = "sgd", loss = "mse")
#'   x <- matrix(runif(20), ncol = 2)
#'   fit(model, x, rowSums(x), epochs = 2, verbose = 0, callbacks = list(EpochPrinter()))
#' }
#' @export
new_callback_class <- function(classname, ..., private = list()) {
  members <- list(...)
  if (length(members) && (is.null(names(members)) || any(!nzchar(names(members)))))
    stop(rk_condition("new_callback_class(): every method must be named.",
                      "rkbridge_value_error"))
  # R6 gives methods `private` only when the class declares a private member
  generator <- R6::R6Class(classname, inherit = KerasCallback, public = members,
                           private = c(list(.rk_private = NULL), private),
                           lock_objects = FALSE)
  function(...) generator$new(...)
}

# An R6 callback -> the engine's callback: its overridden hooks and its set_context method.
r6_callback_to_py <- function(x) {
  hooks <- list()
  for (h in callback_hooks) {
    f <- x[[h]]
    if (is.function(f) && !identical(body(f), body(no_op_hooks[[h]])))
      hooks[[h]] <- without_value(f)
  }
  rk_call("callback_r", list(hooks = hooks, set_context = without_value(x$set_context)))
}

# Hooks are called for their effect; what they return (often `self`, an environment) must
# not travel back to Python.
without_value <- function(f) {
  force(f)
  function(...) {
    f(...)
    NULL
  }
}
