# keras3's serialization registry, model state and dataset utilities: each function forwards
# to the engine function of the same name (rkbridge/persistence/registry.py).

#' The registry of custom objects
#'
#' `get_custom_objects()` lists the classes and functions registered with
#' [register_keras_serializable()], by their registered name (`"package>name"`).
#' `set_custom_objects()` replaces the registry (`clear = TRUE`) or adds to it, and returns
#' the registry as it was before, so that it can be restored. rkbridge's own entries
#' (`"rkbridge>..."`, which saved models that use keras 2.x functions name) are kept. Objects given to
#' [with_custom_object_scope()] or `custom_objects =` are not in the registry.
#' @param objects A named list of custom objects, as `get_custom_objects()` returns.
#' @param clear Whether to empty the registry before adding `objects`.
#' @return `get_custom_objects()`: a named list; `set_custom_objects()`: the registry before
#'   the change, invisibly.
#' @examples
#' if (rkbridge_available()) {
#'   before <- set_custom_objects(clear = TRUE)
#'   names(get_custom_objects())  # rkbridge's own only
#'   set_custom_objects(before)
#' }
#' @export
get_custom_objects <- function() {
  rk_call("get_custom_objects", rk_capture())
}

#' @rdname get_custom_objects
#' @export
set_custom_objects <- function(objects = list(), clear = TRUE) {
  invisible(rk_call("set_custom_objects", rk_capture()))
}

#' Register a custom class or function with Keras's serialization
#'
#' Registered objects are found by name when a model or config that uses them is loaded,
#' without `custom_objects =`. The key is `"package>name"`.
#' @param object A class made by [Layer()], [Loss()], [Metric()] (or another class with a
#'   `get_config()` method), or a function.
#' @param name The name to register it under; by default the class's own name, or for a
#'   function the name it was given in the call.
#' @param package The first part of the key, `"Custom"` by default.
#' @return A class: `object`, invisibly. A function: the registered function, invisibly; use
#'   it (not `object`) in the model, as keras3 says, so that the model saves it by its
#'   registered name.
#' @examples
#' if (rkbridge_available()) {
#'   layer_twice <- Layer("Twice", call = function(inputs) inputs * 2)
#'   register_keras_serializable(layer_twice, package = "demo")
#'   get_registered_name(layer_twice)  # "demo>Twice"
#' }
#' @export
register_keras_serializable <- function(object, name = NULL, package = NULL) {
  args <- rk_capture()
  if (is.null(name) && is.function(object) && !inherits(object, "rkbridge_class_generator") &&
      is.name(substitute(object)))
    args$name <- deparse1(substitute(object))
  registered <- rk_call("register_keras_serializable", args, keep = TRUE)
  # an R function becomes a new engine function each time it is passed: hand back the one
  # registered, so that a model built with it saves it under its registered name
  if (is.function(object) && !inherits(object, "rkbridge_class_generator") &&
      is.null(attr(object, "rk_name", exact = TRUE)))
    return(invisible(py_callable_function(registered)))
  invisible(object)
}

# keras3's internal py_func2(), which its documents call as `keras3:::py_func2(fn, name =)`:
# `fn` as one engine function whose Python name is `name` (what Keras saves it by).
py_func2 <- function(fn, convert = TRUE, name = deparse(substitute(fn))) {
  force(name)
  engine_fn <- bridge(convert = FALSE)$r_function(
    guard_r_function(fn), name, as.list(names(formals(args(fn)))))
  reticulate::py_set_attr(engine_fn, "__name__", name)
  reticulate::py_set_attr(engine_fn, "__qualname__", name)
  py_callable_function(engine_fn)
}

#' Look up registered custom objects
#'
#' `get_registered_name()` gives the name an object is registered under (its own name when it
#' is not registered); `get_registered_object()` the class or function registered under
#' `name`, looked up in the registry, the current [with_custom_object_scope()],
#' `custom_objects` and `module_objects`, or `NULL`.
#' @param obj A class or function.
#' @param name A registered name, e.g. `"Custom>MyLayer"`.
#' @param custom_objects,module_objects Named lists of further objects to look in.
#' @return A string; the object or `NULL`.
#' @examples
#' if (rkbridge_available()) {
#'   layer_twice <- Layer("Twice", call = function(inputs) inputs * 2)
#'   register_keras_serializable(layer_twice, package = "demo")
#'   get_registered_name(layer_twice)
#'   cls <- get_registered_object("demo>Twice")
#' }
#' @export
get_registered_name <- function(obj) {
  rk_call("get_registered_name", rk_capture())
}

#' @rdname get_registered_name
#' @export
get_registered_object <- function(name, custom_objects = NULL, module_objects = NULL) {
  rk_call("get_registered_object", rk_capture())
}

#' Serialize and deserialize Keras objects
#'
#' `serialize_keras_object()` gives the full config of a layer, loss, optimizer, ... as a
#' named list (`module`, `class_name`, `config`, `registered_name`) of plain values;
#' `deserialize_keras_object()` builds a new object from such a list.
#' @param obj A Keras object.
#' @param config A named list, as `serialize_keras_object()` returns.
#' @param custom_objects A named list of custom classes and functions the config names.
#' @param safe_mode Whether to refuse code (Lambda layers) in the config.
#' @param ... Further arguments for Keras.
#' @return A named list; the rebuilt object.
#' @examples
#' if (rkbridge_available()) {
#'   config <- serialize_keras_object(layer_dense(units = 3))
#'   config$class_name
#'   layer <- deserialize_keras_object(config)
#' }
#' @export
serialize_keras_object <- function(obj) {
  rk_call("serialize_keras_object", rk_capture())
}

#' @rdname serialize_keras_object
#' @export
deserialize_keras_object <- function(config, custom_objects = NULL, safe_mode = TRUE, ...) {
  rk_call("deserialize_keras_object", rk_capture())
}

#' Evaluate code with custom objects known by name
#'
#' While `expr` runs, the objects are found by their names when models, layers or configs
#' are loaded or compiled, as if given to `custom_objects =`.
#' @param objects A named list of custom classes and functions.
#' @param expr The code to evaluate.
#' @return The value of `expr`.
#' @examples
#' if (rkbridge_available()) {
#'   layer_twice <- Layer("Twice", call = function(inputs) inputs * 2)
#'   with_custom_object_scope(list(Twice = layer_twice), {
#'     cls <- get_registered_object("Twice")
#'   })
#' }
#' @export
with_custom_object_scope <- function(objects, expr) {
  depth <- rk_call("custom_object_scope_enter", list(objects = objects))
  on.exit(rk_call("custom_object_scope_exit", list(depth = depth)))
  expr
}

#' The inputs a symbolic tensor is computed from
#'
#' @param tensor A symbolic tensor of a functional model.
#' @return A list of input tensors.
#' @examples
#' if (rkbridge_available()) {
#'   input <- keras_input(c(3))
#'   output <- input %>% layer_dense(4)
#'   get_source_inputs(output)
#' }
#' @export
get_source_inputs <- function(tensor) {
  rk_call("get_source_inputs", rk_capture())
}

#' A Keras variable
#'
#' A `keras.Variable` holding `initializer`: an R array (doubles become the float type,
#' `config_floatx()`), or an initializer called with `shape`.
#' @param initializer An array, or an initializer such as `initializer_ones()`.
#' @param shape The shape, needed with an initializer.
#' @param dtype The data type, e.g. `"float32"`.
#' @param trainable Whether training changes it.
#' @param autocast Whether it is cast to the compute type in mixed precision.
#' @param aggregation How values are combined across replicas, e.g. `"none"`, `"mean"`.
#' @param name Its name.
#' @return A variable.
#' @examples
#' if (rkbridge_available()) {
#'   v <- keras_variable(matrix(1:6, 2, 3))
#'   v2 <- keras_variable(initializer_ones(), shape = c(2, 2))
#' }
#' @export
keras_variable <- function(initializer, shape = NULL, dtype = NULL, trainable = TRUE,
                           autocast = TRUE, aggregation = "none", name = NULL) {
  rk_call("keras_variable", rk_capture())
}

#' Split a dataset in two
#'
#' @param dataset An array (samples first), a list of arrays or a TF dataset.
#' @param left_size,right_size Sizes of the two parts: a fraction below 1 or a number of
#'   samples; one may be `NULL` (the rest).
#' @param shuffle Whether to shuffle before splitting.
#' @param seed Random seed for the shuffle.
#' @return A list of two TF datasets.
#' @examples
#' if (rkbridge_available()) {
#'   parts <- split_dataset(matrix(runif(20), 10, 2), left_size = 0.8)
#' }
#' @export
split_dataset <- function(dataset, left_size = NULL, right_size = NULL, shuffle = FALSE,
                          seed = NULL) {
  rk_call("split_dataset", rk_capture())
}

#' An image from an array
#'
#' @param x A height x width x channels array.
#' @param data_format `"channels_last"` (default) or `"channels_first"`.
#' @param scale Whether to rescale values to 0-255.
#' @param dtype The data type of the values.
#' @return A PIL image (a Python object), e.g. for [image_array_save()]'s counterpart
#'   `$save()`.
#' @examples
#' if (rkbridge_available()) {
#'   img <- image_from_array(array(runif(4 * 5 * 3), c(4, 5, 3)))
#' }
#' @export
image_from_array <- function(x, data_format = NULL, scale = TRUE, dtype = NULL) {
  rk_call("image_from_array", rk_capture())
}

#' A model's variables as a nested list, and back
#'
#' `get_state_tree()` gives the model's variables in four groups (`trainable_variables`,
#' `non_trainable_variables`, `optimizer_variables`, `metrics_variables`), each a nested
#' named list following the variables' paths (model, layer, variable).
#' `set_state_tree()` assigns the values of such a list (or part of it) to the model.
#' @param object A model.
#' @param value_format `"backend_tensor"` (tensors), `"array"` or `"numpy_array"` (arrays).
#' @param state_tree A named list, as `get_state_tree()` returns.
#' @return `get_state_tree()`: a named list; `set_state_tree()`: the model, invisibly
#'   (changed in place).
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(2)) %>% layer_dense(1, name = "d")
#'   tree <- get_state_tree(model, "array")
#'   tree$trainable_variables[[1]]$d$bias[] <- 5
#'   set_state_tree(model, tree)
#' }
#' @export
get_state_tree <- function(object, value_format = "backend_tensor") {
  rk_call("get_state_tree", rk_capture())
}

#' @rdname get_state_tree
#' @export
set_state_tree <- function(object, state_tree) {
  rk_call("set_state_tree", rk_capture())
}

#' Quantize the weights of a model
#'
#' Layers that can be quantized (dense, einsum dense, embedding) store their weights in the
#' quantized type; the model must be built.
#' @param object A built model or layer.
#' @param mode The quantization: `"int8"`, `"float8"` or `"int4"`.
#' @param ... Further arguments for Keras's `quantize()`.
#' @return The model, invisibly (changed in place).
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(2)
#'   quantize_weights(model, "int8")
#' }
#' @export
quantize_weights <- function(object, mode, ...) {
  rk_call("quantize_weights", rk_capture())
}

#' Export a model for inference
#'
#' Writes a TensorFlow SavedModel directory (for TF Serving, or [layer_tfsm()]) with the
#' model's forward pass.
#' @param object A model.
#' @param export_dir_base The directory to write.
#' @param ... Further arguments for Keras's `export()`.
#' @param format `"tf_saved_model"` (default) or `"onnx"`.
#' @param verbose Whether to print the exported variables.
#' @param input_signature The input specs, when the model's own are not enough.
#' @return The model, invisibly.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(2)
#'   export_savedmodel(model, file.path(tempdir(), "exported"), verbose = FALSE)
#' }
#' @export
export_savedmodel <- function(object, export_dir_base, ..., format = "tf_saved_model",
                              verbose = NULL, input_signature = NULL) {
  rk_call("export_savedmodel", rk_capture())
}

#' Preprocess inputs and decode predictions of an application model
#'
#' The `preprocess_input()` and `decode_predictions()` functions of the module the model
#' comes from (e.g. [resnet_preprocess_input()] for [application_resnet50()]), chosen by the
#' model. Without `x` (or `preds`), the function itself is returned.
#' @param model A model made by an `application_*()` function in this session.
#' @param x A batch of images (samples first).
#' @param preds A batch of predictions (samples x 1000 ImageNet classes).
#' @param top How many classes to give for each sample.
#' @param data_format `"channels_last"` or `"channels_first"`; `NULL` uses
#'   `config_image_data_format()`.
#' @param ... Further arguments for the module's function.
#' @return The preprocessed array; a list with a data frame (`class_name`,
#'   `class_description`, `score`) for each sample.
#' @examples
#' if (rkbridge_available()) {
#'   model <- application_mobilenet(weights = NULL, input_shape = c(32, 32, 3))
#'   x <- application_preprocess_inputs(model, array(255, c(1, 32, 32, 3)))
#'   range(x)  # mobilenet scales to -1..1
#' }
#' @export
application_preprocess_inputs <- function(model, x, ..., data_format = NULL) {
  if (missing(x))
    return(function(x, ...) application_preprocess_inputs(model, x, ..., data_format = data_format))
  rk_call("application_preprocess_inputs", rk_capture())
}

#' @rdname application_preprocess_inputs
#' @export
application_decode_predictions <- function(model, preds, top = 5L, ...) {
  if (missing(preds))
    return(function(preds, ...) application_decode_predictions(model, preds, top = top, ...))
  lapply(rk_call("application_decode_predictions", rk_capture()), as.data.frame)
}

#' Mean relative error metric (keras 2.x)
#'
#' The mean of `abs(y_pred - y_true) / normalizer` over all values seen; values where the
#' normalizer is 0 count as 0. keras 2.x's metric, which Keras 3 dropped: rkbridge computes
#' it with a metric of its own (saved models that use it load again).
#' @param ... Unused (keras 2.x's signature).
#' @param normalizer A number, or a vector broadcast against the predictions (one value per
#'   output column).
#' @param name Name of the metric (in the history).
#' @param dtype Data type of the result.
#' @return A metric, for `compile(metrics = )`.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(2)
#'   model %>% compile(optimizer = "adam", loss = "mse",
#'                     metrics = list(metric_mean_relative_error(normalizer = c(2, 4))))
#'   evaluate(model, matrix(runif(30), 10), matrix(runif(20), 10), verbose = 0)
#' }
#' @export
metric_mean_relative_error <- function(..., normalizer, name = "mean_relative_error",
                                       dtype = NULL) {
  rk_call("metric_mean_relative_error", rk_capture())
}

#' Element-wise mean of tensors (keras 2.x metric)
#'
#' keras 2.x's `metric_mean_tensor()`, which Keras 3 dropped: a metric whose result is the
#' element-wise (weighted) mean of all the values it was updated with, an array of their
#' shape (`total / count` element by element, 0 where the count is 0). Every update must
#' have the same shape. `sample_weight` of an update weighs its values, by element or by
#' leading axes (one weight per row of a matrix).
#' @param ... Unused (the keras 2.x signature; arguments must be named).
#' @param shape The values' shape, e.g. `c(2, 3)`; `NULL` takes the first update's.
#' @param name Name of the metric.
#' @param dtype Data type of the metric's values (default: Keras's float type).
#' @return A metric object: `m(values)` or `m$update_state(values, sample_weight)` adds
#'   values, `m$result()` is the mean so far (`as.array()` gives it), `reset_state(m)`
#'   starts again.
#' @examples
#' if (rkbridge_available()) {
#'   m <- metric_mean_tensor()
#'   m(matrix(c(1, 3, 2, 4), 2))
#'   as.array(m(matrix(c(3, 5, 6, 0), 2)))  # matrix(c(2, 4, 4, 2), 2)
#' }
#' @export
metric_mean_tensor <- function(..., shape = NULL, name = "mean_tensor", dtype = NULL) {
  rk_call("metric_mean_tensor", rk_capture())
}

#' Progress bar callback (keras 2.x)
#'
#' `fit()` prints progress as its `verbose` argument says, with or without this callback;
#' it is kept so that keras 2.x scripts that pass it run. Keras 3's progress bar counts
#' steps.
#' @param count_mode `"samples"` or `"steps"` (Keras 3 counts steps either way).
#' @param stateful_metrics Unused in Keras 3 (metrics are shown as they are).
#' @return A callback, for `fit(callbacks = )`.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_sequential(input_shape = c(2)) %>% layer_dense(1)
#'   model %>% compile(optimizer = "sgd", loss = "mse")
#'   model %>% fit(matrix(runif(20), 10), runif(10), epochs = 1, verbose = 0,
#'                 callbacks = list(callback_progbar_logger()))
#' }
#' @export
callback_progbar_logger <- function(count_mode = "samples", stateful_metrics = NULL) {
  rk_call("callback_progbar_logger", rk_capture())
}
