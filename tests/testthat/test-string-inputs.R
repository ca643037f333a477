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
