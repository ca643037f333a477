# Class labels as R has them: factors for sparse losses, and R's count-from-1 habit named.
labelled_model <- function(loss) {
  set_random_seed(7)
  model <- keras_model_sequential(input_shape = 4) %>% layer_dense(3, activation = "softmax")
  model %>% compile(optimizer = optimizer_sgd(learning_rate = 0.1), loss = loss)
  model
}

test_that("a factor y trains a sparse loss as its codes counted from 0", {
  skip_if_no_engine()
  set.seed(3)
  x <- matrix(runif(120), ncol = 4)
  labels <- factor(sample(c("cat", "dog", "emu"), 30, replace = TRUE))
  m1 <- labelled_model("sparse_categorical_crossentropy")
  m2 <- labelled_model("sparse_categorical_crossentropy")
  set_weights(m2, get_weights(m1))
  h1 <- fit(m1, x, labels, epochs = 2, batch_size = 10, shuffle = FALSE, verbose = 0)
  h2 <- fit(m2, x, as.integer(labels) - 1L, epochs = 2, batch_size = 10, shuffle = FALSE,
            verbose = 0)
  expect_equal(h1$metrics$loss, h2$metrics$loss, tolerance = 1e-6)
  expect_equal(get_weights(m1), get_weights(m2), tolerance = 1e-6)
  expect_equal(evaluate(m1, x, labels, verbose = 0)[["loss"]],
               evaluate(m2, x, as.integer(labels) - 1L, verbose = 0)[["loss"]],
               tolerance = 1e-6)
})

test_that("a factor y for a categorical loss points to to_categorical() and sparse losses", {
  skip_if_no_engine()
  x <- matrix(runif(40), ncol = 4)
  m <- labelled_model("categorical_crossentropy")
  expect_error(fit(m, x, factor(rep(c("a", "b"), 5)), verbose = 0),
               "to_categorical\\(\\).*sparse_categorical_crossentropy")
})

test_that("class codes 1..k for a k-unit output say that Keras counts from 0", {
  skip_if_no_engine()
  x <- matrix(runif(40), ncol = 4)
  m <- labelled_model("sparse_categorical_crossentropy")
  expect_error(fit(m, x, rep(1:3, length.out = 10), verbose = 0),
               "class codes 1 to 3 for an output of 3 units: Keras counts classes from 0")
  expect_error(fit(m, x, rep(c(0, 7), 5), verbose = 0),
               "class code 7, but the output has 3 units: class codes must be 0 to 2")
  expect_error(evaluate(m, x, rep(1:3, length.out = 10), verbose = 0), "counts classes from 0")
  # codes 0..k-1 are fine
  expect_s3_class(fit(m, x, rep(0:2, length.out = 10), verbose = 0), "keras_training_history")
})
