# The array transport against its targets (issue: foundation), measured in one run:
#   R -> engine of a 100x100x100x3 double array (24 MB): no copy, <= 1 ms
#   engine -> R of the same array: <= 9 ms
#   predict() of that array through a Flatten model from R: <= 1.1x plain Keras predict()
#   on the same NumPy array.
# Prints each figure with its baseline and ratio; exits non-zero when a target is missed.
# Run from the project root after setup:  Rscript benchmarks/bench_transport.R
suppressPackageStartupMessages(library(rkbridge))
set.seed(1)
x <- array(runif(100 * 100 * 100 * 3), dim = c(100, 100, 100, 3))
median_ms <- function(f, n) {
  f()  # warm up
  t <- vapply(seq_len(n), function(i) { s <- proc.time()[["elapsed"]]; f()
    proc.time()[["elapsed"]] - s }, 1)
  median(t) * 1000
}
clock <- reticulate::import("time", convert = TRUE)
timeit_ms <- function(f, n) {  # finer clock than proc.time
  f()
  t <- vapply(seq_len(n), function(i) { s <- clock$perf_counter(); f()
    clock$perf_counter() - s }, 1)
  median(t) * 1000
}
np <- reticulate::import("numpy", convert = FALSE)
invisible(rkbridge:::bridge())

# R -> engine: a view of R's memory
view <- rkbridge:::to_py(x)
address_of <- reticulate::py_eval("lambda a: float(a.ctypes.data)", convert = TRUE)
same_memory <- identical(address_of(view), .Call(rkbridge:::rk_address, x))
to_engine <- timeit_ms(function() rkbridge:::to_py(x), 50)

# engine -> R: an engine-owned array with the same layout
owned <- rkbridge:::bridge()$echo(view)
to_r <- timeit_ms(function() rkbridge:::arrays_to_r(owned), 20)
back <- rkbridge:::arrays_to_r(owned)
stopifnot(identical(back, x))

# predict through Flatten: rkbridge from R vs plain Keras on the same NumPy array
model <- keras_model_sequential(input_shape = c(100, 100, 3)) %>% layer_flatten()
main <- reticulate::py_run_string("
import time
def keras_predict_s(model, arr):
    s = time.perf_counter(); model.predict(arr, verbose=0); return time.perf_counter() - s
", convert = TRUE)
arr <- np$ascontiguousarray(view)
# Rounds alternate between the two so that load from elsewhere hits both alike.
invisible(main$keras_predict_s(model, arr)); invisible(predict(model, x))
times <- replicate(11L, c(keras = main$keras_predict_s(model, arr),
                          ours = { s <- clock$perf_counter(); predict(model, x)
                                   clock$perf_counter() - s }))
keras_ms <- median(times["keras", ]) * 1000
ours_ms <- median(times["ours", ]) * 1000
p <- predict(model, x)
stopifnot(identical(dim(p), c(100L, 30000L)), abs(p[7, 2 * 300 + 3 * 3 + 2] - x[7, 3, 4, 2]) < 1e-6)

rows <- data.frame(
  figure = c("R -> engine, 24 MB (ms)", "engine -> R, 24 MB (ms)",
             "predict through Flatten (ms)"),
  rkbridge = c(to_engine, to_r, ours_ms),
  baseline = c(1, 9, keras_ms),
  baseline_is = c("target", "target", "plain Keras predict()"),
  ratio = c(to_engine / 1, to_r / 9, ours_ms / keras_ms),
  target = c("<= 1 ms, no copy", "<= 9 ms", "<= 1.1x"))
rows$ok <- c(to_engine <= 1 && same_memory, to_r <= 9, ours_ms / keras_ms <= 1.1)
print(format(rows, digits = 3), row.names = FALSE)
cat("zero-copy view of R's memory:", same_memory, "\n")
if (!all(rows$ok)) { cat("TARGET MISSED\n"); quit(status = 1) }
cat("all transport targets met\n")
