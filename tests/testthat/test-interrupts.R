# Ctrl-C during fit(): a child Rscript trains, gets SIGINT, and must be back in R within the
# epoch it interrupted (2 s, or more on a machine so busy that an epoch takes longer) with a
# usable model (the weights reached) and the history of the finished epochs. The waits are
# measured by the clock and generous: a busy machine slows the child, never fails the test.

test_that("SIGINT during fit() returns to R within the epoch, keeping weights and history", {
  skip_if_no_engine()
  skip_on_os("windows")
  dir <- tempfile("rk-interrupt-")
  dir.create(dir)
  script <- file.path(dir, "child.R")
  out <- file.path(dir, "result.rds")
  started <- file.path(dir, "started")
  writeLines(c(
    "library(rkbridge)",
    "set.seed(1)",
    "model <- keras_model_sequential(input_shape = c(20)) %>%",
    "  layer_dense(32, activation = 'relu') %>% layer_dense(1)",
    "compile(model, optimizer = 'adam', loss = 'mse')",
    "x <- matrix(runif(20000 * 20), ncol = 20); y <- rowSums(x)",
    "before <- get_weights(model)[[1]]",
    "finished <- 0; ends <- numeric()",
    sprintf("started <- '%s'", started),
    "note <- callback_lambda(on_epoch_end = function(epoch, logs) {",
    "  finished <<- epoch; ends <<- c(ends, as.numeric(Sys.time()))",
    "  if (finished == 2) file.create(started); NULL })",  # 1-based
    "res <- tryCatch(fit(model, x, y, epochs = 500, batch_size = 32, verbose = 0,",
    "                    callbacks = list(note)),",
    "                interrupt = function(e) e)",
    "back <- as.numeric(Sys.time())",
    "pred <- predict(model, x[1:3, ])",
    "after <- get_weights(model)[[1]]",
    sprintf("saveRDS(list(back = back, cond = class(res), history = res$history,
      message = conditionMessage(res), finished = finished, pred = pred,
      changed = !identical(before, after), epoch_seconds = diff(ends[1:2]),
      loss_now = evaluate(model, x[1:200, ], y[1:200])$loss), '%s.part')", out),
    sprintf("file.rename('%s.part', '%s')", out, out)),  # whole when it appears
    script)
  rscript <- file.path(R.home("bin"), "Rscript")
  pid <- as.integer(system(sprintf("'%s' '%s' > '%s' 2>&1 & echo $!", rscript, script,
                                   file.path(dir, "log")), intern = TRUE))
  on.exit(tools::pskill(pid, tools::SIGKILL), add = TRUE)
  wait_for <- function(path, seconds) {
    until <- Sys.time() + seconds
    while (!file.exists(path) && Sys.time() < until) Sys.sleep(0.1)
  }
  wait_for(started, 300)
  expect_true(file.exists(started), info = paste(readLines(file.path(dir, "log")), collapse = "\n"))
  Sys.sleep(0.3)
  sent <- as.numeric(Sys.time())
  tools::pskill(pid, tools::SIGINT)
  wait_for(out, 300)
  expect_true(file.exists(out), info = paste(readLines(file.path(dir, "log")), collapse = "\n"))
  r <- readRDS(out)
  # an interrupt that waited for the end of the epoch would take about an epoch
  expect_lt(r$back - sent, max(2, 0.75 * r$epoch_seconds))
  expect_true(all(c("rkbridge_interrupt", "interrupt") %in% r$cond))
  expect_match(r$message, "fit() was interrupted during epoch", fixed = TRUE)
  expect_s3_class(r$history, "keras_training_history")
  # the history has the epochs that finished, no partial one (an interrupt landing in the
  # R callback itself stops the end-of-epoch work of that epoch, whose history is then left
  # out)
  expect_true(length(r$history$metrics$loss) %in% c(r$finished - 1, r$finished))
  expect_gte(length(r$history$metrics$loss), 1)
  expect_true(all(is.finite(r$history$metrics$loss)))
  expect_equal(dim(r$pred), c(3L, 1L))
  expect_true(all(is.finite(r$pred)))
  expect_true(r$changed)
  expect_true(is.finite(r$loss_now))
})
