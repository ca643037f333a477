# Multi-worker faults with real Rscript processes on loopback ports: a worker whose peer
# never comes stops within `timeout` with an rkbridge_distributed_error naming the peer's
# "host:port" (not a hang), and the R session keeps working locally afterwards.

free_ports <- function(n) {
  ports <- integer()
  while (length(ports) < n) {
    p <- sample(20000:40000, 1)
    con <- try(suppressWarnings(socketConnection("localhost", p, server = FALSE, timeout = 0.2)),
               silent = TRUE)
    if (inherits(con, "try-error")) ports <- unique(c(ports, p)) else close(con)
  }
  ports
}

lonely_worker <- function(task, timeout = 5, hard_limit = 90) {
  cluster <- sprintf("localhost:%d", free_ports(2))
  out <- tempfile(fileext = ".rds")
  script <- tempfile(fileext = ".R")
  writeLines(c(
    "suppressPackageStartupMessages(library(rkbridge))",
    "t0 <- Sys.time()",
    sprintf("res <- tryCatch({strategy_multi_worker(cluster = c('%s', '%s'), task = %d, timeout = %g); list(made = TRUE)},",
            cluster[1], cluster[2], task, timeout),
    "  error = function(e) list(class = class(e), message = conditionMessage(e)))",
    "res$elapsed <- as.numeric(difftime(Sys.time(), t0, units = 'secs'))",
    "model <- keras_model_sequential(input_shape = 3) %>% layer_dense(1)",
    "compile(model, optimizer = 'sgd', loss = 'mse')",
    "x <- matrix(1, 8, 3)",
    "res$loss <- fit(model, x, x[, 1], epochs = 1, verbose = 0)$metrics$loss",
    sprintf("saveRDS(res, '%s')", out)), script)
  # TensorFlow catches SIGTERM, so the hard limit sends SIGKILL: a regression to the
  # unbounded wait fails here instead of hanging the suite.
  start <- Sys.time()
  status <- system2("timeout", c("-s", "KILL", hard_limit,
                                 file.path(R.home("bin"), "Rscript"), script),
                    stdout = FALSE, stderr = FALSE)
  wall <- as.numeric(difftime(Sys.time(), start, units = "secs"))
  expect_false(status == 137, info = sprintf("worker %d alone still waited after %d s", task, hard_limit))
  expect_true(file.exists(out))
  c(readRDS(out), list(cluster = cluster, wall = wall))
}

test_that("a lonely worker stops within `timeout` with an error naming its peer", {
  skip_if_no_engine()
  skip_if(!nzchar(Sys.which("timeout")), "no timeout(1) to bound the worker")
  for (task in 1:2) {
    r <- lonely_worker(task)
    me <- r$cluster[task]
    peer <- r$cluster[3 - task]
    expect_null(r$made)
    expect_true("rkbridge_distributed_error" %in% r$class)
    expect_true("rkbridge_error" %in% r$class)
    expect_true(grepl(peer, r$message, fixed = TRUE), info = r$message)
    expect_true(grepl(sprintf("worker %d (%s)", task, me), r$message, fixed = TRUE),
                info = r$message)
    expect_true(grepl("within 5 seconds", r$message, fixed = TRUE))
    # about `timeout` seconds (worker 2: TensorFlow's connection retries add a few), not an hour
    expect_gte(r$elapsed, 4)
    expect_lt(r$elapsed, 60)  # generous: a loaded machine slows the retries
    expect_lt(r$wall, 120)
    expect_length(r$loss, 1)
    expect_gt(r$loss, 0)
  }
})

test_that("strategy_multi_worker() wants a positive timeout", {
  skip_if_no_engine()
  expect_error(strategy_multi_worker(cluster = c("localhost:1", "localhost:2"), task = 1,
                                     timeout = 0),
               "positive number of seconds", class = "rkbridge_value_error")
})

# callback_backup_and_restore() under the strategy: worker 2 dies after epoch 2, both
# restart, and the job ends with the weights of an uninterrupted run.
backup_worker <- function(out, cluster, index, backup, die) c(
  "suppressPackageStartupMessages(library(rkbridge))",
  sprintf("writeLines(as.character(Sys.getpid()), '%s.pid')", out),
  sprintf("strategy <- strategy_multi_worker(cluster = c('%s', '%s'), task = %d, timeout = 30)",
          cluster[1], cluster[2], index),
  "tf$keras$utils$set_random_seed(7L)",
  "model <- with_strategy(strategy, {",
  "  keras_model_sequential(input_shape = 20) %>% layer_dense(10, activation = 'softmax') %>%",
  "    compile(optimizer = optimizer_sgd(learning_rate = 0.1, momentum = 0.9),",
  "            loss = 'categorical_crossentropy')",
  "})",
  "set.seed(1)",
  "x <- matrix(runif(256 * 20), 256, 20); y <- to_categorical(sample(0:9, 256, TRUE), 10)",
  "seen <- 0",
  sprintf("die <- callback_lambda(on_epoch_end = function(epoch, logs) { seen <<- seen + 1; if (%s && seen == 2) tools::pskill(Sys.getpid(), tools::SIGKILL) })",
          if (die) "TRUE" else "FALSE"),
  sprintf("h <- fit(model, x, y, epochs = 4, batch_size = 64, shuffle = FALSE, verbose = 0, callbacks = list(callback_backup_and_restore('%s'), die))", backup),
  sprintf("saveRDS(list(loss = h$metrics$loss, weights = get_weights(model)), '%s')", out))

run_backup_cluster <- function(tag, backup, die = FALSE) {
  cluster <- sprintf("localhost:%d", free_ports(2))
  outs <- vapply(1:2, function(i) tempfile(paste0(tag, i), fileext = ".rds"), "")
  for (i in 1:2) {
    f <- tempfile(fileext = ".R")
    writeLines(backup_worker(outs[i], cluster, i, backup, die && i == 2), f)
    system2("timeout", c("-s", "KILL", 240, file.path(R.home("bin"), "Rscript"), f),
            wait = FALSE, stdout = FALSE, stderr = FALSE)
  }
  outs
}

wait_for <- function(cond, limit) {
  deadline <- Sys.time() + limit
  while (!cond() && Sys.time() < deadline) Sys.sleep(0.3)
  cond()
}

test_that("callback_backup_and_restore() resumes a multi-worker job after a worker dies", {
  skip_if_no_engine()
  skip_if(!nzchar(Sys.which("timeout")), "no timeout(1) to bound the workers")
  ref <- run_backup_cluster("ref", tempfile("backup-ref"))
  expect_true(wait_for(function() all(file.exists(ref)), 240))
  Sys.sleep(1)
  ref <- lapply(ref, readRDS)

  backup <- tempfile("backup")
  cut <- run_backup_cluster("cut", backup, die = TRUE)
  meta <- file.path(backup, "training_metadata.json")
  epoch_in <- function() {
    if (!file.exists(meta)) return(NA)
    txt <- tryCatch(readLines(meta, warn = FALSE), error = function(e) "")
    as.numeric(sub('.*"epoch": *([0-9]+).*', "\\1", paste(txt, collapse = "")))
  }
  expect_true(wait_for(function() identical(epoch_in(), 2), 240))
  Sys.sleep(1)
  # worker 2 is gone; the chief waits for it: kill it, as a scheduler would
  chief <- as.integer(readLines(paste0(cut[1], ".pid")))
  tools::pskill(chief, tools::SIGKILL)
  Sys.sleep(1)
  expect_false(any(file.exists(cut)))

  resumed <- run_backup_cluster("resumed", backup)
  expect_true(wait_for(function() all(file.exists(resumed)), 240))
  Sys.sleep(1)
  resumed <- lapply(resumed, readRDS)
  expect_length(resumed[[1]]$loss, 2)  # epochs 3 and 4
  expect_equal(resumed[[1]]$loss, ref[[1]]$loss[3:4], tolerance = 1e-5)
  expect_identical(resumed[[1]]$weights, resumed[[2]]$weights)
  expect_equal(resumed[[1]]$weights, ref[[1]]$weights, tolerance = 1e-5)
  expect_false(dir.exists(backup))
})
