# The first engine call starts Python itself and imports the engine on a Python thread while
# reticulate loads (src/early_python.c); reticulate then attaches to that interpreter. Each
# case runs in a fresh Rscript, since only a fresh session takes this road.
run_fresh <- function(code) {
  script <- tempfile(fileext = ".R")
  writeLines(code, script)
  out <- system2(file.path(R.home("bin"), "Rscript"), script, stdout = TRUE, stderr = FALSE)
  grep("^RESULT ", out, value = TRUE)
}

test_that("a fresh session starts the engine's Python early and uses it through reticulate", {
  skip_if(.Platform$OS.type != "unix")
  skip_if(!nzchar(rkbridge:::recorded(2L)), "no shared libpython recorded at install")
  out <- run_fresh(c(
    "suppressPackageStartupMessages(library(rkbridge))",
    "m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2, kernel_initializer = 'ones')",
    "p <- predict(m, matrix(1:6, 2))",
    "sys <- reticulate::import('sys')",
    "cat('RESULT', reticulate:::was_python_initialized_by_reticulate(),",
    "    normalizePath(sys$prefix) == normalizePath(dirname(dirname(rkbridge_python()))),",
    "    identical(dim(p), c(2L, 2L)), p[2, 1], '\\n')"))
  # not started by reticulate, the venv's prefix, and a working model (row 2 = 2 + 4 + 6)
  expect_identical(out, "RESULT FALSE TRUE TRUE 12 ")
})

test_that("options(rkbridge.early_start = FALSE) leaves Python's start to reticulate", {
  out <- run_fresh(c(
    "options(rkbridge.early_start = FALSE)",
    "suppressPackageStartupMessages(library(rkbridge))",
    "m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2, kernel_initializer = 'ones')",
    "cat('RESULT', reticulate:::was_python_initialized_by_reticulate(),",
    "    predict(m, matrix(1:6, 2))[2, 1], '\\n')"))
  expect_identical(out, "RESULT TRUE 12 ")
})

test_that("a session that loaded reticulate first is not touched", {
  out <- run_fresh(c(
    "loadNamespace('reticulate')",
    "suppressPackageStartupMessages(library(rkbridge))",
    "m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2, kernel_initializer = 'ones')",
    "cat('RESULT', reticulate:::was_python_initialized_by_reticulate(),",
    "    predict(m, matrix(1:6, 2))[2, 1], '\\n')"))
  expect_identical(out, "RESULT TRUE 12 ")
})
