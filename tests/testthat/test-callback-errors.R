# R functions that Keras calls back (custom metrics and losses, callback_lambda() hooks,
# learning-rate schedules): an R error inside one is an R error from fit() naming it.

fresh_model <- function(...) {
  m <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(1)
  compile(m, optimizer = "adam", loss = "mse", ...)
  m
}
x <- matrix(runif(40), ncol = 4)
y <- runif(10)

expect_callback_error <- function(expr, pattern) {
  err <- expect_error(expr, class = "rkbridge_callback_error")
  expect_s3_class(err, "rkbridge_error")
  expect_match(conditionMessage(err), pattern, fixed = TRUE)
  expect_false(grepl("Traceback", conditionMessage(err)))
}

test_that("an error in a custom metric names the metric function", {
  skip_if_no_engine()
  bad <- custom_metric("bad_metric", function(y_true, y_pred) stop("no metric today"))
  m <- fresh_model(metrics = bad)
  expect_callback_error(fit(m, x, y, epochs = 1, verbose = 0),
    "The R function given as `metric_fn` of custom_metric() failed: no metric today")
})

test_that("an error in a callback_lambda() hook names the hook", {
  skip_if_no_engine()
  m <- fresh_model()
  cb <- callback_lambda(on_epoch_end = function(epoch, logs) stop("hook failed"))
  expect_callback_error(fit(m, x, y, epochs = 2, verbose = 0, callbacks = list(cb)),
    "The R function given as `on_epoch_end` of callback_lambda() failed: hook failed")
  # the model is still usable after the failed fit
  h <- fit(m, x, y, epochs = 1, verbose = 0)
  expect_length(h$metrics$loss, 1)
})

test_that("an error in a learning-rate schedule names the schedule", {
  skip_if_no_engine()
  m <- fresh_model()
  cb <- callback_learning_rate_scheduler(function(epoch, lr) stop("bad schedule"))
  expect_callback_error(fit(m, x, y, epochs = 2, verbose = 0, callbacks = list(cb)),
    "The R function given as `schedule` of callback_learning_rate_scheduler() failed: bad schedule")
})

test_that("an error in a custom loss names the loss", {
  skip_if_no_engine()
  m <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(1)
  compile(m, optimizer = "adam", loss = function(y_true, y_pred) stop("lossless"))
  expect_callback_error(fit(m, x, y, epochs = 1, verbose = 0),
    "The R function given as `loss` of compile() failed: lossless")
})

test_that("R functions that work are called with their values", {
  skip_if_no_engine()
  m <- fresh_model()
  seen <- integer()
  cb <- callback_lambda(on_epoch_end = function(epoch, logs) { seen <<- c(seen, epoch); NULL })
  sched <- callback_learning_rate_scheduler(function(epoch, lr) 0.5^epoch)  # epochs 1-based
  fit(m, x, y, epochs = 3, verbose = 0, callbacks = list(cb, sched))
  expect_equal(seen, 1:3)
  expect_equal(as.numeric(as.array(m$optimizer$learning_rate)), 0.125, tolerance = 1e-6)
})

test_that("a hook's arity comes from its formals: an 'unused argument' error inside it runs it once", {
  skip_if_no_engine()
  m <- fresh_model()
  calls <- 0
  cb <- callback_lambda(on_epoch_end = function(epoch, logs) {
    calls <<- calls + 1
    stop("unused argument (logs)")  # the user's own error, worded like an arity error
  })
  expect_callback_error(fit(m, x, y, epochs = 2, verbose = 0, callbacks = list(cb)),
    "failed: unused argument (logs)")
  expect_identical(calls, 1)
})

test_that("hooks taking fewer arguments get the leading ones, each call once", {
  skip_if_no_engine()
  m <- fresh_model()
  seen <- list(none = 0, one = integer(), two = list(), dots = list())
  cbs <- list(
    callback_lambda(on_epoch_begin = function() seen$none <<- seen$none + 1),
    callback_lambda(on_epoch_end = function(epoch) seen$one <<- c(seen$one, epoch)),
    callback_lambda(on_epoch_end = function(epoch, logs) seen$two[[epoch]] <<- names(logs)),
    callback_lambda(on_epoch_end = function(...) seen$dots[[length(seen$dots) + 1]] <<- list(...)))
  fit(m, x, y, epochs = 2, verbose = 0, callbacks = cbs)
  expect_identical(seen$none, 2)
  expect_equal(seen$one, c(1, 2))
  expect_true("loss" %in% seen$two[[2]])
  expect_length(seen$dots, 2)
  expect_equal(seen$dots[[2]][[1]], 2)
  expect_length(seen$dots[[2]], 2)
})
