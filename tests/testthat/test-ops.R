# keras3's op_*(), random_*() and config_*() from R: 1-based axes and positions, values as
# R computes them and as keras.ops computes them called directly.

x <- matrix(c(1, -2, 3, -4, 5, -6), nrow = 2)

test_that("op_* axes are 1-based: axis = 1 reduces over rows, as colSums does", {
  skip_if_not(rkbridge_available())
  expect_equal(as.array(op_sum(x, axis = 1)), array(colSums(x)))
  expect_equal(as.array(op_sum(x, axis = 2)), array(rowSums(x)))
  expect_equal(as.array(op_mean(x, axis = -1)), array(rowMeans(x)))
  expect_equal(as.array(op_max(x, axis = c(1, 2))), max(x))
  expect_equal(dim(as.array(op_expand_dims(x, axis = 1))), c(1L, 2L, 3L))
  expect_equal(dim(as.array(op_transpose(x, axes = c(2, 1)))), c(3L, 2L))
  expect_equal(dim(as.array(op_concatenate(list(x, x), axis = 2))), c(2L, 6L))
  expect_error(op_sum(x, axis = 0), "1-based", class = "rkbridge_value_error")
})

test_that("op_* give the values of keras.ops called directly (0-based there)", {
  skip_if_not(rkbridge_available())
  kops <- reticulate::import("keras")$ops
  t <- op_array(x, dtype = "float32")
  expect_equal(as.array(op_cumsum(t, axis = 2)), as.array(kops$cumsum(t, axis = 1L)))
  expect_equal(as.array(op_logsumexp(t, axis = 1)),
               as.array(kops$logsumexp(t, axis = 0L)))
  expect_equal(as.array(op_softmax(t, axis = 1)), as.array(kops$softmax(t, axis = 0L)))
  expect_equal(as.array(op_argmax(t, axis = 2, zero_indexed = TRUE)),
               as.array(kops$argmax(t, axis = 1L)))
  expect_equal(as.array(op_matmul(t, op_transpose(t))), x %*% t(x), tolerance = 1e-6)
})

test_that("positions are 1-based both ways, as R counts", {
  skip_if_not(rkbridge_available())
  v <- c(3, 1, 2)
  expect_equal(as.array(op_argmax(x, axis = 2)), array(apply(x, 1, which.max)))
  expect_equal(as.array(op_argmin(x, axis = 1)), array(apply(x, 2, which.min)))
  expect_equal(as.array(op_argsort(v)), array(order(v)))
  top <- op_top_k(v, k = 2)
  expect_equal(as.array(top[[1]]), array(c(3, 2)))
  expect_equal(as.array(top[[2]]), array(c(1L, 3L)))
  expect_equal(as.array(op_take(v, c(3, 1))), array(v[c(3, 1)]))
  expect_equal(as.array(op_take(x, 2, axis = 2)), array(x[, 2]))
  expect_equal(as.array(op_take(v, c(2, 0), zero_indexed = TRUE)), array(v[c(3, 1)]))
  expect_equal(as.array(op_one_hot(c(1, 3), num_classes = 3)),
               rbind(c(1, 0, 0), c(0, 0, 1)))
  expect_equal(as.array(op_slice(x, start_indices = c(1, 2), shape = c(2, 2))), x[, 2:3])
  expect_equal(as.array(op_segment_sum(c(1, 2, 3, 4), segment_ids = c(1, 1, 2, 2),
                                       num_segments = 2)), array(c(3, 7)))
  expect_equal(as.array(op_switch(2, list(function(a) a + 1, function(a) a * 10), x)),
               x * 10)
  cats <- as.array(random_categorical(log(matrix(c(0.5, 0.5), 1)), num_samples = 40,
                                      seed = 1))
  expect_true(all(cats %in% c(1L, 2L)))
})

test_that("variadic ops take their tensors through ...", {
  skip_if_not(rkbridge_available())
  expect_equal(as.array(op_einsum("ij,kj->ik", x, x)), x %*% t(x))
  g <- op_meshgrid(c(1, 2), c(3, 4, 5), indexing = "ij")
  expect_length(g, 2)
  expect_equal(as.array(g[[2]]), rbind(c(3, 4, 5), c(3, 4, 5)))
  expect_equal(as.array(op_pmax(x, 0, -x)), pmax(x, 0, -x))
  expect_equal(as.array(op_pmin(x, 0)), pmin(x, 0))
})

test_that("keras3's argument order and whole-number arguments", {
  skip_if_not(rkbridge_available())
  expect_equal(as.array(op_map(c(1, 2, 3), function(e) e * 2)), array(c(2, 4, 6)))
  parts <- op_split(x, 3, axis = 2)
  expect_length(parts, 3)
  expect_equal(as.array(parts[[3]]), x[, 3, drop = FALSE])
  expect_equal(as.array(op_full(c(2, 2), 7)), matrix(7, 2, 2))
  expect_equal(op_convert_to_array(op_array(x)), x)
})

test_that("random_*() are seeded tensors with R dims", {
  skip_if_not(rkbridge_available())
  a <- as.array(random_normal(c(2, 3), seed = 1))
  expect_equal(dim(a), c(2L, 3L))
  expect_equal(a, as.array(random_normal(c(2, 3), seed = 1)))
  i <- as.array(random_integer(c(100), minval = 1, maxval = 4, seed = 2))
  expect_true(is.integer(i) && all(i >= 1 & i <= 3))
  gen <- random_seed_generator(seed = 3)
  u <- as.array(random_uniform(c(50), minval = 2, maxval = 3, seed = gen))
  expect_true(all(u >= 2 & u < 3))
})

test_that("op_shape() is a keras_shape, as keras3's: NA for an unknown size", {
  skip_if_not(rkbridge_available())
  s <- op_shape(layer_input(shape = 3))
  expect_s3_class(s, "keras_shape")
  expect_identical(capture.output(print(s)), "shape(NA, 3)")
  expect_identical(as.integer(s), c(NA, 3L))
  expect_identical(as.integer(op_shape(op_ones(c(2, 5)))), c(2L, 5L))
  expect_identical(op_shape(op_ones(c(2, 5)))[[2]], 5L)
})

test_that("config_*() read and set Keras's settings", {
  skip_if_not(rkbridge_available())
  expect_identical(config_floatx(), "float32")
  expect_identical(config_image_data_format(), "channels_last")
  old <- config_epsilon()
  config_set_epsilon(1e-4)
  expect_equal(config_epsilon(), 1e-4)
  config_set_epsilon(old)
  expect_equal(config_epsilon(), old)
  # setters return NULL invisibly (Python's None, as reticulate gives it): nothing printed
  expect_invisible(config_set_dtype_policy("float32"))
  expect_identical(capture.output(config_set_epsilon(old)), character())
})

test_that("Keras 2 graph functions stop with the Keras 3 replacement", {
  skip_if_not(rkbridge_available())
  expect_error(k_placeholder(shape = c(NA, 3)), "layer_input()", fixed = TRUE,
               class = "rkbridge_removed_error")
  expect_error(k_learning_phase(), "training = TRUE", class = "rkbridge_removed_error")
})
