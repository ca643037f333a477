# Faults probed as a demanding R user would (issue 12): each test runs what failed before,
# in a real process where the fault needs one (a file-size limit, a fork, a bad setting).

rscript <- file.path(R.home("bin"), "Rscript")

# Runs R code in a child Rscript under `limit_kb` (ulimit -f, SIGXFSZ ignored so writes fail
# with EFBIG) and a wall-clock timeout; returns its output lines and exit status.
run_child <- function(lines, limit_kb = NULL, timeout = 120, env = character()) {
  dir <- tempfile("rk-child-")
  dir.create(dir)
  script <- file.path(dir, "child.R")
  writeLines(lines, script)
  prefix <- if (is.null(limit_kb)) "" else sprintf("trap '' XFSZ; ulimit -f %d; ", limit_kb)
  cmd <- sprintf("%sexec timeout %d '%s' '%s'", prefix, timeout, rscript, script)
  out <- suppressWarnings(system2("bash", c("-c", shQuote(cmd)), stdout = TRUE, stderr = TRUE,
                                  env = env))
  list(out = out, status = attr(out, "status") %||% 0L,
       result = sub("^RESULT: ?", "", grep("^RESULT:", out, value = TRUE)))
}
`%||%` <- function(a, b) if (is.null(a)) b else a

skip_unless_unix_engine <- function() {
  skip_if_no_engine()
  skip_on_os("windows")
  skip_if(Sys.which("bash") == "" || Sys.which("timeout") == "", "bash and timeout needed")
}

test_that("saveRDS() of a model to a disk that is full is an error; save_rds() keeps the file", {
  skip_unless_unix_engine()
  dir <- tempfile("rk-rds-"); dir.create(dir)
  good <- file.path(dir, "good.rds"); atomic <- file.path(dir, "atomic.rds")
  res <- run_child(c(
    "suppressPackageStartupMessages(library(rkbridge))",
    "small <- keras_model_sequential(input_shape = 4) %>% layer_dense(2)",
    sprintf("saveRDS(list(m = small), '%s'); save_rds(list(m = small), '%s')", good, atomic),
    sprintf("before <- unname(tools::md5sum('%s'))", atomic),
    "big <- keras_model_sequential(input_shape = 400) %>% layer_dense(400) %>% layer_dense(2)",
    "options(warn = 0)",
    # the model's bytes are made in memory: what fails is writing the file
    sprintf("r1 <- tryCatch({ saveRDS(list(m = big), '%s'); 'returned' },", good),
    "  error = function(e) 'error')",
    sprintf("r2 <- tryCatch({ save_rds(list(m = big), '%s'); 'returned' },", atomic),
    "  error = function(e) 'error')",
    sprintf("same <- identical(unname(tools::md5sum('%s')), before)", atomic),
    sprintf("back <- readRDS('%s')$m; n <- length(back$layers)", atomic),
    sprintf("left <- length(list.files('%s', all.files = TRUE, no.. = TRUE))", dir),
    "cat('RESULT:', r1, r2, same, n, left, '\\n')"), limit_kb = 96)
  # saveRDS() fails (an error, not a deferred warning); save_rds() also fails and leaves
  # the previous file as it was, readable with its model; no temporary files are left
  expect_identical(res$result, "error error TRUE 1 2 ",
                   info = paste(res$out, collapse = "\n"))
  unlink(dir, recursive = TRUE)
})

test_that("save_rds() round-trips, keeps permissions and writes through a symbolic link", {
  skip_unless_unix_engine()
  dir <- tempfile("rk-rds-"); dir.create(dir)
  target <- file.path(dir, "target.rds"); link <- file.path(dir, "link.rds")
  m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2, name = "d")
  save_rds(m, target)
  Sys.chmod(target, "600")
  file.symlink(target, link)
  x <- matrix(1:6 / 7, 2, 3)
  save_rds(list(model = m, x = x), link)
  expect_identical(Sys.readlink(link), target)                # still a link
  expect_identical(as.character(file.mode(target)), "600")   # still private
  back <- readRDS(link)
  expect_equal(back$x, x)
  expect_equal(predict(back$model, x, verbose = 0), predict(m, x, verbose = 0),
               tolerance = 1e-6)
  expect_identical(sort(list.files(dir, all.files = TRUE, no.. = TRUE)),
                   c("link.rds", "target.rds"))
  expect_error(save_rds(m, file.path(dir, "no-such-dir", "x.rds")), class = "rkbridge_error")
  unlink(dir, recursive = TRUE)
})

test_that("overwriting a saved model keeps its permissions and writes through a symlink", {
  skip_unless_unix_engine()
  dir <- tempfile("rk-perm-"); dir.create(dir)
  m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2)
  savers <- list(
    keras = function(p) save_model(m, p), h5 = function(p) save_model_hdf5(m, p),
    weights = function(p) save_model_weights_hdf5(m, p),
    config = function(p) save_model_config(m, p, overwrite = TRUE))
  for (kind in names(savers)) {
    target <- file.path(dir, paste0(kind, "-target"))
    link <- file.path(dir, paste0(kind, "-link"))
    savers[[kind]](target)
    Sys.chmod(target, "600")
    savers[[kind]](target)
    expect_identical(as.character(file.mode(target)), "600", info = kind)
    file.symlink(target, link)
    size <- file.size(target)
    savers[[kind]](link)
    expect_identical(Sys.readlink(link), target, info = kind)
    expect_identical(as.character(file.mode(target)), "600", info = kind)
    expect_gt(file.size(target), 0)
  }
  expect_identical(length(list.files(dir, all.files = TRUE, no.. = TRUE)), 8L)
  again <- load_model(file.path(dir, "keras-link"))
  expect_identical(length(again$layers), 1L)
  unlink(dir, recursive = TRUE)
})

test_that("load_model() refuses a SavedModel directory unless safe_mode = FALSE", {
  skip_if_no_engine()
  m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2)
  dir <- tempfile("rk-savedmodel-")
  save_model_tf(m, dir)
  err <- tryCatch(load_model(dir), error = identity)
  expect_s3_class(err, "rkbridge_value_error")
  expect_match(conditionMessage(err), "safe_mode = FALSE", fixed = TRUE)
  expect_false(grepl("keras.config", conditionMessage(err), fixed = TRUE))
  loaded <- load_model(dir, safe_mode = FALSE)
  x <- matrix(1:6 / 7, 2, 3)
  expect_equal(predict(loaded, x, verbose = 0), predict(m, x, verbose = 0), tolerance = 1e-6)
  unlink(dir, recursive = TRUE)
})

test_that("a failed save_model_weights_hdf5() leaves nothing open: the process exits 0", {
  skip_unless_unix_engine()
  dir <- tempfile("rk-h5-"); dir.create(dir)
  path <- file.path(dir, "w.h5")
  res <- run_child(c(
    "suppressPackageStartupMessages(library(rkbridge))",
    "small <- keras_model_sequential(input_shape = 4) %>% layer_dense(2)",
    sprintf("save_model_weights_hdf5(small, '%s')", path),
    "big <- keras_model_sequential(input_shape = 400) %>% layer_dense(400) %>% layer_dense(2)",
    sprintf("r <- tryCatch({ save_model_weights_hdf5(big, '%s'); 'saved' },", path),
    "  rkbridge_error = function(e) 'rkbridge_error')",
    "cat('RESULT:', r, '\\n')"), limit_kb = 96)
  expect_identical(res$result, "rkbridge_error ", info = paste(res$out, collapse = "\n"))
  expect_identical(as.integer(res$status), 0L, info = paste(res$out, collapse = "\n"))
  unlink(dir, recursive = TRUE)
})

test_that("a forked child fails fast with rkbridge_fork_error instead of hanging", {
  skip_unless_unix_engine()
  res <- run_child(c(
    "suppressPackageStartupMessages(library(rkbridge))",
    "m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2)",
    "x <- matrix(runif(6), 2, 3)",
    "p <- predict(m, x, verbose = 0)",
    "out <- parallel::mclapply(1:2, function(i) tryCatch(predict(m, x, verbose = 0),",
    "  rkbridge_fork_error = function(e) 'rkbridge_fork_error'), mc.cores = 2)",
    "again <- predict(m, x, verbose = 0)",  # the parent goes on working
    "cat('RESULT:', unlist(out), isTRUE(all.equal(again, p)), '\\n')"), timeout = 90)
  expect_identical(res$result, "rkbridge_fork_error rkbridge_fork_error TRUE ",
                   info = paste(res$out, collapse = "\n"))
  expect_identical(as.integer(res$status), 0L)
})

test_that("a Python setting that does not exist or is not Python is an error naming it", {
  skip_unless_unix_engine()
  probe <- c("suppressPackageStartupMessages(library(rkbridge))",
             "r <- tryCatch({ keras_model_sequential(); 'engine started' },",
             "  rkbridge_engine_error = function(e) conditionMessage(e))",
             "cat('RESULT:', gsub('\\n', ' ', r), '\\n')")
  missing <- run_child(probe, env = "RKBRIDGE_PYTHON=/no/such/python")
  expect_match(missing$result, "RKBRIDGE_PYTHON is \"/no/such/python\", which does not exist",
               fixed = TRUE)
  not_python <- tempfile(); writeLines("#!/bin/sh\nexit 1", not_python); Sys.chmod(not_python, "755")
  bad <- run_child(probe, env = paste0("RKBRIDGE_PYTHON=", not_python))
  expect_match(bad$result, "which is not a Python interpreter", fixed = TRUE)
  opt <- run_child(c("options(rkbridge.python = '/no/such/python')", probe))
  expect_match(opt$result, "options(rkbridge.python) is \"/no/such/python\"", fixed = TRUE)
})

test_that("models R drops are freed, by R's and then Python's collection", {
  skip_if_no_engine()
  weakref <- reticulate::import("weakref", convert = FALSE)
  make <- function() {
    m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2)
    compile(m, optimizer = "adam", loss = "mse")
    predict(m, matrix(1, 1, 3), verbose = 0)
    weakref$ref(rkbridge:::rk_to_engine(m))
  }
  is_dead <- reticulate::py_eval("lambda r: r() is None", convert = TRUE)
  alive <- function(refs) sum(!vapply(refs, function(r) isTRUE(is_dead(r)), TRUE))
  old <- options(rkbridge.collect_after_models = 1000L)
  on.exit(options(old), add = TRUE)
  refs <- lapply(1:4, function(i) make())
  # the next model made is one too many: no gc() of ours, the engine call after it collects
  # (R's collection, then Python's)
  options(rkbridge.collect_after_models = 1L)
  state <- rkbridge:::.rk
  state$collect_scale <- 1L; state$collected_at <- 0; state$collect_took <- 0
  fifth <- keras_model_sequential(input_shape = 3)
  fifth %>% layer_dense(1)
  expect_identical(alive(refs), 0L)
  options(rkbridge.collect_after_models = 0L)
  kept <- lapply(1:3, function(i) make())
  invisible(gc()); reticulate::import("gc")$collect()
  expect_identical(alive(kept), 0L)  # nothing of ours keeps a dropped model
})

test_that("no verb keeps a model alive once R dropped it", {
  skip_if_no_engine()
  weakref <- reticulate::import("weakref", convert = FALSE)
  is_dead <- reticulate::py_eval("lambda r: r() is None", convert = TRUE)
  x <- matrix(runif(30), 10, 3)
  y <- matrix(runif(20), 10, 2)
  epochs_seen <- 0
  hook <- function(epoch, logs) epochs_seen <<- epochs_seen + 1
  dir <- tempfile()
  dir.create(dir)
  make <- function() {
    m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2)
    compile(m, optimizer = "adam", loss = "mse", metrics = "mae")
    fit(m, x, y, epochs = 2, verbose = 0, validation_split = 0.2, callbacks = list(
      callback_lambda(on_epoch_end = hook), callback_early_stopping(monitor = "loss"),
      callback_model_checkpoint(file.path(dir, "best.keras")),
      callback_csv_logger(file.path(dir, "log.csv"))))
    fit(m, tensor_slices_dataset(list(x, y)) %>% dataset_batch(5), verbose = 0)
    evaluate(m, x, y, verbose = 0)
    predict(m, x, verbose = 0)
    train_on_batch(m, x, y)
    test_on_batch(m, x, y)
    predict_on_batch(m, x)
    save_model(m, file.path(dir, "m.keras"))
    saveRDS(m, file.path(dir, "m.rds"))
    again <- readRDS(file.path(dir, "m.rds"))
    predict(again, x, verbose = 0)
    list(weakref$ref(rkbridge:::rk_to_engine(m)),
         weakref$ref(rkbridge:::rk_to_engine(again)))
  }
  refs <- make()
  expect_equal(epochs_seen, 2)
  for (i in 1:2) { invisible(gc()); reticulate::import("gc")$collect() }
  expect_identical(vapply(refs, is_dead, TRUE), c(TRUE, TRUE))
})

test_that("a function written in a %>% step does not keep the piped model alive", {
  skip_if_no_engine()
  weakref <- reticulate::import("weakref", convert = FALSE)
  is_dead <- reticulate::py_eval("lambda r: r() is None", convert = TRUE)
  x <- matrix(c(1, -2, 3, 4, 5, -6), 2, 3)
  k <- 3
  # magrittr evaluates each step where `.` is the model: the function closes over it
  model <- keras_model_sequential(input_shape = 3) %>% layer_lambda(function(t) t * k)
  expect_equal(predict(model, x, verbose = 0), x * 3, ignore_attr = TRUE)
  ref <- weakref$ref(rkbridge:::rk_to_engine(model))
  rm(model)
  for (i in 1:2) { invisible(gc()); reticulate::import("gc")$collect() }
  expect_true(is_dead(ref))
  # a function that reads `.` keeps it
  dotted <- keras_model_sequential(input_shape = 3) %>%
    layer_lambda(function(t) t * length(.$layers))
  expect_equal(predict(dotted, x, verbose = 0), x * 1, ignore_attr = TRUE)
})

test_that("a PSOCK cluster, the way the fork error points to, predicts as the parent does", {
  skip_unless_unix_engine()
  model <- keras_model_sequential(input_shape = 3) %>% layer_dense(2)
  x <- matrix(seq_len(30) / 31, 10, 3)
  cl <- parallel::makePSOCKcluster(2)
  on.exit(parallel::stopCluster(cl), add = TRUE)
  parallel::clusterEvalQ(cl, suppressPackageStartupMessages(library(rkbridge)))
  preds <- parallel::parLapply(cl, list(x[1:5, ], x[6:10, ]),
                               function(rows, m) predict(m, rows, verbose = 0), m = model)
  expect_equal(do.call(rbind, preds), predict(model, x, verbose = 0), tolerance = 1e-6)
})
