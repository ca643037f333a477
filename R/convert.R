# Converting R values for the engine and results back (CONVENTIONS.md section 1). The rules
# about meaning (shapes, axes, integer arguments, NA) live in the engine; here R values only
# change representation.

array_to_engine <- function(x) {
  b <- bridge(convert = FALSE)  # its results stay NumPy arrays on every reticulate
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

# One R value -> what the engine receives: a method per kind of R value. A value may reach
# the engine as a loan instead (lendable(), rk_call()); what it means is the same.
# A lone NA of any atomic class would reach Python as True (reticulate): the engine's marker
# instead, whose meaning (unknown size in a shape, else an error) is rkbridge/wrappers/args.py's
# resolve_na().
rk_to_engine <- function(x) {
  if (is.atomic(x) && length(x) == 1L && is.null(dim(x)) && is.na(x) &&
      !(is.double(x) && is.nan(x)))
    return(bridge()$na)
  UseMethod("rk_to_engine")
}

#' @exportS3Method rk_to_engine default
rk_to_engine.default <- function(x) {
  if (is.function(x)) return(rk_to_engine.function(x))
  if (isS4(x)) return(s4_to_py(x))
  if (is.list(x)) return(rk_to_engine.list(x))  # a classed list: its elements
  if (is.atomic(x)) return(atomic_to_engine(x))
  if (is.environment(x) && !is.object(x))  # reticulate would fail with a C++ exception
    stop(rk_condition(paste("An R environment cannot be given to Keras as data or as an",
                            "argument: give a matrix, an array, a data frame or a list."),
                      "rkbridge_type_error"))
  x
}

#' @rawNamespace S3method(rk_to_engine, "NULL")
rk_to_engine.NULL <- function(x) NULL

# Vectors without dim of length 1 stay scalars; other vectors and arrays are lent (numbers)
# or copied (strings) to NumPy arrays; a character vector without dim stays a list of str.
atomic_to_engine <- function(x) {
  if (!is.null(dim(x)) || (length(x) != 1L && !is.character(x))) array_to_engine(x) else x
}
#' @exportS3Method rk_to_engine character
rk_to_engine.character <- function(x) {
  if (is.null(dim(x))) {
    # reticulate would send NA as the text "NA" and invalid UTF-8 as "caf<e9>": NA goes as
    # the engine's marker, invalid strings as their bytes, and the engine names the element
    na <- is.na(x)
    enc <- Encoding(x)
    bad <- !na & (enc == "bytes" |
                  (l10n_info()[["UTF-8"]] & enc == "unknown" & !validUTF8(x)))
    # strings of a declared (or a non-UTF-8 native) encoding: read as R prints them
    x[!bad] <- enc2utf8(x[!bad])
    if (any(na | bad)) {
      out <- as.list(x)
      out[na] <- list(bridge()$na)
      out[bad] <- lapply(x[bad], charToRaw)
      return(out)
    }
  }
  atomic_to_engine(x)
}
#' @exportS3Method rk_to_engine numeric
rk_to_engine.numeric <- atomic_to_engine
#' @exportS3Method rk_to_engine logical
rk_to_engine.logical <- atomic_to_engine
#' @exportS3Method rk_to_engine complex
rk_to_engine.complex <- atomic_to_engine
#' @exportS3Method rk_to_engine raw
rk_to_engine.raw <- atomic_to_engine

#' @exportS3Method rk_to_engine list
rk_to_engine.list <- function(x) {
  out <- lapply(x, rk_to_engine)
  nms <- names(x)
  if (is.null(nms)) return(unname(out))
  # list(a, b = x): a dict would keep one unnamed element only
  if (!all(nzchar(nms))) return(bridge()$partly_named(unname(out), as.list(nms)))
  out
}

#' @exportS3Method rk_to_engine data.frame
rk_to_engine.data.frame <- function(x)
  bridge()$data_frame(as.list(names(x)), unname(lapply(x, column_to_engine)))

#' @exportS3Method rk_to_engine factor
rk_to_engine.factor <- function(x)
  bridge()$factor(array_to_engine(as.integer(x)), as.list(levels(x)))

# Classed numbers whose storage is not their value: an error (check_plain_numbers()).
#' @exportS3Method rk_to_engine integer64
rk_to_engine.integer64 <- function(x) check_plain_numbers(x, "an argument")
#' @exportS3Method rk_to_engine Date
rk_to_engine.Date <- rk_to_engine.integer64
#' @exportS3Method rk_to_engine POSIXct
rk_to_engine.POSIXct <- rk_to_engine.integer64
#' @exportS3Method rk_to_engine POSIXlt
rk_to_engine.POSIXlt <- rk_to_engine.integer64
#' @exportS3Method rk_to_engine difftime
rk_to_engine.difftime <- rk_to_engine.integer64

# Passing the reference itself spares reticulate (1.28) a slow conversion of a function.
#' @exportS3Method rk_to_engine python.builtin.object
rk_to_engine.python.builtin.object <- function(x) py_reference(rk_revive(x))

#' @exportS3Method rk_to_engine rkbridge_py_callable
rk_to_engine.rkbridge_py_callable <- function(x) attr(x, "py_object", exact = TRUE)

#' @exportS3Method rk_to_engine KerasCallback
rk_to_engine.KerasCallback <- function(x) r6_callback_to_py(x)

#' @exportS3Method rk_to_engine rkbridge_class_generator
rk_to_engine.rkbridge_class_generator <- function(x) rk_class_get(x)  # R/classes.R

#' @exportS3Method rk_to_engine R6
rk_to_engine.R6 <- function(x) rk_r6_to_py(x)
#' @exportS3Method rk_to_engine R6ClassGenerator
rk_to_engine.R6ClassGenerator <- rk_to_engine.R6

#' @exportS3Method rk_to_engine formula
rk_to_engine.formula <- function(x)
  if (length(x) == 2L) rk_to_engine.function(formula_function(x)) else x

# An R function the engine will call back: wrapped so that an error in it is reported as
# coming from it (rkbridge/boundary/rfunctions.py). Its formals' names go along: the engine
# decides from them how many arguments a hook takes, instead of retrying on errors
# (rkbridge/training/callbacks.py, call_flexibly()).
# ... and back: a function of the package handed over by name (`activation =
# activation_softmax`) reaches an R method of a custom class (its `initialize()` arguments)
# as that function again, so the method can keep it and call it.
#' @rawNamespace S3method(reticulate::py_to_r, rkbridge.values.Named)
py_to_r.rkbridge.values.Named <- function(x)
  get(reticulate::py_to_r(reticulate::py_get_attr(x, "r_name")),
      envir = asNamespace("rkbridge"), mode = "function")

#' @rawNamespace S3method(rk_to_engine, "function")
rk_to_engine.function <- function(x) {
  nm <- attr(x, "rk_name", exact = TRUE)
  if (!is.null(nm)) return(bridge(convert = FALSE)$named(nm))  # unconverted: see py_to_r below
  decl <- if (is.primitive(x)) args(x) else x  # args(): NULL for some primitives
  formal_names <- if (is.null(decl)) NULL else as.list(as.character(names(formals(decl))))
  bridge()$r_function(guard_r_function(x),
                      attr(x, "rk_function_name", exact = TRUE) %||%
                        attr(x, "py_function_name", exact = TRUE), formal_names)
}

column_to_engine <- function(col) {
  check_plain_numbers(col, "a data frame column")
  if (is.factor(col)) return(rk_to_engine.factor(col))
  if (is.character(col)) return(as.list(col))
  array_to_engine(as.vector(col))
}

# Sparse matrices of package Matrix: their slots, for the engine to build a tf.SparseTensor
# (rkbridge/datautils/sparse.py). Other S4 objects would reach reticulate, which fails unclassed after
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
  arrays_to_r(bridge()$echo(rk_to_engine(x)))
}

# Keras objects carry, after their Keras 3 classes, the class names R code written for
# keras 2.x tests with inherits() (`keras.engine.training.Model`, `keras.metrics.Metric`;
# the table is the engine's, rkbridge/wrappers/naming.py). The names for a class are worked out once
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
  if (is.null(tab)) tab <- .rk$legacy_table <- rk_call("legacy_class_names")
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
