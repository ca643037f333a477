# Learning rates Keras would train on without a word (Inf, NaN, negative, NA read as TRUE)
# are errors naming the argument or the function (rkbridge/wrappers/args.py,
# rkbridge/training/callbacks.py, R/callables.R).

test_that("optimizers and schedules refuse a learning rate that is not a rate", {
  skip_if_no_engine()
  expect_error(optimizer_sgd(learning_rate = Inf),
               "`learning_rate` must be a finite number >= 0 (or a learning rate schedule), not Inf",
               fixed = TRUE)
  expect_error(optimizer_sgd(learning_rate = NaN), "not NaN", fixed = TRUE)
  expect_error(optimizer_sgd(learning_rate = -0.1), "not -0.1", fixed = TRUE)
  expect_error(optimizer_adam(learning_rate = NA), "`learning_rate` is NA")
  expect_error(learning_rate_schedule_exponential_decay(Inf, 10, 0.9),
               "`initial_learning_rate` must be a finite number")
  expect_no_error(optimizer_sgd(learning_rate = 0))
})

test_that("a schedule returning NA, Inf or a negative rate stops fit() naming it", {
  skip_if_no_engine()
  fit_with <- function(schedule) {
    m <- keras_model_sequential() %>% layer_dense(1, input_shape = 2)
    compile(m, optimizer = "sgd", loss = "mse")
    fit(m, matrix(1, 4, 2), rep(1, 4), epochs = 3, verbose = 0,
        callbacks = list(callback_learning_rate_scheduler(schedule)))
  }
  # NA would have been TRUE, a rate of 1
  expect_error(fit_with(function(epoch, lr) if (epoch < 2) lr else NA), "returned NA")
  expect_error(fit_with(function(epoch, lr) NA_real_), "returned NA")
  expect_error(fit_with(function(epoch, lr) if (epoch < 2) lr else Inf),
               "callback_learning_rate_scheduler()) returned Inf at epoch 2", fixed = TRUE)
  expect_error(fit_with(function(epoch, lr) -1), "returned -1 at epoch 1", fixed = TRUE)
})
