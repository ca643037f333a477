# Character data for models with string inputs; tensors carry "tensorflow.tensor"; lists of
# numbers as the inputs of multi-input models; named lists of tensors for named inputs.

test_that("predict() takes character data where the model's input is a string", {
  skip_if_no_engine()
  x <- c("hello world", "world")
  tv <- layer_text_vectorization()
  adapt(tv, x)
  vocab <- get_vocabulary(tv)
  input <- layer_input(shape = 1, dtype = "string")
  model <- keras_model(input, tv(input))
  want <- matrix(c(match("hello", vocab), match("world", vocab),
                   match("world", vocab), 1L), 2, byrow = TRUE) - 1L
  expect_equal(predict(model, x), want, ignore_attr = TRUE)
  expect_equal(predict(model, matrix(x, ncol = 1)), want, ignore_attr = TRUE)
  out <- tv(x)
  expect_s3_class(out, "tensorflow.tensor")
  expect_equal(as.array(out), want, ignore_attr = TRUE)
  num <- keras_model_sequential(input_shape = 1) %>% layer_dense(1)
  expect_error(predict(num, matrix(x, ncol = 1)), "model inputs must be numeric")
})

test_that("a list of numbers is one sample of each input of a multi-input model", {
  skip_if_no_engine()
  i1 <- layer_input(shape = 1); i2 <- layer_input(shape = 1)
  model <- keras_model(list(i1, i2), layer_add(list(i1, i2)))
  expect_equal(predict(model, list(1, 2)), matrix(3), ignore_attr = TRUE)
  d <- keras_model(list(i1, i2), layer_dense(layer_add(list(i1, i2)), 1))
  compile(d, loss = "mse", optimizer = "sgd")
  gen <- function() list(list(1, 2), 3)
  expect_warning(h <- fit_generator(d, gen, steps_per_epoch = 2, verbose = 0,
                                    validation_data = list(list(1, 2), 3)),
                 "deprecated")
  expect_equal(length(h$metrics$val_loss), 1L)
})

test_that("a model called on a named list of arrays gives named outputs", {
  skip_if_no_engine()
  inputs <- list(a = layer_input(1, name = "a"), b = layer_input(2, name = "b"))
  outputs <- list(oa = layer_dense(inputs$a, 3, name = "oa"),
                  ob = layer_dense(inputs$b, 4, name = "ob"))
  model <- keras_model(inputs, outputs)
  x <- list(a = matrix(1:2, 2), b = matrix(1:4, 2))
  res <- model(x)
  expect_identical(names(res), c("oa", "ob"))
  expect_equal(dim(as.array(res$ob)), c(2L, 4L))
  expect_equal(as.array(res$oa), predict(model, x)$oa, tolerance = 1e-6)
})

test_that("keras_model_sequential(dtype =) sets the input's dtype (keras 2.x)", {
  skip_if_no_engine()
  tv <- layer_text_vectorization(output_sequence_length = 3)
  adapt(tv, c("foo", "bar", "baz"))
  vocab <- get_vocabulary(tv)
  model <- keras_model_sequential(layers = tv, input_shape = 1, dtype = tf$string)
  p <- predict(model, rbind("foo qux", "baz"))
  expect_equal(p, rbind(c(match("foo", vocab) - 1, 1, 0), c(match("baz", vocab) - 1, 0, 0)),
               ignore_attr = TRUE)
})

test_that("named lists of data match the names of the lists the model was built from", {
  skip_if_no_engine()
  inputs <- list(t1 = layer_input(1, name = "t1_name"), t2 = layer_input(2, name = "t2_name"))
  outputs <- list(o1 = layer_dense(inputs$t1, 4), o2 = layer_dense(inputs$t2, 5))
  m <- suppressWarnings(keras_model(inputs, outputs))
  compile(m, loss = "mse", optimizer = "adam")
  x <- list(t2 = matrix(1:6, 3), t1 = matrix(1:3, 3))  # order does not matter
  y <- list(o2 = matrix(0, 3, 5), o1 = matrix(0, 3, 4))
  h <- fit(m, x, y, epochs = 1, verbose = 0)
  expect_true(all(c("o1_loss", "o2_loss") %in% names(h$metrics)))
  p <- predict(m, x)
  expect_identical(names(p), c("o1", "o2"))
  expect_equal(dim(p$o2), c(3L, 5L))
  expect_error(predict(m, list(t1_name = x$t1, t2_name = x$t2)),
               "the model's inputs are named 't1', 't2'")
})
