test_that("layers are added in place and the model is returned invisibly", {
  skip_if_no_engine()
  model <- keras_model_sequential()
  res <- withVisible(model %>% layer_dense(units = 4, input_shape = c(3)))
  expect_false(res$visible)
  expect_identical(reticulate::py_id(res$value), reticulate::py_id(model))
  model %>% layer_dropout(rate = 0.5) %>% layer_dense(2)
  expect_length(model$layers, 3)
  expect_identical(model$layers[[1]]$units, 4L)
  m2 <- keras_model_sequential()
  m2 |> layer_dense(2, input_shape = 3)
  expect_length(m2$layers, 1)
})

test_that("a layer without object is returned and can be piped into a model", {
  skip_if_no_engine()
  layer <- layer_dense(units = 3, name = "solo")
  expect_identical(layer$name, "solo")
  model <- keras_model_sequential(input_shape = c(2))
  model %>% layer
  expect_identical(model$layers[[1]]$name, "solo")
})

test_that("fit returns an R-shaped history with print, plot and as.data.frame", {
  skip_if_no_engine()
  set.seed(1)
  x <- matrix(runif(200 * 5), ncol = 5)
  y <- to_categorical(sample(0:2, 200, TRUE), 3)
  model <- small_mlp()
  model %>% compile(optimizer = "adam", loss = "categorical_crossentropy",
                    metrics = "accuracy")
  h <- model %>% fit(x, y, epochs = 3, batch_size = 32, validation_split = 0.2, verbose = 0)
  expect_s3_class(h, "keras_training_history")
  expect_named(h$metrics, c("loss", "accuracy", "val_loss", "val_accuracy"))
  expect_true(all(lengths(h$metrics) == 3))
  expect_type(h$metrics$loss, "double")
  expect_equal(h$params$epochs, 3)
  df <- as.data.frame(h)
  expect_named(df, c("epoch", "value", "metric", "data"))
  expect_equal(nrow(df), 12)
  expect_equal(df$value[df$metric == "loss" & df$data == "training"], h$metrics$loss)
  expect_output(print(h), "Final epoch")
  f <- tempfile(fileext = ".png")
  png(f); plot(h, method = "base"); dev.off()
  expect_gt(file.size(f), 1000)
  if (requireNamespace("ggplot2", quietly = TRUE)) expect_s3_class(plot(h), "ggplot")
})

test_that("fit's history reaches R as plain R values holding Keras's numbers", {
  skip_if_no_engine()
  x <- matrix(seq(0, 1, length.out = 60), ncol = 3)
  model <- keras_model_sequential(input_shape = 3) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse", metrics = "mae")
  is_py <- function(v) rapply(list(v), function(e) inherits(e, "python.builtin.object"),
                              how = "unlist")
  # what the engine returns is converted at the door: no Python object left to read
  res <- rkbridge:::rk_call("fit", list(object = model, x = x, y = rowSums(x), epochs = 2,
                                        verbose = 0))
  expect_false(inherits(res, "python.builtin.object"))
  expect_false(any(is_py(res)))
  h <- fit(model, x, rowSums(x), epochs = 3, validation_split = 0.25, verbose = 0)
  expect_false(any(is_py(unclass(h))))
  keras_history <- reticulate::py_to_r(reticulate::py_get_attr(model, "history"))$history
  expect_identical(h$metrics, lapply(keras_history, as.numeric)[names(h$metrics)])
  expect_named(h$metrics, c("loss", "mae", "val_loss", "val_mae"))
  expect_identical(h$params$metrics, names(h$metrics))
  expect_identical(h$params$samples, 15L)
})

test_that("fit prints one line per epoch when not interactive", {
  skip_if_no_engine()
  model <- small_mlp()
  model %>% compile(optimizer = "adam", loss = "categorical_crossentropy")
  x <- matrix(runif(40 * 5), ncol = 5)
  out <- capture.output(fit(model, x, to_categorical(sample(0:2, 40, TRUE), 3), epochs = 2))
  expect_length(grep("^Epoch [12]/2 - .*loss: ", out), 2)
})

test_that("evaluate gives a named list and predict an n x k matrix", {
  skip_if_no_engine()
  model <- small_mlp()
  model %>% compile(optimizer = "sgd", loss = "categorical_crossentropy",
                    metrics = c("accuracy"))
  x <- matrix(runif(30 * 5), ncol = 5)
  y <- to_categorical(sample(0:2, 30, TRUE), 3)
  s <- evaluate(model, x, y, verbose = 0)
  expect_type(s, "list")
  expect_named(s, c("accuracy", "loss"), ignore.order = TRUE)
  p <- predict(model, x)
  expect_true(is.matrix(p))
  expect_identical(dim(p), c(30L, 3L))
  expect_equal(rowSums(p), rep(1, 30), tolerance = 1e-5)
  expect_identical(predict_classes(model, x), array(max.col(p, ties.method = "first") - 1L))
  expect_identical(dim(predict_proba(model, x)), c(30L, 3L))
})

test_that("sample i of an R array is x[i, , ] (nothing transposed)", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(4, 3)) %>% layer_flatten()
  x <- array(as.double(seq_len(2 * 4 * 3)), dim = c(2, 4, 3))
  p <- predict(model, x)
  # Flatten is row-major over (4, 3): element [i, j, k] lands at column (j - 1) * 3 + k
  expect_identical(p[2, (3 - 1) * 3 + 2], x[2, 3, 2])
  expect_identical(p[1, ], as.vector(t(x[1, , ])))
})

test_that("data frames and integer and logical inputs work", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(2)) %>% layer_dense(1)
  set_weights(model, list(matrix(c(1, 10), 2, 1), 0.5))
  df <- data.frame(a = c(1, 2), b = c(3L, 4L))
  expect_equal(as.vector(predict(model, df)), c(31.5, 42.5))
  expect_equal(as.vector(predict(model, matrix(c(TRUE, FALSE, FALSE, TRUE), 2))),
               c(1.5, 10.5))
  expect_error(predict(model, data.frame(a = 1, b = "x")), "Column `b`")
})

test_that("legacy arguments keep working with a deprecation message", {
  skip_if_no_engine()
  expect_message(opt <- optimizer_sgd(lr = 0.05, decay = 1e-3), "lr")
  expect_equal(as.numeric(as.array(opt$learning_rate)), 0.05, tolerance = 1e-6)
  expect_message(optimizer_rmsprop(lr = 0.002), "learning_rate")
  model <- keras_model_sequential() %>% layer_dense(2, input_dim = 7)
  expect_identical(model$inputs[[1]]$shape[[2]], 7L)
})

test_that("compile accepts strings, objects, functions and custom metrics", {
  skip_if_no_engine()
  x <- matrix(runif(64 * 5), ncol = 5)
  y <- matrix(round(runif(64)), ncol = 1)
  model <- keras_model_sequential(input_shape = c(5)) %>% layer_dense(1, activation = "sigmoid")
  mean_pred <- custom_metric("mean_pred", function(y_true, y_pred) k_mean(y_pred))
  model %>% compile(optimizer = optimizer_rmsprop(), loss = loss_binary_crossentropy,
                    metrics = c("accuracy", metric_binary_accuracy, mean_pred))
  h <- model %>% fit(x, y, epochs = 1, verbose = 0)
  expect_true(all(c("accuracy", "binary_accuracy", "mean_pred") %in% names(h$metrics)))
  s <- evaluate(model, x, y)
  expect_equal(s$mean_pred, mean(predict(model, x)), tolerance = 1e-4)
})

test_that("to_categorical keeps the R interface's meaning", {
  skip_if_no_engine()
  y <- to_categorical(c(0, 2, 1), 3)
  expect_identical(dim(y), c(3L, 3L))
  expect_equal(y[2, ], c(0, 0, 1))
  f <- to_categorical(factor(c("b", "a", "b"), levels = c("b", "a")))
  expect_equal(f, matrix(c(1, 0, 1, 0, 1, 0), 3))
  expect_error(to_categorical(c(0, 3), 3), "0..2", class = "rkbridge_value_error")
})

test_that("get_layer, pop_layer, freeze/unfreeze use 1-based indices", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(4)) %>%
    layer_dense(3, name = "a") %>% layer_dense(3, name = "b") %>% layer_dense(1, name = "c")
  expect_identical(get_layer(model, index = 1)$name, "a")
  expect_identical(get_layer(model, index = -1)$name, "c")
  expect_error(get_layer(model, index = 0), "1 to 3", class = "rkbridge_index_error")
  freeze_weights(model, to = -2)
  expect_length(model$trainable_weights, 2)
  unfreeze_weights(model)
  expect_length(model$trainable_weights, 6)
  freeze_weights(model, from = "b")
  expect_identical(vapply(model$layers, function(l) l$trainable, TRUE), c(TRUE, FALSE, FALSE))
  expect_equal(count_params(model), 4 * 3 + 3 + 3 * 3 + 3 + 3 + 1)
  model %>% pop_layer()
  expect_length(model$layers, 2)
})

test_that("summary shows Keras's table, or says the model is not built", {
  skip_if_no_engine()
  expect_output(summary(keras_model_sequential() %>% layer_dense(2)), "not built")
  model <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(2)
  out <- capture.output(model)
  expect_true(any(grepl("Total params: 10", out, fixed = TRUE)))
})

test_that("weights come back as R arrays with R's index meaning", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(3)
  w <- get_weights(model)
  expect_identical(dim(w[[1]]), c(4L, 3L))
  w[[1]][2, 3] <- 5
  set_weights(model, w)
  x <- matrix(0, 1, 4); x[1, 2] <- 1
  expect_equal(predict(model, x)[1, 3], 5 + w[[2]][3], tolerance = 1e-6)
})

test_that("a bias is a 1-d R array, and $get_weights()/$set_weights() take each other's values", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(3)
  w <- get_weights(model)
  expect_identical(dim(w[[2]]), 3L)  # as keras3 gives Keras's 1-d NumPy array
  expect_identical(model$get_weights(), w)
  layer <- model$layers[[1]]
  expect_identical(layer$get_weights(), w)
  w[[2]][] <- c(1, 2, 3)
  expect_null(model$set_weights(w))  # Keras's value, on every reticulate
  expect_identical(as.vector(layer$get_weights()[[2]]), c(1, 2, 3))
})

test_that("a callback that keeps the weights on `self` restores them with $set_weights()", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(2)) %>% layer_dense(1)
  compile(model, loss = "mse", optimizer = optimizer_sgd(learning_rate = 0.1))
  restore <- Callback("RestoreWeights",
    on_train_begin = function(logs = NULL) self$kept <- get_weights(self$model),
    on_epoch_end = function(epoch, logs = NULL) self$model$set_weights(self$kept))
  w0 <- get_weights(model)
  fit(model, matrix(1, 4, 2), rep(10, 4), epochs = 2, verbose = 0, callbacks = list(restore()))
  expect_identical(get_weights(model), w0)
})

test_that("engine errors are R conditions, not tracebacks", {
  skip_if_no_engine()
  model <- small_mlp()
  err <- tryCatch(fit(model, matrix(0, 2, 5), matrix(0, 2, 3)), error = identity)
  expect_s3_class(err, "rkbridge_not_compiled_error")
  expect_s3_class(err, "rkbridge_error")
  expect_false(grepl("Traceback", conditionMessage(err)))
})
