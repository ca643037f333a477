# dataset_*() and get_file() from R: synthetic files of the real formats in a temporary
# Keras cache (never the network); the R structure of the R interface to Keras, element by
# element.

# A new Keras cache for the calling test (KERAS_HOME restored when it ends).
local_keras_home <- function(env = parent.frame()) {
  home <- tempfile("keras_home")
  dir.create(file.path(home, "datasets"), recursive = TRUE)
  old <- Sys.getenv("KERAS_HOME", unset = NA)
  Sys.setenv(KERAS_HOME = home)
  restore <- if (is.na(old)) quote(Sys.unsetenv("KERAS_HOME")) else
    bquote(Sys.setenv(KERAS_HOME = .(old)))
  do.call(on.exit, list(restore, add = TRUE), envir = env)
  home
}

# A file of the cache written by Python code (`PATH` is its path; NumPy is `_np`).
py_file <- function(home, name, code) {
  path <- file.path(home, "datasets", name)
  reticulate::py_run_string(paste0("import numpy as _np\nPATH = r'", path, "'\n", code))
  path
}

test_that("dataset_mnist(): list(train = list(x, y), test = ...) of integer arrays, n x 28 x 28", {
  skip_if_no_engine()
  home <- local_keras_home()
  # written by NumPy in Keras's format (uint8, C order): image i, row j, column k holds
  # ((i-1)*784 + (j-1)*28 + (k-1)) %% 256, with offset 100 for the test images
  py_file(home, "mnist.npz", paste(
    "_a = _np.arange(3 * 784).reshape(3, 28, 28) % 256",
    "_b = (_np.arange(2 * 784).reshape(2, 28, 28) + 100) % 256",
    "_np.savez(PATH, x_train=_a.astype('uint8'), y_train=_np.array([5, 0, 4], 'uint8'),",
    "          x_test=_b.astype('uint8'), y_test=_np.array([7, 2], 'uint8'))", sep = "\n"))
  ijk <- function(n) {
    g <- expand.grid(i = seq_len(n), j = 1:28, k = 1:28)
    array((g$i - 1) * 784 + (g$j - 1) * 28 + (g$k - 1), c(n, 28, 28))
  }
  x_train <- ijk(3) %% 256
  x_test <- (ijk(2) + 100) %% 256
  expect_warning(mnist <- dataset_mnist(), "used as it is")
  expect_named(mnist, c("train", "test"))
  expect_named(mnist$train, c("x", "y"))
  expect_identical(dim(mnist$train$x), c(3L, 28L, 28L))
  expect_type(mnist$train$x, "integer")
  expect_identical(mnist$train$x, array(as.integer(x_train), c(3, 28, 28)))
  expect_identical(mnist$test$x[2, 5, 9], as.integer(x_test[2, 5, 9]))
  expect_identical(mnist$train$y, array(c(5L, 0L, 4L)))
  expect_identical(mnist$test$y, array(c(7L, 2L)))
})

test_that("dataset_mnist() offline with nothing cached names the URL and the cache path", {
  skip_if_no_engine()
  home <- local_keras_home()
  reticulate::py_run_string(paste(
    "import socket, urllib.request", "from rkbridge.persistence import downloads as _rkd",
    "_rk_saved_open = _rkd._open",
    "_s = socket.socket(); _s.bind(('127.0.0.1', 0)); _rk_port = _s.getsockname()[1]; _s.close()",
    "_rkd._open = lambda url: urllib.request.urlopen(f'http://127.0.0.1:{_rk_port}/', timeout=5)",
    sep = "\n"))
  on.exit(reticulate::py_run_string("_rkd._open = _rk_saved_open"), add = TRUE)
  err <- expect_error(dataset_mnist(), class = "rkbridge_network_error")
  expect_match(conditionMessage(err),
               "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
               fixed = TRUE)
  expect_match(conditionMessage(err), file.path(home, "datasets", "mnist.npz"), fixed = TRUE)
})

test_that("dataset_imdb(): x a list of integer vectors, y integers; arguments honoured", {
  skip_if_no_engine()
  home <- local_keras_home()
  py_file(home, "imdb.npz", paste(
    "_x = _np.empty(3, dtype=object); _x[:] = [[1, 2, 3], [4, 5], [1, 6, 7, 8, 9]]",
    "_t = _np.empty(2, dtype=object); _t[:] = [[2, 2], [9, 1, 3]]",
    "_np.savez(PATH, x_train=_x, y_train=_np.array([1, 0, 1]), x_test=_t,",
    "          y_test=_np.array([0, 1]))", sep = "\n"))
  imdb <- suppressWarnings(dataset_imdb(num_words = 8))
  expect_type(imdb$train$x, "list")
  expect_true(all(vapply(imdb$train$x, is.integer, TRUE)))
  expect_type(imdb$train$y, "integer")
  # start_char 1, word w -> w + 3, values >= num_words -> oov_char 2 (shuffled by seed 113)
  want <- list(c(1L, 4L, 5L, 6L), c(1L, 7L, 2L), c(1L, 4L, 2L, 2L, 2L, 2L))
  key <- function(s) paste(s, collapse = " ")
  expect_setequal(vapply(imdb$train$x, key, ""), vapply(want, key, ""))
  labels <- c("1 4 5 6" = 1L, "1 7 2" = 0L, "1 4 2 2 2 2" = 1L)
  expect_identical(imdb$train$y, array(unname(labels[vapply(imdb$train$x, key, "")])))
  raw <- suppressWarnings(dataset_imdb(start_char = NULL, index_from = 0, oov_char = NULL))
  # no shift, no start mark; num_words defaults to the largest index (9), which is dropped
  expect_setequal(vapply(raw$test$x, key, ""), c("2 2", "1 3"))
  # keras's %<-% style access by position
  expect_identical(imdb[[1]][[2]], imdb$train$y)
})

test_that("dataset_imdb_word_index() is a named list of integers", {
  skip_if_no_engine()
  home <- local_keras_home()
  writeLines('{"the": 1, "movie": 17}', file.path(home, "datasets", "imdb_word_index.json"))
  index <- suppressWarnings(dataset_imdb_word_index())
  expect_identical(index[["movie"]], 17L)
  expect_setequal(names(index), c("the", "movie"))
})

test_that("dataset_boston_housing(): numeric matrix x with 13 columns", {
  skip_if_no_engine()
  home <- local_keras_home()
  py_file(home, "boston_housing.npz", paste(
    "_np.savez(PATH, x=_np.arange(130).reshape(10, 13) / 7, y=_np.arange(1, 11) * 1.5)",
    sep = "\n"))
  x <- outer(0:9, 0:12, function(i, j) (i * 13 + j) / 7)
  y <- seq_len(10) * 1.5
  b <- suppressWarnings(dataset_boston_housing(test_split = 0.3))
  expect_identical(dim(b$train$x), c(7L, 13L))
  expect_type(b$test$y, "double")
  # rows stay rows: each sample's features and target belong together
  for (i in seq_len(3)) {
    r <- which(apply(x, 1, function(row) isTRUE(all.equal(row, b$test$x[i, ]))))
    expect_equal(y[r], b$test$y[i])
  }
})

test_that("get_file() downloads (file://) into the cache once, checks hashes, extracts", {
  skip_if_no_engine()
  home <- local_keras_home()
  src <- tempfile(fileext = ".txt")
  writeLines("hello", src)
  path <- get_file("hello.txt", origin = paste0("file://", src))
  expect_identical(normalizePath(path), normalizePath(file.path(home, "datasets", "hello.txt")))
  expect_identical(readLines(path), "hello")
  unlink(src)  # the cached copy is used from now on
  expect_identical(get_file("hello.txt", origin = paste0("file://", src)), path)
  src2 <- tempfile(fileext = ".txt")
  writeLines("hello", src2)
  expect_error(get_file("bad.txt", origin = paste0("file://", src2), file_hash = strrep("0", 64)),
               class = "rkbridge_value_error")
  md5 <- unname(tools::md5sum(src2))
  expect_true(file.exists(get_file("ok.txt", origin = paste0("file://", src2), md5_hash = md5)))
  dir.create(file.path(tempdir(), "pack"), showWarnings = FALSE)
  writeLines("inside", file.path(tempdir(), "pack", "inner.txt"))
  tarball <- file.path(tempdir(), "pack.tar.gz")
  wd <- setwd(tempdir())
  utils::tar(tarball, "pack", compression = "gzip")
  setwd(wd)
  dir <- get_file("pack.tar.gz", origin = paste0("file://", tarball), extract = TRUE)
  expect_identical(readLines(file.path(dir, "pack", "inner.txt")), "inside")
})
