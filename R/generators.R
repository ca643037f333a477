# Data that comes batch by batch (rkbridge/training/generators.py): R generator functions as `x` or
# `validation_data` of fit(), evaluate() and predict(), and the keras 2.x *_generator() names.

# An R generator function, ready for the engine: each call's batch (`list(x, y)`, ...) goes
# through the array transport (reticulate alone cannot hand R arrays to NumPy 2), and an
# error in it names the generator as the user wrote it.
as_batch_source <- function(x, expr, arg, fn) {
  if (!is.function(x) || inherits(x, "python.builtin.object")) return(x)
  force(x)
  label <- sprintf("the generator `%s` (`%s` of %s())",
                   paste(deparse(expr, width.cutoff = 60L), collapse = " "), arg, fn)
  bridge()$r_function(function() rk_to_engine(x()), label = label)
}

# The keras 2.x R interface deprecated the *_generator() functions (fit() and friends take
# generators); they still work, with its warning.
deprecated_generator_function <- function(fn) {
  warning(sprintf("`%s_generator()` is deprecated: use %s(), which takes generators.", fn, fn),
          call. = FALSE)
}

generator_args <- function(args, x_expr, val_expr, fn) {
  if (!is.null(args$x)) args$x <- as_batch_source(args$x, x_expr, "x", fn)
  if (!is.null(args$validation_data))
    args$validation_data <- as_batch_source(args$validation_data, val_expr,
                                            "validation_data", fn)
  args
}

#' Train, evaluate or predict with batches from a generator (keras 2.x names)
#'
#' The keras 2.x R interface's names for [fit()], [evaluate()] and [predict()] given a
#' generator: an R function returning one batch per call (`list(x, y)`,
#' `list(x, y, sample_weight)`, or just `x` for prediction), a Python iterator, or an
#' image iterator from `flow_images_from_*()`. The generator is called on R's thread, in
#' order, `steps_per_epoch` (`steps`) times per epoch; an error inside it is an R error
#' (class `rkbridge_callback_error`) naming the generator. Results equal those of the same
#' batches given as arrays with `shuffle = FALSE`. As in the keras 2.x R interface, each
#' call warns that the function is deprecated.
#'
#' @param object A compiled model.
#' @param generator The generator.
#' @param steps_per_epoch,steps Batches drawn per epoch (per call).
#' @param epochs Number of epochs.
#' @param verbose Verbosity (0 silent).
#' @param callbacks A list of `callback_*()` objects.
#' @param view_metrics Ignored (the R interface's live viewer).
#' @param validation_data A generator (with `validation_steps`) or `list(x_val, y_val)`.
#' @param validation_steps Batches drawn from a validation generator per epoch.
#' @param class_weight Named list (by class code) of loss weights.
#' @param max_queue_size,workers Ignored: batches are drawn one at a time on R's thread.
#' @param initial_epoch Epochs already done (0-based, keras 2.x's rule, whatever the
#'   dialect: `fit_generator()` is keras 2.x's).
#' @return As [fit()], [evaluate()] and [predict()].
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
#'   model %>% compile(optimizer = "sgd", loss = "mse")
#'   gen <- function() {
#'     x <- matrix(runif(30), ncol = 3)
#'     list(x, rowSums(x))
#'   }
#'   history <- fit_generator(model, gen, steps_per_epoch = 5, epochs = 2, verbose = 0)
#'   evaluate_generator(model, gen, steps = 2)
#'   dim(predict_generator(model, gen, steps = 2))
#' }
#' @export
fit_generator <- function(object, generator, steps_per_epoch, epochs = 1,
                          verbose = getOption("keras.fit_verbose", default = 1),
                          callbacks = NULL, view_metrics = NULL, validation_data = NULL,
                          validation_steps = NULL, class_weight = NULL, max_queue_size = 10,
                          workers = 1, initial_epoch = 0) {
  args <- list(object = object,
               x = as_batch_source(generator, substitute(generator), "generator",
                                   "fit_generator"),
               steps_per_epoch = steps_per_epoch, epochs = epochs, verbose = verbose,
               callbacks = callbacks,
               validation_data = as_batch_source(validation_data,
                                                 substitute(validation_data),
                                                 "validation_data", "fit_generator"),
               validation_steps = validation_steps, class_weight = class_weight,
               initial_epoch = initial_epoch, dialect = "keras2")  # keras 2.x only
  deprecated_generator_function("fit")
  history <- tryCatch(rk_call("fit", args[!vapply(args, is.null, TRUE)]),
                      rkbridge_interrupt = fit_interrupted)
  invisible(new_history(history))
}

#' @rdname fit_generator
#' @export
evaluate_generator <- function(object, generator, steps, max_queue_size = 10, workers = 1,
                               callbacks = NULL) {
  args <- list(object = object,
               x = as_batch_source(generator, substitute(generator), "generator",
                                   "evaluate_generator"),
               steps = steps, callbacks = callbacks)
  deprecated_generator_function("evaluate")
  rk_call("evaluate", args[!vapply(args, is.null, TRUE)])
}

#' @rdname fit_generator
#' @export
predict_generator <- function(object, generator, steps, max_queue_size = 10, workers = 1,
                              verbose = 0, callbacks = NULL) {
  args <- list(object = object,
               x = as_batch_source(generator, substitute(generator), "generator",
                                   "predict_generator"),
               steps = steps, verbose = verbose, callbacks = callbacks)
  deprecated_generator_function("predict")
  rk_call("predict", args[!vapply(args, is.null, TRUE)])
}

#' The next batch of a generator
#'
#' @param generator An R generator function, a Python iterator, or an image iterator from
#'   `flow_images_from_*()`.
#' @param completed Unused (kept for compatibility).
#' @return The next batch, e.g. `list(x, y)` with R arrays.
#' @examples
#' if (rkbridge_available()) {
#'   gen <- function() list(matrix(runif(6), 2), c(0, 1))
#'   batch <- generator_next(gen)
#'   dim(batch[[1]])
#' }
#' @export
generator_next <- function(generator, completed = NULL) {
  if (is.function(generator) && !inherits(generator, "python.builtin.object"))
    return(generator())
  rk_call("generator_next", list(generator = generator))
}
