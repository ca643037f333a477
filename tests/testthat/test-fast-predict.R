# predict() of a few rows takes the engine's fast path; its results are Keras's predict()'s.

test_that("one-row and small predict() from R equal Keras's predict() exactly", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(6)) %>%
    layer_dense(8, activation = "relu") %>% layer_dropout(0.5) %>%
    layer_dense(3, activation = "softmax")
  keras_predict <- function(x) r_ref(keras_method(model, "predict")(np_ref(x, "float32"), verbose = 0L))
  set.seed(3)
  for (n in c(1, 5, 32, 40)) {
    x <- matrix(runif(n * 6), n, 6)
    p <- predict(model, x)
    expect_identical(dim(p), c(as.integer(n), 3L))
    expect_identical(p, keras_predict(x))
  }
  # after the model changes, predictions follow
  set_weights(model, lapply(get_weights(model), function(w) w * 0.5))
  x <- matrix(runif(6), 1, 6)
  expect_identical(predict(model, x), keras_predict(x))
})

test_that("layers and models reach the engine by id after the first call; a lost id is resent", {
  skip_if_no_engine()
  m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2)
  x <- matrix((1:6) / 6, 2)
  p1 <- predict(m, x)
  id <- reticulate::py_id(m)
  expect_true(isTRUE(rkbridge:::.rk$held[[id]]))  # known by id from now on
  expect_identical(predict(m, x), p1)
  engine <- reticulate::import("rkbridge.boundary.bridge", convert = FALSE)
  engine$`_held`$clear()  # as if the id had been given up: R must send the model itself
  expect_identical(predict(m, x), p1)
  expect_true(isTRUE(rkbridge:::.rk$held[[id]]))
  m2 <- keras_model_sequential(input_shape = 3) %>% layer_dense(2)
  expect_false(identical(predict(m2, x), p1))  # another model is another model
  e <- evaluate(compile(m2, loss = "mse", optimizer = "sgd"), x, x[, 1:2], verbose = 0)
  expect_equal(unname(unlist(e)[1]), mean((predict(m2, x) - x[, 1:2])^2), tolerance = 1e-6)
})
