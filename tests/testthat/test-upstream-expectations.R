# What the R Keras interfaces' own test suites expect (tools/heldout.R runs them): class names
# of keras 2.x, custom objects at load time, metrics called directly, layer node accessors,
# freeze_weights(from/to), an unbuilt model's print, text_hashing_trick() of several texts.

test_that("Keras objects carry the keras 2.x / Keras 3.0 class names, after their own", {
  skip_if_no_engine()
  m <- metric_auc()
  expect_s3_class(m, "keras.metrics.Metric")
  expect_s3_class(m, "keras.metrics.base_metric.Metric")
  expect_identical(class(m)[1], "keras.src.metrics.confusion_metrics.AUC")
  expect_identical(tail(class(m), 1), "python.builtin.object")
  model <- keras_model_sequential(input_shape = 2) %>% layer_dense(1)
  expect_s3_class(model, "keras.engine.training.Model")
  expect_s3_class(model, "keras.models.model.Model")
  expect_s3_class(model, "keras.engine.sequential.Sequential")
  expect_s3_class(layer_dense(units = 1), "keras.layers.Layer")
  expect_s3_class(optimizer_adam(), "keras.optimizers.Optimizer")
  expect_s3_class(callback_early_stopping(), "keras.callbacks.Callback")
  expect_s3_class(initializer_ones(), "keras.initializers.Initializer")
  kt <- layer_input(shape = 2)
  expect_identical(class(kt)[1], "keras.src.backend.common.keras_tensor.KerasTensor")
  expect_s3_class(kt, "keras.engine.keras_tensor.KerasTensor")
  # the names are added once, not again when the same object comes back
  again <- compile(model, optimizer = "sgd", loss = "mse")
  expect_identical(sum(class(again) == "keras.engine.training.Model"), 1L)
  # a plain Python object gets nothing
  expect_identical(class(model$name), "character")
})

test_that("metric_top_k_categorical_accuracy(k = 3) computes, with k_variable() floatx", {
  skip_if_no_engine()
  y_pred <- k_variable(matrix(c(0.3, 0.2, 0.1, 0.1, 0.2, 0.7), nrow = 2, ncol = 3))
  y_true <- k_variable(matrix(c(0L, 1L), nrow = 2, ncol = 1))
  expect_identical(y_true$dtype, "float32")  # keras 2.x: floatx unless dtype is given
  expect_identical(k_variable(1:2, dtype = "int32")$dtype, "int32")
  y_onehot <- k_constant(rbind(c(0, 1, 0), c(0, 0, 1)))
  # row 1 (0.3, 0.1, 0.2): class 2 is 3rd of 3 -> in the top 3 but not the top 2
  expect_equal(as.array(metric_top_k_categorical_accuracy(y_onehot, y_pred, k = 3)),
               array(c(1, 1)))
  expect_equal(as.array(metric_top_k_categorical_accuracy(y_onehot, y_pred, k = 2)),
               array(c(0, 1)))
  expect_equal(as.vector(as.array(metric_sparse_top_k_categorical_accuracy(y_true, y_pred,
                                                                            k = 1))), c(1, 0))
})

test_that("named custom metric functions warn and are named, each output gets them", {
  skip_if_no_engine()
  input <- layer_input(shape = 1)
  model <- keras_model(input, list(layer_dense(input, 1, name = "out1"),
                                   layer_dense(input, 1, name = "out2")))
  expect_warning(
    compile(model, loss = "mse", optimizer = "sgd",
            metrics = list(metric1 = function(y_true, y_pred) k_mean(y_pred))),
    "custom_metric")
  h <- fit(model, matrix(1:4), list(matrix(1:4), matrix(1:4)), epochs = 1, verbose = 0)
  expect_true(all(c("out1_metric1", "out2_metric1") %in% names(h$metrics)))
})

test_that("custom losses and metrics saved by name are found at load, scoped or given", {
  skip_if_no_engine()
  skip_if_not(reticulate::py_module_available("h5py"))
  metric_mean_pred <- custom_metric("mean_pred", function(y_true, y_pred) k_mean(y_pred))
  custom_loss <- function(y_true, y_pred) k_mean(k_square(y_true - y_pred))
  x <- matrix(seq(0, 1, length.out = 8), 4)
  y <- matrix(c(1, 0, 1, 0), 4)
  model <- keras_model_sequential(input_shape = 2) %>%
    layer_dense(1, kernel_initializer = "ones")
  compile(model, loss = custom_loss, optimizer = "sgd", metrics = metric_mean_pred)
  tmp <- tempfile(fileext = ".h5")
  save_model_hdf5(model, tmp)
  loaded <- load_model_hdf5(tmp, custom_objects = c(mean_pred = metric_mean_pred,
                                                    custom_loss = custom_loss))
  res <- evaluate(loaded, x, y, verbose = 0)
  pred <- x %*% c(1, 1)
  expect_equal(res[["loss"]], mean((y - pred)^2), tolerance = 1e-5)
  expect_equal(res[["mean_pred"]], mean(pred), tolerance = 1e-5)
  with_custom_object_scope(c(mean_pred = metric_mean_pred, custom_loss = custom_loss), {
    scoped <- load_model_hdf5(tmp)
  })
  expect_equal(evaluate(scoped, x, y, verbose = 0)[["mean_pred"]], mean(pred),
               tolerance = 1e-5)
  # a partly named list: the unnamed entries are known by their own names
  tmp2 <- tempfile(fileext = ".keras")
  save_model(model, tmp2)
  again <- load_model(tmp2, custom_objects = list(metric_mean_pred, custom_loss = custom_loss))
  expect_equal(evaluate(again, x, y, verbose = 0)[["loss"]], mean((y - pred)^2),
               tolerance = 1e-5)
})

test_that("get_input_at() and friends: the n-th call of a layer, 1-based", {
  skip_if_no_engine()
  dense <- layer_dense(units = 2)
  a <- layer_input(shape = 4, name = "a")
  b <- layer_input(shape = 4, name = "b")
  out_a <- dense(a)
  out_b <- dense(b)
  expect_identical(get_input_at(dense, 1)$name, a$name)
  expect_identical(get_input_at(dense, 2)$name, b$name)
  expect_identical(get_output_at(dense, 2)$name, out_b$name)
  expect_identical(get_input_shape_at(dense, 1), list(NULL, 4L))
  expect_identical(get_output_shape_at(dense, 2), list(NULL, 2L))
  expect_null(get_input_mask_at(dense, 1))
  expect_null(get_output_mask_at(dense, 1))
  expect_error(get_input_at(dense, 3), "called 2 time", class = "rkbridge_index_error")
})

test_that("freeze_weights(from, to) unfreezes the layers outside the range (keras 2.x)", {
  skip_if_no_engine()
  m <- keras_model_sequential(input_shape = 3) %>%
    layer_dense(2, name = "a") %>% layer_dense(2, name = "b") %>% layer_dense(2, name = "c")
  freeze_weights(m, from = -2)
  expect_identical(vapply(m$layers, \(l) l$trainable, TRUE), c(TRUE, FALSE, FALSE))
  freeze_weights(m, from = 1, to = 1)
  expect_identical(vapply(m$layers, \(l) l$trainable, TRUE), c(FALSE, TRUE, TRUE))
  expect_length(m$non_trainable_weights, 2)
  unfreeze_weights(m, from = "b", to = "b")
  expect_identical(vapply(m$layers, \(l) l$trainable, TRUE), c(FALSE, TRUE, FALSE))
})

test_that("an unbuilt model prints that it is unbuilt", {
  skip_if_no_engine()
  m <- keras_model_sequential() %>% layer_dense(10)
  expect_output(print(m), "unbuilt")
  expect_output(print(m), "no summary available")
})

test_that("text_hashing_trick() hashes one text: several are an error, NA gives NA", {
  skip_if_no_engine()
  expect_error(text_hashing_trick(letters, 10), "`text` should be length 1",
               class = "rkbridge_value_error")
  expect_length(text_hashing_trick("the cat sat", 10), 3)
  expect_true(is.na(text_hashing_trick(NA_character_, 10)))
})

test_that("a one-sided formula is a function where one is expected (freeze_weights(which =))", {
  skip_if_no_engine()
  m <- keras_model_sequential(input_shape = 3) %>%
    layer_dense(2, name = "a") %>% layer_dense(2, name = "dense1") %>%
    layer_dense(2, name = "dense2")
  freeze_weights(m, which = ~ grepl("^dense", .x$name))
  expect_identical(vapply(m$layers, \(l) l$trainable, TRUE), c(TRUE, FALSE, FALSE))
  unfreeze_weights(m, which = ~ .$name == "a")
  expect_identical(vapply(m$layers, \(l) l$trainable, TRUE), c(TRUE, FALSE, FALSE))
  unfreeze_weights(m, which = ~ .x$name != "a")
  expect_identical(vapply(m$layers, \(l) l$trainable, TRUE), c(FALSE, TRUE, TRUE))
})
