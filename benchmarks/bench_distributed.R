# Distributed training, measured in one run on this machine:
#   - the devices and replicas strategy_mirrored() finds (every GPU with RKBRIDGE_TF=cuda);
#   - for 1 and 2 workers (loopback, one Rscript each), from arrays and from CSV files
#     (csv_dataset(), each worker reading its own shards): examples per second per worker,
#     the time of a step, and the all-reduce share of a step: the part of a multi-worker step
#     that the same model's plain fit() step on the worker's share of the batch, read the same
#     way, does not take (gradient and metric all-reduce, and the workers waiting for each
#     other);
#   - the per-step overhead of the multi-worker path with one worker against plain fit()
#     with the same global batch (target <= 1.15x; the real win needs more machines).
# Run from the project root after setup:  Rscript benchmarks/bench_distributed.R
# (RKBRIDGE_BENCH_ROUNDS rounds of the overhead measurement, 3 by default).
suppressPackageStartupMessages(library(rkbridge))
rscript <- file.path(R.home("bin"), "Rscript")
n <- 8192; epochs <- 3; batch <- 256; features <- 64

strategy <- strategy_mirrored()
cat("devices:", paste(vapply(tf$config$list_logical_devices(), function(d) d$name, ""),
                      collapse = ", "), "\n")
cat("mirrored replicas:", strategy$num_replicas_in_sync, "\n")

# the data, as arrays (made in each worker from the seed) and as 4 CSV shards
data_dir <- tempfile("bench-data-")
dir.create(data_dir)
set.seed(1)
x <- matrix(round(runif(n * features), 5), n)
y <- sample(0:9, n, TRUE)
for (s in 1:4) {
  rows <- seq(s, n, by = 4)
  utils::write.csv(data.frame(x[rows, ], label = y[rows]),
                   file.path(data_dir, sprintf("part-%d.csv", s)), row.names = FALSE)
}

worker <- function(cluster, task, source) c(
  "suppressPackageStartupMessages(library(rkbridge))",
  if (is.null(cluster)) "strategy <- NULL" else
    sprintf("strategy <- suppressMessages(strategy_multi_worker(cluster = c(%s), task = %d, timeout = 120))",
            paste(sprintf('"%s"', cluster), collapse = ", "), task),
  sprintf("workers <- %d", max(length(cluster), 1)),
  "build <- function() keras_model_sequential(input_shape = 64) %>%",
  "  layer_dense(256, activation = 'relu') %>% layer_dense(10, activation = 'softmax') %>%",
  "  compile(optimizer = 'adam', loss = 'sparse_categorical_crossentropy')",
  "model <- if (is.null(strategy)) build() else with_strategy(strategy, build())",
  sprintf("set.seed(1); x <- matrix(round(runif(%d * 64), 5), %d); y <- sample(0:9, %d, TRUE)", n, n, n),
  if (source == "files") c(
    sprintf("data <- csv_dataset('%s/part-*.csv', label_name = 'label') %%>%% dataset_batch(%d) %%>%%", data_dir, batch),
    "  dataset_map(function(cols, y) list(op_stack(unname(cols), axis = 2), y))",
    "train <- function(m, e) fit(m, data, epochs = e, verbose = 0)")
  else sprintf("train <- function(m, e) fit(m, x, y, epochs = e, batch_size = %d, verbose = 0)", batch),
  "train(model, 1)",
  sprintf("s <- Sys.time(); train(model, %d); seconds <- as.numeric(Sys.time() - s, units = 'secs')", epochs),
  # the same step without the strategy, on this worker's share of each global batch, read
  # the same way (from arrays, or from this worker's share of the files)
  "local <- build()",
  if (source == "files") c(
    sprintf("mine <- csv_dataset(sprintf('%s/part-%%d.csv', seq_len(4 / workers)), label_name = 'label') %%>%% dataset_batch(%d / workers) %%>%%", data_dir, batch),
    "  dataset_map(function(cols, y) list(op_stack(unname(cols), axis = 2), y))",
    "local_train <- function(e) suppressWarnings(fit(local, mine, epochs = e, verbose = 0))")
  else c(
    sprintf("lx <- x[seq_len(%d / workers), ]; ly <- y[seq_len(%d / workers)]", n, n),
    sprintf("local_train <- function(e) fit(local, lx, ly, epochs = e, batch_size = %d / workers, verbose = 0)", batch)),
  "local_train(1)",
  sprintf("s <- Sys.time(); local_train(%d)", epochs),
  "local_seconds <- as.numeric(Sys.time() - s, units = 'secs')",
  "saveRDS(c(seconds = seconds, local = local_seconds), commandArgs(TRUE)[1])")

run <- function(workers, source = "arrays") {
  cluster <- if (workers) sprintf("localhost:%d", sample(30000:40000, workers))
  k <- max(workers, 1)
  outs <- replicate(k, tempfile(fileext = ".rds"))
  for (i in seq_len(k)) {
    f <- tempfile(fileext = ".R"); writeLines(worker(cluster, i, source), f)
    system2(rscript, c(f, outs[i]), wait = i == k, stdout = FALSE, stderr = FALSE)
  }
  deadline <- Sys.time() + 600
  while (!all(file.exists(outs))) {
    if (Sys.time() > deadline) stop(sprintf("a worker of the %d-worker run (%s) did not finish", k, source))
    Sys.sleep(0.2)
  }
  Sys.sleep(0.5)
  t <- vapply(outs, readRDS, c(seconds = 0, local = 0))
  c(seconds = max(t["seconds", ]), local = mean(t["local", ]))
}

# Rounds alternate the order of plain and 1-worker runs; the overhead is the median of the
# per-round ratios (runs seconds apart see the same load from elsewhere).
rounds <- as.integer(Sys.getenv("RKBRIDGE_BENCH_ROUNDS", "3"))
t <- vapply(seq_len(rounds), function(r) {
  if (r %% 2L) { p <- run(0); o <- run(1) } else { o <- run(1); p <- run(0) }
  c(plain = p[["seconds"]], one = o[["seconds"]])
}, c(plain = 0, one = 0))
overhead <- median(t["one", ] / t["plain", ])

steps <- epochs * ceiling(n / batch)
rows <- list()
for (source in c("arrays", "files")) for (workers in 1:2) {
  r <- run(workers, source)
  step <- r[["seconds"]] / steps
  rows[[length(rows) + 1]] <- data.frame(
    source = source, workers = workers,
    examples_per_s_per_worker = n * epochs / workers / r[["seconds"]],
    step_ms = 1000 * step, local_step_ms = 1000 * r[["local"]] / steps,
    allreduce_share = max(0, 1 - r[["local"]] / r[["seconds"]]))
}
print(format(do.call(rbind, rows), digits = 3), row.names = FALSE)
cat(sprintf("multi-worker path overhead (1 worker / plain fit): %.2fx (target <= 1.15x; median of %d rounds)\n",
            overhead, rounds))
