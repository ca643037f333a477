# rkbridge against plain Keras where R users feel it, measured in one run on this machine.
# Each figure is printed with its baseline and the ratio against its target; the script
# exits non-zero when a target is missed. Plain Keras runs in this same process (through
# reticulate, from benchmarks/bench_speed_baseline.py) on the same data, alternating with
# rkbridge round by round so that load from elsewhere hits both alike (ratios are medians of
# per-round ratios); cold starts and peak memory are separate processes. Both sides get the
# same data in the same dtype: the R doubles, as a float64 NumPy array in a Python user's
# (C) order.
#
#   predict() of one row of the seed MLP      <= 1.5x Keras's one-batch floor (the quicker of
#                                             predict_on_batch() and model(x)), and identical
#                                             to Keras predict()
#   train_on_batch() per call, 100 x 100      <= 1.2x Keras's train_on_batch()
#   first predict()/train_on_batch() of a fresh model   reported (tracing dominates)
#   predict() of 10,000 rows                  <= 1.1x Keras predict()
#   fit() of the seed MLP (1000 x 20, 20 epochs, batch 128)   <= 1.05x Keras fit()
#   evaluate() (1000 rows)                    <= 1.1x Keras evaluate()
#   R -> engine, 24 MB array                  <= 1 ms, no copy (no allocator settings of ours)
#   engine -> R, 24 MB array                  <= 9 ms; peak extra memory <= 1x the array
#   predict() of that array through Flatten   <= 0.6x Keras predict() on the same NumPy array
#   fit() of 60000 x 784 doubles, validation_split = 0.2, 1 epoch   <= 1.0x Keras fit();
#                                             peak RSS (fresh processes) <= 1.1x Keras's
#   library(rkbridge)                         < 0.5 s
#   cold start (load, TF import, build and compile the seed MLP)   <= 1.2x plain Python
#
# Run from the project root after setup:  Rscript benchmarks/bench_speed.R
# (RKBRIDGE_BENCH_ROUNDS sets the rounds of the interleaved comparisons; default 5.)
# Prints the date and the machine first, for the README's table.
cat(format(Sys.time(), tz = "UTC", usetz = TRUE), "|", parallel::detectCores(), "cores |",
    sub("^model name\\s*:\\s*", "", grep("^model name", readLines("/proc/cpuinfo"), value = TRUE)[1]),
    "| load", readLines("/proc/loadavg"), "\n")
suppressPackageStartupMessages(library(rkbridge))
rounds <- as.integer(Sys.getenv("RKBRIDGE_BENCH_ROUNDS", "5"))
here <- local({
  f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(f)) dirname(normalizePath(f[1])) else "benchmarks"
})
rows <- list()
add <- function(figure, ours, base, baseline_is, ratio, target, ok) {
  rows[[length(rows) + 1L]] <<- data.frame(figure = figure, rkbridge = ours,
    baseline = base, baseline_is = baseline_is, ratio = ratio, target = target, ok = ok)
}

invisible(rkbridge:::bridge())
rscript <- file.path(R.home("bin"), "Rscript")
python <- rkbridge_python()
base <- reticulate::import_from_path("bench_speed_baseline", path = here, convert = FALSE)
clock <- reticulate::import("time", convert = TRUE)
now <- function() clock$perf_counter()
np_of <- function(x) base$as_c_order(rkbridge:::rk_to_engine(x))  # float64, as R holds them
py_num <- function(x) reticulate::py_to_r(x)
# Seconds of `keras()` and `ours()` over `n` rounds, back to back with the order alternating
# each round: the medians of each, and the median of the per-round ratios (pairs taken
# seconds apart see the same load from elsewhere, so their ratio is the steadier figure).
interleave <- function(keras, ours, n = rounds) {
  t <- vapply(seq_len(n), function(r) {
    if (r %% 2L) { k <- keras(); o <- ours() } else { o <- ours(); k <- keras() }
    c(keras = k, ours = o)
  }, c(keras = 0, ours = 0))
  c(keras = median(t["keras", ]), ours = median(t["ours", ]),
    ratio = median(t["ours", ] / t["keras", ]))
}
timed <- function(f) function() { s <- now(); f(); now() - s }
seed_mlp <- function() {
  model <- keras_model_sequential() %>%
    layer_dense(units = 64, activation = "relu", input_shape = c(20)) %>%
    layer_dropout(rate = 0.5) %>%
    layer_dense(units = 64, activation = "relu") %>%
    layer_dropout(rate = 0.5) %>%
    layer_dense(units = 10, activation = "softmax")
  compile(model, loss = "categorical_crossentropy",
          optimizer = optimizer_sgd(learning_rate = 0.01, momentum = 0.9, nesterov = TRUE),
          metrics = "accuracy")
  model
}
set.seed(1)
x_train <- matrix(runif(1000 * 20), 1000, 20)
y_train <- to_categorical(round(runif(1000, 0, 9)), num_classes = 10)
model <- seed_mlp()

# -- predict(), one row -----------------------------------------------------------------------
x1 <- x_train[1, , drop = FALSE]
np_x1 <- np_of(x1)
same <- identical(predict(model, x1), rkbridge:::arrays_to_r(base$predict(model, np_x1)))
# Both sides are timed as blocks of 40 calls, rounds alternating (a clock call from R costs a
# crossing of its own, which a per-call interval would count against rkbridge).
ours <- numeric(); floor <- numeric()
invisible(predict(model, x1))
for (r in seq_len(3L * rounds)) {
  floor <- c(floor, py_num(base$one_batch_block_s(model, np_x1, 40L)))
  s <- now(); for (i in 1:40) predict(model, x1); ours <- c(ours, (now() - s) / 40)
}
one_ms <- median(ours) * 1000; floor_ms <- median(floor) * 1000
r1 <- median(ours / floor)
add("predict(), 1 row (ms)", one_ms, floor_ms, "predict_on_batch()/model(x)",
    r1, "<= 1.5x, identical", r1 <= 1.5 && same)

# -- train_on_batch(), per call: a 100 x 100 batch in an R loop ---------------------------------
# the models of the per-call and the big rows (as bench_speed_baseline.py's _mlp())
mlp <- function(inputs, hidden) {
  model <- keras_model_sequential(input_shape = inputs) %>%
    layer_dense(hidden, activation = "relu") %>%
    layer_dense(10, activation = "softmax")
  compile(model, loss = "categorical_crossentropy", optimizer = "adam", metrics = "accuracy")
  model
}
batch_mlp <- function() mlp(100, 64)
xb <- matrix(runif(100 * 100), 100, 100)
yb <- to_categorical(sample(0:9, 100, TRUE), num_classes = 10)
np_xb <- np_of(xb); np_yb <- np_of(yb)
model_b <- batch_mlp(); keras_b <- base$batch_mlp()
invisible(train_on_batch(model_b, xb, yb))
ours <- numeric(); floor <- numeric()
for (r in seq_len(3L * rounds)) {
  floor <- c(floor, py_num(base$train_on_batch_block_s(keras_b, np_xb, np_yb, 40L)))
  s <- now(); for (i in 1:40) train_on_batch(model_b, xb, yb); ours <- c(ours, (now() - s) / 40)
}
rtob <- median(ours / floor)
add("train_on_batch(), 100 x 100, per call (ms)", median(ours) * 1000, median(floor) * 1000,
    "Keras train_on_batch()", rtob, "<= 1.2x", rtob <= 1.2)

# -- first calls of a fresh model (tracing included) ------------------------------------------
first <- vapply(seq_len(3L), function(r) {
  k <- py_num(base$first_calls_s(np_xb, np_yb))
  m <- batch_mlp()
  s <- now(); predict(m, xb[1, , drop = FALSE]); p <- now() - s
  s <- now(); train_on_batch(m, xb, yb); t <- now() - s
  c(kp = k[[1]], kt = k[[2]], p = p, t = t)
}, c(kp = 0, kt = 0, p = 0, t = 0))
med <- apply(first, 1, median)
add("first predict(), 1 row, fresh model (ms)", med[["p"]] * 1000, med[["kp"]] * 1000,
    "Keras predict_on_batch()", median(first["p", ] / first["kp", ]), "reported", TRUE)
add("first train_on_batch(), fresh model (ms)", med[["t"]] * 1000, med[["kt"]] * 1000,
    "Keras train_on_batch()", median(first["t", ] / first["kt", ]), "reported", TRUE)

# -- predict(), 10,000 rows ---------------------------------------------------------------
x10k <- matrix(runif(10000 * 20), 10000, 20)
np_x10k <- np_of(x10k)
same10k <- isTRUE(all.equal(predict(model, x10k), rkbridge:::arrays_to_r(base$predict(model, np_x10k)),
                            tolerance = 0))
tm <- interleave(function() py_num(base$predict_s(model, np_x10k)),
                 timed(function() predict(model, x10k)), n = 3L * rounds)
r10k <- tm[["ratio"]]
add("predict(), 10,000 rows (ms)", tm[["ours"]] * 1000, tm[["keras"]] * 1000,
    "Keras predict()", r10k, "<= 1.1x", r10k <= 1.1 && same10k)

# -- fit() ------------------------------------------------------------------------------------
np_x <- np_of(x_train); np_y <- np_of(y_train)
fit_once <- function() {
  m <- seed_mlp()
  s <- now(); fit(m, x_train, y_train, epochs = 20, batch_size = 128, verbose = 0); now() - s
}
invisible(py_num(base$fit_s(np_x, np_y, 1L))); invisible(fit(seed_mlp(), x_train, y_train, epochs = 1, verbose = 0))
tm <- interleave(function() py_num(base$fit_s(np_x, np_y)), fit_once, n = 3L * rounds)
rfit <- tm[["ratio"]]
add("fit(), seed MLP (ms)", tm[["ours"]] * 1000, tm[["keras"]] * 1000,
    "Keras fit() in Python", rfit, "<= 1.05x", rfit <= 1.05)

# -- evaluate() -------------------------------------------------------------------------------
invisible(evaluate(model, x_train, y_train, batch_size = 128))
tm <- interleave(function() py_num(base$evaluate_s(model, np_x, np_y)),
                 timed(function() evaluate(model, x_train, y_train, batch_size = 128)),
                 n = 3L * rounds)
rev <- tm[["ratio"]]
add("evaluate(), 1000 rows (ms)", tm[["ours"]] * 1000, tm[["keras"]] * 1000,
    "Keras evaluate()", rev, "<= 1.1x", rev <= 1.1)

# -- transport of a 24 MB array ---------------------------------------------------------------
big <- array(runif(100 * 100 * 100 * 3), dim = c(100, 100, 100, 3))
mb <- as.numeric(object.size(big)) / 2^20
tracemalloc <- reticulate::import("tracemalloc", convert = TRUE)
tracemalloc$start()
py_mb <- function(i) tracemalloc$get_traced_memory()[[i]] / 2^20  # 1: current, 2: peak
address_of <- reticulate::py_eval("lambda a: float(a.ctypes.data)", convert = TRUE)
view <- rkbridge:::rk_to_engine(big)
no_copy <- identical(address_of(view), .Call(rkbridge:::rk_address, big))
times <- replicate(50, { s <- now(); rkbridge:::rk_to_engine(big); now() - s })
to_engine_ms <- median(times) * 1000
py_peak_in <- py_mb(2)
owned <- rkbridge:::bridge()$echo(view)
tracemalloc$reset_peak(); py_before <- py_mb(1)
invisible(gc(reset = TRUE)); r_before <- gc()[2, 6]
back <- rkbridge:::arrays_to_r(owned)
r_peak <- gc()[2, 6] - r_before
py_peak_out <- py_mb(2) - py_before
tracemalloc$stop()
stopifnot(identical(back, big))
rm(back)
times <- replicate(20, { s <- now(); rkbridge:::arrays_to_r(owned); now() - s })
to_r_ms <- median(times) * 1000
extra <- (r_peak + py_peak_out) / mb  # the R result itself is the 1x
add("R -> engine, 24 MB (ms)", to_engine_ms, 1, "target", to_engine_ms / 1,
    "<= 1 ms, no copy", to_engine_ms <= 1 && no_copy && py_peak_in < 1)
add("engine -> R, 24 MB (ms)", to_r_ms, 9, "target", to_r_ms / 9, "<= 9 ms", to_r_ms <= 9)
add("engine -> R peak memory (x array)", extra, 1, "target", extra, "<= 1x", extra <= 1.05)

# -- predict() of the 24 MB array through a Flatten model (foundation issue) ------------------
flat <- keras_model_sequential(input_shape = c(100, 100, 3)) %>% layer_flatten()
np_big <- np_of(big)  # the same values as a Python user holds them
p_flat <- predict(flat, big)
stopifnot(identical(dim(p_flat), c(100L, 30000L)),
          abs(p_flat[7, (3 - 1) * 300 + (4 - 1) * 3 + 2] - big[7, 3, 4, 2]) < 1e-6)
rm(p_flat)
invisible(py_num(base$predict_s(flat, np_big)))
tm <- interleave(function() py_num(base$predict_s(flat, np_big)),
                 timed(function() predict(flat, big)), n = 3L * rounds)
rflat <- tm[["ratio"]]
add("predict() through Flatten, 24 MB (ms)", tm[["ours"]] * 1000, tm[["keras"]] * 1000,
    "Keras predict()", rflat, "<= 0.6x", rflat <= 0.6)
rm(np_big, owned, view)

# -- fit() of 60000 x 784 doubles with validation_split = 0.2 ---------------------------------
big_mlp <- function() mlp(784, 128)
big_fit <- function(x, y) {
  m <- big_mlp()
  s <- now(); fit(m, x, y, epochs = 1, batch_size = 128, validation_split = 0.2, verbose = 0)
  now() - s
}
xl <- matrix(runif(60000 * 784), 60000, 784)
yl <- to_categorical(sample(0:9, 60000, TRUE), num_classes = 10)
np_xl <- np_of(xl); np_yl <- np_of(yl)
invisible(big_fit(xl[1:512, ], yl[1:512, ]))  # warm-ups
invisible(py_num(base$big_fit_s(np_of(xl[1:512, ]), np_of(yl[1:512, ]))))
tm <- interleave(function() py_num(base$big_fit_s(np_xl, np_yl)), function() big_fit(xl, yl),
                 n = max(3L, rounds))
rbig <- tm[["ratio"]]
add("fit(), 60000 x 784, validation_split 0.2, 1 epoch (ms)", tm[["ours"]] * 1000,
    tm[["keras"]] * 1000, "Keras fit() in Python", rbig, "<= 1.0x", rbig <= 1.0)
rm(xl, yl, np_xl, np_yl); invisible(gc())
# peak resident memory of the same fit, each side in a fresh process (its data included)
big_r <- tempfile(fileext = ".R")
writeLines(c("suppressPackageStartupMessages(library(rkbridge))",
             paste("mlp <-", paste(deparse(mlp), collapse = "\n")),
             paste("big_mlp <-", paste(deparse(big_mlp), collapse = "\n")),
             "x <- runif(60000 * 784); dim(x) <- c(60000, 784)  # no copy, as Python's",
             "y <- to_categorical(sample(0:9, 60000, TRUE), num_classes = 10)",
             "fit(big_mlp(), x[1:512, ], y[1:512, ], epochs = 1, validation_split = 0.2, verbose = 0)",
             "fit(big_mlp(), x, y, epochs = 1, batch_size = 128, validation_split = 0.2, verbose = 0)",
             "l <- grep('^VmHWM:', readLines('/proc/self/status'), value = TRUE)",
             "cat(as.numeric(strsplit(trimws(sub('VmHWM:', '', l)), ' +')[[1]][1]) / 1024, '\\n')"),
           big_r)
last_number <- function(out) as.numeric(tail(strsplit(trimws(tail(out, 1)), " +")[[1]], 1))
peak_ours <- last_number(system2(rscript, big_r, stdout = TRUE, stderr = FALSE))
peak_keras <- last_number(system2(python, c(file.path(here, "bench_speed_baseline.py"), "bigfit"),
                                  stdout = TRUE, stderr = FALSE, env = "TF_CPP_MIN_LOG_LEVEL=3"))
rpeak <- peak_ours / peak_keras
add("fit(), 60000 x 784: peak RSS (MB)", peak_ours, peak_keras, "Keras fit() in Python",
    rpeak, "<= 1.1x", rpeak <= 1.1)

# -- library() and cold start (fresh processes) -----------------------------------------------
lib_s <- function() {
  out <- system2(rscript, c("-e", shQuote(
    "cat(system.time(suppressPackageStartupMessages(library(rkbridge)))[['elapsed']])")),
    stdout = TRUE, stderr = FALSE)
  as.numeric(tail(out, 1))
}
lib_time <- median(replicate(3, lib_s()))
add("library(rkbridge) (s)", lib_time, 0.5, "target", lib_time / 0.5, "< 0.5 s", lib_time < 0.5)

cold_r <- tempfile(fileext = ".R")
writeLines(c("suppressPackageStartupMessages(library(rkbridge))",
             paste("seed_mlp <-", paste(deparse(seed_mlp), collapse = "\n")),
             "invisible(seed_mlp())"), cold_r)
# a child that fails would time its failure: stop instead
elapsed <- function(cmd, args) {
  status <- 0L
  t <- system.time(status <- system2(cmd, args, stdout = FALSE, stderr = FALSE))[["elapsed"]]
  if (!identical(as.integer(status), 0L)) stop(cmd, " ", args[length(args)], " failed (status ", status, ")")
  t
}
tm <- interleave(function() elapsed(python, c(file.path(here, "bench_speed_baseline.py"), "cold")),
                 function() elapsed(rscript, cold_r))
rcold <- tm[["ratio"]]
add("cold start to compiled seed MLP (s)", tm[["ours"]], tm[["keras"]], "plain Python",
    rcold, "<= 1.2x", rcold <= 1.2)

table <- do.call(rbind, rows)
table$verdict <- ifelse(table$target == "reported", "",
                        ifelse(table$ok, "meets its target", "MISSES its target"))
print(format(table, digits = 3), row.names = FALSE)
cat("one-row predict() identical to Keras predict():", same, "\n")
cat("24 MB R -> engine is a view of R's memory (no copy):", no_copy, "\n")
if (!all(table$ok)) { cat("TARGET MISSED:", paste(table$figure[!table$ok], collapse = "; "), "\n")
  quit(status = 1) }
cat("all speed targets met\n")
