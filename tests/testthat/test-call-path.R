# One way into the engine (rk_call()), one conversion generic (rk_to_engine()), and errors
# that name the user's call, not the package's internals.

call_model <- function() {
  m <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(2, name = "out")
  compile(m, optimizer = "sgd", loss = "mse")
  m
}

call_of <- function(expr) {
  e <- tryCatch(expr, error = identity)
  expect_s3_class(e, "rkbridge_error")
  paste(deparse(conditionCall(e), width.cutoff = 500L), collapse = "")
}

geterrmessage_of <- function(expr) {
  try(expr, silent = TRUE)
  geterrmessage()
}

test_that("an engine error names the user's call, for every kind of verb", {
  skip_if_no_engine()
  model <- call_model()
  x <- matrix(1, 10, 3)
  x_bad <- matrix(1, 10, 4)
  y <- matrix(1, 10, 2)
  expect_identical(call_of(fit(model, x_bad, y)), "fit(model, x_bad, y)")
  expect_identical(call_of(fit(model, x_bad, y, epochs = 2, verbose = 0)),
                   "fit(model, x_bad, y, epochs = 2, verbose = 0)")
  expect_identical(call_of(evaluate(model, x_bad, y, verbose = 0)),
                   "evaluate(model, x_bad, y, verbose = 0)")
  # an S3 method is named by its generic, as the user wrote it
  expect_identical(call_of(predict(model, x_bad)), "predict(model, x_bad)")
  expect_identical(call_of(predict_on_batch(model, x_bad)), "predict_on_batch(model, x_bad)")
  expect_identical(call_of(model(x_bad)), "model(x_bad)")
  expect_identical(call_of(compile(model, loss = "nope")), "compile(model, loss = \"nope\")")
  expect_identical(call_of(get_layer(model, index = 9)), "get_layer(model, index = 9)")
  expect_identical(call_of(layer_dense(model, units = -1)), "layer_dense(model, units = -1)")
  expect_identical(call_of(k_concatenate(list(x, x_bad), axis = 1)),
                   "k_concatenate(list(x, x_bad), axis = 1)")
  # the message is the engine's, unchanged
  e <- tryCatch(fit(model, x_bad, y), error = identity)
  expect_identical(conditionMessage(e), paste0(
    "`x` has dim() c(10, 4) but the model expects c(NA, 3) (NA: any size): ",
    "dimension 2 should be 3, not 4."))
  expect_identical(geterrmessage_of(fit(model, x_bad, y)),
                   paste0("Error in fit(model, x_bad, y) : \n  ", conditionMessage(e), "\n"))
})

test_that("through pipes, the verb's call; from a user's function, the rkbridge call in it", {
  skip_if_no_engine()
  model <- call_model()
  x_bad <- matrix(1, 10, 4)
  y <- matrix(1, 10, 2)
  expect_identical(call_of(model %>% fit(x_bad, y, verbose = 0)), "fit(., x_bad, y, verbose = 0)")
  expect_identical(call_of(model |> fit(x_bad, y, verbose = 0)),
                   "fit(model, x_bad, y, verbose = 0)")
  expect_identical(call_of(model %>% predict(x_bad)), "predict(., x_bad)")
  train <- function(m, data) fit(m, data, y, verbose = 0)
  expect_identical(call_of(train(model, x_bad)), "fit(m, data, y, verbose = 0)")
  expect_identical(call_of(lapply(list(x_bad), function(d) predict(model, d))),
                   "predict(model, d)")
})

test_that("errors raised on the R side of a call name the user's call too", {
  skip_if_no_engine()
  model <- call_model()
  x_bad <- matrix(1, 10, 4)
  expect_identical(call_of(fit(model, as.Date("2020-01-01") + 0:9, 1:10, verbose = 0)),
                   "fit(model, as.Date(\"2020-01-01\") + 0:9, 1:10, verbose = 0)")
  expect_identical(call_of(compile(model, "sgd", "mse", NULL, 1)),
                   "compile(model, \"sgd\", \"mse\", NULL, 1)")
  t <- k_constant(matrix(1, 2, 2))
  expect_identical(call_of(t[5, 1]), "t[5, 1]")
  expect_identical(call_of(k_reshape(t, c(3, 5))), "k_reshape(t, c(3, 5))")
})

test_that("an error in an R function the engine calls back names the verb that called it", {
  skip_if_no_engine()
  model <- call_model()
  bad <- callback_lambda(on_epoch_end = function(epoch, logs) stop("no more"))
  expect_identical(call_of(fit(model, matrix(1, 10, 3), matrix(1, 10, 2), callbacks = list(bad),
                               verbose = 0)),
                   "fit(model, matrix(1, 10, 3), matrix(1, 10, 2), callbacks = list(bad), verbose = 0)")
})

test_that("rk_call() calls the engine by name or a Python object, and keeps Python results", {
  skip_if_no_engine()
  rk_call <- rkbridge:::rk_call
  model <- call_model()
  x <- matrix(c(1, 2, 3), 1, 3)
  by_name <- rk_call("predict_on_batch", list(object = model, x = x))
  by_object <- rk_call(model, list(x))
  expect_equal(as.array(by_object), by_name, tolerance = 1e-6)
  kept <- rk_call("np_array", list(data = x), keep = TRUE)
  expect_s3_class(kept, "numpy.ndarray")
  expect_identical(py_to_r(kept), x)
  # a function that changed its argument in place returns it, invisibly
  expect_invisible(rk_call("compile", list(object = model, optimizer = "sgd", loss = "mse")))
})

test_that("a trailing comma in a call is no argument; forwarded `...` keep names and order", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = 3) %>% layer_dense(2, name = "out", )
  model %>% compile(loss = "mse", optimizer = "sgd", metrics = "mae", )
  expect_identical(model$loss, "mse")
  expect_identical(model$layers[[1]]$units, 2L)
  f <- function(...) layer_dense(units = 4, ...)
  expect_identical(f(name = "fwd", use_bias = FALSE, )$name, "fwd")
  expect_false(f(name = "fwd2", use_bias = FALSE)$use_bias)
  # Python callables too: TensorFlow's functions, and a layer's methods reached with `$`
  expect_identical(dim(as.array(tf$ones(shape(2, 3), ))), c(2L, 3L))
  layer_scale <- Layer("ScaleTrailing",
    build = function(input_shape) {
      self$w <- self$add_weight(shape = shape(input_shape[[2]]), initializer = "ones", )
    },
    call = function(inputs) inputs * self$w)
  out <- layer_scale()(op_ones(c(1, 3)))
  expect_equal(as.array(out), matrix(1, 1, 3))
  expect_identical(dots_list(1, b = 2, ), list(1, b = 2))
  expect_identical(dots_list(1, b = , c = 3), list(1, c = 3))
})

test_that("rk_to_engine() is one generic: a method per kind of R value", {
  skip_if_no_engine()
  to_engine <- rkbridge:::rk_to_engine
  echo <- rkbridge:::rk_echo
  expect_true(is.function(utils::getS3method("rk_to_engine", "data.frame",
                                             envir = asNamespace("rkbridge"))))
  m <- matrix(as.numeric(1:6), 2)
  expect_identical(echo(m), m)
  # a vector is a 1-d array to the engine, and comes back as one
  expect_identical(echo(c(TRUE, FALSE)), array(c(TRUE, FALSE)))
  expect_identical(echo(matrix(letters[1:4], 2)), matrix(letters[1:4], 2))
  expect_identical(to_engine(NULL), NULL)
  expect_identical(to_engine(2.5), 2.5)
  expect_identical(to_engine("a"), "a")
  # a lone NA of any class is the engine's marker, whatever reticulate would make of it
  na <- rkbridge:::bridge()$na
  for (v in list(NA, NA_integer_, NA_character_, factor(NA), as.Date(NA)))
    expect_true(reticulate::py_id(to_engine(v)) == reticulate::py_id(na))
  expect_false(identical(to_engine(NaN), na))
  expect_match(class(to_engine(data.frame(a = 1:2, b = c(0.5, 1))))[1L], "\\.RDataFrame$")
  expect_match(class(to_engine(factor(c("a", "b"))))[1L], "\\.RFactor$")
  expect_match(class(to_engine(list(1, b = 2)))[1L], "\\.RPartlyNamed$")
  expect_identical(names(to_engine(list(a = 1, b = 2))), c("a", "b"))
  expect_error(to_engine(as.Date("2020-01-01") + 0:1), class = "rkbridge_type_error")
  expect_error(to_engine(data.frame(d = as.Date("2020-01-01") + 0:1)),
               "A data frame column of class 'Date'", class = "rkbridge_type_error")
  expect_error(to_engine(complex(real = 1:2)), "type 'complex'", class = "rkbridge_type_error")
  f <- to_engine(function(x, y) x + y)
  expect_true(inherits(f, "python.builtin.object"))
  expect_true(inherits(to_engine(~ .x + 1), "python.builtin.object"))
  model <- call_model()
  expect_identical(reticulate::py_id(to_engine(model)), reticulate::py_id(model))
})

test_that("a layer or model is named to the engine by its Python id, read natively or by reticulate", {
  skip_if_no_engine()
  model <- call_model()
  ref <- rkbridge:::py_reference(model)
  expect_identical(.Call(rkbridge:::rk_py_id, ref), reticulate::py_id(ref))
  expect_true(rkbridge:::native_ids())
  expect_identical(rkbridge:::held_id(model), reticulate::py_id(ref))
  old <- options(rkbridge.native_ids = FALSE)
  off <- rkbridge:::native_ids()
  by_reticulate <- rkbridge:::held_id(model)
  options(old)
  expect_false(off)
  expect_identical(by_reticulate, reticulate::py_id(ref))
  # not a reticulate handle, and a handle whose object is gone (another session's)
  expect_identical(.Call(rkbridge:::rk_py_id, new.env()), NA_character_)
  gone <- unserialize(serialize(ref, NULL))
  expect_null(.Call(rkbridge:::rk_py_id, gone))
  expect_null(rkbridge:::held_id(structure(gone, class = class(ref))))
})

test_that("predict(model, x) gives what the full argument path gives, and its errors", {
  skip_if_no_engine()
  model <- call_model()
  x <- matrix(c(1, 2, 3, 4, 5, 6), 2, 3, byrow = TRUE)
  expect_identical(predict(model, x), predict(model, x = x, batch_size = 32))
  expect_identical(model %>% predict(x), predict(model, x, verbose = 0))
  expect_identical(dim(predict(model, x[1, , drop = FALSE])), c(1L, 2L))
  forwards <- function(m, d) predict(m, d)
  expect_error(forwards(model), "missing|needs")
  expect_equal(predict(model, as.data.frame(x)), predict(model, x))
})
