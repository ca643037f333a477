# The keras 2.x forms of R-defined classes: R6 classes inheriting KerasLayer, KerasWrapper or
# KerasConstraint, create_layer()/create_wrapper(), keras_model_custom(), and r_to_py() of
# an R6 class generator (keras3). They become Python classes through rk_new_class()
# (R/classes.R), the same way as Layer() and friends.

#' Base classes of custom layers, wrappers and constraints written as R6 classes
#'
#' The keras 2.x way to write a custom layer: an [R6::R6Class()] inheriting `KerasLayer`
#' with methods `initialize(...)`, `build(input_shape)` (weights made with
#' `self$add_weight(name, shape, initializer, trainable)`), `call(x, mask = NULL)` and
#' optionally `compute_output_shape(input_shape)` and `get_config()`; instantiate it with
#' [create_layer()]. `KerasWrapper` subclasses wrap another layer (`self$layer`; create them
#' with [create_wrapper()]); `KerasConstraint` subclasses have `call(w)` and are passed as
#' instances (`MyConstraint$new()`) to a layer's `kernel_constraint`.
#'
#' Within the methods `self` is the Keras layer itself, so Keras's own attributes and
#' methods are there too (`self$add_weight()`, `self$trainable_weights`).
#'
#' Models using such a layer load again (`readRDS()`, [load_model()]) in any session that
#' defines the class again under the same name, as do models compiled with a loss or metric
#' that is an R function defined again by name.
#' @format [R6::R6Class()] generators.
#' @seealso [Layer()] for the keras3 form.
#' @examples
#' if (rkbridge_available()) {
#'   CustomLayer <- R6::R6Class("CustomLayer", inherit = KerasLayer,
#'     public = list(
#'       output_dim = NULL, kernel = NULL,
#'       initialize = function(output_dim) self$output_dim <- output_dim,
#'       build = function(input_shape) {
#'         self$kernel <- self$add_weight(name = "kernel",
#'           shape = list(input_shape[[2]], self$output_dim),
#'           initializer = initializer_random_normal(), trainable = TRUE)
#'       },
#'       call = function(x, mask = NULL) k_dot(x, self$kernel),
#'       compute_output_shape = function(input_shape) list(input_shape[[1]], self$output_dim)
#'     ))
#'   layer_custom <- function(object, output_dim, name = NULL, trainable = TRUE) {
#'     create_layer(CustomLayer, object, list(output_dim = as.integer(output_dim),
#'                                            name = name, trainable = trainable))
#'   }
#'   model <- keras_model_sequential(input_shape = c(4)) %>% layer_custom(output_dim = 2)
#'   dim(predict(model, matrix(1, 3, 4), verbose = 0))
#' }
#' @export
KerasLayer <- R6::R6Class("KerasLayer", lock_objects = FALSE)

#' @rdname KerasLayer
#' @export
KerasWrapper <- R6::R6Class("KerasWrapper", lock_objects = FALSE)

#' @rdname KerasLayer
#' @export
KerasConstraint <- R6::R6Class("KerasConstraint", lock_objects = FALSE)

r6_bases <- function() list(KerasLayer = "layer", KerasWrapper = "wrapper",
                            KerasConstraint = "constraint")

# The Python class of an R6 class generator (kept in the generator for the session).
rk_r6_class <- function(gen) {
  cached <- gen$.__rk_py_class__
  if (!is.null(cached) && !reticulate::py_is_null_xptr(cached)) return(cached)
  members <- list()
  private <- list()
  inherit <- NULL
  g <- gen
  repeat {
    # members of subclasses take precedence over those of their parents
    own <- c(list(), g$public_fields, g$public_methods, g$active)
    own$clone <- NULL
    members <- utils::modifyList(own, members, keep.null = TRUE)
    private <- utils::modifyList(c(list(), g$private_fields, g$private_methods), private,
                                 keep.null = TRUE)
    parent <- g$get_inherit()
    if (is.null(parent)) break
    base <- Filter(function(b) identical(parent, get(b, asNamespace("rkbridge"))),
                   names(r6_bases()))
    if (length(base)) {
      inherit <- r6_bases()[[base]]
      break
    }
    if (!inherits(parent, "R6ClassGenerator")) {
      inherit <- rk_inherit(parent)
      break
    }
    g <- parent
  }
  if (is.null(inherit)) inherit <- "object"  # no Keras base: a plain Python class
  if (identical(inherit, "constraint") && !is.null(members$call)) {
    members$`__call__` <- members$call
    members$call <- NULL
  }
  cls <- rk_new_class(gen$classname, members, private, inherit, r6 = TRUE)
  gen$.__rk_py_class__ <- cls
  cls
}

# An R6 generator -> its Python class; a KerasConstraint instance -> a Keras constraint
# calling the instance's own methods.
rk_r6_to_py <- function(x) {
  if (inherits(x, "R6ClassGenerator")) return(rk_r6_class(x))
  if (inherits(x, "KerasConstraint")) {
    members <- list(`__call__` = function(w) x$call(w))
    if (is.function(x$get_config)) members$get_config <- function() x$get_config()
    cls <- rk_new_class(class(x)[[1L]], members, inherit = "constraint")
    return(rk_call("instantiate", list(cls = cls)))
  }
  stop(rk_condition(sprintf("An R6 object of class %s cannot be passed to Keras.",
                            class(x)[[1L]]), "rkbridge_type_error"))
}

#' @rawNamespace S3method(reticulate::r_to_py, R6ClassGenerator)
r_to_py.R6ClassGenerator <- function(x, convert = FALSE) rk_r6_class(x)

#' Create a layer or wrapper from an R6 class
#'
#' `create_layer()` makes an instance of a custom layer class (an R6 class inheriting
#' [KerasLayer], a class made with [Layer()], or a Keras class) with the arguments in
#' `args`; like the `layer_*()` functions, given a model it adds the layer to it and given a
#' tensor it applies the layer. `create_wrapper()` does the same for [KerasWrapper]
#' classes, whose `args` include the wrapped `layer`.
#' @param layer_class,wrapper_class The class.
#' @param object A model or tensor, or missing for the layer itself.
#' @param args A named list of the arguments of the class's `initialize` (and of Keras
#'   layers: `name`, `trainable`, `input_shape`, ...).
#' @return The layer, or the model (changed in place) or output tensor.
#' @seealso [KerasLayer] for an example.
#' @examples
#' if (rkbridge_available()) {
#'   Doubler <- R6::R6Class("Doubler", inherit = KerasLayer,
#'     public = list(call = function(x, mask = NULL) x * 2))
#'   model <- keras_model_sequential(input_shape = c(2)) %>% create_layer(Doubler, .)
#'   predict(model, matrix(1:4, 2), verbose = 0)
#' }
#' @export
create_layer <- function(layer_class, object, args = list()) {
  args <- args[!vapply(args, is.null, TRUE)]
  layer <- rk_call("instantiate", list(cls = rk_class_of(layer_class), kwargs = args))
  if (missing(object) || is.null(object)) return(layer)
  rk_call("compose_layer", list(object = object, layer = layer))
}

#' @rdname create_layer
#' @export
create_wrapper <- function(wrapper_class, object, args = list()) {
  if (missing(object)) create_layer(wrapper_class, args = args)
  else create_layer(wrapper_class, object, args)
}

rk_class_of <- function(x) {
  if (inherits(x, "R6ClassGenerator")) return(rk_r6_class(x))
  if (inherits(x, "rkbridge_class_generator")) return(rk_class_get(x))
  x
}

#' Define a custom model with a function (keras 2.x)
#'
#' `model_fn(self)` creates the model's layers as fields of `self` (`self$dense <-
#' layer_dense(units = 10)`) and returns the forward pass, `function(x, mask = NULL, training
#' = FALSE)`, which uses them. A model whose `model_fn` is given by name
#' (`keras_model_custom(build_mlp)`) saves and loads again (`saveRDS()`, [save_model()]) in
#' any session that defines `build_mlp` again.
#' @param model_fn A function of `self` returning the forward pass.
#' @param name The model's name.
#' @return A (subclassed) Keras model.
#' @examples
#' if (rkbridge_available()) {
#'   model <- keras_model_custom(name = "mlp", function(self) {
#'     self$hidden <- layer_dense(units = 8, activation = "relu")
#'     self$out <- layer_dense(units = 1)
#'     function(x, mask = NULL, training = FALSE) x %>% self$hidden() %>% self$out()
#'   })
#'   model %>% compile(optimizer = "adam", loss = "mse")
#'   dim(predict(model, matrix(runif(8), 2), verbose = 0))
#' }
#' @export
keras_model_custom <- function(model_fn, name = NULL) {
  force(model_fn)
  # named after a model function given by name, so that a fresh session that defines it
  # again finds the class of a saved model (rk_resolve_name(), R/model-state.R)
  fn_name <- substitute(model_fn)
  classname <- if (is.symbol(fn_name) && make.names(as.character(fn_name)) == fn_name)
    paste0("CustomModel_", as.character(fn_name)) else "CustomModel"
  gen <- custom_model_class(model_fn, classname)
  if (is.null(name)) gen() else gen(name = name)
}

custom_model_class <- function(model_fn, classname) {
  Model(classname,
    initialize = function(...) {
      super$initialize(...)
      private$forward <- model_fn(self)
    },
    call = function(inputs, mask = NULL, training = NULL) {
      args <- list(inputs, mask = mask, training = training)
      accepted <- names(formals(private$forward))
      if (!"..." %in% accepted)
        args <- args[c(TRUE, names(args)[-1L] %in% accepted)]
      do.call(private$forward, args)
    })
}

#' Make a layer function from a custom layer class
#'
#' The function has the arguments of the class's `initialize` method, with `object` first:
#' like the `layer_*()` functions, given a model it adds the layer, given a tensor it
#' applies it, and given nothing it returns the layer.
#' @param Layer A class made with [Layer()] or `%py_class%`, an R6 class inheriting
#'   [KerasLayer], or a Keras layer class.
#' @param modifiers A named list of functions applied to the arguments of the same names
#'   before the layer is made (e.g. `list(units = as.integer)`).
#' @param convert Unused (kept for compatibility).
#' @return A function.
#' @examples
#' if (rkbridge_available()) {
#'   Scale <- Layer("ScaleBy", initialize = function(factor, ...) {
#'       super$initialize(...)
#'       self$factor <- factor
#'     },
#'     call = function(inputs) inputs * self$factor)
#'   layer_scale_by <- create_layer_wrapper(Scale)
#'   model <- keras_model_sequential(input_shape = c(2)) %>% layer_scale_by(10)
#'   predict(model, matrix(1:4, 2), verbose = 0)
#' }
#' @export
create_layer_wrapper <- function(Layer, modifiers = NULL, convert = TRUE) {
  cls <- rk_class_of(Layer)
  init <- if (inherits(Layer, "R6ClassGenerator")) Layer$public_methods$initialize
          else if (inherits(Layer, "rkbridge_class_generator")) {
            f <- Layer
            formals(f)$object <- NULL
            f
          }
  frmls <- c(alist(object = ), if (is.function(init)) formals(init) else alist(... = ))
  frmls$self <- NULL
  body <- quote({
    args <- rk_capture()
    object <- args$object
    args$object <- NULL
    for (n in intersect(names(modifiers), names(args))) args[[n]] <- modifiers[[n]](args[[n]])
    create_layer(cls, object, args)
  })
  as.function(c(frmls, body), envir = list2env(list(cls = cls, modifiers = modifiers),
                                               parent = asNamespace("rkbridge")))
}

#' Convert an R object to Python
#'
#' reticulate's `r_to_py()`; for an R6 class generator (a [KerasLayer] subclass, or an R6
#' class inheriting a Keras class) it gives the Python class behind it. An R matrix or array
#' becomes a NumPy array (a copy, column-major as reticulate makes it) through rkbridge's
#' transport, which works also where reticulate cannot make NumPy 2 arrays; see [py_to_r()]
#' for the way back.
#' @param x An R object.
#' @param convert Whether the Python object converts its results to R.
#' @return A Python object.
#' @examples
#' if (rkbridge_available()) {
#'   Offset <- R6::R6Class("Offset", inherit = KerasLayer,
#'     public = list(call = function(x, mask = NULL) x + 1))
#'   r_to_py(Offset)
#' }
#' @export
r_to_py <- function(x, convert = FALSE) {
  bridge()
  # Not a generic of its own: a method `r_to_py.default` here would be found by
  # reticulate::r_to_py()'s own dispatch when called from this package, and call itself.
  if (inherits(x, "R6ClassGenerator")) return(r_to_py.R6ClassGenerator(x, convert))
  if (is.atomic(x) && !is.null(dim(x)) && !is.object(x))
    return(rk_call("np_array", list(data = x, order = "F"), keep = TRUE, convert = convert))
  # dispatched from the caller's environment, as a direct call of reticulate's generic is:
  # an `r_to_py.<class>` method defined there (a script's, a test's) is found
  do.call(reticulate::r_to_py, list(x, convert = convert), envir = parent.frame())
}
