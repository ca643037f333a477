# Multi-worker training from R: two Rscript workers on loopback ports train the same model
# and end with identical weights, with the loss history of one process on the same data.

worker_script <- function(out, cluster, index) c(
  "suppressPackageStartupMessages(library(rkbridge))",
  sprintf("strategy <- strategy_multi_worker(cluster = c(%s), task = %d, timeout = 60)",
          paste(sprintf('"%s"', cluster), collapse = ", "), index),
  "tf$keras$utils$set_random_seed(7L)",
  "model <- with_strategy(strategy, {",
  "  keras_model_sequential(input_shape = 20) %>%",
  "    layer_dense(16, activation = 'relu') %>% layer_dense(10, activation = 'softmax') %>%",
  "    compile(optimizer = optimizer_sgd(learning_rate = 0.1),",
  "            loss = 'categorical_crossentropy', metrics = 'accuracy')",
  "})",
  "set.seed(1)",
  "x <- matrix(runif(256 * 20), 256, 20)",
  "y <- to_categorical(sample(0:9, 256, TRUE), 10)",
  "h <- fit(model, x, y, epochs = 3, batch_size = 64, shuffle = FALSE, verbose = 0)",
  sprintf("saveRDS(list(loss = h$metrics$loss, weights = get_weights(model), chief = strategy_is_chief()), '%s')", out))

free_port <- function() {
  for (i in 1:50) {
    p <- sample(20000:40000, 1)
    con <- try(suppressWarnings(socketConnection("localhost", p, server = FALSE, timeout = 0.2)),
               silent = TRUE)
    if (inherits(con, "try-error")) return(p)
    close(con)
  }
  stop("no free port")
}

run_cluster <- function(n, script = worker_script) {
  ports <- vapply(seq_len(n), function(i) free_port(), 1)
  cluster <- sprintf("localhost:%d", ports)
  outs <- replicate(n, tempfile(fileext = ".rds"))
  scripts <- vapply(seq_len(n), function(i) {
    f <- tempfile(fileext = ".R"); writeLines(script(outs[i], cluster, i), f); f
  }, "")
  rscript <- file.path(R.home("bin"), "Rscript")
  for (i in seq_len(n)) system2(rscript, scripts[i], wait = i == n, stdout = FALSE, stderr = FALSE)
  deadline <- Sys.time() + 300
  while (!all(file.exists(outs)) && Sys.time() < deadline) Sys.sleep(0.5)
  Sys.sleep(1)
  lapply(outs, function(o) if (file.exists(o)) readRDS(o))
}

test_that("two R workers train one model: identical weights, the single-process history", {
  skip_if_no_engine()
  single <- run_cluster(1)[[1]]
  both <- run_cluster(2)
  expect_false(is.null(single))
  expect_false(any(vapply(both, is.null, TRUE)))
  expect_identical(both[[1]]$weights, both[[2]]$weights)
  expect_equal(both[[1]]$loss, single$loss, tolerance = 1e-5)
  expect_lt(both[[1]]$loss[3], both[[1]]$loss[1])
  expect_true(both[[1]]$chief)
  expect_false(both[[2]]$chief)
})

test_that("strategy_multi_worker() checks its task in R terms", {
  skip_if_no_engine()
  expect_error(strategy_multi_worker(cluster = c("localhost:1", "localhost:2"), task = 3),
               "between 1 and 2", class = "rkbridge_value_error")
  expect_error(strategy_multi_worker(cluster = c("localhost"), task = 1), "needs a port",
               class = "rkbridge_value_error")
})

sources_script <- function(out, cluster, index) c(
  worker_script(out, cluster, index)[1:9],
  "set.seed(1)",
  "x <- matrix(runif(256 * 20), 256, 20)",
  "y <- to_categorical(sample(0:9, 256, TRUE), 10)",
  "w0 <- get_weights(model)",
  "res <- list(w0 = w0)",
  "trained <- function(name, run) { set_weights(model, w0); res[[name]] <<- list(loss = run()$metrics$loss, w = get_weights(model)) }",
  "trained('df', function() fit(model, as.data.frame(x), y, epochs = 2, batch_size = 64, shuffle = FALSE, verbose = 0))",
  "i <- 0",
  "gen <- function() { rows <- (i %% 4) * 64 + 1:64; i <<- i + 1; list(x[rows, ], y[rows, ]) }",
  "trained('gen', function() fit(model, gen, steps_per_epoch = 4, epochs = 2, verbose = 0))",
  "ds <- tensor_slices_dataset(list(x, y)) %>% dataset_batch(64)",
  "trained('ds', function() fit(model, ds, epochs = 2, verbose = 0))",
  "res$ev <- list(gen = evaluate(model, gen, steps = 4), ds = evaluate(model, ds), arr = evaluate(model, x, y, batch_size = 64))",
  "res$p <- list(gen = predict(model, gen, steps = 4), ds = predict(model, ds), arr = predict(model, x))",
  "set_weights(model, w0)",
  "a <- fit(model, x, y, epochs = 1, batch_size = 64, shuffle = FALSE, verbose = 0)$metrics$loss",
  "b <- fit(model, x, y, epochs = 1, batch_size = 64, shuffle = FALSE, verbose = 0)$metrics$loss",
  "res$twice <- list(loss = c(a, b), w = get_weights(model))",
  "set_weights(model, w0)",
  "a <- fit(model, x, y, epochs = 1, steps_per_epoch = 3, batch_size = 64, shuffle = FALSE, verbose = 0)$metrics$loss",
  "b <- fit(model, x, y, epochs = 1, batch_size = 64, shuffle = FALSE, verbose = 0)$metrics$loss",
  "res$part <- list(loss = c(a, b), w = get_weights(model))",
  "set_weights(model, w0)",
  "res$shuffled <- list(loss = fit(model, x, y, epochs = 3, batch_size = 64, verbose = 0)$metrics$loss, w = get_weights(model))",
  sprintf("saveRDS(res, '%s')", out))

test_that("two R workers train on data frames, generators and datasets as plain fit() does", {
  skip_if_no_engine()
  both <- run_cluster(2, sources_script)
  expect_false(any(vapply(both, is.null, TRUE)))
  r <- both[[1]]
  # the reference: plain fit() in this process, from the same weights, on the same batches
  set.seed(1)
  x <- matrix(runif(256 * 20), 256, 20)
  y <- to_categorical(sample(0:9, 256, TRUE), 10)
  model <- keras_model_sequential(input_shape = 20) %>%
    layer_dense(16, activation = "relu") %>% layer_dense(10, activation = "softmax") %>%
    compile(optimizer = optimizer_sgd(learning_rate = 0.1),
            loss = "categorical_crossentropy", metrics = "accuracy")
  set_weights(model, r$w0)
  h <- fit(model, x, y, epochs = 2, batch_size = 64, shuffle = FALSE, verbose = 0)
  want <- get_weights(model)
  for (name in c("df", "gen", "ds", "twice")) {
    expect_equal(r[[name]]$loss, h$metrics$loss, tolerance = 1e-5, info = name)
    expect_equal(r[[name]]$w, want, tolerance = 1e-5, info = name)
    expect_identical(r[[name]]$w, both[[2]][[name]]$w, info = name)
  }
  # a fit() that stopped within an epoch: the next one starts at the first batch again
  set_weights(model, r$w0)
  a <- fit(model, x, y, epochs = 1, steps_per_epoch = 3, batch_size = 64, shuffle = FALSE, verbose = 0)
  b <- fit(model, x, y, epochs = 1, batch_size = 64, shuffle = FALSE, verbose = 0)
  expect_equal(r$part$loss, c(a$metrics$loss, b$metrics$loss), tolerance = 1e-5)
  expect_equal(r$part$w, get_weights(model), tolerance = 1e-5)
  # shuffled: every worker draws the same order (identical weights), and it trains
  expect_identical(r$shuffled$w, both[[2]]$shuffled$w)
  expect_lt(r$shuffled$loss[3], r$shuffled$loss[1])
  set_weights(model, r$w0)
  h <- fit(model, x, y, epochs = 2, batch_size = 64, shuffle = FALSE, verbose = 0)
  ev <- evaluate(model, x, y, batch_size = 64)
  p <- predict(model, x)
  for (name in c("gen", "ds", "arr")) {
    expect_equal(r$ev[[name]], ev, tolerance = 1e-5, info = name)
    expect_equal(r$p[[name]], p, tolerance = 1e-5, info = name)
    expect_equal(dim(r$p[[name]]), c(256L, 10L))
  }
})
