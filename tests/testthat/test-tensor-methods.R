# keras 2.x / keras3 leftovers: R's group generics and `[` on tensors
# (rkbridge/wrappers/tensor_methods.py), op_subset() and its replacement forms, the keras3 rnn_cell_*()
# names, `tf$...` through the transport, and freeze_weights(which =). Values are checked
# against R computing the same thing on as.array(x), and against Keras.

a <- matrix(c(1.5, -2.25, 3, -4.5, 0.5, 6, 7.25, -8, 2.5, -0.75, 10, 11.5), 3)

test_that("Ops on tensors give R's values, symbolic tensors included", {
  skip_if_no_engine()
  x <- k_constant(a)
  b <- matrix(c(2, -3, 1.5, 4, -2, 0.5, 3, 2, -1, 1, 5, -4), 3)
  y <- k_constant(b)
  expect_equal(as.array(-x), -a, tolerance = 1e-6)
  expect_equal(as.array(+x), a, tolerance = 1e-6)
  expect_equal(as.array(x %% 3), a %% 3, tolerance = 1e-5)
  expect_equal(as.array(x %% -3), a %% -3, tolerance = 1e-5)
  expect_equal(as.array(x %/% 2), a %/% 2, tolerance = 1e-6)
  expect_equal(as.array(x %% y), a %% b, tolerance = 1e-5)
  expect_equal(as.array(abs(x) ^ 2), abs(a) ^ 2, tolerance = 1e-5)
  expect_equal(as.array(2 ^ y), 2 ^ b, tolerance = 1e-5)
  expect_equal(as.array(x + b), a + b, tolerance = 1e-6)
  expect_equal(as.array(b - x), b - a, tolerance = 1e-6)
  expect_equal(as.array(x / y), a / b, tolerance = 1e-6)
  for (op in c("==", "!=", "<", "<=", ">", ">="))
    expect_identical(as.array(get(op)(x, y)), get(op)(a, b), info = op)
  expect_identical(as.array((x > 0) & (y > 0)), (a > 0) & (b > 0))
  expect_identical(as.array((x > 0) | (y > 0)), (a > 0) | (b > 0))
  expect_identical(as.array(!(x > 0)), !(a > 0))
  # symbolic: a functional model computes the same
  inp <- layer_input(shape = c(4))
  m <- keras_model(inp, list((inp %% 3) * -inp, !(inp > 1)))
  p <- predict(m, a, verbose = 0)
  expect_equal(p[[1]], (a %% 3) * -a, tolerance = 1e-5)
  expect_equal(as.logical(p[[2]]), as.vector(!(a > 1)))
})

test_that("Math functions on tensors equal R's on as.array(x)", {
  skip_if_no_engine()
  x <- k_constant(a)
  pos <- abs(a) + 0.25
  xp <- k_constant(pos)
  unit <- a / 12
  xu <- k_constant(unit)
  checks <- list(
    abs = list(x, a), sign = list(x, a), sqrt = list(xp, pos), floor = list(x, a),
    ceiling = list(x, a), trunc = list(x, a), exp = list(xu, unit), expm1 = list(xu, unit),
    log1p = list(xp, pos), log2 = list(xp, pos), log10 = list(xp, pos), log = list(xp, pos),
    cos = list(x, a), sin = list(x, a), tan = list(xu, unit), cospi = list(x, a),
    sinpi = list(x, a), tanpi = list(xu / 3, unit / 3), acos = list(xu, unit),
    asin = list(xu, unit), atan = list(x, a), cosh = list(xu, unit), sinh = list(xu, unit),
    tanh = list(x, a), acosh = list(xp + 1, pos + 1), asinh = list(x, a),
    atanh = list(xu, unit), lgamma = list(xp, pos), gamma = list(x, a),
    digamma = list(xp, pos), trigamma = list(xp, pos))
  for (f in names(checks)) {
    got <- as.array(get(f)(checks[[f]][[1]]))
    want <- suppressWarnings(get(f)(checks[[f]][[2]]))  # gamma(-8): NaN, with a warning
    expect_equal(got, want, tolerance = 1e-4, info = f)
  }
  expect_equal(as.array(log(xp, 3)), log(pos, 3), tolerance = 1e-5)
  expect_equal(as.array(log(xp, base = 2)), log(pos, base = 2), tolerance = 1e-5)
  h <- c(0.5, 1.5, 2.5, -0.5, -1.5, 2.675)
  expect_equal(as.array(round(k_constant(h, dtype = "float64"))), array(round(h)))
  expect_equal(as.array(round(k_constant(a * 1.2345, dtype = "float64"), 2)),
               round(a * 1.2345, 2))
  s <- c(123456.7, -0.00123456, 98.7654, 0)
  expect_equal(as.array(signif(k_constant(s, dtype = "float64"), 3)), array(signif(s, 3)))
  expect_equal(as.array(signif(k_constant(s, dtype = "float64"))), array(signif(s)))
  # cumulative functions: over the elements in R's (column-major) order, a vector
  for (f in c("cumsum", "cumprod", "cummax", "cummin"))
    expect_equal(as.array(get(f)(x)), array(get(f)(a)), tolerance = 1e-4, info = f)
})

test_that("Summary and Complex functions on tensors equal R's", {
  skip_if_no_engine()
  x <- k_constant(a)
  for (f in c("max", "min", "sum", "prod"))  # rank 0: plain numbers
    expect_equal(as.array(get(f)(x)), get(f)(a), tolerance = 1e-4, info = f)
  expect_equal(as.array(range(x)), array(range(a)), tolerance = 1e-4)
  expect_equal(as.array(max(x, k_constant(c(100, 1)))), max(a, c(100, 1)))
  expect_equal(as.array(sum(x, x)), sum(a, a), tolerance = 1e-4)
  expect_identical(as.array(all(x > -9)), all(a > -9))
  expect_identical(as.array(all(x > 0)), all(a > 0))
  expect_identical(as.array(any(x > 11)), any(a > 11))
  expect_identical(as.array(any(x > 12)), any(a > 12))
  expect_equal(as.array(sum(x > 0)), sum(a > 0))
  z <- complex(real = c(1, -2, 0.5), imaginary = c(2, -1, -3))
  zt <- tf$complex(k_constant(Re(z)), k_constant(Im(z)))
  for (f in c("Re", "Im", "Mod", "Arg"))
    expect_equal(as.array(get(f)(zt)), array(get(f)(z)), tolerance = 1e-6, info = f)
  cz <- Conj(zt)
  expect_equal(as.array(Im(cz)), array(Im(Conj(z))), tolerance = 1e-6)
  expect_equal(as.array(Arg(k_constant(c(-2, 3)))), array(Arg(c(-2, 3))), tolerance = 1e-6)
})

test_that("dim(), length(), as.*() and print() of tensors", {
  skip_if_no_engine()
  x <- k_constant(a)
  expect_identical(dim(x), c(3L, 4L))
  expect_identical(length(x), 12L)
  expect_identical(length(layer_input(shape = c(4))), NA_integer_)
  expect_equal(as.array(x), a)
  expect_equal(as.numeric(x), as.numeric(a))
  expect_equal(as.double(x), as.double(a))
  expect_identical(as.integer(k_constant(1:6, dtype = "int32")), 1:6)
  expect_identical(as.logical(x > 0), as.vector(a > 0))
  expect_output(print(k_constant(matrix(1:6, 2), dtype = "int32")), "shape=\\(2, 3\\)")
})

test_that("`[` on tensors follows R's indexing (1-based, inclusive, intersections)", {
  skip_if_no_engine()
  r <- array(as.numeric(1:60), c(3, 4, 5))
  x <- k_constant(r)
  m <- matrix(as.numeric(1:12), 3)
  t <- k_constant(m)
  expect_equal(as.array(t[1, ]), array(m[1, ]))
  expect_equal(as.array(t[, 2]), array(m[, 2]))
  expect_equal(as.array(t[, 2:3]), m[, 2:3])
  expect_equal(as.array(t[c(3, 1), c(4, 2)]), m[c(3, 1), c(4, 2)])
  expect_equal(as.array(t[c(TRUE, FALSE, TRUE), ]), m[c(TRUE, FALSE, TRUE), ])
  expect_equal(as.array(t[2, 3]), m[2, 3])
  expect_equal(as.array(t[1]), array(m[1, ]))  # missing axes are whole (keras3)
  expect_equal(as.array(x[2, , 3:5]), r[2, , 3:5])
  expect_equal(as.array(x[, c(4, 1, 1), 2]), r[, c(4, 1, 1), 2])
  expect_equal(as.array(x[.., 2]), r[, , 2])
  expect_equal(as.array(x[1, ..]), r[1, , ])
  i <- 2L
  expect_equal(as.array(x[i, i + 1L, ]), array(r[i, i + 1L, ]))
  # negative: from the end (keras3, Python), not R's "drop"
  expect_equal(as.array(t[-1, ]), array(m[3, ]))
  expect_equal(as.array(t[, c(-1, -2)]), m[, c(4, 3)])
  expect_equal(as.array(t[2:-1, ]), m[2:3, ])
  expect_equal(as.array(t[NA:2, ]), m[1:2, ])
  expect_equal(as.array(t[, 2:NA]), m[, 2:4])
  expect_equal(as.array(x[, 1:4:2, ]), r[, c(1, 3), ])
  expect_identical(dim(x[NULL]), c(1L, 3L, 4L, 5L))
  # a logical array of x's shape and a coordinate matrix select elements, in R's order
  expect_equal(as.array(t[m > 5]), array(m[m > 5]))
  expect_equal(as.array(t[t > 5]), array(m[m > 5]))
  co <- rbind(c(1, 1), c(2, 3), c(3, 4))
  expect_equal(as.array(t[co]), array(m[co]))
  expect_equal(as.array(op_subset(x, 3, 2, )), array(r[3, 2, ]))
  expect_equal(as.array(op_subset(x, , 4)), r[, 4, ])
  expect_error(t[0, ], "1-based")
  expect_error(t[4, ], "out of bounds")
  # symbolic tensors: the same rule in a model
  inp <- layer_input(shape = c(4, 5))
  model <- keras_model(inp, list(inp[, 2, c(5, 1)], inp[, -1, 2:3]))
  p <- predict(model, r, verbose = 0)
  expect_equal(p[[1]], r[, 2, c(5, 1)])
  expect_equal(p[[2]], r[, 4, 2:3])
})

test_that("op_subset<-, op_subset_set() and `[<-` replace values as R's `[<-` does", {
  skip_if_no_engine()
  m <- matrix(as.numeric(1:12), 3)
  t <- k_constant(m)
  m2 <- m
  m2[2, ] <- 0
  expect_equal(as.array(op_subset_set(t, 2, , value = 0)), m2)
  expect_equal(as.array(t), m)  # a tensor is not changed
  t2 <- t
  t2[, c(1, 3)] <- c(-1, -2, -3)
  m3 <- m
  m3[, c(1, 3)] <- c(-1, -2, -3)
  expect_equal(as.array(t2), m3)
  v <- k_variable(m)
  op_subset(v, 1, 2) <- 99
  v[m > 10] <- 0
  m4 <- m
  m4[1, 2] <- 99
  m4[m > 10] <- 0
  expect_equal(as.array(v), m4)
  expect_true(inherits(v, "keras.src.backend.common.variables.Variable"))
})

test_that("keras3's rnn_cell_*() names build the same cells", {
  skip_if_no_engine()
  pairs <- list(c("rnn_cell_gru", "GRUCell"), c("rnn_cell_lstm", "LSTMCell"),
                c("rnn_cell_simple", "SimpleRNNCell"))
  for (p in pairs) {
    cell <- get(p[[1]])(3, activation = "relu")
    expect_equal(cell$`__class__`$`__name__`, p[[2]])
    expect_equal(cell$units, 3L)
    expect_equal(cell$get_config()$activation, "relu")
  }
  stack <- rnn_cells_stack(list(rnn_cell_lstm(4), rnn_cell_gru(2)))
  expect_equal(stack$`__class__`$`__name__`, "StackedRNNCells")
  inp <- layer_input(shape = c(5, 3))
  out <- layer_rnn(cell = stack)(inp)
  expect_identical(dim(out), c(NA_integer_, 2L))
})

test_that("tf$... functions take R arrays through the transport", {
  skip_if_no_engine()
  m <- matrix(1:6, 2)
  t <- tf$constant(m)
  expect_identical(dim(t), c(2L, 3L))
  expect_identical(as.array(t), m)
  d <- array(as.numeric(1:24), c(2, 3, 4))
  expect_equal(as.array(tf$convert_to_tensor(d)), d)
  expect_equal(as.array(tf$constant(d, dtype = tf$float32)), d)
  r <- tf$reshape(m, c(3L, 2L))
  expect_identical(dim(r), c(3L, 2L))
  # row-major reshape, as TensorFlow does: the elements in row order of m
  expect_identical(as.vector(t(as.array(r))), as.vector(t(m)))
  expect_equal(as.array(tf$math$reduce_sum(d, axis = 0L)), apply(d, c(2, 3), sum))
  expect_equal(as.array(tf$add(m, 1L)), m + 1L)
})

test_that("freeze_weights(which =) and unfreeze_weights(which =) as keras3", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(4)) %>%
    layer_dense(3, name = "a") %>% layer_dense(3, name = "b") %>% layer_dense(1, name = "c")
  trainable <- function() vapply(model$layers, function(l) l$trainable, TRUE)
  freeze_weights(model, which = "b")
  expect_identical(trainable(), c(TRUE, FALSE, TRUE))
  expect_length(model$trainable_weights, 4)
  freeze_weights(model, which = c(1, -1))
  expect_identical(trainable(), c(FALSE, TRUE, FALSE))
  unfreeze_weights(model, which = c(TRUE, FALSE, FALSE))
  expect_identical(trainable(), c(TRUE, FALSE, FALSE))
  freeze_weights(model, which = function(l) l$name != "c")
  expect_identical(trainable(), c(FALSE, FALSE, TRUE))
  freeze_weights(model, which = get_layer(model, "a"))
  expect_identical(trainable(), c(FALSE, TRUE, TRUE))
  expect_error(freeze_weights(model, from = 1, which = 2), "not both")
  expect_error(freeze_weights(model, which = c(TRUE, FALSE)), "3 layers")
  freeze_weights(model, from = 2, to = 3)
  expect_identical(trainable()[2:3], c(FALSE, FALSE))
})

test_that("newaxis and all_dims() in subsets (keras3)", {
  skip_if_no_engine()
  r <- array(as.numeric(1:24), c(2, 3, 4))
  x <- k_constant(r)
  expect_identical(dim(x[newaxis]), c(1L, 2L, 3L, 4L))
  expect_identical(dim(x[, newaxis, 2, ]), c(2L, 1L, 4L))
  expect_equal(as.array(x[all_dims(), 3]), r[, , 3])
  expect_equal(as.array(op_subset(x, 2, all_dims())), r[2, , ])
})

test_that("mean(), median() and t() of tensors equal Keras's and R's", {
  skip_if_no_engine()
  x <- k_constant(a)
  expect_equal(as.array(mean(x)), as.array(op_mean(x)))
  expect_equal(as.array(mean(x)), mean(a), tolerance = 1e-6)
  expect_equal(as.array(median(x)), as.array(op_median(x)))
  expect_equal(as.array(median(x)), median(a), tolerance = 1e-6)
  i <- k_constant(c(1L, 2L, 3L, 10L), dtype = "int32")
  expect_equal(as.array(mean(i)), 4)
  expect_equal(as.array(median(i)), 2.5)
  expect_equal(as.array(mean(x > 0)), mean(a > 0), tolerance = 1e-6)
  expect_equal(as.array(t(x)), t(a))
  expect_equal(as.array(t(k_constant(c(1, 2)))), t(c(1, 2)))
  expect_error(t(k_ones(c(2, 2, 2))), "op_transpose")
  expect_equal(dim(mean(layer_input(shape = c(4)))), integer())
  expect_equal(dim(t(layer_input(shape = c(4)))), c(4L, NA))
  # the base functions that already work through `[`, length() and Summary
  expect_equal(as.array(rev(k_constant(c(1, 2, 3)))), array(c(3, 2, 1)))
  expect_equal(as.array(range(x)), array(range(a)))
})
