# tfruns's flags() and tensorflow's tensorboard(), as keras 2.x scripts call them
# (R/runs.R, rkbridge/tracking/runs.py); quora_siamese_lstm and mnist_cnn_embeddings use them.

test_that("flags() gives the defaults, typed, in the order declared", {
  skip_if_no_engine()
  f <- flags(flag_integer("vocab_size", 50000), flag_numeric("regularization", 1e-4),
             flag_boolean("augment", TRUE), flag_string("optimizer", "adam"),
             arguments = character())
  expect_identical(names(f), c("vocab_size", "regularization", "augment", "optimizer"))
  expect_identical(f$vocab_size, 50000L)  # an integer flag is an R integer
  expect_identical(f$regularization, 1e-4)
  expect_identical(f$augment, TRUE)
  expect_identical(f$optimizer, "adam")
})

test_that("flags() takes values from --name=value and --name value arguments", {
  skip_if_no_engine()
  f <- flags(flag_integer("units", 64), flag_numeric("dropout", 0.5),
             flag_boolean("augment", TRUE), flag_string("optimizer", "adam"),
             arguments = c("--units=128", "--optimizer", "sgd", "--augment=false",
                           "not-a-flag"))
  expect_identical(f$units, 128L)
  expect_identical(f$optimizer, "sgd")
  expect_identical(f$augment, FALSE)
  expect_identical(f$dropout, 0.5)
  # Rscript's trailing arguments are the default
  expect_identical(flags(flag_integer("n", 3))$n, 3L)
})

test_that("flags() refuses undeclared flags and values of the wrong type", {
  skip_if_no_engine()
  expect_error(flags(flag_integer("units", 64), arguments = "--unit=3"),
               "\"unit\", which is not defined: the flags are units")
  expect_error(flags(flag_integer("units", 64), arguments = "--units=1.5"),
               "must be an integer")
  expect_error(flag_boolean("augment", "maybe"), "must be a boolean")
  expect_error(flags(list(1, 2)), "flag_numeric")
})

test_that("tensorboard() serves a log directory and stops", {
  skip_if_no_engine()
  skip_if_not(reticulate::py_module_available("tensorboard"))
  logs <- file.path(tempfile("tb-"), "logs")
  address <- tensorboard(logs, launch_browser = FALSE)
  expect_match(address, "^http://127.0.0.1:[0-9]+$")
  expect_true(dir.exists(logs))  # made when missing
  page <- readLines(url(paste0(address, "/")), warn = FALSE)
  expect_true(any(grepl("TensorBoard", page, ignore.case = TRUE)))
  expect_null(tensorboard(action = "stop"))
  expect_error(suppressWarnings(readLines(url(paste0(address, "/")))))  # no server now
})

test_that("flags() refuses an integer R cannot hold and flags written without --", {
  skip_if_no_engine()
  # 1e12 would wrap around to -727379968 as an R integer
  expect_error(flags(flag_integer("units", 64), arguments = "--units=1e12"),
               "Flag \"units\" must be an integer value from")
  expect_identical(flags(flag_numeric("units", 64), arguments = "--units=1e12")$units, 1e12)
  expect_error(flags(flag_integer("units", 64), arguments = "-units=5"),
               "\"-units=5\" is not read as flag \"units\": write it as --units=5")
  expect_error(flags(flag_integer("units", 64), arguments = "units=5"),
               "\"units=5\" is not read as flag \"units\"")
})

test_that("tensorboard() on a port another program holds is an error naming the port", {
  skip_if_no_engine()
  skip_if_not(reticulate::py_module_available("tensorboard"))
  socket <- reticulate::import("socket")
  holder <- socket$socket(socket$AF_INET, socket$SOCK_STREAM)
  on.exit(holder$close())
  holder$bind(reticulate::tuple("127.0.0.1", 0L))
  holder$listen(1L)
  port <- holder$getsockname()[[2]]
  expect_error(tensorboard(file.path(tempfile("tb-"), "logs"), port = port,
                           launch_browser = FALSE),
               sprintf("`port` %d is not free on 127.0.0.1", port), fixed = TRUE)
})
