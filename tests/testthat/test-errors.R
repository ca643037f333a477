# Every bad input of issue 5 reaches R as a classed condition with a message in R terms;
# the Python traceback is kept for last_error(), never put in the message.

expect_rk_error <- function(expr, class, pattern) {
  err <- expect_error(expr, class = class)
  expect_s3_class(err, "rkbridge_error")
  expect_match(conditionMessage(err), pattern, fixed = TRUE)
  expect_false(grepl("Traceback|line [0-9]+, in ", conditionMessage(err)))
  invisible(err)
}

tiny_model <- function(compiled = TRUE) {
  m <- keras_model_sequential(input_shape = c(4)) %>%
    layer_dense(3, activation = "relu", name = "hidden") %>%
    layer_dense(1, name = "out")
  if (compiled) compile(m, optimizer = "adam", loss = "mse")
  m
}

x4 <- matrix(runif(40), ncol = 4)
y1 <- runif(10)

test_that("fit/evaluate before compile", {
  skip_if_no_engine()
  m <- tiny_model(compiled = FALSE)
  expect_rk_error(fit(m, x4, y1, verbose = 0), "rkbridge_not_compiled_error",
                  "The model must be compiled before fit()")
  expect_rk_error(evaluate(m, x4, y1), "rkbridge_not_compiled_error",
                  "The model must be compiled before evaluate()")
})

test_that("feature count, rank and row counts that do not match", {
  skip_if_no_engine()
  m <- tiny_model()
  expect_rk_error(fit(m, matrix(1, 10, 3), y1, verbose = 0), "rkbridge_shape_error",
                  "`x` has dim() c(10, 3) but the model expects c(NA, 4)")
  expect_rk_error(fit(m, array(1, c(10, 2, 2)), y1, verbose = 0), "rkbridge_shape_error",
                  "`x` has dim() c(10, 2, 2) but the model expects 2-D input c(NA, 4)")
  expect_rk_error(fit(m, x4, runif(7), verbose = 0), "rkbridge_shape_error",
                  "`x` has 10 rows (samples) but `y` has 7")
  expect_rk_error(predict(m, matrix(1, 2, 5)), "rkbridge_shape_error",
                  "`x` has dim() c(2, 5) but the model expects c(NA, 4) (NA: any size): dimension 2 should be 4, not 5.")
  expect_rk_error(evaluate(m, matrix(1, 10, 3), y1), "rkbridge_shape_error",
                  "dimension 2 should be 4, not 3")
})

test_that("NA in x or y names how many and where, unless allowed", {
  skip_if_no_engine()
  m <- tiny_model()
  x <- x4; x[3, 2] <- NA; x[5, 1] <- NaN
  expect_rk_error(fit(m, x, y1, verbose = 0), "rkbridge_value_error",
                  "`x` has 2 NA/NaN values (first at [5, 1], [3, 2])")
  y <- y1; y[4] <- NA
  expect_rk_error(fit(m, x4, y, verbose = 0), "rkbridge_value_error",
                  "`y` has 1 NA/NaN value (first at [4]). Remove or impute them, or pass `allow_na = TRUE`")
  expect_s3_class(suppressWarnings(fit(m, x, y1, verbose = 0, epochs = 1, allow_na = TRUE)),
                  "keras_training_history")
})

test_that("character matrices and factor/character data.frame columns", {
  skip_if_no_engine()
  m <- tiny_model()
  expect_rk_error(fit(m, matrix(letters[1:40], ncol = 4), y1, verbose = 0),
                  "rkbridge_type_error", "`x` is a character matrix: model inputs must be numeric.")
  df <- data.frame(a = 1:10, colour = factor(rep(c("r", "g"), 5)), c = 1:10, d = 1:10)
  expect_rk_error(fit(m, df, y1, verbose = 0), "rkbridge_type_error",
                  "Column `colour` of `x` is a factor")
  df$colour <- as.character(df$colour)
  expect_rk_error(fit(m, df, y1, verbose = 0), "rkbridge_type_error",
                  "Column `colour` of `x` is not numeric (character)")
})

test_that("to_categorical() labels outside 0..num_classes-1 or not whole numbers", {
  skip_if_no_engine()
  expect_rk_error(to_categorical(c(0, 1, 3), 3), "rkbridge_value_error",
                  "Class codes must be in 0..2 for num_classes = 3: y[3] is 3.")
  expect_rk_error(to_categorical(c(2, -1)), "rkbridge_value_error",
                  "Class codes start at 0: y[2] is -1.")
  expect_rk_error(to_categorical(c(0, 1.5)), "rkbridge_value_error",
                  "`y` must hold whole-number class codes: y[2] is 1.5.")
})

test_that("get_layer() index 0, beyond the last layer, unknown name", {
  skip_if_no_engine()
  m <- tiny_model()
  expect_rk_error(get_layer(m, index = 0), "rkbridge_index_error",
                  "`index = 0` is out of range: the model has 2 layers (use 1 to 2, or -1 to -2 from the end).")
  expect_rk_error(get_layer(m, index = 3), "rkbridge_index_error", "`index = 3` is out of range")
  expect_rk_error(get_layer(m, name = "hiden"), "rkbridge_value_error",
                  "No layer named \"hiden\" (`name`). Did you mean 'hidden'? Layers: 'hidden', 'out'.")
})

test_that("unknown optimizer/loss/metric/activation strings suggest the closest", {
  skip_if_no_engine()
  m <- tiny_model(compiled = FALSE)
  expect_rk_error(compile(m, optimizer = "adamm", loss = "mse"), "rkbridge_value_error",
                  "Unknown optimizer \"adamm\". Did you mean 'adam'")
  expect_rk_error(compile(m, optimizer = "adam", loss = "mean_squared_eror"),
                  "rkbridge_value_error",
                  "Unknown loss \"mean_squared_eror\" (`loss`). Did you mean 'mean_squared_error'")
  expect_rk_error(compile(m, optimizer = "adam", loss = "mse", metrics = "acuracy"),
                  "rkbridge_value_error",
                  "Unknown metric \"acuracy\" (`metrics`). Did you mean 'accuracy'")
  expect_rk_error(layer_dense(units = 2, activation = "rellu"), "rkbridge_value_error",
                  "Unknown activation \"rellu\". Did you mean 'relu'")
})

test_that("non-positive units/filters and rates outside [0, 1)", {
  skip_if_no_engine()
  expect_rk_error(layer_dense(units = 0), "rkbridge_value_error",
                  "`units` must be a positive whole number, not 0.")
  expect_rk_error(layer_conv_2d(filters = -1, kernel_size = 3), "rkbridge_value_error",
                  "`filters` must be a positive whole number, not -1.")
  expect_rk_error(layer_dropout(rate = 1), "rkbridge_value_error",
                  "`rate` must be in [0, 1), not 1.")
  expect_rk_error(layer_dropout(rate = -0.5), "rkbridge_value_error",
                  "`rate` must be in [0, 1), not -0.5.")
})

test_that("loading a missing, truncated or non-model file", {
  skip_if_no_engine()
  missing <- file.path(tempdir(), "no-such-model.keras")
  expect_rk_error(load_model(missing), "rkbridge_io_error", "does not exist")
  good <- tempfile(fileext = ".keras")
  save_model(tiny_model(), good)
  bytes <- readBin(good, "raw", file.size(good))
  truncated <- tempfile(fileext = ".keras")
  writeBin(bytes[seq_len(length(bytes) %/% 2)], truncated)
  expect_rk_error(load_model(truncated), "rkbridge_value_error",
                  "is not a complete saved model: a truncated or corrupt .keras file.")
  text <- tempfile(fileext = ".txt")
  writeLines("not a model", text)
  expect_rk_error(load_model(text), "rkbridge_value_error",
                  "is not a saved model (neither a .keras nor an HDF5 file).")
  # Keras's own loader, called directly, is translated the same way (rkbridge/diagnose.py)
  keras_load <- reticulate::import("keras")$saving$load_model
  expect_rk_error(rkbridge:::rk_call(keras_load, list(truncated)), "rkbridge_io_error",
                  "truncated or corrupt")
})

test_that("weights = \"imagenet\" without network access", {
  skip_if_no_engine()
  home <- tempfile("keras_home")
  old <- Sys.getenv("KERAS_HOME")
  Sys.setenv(KERAS_HOME = home)
  on.exit(if (nzchar(old)) Sys.setenv(KERAS_HOME = old) else Sys.unsetenv("KERAS_HOME"),
          add = TRUE)
  # No network at test time whatever the machine: every download connects to a closed
  # local port (rkbridge's download), or fails as offline (Keras's own urlretrieve).
  reticulate::py_run_string(paste(
    "import socket, urllib.error, urllib.request", "from rkbridge.persistence import downloads as _rkd",
    "from keras.src.utils import file_utils as _fu",
    "_rk_saved, _rk_saved_open = _fu.urlretrieve, _rkd._open",
    "_s = socket.socket(); _s.bind(('127.0.0.1', 0)); _rk_port = _s.getsockname()[1]; _s.close()",
    "_rkd._open = lambda url: urllib.request.urlopen(f'http://127.0.0.1:{_rk_port}/', timeout=5)",
    "def _rk_offline(*a, **k): raise urllib.error.URLError('[Errno -2] Name or service not known')",
    "_fu.urlretrieve = _rk_offline", sep = "\n"))
  on.exit(reticulate::py_run_string("_fu.urlretrieve = _rk_saved; _rkd._open = _rk_saved_open"),
          add = TRUE)
  # application_*() downloads through the Keras cache: fails at once, saying where to put it
  start <- Sys.time()
  err <- expect_rk_error(application_mobilenet(input_shape = c(128, 128, 3),
                                               include_top = FALSE, weights = "imagenet"),
                         "rkbridge_network_error", "Could not download https://")
  expect_lt(as.numeric(Sys.time() - start, units = "secs"), 10)
  expect_match(conditionMessage(err),
               file.path(home, "models", "mobilenet_1_0_128_tf_no_top.h5"), fixed = TRUE)
  # ... and Keras's own applications, called directly (a failed download, translated)
  mobilenet <- reticulate::import("keras")$applications$MobileNet
  err <- expect_rk_error(rkbridge:::rk_call(mobilenet, list(
    input_shape = list(128L, 128L, 3L), include_top = FALSE, weights = "imagenet")),
    "rkbridge_network_error", "Could not download https://")
  expect_match(conditionMessage(err), "weights = NULL", fixed = TRUE)
})

test_that("the traceback is available from last_error(), not in the message", {
  skip_if_no_engine()
  m <- tiny_model()
  err <- expect_error(get_layer(m, index = 9), class = "rkbridge_index_error")
  expect_false(grepl("Traceback", conditionMessage(err)))
  tb <- NULL
  out <- capture.output(tb <- last_error())
  expect_match(tb, "Traceback (most recent call last)", fixed = TRUE)
  expect_match(tb, "RkIndexError", fixed = TRUE)
})

test_that("R values Keras cannot take and R functions failing in a dataset are said in R terms", {
  skip_if_no_engine()
  m <- tiny_model()
  err <- expect_error(fit(m, new.env(), 1:4, verbose = 0), class = "rkbridge_type_error")
  expect_match(conditionMessage(err), "An R environment cannot be given to Keras", fixed = TRUE)
  ds <- tensor_slices_dataset(list(matrix(1, 4, 4), 1:4)) %>% dataset_batch(2)
  err <- expect_error(dataset_map(ds, function(x, y) stop("no such column")),
                      class = "rkbridge_callback_error")
  expect_identical(conditionMessage(err),
                   "The R function given as `map_func` of dataset_map() failed: no such column")
})
