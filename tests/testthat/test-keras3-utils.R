# keras3's serialization registry, model state and dataset utilities (R/keras3-utils.R).

test_that("serialize_keras_object() and deserialize_keras_object() round trip a layer", {
  skip_if_no_engine()
  layer <- layer_dense(units = 3, activation = "relu", name = "d3")
  config <- serialize_keras_object(layer)
  expect_equal(config$class_name, "Dense")
  expect_equal(config$module, "keras.layers")
  expect_equal(config$config$units, 3)
  again <- deserialize_keras_object(config)
  expect_false(identical(reticulate::py_id(again), reticulate::py_id(layer)))
  expect_equal(get_config(again), get_config(layer))
  expect_equal(serialize_keras_object(again), config)
})

test_that("register_keras_serializable() makes a class found by name", {
  skip_if_no_engine()
  before <- set_custom_objects(clear = TRUE)
  on.exit(set_custom_objects(before))
  expect_true(all(startsWith(names(get_custom_objects()), "rkbridge>")))  # rkbridge's own
  layer_twice <- Layer("Twice", call = function(inputs) inputs * 2)
  expect_identical(register_keras_serializable(layer_twice, package = "rktest"), layer_twice)
  expect_equal(get_registered_name(layer_twice), "rktest>Twice")
  # (rkbridge knows classes made in R by their own name too)
  expect_true("rktest>Twice" %in% names(get_custom_objects()))
  found <- get_registered_object("rktest>Twice")
  expect_equal(reticulate::py_id(found),
               reticulate::py_id(get_custom_objects()[["rktest>Twice"]]))
  expect_null(get_registered_object("rktest>Nothing"))
  # a model using it loads without custom_objects
  model <- keras_model_sequential(input_shape = c(2)) %>% layer_twice()
  f <- tempfile(fileext = ".keras")
  save_model(model, f)
  expect_equal(predict(load_model(f), matrix(c(1, 2), 1), verbose = 0), matrix(c(2, 4), 1))
  # set_custom_objects() gives back what was there and restores it
  was <- set_custom_objects(clear = TRUE)
  expect_true("rktest>Twice" %in% names(was))
  expect_null(get_registered_object("rktest>Twice"))
  set_custom_objects(was)
  expect_equal(get_registered_name(layer_twice), "rktest>Twice")
})

test_that("a registered R function is saved by its registered name and loads without custom_objects", {
  skip_if_no_engine()
  before <- set_custom_objects(clear = TRUE)
  on.exit(set_custom_objects(before))
  square <- register_keras_serializable(function(x) x^2, name = "square", package = "rktest")
  expect_equal(get_registered_name(square), "rktest>square")
  expect_equal(as.numeric(square(3)), 9)
  # keras3's internal py_func2(), as its documents call it: a function with a Python name
  cube <- register_keras_serializable(py_func2(function(x) x^3, name = "cube"),
                                      package = "rktest")
  expect_equal(get_registered_name(cube), "rktest>cube")
  model <- keras_model_sequential(input_shape = c(2)) %>%
    layer_dense(2, activation = square, kernel_initializer = "ones") %>%
    layer_dense(1, activation = cube, kernel_initializer = "ones")
  f <- tempfile(fileext = ".keras")
  save_model(model, f)
  x <- matrix(c(1, 2), 1)
  expect_equal(predict(load_model(f), x, verbose = 0), matrix(((1 + 2)^2 * 2)^3, 1))
})

test_that("with_custom_object_scope() knows the objects only inside", {
  skip_if_no_engine()
  layer_thrice <- Layer("Thrice", call = function(inputs) inputs * 3)
  expect_null(get_registered_object("TimesThree"))
  value <- with_custom_object_scope(list(TimesThree = layer_thrice), {
    expect_false(is.null(get_registered_object("TimesThree")))
    42
  })
  expect_equal(value, 42)
  expect_null(get_registered_object("TimesThree"))
  # left on an error too
  expect_error(with_custom_object_scope(list(TimesThree = layer_thrice), stop("boom")), "boom")
  expect_null(get_registered_object("TimesThree"))
})

test_that("get_source_inputs() finds the input of a functional graph", {
  skip_if_no_engine()
  input <- keras_input(c(3))
  output <- input %>% layer_dense(4) %>% layer_dense(2)
  src <- get_source_inputs(output)
  expect_length(src, 1)
  expect_equal(reticulate::py_id(src[[1]]), reticulate::py_id(input))
})

test_that("keras_variable() holds an R array in R order, doubles as float32", {
  skip_if_no_engine()
  m <- matrix(as.numeric(1:6), 2, 3)
  v <- keras_variable(m, name = "v")
  expect_equal(v$dtype, "float32")
  expect_equal(as.array(op_convert_to_array(v)), m)
  v2 <- keras_variable(initializer_ones(), shape = c(2, 2), trainable = FALSE)
  expect_equal(as.array(op_convert_to_array(v2)), matrix(1, 2, 2))
  expect_false(v2$trainable)
})

test_that("split_dataset() splits by fraction and by count", {
  skip_if_no_engine()
  x <- matrix(as.numeric(1:20), 10, 2)
  parts <- split_dataset(x, left_size = 0.8)
  expect_length(parts, 2)
  expect_equal(reticulate::py_len(parts[[1]]), 8)
  expect_equal(reticulate::py_len(parts[[2]]), 2)
  parts <- split_dataset(x, left_size = 3, right_size = 5)
  expect_equal(reticulate::py_len(parts[[1]]), 3)
  expect_equal(reticulate::py_len(parts[[2]]), 5)
})

test_that("get_state_tree() and set_state_tree() round trip the weights", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(2), name = "seq") %>%
    layer_dense(1, name = "d")
  tree <- get_state_tree(model, "array")
  expect_setequal(names(tree), c("trainable_variables", "non_trainable_variables",
                                 "optimizer_variables", "metrics_variables"))
  kernel <- tree$trainable_variables$seq$d$kernel
  expect_equal(kernel, get_weights(model)[[1]])
  tree$trainable_variables$seq$d$kernel <- matrix(c(2, 3), 2, 1)
  tree$trainable_variables$seq$d$bias <- 0.5
  expect_identical(set_state_tree(model, tree), model)
  expect_equal(get_weights(model)[[1]], matrix(c(2, 3), 2, 1))
  expect_equal(predict(model, matrix(c(1, 1), 1), verbose = 0), matrix(5.5, 1))
  # compiled: the optimizer's variables are in the tree too
  model %>% compile(optimizer = "adam", loss = "mse")
  model$optimizer$build(model$trainable_variables)
  expect_true(length(get_state_tree(model, "array")$optimizer_variables) > 0)
})

test_that("quantize_weights() stores dense kernels as int8, predictions close", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(3)
  x <- matrix(runif(8), 2, 4)
  before <- predict(model, x, verbose = 0)
  expect_no_warning(expect_identical(quantize_weights(model, "int8"), model))
  dtypes <- vapply(model$weights, function(w) w$dtype, "")
  expect_true("int8" %in% dtypes)
  expect_equal(predict(model, x, verbose = 0), before, tolerance = 0.05)
})

test_that("export_savedmodel() writes a SavedModel that layer_tfsm() serves", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(2)
  dir <- file.path(tempfile(), "exported")
  expect_identical(export_savedmodel(model, dir, verbose = FALSE), model)
  expect_true(file.exists(file.path(dir, "saved_model.pb")))
  x <- matrix(runif(6), 2, 3)
  served <- layer_tfsm(filepath = dir)
  expect_equal(as.array(served(x)), predict(model, x, verbose = 0), tolerance = 1e-5)
})

test_that("image_from_array() gives an image of the array's size", {
  skip_if_no_engine()
  img <- image_from_array(array(runif(4 * 5 * 3), c(4, 5, 3)))
  expect_equal(unlist(img$size), c(5, 4))  # PIL: width, height
})

test_that("application_preprocess_inputs() uses the model's own preprocessing", {
  skip_if_no_engine()
  model <- application_mobilenet(weights = NULL, input_shape = c(32, 32, 3))
  x <- array(c(0, 127.5, 255), c(1, 1, 3, 3))
  expected <- mobilenet_preprocess_input(x)
  expect_equal(application_preprocess_inputs(model, x), expected)
  expect_equal(range(application_preprocess_inputs(model, x)), c(-1, 1))
  f <- application_preprocess_inputs(model)
  expect_equal(f(x), expected)
  plain <- keras_model_sequential(input_shape = c(2)) %>% layer_dense(1)
  expect_error(application_preprocess_inputs(plain, x), "application_")
})

test_that("application_decode_predictions() uses the model's decoder, as the module's", {
  skip_if_no_engine()
  home <- tempfile("keras-home"); dir.create(file.path(home, "models"), recursive = TRUE)
  index <- paste0("{", paste0(sprintf('"%d": ["n%08d", "class%d"]', 0:999, 0:999, 0:999),
                              collapse = ", "), "}")
  writeLines(index, file.path(home, "models", "imagenet_class_index.json"))
  environ <- reticulate::import("os", convert = FALSE)$environ
  environ$update(reticulate::dict(KERAS_HOME = home))
  on.exit(environ$pop("KERAS_HOME"))
  model <- application_mobilenet(weights = NULL, input_shape = c(32, 32, 3))
  preds <- matrix(0, 2, 1000); preds[1, 8] <- 0.9; preds[2, 4] <- 0.7
  out <- suppressWarnings(application_decode_predictions(model, preds, top = 3))
  expect_length(out, 2)
  expect_equal(nrow(out[[1]]), 3)
  expect_identical(out[[1]]$class_description[1], "class7")  # column 8 is class code 7
  expect_equal(out[[2]]$score[1], 0.7, tolerance = 1e-6)
  expect_equal(out, suppressWarnings(imagenet_decode_predictions(preds, top = 3)))
  decode <- application_decode_predictions(model, top = 1)
  expect_equal(nrow(suppressWarnings(decode(preds))[[1]]), 1)
})

test_that("metric_mean_relative_error() averages abs(error) / normalizer, per column", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(1)) %>%
    layer_dense(2, kernel_initializer = "zeros", bias_initializer = "ones")
  x <- matrix(c(1, 2, 3, 4), 4)
  y <- matrix(c(1, 3, 5, 9, 2, 2, 0, 4), 4)
  model %>% compile(optimizer = "sgd", loss = "mse",
                    metrics = list(metric_mean_relative_error(normalizer = c(2, 4)),
                                   metric_mean_relative_error(normalizer = c(0, 4),
                                                              name = "zero_first")))
  score <- evaluate(model, x, y, batch_size = 2, verbose = 0)
  expect_equal(score$mean_relative_error, mean(sweep(abs(1 - y), 2, c(2, 4), "/")),
               tolerance = 1e-6)
  # a zero normalizer counts as 0 (keras 2.x's division without NaN)
  expect_equal(score$zero_first, mean(cbind(0, abs(1 - y[, 2]) / 4)), tolerance = 1e-6)
  # saved: the model loads again with the metric and its normalizer
  f <- tempfile(fileext = ".keras")
  save_model(model, f)
  again <- load_model(f)
  expect_equal(evaluate(again, x, y, verbose = 0)$mean_relative_error,
               score$mean_relative_error, tolerance = 1e-6)
})

test_that("callback_progbar_logger() runs in fit() and keeps fit()'s verbosity", {
  skip_if_no_engine()
  cb <- callback_progbar_logger(count_mode = "steps")
  expect_true(inherits(cb, "keras.src.callbacks.progbar_logger.ProgbarLogger"))
  model <- keras_model_sequential(input_shape = c(2)) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse")
  out <- capture.output(h <- fit(model, matrix(runif(20), 10), runif(10), epochs = 2,
                                 verbose = 0, callbacks = list(cb)))
  expect_length(out, 0)
  expect_length(h$metrics$loss, 2)
  expect_error(callback_progbar_logger(count_mode = "batches"), "count_mode")
})

test_that("keras3's rnn_cell_*() and rnn_cells_stack() are the Keras cells", {
  skip_if_no_engine()
  gru <- rnn_cell_gru(4, reset_after = FALSE)
  expect_true(inherits(gru, "keras.src.layers.rnn.gru.GRUCell"))
  expect_equal(gru$units, 4)
  expect_false(gru$reset_after)
  expect_true(inherits(rnn_cell_lstm(3), "keras.src.layers.rnn.lstm.LSTMCell"))
  expect_true(inherits(rnn_cell_simple(3), "keras.src.layers.rnn.simple_rnn.SimpleRNNCell"))
  stack <- rnn_cells_stack(list(rnn_cell_simple(3), rnn_cell_lstm(2)))
  expect_true(inherits(stack, "keras.src.layers.rnn.stacked_rnn_cells.StackedRNNCells"))
  input <- keras_input(c(5, 6))
  output <- input %>% layer_rnn(cell = stack)
  model <- keras_model(input, output)
  y <- predict(model, array(runif(2 * 5 * 6), c(2, 5, 6)), verbose = 0)
  expect_equal(dim(y), c(2, 2))  # the last cell's units
  # the same as keras 2.x's names
  expect_equal(get_config(rnn_cell_gru(4, name = "g")), get_config(layer_gru_cell(4, name = "g")))
})

write_wav <- function(path, samples, rate = 8000L) {
  con <- file(path, "wb"); on.exit(close(con))
  n <- 2L * length(samples)
  writeBin(charToRaw("RIFF"), con); writeBin(36L + n, con, size = 4)
  writeBin(charToRaw("WAVEfmt "), con); writeBin(16L, con, size = 4)
  writeBin(c(1L, 1L), con, size = 2); writeBin(c(rate, 2L * rate), con, size = 4)
  writeBin(c(2L, 16L), con, size = 2); writeBin(charToRaw("data"), con)
  writeBin(n, con, size = 4); writeBin(as.integer(samples), con, size = 2)
}

test_that("audio_dataset_from_directory() reads .wav clips, classes from subdirectories", {
  skip_if_no_engine()
  d <- tempfile()
  for (cls in c("beep", "alarm")) dir.create(file.path(d, cls), recursive = TRUE)
  a <- as.integer(1000 * sin(1:300 / 5)); b <- rep(-2000L, 500)
  write_wav(file.path(d, "alarm", "1.wav"), a)
  write_wav(file.path(d, "beep", "1.wav"), b)
  ds <- audio_dataset_from_directory(d, shuffle = FALSE, output_sequence_length = 400,
                                     verbose = FALSE)
  expect_equal(unlist(ds$class_names), c("alarm", "beep"))
  input <- keras_input(c(400, 1))
  model <- keras_model(input, input %>% layer_flatten())
  clips <- predict(model, ds, verbose = 0)
  expect_equal(dim(clips), c(2, 400))
  expect_equal(clips[1, 1:300], a / 32768, tolerance = 1e-6)  # alarm: padded with zeros
  expect_equal(clips[1, 301:400], rep(0, 100))
  expect_equal(clips[2, ], rep(-2000 / 32768, 400), tolerance = 1e-6)  # beep: cut to 400
})
