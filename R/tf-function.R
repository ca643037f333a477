# tf_function(): an R function traced into a TensorFlow graph, as the tensorflow R package's
# tf_function(). Its autograph is rkbridge's own: the function's body is rewritten so that
# each `if`, `for` and `while` first looks at its condition or sequence. A graph tensor (the
# function is being traced) turns the statement into graph control flow through the engine
# (rkbridge/wrappers/tensorflow_r.py: autograph_cond/for/while); anything else runs the
# statement as R always does (an eager tensor as its R value), so `break`, `next` and
# visibility keep their meaning.

#' Compile an R function into a TensorFlow graph
#'
#' As the tensorflow R package's `tf_function()`: the returned function runs `f` as a
#' TensorFlow graph (`tf.function`), traced once for each new input signature (the shapes
#' and dtypes of tensor arguments) and then run without R. Use it for custom training steps
#' and other tensor code called many times.
#'
#' With `autograph = TRUE`, R control flow on tensors becomes graph control flow: `if` on a
#' tensor condition (`tf$cond`), `for` over a tensor (its first axis, e.g. `tf$range(n)`) or a
#' tf.data dataset, and `while` with a tensor condition (`tf$while_loop`). Variables that such
#' a statement assigns and that exist before it (or are assigned in both branches of an
#' `if`) carry their values out of it. `break` and `next` work only in loops over R values.
#' @param f An R function of tensors.
#' @param input_signature `NULL` (one trace per input signature), or a list of
#'   `tf$TensorSpec()`, one per argument: one trace for all inputs that fit it.
#' @param autograph `TRUE` or `FALSE`: whether R `if`, `for` and `while` on tensors are traced
#'   as graph control flow.
#' @param ... Further arguments of `tf.function`.
#' @param jit_compile `NULL` (TensorFlow's default), or `TRUE`/`FALSE`: compile with XLA.
#' @param reduce_retracing `TRUE` to generalise input shapes and trace less often.
#' @return A function with `f`'s arguments; it returns tensors. The TensorFlow `Function`
#'   is reachable as a Python object (e.g. its `experimental_get_tracing_count()`).
#' @examples
#' if (rkbridge_available()) {
#'   add_one <- tf_function(function(x) x + 1)
#'   add_one(as_tensor(1))
#'   relu_sum <- tf_function(function(x) {
#'     s <- tf$constant(0, "float64")
#'     for (v in x) if (v > 0) s <- s + v
#'     s
#'   })
#'   relu_sum(as_tensor(c(1, -2, 3)))
#' }
#' @export
tf_function <- function(f, input_signature = NULL, autograph = TRUE, ...,
                        jit_compile = NULL, reduce_retracing = FALSE) {
  if (!is.function(f) && !inherits(f, "python.builtin.object"))
    stop(rk_condition("`f` must be a function.", "rkbridge_type_error"))
  if (!(isTRUE(autograph) || isFALSE(autograph)))
    stop(rk_condition("`autograph` must be TRUE or FALSE.", "rkbridge_type_error"))
  if (autograph && is.function(f) && !is.primitive(f) && !inherits(f, "rkbridge_py_callable"))
    f <- autograph_function(f)
  fn <- rk_call("tf_function", c(list(f = f, input_signature = input_signature,
                                      autograph = autograph, jit_compile = jit_compile,
                                      reduce_retracing = reduce_retracing), list(...)),
                keep = TRUE)
  py_callable_function(fn)
}

# `f` with its `if`, `for` and `while` statements rewritten (see the top of this file).
autograph_function <- function(f) {
  counter <- new.env(parent = emptyenv())
  counter$n <- 0L
  body(f) <- ag_rewrite(body(f), counter)
  f
}

ag_rewrite <- function(e, counter) {
  if (!is.call(e)) return(e)
  head <- e[[1L]]
  if (is.name(head) && as.character(head) %in% c("quote", "bquote", "~", "substitute",
                                                   "expression"))
    return(e)
  for (i in seq_along(e)[-1L]) if (!is.null(e[[i]]) && !identical(e[[i]], quote(expr = )))
    e[i] <- list(ag_rewrite(e[[i]], counter))
  if (!is.name(head)) return(e)
  kind <- as.character(head)
  if (!kind %in% c("if", "for", "while")) return(e)
  counter$n <- counter$n + 1L
  tmp <- as.name(paste0(".rk_ag", counter$n))
  q <- function(x) call("quote", x)
  switch(kind,
    `if` = {
      false <- if (length(e) > 3L) e[[4L]] else NULL
      plain <- as.call(c(list(quote(`if`), as.call(list(ag_truth, tmp)), e[[3L]]),
                         if (length(e) > 3L) list(e[[4L]])))
      call("if", as.call(list(ag_is_graph, call("<-", tmp, e[[2L]]))),
           as.call(list(ag_if, tmp, q(e[[3L]]), q(false), length(e) > 3L)), plain)
    },
    `for` = {
      plain <- call("for", e[[2L]], as.call(list(ag_values, tmp)), e[[4L]])
      call("if", as.call(list(ag_is_graph, call("<-", tmp, e[[3L]]))),
           as.call(list(ag_for, q(e[[2L]]), tmp, q(e[[4L]]))), plain)
    },
    `while` = {
      # The condition was evaluated once for the test: the plain loop uses that value first.
      first <- as.name(paste0(".rk_ag", counter$n, "_first"))
      test <- call("if", first, call("{", call("<-", first, FALSE), as.call(list(ag_truth, tmp))),
                   as.call(list(ag_truth, e[[2L]])))
      plain <- call("{", call("<-", first, TRUE), call("while", test, e[[3L]]))
      call("if", as.call(list(ag_is_graph, call("<-", tmp, e[[2L]]))),
           as.call(list(ag_while, q(e[[2L]]), q(e[[3L]]))), plain)
    })
}

# A tensor of a graph being traced (an eager tensor has a value R can use).
ag_is_graph <- function(x)
  (inherits(x, "tensorflow.tensor") && !inherits(x, "tensorflow.python.framework.ops.EagerTensor")) ||
    inherits(x, "tensorflow.python.data.ops.dataset_ops.DatasetV2")

ag_truth <- function(x) if (inherits(x, "tensorflow.tensor")) as.logical(as.array(x)) else x

ag_values <- function(x) {
  if (inherits(x, "tensorflow.tensor")) return(as.array(x))
  if (inherits(x, "tensorflow.python.data.ops.dataset_ops.DatasetV2"))
    return(reticulate::iterate(x))
  x
}

# The names an expression assigns with `<-`, `=` or `->` (targets such as `x[i] <- v` and
# `x$a <- v` assign `x`), not looking into functions it defines.
ag_assigned <- function(e) {
  if (!is.call(e)) return(character())
  head <- e[[1L]]
  if (identical(head, quote(`function`)) || identical(head, quote(quote))) return(character())
  out <- character()
  if (is.name(head) && as.character(head) %in% c("<-", "=", "->") && length(e) == 3L) {
    target <- if (identical(head, quote(`->`))) e[[3L]] else e[[2L]]
    while (is.call(target)) target <- target[[2L]]
    if (is.name(target) || is.character(target)) out <- as.character(target)
  } else if (identical(head, quote(`for`))) {
    out <- as.character(e[[2L]])
  }
  unique(c(out, unlist(lapply(as.list(e)[-1L], ag_assigned))))
}

# The values a statement carries out: names it assigns that hold a tensor or numbers before
# it, and (for `if`) those assigned by both branches.
ag_carried <- function(exprs, env, both = character()) {
  nms <- unique(unlist(lapply(exprs, ag_assigned)))
  before <- vapply(nms, function(n) {
    if (!exists(n, envir = env)) return(FALSE)
    v <- get(n, envir = env)
    inherits(v, "tensorflow.tensor") || (is.numeric(v) || is.logical(v)) && !is.object(v)
  }, NA)
  nms[before | nms %in% both]
}

ag_get <- function(names, env) lapply(names, function(n) get(n, envir = env))

ag_assign <- function(names, values, env)
  for (k in seq_along(names)) assign(names[[k]], values[[k]], envir = env)

ag_if <- function(cond, true, false, has_else) {
  env <- parent.frame()
  both <- if (has_else) intersect(ag_assigned(true), ag_assigned(false)) else character()
  vars <- ag_carried(list(true, false), env, both)
  branch <- function(expr) function() {
    local <- new.env(parent = env)
    value <- eval(expr, local)
    list(value, ag_get(vars, local))
  }
  out <- rk_call("autograph_cond", list(cond, branch(true), branch(false),
                                        has_value = has_else))
  ag_assign(vars, out[[2L]], env)
  if (is.null(out[[1L]])) invisible(NULL) else out[[1L]]
}

ag_for <- function(var, seq, body) {
  env <- parent.frame()
  vars <- setdiff(ag_carried(list(body), env), as.character(var))
  step <- function(element, carried) {
    local <- new.env(parent = env)
    ag_assign(vars, carried, local)
    assign(as.character(var), element, envir = local)
    eval(body, local)
    ag_get(vars, local)
  }
  out <- rk_call("autograph_for", list(seq, step, ag_get(vars, env)))
  ag_assign(vars, out, env)
  invisible(NULL)
}

ag_while <- function(cond, body) {
  env <- parent.frame()
  vars <- ag_carried(list(body), env)
  in_local <- function(carried) {
    local <- new.env(parent = env)
    ag_assign(vars, carried, local)
    local
  }
  test <- function(carried) eval(cond, in_local(carried))
  step <- function(carried) {
    local <- in_local(carried)
    eval(body, local)
    ag_get(vars, local)
  }
  out <- rk_call("autograph_while", list(test, step, ag_get(vars, env)))
  ag_assign(vars, out, env)
  invisible(NULL)
}
