# Custom classes as both R interfaces' suites use them: callback hooks that return logs, R6
# classes inheriting Keras classes, classes defined before Python starts, layers called on
# numbers, masks, Sequential inputs, log() with a tensor base. Values are compared with
# what Keras computes itself.

fit_small <- function(callbacks, epochs = 2) {
  set.seed(1)
  x <- matrix(runif(40), ncol = 4)
  model <- keras_model_sequential(input_shape = 4) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse")
  fit(model, x, rowSums(x), epochs = epochs, batch_size = 5, verbose = 0,
      callbacks = callbacks)
}

test_that("a hook returning a named list adds to Keras's logs; later hooks and the history see it", {
  skip_if_no_engine()
  first <- Callback("AddEpoch", on_epoch_end = function(epoch, logs = NULL) {
    logs[["my_epoch"]] <- epoch
    logs[["twice_loss"]] <- 2 * logs[["loss"]]
    logs
  })
  seen <- new.env()
  second <- Callback("SeeEpoch", on_epoch_end = function(epoch, logs = NULL) {
    seen[[as.character(epoch)]] <- logs[["my_epoch"]]
    invisible(NULL)  # not a named list: logs stay as they are
  })
  h <- fit_small(list(first(), second()), epochs = 3)
  expect_identical(h$metrics$my_epoch, 1:3)  # 1-based epochs, integers kept
  expect_equal(h$metrics$twice_loss, 2 * h$metrics$loss, tolerance = 1e-6)
  expect_identical(mget(c("1", "2", "3"), envir = seen), list(`1` = 1L, `2` = 2L, `3` = 3L))
  # a hook whose value is not a named list (print(), a number) changes nothing
  quiet <- Callback("Quiet", on_epoch_end = function(epoch, logs = NULL) 42)
  expect_identical(names(fit_small(list(quiet()))$metrics), "loss")
})

test_that("an R6 class inheriting keras$callbacks$Callback keeps its NULL fields", {
  skip_if_no_engine()
  LossHistory <- R6::R6Class("LossHistoryH", inherit = keras$callbacks$Callback,
    public = list(
      losses = NULL,
      on_batch_end = function(batch, logs = list()) {
        self$losses <- c(self$losses, logs[["loss"]])
      }))
  lh <- r_to_py(LossHistory)()
  expect_null(lh$losses)
  h <- fit_small(list(lh), epochs = 1)
  losses <- unlist(lh$losses)
  expect_length(losses, 2L)  # 10 rows, batches of 5
  expect_equal(losses[[2]], h$metrics$loss, tolerance = 1e-6)  # the epoch's running mean
  expect_false(is.null(lh$model))  # a NULL field never hides a Keras attribute
})

test_that("an R6 class inheriting a Keras class initialises it with its own super$initialize()", {
  skip_if_no_engine()
  Scaled <- R6::R6Class("ScaledWrapperH", inherit = keras$layers$Wrapper,
    public = list(
      initialize = function(factor, ...) {
        super$initialize(...)  # `layer` (required by Wrapper) comes through `...`
        self$factor <- factor
      },
      build = function(input_shape) self$layer$build(input_shape),
      call = function(x, mask = NULL) self$layer(x) * self$factor,
      compute_output_shape = function(input_shape) self$layer$compute_output_shape(input_shape)
    ))
  inner <- layer_dense(units = 2, kernel_initializer = "ones", use_bias = FALSE)
  model <- keras_model_sequential(input_shape = 3) %>%
    create_layer(Scaled, ., list(layer = inner, factor = 10, name = "scaled"))
  x <- matrix(1:6, 2)
  expect_identical(model$layers[[1]]$name, "scaled")
  expect_equal(predict(model, x, verbose = 0), 10 * cbind(rowSums(x), rowSums(x)))
})

test_that("%py_class% defines a class without starting Python; unnamed arguments go by position", {
  skip_if_no_engine()
  skip_if_not_installed("callr")
  libs <- .libPaths()
  res <- callr::r(function(libs) {
    .libPaths(libs)
    library(rkbridge)
    Base %py_class% {
      initialize <- function(x) self$x <- x
      get <- function() self$x
    }
    Child(Base) %py_class% {
      initialize <- function(...) super$initialize(...)
    }
    started <- reticulate:::is_python_initialized()
    list(started = started, value = Child(42)$get())
  }, args = list(libs), env = c(callr::rcmd_safe_env(),
                                RKBRIDGE_PYTHON = Sys.getenv("RKBRIDGE_PYTHON"),
                                PYTHONPATH = Sys.getenv("PYTHONPATH")))
  expect_false(res$started)
  expect_equal(res$value, 42)
})

test_that("r_to_py() finds an r_to_py method defined where it is called", {
  skip_if_no_engine()
  o <- structure(1, class = "rk_unconvertible_test")
  r_to_py.rk_unconvertible_test <- function(x, convert = FALSE) stop("not convertible")
  expect_error(r_to_py(o), "not convertible")
  expect_equal(py_to_r(r_to_py(list(a = 1))), list(a = 1))
})

test_that("layers and models called on an R number; extra arguments go to Keras", {
  skip_if_no_engine()
  times3 <- Layer("Times3H", call = function(x) x * 3)
  expect_equal(as.numeric(times3()(2)), 6)
  model <- keras_model_sequential() %>% layer_dropout(rate = 0.99999999)
  expect_equal(as.numeric(model(1, training = TRUE)), 0)
  expect_equal(as.numeric(model(1, training = FALSE)), 1)
  base <- Layer("BaseH", initialize = function(x) {
      super()$`__init__`()
      self$x <- x
    },
    build = function(input_shape) self$k <- 3,
    call = function(x) x)
  child <- Layer("ChildH", inherit = base,
    initialize = function(x) super()$`__init__`(x^2),
    call = function(x, ...) x * self$k * self$x)
  expect_equal(as.numeric(child(x = 2)(1)), 12)
})

test_that("model$input and model$output of a Sequential model", {
  skip_if_no_engine()
  model <- keras_model_sequential() %>%
    layer_dense(20, input_shape = 30) %>%
    layer_dense(10)
  expect_identical(dim(model$input), c(NA_integer_, 30L))
  expect_identical(dim(model$output), c(NA_integer_, 10L))
  expect_error(keras_model_sequential()$input, "no input yet")
})

test_that("input_mask and output_mask of an R-defined layer are those of its first call", {
  skip_if_no_engine()
  PassMask <- R6::R6Class("PassMaskH", inherit = keras$layers$Layer,
    public = list(
      supports_masking = TRUE,
      call = function(x, mask = NULL) x * 2,
      compute_mask = function(x, mask = NULL) mask))
  input <- layer_input(shape = 3)
  masked <- layer_masking(input, mask_value = 0)
  layer <- create_layer(PassMask, args = list())
  output <- layer(masked)
  expect_identical(dim(layer$input_mask), NA_integer_)
  expect_identical(layer$output_mask$dtype, "bool")
  model <- keras_model(input, output)
  # the mask computed on data: a row of zeros is masked out
  m <- layer$compute_mask(NULL, op_convert_to_tensor(c(TRUE, FALSE)))
  expect_identical(as.logical(as.array(m)), c(TRUE, FALSE))
  expect_error(create_layer(PassMask, args = list())$input_mask, "not been called")
})

test_that("log() of a tensor with a tensor base, eager and symbolic", {
  skip_if_no_engine()
  x <- op_convert_to_tensor(c(2, 8, 32))
  expect_equal(as.array(log(x, base = op_convert_to_tensor(2))), array(c(1, 3, 5)),
               tolerance = 1e-6)
  expect_equal(as.array(log(x, base = x)), array(c(1, 1, 1)), tolerance = 1e-6)
  kt <- layer_input(shape = 3)
  out <- log(kt, base = kt)
  expect_s3_class(out, "keras.src.backend.common.keras_tensor.KerasTensor")
  model <- keras_model(kt, log(kt, base = op_convert_to_tensor(2)))
  expect_equal(predict(model, matrix(c(2, 4, 8), 1), verbose = 0), matrix(1:3, 1),
               tolerance = 1e-6)
})
