# keras3's names for what keras 2.x and rkbridge call otherwise, and keras3's R helpers.

test_that("keras3 names are the same functions as the keras 2.x names", {
  skip_if_no_engine()
  inputs <- keras_input(shape = c(4), name = "x")
  expect_equal(k_int_shape(inputs), list(NULL, 4L))
  model <- keras_model_sequential(input_shape = c(5, 3)) %>%
    layer_bidirectional(layer_lstm(units = 2)) %>%
    layer_dense(1)
  expect_equal(class(model$layers[[1]])[1], "keras.src.layers.rnn.bidirectional.Bidirectional")
  y_true <- matrix(c(0.5, 0.5), 1)
  y_pred <- matrix(c(0.9, 0.1), 1)
  expect_equal(as.array(loss_kl_divergence(y_true, y_pred)),
               array(sum(y_true * log(y_true / y_pred))), tolerance = 1e-6)
  expect_equal(as.array(loss_kl_divergence(y_true, y_pred)),
               as.array(loss_kullback_leibler_divergence(y_true, y_pred)))
  set_random_seed(7)
  a <- as.array(random_normal(c(3)))
  set_random_seed(7)
  expect_equal(as.array(random_normal(c(3))), a)
  expect_error(k_placeholder(), "layer_input", class = "rkbridge_removed_error")
})

test_that("zip_lists pairs elements by position or by name", {
  expect_equal(zip_lists(list(1, 2), list("a", "b")),
               list(list(1, "a"), list(2, "b")))
  expect_equal(zip_lists(x = list(a = 1, b = 2), y = list(b = 20, a = 10)),
               list(a = list(x = 1, y = 10), b = list(x = 2, y = 20)))
  expect_equal(zip_lists(list(list(1, 2), list(3, 4))), list(list(1, 3), list(2, 4)))
  expect_error(zip_lists(list(a = 1), list(b = 2)), "same names",
               class = "rkbridge_value_error")
})

test_that("keras3's weight and config files round-trip a model", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(2)
  x <- matrix(c(1, 2, 3, 4, 5, 6), 2)
  f <- tempfile(fileext = ".weights.h5")
  save_model_weights(model, f)
  expect_error(save_model_weights(model, f), "overwrite", class = "rkbridge_io_error")
  copy <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(2)
  load_model_weights(copy, f)
  expect_equal(predict(copy, x, verbose = 0), predict(model, x, verbose = 0))
  g <- tempfile(fileext = ".json")
  save_model_config(model, g)
  rebuilt <- load_model_config(g)
  expect_equal(sapply(rebuilt$layers, function(l) l$name),
               sapply(model$layers, function(l) l$name))
  expect_equal(dim(predict(rebuilt, x, verbose = 0)), c(2L, 2L))
})

test_that("shape() is keras3's keras_shape", {
  skip_if_no_engine()
  s <- shape(NA, 3)
  expect_s3_class(s, "keras_shape")
  expect_identical(format(s), "shape(NA, 3)")
  expect_output(print(shape(2, 3)), "shape(2, 3)", fixed = TRUE)
  expect_identical(as.integer(s), c(NA, 3L))
  expect_identical(as.list(shape(2, 3)), list(2L, 3L))
  expect_identical(format(shape(2, 3, 4)[2:3]), "shape(3, 4)")
  expect_identical(shape(c(2, 3))[[2]], 3L)
  expect_identical(as.integer(shape(op_ones(c(2, 5)))), c(2L, 5L))
  expect_identical(dim(as.array(tf$ones(shape(2, 3)))), c(2L, 3L))
  expect_identical(dim(as.array(op_zeros(shape(3, 2)))), c(3L, 2L))
})
