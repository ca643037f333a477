# Axes (CONVENTIONS section 2): keras3's 1-based rule by default; options(rkbridge.axis =
# "keras2") gives the keras 2.x meaning of the arguments that interface passed unchanged; a
# merge or dot on the batch axis is an error naming both rules and the option.

test_that("layer_concatenate(axis = 3) on images: keras3 by default, keras 2.x by option", {
  skip_if_no_engine()
  old <- options(rkbridge.axis = NULL)
  on.exit(options(old))
  a <- layer_input(shape = c(4, 5, 3))
  b <- layer_input(shape = c(4, 5, 2))
  # keras3: axis 4 is the channels axis (1 = batch)
  expect_identical(dim(predict(keras_model(list(a, b), layer_concatenate(list(a, b), axis = 4)),
                               list(array(1, c(2, 4, 5, 3)), array(2, c(2, 4, 5, 2))))),
                   c(2L, 4L, 5L, 5L))
  expect_error(layer_concatenate(list(a, b), axis = 3))  # width: 3 + 2 channels do not match
  options(rkbridge.axis = "keras2")
  out <- layer_concatenate(list(a, b), axis = 3)
  p <- predict(keras_model(list(a, b), out),
               list(array(1, c(2, 4, 5, 3)), array(2, c(2, 4, 5, 2))))
  expect_identical(dim(p), c(2L, 4L, 5L, 5L))
  expect_identical(p[1, 1, 1, ], c(1, 1, 1, 2, 2))
})

test_that("layer_dot(axes = 1) on 2-D inputs is an error by default naming both rules", {
  skip_if_no_engine()
  old <- options(rkbridge.axis = NULL)
  on.exit(options(old))
  x <- layer_input(shape = c(3))
  y <- layer_input(shape = c(3))
  err <- expect_error(layer_dot(list(x, y), axes = 1), class = "rkbridge_error")
  expect_match(conditionMessage(err), "batch axis under the keras3 rule", fixed = TRUE)
  expect_match(conditionMessage(err), 'options(rkbridge.dialect = "keras2")', fixed = TRUE)
  expect_match(conditionMessage(err), "keras 2.x", fixed = TRUE)
  # keras3: the feature axis is 2
  m <- keras_model(list(x, y), layer_dot(list(x, y), axes = 2))
  v <- matrix(c(1, 2, 3), 1)
  expect_equal(predict(m, list(v, v)), matrix(14, 1, 1))
  options(rkbridge.axis = "keras2")
  m2 <- keras_model(list(x, y), layer_dot(list(x, y), axes = 1))
  expect_equal(predict(m2, list(v, v)), matrix(14, 1, 1))
})

test_that("layer_dot(axes = c(2, 2)) follows the rule chosen", {
  skip_if_no_engine()
  old <- options(rkbridge.axis = NULL)
  on.exit(options(old))
  x <- layer_input(shape = c(3, 4))
  y <- layer_input(shape = c(3, 5))
  expect_identical(unlist(k_int_shape(layer_dot(list(x, y), axes = c(2, 2)))), c(4L, 5L))
  options(rkbridge.axis = "keras2")
  z <- layer_input(shape = c(3, 4))
  expect_identical(unlist(k_int_shape(layer_dot(list(x, z), axes = c(2, 2)))), c(3L, 3L))
})

test_that("a wrong rule name is an R error", {
  skip_if_no_engine()
  old <- options(rkbridge.axis = "keras1")
  on.exit(options(old))
  expect_error(layer_dense(units = 1), "keras3", class = "rkbridge_error")
})
