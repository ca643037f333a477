# keras 2.x leftovers: the keras 2.x aliases (rkbridge/wrappers/naming.py
# KERAS2_ALIASES), callback_tensorboard()'s removed arguments, merge layers with separate
# inputs, cells without `object`, and the R interfaces' defaults (layers.R_DEFAULTS).
# Values are checked against Keras computing the same thing.

v1 <- matrix(c(1, 2, 3, -1, 0, 2), nrow = 2, byrow = TRUE)
v2 <- matrix(c(4, 5, 6, 2, 2, -3), nrow = 2, byrow = TRUE)
v3 <- matrix(c(2, 0.5, 1, 1, -1, 3), nrow = 2, byrow = TRUE)

test_that("merge layers take their inputs as separate arguments (keras 2.x and keras3)", {
  skip_if_no_engine()
  a <- layer_input(shape = c(3))
  b <- layer_input(shape = c(3))
  c3 <- layer_input(shape = c(3))
  for (out in list(layer_add(a, b), layer_add(list(a, b)), layer_add(inputs = list(a, b)),
                   a %>% layer_add(b)))
    expect_equal(predict(keras_model(list(a, b), out), list(v1, v2)), v1 + v2)
  m <- keras_model(list(a, b, c3), layer_multiply(a, b, c3))
  expect_equal(predict(m, list(v1, v2, v3)), v1 * v2 * v3)
  m <- keras_model(list(a, b), layer_subtract(a, b))
  expect_equal(predict(m, list(v1, v2)), v1 - v2)
  m <- keras_model(list(a, b, c3), layer_maximum(a, b, c3))
  expect_equal(predict(m, list(v1, v2, v3)), pmax(v1, v2, v3))
  m <- keras_model(list(a, b), layer_average(a, b))
  expect_equal(predict(m, list(v1, v2)), (v1 + v2) / 2)
})

test_that("layer_concatenate(a, b, axis = 2) and layer_dot via do.call() compute as Keras", {
  skip_if_no_engine()
  a <- layer_input(shape = c(3))
  b <- layer_input(shape = c(3))
  m <- keras_model(list(a, b), layer_concatenate(a, b, axis = 2))
  expect_equal(predict(m, list(v1, v2)), cbind(v1, v2))
  # the same model as Keras's own Concatenate on the list
  ref <- keras_model(list(a, b), keras$layers$Concatenate(axis = 1L)(list(a, b)))
  expect_equal(predict(m, list(v1, v2)), predict(ref, list(v1, v2)))
  # keras 2.x: after a list of inputs, an unnamed number is `axis`
  m <- keras_model(list(a, b), layer_concatenate(list(a, b), -1))
  expect_equal(predict(m, list(v1, v2)), cbind(v1, v2))
  d <- do.call(layer_dot, c(list(a, b), axes = 2))
  expect_equal(predict(keras_model(list(a, b), d), list(v1, v2)),
               matrix(rowSums(v1 * v2), ncol = 1))
  d <- layer_dot(a, b, axes = 2, normalize = TRUE)
  cosine <- rowSums(v1 * v2) / sqrt(rowSums(v1^2) * rowSums(v2^2))
  expect_equal(predict(keras_model(list(a, b), d), list(v1, v2)), matrix(cosine, ncol = 1),
               tolerance = 1e-6)
})

test_that("merge layers without inputs return the layer, configured", {
  skip_if_no_engine()
  l <- layer_add()
  expect_true(inherits(l, "keras.src.layers.merging.add.Add"))
  l <- layer_concatenate(axis = 2)
  expect_equal(l$get_config()$axis, 1L)  # 1-based 2 is Keras's 0-based 1
  l <- layer_dot(axes = 2)
  expect_equal(l$get_config()$axes, 1L)
  a <- layer_input(shape = c(3))
  b <- layer_input(shape = c(3))
  expect_equal(predict(keras_model(list(a, b), layer_add()(list(a, b))), list(v1, v2)),
               v1 + v2)
})

test_that("cells take `units` as their first argument", {
  skip_if_no_engine()
  for (f in list(layer_gru_cell, layer_lstm_cell, layer_simple_rnn_cell)) {
    cell <- f(4)
    expect_identical(cell$units, 4L)
  }
  expect_true(inherits(layer_gru_cell(4), "keras.src.layers.rnn.gru.GRUCell"))
  expect_identical(layer_lstm_cell(3, activation = "relu")$get_config()$activation, "relu")
  stacked <- layer_stacked_rnn_cells(list(layer_gru_cell(2), layer_gru_cell(3)))
  model <- keras_model_sequential(input_shape = c(5, 2)) %>% layer_rnn(stacked)
  expect_identical(dim(predict(model, array(1, c(4, 5, 2)))), c(4L, 3L))
})

test_that("average pooling has keras 2.x's pool_size = 2 default", {
  skip_if_no_engine()
  expect_identical(layer_average_pooling_1d()$get_config()$pool_size, list(2L))
  expect_identical(layer_average_pooling_2d()$get_config()$pool_size, list(2L, 2L))
  expect_identical(layer_average_pooling_3d()$get_config()$pool_size, list(2L, 2L, 2L))
  expect_identical(layer_average_pooling_2d(pool_size = 3)$get_config()$pool_size,
                   list(3L, 3L))
  x <- array(as.numeric(1:16), c(1, 4, 4, 1))
  model <- keras_model_sequential(input_shape = c(4, 4, 1)) %>% layer_average_pooling_2d()
  p <- predict(model, x)
  expect_identical(dim(p), c(1L, 2L, 2L, 1L))
  expect_equal(p[1, 1, 1, 1], mean(x[1, 1:2, 1:2, 1]))
  expect_equal(p[1, 2, 1, 1], mean(x[1, 3:4, 1:2, 1]))
})

test_that("layer_activation_thresholded_relu(theta) is x for x > theta, else 0", {
  skip_if_no_engine()
  x <- matrix(c(-2, -1, 0, 0.5, 1, 1 + 1e-6, 1.5, 3), nrow = 1)
  for (theta in c(1, 0.5, 0)) {
    model <- keras_model_sequential(input_shape = c(8)) %>%
      layer_activation_thresholded_relu(theta = theta)
    expect_equal(predict(model, x), ifelse(x > theta, x, 0), tolerance = 1e-7)
  }
  l <- layer_activation_thresholded_relu()  # keras 2.x's default theta = 1
  expect_equal(l$get_config()$threshold, 1)
  expect_equal(layer_activation_thresholded_relu(theta = 0.25)$threshold, 0.25)
  expect_error(layer_activation_thresholded_relu(max_value = 2), "max_value")
})

test_that("layer_activation_selu() is a selu Activation layer", {
  skip_if_no_engine()
  x <- matrix(c(-2, -0.5, 0, 1.5), nrow = 1)
  model <- keras_model_sequential(input_shape = c(4)) %>% layer_activation_selu()
  expect_identical(model$layers[[1]]$get_config()$activation, "selu")
  ref <- as.array(activation_selu(x))  # Keras's selu function
  expect_equal(predict(model, x), ref, tolerance = 1e-6)
  alpha <- 1.6732632423543772; scale <- 1.0507009873554805
  expect_equal(predict(model, x), ifelse(x > 0, scale * x, scale * alpha * (exp(x) - 1)),
               tolerance = 1e-6)
})

test_that("layer_cudnn_gru/lstm are GRU/LSTM with cuDNN's settings, and say they are deprecated", {
  skip_if_no_engine()
  expect_message(l <- layer_cudnn_gru(units = 3, return_sequences = TRUE), "layer_gru()",
                 fixed = TRUE)
  cfg <- l$get_config()
  expect_true(inherits(l, "keras.src.layers.rnn.gru.GRU"))
  expect_identical(cfg$units, 3L)
  expect_true(cfg$return_sequences)
  expect_identical(list(cfg$activation, cfg$recurrent_activation, cfg$reset_after,
                        cfg$use_bias, cfg$unroll),
                   list("tanh", "sigmoid", TRUE, TRUE, FALSE))
  expect_message(model <- keras_model_sequential(input_shape = c(5, 2)) %>%
                   layer_cudnn_lstm(4, unit_forget_bias = FALSE), "layer_lstm()")
  expect_true(inherits(model$layers[[1]], "keras.src.layers.rnn.lstm.LSTM"))
  expect_false(model$layers[[1]]$get_config()$unit_forget_bias)
  expect_identical(dim(predict(model, array(0.5, c(3, 5, 2)))), c(3L, 4L))
  # the same weights in Keras's own LSTM give the same output
  ref <- keras_model_sequential(input_shape = c(5, 2)) %>% layer_lstm(4)
  set_weights(ref, get_weights(model))
  x <- array(runif(30), c(3, 5, 2))
  expect_equal(predict(model, x), predict(ref, x), tolerance = 1e-6)
  expect_error(suppressMessages(layer_cudnn_gru(units = 2, activation = "relu")),
               "activation")
})

test_that("loss_logcosh, loss_cosine_proximity and their metrics compute as Keras", {
  skip_if_no_engine()
  yt <- matrix(c(1, 0, 0, 1, 1, 1), nrow = 3, byrow = TRUE)
  yp <- matrix(c(1, 0, 1, 0, 2, 2.5), nrow = 3, byrow = TRUE)
  expect_equal(as.array(loss_logcosh(yt, yp)), as.array(loss_log_cosh(yt, yp)))
  expect_equal(as.array(loss_logcosh(yt, yp)), array(rowMeans(log(cosh(yp - yt)))),
               tolerance = 1e-6)
  expect_true(inherits(loss_logcosh(), "keras.src.losses.losses.LogCosh"))
  cosine <- rowSums(yt * yp) / sqrt(rowSums(yt^2) * rowSums(yp^2))
  expect_message(v <- as.array(loss_cosine_proximity(yt, yp)), "loss_cosine_similarity")
  expect_equal(v, array(-cosine), tolerance = 1e-6)  # a loss: minus the similarity
  expect_equal(v, as.array(loss_cosine_similarity(yt, yp)))
  expect_true(inherits(suppressMessages(loss_cosine_proximity()),
                       "keras.src.losses.losses.CosineSimilarity"))
  # keras 2.x's metric_cosine_proximity was TensorFlow's v1 metric: the loss function
  expect_message(v <- as.array(metric_cosine_proximity(yt, yp)), "deprecated")
  expect_equal(v, array(-cosine), tolerance = 1e-6)
  m <- metric_logcosh_error()
  expect_true(inherits(m, "keras.src.metrics.regression_metrics.LogCoshError"))
  expect_identical(m$name, "logcosh")
  expect_equal(as.array(metric_logcosh_error(yt, yp)), mean(log(cosh(yp - yt))),
               tolerance = 1e-6)
})

test_that("metric_cosine_proximity and metric_logcosh_error in compile() name the history", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(3)
  suppressMessages(model %>% compile(optimizer = "sgd", loss = loss_logcosh,
                                     metrics = list(metric_cosine_proximity,
                                                    metric_logcosh_error())))
  h <- fit(model, v1, v2, epochs = 2, verbose = 0)
  expect_true(all(c("loss", "cosine_proximity", "logcosh") %in% names(h$metrics)))
  p <- predict(model, v1)
  cosine <- rowSums(v2 * p) / sqrt(rowSums(v2^2) * rowSums(p^2))
  score <- evaluate(model, v1, v2, verbose = 0)
  expect_equal(score$cosine_proximity, mean(-cosine), tolerance = 1e-5)
  expect_equal(score$loss, mean(log(cosh(p - v2))), tolerance = 1e-5)
  # a saved model compiled with them loads again and evaluates the same
  f <- tempfile(fileext = ".keras")
  save_model(model, f)
  m2 <- load_model(f)
  expect_equal(evaluate(m2, v1, v2, verbose = 0), score, tolerance = 1e-6)
})

test_that("callback_terminate_on_naan() stops training on NaN", {
  skip_if_no_engine()
  cb <- callback_terminate_on_naan()
  expect_true(inherits(cb, "keras.src.callbacks.terminate_on_nan.TerminateOnNaN"))
  model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
  model %>% compile(optimizer = optimizer_sgd(learning_rate = 1e30), loss = "mse")
  x <- matrix(1e10, 8, 3)
  h <- fit(model, x, matrix(1, 8, 1), epochs = 5, batch_size = 2, verbose = 0,
           callbacks = list(cb))
  expect_lt(length(h$metrics$loss), 5)
})

test_that("callback_tensorboard() accepts keras 2.x's removed arguments with a message", {
  skip_if_no_engine()
  skip_if_not(reticulate::py_module_available("tensorboard"))
  dir <- file.path(tempdir(), "tb-keras2")
  msgs <- character()
  cb <- withCallingHandlers(
    callback_tensorboard(log_dir = dir, histogram_freq = 1, batch_size = 32,
                         write_grads = TRUE, embeddings_freq = 1,
                         embeddings_layer_names = "emb", embeddings_metadata = NULL,
                         embeddings_data = matrix(1, 2, 2)),
    message = function(m) {
      msgs <<- c(msgs, conditionMessage(m))
      invokeRestart("muffleMessage")
    })
  expect_length(msgs, 4)
  for (arg in c("batch_size", "write_grads", "embeddings_layer_names", "embeddings_data"))
    expect_true(any(grepl(paste0("`", arg, "`"), msgs, fixed = TRUE)), info = arg)
  expect_true(all(grepl("removed in Keras 3", msgs)))
  expect_true(inherits(cb, "keras.src.callbacks.tensorboard.TensorBoard"))
  expect_identical(cb$log_dir, dir)
  expect_identical(cb$embeddings_freq, 1L)
  expect_identical(cb$histogram_freq, 1L)
  expect_silent(callback_tensorboard(log_dir = dir, write_grads = FALSE))
  expect_identical(callback_tensorboard(log_dir = NULL)$log_dir, "logs")
})
