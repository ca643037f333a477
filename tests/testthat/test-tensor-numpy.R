# `tensor$numpy()` gives R values (R/tensor-numpy.R), as keras 2.x scripts expect
# (eager_dcgan: `total_loss$numpy() / batches_per_epoch`).

test_that("x$numpy() is the R array, with the tensor's index meaning", {
  skip_if_no_engine()
  m <- matrix(c(1.5, 2, 3, 4, 5, 6.25), 2)
  x <- tf$constant(m)
  got <- x$numpy()
  expect_identical(dim(got), c(2L, 3L))
  expect_equal(got, m)          # x[i, j] is m[i, j]
  expect_equal(got[2, 3], 6.25)
  a <- array(1:24, c(2, 3, 4))
  expect_equal(tf$constant(a)$numpy(), a)
})

test_that("a scalar tensor's numpy() is an R number that arithmetic takes", {
  skip_if_no_engine()
  total <- k_sum(k_constant(c(1, 2, 3.5)))
  expect_equal(total$numpy() / 2, 3.25)
  expect_true(is.numeric(total$numpy()))
  expect_length(total$numpy(), 1L)
})

test_that("numpy() of a gradient from a tape is the R array of its values", {
  skip_if_no_engine()
  v <- tf$Variable(matrix(c(1, 2, 3, 4), 2))
  with(tf$GradientTape() %as% tape, {
    loss <- k_sum(v * v)
  })
  g <- tape$gradient(loss, v)
  expect_equal(g$numpy(), 2 * matrix(c(1, 2, 3, 4), 2))  # d(sum v^2)/dv = 2v
})

test_that("other members stay Python's", {
  skip_if_no_engine()
  x <- tf$constant(matrix(1:6, 2))
  expect_s3_class(x$shape, "tensorflow.python.framework.tensor_shape.TensorShape")
  expect_equal(unlist(x$shape$as_list()), c(2L, 3L))
  expect_match(as.character(x$dtype$name), "int32")
})
