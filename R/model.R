# Models: construction, compile/fit/evaluate/predict and inspection. Each function forwards
# the arguments the user wrote to the engine function of the same name.

#' Keras Model composed of a linear stack of layers
#'
#' @param layers Layers to add, in order (optional).
#' @param name Name of the model.
#' @param input_shape Shape of the input without the batch dimension (adds an input layer,
#'   so the model is built at once).
#' @param ... Further arguments: `input_batch_size`, `input_dtype`, `trainable`.
#' @return A Sequential model. Layers added with `%>%` change it in place.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(2)
#'   model
#' }
#' @export
keras_model_sequential <- function(layers = NULL, name = NULL, input_shape = NULL, ...) {
  rk_call("keras_model_sequential", rk_capture())
}

#' Keras model from inputs and outputs (functional API)
#'
#' @param inputs An input tensor from [layer_input()], or a list of them.
#' @param outputs An output tensor, or a list of them.
#' @param name Name of the model.
#' @param ... Further arguments for Keras.
#' @details With named lists of `inputs` or `outputs`, data for the model (`x`, `y`, in
#'   `fit()`, `evaluate()`, `predict()`) may be named lists, matched by name, or unnamed
#'   lists, matched by position in the order the lists were given here (Keras alone would
#'   match an unnamed list in the sorted order of the names).
#' @return A model.
#' @examples
#' if (rkbridge_available()) {
#'   input <- layer_input(shape = c(3))
#'   output <- input %>% layer_dense(2)
#'   keras_model(input, output)
#' }
#' @export
keras_model <- function(inputs, outputs = NULL, name = NULL, ...) {
  rk_call("keras_model", rk_capture())
}

#' Input layer: a symbolic tensor for the functional API
#'
#' @param shape Shape without the batch dimension, e.g. `c(784)`; `NA` for unknown sizes.
#' @param batch_size Fixed batch size, if any.
#' @param dtype Data type, e.g. `"float32"`.
#' @param sparse Whether the input is sparse.
#' @param name Name of the input.
#' @param ... Further arguments for `keras.Input` (`batch_shape`, `tensor`, ...).
#' @return A symbolic tensor.
#' @examples
#' if (rkbridge_available()) layer_input(shape = c(10))
#' @export
layer_input <- function(shape = NULL, batch_size = NULL, dtype = NULL, sparse = NULL,
                        name = NULL, ...) {
  rk_call("layer_input", rk_capture())
}

# The verbs are S3 methods, so that packages R users attach beside this one keep them
# working in any order: `fit()` and `compile()` are the generics of the `generics` package
# (which tidymodels, parsnip and tfdatasets re-export), so attaching those masks nothing.
# `evaluate()` is this package's own generic, because generics' `evaluate(x, ...)`
# dispatches on `x`, the data of `evaluate(model, x = x_test)`; the method is registered on
# generics' and on the tensorflow R package's `evaluate()` as well, so whichever is found
# first dispatches to it.

#' @importFrom generics fit
#' @export
generics::fit

#' @importFrom generics compile
#' @export
generics::compile

#' @rdname evaluate
#' @export
evaluate <- function(object, ...) UseMethod("evaluate")

#' Configure a model for training
#'
#' @param object A model.
#' @param optimizer An optimizer name (`"rmsprop"`) or object (`optimizer_sgd()`).
#' @param loss A loss name, `loss_*()` function or object, or a named list for several
#'   outputs.
#' @param metrics Metric names, `metric_*()` functions or [custom_metric()]s.
#' @param ... Further arguments: `loss_weights`, `weighted_metrics`, `run_eagerly`,
#'   `steps_per_execution`, `jit_compile`.
#' @return The model, invisibly (changed in place).
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
#'   model %>% compile(optimizer = "adam", loss = "mse")
#' }
#' @rdname compile
#' @method compile keras.src.models.model.Model
#' @export
compile.keras.src.models.model.Model <- function(object, optimizer = NULL, loss = NULL,
                                                 metrics = NULL, ...) {
  args <- rk_capture()
  # R functions given by name keep it (history, evaluate(), saved files: R/callables.R)
  if (!is.null(args$loss)) args$loss <- name_functions(args$loss, substitute(loss))
  if (!is.null(args$metrics)) args$metrics <- name_functions(args$metrics, substitute(metrics))
  rk_call("compile", args)
}

#' Train a model
#'
#' @param object A compiled model.
#' @param x Inputs: an R array with samples in the first dimension, a numeric data.frame,
#'   or a list of them for several inputs. Or batches: an R generator function (each call
#'   returns `list(x, y)` or `list(x, y, sample_weight)`; give `steps_per_epoch`), an
#'   iterator from `flow_images_from_*()` or [timeseries_generator()], a Python
#'   generator, a `PyDataset` or a TensorFlow dataset (then `y` is not given). Batches are
#'   drawn on R's thread, in order; an error in a generator names it.
#' @param y Targets, shaped the same way.
#' @param batch_size Samples per gradient update (default 32).
#' @param epochs Number of epochs (the last epoch, with `initial_epoch`). The default
#'   (`NULL`) is 1, keras3's; under `options(rkbridge.dialect = "keras2")` 10, the keras 2.x
#'   R interface's.
#' @param verbose `"auto"` (a progress bar in an interactive session, a line per epoch
#'   otherwise), 0 (silent), 1 (bar) or 2 (a line per epoch).
#' @param callbacks A list of `callback_*()` objects.
#' @param validation_split Fraction of the data (taken from the end) held out.
#' @param validation_data `list(x_val, y_val)` evaluated after each epoch, or a generator
#'   (with `validation_steps`) or dataset.
#' @param shuffle Whether to shuffle the samples each epoch.
#' @param class_weight Named list (by class code) of loss weights.
#' @param sample_weight A vector of per-sample loss weights.
#' @param initial_epoch Epoch to start at (resuming training). 1-based, keras3's rule:
#'   `initial_epoch = 3, epochs = 5` trains epochs 3 to 5 (0 or `NULL` start at the first).
#'   Under `options(rkbridge.dialect = "keras2")` 0-based, the keras 2.x R interface's rule:
#'   the number of epochs already done (`initial_epoch = 2, epochs = 5` trains epochs 3 to
#'   5).
#' @param ... Further arguments: `steps_per_epoch`, `validation_steps`,
#'   `validation_batch_size`, `validation_freq`, and `allow_na = TRUE` to train on data with
#'   NA values.
#' @return A `keras_training_history` with `$params` and `$metrics`. An interrupt (Ctrl-C)
#'   stops training within a training step: the model keeps the weights it reached and the
#'   `interrupt` condition signalled (class `rkbridge_interrupt`) carries the history of the
#'   finished epochs as `$history`. An error in an R function called back during training
#'   (a custom metric, a `callback_lambda()` hook, a schedule) is an error of class
#'   `rkbridge_callback_error` naming that function.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
#'   model %>% compile(optimizer = "adam", loss = "mse")
#'   x <- matrix(runif(300), ncol = 3)
#'   history <- model %>% fit(x, rowSums(x), epochs = 2, verbose = 0)
#'   history
#' }
#' @rdname fit
#' @method fit keras.src.models.model.Model
#' @export
fit.keras.src.models.model.Model <- function(object, x = NULL, y = NULL, batch_size = NULL,
                                             epochs = NULL, verbose = "auto",
                                             callbacks = NULL, validation_split = 0,
                                             validation_data = NULL, shuffle = TRUE,
                                             class_weight = NULL, sample_weight = NULL,
                                             initial_epoch = NULL, ...) {
  args <- rk_capture()
  args <- generator_args(args, substitute(x), substitute(validation_data), "fit")
  if (is.null(args$verbose)) args$verbose <- getOption("keras.fit_verbose", "auto")
  history <- tryCatch(rk_call("fit", args), rkbridge_interrupt = fit_interrupted)
  invisible(new_history(history))
}

#' Evaluate a model
#'
#' @inheritParams fit.keras.src.models.model.Model
#' @param ... Further arguments: `sample_weight`, `steps`, `callbacks`.
#' @details `evaluate()` is a generic with methods on the `evaluate()` generics of the
#'   generics and tensorflow packages too, so any attach order finds the method. generics'
#'   own `evaluate(x, ...)` dispatches on `x`: where it is found first (generics attached
#'   after rkbridge), give the data by position (`evaluate(model, x_test, y_test)`) or call
#'   `rkbridge::evaluate()`.
#' @return A named list: `$loss` and one element per metric; under
#'   `options(rkbridge.dialect = "keras2")` a named numeric vector, as keras 2.x gave.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
#'   model %>% compile(optimizer = "adam", loss = "mse", metrics = "mae")
#'   x <- matrix(runif(30), ncol = 3)
#'   evaluate(model, x, rowSums(x), verbose = 0)
#' }
#' @rdname evaluate
#' @method evaluate keras.src.models.model.Model
#' @rawNamespace S3method(generics::evaluate, keras.src.models.model.Model)
#' @rawNamespace S3method(tensorflow::evaluate, keras.src.models.model.Model)
#' @export
evaluate.keras.src.models.model.Model <- function(object, x = NULL, y = NULL,
                                                  batch_size = NULL, verbose = "auto", ...) {
  res <- rk_call("evaluate", generator_args(rk_capture(), substitute(x), NULL, "evaluate"))
  # keras 2.x gave a named numeric vector, keras3 a named list (rkbridge/wrappers/dialect.py)
  if (identical(rk_call("current_dialect"), "keras2")) unlist(res) else res
}

#' Predictions of a model
#'
#' @param object A model.
#' @param x Inputs, with samples in the first dimension (a list for several inputs).
#' @param batch_size Samples per batch.
#' @param verbose Verbosity (0 silent).
#' @param ... Further arguments for Keras.
#' @return An R matrix or array with one row per sample (a list of them for several
#'   outputs).
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(2)
#'   predict(model, matrix(runif(6), ncol = 3))
#' }
#' @export
predict.keras.src.models.model.Model <- function(object, x, batch_size = NULL, verbose = 0,
                                                 ...) {
  # `predict(model, x)` with a plain array, as loops call it, needs no working out of what
  # was supplied
  args <- if (nargs() == 2L && !missing(x) && lendable(x)) list(object = object, x = x)
          else generator_args(rk_capture(), substitute(x), NULL, "predict")
  rk_call("predict", args)  # one number per sample: a 1-d array, as reticulate gives it
}

#' Class predictions and probabilities
#'
#' `predict_classes()` gives class codes `0..k-1` (the codes [to_categorical()] takes): the
#' arg max of a multi-class output, or `p > 0.5` for a single sigmoid output.
#' `predict_proba()` is [predict()].
#' @inheritParams predict.keras.src.models.model.Model
#' @return An integer vector of class codes, or a matrix of probabilities.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>%
#'     layer_dense(2, activation = "softmax")
#'   predict_classes(model, matrix(runif(6), ncol = 3))
#' }
#' @export
predict_classes <- function(object, x, batch_size = NULL, verbose = 0, ...) {
  rk_call("predict_classes", rk_capture())
}

#' @rdname predict_classes
#' @export
predict_proba <- function(object, x, batch_size = NULL, verbose = 0, ...) {
  rk_call("predict_proba", rk_capture())
}

#' Model surgery and inspection
#'
#' `get_layer()` finds a layer by name or 1-based index (negative counts from the end).
#' `pop_layer()` removes the last layer of a Sequential model. `freeze_weights()` and
#' `unfreeze_weights()` set layers `from`..`to` (1-based, inclusive, negative from the end,
#' or names) non-trainable or trainable, and the layers outside that range the opposite (as
#' keras 2.x); with neither, the whole model. keras3's `which` picks layers instead (and
#' gives all the others the opposite setting too). `count_params()`
#' counts the weights. `clone_model()` makes a new model with the same architecture and
#' freshly initialised weights.
#' @param object A model (or a layer, for `count_params()`).
#' @param name Layer name.
#' @param index 1-based layer index.
#' @param from,to First and last layer (indices or names), inclusive.
#' @param which Instead of `from`/`to` (keras3): layer names, 1-based positions (negative
#'   from the end), layers, a logical vector with one value per layer, or a function of a
#'   layer returning `TRUE` or `FALSE`. The layers it picks are frozen (unfrozen) and all
#'   the others unfrozen (frozen).
#' @param ... Further arguments for Keras (`clone_model()`: `input_tensors`,
#'   `clone_function`).
#' @return `get_layer()`: a layer; `count_params()`: a number; `clone_model()`: a new
#'   model; the others: the model, invisibly (changed in place).
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(4)) %>%
#'     layer_dense(3, name = "hidden") %>% layer_dense(1, name = "out")
#'   get_layer(model, index = 1)$name
#'   freeze_weights(model, to = -2)
#'   freeze_weights(model, which = "out")
#'   length(model$trainable_weights)
#'   count_params(model)
#' }
#' @export
get_layer <- function(object, name = NULL, index = NULL) {
  rk_call("get_layer", rk_capture())
}

#' @rdname get_layer
#' @export
pop_layer <- function(object) rk_call("pop_layer", rk_capture())

#' @rdname get_layer
#' @export
freeze_weights <- function(object, from = NULL, to = NULL, which = NULL) {
  rk_call("freeze_weights", rk_capture())
}

#' @rdname get_layer
#' @export
unfreeze_weights <- function(object, from = NULL, to = NULL, which = NULL) {
  rk_call("unfreeze_weights", rk_capture())
}

#' @rdname get_layer
#' @export
count_params <- function(object) rk_call("count_params", rk_capture())

#' @rdname get_layer
#' @export
clone_model <- function(object, ...) rk_call("clone_model", rk_capture())

#' Weights of a model or layer as R arrays
#'
#' @param object A model or layer.
#' @param weights A list of R arrays shaped like `get_weights()`'s.
#' @return `get_weights()`: a list of R arrays (a Dense kernel is inputs x units);
#'   `set_weights()`: the object, invisibly.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(3)
#'   w <- get_weights(model)
#'   dim(w[[1]])
#'   set_weights(model, lapply(w, function(a) a * 0))
#' }
#' @export
get_weights <- function(object) rk_call("get_weights", rk_capture())

#' @rdname get_weights
#' @export
set_weights <- function(object, weights) rk_call("set_weights", rk_capture())

#' One-hot encode class labels
#'
#' @param y Class codes `0..num_classes-1` (a vector or one-column matrix), or a factor
#'   (its levels, in order, are the columns).
#' @param num_classes Number of classes (default: the largest code + 1, or the number of
#'   levels).
#' @param dtype Data type of the result.
#' @return A matrix with one row per label and `num_classes` columns.
#' @examples
#' if (rkbridge_available()) to_categorical(c(0, 2, 1), 3)
#' @export
to_categorical <- function(y, num_classes = NULL, dtype = "float32") {
  rk_call("to_categorical", rk_capture())
}

#' A metric written in R
#'
#' @param name Name of the metric (in the history and evaluate()).
#' @param metric_fn `function(y_true, y_pred)` returning a tensor, written with `k_*()`
#'   backend functions.
#' @return A metric for compile()'s `metrics`.
#' @examples
#' if (rkbridge_available()) {
#'   mean_pred <- custom_metric("mean_pred", function(y_true, y_pred) k_mean(y_pred))
#' }
#' @export
custom_metric <- function(name, metric_fn) rk_call("custom_metric", rk_capture())

#' Tensor shapes (keras3's `keras_shape`)
#'
#' `shape(2, 3)` is a shape from R numbers (`NA` or `NULL` for an unknown size); `shape(x)`
#' the shape of a tensor. A `keras_shape` is a list of integers (`NULL` for unknown sizes)
#' that prints as `shape(NA, 3)`, subsets with `[` (still a shape) and `[[` (a size),
#' converts with `as.integer()` (`NA` for unknown) and `as.list()`, and is a tuple for
#' Python (`tf$ones(shape(2, 3))`).
#' @param ... Dimensions (numbers, vectors of them, `NA` or `NULL`), or one tensor.
#' @return A `keras_shape`.
#' @examples
#' if (rkbridge_available()) {
#'   s <- shape(NA, 3)
#'   s
#'   as.integer(s)
#'   shape(tf$ones(shape(2, 3)))
#' }
#' @export
shape <- function(...) {
  dims <- lapply(list(...), function(d) {
    if (inherits(d, "keras_shape")) return(as.integer(d))
    if (is.null(d) || (is.atomic(d) && anyNA(d) && length(d) == 1L)) NA_real_ else d
  })
  # reticulate gives a list of whole numbers as an integer vector: a shape is a list
  structure(as.list(rk_call("shape_dims", list(dims = dims))), class = "keras_shape")
}

#' @export
format.keras_shape <- function(x, ...) {
  dims <- vapply(unclass(x), function(d) if (is.null(d)) "NA" else format(d), "")
  paste0("shape(", paste(dims, collapse = ", "), ")")
}

#' @export
print.keras_shape <- function(x, ...) {
  cat(format(x), "\n", sep = "")
  invisible(x)
}

#' @export
`[.keras_shape` <- function(x, i) structure(unclass(x)[i], class = "keras_shape")

#' @export
as.integer.keras_shape <- function(x, ...) {
  vapply(unclass(x), function(d) if (is.null(d)) NA_integer_ else as.integer(d), 0L)
}

#' @export
as.list.keras_shape <- function(x, ...) unclass(x)

#' @rawNamespace S3method(reticulate::r_to_py, keras_shape)
r_to_py.keras_shape <- function(x, convert = FALSE) {
  do.call(reticulate::tuple, unclass(x))
}

#' Is the rkbridge engine available?
#'
#' @return `TRUE` when the engine's Python and the `rkbridge` Python package can be loaded.
#' @examples
#' rkbridge_available()
#' @export
rkbridge_available <- function() {
  if (!is.null(.rk$bridge)) return(TRUE)
  configure_python()
  tryCatch({
    reticulate::py_module_available("rkbridge")
  }, error = function(e) FALSE)
}

#' Tensors, shapes and masks at a layer's call nodes (keras 2.x)
#'
#' Each time a layer is called on symbolic tensors (building a model) Keras records a node.
#' These give, for the `node_index`-th call (1-based), the tensors the layer received or
#' produced, their shapes (a list of sizes, `NULL` for an unknown size) or their masks
#' (`NULL` without a mask); a list of them when the layer took or gave several tensors.
#' @param object A layer.
#' @param node_index Which call of the layer, from 1.
#' @return A tensor, a shape, a mask (or `NULL`), or a list of them.
#' @examples
#' if (rkbridge_available()) {
#'   input <- layer_input(shape = c(4))
#'   dense <- layer_dense(units = 2)
#'   out <- dense(input)
#'   get_output_shape_at(dense, 1)
#'   get_input_at(dense, 1)
#' }
#' @export
get_input_at <- function(object, node_index) rk_call("get_input_at", rk_capture())

#' @rdname get_input_at
#' @export
get_output_at <- function(object, node_index) rk_call("get_output_at", rk_capture())

#' @rdname get_input_at
#' @export
get_input_shape_at <- function(object, node_index)
  rk_call("get_input_shape_at", rk_capture())

#' @rdname get_input_at
#' @export
get_output_shape_at <- function(object, node_index)
  rk_call("get_output_shape_at", rk_capture())

#' @rdname get_input_at
#' @export
get_input_mask_at <- function(object, node_index) rk_call("get_input_mask_at", rk_capture())

#' @rdname get_input_at
#' @export
get_output_mask_at <- function(object, node_index)
  rk_call("get_output_mask_at", rk_capture())

#' Plot a model's layers
#'
#' A diagram of the model's layers and how they connect (Keras's `model_to_dot()`), drawn on
#' the current graphics device, or written to `to_file`. It needs the Python package pydot
#' and the Graphviz program `dot` (`pip install pydot`; Debian/Ubuntu `apt-get install
#' graphviz`); without them the error (class `rkbridge_missing_error`) says what to install.
#' Drawing on the device needs the R package png.
#' @param x A model.
#' @param show_shapes,show_dtype,show_layer_names,show_layer_activations Whether to show each
#'   layer's output shapes, dtypes, names and activations.
#' @param ... Further arguments of Keras's `model_to_dot()`.
#' @param rankdir `"TB"` (top to bottom) or `"LR"` (left to right).
#' @param expand_nested Whether nested models are drawn as clusters of their layers.
#' @param dpi Dots per inch of the image.
#' @param show_trainable Whether to mark trainable layers; `NA`: when some weights are frozen.
#' @param to_file `NULL` (draw on the current device), or a file to write (its extension,
#'   `.png`, `.svg`, `.pdf`, is the format).
#' @return `to_file` invisibly when given, else `NULL` invisibly.
#' @examples
#' if (rkbridge_available() && nzchar(Sys.which("dot"))) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(4) %>% layer_dense(1)
#'   f <- tempfile(fileext = ".png")
#'   plot(model, show_shapes = TRUE, to_file = f)
#'   file.exists(f)
#' }
#' @method plot keras.src.models.model.Model
#' @export
plot.keras.src.models.model.Model <- function(x, show_shapes = FALSE, show_dtype = FALSE,
                                              show_layer_names = FALSE, ..., rankdir = "TB",
                                              expand_nested = FALSE,
                                              dpi = getOption("keras.plot.model.dpi", 200L),
                                              show_layer_activations = FALSE,
                                              show_trainable = NA, to_file = NULL) {
  file <- to_file %||% tempfile("keras_model", fileext = ".png")
  if (is.null(to_file)) on.exit(unlink(file), add = TRUE)
  if (is.null(to_file) && !requireNamespace("png", quietly = TRUE))
    stop(rk_condition(paste("Drawing a model on the graphics device needs the R package png:",
                            "install.packages(\"png\"), or give `to_file`."),
                      "rkbridge_missing_error"))
  rk_call("plot_model", c(list(model = x, to_file = file, show_shapes = show_shapes,
                               show_dtype = show_dtype, show_layer_names = show_layer_names,
                               rankdir = rankdir, expand_nested = expand_nested, dpi = dpi,
                               show_layer_activations = show_layer_activations,
                               show_trainable = if (!is.na(show_trainable)) show_trainable),
                          list(...)))
  if (!is.null(to_file)) return(invisible(to_file))
  img <- png::readPNG(file, native = TRUE)
  dims <- dim(img)
  graphics::plot.new()
  graphics::plot.window(xlim = c(0, dims[2L]), ylim = c(0, dims[1L]), asp = 1,
                        xaxs = "i", yaxs = "i")
  graphics::rasterImage(img, 0, 0, dims[2L], dims[1L], interpolate = TRUE)
  invisible(NULL)
}
