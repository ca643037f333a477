#!/usr/bin/env Rscript
# Held-out measurement: run the test suite of an R Keras interface (rstudio/keras3 at a tag:
# keras 2.x at v2.*, keras3 at v1.*) against rkbridge, and report what passes.
#
#   Rscript tools/heldout.R --repo /work/.mirror/rstudio+keras3/repo --tag v1.5.1 \
#       [--file test-a.R,test-b.R] [--out results.csv] [--timeout 300]
#   Rscript tools/heldout.R --summary results.csv     # re-mark and re-summarise a saved run
#
# --repo is a (bare) git directory; the suite is read from it at run time with
# `git archive TAG tests/testthat` into a temporary directory -- none of it is kept in this
# repository. In the extracted copy, `library()`/`require()` of keras, keras3, tensorflow and
# tfdatasets become `library(rkbridge)`, `keras::`/`keras3::` become `rkbridge::`, and
# `keras:::`, `tensorflow::` and `tfdatasets::` are dropped, so that such
# names resolve against rkbridge's exports (which include `tf`) or the few shims below. A name
# rkbridge lacks is then an error in the test that uses it, which is what we want to see.
#
# Every test file runs in its own `Rscript` child with a timeout, one at a time, so a crash or
# hang loses only that file. The child's reporter writes each test_that() block as it ends:
# file, test, result (pass / fail / error / skip), the first failure message (truncated).
# A file that dies or times out gets one extra "error" row saying so.
#
# Tests that cannot run here (network, a non-TensorFlow backend, a GPU) are listed in
# NOT_RUNNABLE below with the reason. They still run; their result is kept in the CSV but
# they are counted as "not runnable", apart from the pass rate.
#
# Pass rate = passed / (passed + failed + errored) over runnable tests; skips shown apart.
#
# Environment: RKBRIDGE_PYTHON (the engine's Python), TF_CPP_MIN_LOG_LEVEL=2, and R_LIBS
# naming the library where rkbridge is installed; they are passed on to the children.

# ---- tests that cannot run in this sandbox -------------------------------------------------
# file: regular expression on the file name; test: regular expression on the test name.
NOT_RUNNABLE <- list(
  # Downloads of Keras's data sets (no network here).
  list(file = "^test-datasets\\.R$", test = ".", reason = "network: dataset_*() downloads"),
  list(file = "^test-generators\\.R$",
       test = "^image data generator can be used for training$|custom preprocessing function in image_data_generator",
       reason = "network: uses dataset_cifar10()/dataset_mnist()"),
  list(file = "^test-layers-preprocessing\\.R$",
       test = "^layer_(random_[a-z]+|resizing|rescaling|center_crop)$",
       reason = "network: image layers are tested on dataset_mnist()"),
  list(file = "^test-preprocessing\\.R$",
       test = "^flow images from directory works$|^images_dataset_from_directory$",
       reason = "network: uses dataset_mnist()"),
  list(file = "^test-utils\\.R$", test = "^get_file", reason = "network: get_file() of a URL"),
  # Pretrained weights (imagenet) are downloaded.
  list(file = "^test-applications\\.R$", test = ".", reason = "network: imagenet weights"),
  # Other backends.
  list(file = "^test-jax-dimexpr-ops\\.R$", test = ".", reason = "backend: needs jax")
)

# ---- arguments ------------------------------------------------------------------------------
parse_args <- function(args) {
  opts <- list(repo = NULL, tag = NULL, file = NULL, out = NULL, timeout = 300, summary = NULL)
  i <- 1L
  while (i <= length(args)) {
    key <- sub("^--", "", args[[i]])
    if (!key %in% names(opts) || i == length(args))
      stop("usage: heldout.R --repo PATH --tag TAG [--file test-x.R] [--out results.csv] ",
           "[--timeout SECONDS] | --summary results.csv", call. = FALSE)
    opts[[key]] <- args[[i + 1L]]
    i <- i + 2L
  }
  if (is.null(opts$summary) && (is.null(opts$repo) || is.null(opts$tag)))
    stop("--repo and --tag are required", call. = FALSE)
  opts$timeout <- as.numeric(opts$timeout)
  opts
}

# ---- extraction and rewriting -----------------------------------------------------------------
extract_suite <- function(repo, tag) {
  dir <- tempfile("heldout-")
  dir.create(dir)
  cmd <- sprintf("git --git-dir=%s archive %s tests/testthat | tar -x -C %s",
                 shQuote(repo), shQuote(tag), shQuote(dir))
  if (system(cmd) != 0) stop("could not extract tests/testthat of ", tag, call. = FALSE)
  file.path(dir, "tests", "testthat")
}

rewrite_source <- function(lines, exports = rkbridge_exports()) {
  pkgs <- "(keras3|keras|tensorflow|tfdatasets)"
  lines <- gsub(sprintf("\\b(library|require|requireNamespace)\\(\\s*[\"']?%s[\"']?\\s*\\)", pkgs),
                "\\1(rkbridge)", lines, perl = TRUE)
  # keras:::internal -> internal (a shim below, or missing); keras::name -> rkbridge::name
  lines <- gsub("(?<![A-Za-z0-9._])keras3?:::", "", lines, perl = TRUE)
  lines <- gsub("(?<![A-Za-z0-9._])keras3?::", "rkbridge::", lines, perl = TRUE)
  # tensorflow::name -> rkbridge::name where rkbridge exports it (a test that defines its own
  # `shape <- function(...) tf$TensorShape(tensorflow::shape(...))` must not call itself),
  # otherwise the bare name
  pattern <- "(?<![A-Za-z0-9._])(tensorflow|tfdatasets):::?([A-Za-z.][A-Za-z0-9._]*)"
  m <- gregexpr(pattern, lines, perl = TRUE)
  regmatches(lines, m) <- lapply(regmatches(lines, m), function(x) {
    name <- sub("^[a-z]+:::?", "", x)
    ifelse(name %in% exports, paste0("rkbridge::", name), name)
  })
  lines <- gsub("(?<![A-Za-z0-9._])(tensorflow|tfdatasets):::?", "", lines, perl = TRUE)
  lines
}

rkbridge_exports <- function() {
  tryCatch(getNamespaceExports("rkbridge"), error = function(e) character())
}

# Loaded before the suite's own helpers (helper files are sourced in name order).
PRELUDE <- '
# Written by rkbridge tools/heldout.R.
suppressPackageStartupMessages(library(rkbridge))
# Functions of the tensorflow / keras R packages that only set up the environment.
if (!exists("tf_version", mode = "function"))
  tf_version <- function() package_version(tf$version$VERSION)
py_require_legacy_keras <- function(...) invisible(NULL)
# reticulate functions that keras3 re-exports and the suite helpers helper-utils.R / setup.R call
# (local_py_capture_output(), the teardown). Tests that call them directly also see these.
if (!exists("import", mode = "function")) import <- reticulate::import
if (!exists("py_to_r", mode = "function")) py_to_r <- reticulate::py_to_r
# reticulate functions that keras and keras3 import (not export): testthat runs their suites
# in the package namespace, where the tests call them unqualified.
if (!exists("py_eval", mode = "function")) py_eval <- reticulate::py_eval
if (!exists("R6Class", mode = "function")) R6Class <- R6::R6Class  # imported from R6
if (!exists("iterate", mode = "function")) iterate <- reticulate::iterate  # tensorflow re-exports it
# Internal functions of keras/keras3 that the tests reach through the package namespace and
# that only probe the environment or make test data (functional internals are not shimmed).
have_module <- function(m) reticulate::py_module_available(m)
have_h5py <- function() have_module("h5py")
have_pillow <- function() have_module("PIL")
have_pyyaml <- function() have_module("yaml")
is_windows <- function() identical(.Platform$OS.type, "windows")
is_mac_arm64 <- function() FALSE
keras_version <- function() package_version(keras$`__version__`)
if (!exists("is_keras_available", mode = "function"))
  is_keras_available <- function(version = NULL) TRUE
# keras 2.x ran on tf.keras ("tensorflow"); keras3 reports the "keras" implementation
# (the default of get_keras_implementation() there), so its suite skips tf.keras-only bodies
is_tensorflow_implementation <- function(...) !isTRUE(getOption("rkbridge.heldout.keras3"))
# keras 2.x: the given application preprocessor applied to the array
preprocess_input <- function(x, preprocessor, ...)
  preprocessor(np_array(x, dtype = "float32"), ...)  # keras_array(): floatx
is_keras_implementation <- function(...) isTRUE(getOption("rkbridge.heldout.keras3"))
get_keras_implementation <- function(...)
  if (isTRUE(getOption("rkbridge.heldout.keras3"))) "keras" else "tensorflow"
# keras 2.x internal (helper-utils.R expect_tensor()): tf$is_tensor(), true for KerasTensors
is_keras_tensor <- function(x) isTRUE(tf$is_tensor(x)) || isTRUE(k_is_keras_tensor(x))
# keras internal: an R array as a NumPy array of the Keras float type (floatx)
if (!exists("keras_array", mode = "function"))
  keras_array <- function(x, dtype = NULL) {
    if (is.null(x) || inherits(x, "python.builtin.object")) return(x)
    r_to_py(if (is.null(dim(x))) array(x) else x)$astype(if (is.null(dtype)) "float32" else dtype)
  }
if (!exists("random_array", mode = "function"))
  random_array <- function(..., dim = unlist(c(...))) array(stats::runif(prod(dim)), dim = dim)
'

# Loaded after the suite's helpers: replaces helper code that needs a newer reticulate than
# the one installed here and only hides output.
POSTLUDE <- '
# Written by rkbridge tools/heldout.R.
# testthat >= 3.1.7 expectation the suites use; the installed testthat may be older.
if (!exists("expect_contains", mode = "function"))
  expect_contains <- function(object, expected) expect_true(all(expected %in% object))
local_py_capture_output <- function(...) invisible(NULL)
'

# keras3: the suite is keras3's (tags v1.*), not keras 2.x's (v2.*)
prepare_suite <- function(dir, keras3) {
  exports <- rkbridge_exports()
  for (f in list.files(dir, pattern = "\\.[Rr]$", full.names = TRUE)) {
    lines <- readLines(f, warn = FALSE)
    writeLines(rewrite_source(lines, exports), f)
  }
  writeLines(c(PRELUDE, sprintf("options(rkbridge.heldout.keras3 = %s)", keras3)),
             file.path(dir, "helper-000-rkbridge.R"))
  writeLines(POSTLUDE, file.path(dir, "helper-zzz-rkbridge.R"))
}

# ---- the child: one test file, one reporter that writes as it goes ----------------------------
CHILD <- '
args <- commandArgs(TRUE)
dir <- args[[1]]; file <- args[[2]]; out <- args[[3]]
Sys.setenv(NOT_CRAN = "true")
suppressPackageStartupMessages(library(testthat))
clean <- function(x) substr(gsub("[\\r\\n\\t]+", " | ", paste(x, collapse = " ")), 1, 400)
write_row <- function(test, result, msg) {
  row <- data.frame(file = file, test = clean(test), result = result, message = clean(msg))
  utils::write.table(row, out, sep = ",", append = TRUE, col.names = FALSE,
                     row.names = FALSE, qmethod = "double")
}
HeldoutReporter <- R6::R6Class("HeldoutReporter", inherit = testthat::Reporter, public = list(
  cur = NULL,
  start_test = function(context, test) {
    self$cur <- list(error = FALSE, fail = FALSE, skip = FALSE, ok = 0L, msg = "")
  },
  add_result = function(context, test, result) {
    if (is.null(self$cur)) {              # outside test_that(): record alone
      self$start_test(context, test); self$add_result(context, test, result)
      self$end_test(context, if (is.null(test)) "(outside test_that)" else test)
      return(invisible())
    }
    first <- function() if (!nzchar(self$cur$msg)) self$cur$msg <- conditionMessage(result)
    if (inherits(result, "expectation_error")) { self$cur$error <- TRUE; first() }
    else if (inherits(result, "expectation_failure")) { self$cur$fail <- TRUE; first() }
    else if (inherits(result, "expectation_skip")) { self$cur$skip <- TRUE; first() }
    else if (inherits(result, "expectation_success")) self$cur$ok <- self$cur$ok + 1L
  },
  end_test = function(context, test) {
    c <- self$cur
    if (is.null(c)) return(invisible())
    res <- if (c$error) "error" else if (c$fail) "fail" else if (c$skip) "skip"
           else if (c$ok > 0) "pass" else "skip"
    msg <- if (res == "skip" && !nzchar(c$msg)) "empty test" else if (res == "pass") "" else c$msg
    write_row(test, res, msg)
    self$cur <- NULL
  }
))
setwd(dir)
res <- tryCatch(
  testthat::test_file(file.path(dir, file), reporter = HeldoutReporter$new(),
                      stop_on_failure = FALSE),
  error = function(e) write_row("(file)", "error", paste("file aborted:", conditionMessage(e))))
'

run_file <- function(dir, file, timeout) {
  out <- tempfile(fileext = ".csv")
  child <- file.path(dirname(dir), "heldout-child.R")
  if (!file.exists(child)) writeLines(CHILD, child)
  log <- tempfile(fileext = ".log")
  rscript <- file.path(R.home("bin"), "Rscript")
  status <- system2("timeout", c("--kill-after=10", timeout, rscript, "--vanilla", shQuote(child),
                                 shQuote(dir), shQuote(file), shQuote(out)),
                    stdout = log, stderr = log)
  rows <- if (file.exists(out) && file.size(out) > 0)
    utils::read.csv(out, header = FALSE, col.names = c("file", "test", "result", "message"),
                    colClasses = "character")
  else data.frame(file = character(), test = character(), result = character(),
                  message = character())
  if (status != 0) {
    tail <- paste(utils::tail(readLines(log, warn = FALSE), 5), collapse = " | ")
    why <- if (status %in% c(124, 137)) sprintf("timeout after %g s", timeout)
           else sprintf("child exited with status %d", status)
    rows <- rbind(rows, data.frame(file = file, test = "(file aborted)", result = "error",
                                   message = substr(paste0(why, ": ", tail), 1, 400)))
  }
  rows
}

mark_not_runnable <- function(rows) {
  rows$runnable <- TRUE
  rows$reason <- ""
  for (rule in NOT_RUNNABLE) {
    hit <- grepl(rule$file, rows$file) & grepl(rule$test, rows$test, ignore.case = TRUE) &
      rows$runnable
    rows$runnable[hit] <- FALSE
    rows$reason[hit] <- rule$reason
  }
  rows
}

summarise <- function(rows) {
  count <- function(r) c(pass = sum(r$runnable & r$result == "pass"),
                         fail = sum(r$runnable & r$result == "fail"),
                         error = sum(r$runnable & r$result == "error"),
                         skip = sum(r$runnable & r$result == "skip"),
                         not_runnable = sum(!r$runnable))
  per_file <- do.call(rbind, lapply(split(rows, rows$file), count))
  total <- count(rows)
  tab <- rbind(per_file, TOTAL = total)
  rate <- function(x) x[["pass"]] / max(1, x[["pass"]] + x[["fail"]] + x[["error"]])
  tab <- cbind(as.data.frame(tab), pass_rate = round(apply(tab, 1, rate), 3))
  print(tab)
  cat(sprintf("\nPass rate over runnable tests: %d / %d = %.1f%% (skipped: %d, not runnable: %d)\n",
              total[["pass"]], total[["pass"]] + total[["fail"]] + total[["error"]],
              100 * rate(total), total[["skip"]], total[["not_runnable"]]))
  invisible(tab)
}

main <- function() {
  opts <- parse_args(commandArgs(TRUE))
  if (!is.null(opts$summary)) {
    rows <- utils::read.csv(opts$summary, colClasses = "character")[, 1:4]
    return(invisible(summarise(mark_not_runnable(rows))))
  }
  dir <- extract_suite(opts$repo, opts$tag)
  prepare_suite(dir, startsWith(opts$tag, "v1."))
  files <- if (!is.null(opts$file)) strsplit(opts$file, ",", fixed = TRUE)[[1]]
           else sort(list.files(dir, pattern = "^test.*\\.[Rr]$"))
  rows <- NULL
  for (f in files) {
    t0 <- Sys.time()
    r <- run_file(dir, f, opts$timeout)
    cat(sprintf("%-36s %3d tests, %5.0f s\n", f, nrow(r),
                as.numeric(Sys.time() - t0, units = "secs")))
    rows <- rbind(rows, r)
  }
  rows <- mark_not_runnable(rows)
  if (!is.null(opts$out)) utils::write.csv(rows, opts$out, row.names = FALSE)
  cat(sprintf("\n%s at %s\n", opts$repo, opts$tag))
  summarise(rows)
}

if (sys.nframe() == 0L) main()
