# predict() returns exactly what Keras's predict() returns (CONVENTIONS section 4), also for
# inputs of one batch, which take predict_on_batch(): dict and nested outputs, a subclass's
# predict_step, float64 models, after compile(), set_weights() and fit().

keras_predict <- function(model, x) {  # Keras's predict() on NumPy data (helper-reference.R)
  xx <- if (is.list(x)) unname(lapply(x, np_ref)) else np_ref(x)
  r_ref(keras_method(model, "predict")(xx, verbose = 0L))
}

expect_like_keras <- function(model, x, rows = c(1, 2, 32, 100)) {
  for (n in rows) {
    xn <- x[seq_len(n), , drop = FALSE]
    expect_identical(predict(model, xn), keras_predict(model, xn), label = paste(n, "rows"))
  }
}

test_that("dict outputs: a named list of matrices whatever the row count", {
  skip_if_no_engine()
  set.seed(21)
  input <- layer_input(shape = c(4))
  model <- keras_model(input, list(b = input %>% layer_dense(2),
                                   a = input %>% layer_dense(1)))
  x <- matrix(runif(400), 100, 4)
  expect_like_keras(model, x)
  p <- predict(model, x[1:2, ])
  expect_type(p, "list")
  expect_identical(lapply(p, dim), lapply(predict(model, x), function(m) c(2L, ncol(m))))
})

test_that("nested outputs keep Keras's structure", {
  skip_if_no_engine()
  set.seed(22)
  input <- layer_input(shape = c(4))
  model <- keras_model(input, list(input %>% layer_dense(2),
                                   list(input %>% layer_dense(1),
                                        list(z = input %>% layer_dense(3)))))
  expect_like_keras(model, matrix(runif(400), 100, 4))
})

test_that("a subclass's predict_step is used for one batch too", {
  skip_if_no_engine()
  main <- reticulate::py_run_string(paste(
    "import keras",
    "class ColumnSums(keras.Model):",
    "    def predict_step(self, data):",
    "        x = data[0] if isinstance(data, tuple) else data",
    "        return keras.ops.sum(self(x, training=False), axis=0, keepdims=True)",
    "i = keras.Input((4,))",
    "column_sums = ColumnSums(i, keras.layers.Dense(2)(i))", sep = "\n"), convert = FALSE)
  model <- main$column_sums
  x <- matrix(runif(400), 100, 4)
  expect_like_keras(model, x)
  expect_identical(dim(predict(model, x[1:5, ])), c(1L, 2L))
})

test_that("float64 models give Keras's predict() values", {
  skip_if_no_engine()
  set.seed(23)
  input <- layer_input(shape = c(4), dtype = "float64")
  model <- keras_model(input, input %>%
    layer_dense(50, activation = "tanh", dtype = "float64") %>%
    layer_dense(3, activation = "tanh", dtype = "float64"))
  expect_like_keras(model, matrix(runif(400), 100, 4))
})

test_that("after compile(), set_weights() and fit() predictions are Keras's", {
  skip_if_no_engine()
  set.seed(24)
  model <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(3)
  x <- matrix(runif(400), 100, 4)
  predict(model, x[1, , drop = FALSE])
  model %>% compile(loss = "mse", optimizer = "sgd")
  expect_like_keras(model, x, rows = c(1, 32))
  set_weights(model, lapply(get_weights(model), function(w) w + 1))
  expect_like_keras(model, x, rows = c(1, 32))
  model %>% fit(x, x[, 1:3], epochs = 1, verbose = 0)
  expect_like_keras(model, x, rows = c(1, 32))
})

test_that("an output of one number per sample is a 1-d array, in lists of outputs too", {
  skip_if_no_engine()
  input <- layer_input(shape = shape())
  model <- keras_model(input, input * 2)
  p <- predict(model, c(1, 2, 3))
  expect_identical(dim(p), 3L)
  expect_equal(p, array(c(2, 4, 6)))
  two <- keras_model(input, list(a = input * 2, b = layer_reshape(input, 1)))
  p2 <- predict(two, c(1, 2))
  expect_identical(lapply(p2, dim), list(a = 2L, b = c(2L, 1L)))
  expect_equal(p2$a, array(c(2, 4)))
})
