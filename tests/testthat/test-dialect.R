# The dialect switch (CONVENTIONS section 8): keras3's meaning by default,
# options(rkbridge.dialect = "keras2") the keras 2.x R interface's; one test per row of the
# table (docs/dialects.md, rkbridge/wrappers/dialect.py).

with_dialect <- function(dialect, code) {
  old <- options(rkbridge.dialect = dialect, rkbridge.axis = NULL)
  on.exit(options(old))
  force(code)
}

both_rules <- function(err) {
  expect_match(conditionMessage(err), "batch axis under the keras3 rule", fixed = TRUE)
  expect_match(conditionMessage(err), 'options(rkbridge.dialect = "keras2")', fixed = TRUE)
}

x3 <- array(rnorm(4 * 3 * 5), c(4, 3, 5))

run_layer <- function(layer, x) {
  input <- layer_input(shape = dim(x)[-1])
  predict(keras_model(input, layer(input)), x)
}

test_that("layer_concatenate(axis): keras3 1-based, keras2 0-based", {
  skip_if_no_engine()
  a <- layer_input(shape = c(4, 5, 3))
  b <- layer_input(shape = c(4, 5, 2))
  with_dialect(NULL, {
    expect_identical(unlist(k_int_shape(layer_concatenate(list(a, b), axis = 4))), c(4L, 5L, 5L))
    # keras3 code may concatenate along the batch axis: it runs, with a warning naming both rules
    c <- layer_input(shape = c(4, 5, 3))
    w <- expect_warning(out <- layer_concatenate(list(a, c), axis = 1))
    both_rules(w)
    expect_identical(unlist(k_int_shape(out)), c(4L, 5L, 3L))
  })
  with_dialect("keras2", expect_identical(
    unlist(k_int_shape(layer_concatenate(list(a, b), axis = 3))), c(4L, 5L, 5L)))
})

test_that("layer_dot(axes): keras3 1-based, keras2 0-based", {
  skip_if_no_engine()
  x <- layer_input(shape = c(3))
  y <- layer_input(shape = c(3))
  v <- matrix(c(1, 2, 3), 1)
  with_dialect(NULL, {
    both_rules(expect_error(layer_dot(list(x, y), axes = 1), class = "rkbridge_error"))
    expect_equal(predict(keras_model(list(x, y), layer_dot(list(x, y), axes = 2)), list(v, v)),
                 matrix(14, 1, 1))
  })
  with_dialect("keras2", expect_equal(
    predict(keras_model(list(x, y), layer_dot(list(x, y), axes = 1)), list(v, v)),
    matrix(14, 1, 1)))
})

softmax_over_rows <- function(x) {
  e <- exp(x)
  sweep(e, c(1, 3), apply(e, c(1, 3), sum), "/")
}

test_that("layer_activation_softmax(axis): keras3 1-based, keras2 0-based", {
  skip_if_no_engine()
  want <- softmax_over_rows(x3)
  with_dialect(NULL, {
    expect_equal(run_layer(layer_activation_softmax(axis = 2), x3), want, tolerance = 1e-5)
    both_rules(expect_error(layer_activation_softmax(axis = 1), class = "rkbridge_error"))
  })
  with_dialect("keras2", expect_equal(run_layer(layer_activation_softmax(axis = 1), x3), want,
                                      tolerance = 1e-5))
})

test_that("activation_softmax(axis): keras3 1-based (the batch axis warns), keras2 0-based", {
  skip_if_no_engine()
  want <- softmax_over_rows(x3)
  with_dialect(NULL, {
    expect_equal(as.array(activation_softmax(x3, axis = 2)), want, tolerance = 1e-5)
    expect_warning(activation_softmax(x3, axis = 1), "batch axis under the keras3 rule",
                   fixed = TRUE)
  })
  with_dialect("keras2", expect_no_warning(
    expect_equal(as.array(activation_softmax(x3, axis = 1)), want, tolerance = 1e-5)))
})

test_that("layer_layer_normalization(axis = 1) of a keras 2.x script normalizes the features", {
  skip_if_no_engine()
  centered <- sweep(x3, c(1, 3), apply(x3, c(1, 3), mean))
  want <- sweep(centered, c(1, 3), sqrt(apply(centered^2, c(1, 3), mean) + 1e-3), "/")
  with_dialect("keras2", expect_equal(run_layer(layer_layer_normalization(axis = 1), x3), want,
                                      tolerance = 1e-4))
  with_dialect(NULL, {
    expect_equal(run_layer(layer_layer_normalization(axis = 2), x3), want, tolerance = 1e-4)
    both_rules(expect_error(layer_layer_normalization(axis = 1), class = "rkbridge_error"))
  })
})

# the shape of the learned slopes on images: shared over height and width, one per channel
alpha_dim <- function(layer) {
  run_layer(layer, array(1, c(2, 4, 5, 3)))
  dim(get_weights(layer)[[1]])
}

test_that("layer_activation_parametric_relu(shared_axes): keras3 1-based, keras2 0-based", {
  skip_if_no_engine()
  with_dialect(NULL, {
    expect_identical(alpha_dim(layer_activation_parametric_relu(shared_axes = c(2, 3))),
                     c(1L, 1L, 3L))
    both_rules(expect_error(layer_activation_parametric_relu(shared_axes = c(1, 2)),
                            class = "rkbridge_error"))
  })
  with_dialect("keras2", expect_identical(
    alpha_dim(layer_activation_parametric_relu(shared_axes = c(1, 2))), c(1L, 1L, 3L)))
})

test_that("constraint_*(axis): keras3 1-based, keras2 0-based (keras 2.x's default 0)", {
  skip_if_no_engine()
  with_dialect(NULL, {
    expect_identical(constraint_unitnorm(axis = 1)$axis, 0L)
    expect_error(constraint_maxnorm(axis = 0), "rkbridge.dialect", class = "rkbridge_error")
  })
  with_dialect("keras2", {
    expect_identical(constraint_unitnorm(axis = 0)$axis, 0L)
    expect_identical(constraint_minmaxnorm(axis = 1)$axis, 1L)
  })
})

epochs_run <- function(...) {
  model <- keras_model_sequential(input_shape = 2) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse")
  length(fit(model, matrix(1, 8, 2), matrix(1, 8, 1), verbose = 0, ...)$metrics$loss)
}

test_that("fit(epochs) defaults to 1 (keras3) or 10 (keras2)", {
  skip_if_no_engine()
  with_dialect(NULL, expect_identical(epochs_run(), 1L))
  with_dialect("keras2", expect_identical(epochs_run(), 10L))
})

test_that("fit(initial_epoch) is 1-based (keras3) or 0-based (keras2); fit_generator() keeps
          keras 2.x's", {
  skip_if_no_engine()
  with_dialect(NULL, {
    expect_identical(epochs_run(epochs = 3, initial_epoch = 2), 2L)
    expect_identical(epochs_run(epochs = 3, initial_epoch = 1), 3L)
    model <- keras_model_sequential(input_shape = 2) %>% layer_dense(1)
    model %>% compile(optimizer = "sgd", loss = "mse")
    gen <- function() list(matrix(1, 4, 2), matrix(1, 4, 1))
    h <- suppressWarnings(fit_generator(model, gen, steps_per_epoch = 1, epochs = 3,
                                        initial_epoch = 2, verbose = 0))
    expect_length(h$metrics$loss, 1L)
  })
  with_dialect("keras2", expect_identical(epochs_run(epochs = 3, initial_epoch = 2), 1L))
})

test_that("evaluate() is a named list (keras3) or a named numeric vector (keras2), loss first", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = 2) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse", metrics = c("mae", "mse"))
  x <- matrix(c(1, 2, 3, 4), 2); y <- matrix(c(1, 0), 2)
  s3 <- with_dialect(NULL, evaluate(model, x, y, verbose = 0))
  s2 <- with_dialect("keras2", evaluate(model, x, y, verbose = 0))
  expect_type(s3, "list")
  expect_identical(names(s3), c("loss", "mae", "mse"))
  expect_type(s2, "double")
  expect_identical(names(s2), c("loss", "mae", "mse"))
  expect_equal(unlist(s3), s2)
  expect_equal(s2[["loss"]], s2[["mse"]])           # mse loss == mse metric
  expect_identical(s2["mae"], c(mae = s3$mae))      # a named number
  expect_identical(s3["mae"], list(mae = s3$mae))   # a list of one
  # print: keras3 one element after another, keras2 the names in one row
  expect_match(paste(capture.output(print(s3)), collapse = "\n"), "^\\$loss\n\\[1\\] ")
  expect_match(capture.output(print(s2))[1], "^ *loss +mae +mse *$")
})

test_that("x$shape of a symbolic tensor is an R list (keras3) or a TensorShape (keras2)", {
  skip_if_no_engine()
  x <- layer_input(shape = c(3, 4))
  y <- layer_dense(x, units = 2)
  expect_identical(with_dialect(NULL, x$shape), list(NULL, 3L, 4L))
  s <- with_dialect("keras2", x$shape)
  expect_s3_class(s, "tensorflow.python.framework.tensor_shape.TensorShape")
  expect_identical(as.list(s$as_list()), list(NULL, 3L, 4L))
  expect_identical(with_dialect("keras2", y$shape$as_list()), list(NULL, 3L, 2L))
  expect_identical(s[[3]], 4L)                      # 1-based, as keras 2.x's tensorflow gave
  expect_identical(with_dialect("keras2", x$dtype), with_dialect(NULL, x$dtype))
})

test_that("the older option name rkbridge.axis is the same switch", {
  skip_if_no_engine()
  old <- options(rkbridge.dialect = NULL, rkbridge.axis = "keras2")
  on.exit(options(old))
  expect_identical(epochs_run(), 10L)
  expect_error(with_dialect("keras1", layer_dense(units = 1)), "rkbridge.dialect",
               class = "rkbridge_error")
})

test_that("layer_text_vectorization(ngrams = 2) and k_random_normal() of a tensor shape", {
  skip_if_no_engine()
  expect_identical(layer_text_vectorization(ngrams = 2)$get_config()$ngrams, 2L)
  expect_identical(dim(as.array(k_random_normal(as_tensor(c(1, 2, 3), "int32")))),
                   c(1L, 2L, 3L))
  expect_identical(dim(as.array(k_random_normal(list(as_tensor(2L), as_tensor(3L))))),
                   c(2L, 3L))
})
