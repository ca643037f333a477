# Converting R values for the engine and results back (CONVENTIONS.md section 1). The rules
# about meaning (shapes, axes, integer arguments, NA) live in the engine; here R values only
# change representation.

array_to_engine <- function(x) {
  b <- raw_bridge()  # its results stay NumPy arrays on every reticulate
  if (is.character(x))
    return(b$strings_array(as.list(as.vector(x)), as.list(dim(x) %||% length(x))))
  if (!typeof(x) %in% c("double", "integer", "logical", "raw"))
    stop(rk_condition(sprintf("R vectors of type '%s' cannot be model data.", typeof(x)),
                      "rkbridge_type_error"))
  dims <- dim(x) %||% length(x)
  # rk_lend() preserves `x` until the engine's last view of it is gone (src/transport.c)
  .rk$array(.Call(rk_lend, x), as.list(as.integer(dims)), typeof(x))
}

# Is `x` an R vector the engine borrows (a loan, src/transport.c) rather than converts?
lendable <- function(x)
  !is.object(x) && (is.double(x) || is.integer(x) || is.logical(x)) &&
    (length(x) != 1L || !is.null(dim(x)))

# The reference a Python object's R handle holds: a callable (a model, a layer) is an R
# function carrying it as its "py_object" attribute; other handles are the reference.
py_reference <- function(x)
  if (is.function(x)) attr(x, "py_object", exact = TRUE) %||% x else x

`%||%` <- function(a, b) if (is.null(a)) b else a

# One R value -> what the engine receives.
to_py <- function(x) {
  if (inherits(x, "python.builtin.object")) {
    # passing the reference itself spares reticulate (1.28) a slow conversion of a function
    return(py_reference(rk_revive(x)))
  }
  if (is.null(x)) return(x)
  # A lone NA would reach Python as True (reticulate): the engine's marker instead, whose
  # meaning (unknown size in a shape, else an error) is rkbridge/args.py's resolve_na().
  if (is.atomic(x) && length(x) == 1L && is.null(dim(x)) && is.na(x) &&
      !(is.double(x) && is.nan(x)))
    return(bridge()$na)
  if (inherits(x, "rkbridge_py_callable")) return(attr(x, "py_object", exact = TRUE))
  if (inherits(x, "KerasCallback")) return(r6_callback_to_py(x))
  if (inherits(x, "rkbridge_class_generator")) return(rk_class_get(x))  # R/classes.R
  if (inherits(x, c("R6ClassGenerator", "R6"))) return(rk_r6_to_py(x))
  if (inherits(x, "formula") && length(x) == 2L) x <- formula_function(x)
  if (is.function(x)) {
    nm <- attr(x, "rk_name", exact = TRUE)
    # An R function the engine will call back: wrapped so that an error in it is reported
    # as coming from it (rkbridge/boundary/rfunctions.py).
    # Its formals' names go along: the engine decides from them how many arguments a hook
    # takes, instead of retrying on errors (rkbridge/callbacks.py, call_flexibly()).
    if (!is.null(nm)) return(bridge()$named(nm))
    decl <- if (is.primitive(x)) args(x) else x  # args(): NULL for some primitives
    formal_names <- if (is.null(decl)) NULL else as.list(as.character(names(formals(decl))))
    return(bridge()$r_function(guard_r_function(x),
                               attr(x, "rk_function_name", exact = TRUE) %||%
                                 attr(x, "py_function_name", exact = TRUE), formal_names))
  }
  if (isS4(x)) return(s4_to_py(x))
  check_plain_numbers(x, "an argument")
  if (is.data.frame(x))
    return(bridge()$data_frame(as.list(names(x)), unname(lapply(x, to_py_column))))
  if (is.factor(x))
    return(bridge()$factor(array_to_engine(as.integer(x)), as.list(levels(x))))
  if (is.list(x)) {
    out <- lapply(x, to_py)
    nms <- names(x)
    if (is.null(nms)) return(unname(out))
    # list(a, b = x): a dict would keep one unnamed element only
    if (!all(nzchar(nms))) return(bridge()$partly_named(unname(out), as.list(nms)))
    return(out)
  }
  if (is.atomic(x) && !is.character(x) && (!is.null(dim(x)) || length(x) != 1L))
    return(array_to_engine(x))
  if (is.character(x) && !is.null(dim(x))) return(array_to_engine(x))
  x
}

to_py_column <- function(col) {
  check_plain_numbers(col, "a data frame column")
  if (is.factor(col)) return(bridge()$factor(array_to_engine(as.integer(col)),
                                             as.list(levels(col))))
  if (is.character(col)) return(as.list(col))
  array_to_engine(as.vector(col))
}

# Sparse matrices of package Matrix: their slots, for the engine to build a tf.SparseTensor
# (rkbridge/sparse.py). Other S4 objects would reach reticulate, which fails unclassed after
# printing them whole.
s4_to_py <- function(x) {
  if (inherits(x, "dgCMatrix"))
    return(bridge()$sparse_matrix("csc", array_to_engine(x@i), array_to_engine(x@p),
                                  array_to_engine(x@x), as.list(dim(x))))
  if (inherits(x, "dgRMatrix"))
    return(bridge()$sparse_matrix("csr", array_to_engine(x@j), array_to_engine(x@p),
                                  array_to_engine(x@x), as.list(dim(x))))
  hint <- if (inherits(x, "Matrix"))
    " Convert it with as(x, \"CsparseMatrix\") (sparse: dgCMatrix) or as.matrix(x)." else ""
  stop(rk_condition(sprintf("An R object of class '%s' cannot be passed to the engine.%s",
                            class(x)[1L], hint), "rkbridge_type_error"))
}

# Classed numbers whose storage is not their value (integer64 keeps 64-bit integers in a
# double's bits; dates and times count days or seconds): passed on, they would be tiny or
# meaningless doubles.
check_plain_numbers <- function(x, what) {
  cls <- intersect(class(x), c("integer64", "Date", "POSIXct", "POSIXlt", "difftime"))
  if (length(cls))
    stop(rk_condition(sprintf(paste0(
      "%s of class '%s' cannot be passed to the engine: convert it to plain numbers first ",
      "(%s)."), if (what == "an argument") "A value" else "A data frame column", cls[1L],
      if (cls[1L] == "integer64") "as.numeric() or as.integer()" else
        "e.g. as.numeric(), which counts days (Date) or seconds (times) since 1970-01-01"),
      "rkbridge_type_error"))
}

# An engine array (NumPy) -> an R vector/matrix/array with the same index meaning.
array_to_r <- function(x) {
  info <- .rk$info(x)
  kind <- info[[1L]]
  if (identical(kind, "none")) return(x)
  dims <- as.integer(unlist(info[-1L]))
  if (identical(kind, "character")) {
    out <- unlist(bridge()$strings(x))  # a Python list of str: converted by any reticulate
    if (length(dims) > 1L) dim(out) <- dims
    return(out)
  }
  out <- .Call(rk_alloc, kind, dims)
  if (length(out)) .rk$fill(x, .Call(rk_address, out), kind)
  out
}

# reticulate converts the engine's lists, dicts and scalars but (with NumPy 2) leaves NumPy
# arrays as Python objects: convert those with the transport, wherever they are.
arrays_to_r <- function(x) {
  # A small array sent inline (rkbridge/boundary/transport.py, inline()). Results carry no
  # other raw vectors (the engine boxes all bytes), so this is never a value of the user's.
  if (is.raw(x)) return(.Call(rk_from_raw, x))
  if (inherits(x, c("rkbridge.boundary.transport.ArrayBox", "numpy.ndarray", "numpy.generic",
                    "python.builtin.bytes")))
    return(array_to_r(x))
  if (inherits(x, "python.builtin.object")) return(with_legacy_classes(x))
  if (is.list(x)) {
    at <- attributes(x)
    x <- lapply(x, arrays_to_r)
    attributes(x) <- at
  }
  x
}

# R -> engine -> R: what the transport does to a value (used by tests and benchmarks).
rk_echo <- function(x) {
  bridge()
  arrays_to_r(bridge()$echo(to_py(x)))
}

# Keras objects carry, after their Keras 3 classes, the class names R code written for
# keras 2.x tests with inherits() (`keras.engine.training.Model`, `keras.metrics.Metric`;
# the table is the engine's, rkbridge/naming.py). The names for a class are worked out once
# and kept by its first class name: per result one lookup.
with_legacy_classes <- function(x) {
  cls <- class(x)
  extra <- .rk$legacy_by_class[[cls[[1L]]]]
  if (is.null(extra)) extra <- legacy_classes_for(cls)
  if (length(extra) && !(extra[[1L]] %in% cls)) class(x) <- c(cls[-length(cls)], extra, cls[length(cls)])
  x
}

legacy_classes_for <- function(cls) {
  tab <- .rk$legacy_table
  if (is.null(tab)) tab <- .rk$legacy_table <- .rk$call("legacy_class_names")
  extra <- setdiff(unlist(tab[intersect(cls, names(tab))], use.names = FALSE), cls)
  if (is.null(.rk$legacy_by_class)) .rk$legacy_by_class <- new.env(hash = TRUE, parent = emptyenv())
  assign(cls[[1L]], as.character(extra), envir = .rk$legacy_by_class)
  as.character(extra)
}

# A one-sided formula where a function is expected (`which = ~ grepl("^d", .x$name)`, as
# purrr/rlang lambdas): a function of `.x` (also `.`) and `.y`.
formula_function <- function(f) {
  body <- f[[2L]]
  env <- environment(f) %||% parent.frame()
  fn <- function(.x, .y, ...) NULL
  body(fn) <- substitute({ . <- .x; BODY }, list(BODY = body))
  environment(fn) <- env
  fn
}
