# evaluate() returns loss first, then the metrics in compile order (CONVENTIONS section 4):
# scripts of both R interfaces read score[[1]] as the loss. Values are Keras's own.

keras_evaluate <- function(model, x, y) {
  # Keras's evaluate(return_dict = TRUE) on the same data, as a named numeric vector
  arr <- function(a) np_ref(a, "float32")  # helper-reference.R
  yy <- if (is.list(y)) unname(lapply(y, arr)) else arr(y)
  unlist(r_ref(keras_method(model, "evaluate")(arr(x), yy, verbose = 0L, return_dict = TRUE)))
}

test_that("single output: loss first, then the metrics as compiled, with Keras's values", {
  skip_if_no_engine()
  set.seed(11)
  model <- keras_model_sequential(input_shape = c(4)) %>%
    layer_dense(1, activation = "sigmoid")
  model %>% compile(optimizer = "sgd", loss = "binary_crossentropy",
                    metrics = c("mse", "accuracy", "auc"))
  x <- matrix(runif(40 * 4), 40, 4)
  y <- as.numeric(rowSums(x) > 2)
  s <- evaluate(model, x, y, verbose = 0)
  expect_type(s, "list")
  expect_identical(names(s), c("loss", "mse", "accuracy", "auc"))
  ref <- keras_evaluate(model, x, y)
  expect_setequal(names(ref), names(s))
  expect_equal(unlist(s), ref[names(s)], tolerance = 1e-6)
  expect_identical(s[[1]], s$loss)
})

test_that("multi-output: loss, the per-output losses, then the metrics in compile order", {
  skip_if_no_engine()
  set.seed(12)
  input <- layer_input(shape = c(4))
  zz <- input %>% layer_dense(1, name = "zz")
  aa <- input %>% layer_dense(2, activation = "softmax", name = "aa")
  model <- keras_model(input, list(zz, aa))
  model %>% compile(optimizer = "sgd", loss = list("mse", "categorical_crossentropy"),
                    metrics = list(list("mae"), list("accuracy")))
  x <- matrix(runif(40 * 4), 40, 4)
  y <- list(rowSums(x), to_categorical(as.integer(x[, 1] > 0.5), 2))
  s <- evaluate(model, x, y, verbose = 0)
  expect_identical(names(s), c("loss", "zz_loss", "aa_loss", "zz_mae", "aa_accuracy"))
  ref <- keras_evaluate(model, x, y)
  expect_equal(unlist(s), ref[names(s)], tolerance = 1e-6)
})
