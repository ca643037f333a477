# Distributed training (issue 11), measured in one run on this machine:
#   - the devices and replicas strategy_mirrored() finds (every GPU with RKBRIDGE_TF=cuda);
#   - examples per second of fit() on 1 worker and on 2 workers (loopback, one process each);
#   - the per-step overhead of the multi-worker path with one worker against plain fit()
#     with the same global batch (target <= 1.15x; the real win needs more machines).
# Run from the project root after setup:  Rscript benchmarks/bench_distributed.R
suppressPackageStartupMessages(library(rkbridge))
rscript <- file.path(R.home("bin"), "Rscript")
n <- 8192; epochs <- 3; batch <- 256

strategy <- strategy_mirrored()
cat("devices:", paste(vapply(tf$config$list_logical_devices(), function(d) d$name, ""),
                      collapse = ", "), "\n")
cat("mirrored replicas:", strategy$num_replicas_in_sync, "\n")

worker <- function(out, cluster, task) c(
  "suppressPackageStartupMessages(library(rkbridge))",
  if (is.null(cluster)) "strategy <- NULL" else
    sprintf("strategy <- strategy_multi_worker(cluster = c(%s), task = %d, timeout = 120)",
            paste(sprintf('"%s"', cluster), collapse = ", "), task),
  "build <- function() keras_model_sequential(input_shape = 64) %>%",
  "  layer_dense(256, activation = 'relu') %>% layer_dense(10, activation = 'softmax') %>%",
  "  compile(optimizer = 'adam', loss = 'categorical_crossentropy')",
  "model <- if (is.null(strategy)) build() else with_strategy(strategy, build())",
  sprintf("set.seed(1); x <- matrix(runif(%d * 64), %d); y <- to_categorical(sample(0:9, %d, TRUE), 10)", n, n, n),
  sprintf("fit(model, x, y, epochs = 1, batch_size = %d, verbose = 0)", batch),
  sprintf("s <- Sys.time(); fit(model, x, y, epochs = %d, batch_size = %d, verbose = 0)", epochs, batch),
  "saveRDS(as.numeric(Sys.time() - s, units = 'secs'), commandArgs(TRUE)[1])")

run <- function(workers) {
  cluster <- if (workers) sprintf("localhost:%d", sample(30000:40000, workers))
  k <- max(workers, 1)
  outs <- replicate(k, tempfile(fileext = ".rds"))
  for (i in seq_len(k)) {
    f <- tempfile(fileext = ".R"); writeLines(worker(outs[i], cluster, i), f)
    system2(rscript, c(f, outs[i]), wait = i == k, stdout = FALSE, stderr = FALSE)
  }
  while (!all(file.exists(outs))) Sys.sleep(0.2)
  Sys.sleep(0.5)
  max(vapply(outs, readRDS, 0))
}
# Rounds alternate the order of plain and 1-worker runs; the overhead is the median of the
# per-round ratios (runs seconds apart see the same load from elsewhere).
rounds <- as.integer(Sys.getenv("RKBRIDGE_BENCH_ROUNDS", "3"))
t <- vapply(seq_len(rounds), function(r) {
  if (r %% 2L) { p <- run(0); o <- run(1) } else { o <- run(1); p <- run(0) }
  c(plain = p, one = o, two = run(2))
}, c(plain = 0, one = 0, two = 0))
plain <- median(t["plain", ]); one <- median(t["one", ]); two <- median(t["two", ])
overhead <- median(t["one", ] / t["plain", ])
eps <- function(s) n * epochs / s
res <- data.frame(
  run = c("plain fit()", "1 worker", "2 workers (loopback)"),
  seconds = c(plain, one, two), examples_per_s = eps(c(plain, one, two)),
  vs_plain = c(1, one / plain, two / plain))
print(format(res, digits = 3), row.names = FALSE)
cat(sprintf("multi-worker path overhead (1 worker / plain fit): %.2fx (target <= 1.15x; median of %d rounds)\n",
            overhead, rounds))
