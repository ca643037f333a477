# Functional API, calling models and layers, model surgery and applications, from R.

two_in_two_out <- function() {
  a <- layer_input(shape = c(4), name = "a")
  b <- layer_input(shape = c(3), name = "b")
  h <- layer_concatenate(list(a, b)) %>% layer_dense(8, activation = "relu")
  reg <- h %>% layer_dense(1, name = "reg")
  cls <- h %>% layer_dense(3, activation = "softmax", name = "cls")
  keras_model(inputs = list(a, b), outputs = list(reg, cls))
}

test_that("multi-input/multi-output models take named or unnamed lists", {
  skip_if_no_engine()
  set.seed(1)
  m <- two_in_two_out()
  expect_length(m$inputs, 2)
  expect_length(m$outputs, 2)
  m %>% compile(optimizer = "adam",
                loss = list(reg = "mse", cls = "categorical_crossentropy"),
                loss_weights = list(reg = 1, cls = 0.5), metrics = list(cls = "accuracy"))
  n <- 12
  xa <- matrix(runif(n * 4), n); xb <- matrix(runif(n * 3), n)
  yr <- matrix(runif(n), n); yc <- to_categorical(sample(0:2, n, TRUE), 3)
  h <- fit(m, list(b = xb, a = xa), list(cls = yc, reg = yr), epochs = 2, verbose = 0)
  expect_true(all(c("loss", "reg_loss", "cls_loss", "cls_accuracy") %in% names(h$metrics)))
  fit(m, list(xa, xb), list(yr, yc), epochs = 1, verbose = 0)
  e <- evaluate(m, list(a = xa, b = xb), list(reg = yr, cls = yc))
  expect_equal(e$loss, e$reg_loss + 0.5 * e$cls_loss, tolerance = 1e-3)
  p <- predict(m, list(b = xb, a = xa))
  expect_type(p, "list")
  expect_identical(dim(p[[1]]), c(12L, 1L))
  expect_identical(dim(p[[2]]), c(12L, 3L))
  expect_equal(p[[2]], predict(m, list(xa, xb))[[2]], tolerance = 1e-6)
  expect_error(predict(m, list(a = xa, c = xb)), "inputs are named 'a', 'b'",
               class = "rkbridge_value_error")
})

test_that("a positional loss list with NULL trains only the other output", {
  skip_if_no_engine()
  m <- two_in_two_out()
  m %>% compile(optimizer = "sgd", loss = list(NULL, loss_categorical_crossentropy()))
  n <- 8
  x <- list(matrix(runif(n * 4), n), matrix(runif(n * 3), n))
  yc <- to_categorical(rep(0:1, 4), 3)
  e <- evaluate(m, x, list(matrix(0, n, 1), yc))
  # only the class output has a loss: the whole loss is its cross-entropy
  expect_null(e$reg_loss)
  expect_equal(e$loss, mean(-log(predict(m, x)[[2]][cbind(1:n, rep(1:2, 4))])),
               tolerance = 1e-4)
})

test_that("a shared layer is one layer applied to two inputs", {
  skip_if_no_engine()
  tweet_a <- layer_input(shape = c(5, 2))
  tweet_b <- layer_input(shape = c(5, 2))
  shared <- layer_lstm(units = 3)
  ea <- tweet_a %>% shared
  eb <- tweet_b %>% shared
  out <- layer_concatenate(c(ea, eb), axis = -1) %>% layer_dense(1)
  m <- keras_model(c(tweet_a, tweet_b), out)
  classes <- vapply(m$layers, function(l) class(l)[1], "")
  expect_equal(sum(grepl("LSTM", classes)), 1)
  x <- array(1, c(2, 5, 2))
  expect_identical(dim(predict(m, list(x, x))), c(2L, 1L))
})

test_that("a layer's $input_shape and $output_shape are its calls' shapes (keras 2.x)", {
  skip_if_no_engine()
  conv <- layer_conv_2d(filters = 16, kernel_size = c(3, 3), padding = "same")
  expect_error(conv$input_shape, "no input_shape yet", class = "rkbridge_value_error")
  a <- layer_input(shape = c(8, 8, 3))
  a %>% conv
  expect_identical(conv$input_shape, list(NULL, 8L, 8L, 3L))
  expect_identical(conv$output_shape, list(NULL, 8L, 8L, 16L))
  layer_input(shape = c(8, 8, 3)) %>% conv  # a second call of the same shape: still one
  expect_identical(conv$input_shape, list(NULL, 8L, 8L, 3L))
  layer_input(shape = c(6, 6, 3)) %>% conv
  expect_error(conv$input_shape, "get_input_shape_at", class = "rkbridge_value_error")
  m <- keras_model_sequential() %>% layer_dense(4, input_shape = 3) %>% layer_dense(2)
  expect_identical(m$layers[[1]]$output_shape, list(NULL, 4L))
  expect_identical(m$layers[[2]]$input_shape, list(NULL, 4L))
  expect_identical(m$output_shape, list(NULL, 2L))
})

test_that("merge layers and layer_dot with 1-based axes", {
  skip_if_no_engine()
  a <- layer_input(shape = c(3)); b <- layer_input(shape = c(3))
  u <- matrix(c(1, 5, 3), 1); v <- matrix(c(4, 2, 3), 1)
  run <- function(layer) predict(keras_model(list(a, b), layer(list(a, b))), list(u, v))
  expect_equal(run(layer_add), u + v)
  expect_equal(run(layer_subtract), u - v)
  expect_equal(run(layer_multiply), u * v)
  expect_equal(run(layer_average), (u + v) / 2)
  expect_equal(run(layer_maximum), pmax(u, v))
  expect_equal(run(layer_minimum), pmin(u, v))
  x1 <- layer_input(shape = c(4)); x2 <- layer_input(shape = c(4))
  md <- keras_model(list(x1, x2), layer_dot(list(x1, x2), axes = 2))
  m1 <- matrix(1:8, 2); m2 <- matrix(1, 2, 4)
  expect_equal(predict(md, list(m1, m2)), matrix(rowSums(m1), 2))
  expect_error(layer_dot(list(x1, x2), axes = 0), "1-based", class = "rkbridge_value_error")
})

test_that("tf, shape(), calling models and layers, as.array()", {
  skip_if_no_engine()
  x <- tf$ones(shape(3, 3))
  expect_identical(dim(as.array(x)), c(3L, 3L))
  model <- keras_model_sequential() %>% layer_dense(4)
  expect_identical(dim(as.array(model(x))), c(3L, 4L))
  layer <- layer_dense(units = 2)
  expect_length(layer$weights, 0)
  y <- layer(tf$ones(shape(1, 5)))
  expect_length(layer$weights, 2)
  expect_identical(dim(get_weights(layer)[[1]]), c(5L, 2L))
})

test_that("a model is a layer in a pipe, and feature extractors work", {
  skip_if_no_engine()
  base <- keras_model_sequential(input_shape = c(4)) %>% layer_dense(3, name = "inner")
  m <- keras_model_sequential() %>% base() %>% layer_dense(2)
  expect_identical(dim(predict(m, matrix(1, 5, 4))), c(5L, 2L))
  init <- keras_model_sequential(input_shape = c(8)) %>%
    layer_dense(6, name = "a") %>% layer_dense(5, name = "b") %>% layer_dense(4, name = "c")
  fe <- keras_model(inputs = init$inputs, outputs = lapply(init$layers, \(l) l$output))
  feats <- fe(tf$ones(shape(2, 8)))
  expect_length(feats, 3)
  expect_identical(dim(as.array(feats[[2]])), c(2L, 5L))
  one <- keras_model(init$inputs, get_layer(init, name = "b")$output)
  expect_identical(dim(predict(one, matrix(1, 2, 8))), c(2L, 5L))
})

test_that("surgery: get_layer, freeze/unfreeze by index and name, pop_layer, clone_model", {
  skip_if_no_engine()
  m <- keras_model_sequential(input_shape = c(6)) %>%
    layer_dense(4, name = "h1") %>% layer_dense(3, name = "h2") %>%
    layer_dense(3, name = "h3") %>% layer_dense(2, name = "out")
  expect_identical(get_layer(m, index = 1)$name, "h1")
  expect_identical(get_layer(m, index = -1)$name, "out")
  expect_error(get_layer(m, index = 5), class = "rkbridge_index_error")
  freeze_weights(m, from = "h2", to = -2)
  expect_identical(vapply(m$layers, \(l) l$trainable, TRUE), c(TRUE, FALSE, FALSE, TRUE))
  unfreeze_weights(m)
  expect_length(m$trainable_weights, 8)
  for (l in head(m$layers, -1)) l$trainable <- FALSE
  expect_length(m$trainable_weights, 2)
  x <- matrix(1, 2, 6)
  expect_identical(dim(predict(m, x)), c(2L, 2L))
  m %>% pop_layer()
  expect_identical(dim(predict(m, x)), c(2L, 3L))
  expect_equal(count_params(m), 6 * 4 + 4 + 4 * 3 + 3 + 3 * 3 + 3)
  cl <- clone_model(m)
  expect_equal(count_params(cl), count_params(m))
  expect_false(identical(get_weights(cl)[[1]], get_weights(m)[[1]]))
})

test_that("applications build with weights = NULL and preprocess like Keras", {
  skip_if_no_engine()
  for (app in c("application_xception", "application_vgg16", "application_resnet50",
                "application_mobilenet_v2", "application_efficientnet_b0")) {
    size <- if (app == "application_xception") 71 else 32
    m <- get(app)(weights = NULL, include_top = FALSE, pooling = "avg",
                  input_shape = c(size, size, 3))
    p <- predict(m, array(runif(size * size * 3, 0, 255), c(1, size, size, 3)))
    expect_identical(nrow(p), 1L, info = app)
  }
  x <- array(c(0, 127.5, 255), c(1, 1, 1, 3))
  expect_equal(as.vector(mobilenet_v2_preprocess_input(x)), c(-1, 0, 1))
  expect_equal(as.vector(x), c(0, 127.5, 255))
  expect_identical(dim(xception_preprocess_input(array(0, c(2, 3, 3, 3)))), c(2L, 3L, 3L, 3L))
})

test_that("weights = 'imagenet' offline fails at once, naming the URL and the cache path", {
  skip_if_no_engine()
  home <- tempfile("keras-home")
  old <- Sys.getenv("KERAS_HOME")
  Sys.setenv(KERAS_HOME = home)
  on.exit(if (nzchar(old)) Sys.setenv(KERAS_HOME = old) else Sys.unsetenv("KERAS_HOME"))
  # offline whatever the machine: the download connects to a closed local port
  reticulate::py_run_string(paste(
    "import socket, urllib.request", "from rkbridge.persistence import downloads as _rkd",
    "_rk_open = _rkd._open",
    "_s = socket.socket(); _s.bind(('127.0.0.1', 0)); _rk_port = _s.getsockname()[1]; _s.close()",
    "_rkd._open = lambda url: urllib.request.urlopen(f'http://127.0.0.1:{_rk_port}/', timeout=5)",
    sep = "\n"))
  on.exit(reticulate::py_run_string("_rkd._open = _rk_open"), add = TRUE)
  t0 <- Sys.time()
  err <- tryCatch(application_mobilenet_v2(include_top = FALSE, alpha = 0.35,
                                           input_shape = c(96, 96, 3)),
                  error = identity)
  expect_s3_class(err, "rkbridge_network_error")
  expect_match(conditionMessage(err), "Could not download https://storage.googleapis.com/",
               fixed = TRUE)
  expect_match(conditionMessage(err), file.path(home, "models"), fixed = TRUE)
  expect_lt(as.numeric(difftime(Sys.time(), t0, units = "secs")), 30)
})

test_that("decode_predictions gives a data frame per sample from the cached class index", {
  skip_if_no_engine()
  home <- tempfile("keras-home"); dir.create(file.path(home, "models"), recursive = TRUE)
  index <- paste0("{", paste0(sprintf('"%d": ["n%08d", "class%d"]', 0:999, 0:999, 0:999),
                              collapse = ", "), "}")
  writeLines(index, file.path(home, "models", "imagenet_class_index.json"))
  environ <- reticulate::import("os", convert = FALSE)$environ
  environ$update(reticulate::dict(KERAS_HOME = home))
  on.exit(environ$pop("KERAS_HOME"))
  preds <- matrix(0, 2, 1000); preds[1, 8] <- 0.9; preds[2, 4] <- 0.7
  # (a warning when this is not Keras's own file: its hash differs)
  out <- suppressWarnings(imagenet_decode_predictions(preds, top = 2))
  expect_length(out, 2)
  expect_s3_class(out[[1]], "data.frame")
  expect_identical(out[[1]]$class_description[1], "class7")  # column 8 is class code 7
  expect_equal(out[[2]]$score[1], 0.7, tolerance = 1e-6)
})

test_that("an unnamed list of targets follows the order the outputs were given", {
  skip_if_no_engine()
  i <- layer_input(2)
  outs <- list(b = i %>% layer_dense(1, kernel_initializer = "zeros"),
               a = i %>% layer_dense(1, kernel_initializer = "zeros"))
  m <- keras_model(i, outs) %>% compile(optimizer = optimizer_sgd(0.1), loss = "mse")
  x <- matrix(0, 64, 2)
  # Keras alone would match list(...) in the sorted order of the names: `b` on -5
  fit(m, x, list(matrix(5, 64, 1), matrix(-5, 64, 1)), epochs = 30, verbose = 0)
  p <- predict(m, x[1, , drop = FALSE])
  expect_named(p, c("b", "a"))
  expect_equal(p$b[1, 1], 5, tolerance = 0.01)
  expect_equal(p$a[1, 1], -5, tolerance = 0.01)
})
