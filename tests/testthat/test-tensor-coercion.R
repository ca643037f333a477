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
