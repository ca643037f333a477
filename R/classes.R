# Keras classes defined in R (keras3's Layer(), new_model_class(), ..., keras 2.x's KerasLayer
# R6 classes). The engine (rkbridge/training/rclasses.py) builds the Python subclass; here each R
# method is given its `self` (the Python object), `super` and `private`, and an R error in it
# is reported with the R call that failed.

# Per-instance `private` environments, by a key kept on the Python object.
rk_privates <- new.env(parent = emptyenv())

# The arguments of an R method, as the engine's Python signature states them.
rk_signature <- function(fn) {
  f <- formals(fn)
  nms <- names(f) %||% character()
  keep <- !nms %in% c("...", "self")
  list(names = as.list(nms[keep]),
       has_default = as.list(vapply(f[keep], function(d) !identical(d, quote(expr = )), TRUE)),
       null_default = as.list(vapply(f[keep], is.null, TRUE)),
       dots = "..." %in% nms, calls_super = "super" %in% all.names(body(fn)),
       active = isTRUE(attr(fn, "rk_active", exact = TRUE)))
}

#' Mark a method as an active property
#'
#' A member of a class made with [new_layer_class()], [new_model_class()] and friends that
#' is marked active becomes a Python property: reading `self$name` calls the function with
#' no arguments, assigning `self$name <- value` calls it with `value`. Keras reads some
#' members as properties, e.g. a model's `metrics`.
#' @param fn A function, `function()` for a read-only property or `function(value)` (with
#'   `value` missing when read) for one that can be assigned.
#' @return `fn`, marked.
#' @examples
#' if (rkbridge_available()) {
#'   Scaler <- new_layer_class("Scaler",
#'     initialize = function(...) {
#'       super$initialize(...)
#'       private$f <- 2
#'     },
#'     call = function(inputs) inputs * private$f,
#'     factor = mark_active(function(value) {
#'       if (missing(value)) private$f else private$f <- value
#'     }))
#'   s <- Scaler()
#'   s$factor <- 3
#'   s$factor
#' }
#' @export
mark_active <- function(fn) {
  if (!is.function(fn))
    stop(rk_condition("mark_active(): `fn` must be a function.", "rkbridge_type_error"))
  attr(fn, "rk_active") <- TRUE
  fn
}

#' @rdname mark_active
#' @export
active_property <- mark_active

rk_method_message <- function(e, method, classname) {
  call <- conditionCall(e)
  where <- if (!is.null(call) && !identical(call[[1L]], quote(rk_user_method)))
    sprintf(" in %s", paste(deparse(call, nlines = 1L), collapse = "")) else ""
  sprintf("The `%s` method of %s failed%s: %s", method, classname, where,
          conditionMessage(e))
}

# `fn` as the engine calls it: function(self, ...), run with `self`, `super` and `private`
# visible, in an environment whose parent is the function's own.
rk_method <- function(fn, name, classname, shared) {
  force(fn); force(name); force(classname); force(shared)
  takes_self <- identical(names(formals(fn))[1L], "self")
  function(self, ...) {
    env <- new.env(parent = environment(fn))
    env$self <- self
    env$super <- rk_super_getter(self, shared)
    env$`__class__` <- shared$cls
    delayedAssign("private", rk_private(self, shared), assign.env = env)
    rk_user_method <- fn
    environment(rk_user_method) <- env
    args <- lapply(list(...), rk_method_arg)
    if (takes_self) args <- c(list(self), args)
    # the R error goes to Python (reticulate) and comes back from the engine as an R error
    value <- tryCatch(do.call("rk_user_method", args),
                      error = function(e) stop(rk_method_message(e, name, classname),
                                               call. = FALSE))
    if (name %in% c("initialize", "__init__", "build")) return(NULL)
    # a callback hook's value goes back only when it is a named list: the engine adds it
    # to Keras's `logs` (keras3's Callback() rule); anything else is its side effect's
    if (grepl("^on_", name))
      return(if (is.list(value) && !is.object(value) && length(value) &&
                 !is.null(names(value)) && all(nzchar(names(value)))) value)
    value
  }
}

# An argument as an R value, the same under every reticulate: an R vector given to the
# generator comes back from the engine as a NumPy array, which goes through the transport
# (reticulate 1.28 cannot convert it; 1.4x makes 1-D arrays of those inside lists).
# Tensors stay tensors.
rk_method_arg <- function(x) {
  x <- arrays_to_r(x)
  if (is.list(x) && !is.object(x)) x[] <- lapply(x, rk_method_arg)
  else if (is.atomic(x) && length(dim(x)) == 1L) dim(x) <- NULL
  x
}

rk_private <- function(self, shared) {
  key <- rk_call("private_key", list(self = self))
  env <- rk_privates[[key]]
  if (!is.null(env)) return(env)
  env <- new.env(parent = emptyenv())
  for (n in names(shared$private)) {
    m <- shared$private[[n]]
    if (is.function(m)) {
      menv <- new.env(parent = environment(m))
      menv$self <- self
      menv$private <- env
      environment(m) <- menv
    }
    assign(n, m, envir = env)
  }
  assign(key, env, envir = rk_privates)
  env
}

# `super$initialize(...)`, `super()$build(input_shape)`, `super(Class, self)$call(x)`.
rk_super_getter <- function(self, shared) {
  structure(function(type = NULL, object = NULL) {
    structure(list(cls = if (is.null(type)) shared$cls else rk_to_engine(type),
                   self = if (is.null(object)) self else object),
              class = "rkbridge_super")
  }, class = "rkbridge_super_getter")
}

#' @export
`$.rkbridge_super_getter` <- function(x, name) x()[[name]]

#' @export
`[[.rkbridge_super_getter` <- function(x, i, ...) x()[[i]]

#' @export
`$.rkbridge_super` <- function(x, name) {
  x <- unclass(x)
  if (!isTRUE(rk_call("super_attr", list(cls = x$cls, self = x$self, name = name))))
    return(rk_call("super_call", list(cls = x$cls, self = x$self, name = name)))
  function(...) {
    a <- list(...)
    named <- if (is.null(names(a))) rep(FALSE, length(a)) else nzchar(names(a))
    rk_call("super_call", list(cls = x$cls, self = x$self, name = name,
                                args = unname(a[!named]), kwargs = a[named]))
  }
}

#' @export
`[[.rkbridge_super` <- function(x, i, ...) `$.rkbridge_super`(x, i)

# The Python class for R members: methods (functions) and fields (other values).
rk_new_class <- function(classname, members, private = list(), inherit = "layer",
                         r6 = FALSE) {
  # an R6 field declared `NULL` is a field (None) all the same; elsewhere NULL keeps the
  # parent's member
  null_fields <- if (r6) as.list(names(members)[vapply(members, is.null, TRUE)])
  members <- members[!vapply(members, is.null, TRUE)]
  if (length(members) && (is.null(names(members)) || any(!nzchar(names(members)))))
    stop(rk_condition(sprintf("%s: every member must be named.", classname),
                      "rkbridge_value_error"))
  shared <- new.env(parent = emptyenv())
  shared$private <- private
  is_fn <- vapply(members, is.function, TRUE)
  methods <- Map(rk_method, members[is_fn], names(members)[is_fn], classname,
                 list(shared))
  signatures <- lapply(members[is_fn], rk_signature)
  cls <- rk_call("new_class", list(classname = classname, methods = methods,
                                   signatures = signatures, fields = members[!is_fn],
                                   inherit = rk_inherit(inherit), r6 = r6,
                                   null_fields = null_fields))
  shared$cls <- cls
  cls
}

rk_inherit <- function(inherit) {
  if (is.character(inherit)) return(inherit)
  if (inherits(inherit, "rkbridge_class_generator")) return(rk_class_get(inherit))
  if (inherits(inherit, "R6ClassGenerator")) return(rk_r6_class(inherit))
  inherit
}

# A class defined in R is made in Python when the engine runs: defining one does not start
# Python (a package or script may define classes first). Those defined before the engine
# started are made as it starts (bridge(), R/python.R), so that Keras knows them by name
# when a model is loaded; one made in an earlier R session (a saved generator) is made
# again on first use.
rk_pending_classes <- new.env(parent = emptyenv())

rk_lazy_class <- function(make) {
  lazy <- new.env(parent = emptyenv())
  lazy$make <- make
  lazy$cls <- NULL
  if (!is.null(.rk$bridge)) rk_class_get(lazy)
  else assign(format(lazy), lazy, envir = rk_pending_classes)
  lazy
}

# The Python class of a generator (or of its lazy definition).
rk_class_get <- function(x) {
  lazy <- if (is.environment(x)) x else attr(x, "rk_class", exact = TRUE)
  if (is.null(lazy$cls) || reticulate::py_is_null_xptr(lazy$cls)) lazy$cls <- lazy$make()
  lazy$cls
}

rk_make_pending_classes <- function() {
  pending <- as.list(rk_pending_classes)
  rm(list = names(pending), envir = rk_pending_classes)
  # one that fails says so when it is used
  for (lazy in pending) try(rk_class_get(lazy), silent = TRUE)
  invisible()
}

# The R function that makes instances of a class: its arguments are `initialize`'s (plus
# `object` first for layers, which then compose as layer_*() functions do). With
# `object_or_arg`, a first argument that is not a Keras object (model, layer, tensor) is
# initialize's first positional one, as when `%py_class%` gave the Python class itself:
# `Linear(4, 2)` makes a layer with units 4.
rk_class_generator <- function(lazy, init, composing, kind = NULL, object_or_arg = FALSE) {
  init_formals <- if (is.function(init)) formals(init) else alist(... = )
  init_formals$self <- NULL
  frmls <- if (composing) c(alist(object = ), init_formals) else init_formals
  body <- quote({
    args <- rk_capture(unnamed = TRUE)
    if (object_or_arg && !is.null(args$object) &&
        !inherits(args$object, "python.builtin.object"))
      args <- rk_positional_first(args, sys.call(), names(formals(sys.function())))
    object <- args$object
    args$object <- NULL
    # unnamed arguments through `initialize(...)` are positional ones
    named <- if (is.null(names(args))) rep(FALSE, length(args)) else nzchar(names(args))
    instance <- rk_call("instantiate", list(cls = rk_class_get(lazy),
                                            args = unname(args[!named]),
                                            kwargs = args[named]))
    if (is.null(object)) instance
    else rk_call("compose_layer", list(object = object, layer = instance))
  })
  gen <- as.function(c(frmls, body),
                     envir = list2env(list(lazy = lazy, object_or_arg = object_or_arg),
                                      parent = asNamespace("rkbridge")))
  structure(gen, rk_class = lazy, rk_kind = kind,
            class = c("rkbridge_class_generator", "function"))
}

# `args` as captured by a generator whose formals are `object` then initialize's, re-read
# with `object` not a formal: the values given by position, in order, become unnamed (the
# class binds them), the ones given by name keep their names.
rk_positional_first <- function(args, call, formal_names) {
  given <- names(as.list(call)[-1L]) %||% rep("", length(call) - 1L)
  by_name <- intersect(names(args), given[nzchar(given)])
  formal_names <- setdiff(formal_names, "...")
  by_position <- setdiff(formal_names[formal_names %in% names(args)], by_name)
  dots <- !nzchar(names(args)) & !(names(args) %in% formal_names)
  c(unname(args[by_position]), unname(args[dots]), args[by_name])
}

# Members of the class itself, as of the Python class that keras 2.x's and keras3's
# `%py_class%` gave: `Linear$from_config(config)`, `Linear$classname`.
#' @export
`$.rkbridge_class_generator` <- function(x, name) {
  lazy_member(eval(call("$", rk_class_get(x), name)), name)  # R/zzz.R
}

#' @export
print.rkbridge_class_generator <- function(x, ...) {
  cat("<class generator for ", reticulate::py_str(rk_class_get(x)), ">\n", sep = "")
  invisible(x)
}

rk_define <- function(kind, classname, members, public = list(), private = list(),
                      inherit = NULL) {
  members <- utils::modifyList(members[!vapply(members, is.null, TRUE)], public,
                               keep.null = TRUE)
  # Keras calls constraints and schedules as functions: their R `call` is `__call__`
  if (kind %in% c("constraint", "learning_rate_schedule") && !is.null(members$call) &&
      is.null(members$`__call__`)) {
    members$`__call__` <- members$call
    members$call <- NULL
  }
  force(inherit)
  lazy <- rk_lazy_class(function() rk_new_class(classname, members, private,
                                                rk_inherit(inherit %||% kind)))
  init <- members$initialize %||% members$`__init__`
  rk_class_generator(lazy, init, composing = kind == "layer", kind = kind)
}

#' Define Keras classes in R
#'
#' Each function defines a subclass of a Keras base class whose methods are R functions and
#' returns a function that creates instances. Inside a method, `self` is the Keras object,
#' `super` the parent class (`super$initialize(...)`, `super()$build(input_shape)`), and
#' `private` an environment of the instance's private members. `initialize` must pass
#' unknown arguments on to `super$initialize(...)`; `get_config()` returns the arguments
#' that recreate the object (so that models using it save and load). The class is registered
#' under `classname`, the name saved in files: a session that defines it again loads such
#' models, as does one that passes `custom_objects = list(Name = generator)`.
#'
#' * `Layer()` / `new_layer_class()`: methods `initialize`, `build(input_shape)` (add weights
#'   with `self$add_weight()`), `call(inputs, ...)`, `get_config()`,
#'   `compute_output_shape()`. The generator composes like `layer_*()` functions: given a
#'   model or tensor as first argument, it adds or applies the new layer.
#' * `Model()` / `new_model_class()`: `initialize` (create layers), `call(inputs, training)`,
#'   optionally `train_step(data)`, `test_step(data)`, `predict_step(data)`.
#' * `Loss()` / `new_loss_class()`: `call(y_true, y_pred)`.
#' * `Metric()` / `new_metric_class()`: `update_state(y_true, y_pred, sample_weight)`,
#'   `result()`, `reset_state()`.
#' * `Callback()`: hooks such as `on_epoch_end(epoch, logs)` (epochs and batches 1-based,
#'   `logs` a named list), with `self$model` and `self$params`.
#' * `Constraint()`: `call(w)` returns the constrained weights.
#' * `LearningRateSchedule()` / `new_learning_rate_schedule_class()`: `call(step)` returns
#'   the learning rate at optimizer step `step` (a tensor, 0 at the first step); the instance
#'   is given to an optimizer's `learning_rate`.
#'
#' `call()` bodies work on tensors with `k_*()` / `op_*()` functions and R's operators. R
#' methods run when Keras traces a training step (graph mode) or, with
#' `compile(run_eagerly = TRUE)`, at every step.
#'
#' @param classname The class name (also its name in saved files).
#' @param initialize,build,call,get_config,train_step,predict_step,test_step,compute_loss,update_state,result,on_epoch_begin,on_epoch_end,on_train_begin,on_train_end,on_batch_begin,on_batch_end
#'   Methods (R functions); `NULL` keeps the parent's.
#' @param ... Further methods and fields, named.
#' @param public A named list of further members.
#' @param private A named list of private members (reached as `private$name`).
#' @param inherit The parent class: a class made with these functions, or a Keras class.
#' @param parent_env Unused (methods keep their own environments).
#' @return A function that creates instances (for layers, with `object` first).
#' @examples
#' if (rkbridge_available()) {
#'   layer_scale <- Layer("Scale",
#'     initialize = function(factor = 2, ...) {
#'       super$initialize(...)
#'       self$factor <- factor
#'     },
#'     call = function(inputs) inputs * self$factor,
#'     get_config = function() {
#'       config <- super$get_config()
#'       config$factor <- self$factor
#'       config
#'     })
#'   model <- keras_model_sequential(input_shape = c(3)) %>% layer_scale(factor = 3)
#'   predict(model, matrix(1:6, 2), verbose = 0)
#' }
#' @export
Layer <- function(classname, initialize = NULL, call = NULL, build = NULL, get_config = NULL,
                  ..., public = list(), private = list(), inherit = NULL,
                  parent_env = parent.frame()) {
  rk_define("layer", classname, c(list(initialize = initialize, call = call, build = build,
                                       get_config = get_config), list(...)),
            public, private, inherit)
}

#' @rdname Layer
#' @export
new_layer_class <- function(classname, initialize = NULL, call = NULL, build = NULL,
                            get_config = NULL, ..., private = list(),
                            parent_env = parent.frame()) {
  Layer(classname, initialize = initialize, call = call, build = build,
        get_config = get_config, ..., private = private)
}

#' @rdname Layer
#' @export
Model <- function(classname, initialize = NULL, call = NULL, train_step = NULL,
                  predict_step = NULL, test_step = NULL, compute_loss = NULL, ...,
                  public = list(), private = list(), inherit = NULL,
                  parent_env = parent.frame()) {
  rk_define("model", classname,
            c(list(initialize = initialize, call = call, train_step = train_step,
                   predict_step = predict_step, test_step = test_step,
                   compute_loss = compute_loss), list(...)),
            public, private, inherit)
}

#' @rdname Layer
#' @export
new_model_class <- function(classname, initialize = NULL, call = NULL, train_step = NULL,
                            predict_step = NULL, test_step = NULL, compute_loss = NULL, ...,
                            private = list(), parent_env = parent.frame()) {
  Model(classname, initialize = initialize, call = call, train_step = train_step,
        predict_step = predict_step, test_step = test_step, compute_loss = compute_loss,
        ..., private = private)
}

#' @rdname Layer
#' @export
Loss <- function(classname, call = NULL, ..., public = list(), private = list(),
                 inherit = NULL, parent_env = parent.frame()) {
  rk_define("loss", classname, c(list(call = call), list(...)), public, private, inherit)
}

#' @rdname Layer
#' @export
new_loss_class <- function(classname, call = NULL, ..., private = list(),
                           parent_env = parent.frame()) {
  Loss(classname, call = call, ..., private = private)
}

#' @rdname Layer
#' @export
Metric <- function(classname, initialize = NULL, update_state = NULL, result = NULL, ...,
                   public = list(), private = list(), inherit = NULL,
                   parent_env = parent.frame()) {
  rk_define("metric", classname, c(list(initialize = initialize, update_state = update_state,
                                        result = result), list(...)),
            public, private, inherit)
}

#' @rdname Layer
#' @export
new_metric_class <- function(classname, initialize = NULL, update_state = NULL,
                             result = NULL, ..., private = list(),
                             parent_env = parent.frame()) {
  Metric(classname, initialize = initialize, update_state = update_state, result = result,
         ..., private = private)
}

#' @rdname Layer
#' @export
Callback <- function(classname, on_epoch_begin = NULL, on_epoch_end = NULL,
                     on_train_begin = NULL, on_train_end = NULL, on_batch_begin = NULL,
                     on_batch_end = NULL, ..., public = list(), private = list(),
                     inherit = NULL, parent_env = parent.frame()) {
  members <- c(list(on_epoch_begin = on_epoch_begin, on_epoch_end = on_epoch_end,
                    on_train_begin = on_train_begin, on_train_end = on_train_end,
                    on_train_batch_begin = on_batch_begin, on_train_batch_end = on_batch_end),
               list(...))
  rk_define("callback", classname, members, public, private, inherit)
}

#' @rdname Layer
#' @export
Constraint <- function(classname, call = NULL, get_config = NULL, ..., public = list(),
                       private = list(), inherit = NULL, parent_env = parent.frame()) {
  rk_define("constraint", classname, c(list(call = call, get_config = get_config),
                                       list(...)), public, private, inherit)
}

#' @rdname Layer
#' @export
LearningRateSchedule <- function(classname, call = NULL, initialize = NULL, get_config = NULL,
                                 ..., public = list(), private = list(), inherit = NULL,
                                 parent_env = parent.frame()) {
  rk_define("learning_rate_schedule", classname,
            c(list(call = call, initialize = initialize, get_config = get_config), list(...)),
            public, private, inherit)
}

#' @rdname Layer
#' @export
new_learning_rate_schedule_class <- function(classname, ..., initialize = NULL, call,
                                             get_config = NULL, private = list(),
                                             parent_env = parent.frame()) {
  LearningRateSchedule(classname, call = call, initialize = initialize,
                       get_config = get_config, ..., private = private)
}

#' Define a Keras class with Python-like syntax
#'
#' `ClassName(Base) %py_class% { method <- function(...) ... }` defines a class as
#' [Layer()] and friends do, from the functions and values the braces create, and assigns
#' its generator to `ClassName` in the calling environment. `Base` is a class made with
#' these functions or a Keras class (e.g. `keras$layers$Layer`); without it the class is a
#' plain Python class.
#' @param spec `ClassName(Base)`.
#' @param body A braced block of member definitions.
#' @return The class generator, invisibly.
#' @examples
#' if (rkbridge_available()) {
#'   Doubler(keras$layers$Layer) %py_class% {
#'     call <- function(inputs) inputs * 2
#'   }
#'   model <- keras_model_sequential(input_shape = c(2)) %>% Doubler()
#'   predict(model, matrix(1:4, 2), verbose = 0)
#' }
#' @export
`%py_class%` <- function(spec, body) {
  spec <- substitute(spec)
  body <- substitute(body)
  env <- parent.frame()
  # `Name(Base) %py_class% {...}`, or `Name %py_class% {...}` for a plain Python class
  classname <- as.character(if (is.name(spec)) spec else spec[[1L]])
  inherit <- if (!is.name(spec) && length(spec) > 1L) eval(spec[[2L]], env) else "object"
  members_env <- new.env(parent = env)
  eval(body, members_env)
  # a member made with `%<-active%` is an active binding there: its function, marked
  nms <- ls(members_env, all.names = TRUE, sorted = FALSE)
  active <- vapply(nms, bindingIsActive, TRUE, env = members_env)
  members <- mget(nms[!active], envir = members_env)
  members[nms[active]] <- lapply(nms[active], function(n)
    mark_active(activeBindingFunction(n, members_env)))
  lazy <- rk_lazy_class(function() rk_new_class(classname, members,
                                                inherit = rk_inherit(inherit)))
  # whether the generator composes as a layer: known without Python for a plain class or
  # one inheriting an R-defined class (so that a package may define classes at load time)
  kind <- if (identical(inherit, "object")) "other"
          else if (inherits(inherit, "rkbridge_class_generator"))
            attr(inherit, "rk_kind", exact = TRUE) %||%
              rk_call("class_kind", list(cls = rk_class_get(inherit)))
          else rk_call("class_kind", list(cls = rk_class_get(lazy)))
  gen <- rk_class_generator(lazy, members$initialize, composing = identical(kind, "layer"),
                            kind = kind, object_or_arg = TRUE)
  assign(classname, gen, envir = env)
  invisible(gen)
}

#' Define an active binding
#'
#' `name %<-active% function(value) ...` makes `name` an active binding in the calling
#' environment: reading it calls the function with no arguments, assigning to it calls the
#' function with the value. In the body of a `%py_class%` definition the member becomes an
#' active property of the class (as with [mark_active()]).
#' @param sym The name to bind.
#' @param value A function of zero or one argument.
#' @return `value`, invisibly.
#' @examples
#' counter <- 0
#' x %<-active% function(value) {
#'   counter <<- counter + 1
#'   if (missing(value)) counter else counter <<- value
#' }
#' x
#' x
#' rm(x)
#' @export
`%<-active%` <- function(sym, value) {
  makeActiveBinding(substitute(sym), value, parent.frame())
  invisible(value)
}

#' Keras, as a Python module
#'
#' The `keras` module (`keras$layers$Layer`, `keras$ops$add()`), imported at its first use.
#' @format A Python module (a stand-in that imports it at the first `keras$...`).
#' @examples
#' if (rkbridge_available()) keras$layers$Layer
#' @export
keras <- structure(list(name = "keras"), class = "rkbridge_lazy_module")

#' Name the value of a Python context manager in `with()`
#'
#' `with(tf$GradientTape() %as% tape, { ... })` enters the context manager, binds it to
#' `tape` for the block, and exits it afterwards (as Python's `with ... as tape:`); used in
#' custom `train_step()` methods.
#' @param object A Python context manager.
#' @param name The name to bind it to.
#' @return `object`, marked with the name.
#' @examples
#' if (rkbridge_available()) {
#'   w <- tf$Variable(2)
#'   with(tf$GradientTape() %as% tape, loss <- w * w)
#'   tape$gradient(loss, w)
#' }
#' @export
`%as%` <- function(object, name) {
  attr(object, "as") <- gsub("\"", "", deparse(substitute(name)))
  object
}
