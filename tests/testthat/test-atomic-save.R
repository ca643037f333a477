# Nothing lost: a save_*() that fails midway (here: the file-size limit of `ulimit -f`, with
# SIGXFSZ ignored so that writes fail with EFBIG instead of killing R) must leave the file
# that was there intact and no temporary files behind, for every exported save function.

save_functions <- c("save_model", "save_model_hdf5",
                    "save_model_weights_hdf5", "save_model_weights")
extension <- function(fn) if (grepl("hdf5", fn)) ".h5" else if (grepl("weights", fn)) ".weights.h5" else ".keras"

test_that("a save that fails midway leaves the previous file intact", {
  skip_if_no_engine()
  skip_on_os("windows")
  skip_if(Sys.which("bash") == "", "bash is needed for ulimit")
  ns <- asNamespace("rkbridge")
  expect_true(all(save_functions %in% getNamespaceExports(ns)),
              info = paste(setdiff(save_functions, getNamespaceExports(ns)), collapse = ", "))
  rscript <- file.path(R.home("bin"), "Rscript")
  for (fn in save_functions) {
    dir <- tempfile("rk-atomic-")
    dir.create(dir)
    path <- file.path(dir, paste0("model", extension(fn)))
    # the previous file: a small model, saved without a limit
    small <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(2)
    compile(small, optimizer = "adam", loss = "mse")
    get(fn, envir = ns)(small, path)
    expect_true(file.exists(path), info = fn)
    before <- unname(tools::md5sum(path))
    size_limit_kb <- ceiling(file.size(path) / 1024) + 64
    child <- file.path(dir, "child.R")
    writeLines(c(
      "suppressPackageStartupMessages(library(rkbridge))",
      "big <- keras_model_sequential(input_shape = c(400)) %>% layer_dense(400) %>% layer_dense(2)",
      "compile(big, optimizer = 'adam', loss = 'mse')",
      sprintf("res <- tryCatch({ rkbridge::%s(big, '%s'); 'saved' },", fn, path),
      "  error = function(e) paste(c(class(e), conditionMessage(e)), collapse = ' | '))",
      "cat('RESULT:', res, '\\n')"), child)
    # the child reports on stdout, a pipe, which the file-size limit does not touch
    out <- system2("bash", c("-c", shQuote(sprintf("trap '' XFSZ; ulimit -f %d; exec '%s' '%s'",
                                                    size_limit_kb, rscript, child))),
                   stdout = TRUE, stderr = TRUE)
    result <- grep("^RESULT:", out, value = TRUE)
    expect_length(result, 1)
    expect_false(grepl("RESULT: saved", result[1], fixed = TRUE), info = fn)
    expect_match(result[1], "rkbridge_error", fixed = TRUE, info = paste(fn, result[1]))
    expect_identical(unname(tools::md5sum(path)), before, info = fn)
    left <- setdiff(list.files(dir, all.files = TRUE, no.. = TRUE), c(basename(path), "child.R"))
    expect_identical(left, character(), info = fn)
    unlink(dir, recursive = TRUE)
  }
})

test_that("saveRDS() of a model needs no temporary directory", {
  skip_if_no_engine()
  skip_on_os("windows")
  dir <- tempfile("rk-notmp-")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  tmp <- file.path(dir, "tmp")
  dir.create(tmp)
  target <- file.path(dir, "model.rds")
  child <- file.path(dir, "child.R")
  writeLines(c(
    "suppressPackageStartupMessages(library(rkbridge))",
    "model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(2)",
    "compile(model, optimizer = 'adam', loss = 'mse')",
    "x <- matrix(1:6 / 6, 2, 3)",
    "p <- predict(model, x, verbose = 0)",
    # the engine's temporary directory, fixed now, then gone (as a full disk fails it)
    "stopifnot(startsWith(reticulate::import('tempfile')$gettempdir(), Sys.getenv('TMPDIR')))",
    "unlink(Sys.getenv('TMPDIR'), recursive = TRUE)",
    sprintf("res <- tryCatch({ saveRDS(list(model = model, p = p, x = x), '%s'); 'saved' },", target),
    "  error = function(e) conditionMessage(e))",
    "cat('RESULT:', res, '\\n')"), child)
  out <- system2(file.path(R.home("bin"), "Rscript"), child, stdout = TRUE, stderr = TRUE,
                 env = paste0("TMPDIR=", tmp))
  expect_identical(grep("^RESULT:", out, value = TRUE), "RESULT: saved ",
                   info = paste(tail(out, 20), collapse = "\n"))
  expect_false(dir.exists(tmp))
  back <- readRDS(target)
  expect_equal(predict(back$model, back$x, verbose = 0), back$p, tolerance = 1e-6)
})
