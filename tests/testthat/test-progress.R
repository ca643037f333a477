# fit(verbose = 1) where lines cannot be redrawn (knitr, Rscript into a file): one bar line
# per epoch, no carriage returns, no partial lines.
test_that("verbose = 1 writes one finished line per epoch outside a console", {
  skip_if_no_engine()
  set.seed(1)
  x <- matrix(runif(400), ncol = 4)
  model <- keras_model_sequential(input_shape = 4) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse", metrics = "mae")
  out <- capture.output(fit(model, x, rowSums(x), epochs = 3, batch_size = 1, verbose = 1))
  expect_false(any(grepl("\r", out, fixed = TRUE)))
  expect_identical(out[c(1, 3, 5)], c("Epoch 1/3", "Epoch 2/3", "Epoch 3/3"))
  expect_length(out, 6L)
  expect_true(all(grepl("^100/100 \\[=+\\] [0-9]+s [0-9.]+m?s/step - loss: [0-9.]+ - mae: ", out[c(2, 4, 6)])))
})

test_that("verbose = 2 gives one line per epoch with its time per step", {
  skip_if_no_engine()
  x <- matrix(runif(40), ncol = 4)
  model <- keras_model_sequential(input_shape = 4) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse")
  out <- capture.output(fit(model, x, rowSums(x), epochs = 2, batch_size = 5, verbose = 2))
  expect_length(out, 2L)
  expect_match(out, "^Epoch [12]/2 - [0-9]+s [0-9.]+m?s/step - loss: ")
})
