# Coercions the keras3 suite relies on (held-out: test-layers-normalization, test-rnn-api).
test_that("as.matrix() of a tensor keeps index meaning", {
  skip_if_no_engine()
  m <- matrix(1:6, 2) * 10
  x <- tf$constant(m, dtype = tf$float32)
  expect_equal(as.matrix(x), m)
  expect_equal(as.matrix(tf$constant(c(1, 2, 3))), matrix(c(1, 2, 3)))
})

test_that("as.list() of a TensorShape matches as.list(shape())", {
  skip_if_no_engine()
  x <- tf$ones(shape(32, 4))
  expect_identical(as.list(x$shape), as.list(shape(32, 4)))
  expect_identical(as.list(x$shape), list(32L, 4L))
})

test_that("a TensorShape subsets 1-based: [[ a size, [ a shape", {
  skip_if_no_engine()
  s <- tf$ones(shape(32, 4, 2))$shape
  expect_identical(s[[1]], 32L)
  expect_identical(s[[3]], 2L)
  expect_identical(s[2:3], shape(4, 2))
  expect_identical(s[-1], shape(4, 2))
  expect_identical(shape(s[2], 5), shape(4, 5))   # keras 2.x's `shape(input_shape[2], units)`
  expect_error(s[[4]], "subscript out of bounds")
  expect_null(tf$TensorShape(list(NULL, 3L))[[1]])
})
