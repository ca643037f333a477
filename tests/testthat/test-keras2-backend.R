# keras 2.x backend functions (k_*()) that Keras 3 dropped: values against the direct
# computation in R, dimensions in R order, 1-based axes.

test_that("k_temporal_padding() adds zero steps before and after", {
  x <- array(as.numeric(1:12), c(2, 3, 2))
  y <- as.array(k_temporal_padding(x, padding = c(1, 2)))
  expected <- array(0, c(2, 6, 2))
  expected[, 2:4, ] <- x
  expect_equal(dim(y), c(2, 6, 2))
  expect_equal(y, expected)
  # the default pads one step on each side
  y1 <- as.array(k_temporal_padding(x))
  expect_equal(dim(y1), c(2, 5, 2))
  expect_equal(y1[, 2:4, ], x)
  expect_equal(y1[, c(1, 5), ], array(0, c(2, 2, 2)))
  expect_error(k_temporal_padding(x, padding = list(1, 2, 3)), "c(before, after)",
               fixed = TRUE)
})

test_that("k_spatial_2d_padding() pads rows and columns, R list or matrix", {
  x <- array(as.numeric(1:12), c(2, 2, 3, 1))
  y <- as.array(k_spatial_2d_padding(x, padding = list(c(1, 0), c(0, 2))))
  expected <- array(0, c(2, 3, 5, 1))
  expected[, 2:3, 1:3, ] <- x
  expect_equal(y, expected)
  # a 2 x 2 matrix (one row per dimension) and list(list()) say the same
  expect_equal(as.array(k_spatial_2d_padding(x, padding = rbind(c(1, 0), c(0, 2)))), expected)
  expect_equal(as.array(k_spatial_2d_padding(x, padding = list(list(1, 0), list(0, 2)))),
               expected)
  # the default: one on each side
  expect_equal(dim(as.array(k_spatial_2d_padding(x))), c(2, 4, 5, 1))
  # channels_first pads dimensions 3 and 4
  xf <- array(as.numeric(1:12), c(2, 1, 2, 3))
  yf <- as.array(k_spatial_2d_padding(xf, padding = list(c(1, 0), c(0, 2)),
                                      data_format = "channels_first"))
  ef <- array(0, c(2, 1, 3, 5))
  ef[, , 2:3, 1:3] <- xf
  expect_equal(yf, ef)
})

test_that("k_spatial_3d_padding() pads depth, rows and columns", {
  x <- array(runif(2 * 2 * 3 * 2 * 1), c(2, 2, 3, 2, 1))
  y <- as.array(k_spatial_3d_padding(x, padding = list(c(1, 1), c(0, 2), c(2, 0))))
  expected <- array(0, c(2, 4, 5, 4, 1))
  expected[, 2:3, 1:3, 3:4, ] <- x
  expect_equal(dim(y), c(2, 4, 5, 4, 1))
  expect_equal(y, expected, tolerance = 1e-6)
  expect_equal(dim(as.array(k_spatial_3d_padding(x))), c(2, 4, 5, 4, 1))
})

test_that("k_resize_images() repeats rows and columns", {
  x <- array(as.numeric(1:12), c(2, 2, 3, 1))
  y <- as.array(k_resize_images(x, 2, 3, data_format = "channels_last"))
  expect_equal(dim(y), c(2, 4, 9, 1))
  expect_equal(y, x[, rep(1:2, each = 2), rep(1:3, each = 3), , drop = FALSE])
  xf <- array(as.numeric(1:12), c(2, 1, 2, 3))
  yf <- as.array(k_resize_images(xf, 3, 2, data_format = "channels_first"))
  expect_equal(yf, xf[, , rep(1:2, each = 3), rep(1:3, each = 2), drop = FALSE])
})

test_that("k_resize_volumes() repeats depth, rows and columns", {
  x <- array(as.numeric(1:24), c(1, 2, 3, 4, 1))
  y <- as.array(k_resize_volumes(x, 2, 1, 3, data_format = "channels_last"))
  expect_equal(dim(y), c(1, 4, 3, 12, 1))
  expect_equal(y, x[, rep(1:2, each = 2), , rep(1:4, each = 3), , drop = FALSE])
})

test_that("k_foldl() and k_foldr() reduce with an R function, in order", {
  expect_equal(as.array(k_foldl(function(acc, x) acc + x, c(1, 2, 3, 4))), 10)
  expect_equal(as.array(k_foldl(function(acc, x) acc + x, c(1, 2, 3), initializer = 10)), 16)
  f <- function(acc, x) acc * 2 + x  # not commutative: the order shows
  expect_equal(as.array(k_foldl(f, c(1, 2, 3))), Reduce(f, c(1, 2, 3)))  # 11
  expect_equal(as.array(k_foldr(f, c(1, 2, 3))), Reduce(f, c(3, 2, 1)))  # 17
  expect_equal(as.array(k_foldr(f, c(1, 2, 3), initializer = 0)), Reduce(f, c(3, 2, 1), 0))
  # elements are slices along the first axis: the rows of a matrix
  m <- matrix(as.numeric(1:6), 3)
  expect_equal(as.array(k_foldl(function(acc, row) acc + row, k_constant(m))), array(colSums(m)))
  expect_error(k_foldl(function(acc, x) stop("boom"), c(1, 2)), "boom")
})

test_that("k_map_fn() applies an R function to each row", {
  m <- matrix(as.numeric(1:6), 3)
  expect_equal(as.array(k_map_fn(function(row) row * 2 + 1, k_constant(m))), m * 2 + 1)
  expect_equal(as.array(k_map_fn(function(row) k_sum(row), m)), array(rowSums(m)))
})

test_that("k_batch_dot() has keras 2.x's meaning, 1-based axes", {
  x <- matrix(as.numeric(1:6), 2)
  y <- matrix(as.numeric(7:12), 2)
  r <- as.array(k_batch_dot(x, y, axes = 2))
  expect_equal(dim(r), c(2, 1))
  expect_equal(as.vector(r), rowSums(x * y))
  expect_equal(as.array(k_batch_dot(x, y, axes = c(2, 2))), r)
  a <- array(rnorm(2 * 3 * 4), c(2, 3, 4))
  b <- array(rnorm(2 * 4 * 5), c(2, 4, 5))
  expected <- array(0, c(2, 3, 5))
  for (i in 1:2) expected[i, , ] <- a[i, , ] %*% b[i, , ]
  expect_equal(as.array(k_batch_dot(a, b, axes = c(3, 2))), expected, tolerance = 1e-6)
  expect_equal(as.array(k_batch_dot(a, b)), expected, tolerance = 1e-6)  # the default
  c2 <- array(rnorm(2 * 3 * 5), c(2, 3, 5))
  e2 <- array(0, c(2, 4, 5))
  for (i in 1:2) e2[i, , ] <- t(a[i, , ]) %*% c2[i, , ]
  expect_equal(as.array(k_batch_dot(a, c2, axes = c(2, 2))), e2, tolerance = 1e-6)
  expect_error(k_batch_dot(x, y, axes = 1), "batch axis")
})

test_that("k_expand_dims() appends a last axis by default; k_constant() is float32", {
  x <- matrix(as.numeric(1:6), 2)
  expect_equal(dim(as.array(k_expand_dims(x))), c(2, 3, 1))
  expect_equal(dim(as.array(k_expand_dims(x, axis = 2))), c(2, 1, 3))
  expect_equal(k_dtype(k_constant(1)), "float32")
  expect_equal(k_dtype(k_constant(1:3)), "float32")  # keras 2.x: floatx unless dtype given
  expect_equal(k_dtype(k_constant(1:3, dtype = "int32")), "int32")
})

test_that("k_batch_normalization() normalizes along the given axis", {
  x <- matrix(rnorm(12), 4)
  mean <- c(0.1, 0.2, 0.3); var <- c(1, 2, 3); beta <- c(1, 0, -1); gamma <- c(2, 3, 4)
  y <- as.array(k_batch_normalization(x, mean, var, beta, gamma, axis = -1, epsilon = 0.001))
  expected <- sweep(sweep(sweep(sweep(x, 2, mean), 2, sqrt(var + 0.001), "/"), 2, gamma, "*"),
                    2, beta, "+")
  expect_equal(y, expected, tolerance = 1e-6)
  a <- array(rnorm(2 * 3 * 4), c(2, 3, 4))
  ya <- as.array(k_batch_normalization(a, mean, var, beta, gamma, axis = 2))
  ea <- sweep(sweep(sweep(sweep(a, 2, mean), 2, sqrt(var + 0.001), "/"), 2, gamma, "*"),
              2, beta, "+")
  expect_equal(ya, ea, tolerance = 1e-6)
  # NULL beta and gamma: no offset, no scale
  expect_equal(as.array(k_batch_normalization(x, 0, 4, NULL, NULL, epsilon = 0)), x / 2,
               tolerance = 1e-6)
})

test_that("k_conv3d_transpose() spreads each input over the kernel", {
  x <- array(1, c(1, 2, 2, 2, 1))
  kernel <- array(1, c(2, 2, 2, 1, 1))
  y <- as.array(k_conv3d_transpose(x, kernel, output_shape = c(1, 3, 3, 3, 1)))
  overlap <- c(1, 2, 1)  # per dimension: how many (input, kernel) pairs reach each output
  expect_equal(dim(y), c(1, 3, 3, 3, 1))
  expect_equal(y[1, , , , 1], outer(outer(overlap, overlap), overlap), ignore_attr = TRUE)
  y2 <- as.array(k_conv3d_transpose(x, kernel, output_shape = c(NA, 4, 4, 4, 1),
                                    strides = c(2, 2, 2)))
  expect_equal(y2, array(1, c(1, 4, 4, 4, 1)))
})

test_that("k_ctc_label_dense_to_sparse(), k_is_sparse() and k_to_dense()", {
  labels <- matrix(c(1, 4, 2, 5, 3, 9), nrow = 2)
  sp <- k_ctc_label_dense_to_sparse(labels, label_lengths = c(3, 2))
  expect_true(k_is_sparse(sp))
  dense <- as.array(k_to_dense(sp))
  expect_equal(dim(dense), c(2, 3))
  expect_equal(dense, matrix(c(1, 4, 2, 5, 3, 0), nrow = 2), ignore_attr = TRUE)
  expect_false(k_is_sparse(k_constant(labels)))
  expect_equal(as.array(k_to_dense(k_constant(labels))), labels)
  skip_if_not_installed("Matrix")
  s <- Matrix::sparseMatrix(i = c(1, 2), j = c(2, 3), x = c(5, 6), dims = c(2, 3))
  expect_true(k_is_sparse(s))
  expect_equal(as.array(k_to_dense(s)), as.matrix(s), ignore_attr = TRUE)
})

test_that("k_pool3d() pools volumes (max and average)", {
  x <- array(as.numeric(1:64), c(1, 4, 4, 4, 1))
  blocks <- function(f) {
    out <- array(0, c(2, 2, 2))
    for (i in 1:2) for (j in 1:2) for (k in 1:2)
      out[i, j, k] <- f(x[1, 2 * i - 1:0, 2 * j - 1:0, 2 * k - 1:0, 1])
    out
  }
  mx <- as.array(k_pool3d(x, pool_size = c(2, 2, 2), strides = c(2, 2, 2)))
  expect_equal(dim(mx), c(1, 2, 2, 2, 1))
  expect_equal(mx[1, , , , 1], blocks(max))
  av <- as.array(k_pool3d(x, c(2, 2, 2), strides = c(2, 2, 2), pool_mode = "avg"))
  expect_equal(av[1, , , , 1], blocks(mean))
})

test_that("k_print_tensor() prints the message and value and returns the tensor", {
  expect_output(y <- k_print_tensor(k_constant(c(1, 2, 3)), message = "x:"), "x: [1 2 3]",
                fixed = TRUE)
  expect_equal(as.array(y), array(c(1, 2, 3)))
})

test_that("k_random_bernoulli() / k_random_binomial() draw 0/1 with probability p", {
  b <- as.array(k_random_bernoulli(c(200, 100), p = 0.3, seed = 3))
  expect_equal(dim(b), c(200, 100))
  expect_setequal(unique(as.vector(b)), c(0, 1))
  expect_equal(mean(b), 0.3, tolerance = 0.03)
  # the same computation as uniform draws with that seed, compared with p
  u <- as.array(random_uniform(c(200, 100), seed = 3))
  expect_equal(b, (u <= 0.3) * 1)
  expect_equal(as.array(k_random_binomial(c(200, 100), p = 0.3, seed = 3)), b)
  expect_equal(k_dtype(k_random_bernoulli(c(2, 2), p = 0.5, dtype = "int32")), "int32")
})

test_that("k_random_normal_variable() and k_random_uniform_variable() are variables", {
  v <- k_random_normal_variable(c(200, 100), mean = 5, scale = 2, seed = 1)
  a <- k_get_value(v)
  expect_equal(dim(a), c(200, 100))
  expect_equal(mean(a), 5, tolerance = 0.02)
  expect_equal(sd(a), 2, tolerance = 0.03)
  expect_equal(a, as.array(random_normal(c(200, 100), mean = 5, stddev = 2, seed = 1)))
  k_set_value(v, matrix(0, 200, 100))  # a variable: assignable
  expect_equal(k_get_value(v), matrix(0, 200, 100))
  u <- k_get_value(k_random_uniform_variable(c(50, 40), low = 2, high = 3, seed = 2))
  expect_equal(dim(u), c(50, 40))
  expect_true(all(u >= 2 & u < 3))
  expect_equal(u, as.array(random_uniform(c(50, 40), minval = 2, maxval = 3, seed = 2)))
})

test_that("k_batch_get_value(), k_batch_set_value(), k_get_variable_shape()", {
  a <- k_variable(c(1, 2))
  b <- k_variable(matrix(as.numeric(1:6), 2))
  expect_equal(k_batch_get_value(list(a, b)), list(array(c(1, 2)), matrix(as.numeric(1:6), 2)))
  k_batch_set_value(list(list(a, c(5, 6)), list(b, matrix(0, 2, 3))))
  expect_equal(k_get_value(a), array(c(5, 6)))
  expect_equal(k_get_value(b), matrix(0, 2, 3))
  expect_equal(unlist(k_get_variable_shape(b)), c(2L, 3L))
  expect_identical(k_get_variable_shape(b), k_int_shape(b))
  expect_error(k_batch_set_value(list(a, c(1, 2))), "list of pairs")
})

test_that("k_batch_dot() works inside layer_lambda() as keras 2.x scripts use it", {
  input <- layer_input(shape = c(3))
  output <- layer_lambda(input, function(t) k_batch_dot(t, t, axes = 2))
  model <- keras_model(input, output)
  x <- matrix(runif(6), 2)
  expect_equal(predict(model, x, verbose = 0), matrix(rowSums(x * x), ncol = 1),
               tolerance = 1e-5)
})

test_that("k_conv2d_transpose() takes keras 2.x's output_shape; convolutions take `x`", {
  x <- array(1, c(1, 2, 2, 1))
  kernel <- array(1, c(2, 2, 1, 1))
  y <- as.array(k_conv2d_transpose(x, kernel, c(1, 3, 3, 1)))  # positional, as keras 2.x
  expect_equal(dim(y), c(1, 3, 3, 1))
  expect_equal(y[1, , , 1], outer(c(1, 2, 1), c(1, 2, 1)))
  img <- array(as.numeric(1:16), c(1, 4, 4, 1))
  s <- as.array(k_conv2d(x = img, kernel = array(1, c(2, 2, 1, 1))))
  expect_equal(dim(s), c(1, 3, 3, 1))
  expect_equal(s[1, 1, 1, 1], sum(img[1, 1:2, 1:2, 1]))
  d <- as.array(k_depthwise_conv2d(x = img, depthwise_kernel = array(1, c(2, 2, 1, 1))))
  expect_equal(d, s)
})

test_that("k_ctc_batch_cost() and k_ctc_decode() have keras 2.x's meaning (blank: last class)", {
  # 2 steps, classes 0, 1 and the blank (3rd); label "0": paths 0-0, 0-blank, blank-0
  p <- rbind(c(0.6, 0.1, 0.3), c(0.5, 0.2, 0.3))
  y_pred <- array(p, c(1, 2, 3))
  loss <- as.array(k_ctc_batch_cost(matrix(0, 1, 1), y_pred, matrix(2, 1, 1), matrix(1, 1, 1)))
  expect_equal(dim(loss), c(1, 1))
  expect_equal(loss[1, 1], -log(p[1, 1] * p[2, 1] + p[1, 1] * p[2, 3] + p[1, 3] * p[2, 1]),
               tolerance = 1e-5)
  # greedy decoding: best class per step, repeats merged, blanks dropped, -1 padding
  probs <- array(0.05, c(2, 5, 3))
  best <- rbind(c(1, 1, 3, 2, 2), c(3, 2, 3, 2, 1))  # 1-based classes; 3 is the blank
  for (i in 1:2) for (t in 1:5) probs[i, t, best[i, t]] <- 0.9
  res <- k_ctc_decode(probs, input_length = c(5, 5))
  expect_equal(as.array(res[[1]][[1]]), rbind(c(0, 1, -1, -1, -1), c(1, 1, 0, -1, -1)),
               ignore_attr = TRUE)
  expect_equal(dim(as.array(res[[2]])), c(2, 1))
})

test_that("k_*() take keras 2.x's argument names, order and meaning", {
  m <- matrix(as.numeric(1:12), 3)
  parts <- k_unstack(m, 2)  # positional axis, as keras 2.x: the columns
  expect_length(parts, 4)
  expect_equal(as.array(parts[[2]]), array(m[, 2]))
  expect_length(k_unstack(m), 3)
  r <- as.array(k_repeat(m, 2))  # samples x n x dim
  expect_equal(dim(r), c(3, 2, 4))
  expect_equal(r[, 2, ], m)
  expect_equal(as.array(k_identity(m)), m)
  pred <- rbind(c(0.1, 0.9, 0), c(0.8, 0.1, 0.1))
  expect_equal(as.array(k_in_top_k(pred, c(1, 1), 1)), array(c(TRUE, FALSE)))  # 0-based targets
  expect_equal(as.array(k_clip(m, min_value = 2, max_value = 5)), pmin(pmax(m, 2), 5))
  expect_equal(as.array(k_pow(m, a = 2)), m^2)
  expect_equal(as.array(k_maximum(x = m, y = 6)), pmax(m, 6))
  expect_equal(as.array(k_dot(x = m, y = t(m))), m %*% t(m))
  expect_equal(dim(as.array(k_reshape(m, shape = c(4, 3)))), c(4, 3))
  expect_equal(dim(as.array(k_tile(m, n = c(2, 1)))), c(6, 4))
  expect_equal(as.array(k_relu(m - 6, alpha = 0.5, max_value = 4)),
               pmin(ifelse(m - 6 < 0, 0.5 * (m - 6), m - 6), 4))
  expect_equal(dim(as.array(k_concatenate(tensors = list(m, m), axis = 1))), c(6, 4))
  expect_equal(as.array(k_eye(size = 2)), diag(2))
})

test_that("k_*() defaults are keras 2.x's", {
  m <- rbind(c(1, 5, 2), c(7, 0, 3))
  expect_equal(as.array(k_argmax(m)), array(c(1, 0)))  # last axis, 0-based positions as Keras
  expect_equal(as.array(k_argmin(m)), array(c(0, 1)))
  expect_equal(as.array(k_cumsum(m)), apply(m, 2, cumsum))  # along the first axis
  expect_equal(as.array(k_cumprod(m)), apply(m, 2, cumprod))
  expect_equal(dim(as.array(k_concatenate(list(m, m)))), c(2, 6))  # last axis
  expect_equal(dim(as.array(k_stack(list(m, m)))), c(2, 2, 3))  # a new first axis
  expect_equal(as.array(k_l2_normalize(m)), m / sqrt(sum(m^2)), tolerance = 1e-6)
  expect_equal(as.array(k_clip(m, max_value = 4)), pmin(m, 4))
  r <- k_arange(1, 5)
  expect_equal(k_dtype(r), "int32")
  expect_equal(as.array(r), array(1:4))
  expect_equal(as.array(k_arange(3)), array(0:2))
})
