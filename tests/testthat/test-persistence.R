# Saving and loading models from R, and models that survive saveRDS()/readRDS().

trained_model <- function() {
  set.seed(11)
  m <- keras_model_sequential(input_shape = c(5)) %>%
    layer_dense(4, activation = "relu", name = "hidden") %>%
    layer_dense(2, name = "out")
  m %>% compile(optimizer = "adam", loss = "mse", metrics = "mae")
  x <- matrix(runif(40 * 5), 40)
  m %>% fit(x, cbind(rowSums(x), x[, 1]), epochs = 2, verbose = 0)
  list(model = m, x = x, p = predict(m, x))
}

# Run R code in a fresh R process (same library paths and engine) and return its value.
in_fresh_r <- function(code, ...) {
  inputs <- list(...)
  fin <- tempfile(fileext = ".rds"); fout <- tempfile(fileext = ".rds")
  saveRDS(inputs, fin)
  script <- tempfile(fileext = ".R")
  writeLines(c("library(rkbridge)", sprintf("inputs <- readRDS('%s')", fin),
               "list2env(inputs, globalenv())",
               sprintf("saveRDS(local({%s}), '%s')", code, fout)), script)
  status <- system2(file.path(R.home("bin"), "Rscript"), script, stdout = FALSE,
                    stderr = FALSE)
  if (status != 0 || !file.exists(fout)) stop("the fresh R process failed")
  readRDS(fout)
}

test_that("save_model()/load_model() and HDF5 keep weights and compile settings", {
  skip_if_no_engine()
  t <- trained_model()
  f <- tempfile(fileext = ".keras")
  expect_invisible(save_model(t$model, f))
  back <- load_model(f)
  expect_equal(predict(back, t$x), t$p, tolerance = 1e-6)
  expect_identical(back$loss, "mse")
  expect_equal(as.array(back$optimizer$iterations), as.array(t$model$optimizer$iterations))
  h5 <- tempfile(fileext = ".h5")
  save_model_hdf5(t$model, h5)
  back <- load_model_hdf5(h5)
  expect_equal(predict(back, t$x), t$p, tolerance = 1e-6)
  expect_true(back$compiled)
})

test_that("weights go to any file name; config, JSON and YAML rebuild the architecture", {
  skip_if_no_engine()
  t <- trained_model()
  wf <- tempfile(fileext = ".hdf5")
  save_model_weights_hdf5(t$model, wf)
  cfg <- get_config(t$model)
  expect_s3_class(cfg, "keras_config")
  expect_identical(cfg$name, t$model$name)
  rds <- tempfile(fileext = ".rds"); saveRDS(cfg, rds)
  twin <- from_config(readRDS(rds))
  expect_false(isTRUE(all.equal(predict(twin, t$x), t$p)))
  load_model_weights_hdf5(twin, wf)
  expect_equal(predict(twin, t$x), t$p, tolerance = 1e-6)
  w <- get_weights(t$model)
  expect_identical(dim(w[[1]]), c(5L, 4L))
  j <- model_to_json(t$model)
  expect_match(j, '"class_name": "Sequential"', fixed = TRUE)
  y <- model_to_yaml(t$model)
  expect_match(y, "class_name: Sequential", fixed = TRUE)
  for (twin in list(model_from_json(j), model_from_yaml(y))) {
    set_weights(twin, w)
    expect_equal(predict(twin, t$x), t$p, tolerance = 1e-6)
  }
})

test_that("a failed save leaves the existing file intact", {
  skip_if_no_engine()
  t <- trained_model()
  f <- tempfile(fileext = ".keras")
  writeLines("precious", f)
  expect_error(save_model(t$model, f, overwrite = FALSE), "overwrite = TRUE",
               class = "rkbridge_io_error")
  expect_identical(readLines(f), "precious")
  expect_error(save_model_hdf5(t$model, file.path(tempfile(), "x.h5")), "does not exist",
               class = "rkbridge_io_error")
  # the model is written, then cannot replace the target (a directory): the target is
  # untouched and no temporary file is left behind
  dir <- tempfile(); dir.create(file.path(dir, "m.keras"), recursive = TRUE)
  writeLines("precious", file.path(dir, "m.keras", "keep"))
  expect_error(save_model(t$model, file.path(dir, "m.keras")))
  expect_identical(readLines(file.path(dir, "m.keras", "keep")), "precious")
  expect_identical(list.files(dir, all.files = TRUE, no.. = TRUE), "m.keras")
})

test_that("save_model_tf() exports a SavedModel that load_model_tf() predicts with", {
  skip_if_no_engine()
  t <- trained_model()
  d <- tempfile("export")
  save_model_tf(t$model, d)
  expect_true(file.exists(file.path(d, "saved_model.pb")))
  expect_equal(predict(load_model_tf(d), t$x), t$p, tolerance = 1e-5)
})

test_that("serialize_model() gives a raw vector; custom objects round-trip", {
  skip_if_no_engine()
  t <- trained_model()
  raw <- serialize_model(t$model)
  expect_type(raw, "raw")
  expect_identical(raw[1:2], as.raw(c(0x50, 0x4b)))
  expect_equal(predict(unserialize_model(raw), t$x), t$p, tolerance = 1e-6)
  expect_error(unserialize_model(as.raw(1:10)), "not a serialized model")

  mean_pred <- custom_metric("mean_pred", function(y_true, y_pred) k_mean(y_pred))
  m <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
  m %>% compile(optimizer = "adam", loss = "mse", metrics = list(mean_pred))
  f <- tempfile(fileext = ".keras"); save_model(m, f)
  expect_error(load_model(f), "custom_objects = list(mean_pred = ", fixed = TRUE,
               class = "rkbridge_value_error")
  back <- load_model(f, custom_objects = list(mean_pred = mean_pred))
  x <- matrix(runif(9), 3)
  expect_named(evaluate(back, x, rowSums(x)), c("loss", "mean_pred"), ignore.order = TRUE)
})

test_that("saveRDS()/readRDS() in the same process give a working model", {
  skip_if_no_engine()
  t <- trained_model()
  rds <- tempfile(fileext = ".rds")
  saveRDS(t$model, rds)
  back <- readRDS(rds)
  expect_equal(predict(back, t$x), t$p, tolerance = 1e-6)
  expect_identical(back$layers[[1]]$name, "hidden")
  expect_equal(as.array(back$optimizer$iterations), 4)
  # it keeps working in place, can be trained further and saved again
  back %>% fit(t$x, cbind(rowSums(t$x), t$x[, 1]), epochs = 1, verbose = 0)
  expect_equal(as.array(back$optimizer$iterations), 6)
  again <- unserialize(serialize(back, NULL))  # parallel workers, knitr's cache
  expect_equal(predict(again, t$x), predict(back, t$x), tolerance = 1e-6)
  called <- unserialize(serialize(t$model, NULL))  # first use: a call with arguments
  expect_equal(as.array(called(t$x, training = FALSE)), t$p, tolerance = 1e-5)
  # read back and saved again before it was ever used: it keeps the state it came with
  twice <- unserialize(serialize(readRDS(rds), NULL))
  expect_equal(predict(twice, t$x), t$p, tolerance = 1e-6)
  # the original is unaffected
  expect_equal(predict(t$model, t$x), t$p, tolerance = 1e-6)
})

test_that("saveRDS() and save() give a working model in a fresh R process", {
  skip_if_no_engine()
  t <- trained_model()
  rds <- tempfile(fileext = ".rds")
  saveRDS(t$model, rds)
  res <- in_fresh_r(
    "m <- readRDS(rds)
     list(p = predict(m, x), iterations = as.array(m$optimizer$iterations),
          loss = m$loss, trainable = length(m$trainable_weights))",
    rds = rds, x = t$x)
  expect_equal(res$p, t$p, tolerance = 1e-6)
  expect_equal(res$iterations, 4)
  expect_identical(res$loss, "mse")
  rdata <- tempfile(fileext = ".RData")
  model <- t$model
  save(model, file = rdata)
  p2 <- in_fresh_r("load(rdata); predict(model, x)", rdata = rdata, x = t$x)
  expect_equal(p2, t$p, tolerance = 1e-6)
})

test_that("an unsaveable Python object says so instead of crashing", {
  skip_if_no_engine()
  layer <- layer_dense(units = 2)
  back <- unserialize(serialize(layer, NULL))
  expect_error(back$units, class = "rkbridge_dead_object_error")
})

test_that("a model made in a cached knitr chunk works when the cache is used", {
  skip_if_no_engine()
  skip_if_not_installed("knitr")
  dir <- tempfile("knit"); dir.create(dir)
  writeLines(c("```{r train, cache = TRUE}",
               "m <- keras_model_sequential(input_shape = 2) %>% layer_dense(1)",
               "m %>% compile(optimizer = 'adam', loss = 'mse')",
               "h <- m %>% fit(matrix(1:20, 10), 1:10, epochs = 3, verbose = 0)",
               "```",
               "```{r use}",
               "p <- predict(m, matrix(1:4, 2)); steps <- as.array(m$optimizer$iterations)",
               "```"), file.path(dir, "k.Rmd"))
  code <- "setwd(dir); knitr::knit('k.Rmd', quiet = TRUE, envir = globalenv()); list(p = p, steps = steps)"
  first <- in_fresh_r(code, dir = dir)
  expect_true(dir.exists(file.path(dir, "cache")))
  second <- in_fresh_r(code, dir = dir)  # the chunk is not run again: m comes from the cache
  expect_equal(second$steps, 3)
  expect_equal(second$p, first$p, tolerance = 1e-6)
})

test_that("a model sent to a parallel worker predicts there", {
  skip_if_no_engine()
  m <- keras_model_sequential(input_shape = 2) %>% layer_dense(1)
  x <- matrix(c(1, 2, 3, 4), 2)
  cl <- parallel::makeCluster(1)
  on.exit(parallel::stopCluster(cl))
  # the worker has not attached rkbridge: reading the model loads it
  r <- parallel::clusterCall(cl, function(model, x) predict(model, x), m, x)
  expect_equal(r[[1]], predict(m, x), tolerance = 1e-6)
})

test_that("R6 layers, keras_model_custom() models and R losses reload where they are defined again", {
  skip_if_no_engine()
  defs <- "
    DoubleR6Again <- R6::R6Class('DoubleR6Again', inherit = KerasLayer,
      public = list(call = function(x, mask = NULL) x * 2))
    loss_again <- function(y_true, y_pred) k_mean(k_square(y_true - y_pred))
    build_again <- function(self) {
      self$d <- layer_dense(units = 2)
      function(x, mask = NULL) self$d(x)
    }"
  dir <- tempfile("rk-again-")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  saved <- in_fresh_r(paste(defs, "
    m <- keras_model_sequential(input_shape = 3) %>% layer_dense(2) %>%
      create_layer(DoubleR6Again, object = .)
    compile(m, optimizer = 'adam', loss = loss_again)
    cm <- keras_model_custom(build_again)
    compile(cm, optimizer = 'adam', loss = loss_again)
    fit(m, x, y, epochs = 1, verbose = 0)
    fit(cm, x, y, epochs = 1, verbose = 0)
    saveRDS(list(m = m, cm = cm), file.path(dir, 'both.rds'))
    save_model(m, file.path(dir, 'm.keras'))
    save_model_hdf5(m, file.path(dir, 'm.h5'))
    back <- readRDS(file.path(dir, 'both.rds'))  # the same session: the loss kept
    list(m = predict(m, x, verbose = 0), cm = predict(cm, x, verbose = 0),
         compiled = back$m$compiled)"),
    dir = dir, x = matrix(1:12 / 12, 4, 3), y = matrix(1, 4, 2))
  expect_true(saved$compiled)
  x <- matrix(1:12 / 12, 4, 3)
  # this session defines the same classes and function again, and only defines them
  eval(parse(text = defs))
  both <- readRDS(file.path(dir, "both.rds"))
  expect_equal(predict(both$m, x, verbose = 0), saved$m, tolerance = 1e-6)
  expect_equal(predict(both$cm, x, verbose = 0), saved$cm, tolerance = 1e-6)
  expect_true(both$m$compiled)
  expect_true(both$cm$compiled)
  expect_match(class(both$m$layers[[2]])[1], "DoubleR6Again")
  for (f in c("m.keras", "m.h5")) {
    m <- load_model(file.path(dir, f))
    expect_equal(predict(m, x, verbose = 0), saved$m, tolerance = 1e-6, info = f)
    expect_true(m$compiled, info = f)
    h <- fit(m, x, matrix(1, 4, 2), epochs = 1, verbose = 0)
    expect_true(is.finite(h$metrics$loss), info = f)
  }
})
