#' Unpacking assignment with `.`
#'
#' keras3 code unpacks lists with the `.` object: `.[x_train, y_train] <- data` assigns the
#' first element of `data` to `x_train` and the second to `y_train`, in the calling
#' environment. Targets nest (`.[.[x_train, y_train], .[x_test, y_test]] <- dataset_mnist()`),
#' `..` skips any number of elements (`.[first, .., last] <- x`), and a named target takes
#' an element by name or evaluates an expression among the elements
#' (`.[n = nrow] <- list(nrow = 3)`, `.[area = w * h] <- list(w = 2, h = 3)`).
#' Atomic vectors unpack element by element, data frames column by column, and R versions
#' into their components. `%<-%` is the keras 2.x form of the same idea.
#' @name dot-unpack
#' @aliases .
#' @format An object that only supports `.[...] <- value`.
#' @return The assignment's targets are set in the calling environment.
#' @examples
#' .[rows, cols] <- dim(matrix(0, 3, 4))
#' c(rows, cols)
#' .[first, .., last] <- 1:10
#' c(first, last)
#' .[a, .[b, c]] <- list(1, list(2, 3))
#' c(a, b, c)
#' .[w = width] <- list(height = 2, width = 5)
#' w
#' @export
. <- structure(list(), class = "rkbridge_unpack")

#' @export
`[<-.rkbridge_unpack` <- function(x, ..., value) {
  targets <- as.list(sys.call())[-c(1L, 2L)]  # the function and `*tmp*`
  targets <- targets[names(targets) != "value"]
  dot_assign(targets, value, parent.frame())
  x
}

#' @export
print.rkbridge_unpack <- function(x, ...) {
  cat("<unpacking assignment: .[a, b] <- value>\n")
  invisible(x)
}

dot_values <- function(value) {
  if (inherits(value, "numeric_version")) return(as.list(unclass(value)[[1L]]))
  if (is.data.frame(value) || is.atomic(value)) return(as.list(value))
  if (inherits(value, "python.builtin.object")) return(as.list(reticulate::py_to_r(value)))
  value
}

dot_assign <- function(targets, value, env) {
  value <- dot_values(value)
  keys <- names(targets) %||% character(length(targets))
  keys[is.na(keys)] <- ""
  is_skip <- vapply(targets, identical, TRUE, as.name(".."))
  if (sum(is_skip) > 1L) stop("`.[...]` takes one `..` at most.", call. = FALSE)
  positional <- which(!nzchar(keys) & !is_skip)
  skip <- which(is_skip)
  n <- length(value)
  for (i in seq_along(targets)) {
    target <- targets[[i]]
    if (is_skip[[i]]) next
    if (nzchar(keys[[i]])) {
      assign(keys[[i]], eval(target, as.list(value), env), envir = env)
      next
    }
    pos <- if (length(skip) && i > skip) n - (length(targets) - i) else i
    if (pos < 1L || pos > n)
      stop(sprintf("`.[...]` has %d targets but the value has %d elements%s.",
                   length(positional), n,
                   if (length(skip)) "" else " (`..` skips the ones not needed)"),
           call. = FALSE)
    if (is.call(target) && identical(target[[1L]], as.name("[")) &&
        identical(target[[2L]], as.name("."))) {
      dot_assign(as.list(target)[-c(1L, 2L)], value[[pos]], env)
    } else if (is.name(target)) {
      assign(as.character(target), value[[pos]], envir = env)
    } else {
      stop("`.[...]` targets are names, `..` or nested `.[...]`, not `",
           paste(deparse(target), collapse = " "), "`.", call. = FALSE)
    }
  }
  invisible(NULL)
}

#' @importFrom magrittr %<>%
#' @export
magrittr::`%<>%`

#' A list named after its arguments
#'
#' `named_list(a, b = 2)` is `list(a = a, b = 2)`: unnamed arguments are named by their
#' expressions, as keras3's `named_list()` does.
#' @param ... Values; named or not.
#' @return A named list.
#' @examples
#' epochs <- 3
#' named_list(epochs, batch_size = 32)
#' @export
named_list <- function(...) {
  values <- list(...)
  exprs <- as.list(substitute(list(...)))[-1L]
  nms <- names(values) %||% character(length(values))
  unnamed <- !nzchar(nms)
  nms[unnamed] <- vapply(exprs[unnamed], function(e) paste(deparse(e), collapse = " "), "")
  names(values) <- nms
  values
}

#' Python modules and iterators, as reticulate gives them
#'
#' `import()` and `iterate()` are reticulate's (keras3 re-exports them), here as functions
#' that load reticulate when first called, so that `library(rkbridge)` starts nothing.
#' `iterate()` gives NumPy arrays among the items as R arrays on every reticulate version.
#' @param module,as,convert,delay_load See [reticulate::import()].
#' @param it,f,simplify See [reticulate::iterate()].
#' @return What reticulate returns.
#' @examples
#' if (rkbridge_available()) {
#'   iterate(tensor_slices_dataset(1:3), function(x) as.numeric(x))
#' }
#' @export
import <- function(module, as = NULL, convert = TRUE, delay_load = FALSE) {
  reticulate::import(module, as = as, convert = convert, delay_load = delay_load)
}

#' @rdname import
#' @export
iterate <- function(it, f = base::identity, simplify = TRUE) {
  reticulate_iterate(it, f, simplify)  # R/reticulate-compat.R
}
