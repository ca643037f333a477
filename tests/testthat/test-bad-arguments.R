# Issue 12 (items 3, 4, 7, 8, 9, 10): arguments and data that used to pass silently, train
# into non-finite weights, or fail in Python terms are R errors in R terms, or work.

expect_rk_error <- function(expr, class, pattern) {
  err <- expect_error(expr, class = class)
  expect_s3_class(err, "rkbridge_error")
  expect_match(conditionMessage(err), pattern, fixed = TRUE)
  expect_false(grepl("Traceback|line [0-9]+, in |Python|numpy|tf\\.", conditionMessage(err)))
  invisible(err)
}

dense_model <- function(units = 2) {
  m <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(units, name = "out")
  compile(m, optimizer = "sgd", loss = "mse")
  m
}

test_that("a lone NA in a shape is an unknown size, as in keras 2.x and keras3", {
  skip_if_no_engine()
  # reticulate alone would make NA TRUE, i.e. a size of 1
  expect_identical(layer_input(shape = c(NA))$shape, list(NULL, NULL))
  expect_identical(layer_input(shape = NA)$shape, list(NULL, NULL))
  expect_identical(layer_input(shape = list(NA, 3))$shape, list(NULL, NULL, 3L))
  expect_identical(layer_input(shape = c(NA, 3))$shape, list(NULL, NULL, 3L))
  m <- keras_model_sequential(input_shape = NA) %>% layer_embedding(10, 2)
  expect_identical(m$input_shape, list(NULL, NULL))
})

test_that("NA anywhere else is an error naming the argument", {
  skip_if_no_engine()
  expect_rk_error(layer_dense(units = NA), "rkbridge_value_error", "`units` is NA")
  expect_rk_error(layer_dense(units = NA_integer_), "rkbridge_value_error", "`units` is NA")
  expect_rk_error(layer_dense(units = 2, name = NA_character_), "rkbridge_value_error",
                  "`name` is NA")
  m <- dense_model()
  expect_rk_error(get_layer(m, index = NA), "rkbridge_value_error", "`index` is NA")
  w <- get_weights(m)
  expect_rk_error(fit(m, matrix(1, 4, 3), matrix(1, 4, 2), epochs = NA, verbose = 0),
                  "rkbridge_value_error", "`epochs` is NA")
  expect_identical(get_weights(m), w)  # nothing was trained
})

test_that("Inf, NA/Inf sample weights and doubles beyond float32 are errors with positions", {
  skip_if_no_engine()
  m <- dense_model()
  w <- get_weights(m)
  x <- matrix(runif(12), 4, 3); y <- matrix(runif(8), 4, 2)
  xi <- x; xi[2, 3] <- Inf; xi[4, 1] <- -Inf
  expect_rk_error(fit(m, xi, y, verbose = 0), "rkbridge_value_error",
                  "`x` has 2 infinite values (Inf/-Inf) (first at [4, 1], [2, 3])")
  yi <- y; yi[3, 2] <- Inf
  expect_rk_error(evaluate(m, x, yi), "rkbridge_value_error",
                  "`y` has 1 infinite value (Inf/-Inf) (first at [3, 2])")
  xb <- x; xb[1, 2] <- 1e39
  expect_rk_error(fit(m, xb, y, verbose = 0), "rkbridge_value_error",
                  "`x` has 1 value beyond float32's range (+/-3.403e+38) (first at [1, 2])")
  expect_rk_error(fit(m, x, y, sample_weight = c(1, NA, 1, 1), verbose = 0),
                  "rkbridge_value_error", "`sample_weight` has 1 NA/NaN value (first at [2])")
  expect_rk_error(fit(m, x, y, sample_weight = c(1, 1, 1, Inf), verbose = 0),
                  "rkbridge_value_error", "`sample_weight` has 1 infinite value")
  expect_rk_error(evaluate(m, x, y, sample_weight = c(1, 1, 1, Inf)),
                  "rkbridge_value_error", "`sample_weight` has 1 infinite value")
  expect_rk_error(fit(m, x, y, validation_data = list(x, y, c(NA, 1, 1, 1)), verbose = 0),
                  "rkbridge_value_error", "`validation_data[[3]]` has 1 NA/NaN value")
  expect_identical(get_weights(m), w)  # nothing was trained
  # allow_na = TRUE trains on them anyway (into non-finite weights, as plain Keras does)
  suppressWarnings(fit(m, xi, y, epochs = 1, verbose = 0, allow_na = TRUE))
  expect_false(all(is.finite(unlist(get_weights(m)))))
})

test_that("out-of-range and mistyped fit()/evaluate() arguments are R errors", {
  skip_if_no_engine()
  m <- dense_model()
  w <- get_weights(m)
  x <- matrix(runif(30), 10, 3); y <- matrix(runif(20), 10, 2)
  expect_rk_error(fit(m, x, y, validation_split = 1.5, verbose = 0), "rkbridge_value_error",
                  "`validation_split` must be in [0, 1), not 1.5")
  expect_rk_error(fit(m, x, y, validation_split = -0.2, verbose = 0), "rkbridge_value_error",
                  "`validation_split` must be in [0, 1), not -0.2")
  expect_rk_error(fit(m, x, y, validation_split = 0.95, verbose = 0), "rkbridge_value_error",
                  "`validation_split = 0.95` of the 10 rows of `x` leaves no rows to train on")
  expect_rk_error(fit(m, x[0, , drop = FALSE], y[0, , drop = FALSE], verbose = 0),
                  "rkbridge_value_error", "`x` has 0 rows (samples): fit() needs at least one")
  expect_rk_error(evaluate(m, x[0, , drop = FALSE], y[0, , drop = FALSE]),
                  "rkbridge_value_error", "`x` has 0 rows (samples): evaluate()")
  expect_rk_error(fit(m, x, y, batch_size = 0, verbose = 0), "rkbridge_value_error",
                  "`batch_size` must be a positive whole number (or NULL for the default), not 0")
  expect_rk_error(fit(m, x, y, batch_size = "32", verbose = 0), "rkbridge_value_error",
                  "`batch_size` must be a positive whole number (or NULL for the default), not \"32\"")
  expect_rk_error(evaluate(m, x, y, batch_size = -1), "rkbridge_value_error",
                  "`batch_size` must be a positive whole number")
  expect_rk_error(fit(m, x, y, epochs = -1, verbose = 0), "rkbridge_value_error",
                  "`epochs` must be a whole number >= 0, not -1")
  expect_rk_error(fit(m, x, y, class_weight = list(a = 1), verbose = 0), "rkbridge_value_error",
                  "`class_weight` has an element named \"a\": names must be class codes")
  expect_rk_error(fit(m, x, y, callbacks = list("early_stopping"), verbose = 0),
                  "rkbridge_value_error",
                  "`callbacks[[1]]` is \"early_stopping\", not a callback (did you mean callback_early_stopping()?)")
  expect_identical(get_weights(m), w)  # none of them trained
})

test_that("validation_split reports the rows trained on; epochs = 0 prints", {
  skip_if_no_engine()
  m <- dense_model()
  x <- matrix(runif(30), 10, 3); y <- matrix(runif(20), 10, 2)
  h <- fit(m, x, y, epochs = 1, validation_split = 0.2, verbose = 0)
  expect_identical(h$params$samples, 8L)
  expect_named(h$metrics, c("loss", "val_loss"))
  h0 <- fit(m, x, y, epochs = 0, verbose = 0)
  expect_length(h0$metrics, 0L)
  expect_output(print(h0), "No epochs trained.*0 epochs")
})

lambda_at <- function(when, f) {
  list(callback_lambda(on_epoch_end = function(epoch, logs) if (epoch == when) f(epoch)))
}

test_that("non-local exits from R callbacks reach their target, not an interrupt", {
  skip_if_no_engine()
  m <- dense_model()
  x <- matrix(runif(30), 10, 3); y <- matrix(runif(20), 10, 2)
  seen <- 0L
  count <- list(callback_lambda(on_epoch_end = function(epoch, logs) seen <<- epoch))
  # a restart established outside fit()
  r <- withRestarts(
    fit(m, x, y, epochs = 5, verbose = 0,
        callbacks = c(count, lambda_at(2, function(e) invokeRestart("stopTraining", e)))),
    stopTraining = function(e) paste("restart at epoch", e))
  expect_identical(r, "restart at epoch 2")
  expect_identical(seen, 2L)
  # a condition caught by tryCatch() around fit()
  my_stop <- function(e) signalCondition(structure(class = c("my_stop", "condition"),
                                                   list(message = "stop", call = NULL, at = e)))
  r <- tryCatch(fit(m, x, y, epochs = 5, verbose = 0, callbacks = lambda_at(3, my_stop)),
                my_stop = function(c) c$at, interrupt = function(c) "interrupt")
  expect_identical(r, 3L)
  # callCC()
  r <- callCC(function(k) fit(m, x, y, epochs = 5, verbose = 0,
                              callbacks = lambda_at(4, function(e) k(e * 10))))
  expect_equal(r, 40)
  # the engine is fine afterwards, and errors are still errors
  expect_s3_class(fit(m, x, y, epochs = 1, verbose = 0), "keras_training_history")
  expect_error(fit(m, x, y, epochs = 2, verbose = 0, callbacks = lambda_at(1, function(e) stop("boom"))),
               "callback_lambda\\(\\) failed: boom", class = "rkbridge_callback_error")
})

test_that("callback_lambda() hook values are ignored, whatever they are", {
  skip_if_no_engine()
  m <- dense_model()
  x <- matrix(runif(30), 10, 3); y <- matrix(runif(20), 10, 2)
  values <- list(matrix(1, 2, 2), new.env(), 1:3, "a")
  if (requireNamespace("Matrix", quietly = TRUE))
    values <- c(values, Matrix::Matrix(1, 2, 2, sparse = TRUE))
  for (value in values)
    expect_length(fit(m, x, y, epochs = 2, verbose = 0,
                      callbacks = list(callback_lambda(on_epoch_end = function(epoch, logs) value)))$metrics$loss, 2L)
})

test_that("dgCMatrix/dgRMatrix inputs give the results of the same dense matrix", {
  skip_if_no_engine()
  skip_if_not_installed("Matrix")
  set.seed(1)
  d <- matrix(rbinom(60, 1, 0.3) * runif(60), 10, 6)
  y <- matrix(runif(20), 10, 2)
  sc <- as(d, "CsparseMatrix"); sr <- as(d, "RsparseMatrix")
  expect_s4_class(sc, "dgCMatrix"); expect_s4_class(sr, "dgRMatrix")
  m <- keras_model_sequential(input_shape = 6) %>% layer_dense(2)
  compile(m, loss = "mse", optimizer = "sgd")
  expect_equal(predict(m, sc), predict(m, d), tolerance = 1e-6)
  expect_equal(predict(m, sr), predict(m, d), tolerance = 1e-6)
  expect_equal(evaluate(m, sc, y), evaluate(m, d, y), tolerance = 1e-6)
  w <- get_weights(m)
  h_sparse <- fit(m, sr, y, epochs = 2, batch_size = 4, shuffle = FALSE, verbose = 0)
  w_sparse <- get_weights(m)
  set_weights(m, w)
  h_dense <- fit(m, d, y, epochs = 2, batch_size = 4, shuffle = FALSE, verbose = 0)
  expect_equal(w_sparse, get_weights(m), tolerance = 1e-6)
  expect_equal(h_sparse$metrics$loss, h_dense$metrics$loss, tolerance = 1e-6)
  sn <- sc; sn@x[2] <- NA
  expect_rk_error(fit(m, sn, y, verbose = 0), "rkbridge_value_error",
                  "`x` has 1 NA/NaN value (first at [")
})

test_that("other S4 objects, integer64 and dates are classed errors, not tiny doubles", {
  skip_if_no_engine()
  m <- dense_model()
  if (requireNamespace("Matrix", quietly = TRUE)) {
    err <- expect_rk_error(predict(m, as(Matrix::Matrix(diag(3)), "TsparseMatrix")),
                           "rkbridge_type_error", "cannot be passed to the engine")
    expect_match(conditionMessage(err), "as(x, \"CsparseMatrix\")", fixed = TRUE)
  }
  setClass("rkbridgeTestFoo", representation(a = "numeric"), where = globalenv())
  expect_rk_error(layer_dense(units = methods::new("rkbridgeTestFoo", a = 1)),
                  "rkbridge_type_error", "class 'rkbridgeTestFoo' cannot be passed")
  expect_rk_error(predict(m, structure(c(1, 2, 3), class = "integer64")),
                  "rkbridge_type_error", "class 'integer64' cannot be passed to the engine")
  expect_rk_error(fit(m, data.frame(a = Sys.Date() + 1:4, b = 1, c = 2), matrix(1, 4, 2),
                      verbose = 0),
                  "rkbridge_type_error", "A data frame column of class 'Date'")
  expect_rk_error(layer_dense(units = as.Date("2020-01-01")), "rkbridge_type_error",
                  "class 'Date' cannot be passed")
})

test_that("errors once in Python terms are said in R terms", {
  skip_if_no_engine()
  m <- dense_model()
  x <- matrix(runif(30), 10, 3)
  expect_rk_error(fit(m, x, matrix(1, 10, 3), verbose = 0), "rkbridge_shape_error",
                  "`y` has dim() c(10, 3) but the model's output has dim() c(NA, 2) (NA: any size): dimension 2 should be 2")
  mc <- keras_model_sequential(input_shape = 3) %>% layer_dense(3, activation = "softmax")
  compile(mc, loss = "categorical_crossentropy", optimizer = "sgd")
  expect_rk_error(evaluate(mc, x, matrix(1, 10, 2)), "rkbridge_shape_error",
                  "`y` has dim() c(10, 2) but the model's output has dim() c(NA, 3)")
  # a single named input: by its name, or an error naming it
  inp <- layer_input(shape = 3, name = "a")
  mf <- keras_model(inp, layer_dense(inp, 2, name = "out"))
  expect_equal(predict(mf, list(a = x)), predict(mf, x))
  expect_rk_error(predict(mf, list(b = x)), "rkbridge_value_error",
                  "`x` has an element named \"b\" but the model's inputs are named 'a'")
  # zero rows in, zero rows out; NULL is an error
  p0 <- predict(m, x[0, , drop = FALSE])
  expect_identical(dim(p0), c(0L, 2L))
  expect_rk_error(predict(m, NULL), "rkbridge_value_error", "predict() needs the input data `x`, not NULL")
  # weights of another architecture: short, with R dims
  other <- keras_model_sequential(input_shape = 4) %>% layer_dense(5)
  f <- tempfile(fileext = ".h5")
  save_model_weights_hdf5(other, f)
  err <- expect_rk_error(load_model_weights_hdf5(m, f), "rkbridge_shape_error",
                         "its layer \"out\" has a weight of dim() c(3, 2) where the file has c(4, 5)")
  expect_lt(nchar(conditionMessage(err)), 400)
  # truncated serialized bytes: about `object`, no temporary file
  bytes <- serialize_model(m)
  err <- expect_rk_error(unserialize_model(bytes[1:200]), "rkbridge_value_error",
                         "`object` is not a complete serialized model")
  expect_false(grepl("/tmp|\\.keras", conditionMessage(err)))
  expect_rk_error(save_model(m, ""), "rkbridge_type_error", "`filepath` must be a file name")
  # R functions returning strings: the metric is named
  compile(m, loss = "mse", optimizer = "sgd",
          metrics = custom_metric("my_metric", function(y_true, y_pred) "oops"))
  expect_rk_error(fit(m, x, matrix(1, 10, 2), verbose = 0), "rkbridge_callback_error",
                  "the metric \"my_metric\" (custom_metric()) returned a string (\"oops\")")
  compile(m, loss = "mse", optimizer = "sgd",
          metrics = list(mine = function(y_true, y_pred) "oops"))
  expect_rk_error(fit(m, x, matrix(1, 10, 2), verbose = 0), "rkbridge_callback_error",
                  "`metrics$mine` of compile() returned a string")
  expect_null(config_enable_unsafe_deserialization())
})

test_that("a non-ASCII file name under the C locale is an R error, not a codec message", {
  skip_if_no_engine()
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "library(rkbridge)",
    "m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2)",
    "p <- file.path(tempdir(), \"mod\\u00e8le.keras\")",
    "r <- tryCatch({save_model(m, p); 'saved'},",
    "              error = function(e) paste(class(e)[1], conditionMessage(e)))",
    "cat(r, '\\n')"), script)
  out <- suppressWarnings(system2(file.path(R.home("bin"), "Rscript"), script, stdout = TRUE,
                                  stderr = TRUE, env = c("LANG=C", "LC_ALL=C")))
  out <- paste(out, collapse = "\n")
  expect_false(grepl("codec can't encode", out, fixed = TRUE))
  expect_match(out, "saved|rkbridge_io_error The name .* cannot encode")
})
