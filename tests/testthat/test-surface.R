# The wider Keras surface from R: callbacks with R functions, layers of each kind,
# initializers/regularizers/constraints in layers, activations, schedules, k_*() with
# 1-based axes, and the data utilities.

tiny_data <- function(n = 32) {
  set.seed(42)
  x <- matrix(runif(n * 3), ncol = 3)
  list(x = x, y = x %*% c(1, -2, 0.5))
}

tiny_model <- function() {
  model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(units = 1)
  model %>% compile(optimizer = optimizer_sgd(learning_rate = 0.01), loss = "mse")
  model
}

test_that("callback_lambda calls R functions with 1-based epochs and logs by name", {
  skip_if_no_engine()
  d <- tiny_data()
  model <- tiny_model()
  seen <- list()
  began <- 0
  cb <- callback_lambda(
    on_epoch_end = function(epoch, logs) seen[[length(seen) + 1]] <<- list(epoch, logs),
    on_train_begin = function(logs) began <<- began + 1)
  h <- fit(model, d$x, d$y, epochs = 3, batch_size = 16, verbose = 0, callbacks = list(cb))
  expect_equal(began, 1)
  expect_equal(vapply(seen, `[[`, numeric(1), 1), c(1, 2, 3))
  losses <- vapply(seen, function(s) s[[2]]$loss, numeric(1))
  expect_equal(losses, h$metrics$loss, tolerance = 1e-6)
})

test_that("callback_lambda batch hooks see 1-based batch numbers", {
  skip_if_no_engine()
  d <- tiny_data()
  batches <- integer()
  cb <- callback_lambda(on_batch_end = function(batch, logs) batches <<- c(batches, batch))
  fit(tiny_model(), d$x, d$y, epochs = 1, batch_size = 8, verbose = 0, callbacks = cb)
  expect_equal(batches, 1:4)
})

test_that("callback_learning_rate_scheduler takes an R function(epoch, lr)", {
  skip_if_no_engine()
  d <- tiny_data()
  model <- tiny_model()
  epochs_seen <- numeric()
  sched <- callback_learning_rate_scheduler(function(epoch, lr) {
    epochs_seen <<- c(epochs_seen, epoch)
    0.1 / epoch
  })
  fit(model, d$x, d$y, epochs = 2, verbose = 0, callbacks = list(sched))
  expect_equal(epochs_seen, c(1, 2))
  expect_equal(as.array(model$optimizer$learning_rate), 0.05, tolerance = 1e-6)
  # a one-argument schedule works too
  sched1 <- callback_learning_rate_scheduler(function(epoch) 0.02)
  fit(model, d$x, d$y, epochs = 1, verbose = 0, callbacks = list(sched1))
  expect_equal(as.array(model$optimizer$learning_rate), 0.02, tolerance = 1e-6)
})

test_that("R6 KerasCallback subclasses and new_callback_class() run their hooks", {
  skip_if_no_engine()
  d <- tiny_data()
  LossHistory <- R6::R6Class("LossHistory", inherit = KerasCallback, public = list(
    losses = NULL, epochs = NULL,
    on_epoch_end = function(epoch, logs = NULL) {
      self$losses <- c(self$losses, logs$loss)
      self$epochs <- c(self$epochs, epoch)
    }))
  lh <- LossHistory$new()
  model <- tiny_model()
  h <- fit(model, d$x, d$y, epochs = 2, verbose = 0, callbacks = list(lh))
  expect_equal(lh$epochs, c(1, 2))
  expect_equal(lh$losses, h$metrics$loss, tolerance = 1e-6)
  expect_equal(lh$params$epochs, 2)
  expect_true(inherits(lh$model, "keras.src.models.model.Model"))

  Counter <- new_callback_class("Counter",
    n = 0,
    initialize = function(start = 0) self$n <- start,
    on_train_batch_end = function(batch, logs = NULL) self$n <- self$n + 1)
  counter <- Counter(start = 10)
  fit(model, d$x, d$y, epochs = 1, batch_size = 16, verbose = 0, callbacks = list(counter))
  expect_equal(counter$n, 12)
  expect_error(new_callback_class("Bad", function() 1), class = "rkbridge_value_error")
})

test_that("early stopping, checkpoint, reduce LR and CSV logger work from R", {
  skip_if_no_engine()
  d <- tiny_data()
  model <- tiny_model()
  dir <- tempfile("cbs")
  dir.create(dir)
  csv <- file.path(dir, "log.csv")
  ckpt <- file.path(dir, "best.keras")
  h <- fit(model, d$x, d$y, epochs = 50, verbose = 0, validation_split = 0.25,
           callbacks = list(
             callback_early_stopping(monitor = "loss", patience = 1, min_delta = 1e6),
             callback_model_checkpoint(ckpt, monitor = "val_loss", save_best_only = TRUE),
             callback_reduce_lr_on_plateau(monitor = "loss", patience = 1, factor = 0.5,
                                           min_delta = 1e6),
             callback_csv_logger(csv)))
  # min_delta is huge, so no epoch counts as an improvement: with patience 1, training
  # stops after epoch 2, and the plateau halves the learning rate once
  expect_length(h$metrics$loss, 2)
  expect_equal(as.array(model$optimizer$learning_rate), 0.005, tolerance = 1e-6)
  expect_true(file.exists(ckpt))
  log <- read.csv(csv)
  expect_equal(log$epoch, c(0, 1))  # Keras writes the CSV itself, 0-based
  expect_true(all(c("loss", "val_loss") %in% names(log)))
})

test_that("callback_tensorboard writes local event files (or says what is missing)", {
  skip_if_no_engine()
  d <- tiny_data()
  dir <- tempfile("tb")
  if (!reticulate::py_module_available("tensorboard")) {
    expect_error(callback_tensorboard(log_dir = dir), "pip install tensorboard",
                 class = "rkbridge_error")
    skip("the Python package tensorboard is not installed")
  }
  fit(tiny_model(), d$x, d$y, epochs = 1, verbose = 0,
      callbacks = list(callback_tensorboard(log_dir = dir)))
  expect_true(any(grepl("tfevents", list.files(dir, recursive = TRUE))))
})

test_that("layers of each kind compose with a Sequential model and tensors", {
  skip_if_no_engine()
  conv <- keras_model_sequential(input_shape = c(8, 8, 1)) %>%
    layer_conv_2d(filters = 2, kernel_size = c(3, 3), padding = "same") %>%
    layer_batch_normalization() %>%
    layer_max_pooling_2d(pool_size = c(2, 2)) %>%
    layer_separable_conv_2d(filters = 3, kernel_size = 2) %>%
    layer_global_average_pooling_2d()
  expect_equal(unlist(conv$output_shape), 3)
  expect_equal(dim(predict(conv, array(1, c(2, 8, 8, 1)), verbose = 0)), c(2, 3))

  rnn <- keras_model_sequential(input_shape = c(5, 2)) %>%
    bidirectional(layer_lstm(units = 3, return_sequences = TRUE)) %>%
    time_distributed(layer_dense(units = 2)) %>%
    layer_gru(units = 4)
  expect_equal(dim(predict(rnn, array(0.5, c(3, 5, 2)), verbose = 0)), c(3, 4))

  emb <- keras_model_sequential(input_shape = c(6)) %>%
    layer_embedding(input_dim = 10, output_dim = 4) %>%
    layer_flatten()
  expect_equal(unlist(emb$output_shape), 24)

  inputs <- layer_input(shape = c(4))
  a <- inputs %>% layer_dense(units = 3)
  b <- inputs %>% layer_dense(units = 3)
  merged <- layer_add(list(a, b))
  expect_equal(unlist(merged$shape), 3)
  cat_ <- layer_concatenate(list(a, b), axis = -1)
  expect_equal(unlist(cat_$shape), 6)
  expect_s3_class(layer_reshape(target_shape = c(2, 2)), "python.builtin.object")
})

test_that("initializers, regularizers, constraints and activations configure layers", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(3)) %>%
    layer_dense(units = 2,
                kernel_initializer = initializer_constant(0.5),
                bias_initializer = initializer_ones(),
                kernel_regularizer = regularizer_l1_l2(l1 = 0.01, l2 = 0.02),
                kernel_constraint = constraint_maxnorm(max_value = 10),
                activation = activation_relu)
  layer <- model$layers[[1]]
  w <- get_weights(model)
  expect_equal(w[[1]], matrix(0.5, 3, 2), tolerance = 1e-6)
  expect_equal(as.vector(w[[2]]), c(1, 1))
  expect_equal(layer$kernel_regularizer$get_config()$l1, 0.01, tolerance = 1e-6)
  expect_equal(layer$kernel_regularizer$get_config()$l2, 0.02, tolerance = 1e-6)
  expect_equal(layer$kernel_constraint$get_config()$max_value, 10)
  # one row of input: 0.5 * (1 + 2 + 3) + 1 = 4 per unit; relu keeps it
  expect_equal(predict(model, matrix(c(1, 2, 3), 1), verbose = 0), matrix(4, 1, 2),
               tolerance = 1e-5)
  # the regularization loss is part of the model's losses
  expect_length(model$losses, 1)
  expect_equal(as.array(activation_relu(c(-1, 0, 2))), array(c(0, 0, 2)))
  expect_equal(as.array(activation_softmax(matrix(c(0, 0), 1))), matrix(0.5, 1, 2))
  expect_equal(as.array(regularizer_l2(l2 = 0.5)(matrix(2, 2, 2))), 8, tolerance = 1e-6)
  init <- initializer_random_normal(seed = 1)
  expect_equal(dim(as.array(init(shape(2, 3)))), c(2, 3))
})

test_that("learning rate schedules and optimizers accept R numbers", {
  skip_if_no_engine()
  sched <- learning_rate_schedule_exponential_decay(initial_learning_rate = 0.1,
                                                     decay_steps = 10, decay_rate = 0.5)
  expect_equal(as.array(sched(10)), 0.05, tolerance = 1e-6)
  pw <- learning_rate_schedule_piecewise_constant_decay(boundaries = 5,
                                                         values = c(0.1, 0.01))
  expect_equal(as.array(pw(6)), 0.01, tolerance = 1e-6)
  opt <- optimizer_adam(learning_rate = sched)
  model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
  model %>% compile(optimizer = opt, loss = loss_mean_squared_error)
  d <- tiny_data()
  expect_s3_class(fit(model, d$x, d$y, epochs = 1, verbose = 0), "keras_training_history")
})

test_that("k_*() functions use 1-based axes", {
  skip_if_no_engine()
  m <- matrix(1:6, nrow = 2)  # rows 1,3,5 / 2,4,6
  x <- k_constant(m)
  expect_equal(as.array(k_sum(x, axis = 1)), array(colSums(m)))
  expect_equal(as.array(k_sum(x, axis = 2)), array(rowSums(m)))
  expect_equal(as.array(k_mean(x, axis = -1)), array(rowMeans(m)))
  expect_equal(as.array(k_max(x, axis = 2)), array(c(5, 6)))
  expect_equal(dim(as.array(k_expand_dims(x, axis = 1))), c(1, 2, 3))
  expect_equal(dim(as.array(k_expand_dims(x, axis = -1))), c(2, 3, 1))
  expect_equal(dim(as.array(k_concatenate(list(x, x), axis = 1))), c(4, 3))
  expect_equal(dim(as.array(k_concatenate(list(x, x), axis = 2))), c(2, 6))
  expect_equal(dim(as.array(k_permute_dimensions(k_constant(array(0, c(2, 3, 4))),
                                                 pattern = c(1, 3, 2)))), c(2, 4, 3))
  expect_equal(dim(as.array(k_batch_flatten(k_constant(array(0, c(2, 3, 4)))))), c(2, 12))
  expect_equal(as.array(k_argmax(x, axis = 2)), array(c(2, 2)))  # 0-based codes, as in Keras 2
  expect_error(k_sum(x, axis = 0), "1-based", class = "rkbridge_value_error")
  expect_equal(k_int_shape(x), c(2L, 3L))
  expect_equal(k_epsilon(), 1e-7)
  expect_equal(as.array(k_dot(x, k_transpose(x))), m %*% t(m))
})

test_that("pad_sequences, normalize and the array utilities follow R conventions", {
  skip_if_no_engine()
  p <- pad_sequences(list(c(1, 2, 3), c(4, 5), 6), maxlen = 3)
  expect_equal(p, rbind(c(1, 2, 3), c(0, 4, 5), c(0, 0, 6)))
  p2 <- pad_sequences(list(c(1, 2, 3), c(4, 5)), maxlen = 2, padding = "post",
                      truncating = "post")
  expect_equal(p2, rbind(c(1, 2), c(4, 5)))
  n <- normalize(matrix(c(3, 0, 4, 1), 2))
  expect_equal(n, rbind(c(0.6, 0.8), c(0, 1)))
  n1 <- normalize(matrix(c(3, 4, 0, 1), 2), axis = 1)
  expect_equal(n1, rbind(c(0.6, 0), c(0.8, 1)))
  expect_equal(dim(image_array_resize(array(1, c(4, 4, 3)), height = 2, width = 3)),
               c(2, 3, 3))
  expect_equal(dim(image_smart_resize(array(1, c(4, 6, 3)), size = c(2, 2))), c(2, 2, 3))
  expect_error(get_file("nope.zip", origin = "file:///nonexistent/nope.zip",
                        cache_dir = tempdir()),
               "Could not download", class = "rkbridge_network_error")
  f <- file.path(tempdir(), "datasets", "here.txt")
  dir.create(dirname(f), showWarnings = FALSE)
  writeLines("x", f)
  expect_equal(normalizePath(get_file("here.txt", cache_dir = tempdir())), normalizePath(f))
})

test_that("timeseries_dataset_from_array windows rows as time steps", {
  skip_if_no_engine()
  x <- matrix(1:20, ncol = 2)   # time steps 1..10 in rows
  ds <- timeseries_dataset_from_array(x, targets = 1:10 * 10, sequence_length = 3,
                                      batch_size = 100, start_index = 2)
  batch <- reticulate::iter_next(reticulate::as_iterator(ds))
  inputs <- as.array(batch[[1]])
  targets <- as.array(batch[[2]])
  expect_equal(dim(inputs), c(7, 3, 2))      # windows starting at steps 2..8
  expect_equal(inputs[1, , 1], c(2, 3, 4))
  expect_equal(inputs[1, , 2], c(12, 13, 14))
  expect_equal(as.vector(targets)[1], 20)   # target of the window's first step
})

test_that("R operators work on tensors, so R functions can be Lambda layers", {
  skip_if_no_engine()
  x <- k_constant(matrix(c(1, -2, 3, -4), 2))
  expect_equal(as.array(x * 2 + 1), matrix(c(3, -3, 7, -7), 2))
  expect_equal(as.array(-x), -matrix(c(1, -2, 3, -4), 2))
  expect_equal(as.array(x > 0), matrix(c(TRUE, FALSE, TRUE, FALSE), 2))
  expect_equal(as.array(abs(x)), matrix(c(1, 2, 3, 4), 2))
  expect_equal(as.array(exp(k_constant(0))), 1)
  expect_equal(as.array(x / x), matrix(1, 2, 2))
  model <- keras_model_sequential(input_shape = c(3)) %>%
    layer_lambda(function(x) x * 2 + 1) %>%
    layer_dense(units = 1, kernel_initializer = "ones", use_bias = FALSE)
  expect_equal(predict(model, matrix(1, 2, 3), verbose = 0), matrix(9, 2, 1))
  inputs <- layer_input(shape = c(2))
  outputs <- inputs %>% layer_dense(units = 2) %>% layer_lambda(function(t) sqrt(abs(t)))
  expect_equal(unlist(outputs$shape), 2)
})

test_that("Keras objects called from R take R arrays", {
  skip_if_no_engine()
  mse <- loss_mean_squared_error()
  expect_equal(as.array(mse(c(0, 1), c(1, 1))), 0.5)
  expect_equal(as.array(loss_mean_squared_error(c(0, 1), c(1, 1))), 0.5)
  expect_equal(as.array(constraint_nonneg()(c(-1, 2))), array(c(0, 2)))
  expect_error(application_vgg16(weights = file.path(tempdir(), "absent.h5")), "does not exist",
               class = "rkbridge_network_error")
})
