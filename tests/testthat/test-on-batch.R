# Low-level training and preprocessing-layer methods from R: R-shaped results compared with
# the same model through plain Keras.

set.seed(11)
x <- matrix(rnorm(24), nrow = 8)
y <- rowSums(x)

twins <- function(metrics = NULL) {
  ours <- keras_model_sequential(input_shape = 3) %>% layer_dense(units = 1)
  ours %>% compile(optimizer = "sgd", loss = "mse", metrics = metrics)
  list(ours = ours)
}

test_that("train_on_batch(): a named list, loss first then metrics in compile order", {
  skip_if_no_engine()
  m <- twins(c("mse", "mae"))
  p0 <- predict(m$ours, x)
  w0 <- get_weights(m$ours)
  res <- train_on_batch(m$ours, x, y)
  expect_type(res, "list")
  expect_named(res, c("loss", "mse", "mae"))
  # Keras reports the batch's loss and metrics before the update it makes
  expect_equal(res$loss, mean((p0 - y)^2), tolerance = 1e-5)
  expect_equal(res$mse, res$loss, tolerance = 1e-6)
  expect_equal(res$mae, mean(abs(p0 - y)), tolerance = 1e-5)
  expect_equal(res[[1]], res$loss)
  # one SGD step (learning rate 0.01) on the kernel: w - 0.01 * d loss / d w
  grad <- 2 * colMeans(as.vector(p0 - y) * x)
  expect_equal(as.vector(get_weights(m$ours)[[1]]), as.vector(w0[[1]]) - 0.01 * grad,
               tolerance = 1e-5)
})

test_that("test_on_batch() with the loss only is a number; weights unchanged", {
  skip_if_no_engine()
  m <- twins()
  before <- get_weights(m$ours)
  res <- test_on_batch(m$ours, x, y)
  expect_type(res, "double")
  expect_length(res, 1)
  expect_equal(get_weights(m$ours), before)
  p <- predict(m$ours, x)
  expect_equal(res, mean((p - y)^2), tolerance = 1e-5)
  expect_error(train_on_batch(keras_model_sequential(input_shape = 3) %>% layer_dense(1), x, y),
               class = "rkbridge_not_compiled_error")
})

test_that("predict_on_batch() is an n x k matrix equal to predict()", {
  skip_if_no_engine()
  m <- twins()
  p <- predict_on_batch(m$ours, x)
  expect_identical(dim(p), c(8L, 1L))
  expect_equal(p, predict(m$ours, x), tolerance = 1e-6)
})

test_that("reset_states() resets a stateful LSTM and returns the model invisibly", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(4, 2), input_batch_size = 1) %>%
    layer_lstm(units = 3, stateful = TRUE)
  a <- array(rnorm(8), c(1, 4, 2))
  first <- predict_on_batch(model, a)
  expect_false(isTRUE(all.equal(predict_on_batch(model, a), first)))
  res <- withVisible(reset_states(model))
  expect_false(res$visible)
  expect_equal(predict_on_batch(model, a), first, tolerance = 1e-6)
  invisible(predict_on_batch(model, a))
  reset_state(model)
  expect_equal(predict_on_batch(model, a), first, tolerance = 1e-6)
})

test_that("clear_session() restarts layer names", {
  skip_if_no_engine()
  clear_session()
  a <- layer_dense(units = 1)
  k_clear_session()
  b <- layer_dense(units = 1)
  expect_identical(a$name, b$name)
})

test_that("adapt() / get_vocabulary() / set_vocabulary(): character vectors in and out", {
  skip_if_no_engine()
  layer <- layer_text_vectorization()
  res <- withVisible(adapt(layer, c("the cat sat", "the dog", "a cat")))
  expect_false(res$visible)
  vocab <- get_vocabulary(layer)
  expect_type(vocab, "character")
  expect_identical(vocab[1:4], c("", "[UNK]", "the", "cat"))
  expect_identical(get_vocabulary(layer, include_special_tokens = FALSE)[1:2], c("the", "cat"))
  lookup <- layer_string_lookup()
  set_vocabulary(lookup, c("red", "green"))
  expect_identical(get_vocabulary(lookup), c("[UNK]", "red", "green"))
  expect_equal(as.array(lookup(c("green", "blue"))), array(c(2, 0)))
  # a term's index is its position in the vocabulary - 1 (0 padding, 1 unknown)
  expect_equal(as.array(layer(c("the dog", "zebra cat"))),
               rbind(c(2, match("dog", vocab) - 1), c(1, 3)))
  ints <- layer_integer_lookup()
  set_vocabulary(ints, c(12, 7))
  expect_identical(get_vocabulary(ints), list(-1L, 12L, 7L))  # a list, as in both R interfaces
  norm <- layer_normalization()
  data <- cbind(rnorm(40), rnorm(40, mean = 5))
  adapt(norm, data)
  expect_equal(as.numeric(as.array(norm$mean)), colMeans(data), tolerance = 1e-5)
})
