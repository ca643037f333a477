# Keras classes defined in R: keras3's Layer()/Model()/Loss()/Metric()/Callback()/
# Constraint()/%py_class%, keras 2.x's R6 KerasLayer/KerasConstraint and
# keras_model_custom(); compared with Keras's own layers, trained, saved and reloaded.

layer_my_dense <- Layer("MyDense",
  initialize = function(units = 4, ...) {
    super$initialize(...)
    self$units <- as.integer(units)
  },
  build = function(input_shape) {
    self$w <- self$add_weight(shape = c(input_shape[[2]], self$units),
                              initializer = "random_normal", name = "w")
    self$b <- self$add_weight(shape = c(self$units), initializer = "zeros", name = "b")
  },
  call = function(inputs) k_dot(inputs, self$w) + self$b,
  get_config = function() {
    config <- super()$get_config()
    config$units <- self$units
    config
  })

DenseR6 <- R6::R6Class("DenseR6", inherit = KerasLayer,
  public = list(
    output_dim = NULL, kernel = NULL,
    initialize = function(output_dim) self$output_dim <- output_dim,
    build = function(input_shape) {
      self$kernel <- self$add_weight(name = "kernel",
                                     shape = list(input_shape[[2]], self$output_dim),
                                     initializer = initializer_random_normal(),
                                     trainable = TRUE)
    },
    call = function(x, mask = NULL) k_dot(x, self$kernel),
    compute_output_shape = function(input_shape) list(input_shape[[1]], self$output_dim),
    get_config = function() list(output_dim = self$output_dim, name = self$name)))

layer_dense_r6 <- function(object, output_dim, name = NULL) {
  create_layer(DenseR6, object, list(output_dim = as.integer(output_dim), name = name))
}

x5 <- function(n = 30) {
  set.seed(3)
  matrix(runif(n * 5), n)
}

test_that("a Layer() dense layer computes what layer_dense() computes with its weights", {
  skip_if_no_engine()
  x <- x5()
  custom <- keras_model_sequential(input_shape = c(5)) %>% layer_my_dense(units = 3)
  w <- get_weights(custom)
  expect_identical(dim(w[[1]]), c(5L, 3L))
  expect_length(w[[2]], 3L)
  w[[2]] <- c(0.5, -1, 2)
  set_weights(custom, w)
  keras_dense <- keras_model_sequential(input_shape = c(5)) %>% layer_dense(units = 3)
  set_weights(keras_dense, w)
  expect_equal(predict(custom, x, verbose = 0), predict(keras_dense, x, verbose = 0),
               tolerance = 1e-6)
  expect_equal(predict(custom, x, verbose = 0), x %*% w[[1]] + rep(w[[2]], each = nrow(x)),
               tolerance = 1e-5)
  # on a tensor (functional API) and on its own
  input <- layer_input(shape = c(5))
  expect_identical(unlist(input %>% layer_my_dense(units = 7) %>% (function(t) t$shape)),
                   7L)
  expect_identical(layer_my_dense(units = 2)$units, 2L)
})

test_that("a KerasLayer R6 class made with create_layer() matches layer_dense()", {
  skip_if_no_engine()
  x <- x5()
  custom <- keras_model_sequential(input_shape = c(5)) %>%
    layer_dense_r6(output_dim = 2, name = "r6")
  expect_identical(custom$layers[[1]]$name, "r6")
  plain <- keras_model_sequential(input_shape = c(5)) %>% layer_dense(2, use_bias = FALSE)
  set_weights(plain, get_weights(custom))
  expect_equal(predict(custom, x, verbose = 0), predict(plain, x, verbose = 0),
               tolerance = 1e-6)
})

test_that("a model with R layers trains in graph mode and eagerly, and its loss decreases", {
  skip_if_no_engine()
  x <- x5(64)
  y <- matrix(x %*% c(1, -2, 0.5, 1, 0), ncol = 1)
  for (eager in c(FALSE, TRUE)) {
    model <- keras_model_sequential(input_shape = c(5)) %>% layer_my_dense(units = 1)
    model %>% compile(optimizer = optimizer_sgd(learning_rate = 0.1), loss = "mse",
                      run_eagerly = eager)
    h <- fit(model, x, y, epochs = 8, batch_size = 16, verbose = 0)
    expect_lt(tail(h$metrics$loss, 1), h$metrics$loss[1] / 2)
  }
})

MyModel <- Model("MyModel",
  initialize = function(hidden = 8, ...) {
    super$initialize(...)
    self$hidden <- layer_dense(units = hidden, activation = "tanh")
    self$out <- layer_dense(units = 1)
  },
  call = function(inputs, training = NULL) inputs %>% self$hidden() %>% self$out(),
  train_step = function(data) {
    x <- data[[1]]
    y <- data[[2]]
    with(tf$GradientTape() %as% tape, {
      pred <- self(x, training = TRUE)
      loss <- self$compute_loss(y = y, y_pred = pred)
    })
    grads <- tape$gradient(loss, self$trainable_weights)
    self$optimizer$apply(grads, self$trainable_weights)
    for (m in self$metrics)
      if (m$name == "loss") m$update_state(loss) else m$update_state(y, pred)
    self$get_metrics_result()
  },
  get_config = function() list(hidden = self$hidden$units, name = self$name))

test_that("a Model() with a custom train_step() trains; predictions survive save and reload", {
  skip_if_no_engine()
  x <- x5(64)
  y <- matrix(x %*% c(1, -2, 0.5, 1, 0), ncol = 1)
  model <- MyModel(hidden = 6)
  model %>% compile(optimizer = optimizer_sgd(learning_rate = 0.1), loss = "mse",
                    metrics = "mae")
  h <- fit(model, x, y, epochs = 10, batch_size = 16, verbose = 0)
  expect_named(h$metrics, c("loss", "mae"))
  expect_lt(tail(h$metrics$loss, 1), h$metrics$loss[1] / 2)
  p <- predict(model, x, verbose = 0)
  f <- tempfile(fileext = ".keras")
  save_model(model, f)
  back <- load_model(f, custom_objects = list(MyModel = MyModel))
  expect_identical(back$hidden$units, 6L)
  expect_equal(predict(back, x, verbose = 0), p, tolerance = 1e-6)
  rds <- tempfile(fileext = ".rds")
  saveRDS(model, rds)
  expect_equal(predict(readRDS(rds), x, verbose = 0), p, tolerance = 1e-6)
})

test_that("models with R layers save with save_model() and load with custom_objects", {
  skip_if_no_engine()
  x <- x5()
  model <- keras_model_sequential(input_shape = c(5)) %>% layer_my_dense(units = 3) %>%
    layer_dense_r6(output_dim = 2)
  model %>% compile(optimizer = "adam", loss = "mse")
  fit(model, x, x[, 1:2], epochs = 1, verbose = 0)
  p <- predict(model, x, verbose = 0)
  f <- tempfile(fileext = ".keras")
  save_model(model, f)
  back <- load_model(f, custom_objects = list(MyDense = layer_my_dense, DenseR6 = DenseR6))
  expect_equal(predict(back, x, verbose = 0), p, tolerance = 1e-6)
  expect_identical(back$layers[[1]]$units, 3L)
})

test_that("keras_model_custom() builds, trains and predicts", {
  skip_if_no_engine()
  x <- x5()
  model <- keras_model_custom(name = "mlp", function(self) {
    self$hidden <- layer_dense(units = 4, activation = "relu")
    self$out <- layer_dense(units = 1)
    function(x, mask = NULL) x %>% self$hidden() %>% self$out()
  })
  expect_identical(model$name, "mlp")
  model %>% compile(optimizer = "adam", loss = "mse")
  fit(model, x, x[, 1], epochs = 1, verbose = 0)
  w <- get_weights(model)
  manual <- pmax(x %*% w[[1]] + rep(w[[2]], each = nrow(x)), 0) %*% w[[3]] + c(w[[4]])
  expect_equal(predict(model, x, verbose = 0), manual, tolerance = 1e-5)
})

test_that("an error in an R method is an R error naming the method and the R call", {
  skip_if_no_engine()
  bad <- Layer("BadLayer", call = function(inputs) stop("my own message"))
  err <- expect_error(keras_model_sequential(input_shape = c(3)) %>% bad(),
                      class = "rkbridge_method_error")
  expect_match(conditionMessage(err), "The `call` method of BadLayer failed: my own message", fixed = TRUE)
  expect_false(grepl("Traceback|File \"", conditionMessage(err)))
  bad_op <- Layer("BadOp", call = function(inputs) k_dot(inputs, "not a tensor"))
  err <- expect_error(keras_model_sequential(input_shape = c(3)) %>% bad_op(),
                      class = "rkbridge_method_error")
  expect_match(conditionMessage(err),
               "The `call` method of BadOp failed in k_dot(inputs, \"not a tensor\"): ",
               fixed = TRUE)
  # raised while fit() traces the training step
  failing <- Model("FailingStep", call = function(inputs) inputs,
                   train_step = function(data) stop("no training today"))
  m <- failing()
  m %>% compile(optimizer = "sgd", loss = "mse")
  err <- expect_error(fit(m, x5(), x5(), epochs = 1, verbose = 0),
                      class = "rkbridge_method_error")
  expect_match(conditionMessage(err), "The `train_step` method of FailingStep failed: no training today",
               fixed = TRUE)
})

unz_config <- function(f) {
  d <- tempfile()
  utils::unzip(f, "config.json", exdir = d)
  readBin(file.path(d, "config.json"), "raw", 1e6)
}

test_that("Loss() and Metric() classes train, keep their names in files and reload", {
  skip_if_no_engine()
  x <- x5()
  y <- matrix(rowSums(x), ncol = 1)
  loss_mine <- Loss("MineMSE", call = function(y_true, y_pred)
    k_mean(k_square(y_true - y_pred), axis = -1))
  metric_sum_abs <- Metric("SumAbs",
    initialize = function(name = "sum_abs", ...) {
      super$initialize(name = name, ...)
      self$total <- self$add_weight(name = "total", initializer = "zeros")
    },
    update_state = function(y_true, y_pred, sample_weight = NULL)
      self$total$assign_add(k_sum(k_abs(y_true - y_pred))),
    result = function() self$total$value)
  model <- keras_model_sequential(input_shape = c(5)) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = loss_mine(), metrics = list(metric_sum_abs()))
  h <- fit(model, x, y, epochs = 1, verbose = 0)
  expect_named(h$metrics, c("loss", "sum_abs"))
  p <- predict(model, x, verbose = 0)
  expect_equal(evaluate(model, x, y, verbose = 0)$loss, mean((y - p)^2), tolerance = 1e-5)
  expect_equal(evaluate(model, x, y, verbose = 0)$sum_abs, sum(abs(y - p)), tolerance = 1e-3)
  f <- tempfile(fileext = ".keras")
  save_model(model, f)
  cfg <- rawToChar(unz_config(f))
  expect_match(cfg, "MineMSE", fixed = TRUE)
  expect_match(cfg, "SumAbs", fixed = TRUE)
  back <- load_model(f, custom_objects = list(MineMSE = loss_mine, SumAbs = metric_sum_abs))
  expect_equal(evaluate(back, x, y, verbose = 0), evaluate(model, x, y, verbose = 0),
               tolerance = 1e-5)
})

test_that("Callback() hooks see 1-based epochs, logs and self$model", {
  skip_if_no_engine()
  seen <- new.env()
  cb <- Callback("Recorder",
    on_epoch_end = function(epoch, logs = NULL) {
      seen$epochs <- c(seen$epochs, epoch)
      seen$loss <- c(seen$loss, logs$loss)
      seen$name <- self$model$name
    })
  model <- keras_model_sequential(input_shape = c(5), name = "watched") %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse")
  h <- fit(model, x5(), x5()[, 1], epochs = 3, verbose = 0, callbacks = list(cb()))
  expect_equal(seen$epochs, c(1, 2, 3))
  expect_equal(seen$loss, h$metrics$loss, tolerance = 1e-6)
  expect_identical(seen$name, "watched")
})

test_that("Constraint() and KerasConstraint classes constrain the weights", {
  skip_if_no_engine()
  x <- x5()
  y <- cbind(-rowSums(x), rowSums(x))
  NonNegR6 <- R6::R6Class("NonNegR6", inherit = KerasConstraint,
    public = list(call = function(w) w * k_cast(w >= 0, k_floatx())))
  non_neg <- Constraint("NonNeg3", call = function(w) k_relu(w))
  for (constraint in list(NonNegR6$new(), non_neg())) {
    model <- keras_model_sequential(input_shape = c(5)) %>%
      layer_dense(2, kernel_constraint = constraint)
    model %>% compile(optimizer = optimizer_sgd(learning_rate = 0.1), loss = "mse")
    fit(model, x, y, epochs = 2, verbose = 0)
    kernel <- get_weights(model)[[1]]
    expect_gte(min(kernel), 0)
    expect_true(any(kernel[, 1] == 0))  # pushed negative, clipped to 0
  }
})

test_that("new_learning_rate_schedule_class(): call(step) sets the optimizer's rate", {
  skip_if_no_engine()
  Halving <- new_learning_rate_schedule_class("Halving",
    initialize = function(start) {
      super$initialize()
      self$start <- start
    },
    call = function(step) self$start / 2^tf$cast(step, "float32"),
    get_config = function() list(start = self$start))
  schedule <- Halving(start = 0.4)
  expect_equal(as.numeric(schedule(2)), 0.1, tolerance = 1e-6)
  opt <- optimizer_sgd(learning_rate = schedule)
  model <- keras_model_sequential(input_shape = c(5)) %>% layer_dense(1, use_bias = FALSE)
  model %>% compile(optimizer = opt, loss = "mse")
  fit(model, x5(10), matrix(0, 10, 1), epochs = 1, batch_size = 5, verbose = 0)  # 2 steps
  expect_equal(as.numeric(opt$learning_rate), 0.1, tolerance = 1e-6)  # at step 2
  expect_equal(schedule$get_config(), list(start = 0.4))
})

test_that("%py_class%, r_to_py() of an R6 generator, private and super() forms", {
  skip_if_no_engine()
  Scale(keras$layers$Layer) %py_class% {
    initialize <- function(factor = 2, ...) {
      super$initialize(...)
      private$factor <- factor
    }
    call <- function(inputs) inputs * private$factor
  }
  model <- keras_model_sequential(input_shape = c(2)) %>% Scale(factor = 3)
  expect_equal(predict(model, matrix(1:4, 2), verbose = 0), matrix(1:4, 2) * 3)
  Offset <- R6::R6Class("Offset", inherit = KerasLayer,
    public = list(call = function(x, mask = NULL) x + 1))
  cls <- reticulate::r_to_py(Offset)
  expect_true(reticulate::import_builtins()$issubclass(cls, keras$layers$Layer))
  model <- keras_model_sequential(input_shape = c(2)) %>% create_layer(Offset, .)
  expect_equal(predict(model, matrix(1:4, 2), verbose = 0), matrix(1:4, 2) + 1)
  # a subclass of an R-defined class calls its parent's method with super()
  Twice <- Layer("Twice", inherit = layer_my_dense,
                 call = function(inputs) super()$call(inputs) * 2)
  twice <- keras_model_sequential(input_shape = c(5)) %>% Twice(units = 2)
  once <- keras_model_sequential(input_shape = c(5)) %>% layer_my_dense(units = 2)
  set_weights(once, get_weights(twice))
  expect_equal(predict(twice, x5(), verbose = 0), 2 * predict(once, x5(), verbose = 0),
               tolerance = 1e-6)
})
test_that("a %py_class% layer's first argument is initialize's unless it is a Keras object", {
  skip_if_no_engine()
  Linear(keras$layers$Layer) %py_class% {
    initialize <- function(units = 32, input_dim = 32) {
      super$initialize()
      self$w <- self$add_weight(shape = shape(input_dim, units), initializer = "ones")
    }
    call <- function(inputs) tf$matmul(inputs, self$w)
  }
  # as with the Python class keras 2.x's %py_class% gave: by position, then by name
  expect_identical(dim(as.array(Linear(4, 2)(tf$ones(shape(3, 2))))), c(3L, 4L))
  expect_identical(dim(as.array(Linear(input_dim = 5, 6)(tf$ones(shape(1, 5))))), c(1L, 6L))
  # a model or a tensor first is composed with, as layer_*() functions do
  model <- keras_model_sequential(input_shape = c(2)) %>% Linear(3, input_dim = 2)
  expect_equal(predict(model, matrix(1, 2, 2), verbose = 0), matrix(2, 2, 3))
  out <- layer_input(shape = c(5)) %>% Linear(7, 5)
  expect_identical(out$shape, list(NULL, 7L))
})

test_that("a %py_class% generator has its Python class's members: from_config(), __name__", {
  skip_if_no_engine()
  Scaled(keras$layers$Layer) %py_class% {
    initialize <- function(factor = 1) {
      super$initialize()
      self$factor <- factor
    }
    call <- function(inputs) inputs * self$factor
    get_config <- function() list(factor = self$factor)
  }
  copy <- Scaled$from_config(Scaled(3)$get_config())
  expect_identical(copy$factor, 3)
  expect_equal(as.array(copy(tf$ones(shape(2, 2)))), matrix(3, 2, 2))
  expect_identical(Scaled$`__name__`, "Scaled")
})


test_that("R loss and metric functions keep their names in files and reload by them", {
  skip_if_no_engine()
  x <- x5()
  y <- matrix(rowSums(x), ncol = 1)
  my_loss <- function(y_true, y_pred) k_mean(k_square(y_true - y_pred), axis = -1)
  my_metric <- function(y_true, y_pred) k_mean(k_abs(y_true - y_pred))
  model <- keras_model_sequential(input_shape = c(5)) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = my_loss, metrics = list(my_metric))
  h <- fit(model, x, y, epochs = 1, verbose = 0)
  expect_named(h$metrics, c("loss", "my_metric"))
  f <- tempfile(fileext = ".keras")
  save_model(model, f)
  cfg <- rawToChar(unz_config(f))
  expect_match(cfg, "\"config\": \"my_loss\"", fixed = TRUE)
  expect_false(grepl("r_function", cfg))
  back <- load_model(f, custom_objects = list(my_loss = my_loss, my_metric = my_metric))
  expect_equal(evaluate(back, x, y, verbose = 0), evaluate(model, x, y, verbose = 0),
               tolerance = 1e-6)
  # without custom_objects: found by name where they are defined, and only there
  again <- load_model(f)
  expect_equal(evaluate(again, x, y, verbose = 0), evaluate(model, x, y, verbose = 0),
               tolerance = 1e-6)
  rm(my_loss, my_metric)
  expect_error(load_model(f), "my_loss", class = "rkbridge_value_error")
})

test_that("dim() of tensors in call() bodies: R dims, NA for the batch size", {
  skip_if_no_engine()
  seen <- new.env()
  spy <- Layer("DimSpy", call = function(inputs) {
    seen$dims <- dim(inputs)
    inputs
  })
  keras_model_sequential(input_shape = c(3, 2)) %>% spy()
  expect_identical(seen$dims, c(NA, 3L, 2L))
  expect_identical(dim(k_ones(c(2, 4))), c(2L, 4L))
})

test_that("a KerasWrapper R6 class wraps a layer: its call() and weights add to the layer's", {
  skip_if_no_engine()
  AddBias <- R6::R6Class("AddBias", inherit = KerasWrapper,
    public = list(
      bias = NULL,
      build = function(input_shape) {
        super$build(input_shape)
        self$bias <- self$add_weight(name = "bias", shape = list(1),
                                     initializer = "ones")
      },
      call = function(x, mask = NULL, training = NULL) super$call(x) + self$bias))
  model <- keras_model_sequential(input_shape = c(5)) %>%
    create_wrapper(AddBias, ., list(layer = layer_dense(units = 2)))
  w <- get_weights(model)
  expect_identical(lengths(w), c(1L, 10L, 2L))  # the wrapper's weight, then the layer's
  x <- x5()
  expect_equal(predict(model, x, verbose = 0),
               x %*% w[[2]] + rep(w[[3]], each = nrow(x)) + c(w[[1]]), tolerance = 1e-5)
})

test_that("create_layer_wrapper(), compute_output_shape() in doubles, R parent classes", {
  skip_if_no_engine()
  Concat <- Layer("Concat2",
    call = function(x) k_concatenate(list(x, x), axis = 2),
    compute_output_shape = function(input_shape) list(input_shape[[1]], input_shape[[2]] * 2))
  out <- layer_input(shape = 10) %>% Concat()
  expect_identical(out$shape[[2]], 20L)
  layer_my <- create_layer_wrapper(layer_my_dense, modifiers = list(units = as.integer))
  expect_identical(names(formals(layer_my)), c("object", "units", "..."))
  model <- keras_model_sequential(input_shape = c(5)) %>% layer_my(units = 2)
  expect_identical(model$layers[[1]]$units, 2L)
  # an R class inheriting an R class; its initialize calls the parent's
  Base <- Layer("BaseK", initialize = function(x) {
      super()$`__init__`()
      self$x <- x
    },
    build = function(input_shape) self$k <- 3,
    call = function(inputs) inputs)
  Child <- Layer("ChildK", inherit = Base,
    initialize = function(x) super()$`__init__`(x^2),
    call = function(inputs, ...) inputs * self$k * self$x)
  model <- keras_model_sequential(input_shape = c(1)) %>% Child(x = 2)
  expect_equal(predict(model, matrix(1), verbose = 0), matrix(12))
})

test_that("an R6 class without a Keras base is a plain Python class with privates", {
  skip_if_no_engine()
  Counter <- R6::R6Class("Counter",
    public = list(
      initialize = function(start = 0) private$n <- start,
      add = function() {
        private$n <- private$n + 1
        NULL
      },
      count = function() private$n),
    private = list(n = NULL))
  py_counter <- r_to_py(Counter)
  a <- py_counter(start = 1)
  b <- py_counter()
  a$add(); a$add(); b$add()
  expect_equal(a$count(), 3)
  expect_equal(b$count(), 1)
})

# The value of R code run by a new Rscript (same library and engine), given `...` as variables.
value_in_new_r <- function(code, ...) {
  files <- replicate(3, tempfile(fileext = ".rds"))
  saveRDS(list(...), files[1])
  writeLines(c("library(rkbridge)", sprintf("list2env(readRDS('%s'), globalenv())", files[1]),
               sprintf("saveRDS(local({%s}), '%s')", code, files[2])), files[3])
  status <- system2(file.path(R.home("bin"), "Rscript"), files[3], stdout = FALSE,
                    stderr = FALSE)
  if (status != 0 || !file.exists(files[2])) stop("the new R process failed")
  readRDS(files[2])
}

test_that("defining a class starts no Python; a model reloads in a fresh session that defines it", {
  skip_if_no_engine()
  x <- x5()
  model <- keras_model_sequential(input_shape = c(5)) %>% layer_my_dense(units = 2)
  p <- predict(model, x, verbose = 0)
  rds <- tempfile(fileext = ".rds")
  saveRDS(model, rds)
  code <- sprintf('
    layer_d <- Layer("MyDense",
      initialize = function(units = 4, ...) {
        super$initialize(...)
        self$units <- as.integer(units)
      },
      build = function(input_shape) {
        self$w <- self$add_weight(shape = c(input_shape[[2]], self$units), name = "w")
        self$b <- self$add_weight(shape = c(self$units), name = "b")
      },
      call = function(inputs) k_dot(inputs, self$w) + self$b,
      get_config = function() {
        config <- super$get_config()
        config$units <- self$units
        config
      })
    started <- isNamespaceLoaded("reticulate")
    list(started = started, p = predict(readRDS("%s"), x, verbose = 0))', rds)
  out <- value_in_new_r(code, x = x)
  expect_false(out$started)
  expect_equal(out$p, p, tolerance = 1e-6)
})

test_that("as.numeric() of tensors; a layer without get_config() saves its arguments", {
  skip_if_no_engine()
  expect_identical(as.numeric(k_constant(matrix(c(1.5, 2, 3, 4), 2))), c(1.5, 2, 3, 4))
  expect_identical(as.integer(k_constant(c(1, 2))), c(1L, 2L))
  layer_times <- Layer("TimesX",
    initialize = function(x, ...) {
      super$initialize(...)
      self$x <- k_constant(x)
    },
    call = function(inputs) inputs * self$x)
  model <- keras_model_sequential(input_shape = c(1)) %>% layer_times(x = 2)
  expect_identical(as.numeric(model$layers[[1]]$x), 2)
  f <- tempfile(fileext = ".keras")
  save_model(model, f)
  back <- load_model(f, custom_objects = list(TimesX = layer_times))
  expect_equal(predict(back, matrix(1:3), verbose = 0), matrix(c(2, 4, 6)))
})

test_that("create_layer() takes input_shape; callbacks stop training; predict_step() is used", {
  skip_if_no_engine()
  x <- x5(40)
  Doubler <- R6::R6Class("Doubler", inherit = KerasLayer,
    public = list(call = function(x, mask = NULL) x * 2))
  expect_no_warning(
    model <- keras_model_sequential() %>% create_layer(Doubler, ., list(input_shape = 5)))
  expect_equal(predict(model, x, verbose = 0), 2 * x, tolerance = 1e-6)  # float32
  model %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse")
  Stopper <- Callback("Stopper", on_train_batch_end = function(batch, logs = NULL) {
    if (batch >= 2) self$model$stop_training <- TRUE
  })
  h <- fit(model, x, x[, 1], epochs = 5, batch_size = 10, verbose = 0,
           callbacks = list(Stopper()))
  expect_length(h$metrics$loss, 1L)
  Sevens <- new_model_class("Sevens",
    initialize = function(...) {
      super$initialize(...)
      self$dense <- layer_dense(units = 2)
    },
    call = function(x) self$dense(x),
    predict_step = function(data) super$predict_step(data) * 0 + 7)
  expect_equal(predict(Sevens(), x, verbose = 0), matrix(7, 40, 2))
  expect_equal(predict(Sevens(), x[1:3, ], verbose = 0), matrix(7, 3, 2))
})

test_that("every method sees `private`, an environment per instance", {
  skip_if_no_engine()
  x <- matrix(runif(40), 20)
  y <- rowSums(x)
  Counter <- new_callback_class("PrivateCounter",
    on_epoch_end = function(epoch, logs = NULL) private$n <- private$n + 1,
    count = function() private$n,
    private = list(n = 0))
  KCounter <- Callback("PrivateKCounter",
    on_epoch_end = function(epoch, logs = NULL) private$n <- (private$n %||% 0) + 1)
  a <- Counter()
  b <- Counter()
  k <- KCounter()
  model <- keras_model_sequential(input_shape = 2) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse")
  fit(model, x, y, epochs = 3, verbose = 0, callbacks = list(a, k))
  expect_equal(a$count(), 3)
  expect_equal(b$count(), 0)
  expect_equal(k$on_epoch_end(0), NULL)
  Scaled <- new_metric_class("PrivateScaled",
    initialize = function(...) {
      super$initialize(...)
      private$factor <- 2
      self$total <- self$add_weight(shape = list(), initializer = "zeros")
    },
    update_state = function(y_true, y_pred, sample_weight = NULL)
      self$total$assign_add(private$factor * op_sum(y_pred)),
    result = function() self$total)
  m <- Scaled()
  m$update_state(op_ones(c(2, 1)), op_ones(c(2, 1)))
  expect_equal(as.array(m$result()), 4)
})

test_that("members marked active are properties (mark_active(), %<-active%)", {
  skip_if_no_engine()
  Tracked <- new_model_class("ActiveTracked",
    initialize = function(...) {
      super$initialize(...)
      self$dense <- layer_dense(units = 1)
      self$loss_tracker <- metric_mean(name = "loss")
      private$scale <- 1
    },
    call = function(inputs) self$dense(inputs) * private$scale,
    metrics = mark_active(function() list(self$loss_tracker)),
    scale = mark_active(function(value) {
      if (missing(value)) private$scale else private$scale <- value
    }))
  m <- Tracked()
  expect_length(m$metrics, 1)
  expect_equal(m$metrics[[1]]$name, "loss")
  m$scale <- 0
  expect_equal(m$scale, 0)
  expect_equal(as.array(m(op_ones(c(2, 3)))), matrix(0, 2, 1))
  Held(keras$layers$Layer) %py_class% {
    call <- function(inputs) inputs
    held %<-active% function(value) if (missing(value)) private$v %||% 0 else private$v <- value
  }
  h <- Held()
  h$held <- 7
  expect_equal(h$held, 7)
  expect_error(mark_active(1), class = "rkbridge_type_error")
})

test_that("a function of the package given to a method is that R function", {
  skip_if_no_engine()
  Activated <- Layer(
    classname = "ActivatedBy",
    initialize = function(activation = NULL, ...) {
      super$initialize(...)
      self$activation <- activation
    },
    call = function(inputs) self$activation(inputs))
  layer <- Activated(activation = activation_softmax)
  expect_true(is.function(layer$activation))
  out <- as.array(layer(op_array(matrix(c(0, 0, log(3), 0), 2, 2), dtype = "float32")))
  expect_equal(out, matrix(c(0.25, 0.5, 0.75, 0.5), 2, 2), tolerance = 1e-6)
})

test_that("a call(inputs, mask = NULL) method receives the mask of its input", {
  skip_if_no_engine()
  seen <- NULL
  MaskedMean <- new_layer_class("MaskedMean",
    initialize = function(...) {
      super$initialize(...)
      self$supports_masking <- TRUE
    },
    call = function(inputs, mask = NULL) {
      if (is.null(mask)) stop("no mask")
      seen <<- mask
      w <- op_expand_dims(op_cast(mask, "float32"), -1)
      op_sum(inputs * w, axis = 2) / op_sum(w, axis = 2)
    })
  inputs <- keras_input(shape = shape(NULL), dtype = "int32")
  outputs <- inputs |>
    layer_embedding(input_dim = 10, output_dim = 2, mask_zero = TRUE,
                    embeddings_initializer = "ones") |>
    layer_dense(1, kernel_initializer = "ones", use_bias = FALSE) |>
    MaskedMean()
  model <- keras_model(inputs, outputs)
  x <- matrix(c(3L, 5L, 0L, 0L, 4L, 0L), nrow = 2, byrow = TRUE)
  expect_equal(as.array(model(x)), matrix(2, 2, 1))
  expect_equal(as.array(seen), x != 0)
})

test_that("active_property() marks a property as mark_active() does (keras3's name)", {
  skip_if_no_engine()
  Tracked <- Model(
    classname = "PropertyTracked",
    initialize = function(...) {
      super$initialize(...)
      self$dense <- layer_dense(units = 1)
      self$d_loss <- metric_mean(name = "d_loss")
      self$g_loss <- metric_mean(name = "g_loss")
    },
    call = function(inputs) self$dense(inputs),
    metrics = active_property(function() list(self$d_loss, self$g_loss)))
  m <- Tracked()
  expect_equal(vapply(m$metrics, function(x) x$name, ""), c("d_loss", "g_loss"))
  expect_error(active_property("x"), class = "rkbridge_type_error")
})

test_that("methods receive R values: vectors and lists as given, tensors as tensors", {
  skip_if_no_engine()
  Stack <- new_model_class("WidthStack",
    initialize = function(widths, names, ...) {
      super$initialize(...)
      private$got <- list(widths = widths, names = names)
      self$hidden <- lapply(head(widths, -1), function(w) layer_dense(units = w))
      self$out <- layer_dense(units = tail(widths, 1))
    },
    call = function(inputs) {
      x <- inputs
      for (layer in self$hidden) x <- layer(x)
      self$out(x)
    },
    got = mark_active(function() private$got))
  m <- Stack(c(8, 4, 2), list(a = 1:3, b = "x"))
  expect_equal(as.vector(m$got$widths), c(8, 4, 2))
  expect_equal(m$got$names, list(a = 1:3, b = "x"))
  expect_length(m$hidden, 2)
  out <- m(op_ones(c(5, 3)))
  expect_true(inherits(out, "tensorflow.tensor"))
  expect_equal(dim(out), c(5L, 2L))
})

test_that("a layer called with named arguments only", {
  skip_if_no_engine()
  mha <- layer_multi_head_attention(num_heads = 2, key_dim = 2)
  x <- layer_input(c(3, 4))
  expect_equal(dim(mha(query = x, value = x)), c(NA, 3L, 4L))
  q <- op_ones(c(1, 3, 4))
  expect_equal(as.array(mha(query = q, value = q)), as.array(mha(q, q)))
})

test_that("a callback keeps R arrays on self (a kernel, restored later)", {
  skip_if_no_engine()
  at_epoch_1 <- NULL
  Keeper <- Callback("KernelKeeper",
    on_epoch_end = function(epoch, logs = NULL) {
      if (epoch == 1) {
        self$kept <- list(kernel = get_weights(self$model)[[1]])
        at_epoch_1 <<- get_weights(self$model)[[1]]
      }
    },
    on_train_end = function(logs = NULL) self$model$layers[[1]]$kernel$assign(self$kept$kernel))
  model <- keras_model_sequential(input_shape = 2) |> layer_dense(2)
  model |> compile(loss = "mse", optimizer = optimizer_sgd(0.1))
  model |> fit(matrix(runif(16), 8), matrix(runif(16), 8), epochs = 3, verbose = 0,
               callbacks = list(Keeper()))
  expect_identical(dim(at_epoch_1), c(2L, 2L))
  expect_equal(get_weights(model)[[1]], at_epoch_1, tolerance = 1e-7)
})

test_that("shape(x) in a train_step() gives the batch size as a tensor that shapes new ones", {
  skip_if_no_engine()
  BatchSized <- Model("BatchSized",
    initialize = function(...) {
      super$initialize(...)
      self$d <- layer_dense(units = 1)
    },
    call = function(x) self$d(x),
    train_step = function(data) {
      c(x, y) %<-% data
      batch_size <- shape(x)[[1]]  # unknown when traced
      noise <- tf$random$normal(shape(batch_size, 3))
      out <- self$d(noise) * 0 + op_ones(c(batch_size, 1))
      list(rows = op_sum(out))
    })
  m <- BatchSized()
  m |> compile(optimizer = "sgd")
  h <- m |> fit(matrix(runif(30), 10), runif(10), batch_size = 4, epochs = 1, verbose = 0)
  expect_equal(h$metrics$rows, 2)  # the last batch: 10 rows in batches of 4
  expect_identical(as.integer(shape(op_ones(c(2, 3)))), c(2L, 3L))
})
