# layer_feature_space(), the feature_*() specifications and metric_mean_tensor() from R,
# against Keras's own FeatureSpace and Mean run directly in Python on the same data.

houses <- list(age = c(31, 45, 27, 60, 38, 45),
               city = c("Oslo", "Rome", "Oslo", "Lima", "Rome", "Oslo"),
               rooms = c(2, 3, 2, 4, 3, 2))
types <- list(age = "float_normalized", city = "string_categorical",
              rooms = "integer_categorical")

# Keras's FeatureSpace on the same data, in Python; its output as an R matrix (lists, so that
# any reticulate converts it).
keras_output <- function(code) {
  py <- reticulate::py_run_string(paste0("
import numpy as np, keras, tensorflow as tf
FS = keras.utils.FeatureSpace
data = {'age': np.array([31, 45, 27, 60, 38, 45], 'float32'),
        'city': np.array(['Oslo', 'Rome', 'Oslo', 'Lima', 'Rome', 'Oslo']),
        'rooms': np.array([2, 3, 2, 4, 3, 2], 'int32')}
", code, "
out = fs(data)
if isinstance(out, dict):  # (no comprehension: it would not see this scope's names)
    res = {}
    for k in out:
        res[k] = np.asarray(out[k]).tolist()
    out = res
else:
    out = np.asarray(out).tolist()
"), local = TRUE)
  as_matrix <- function(rows) do.call(rbind, lapply(rows, unlist))
  if (is.null(names(py$out))) as_matrix(py$out) else lapply(py$out, as_matrix)
}

test_that("a feature space encodes a named list as Keras's FeatureSpace does", {
  skip_if_no_engine()
  space <- layer_feature_space(features = types, crosses = list(c("city", "rooms")),
                               crossing_dim = 8)
  expect_identical(adapt(space, houses), space)
  x <- space(houses)
  expect_true(is.matrix(x))
  expect_equal(dim(x), c(6L, 1L + 4L + 4L + 8L))
  want <- keras_output("
fs = FS(features={'age': 'float_normalized', 'city': 'string_categorical',
                  'rooms': 'integer_categorical'}, crosses=[('city', 'rooms')], crossing_dim=8)
fs.adapt(tf.data.Dataset.from_tensor_slices(data))")
  expect_equal(x, want, tolerance = 1e-6)
  # the same through the pipe, and for one sample (a 1-row matrix)
  expect_equal(houses %>% space, x)
  one <- space(list(age = 45, city = "Rome", rooms = 3))
  expect_equal(one, x[2, , drop = FALSE], tolerance = 1e-6)
})

test_that("normalized floats use the data's mean and variance (divided by n)", {
  skip_if_no_engine()
  space <- layer_feature_space(houses, features = list(age = feature_float_normalized()))
  age <- houses$age
  expect_equal(as.vector(space(houses)), (age - mean(age)) / sqrt(mean((age - mean(age))^2)),
               tolerance = 1e-5)
  expect_equal(as.vector(as.array(space$preprocessors$age$mean)), mean(age),
               tolerance = 1e-6)
})

test_that("one-hot column j of a block is the j-th term of get_vocabulary()", {
  skip_if_no_engine()
  space <- layer_feature_space(houses, features = types)
  x <- space(houses)
  city_vocab <- get_vocabulary(space$preprocessors$city)
  rooms_vocab <- get_vocabulary(space$preprocessors$rooms)
  expect_equal(city_vocab[1], "[UNK]")
  city <- x[, 1 + seq_along(city_vocab)]          # blocks by sorted name: age, city, rooms
  rooms <- x[, 1 + length(city_vocab) + seq_along(rooms_vocab)]
  expect_equal(rowSums(city), rep(1, 6))
  expect_equal(city_vocab[max.col(city)], houses$city)
  expect_equal(max.col(city), match(houses$city, city_vocab))
  expect_type(rooms_vocab, "list")                # an integer lookup's, as keras3 gives it
  expect_equal(unlist(rooms_vocab)[max.col(rooms)], as.integer(houses$rooms))
  unseen <- space(list(age = 1, city = "Paris", rooms = 9))
  expect_equal(unseen[1, 2], 1)                   # out of vocabulary: the block's column 1
  expect_equal(unseen[1, 2 + length(city_vocab)], 1)
})

test_that("crosses are crossing_dim wide and equal Keras's; dict mode is a named list", {
  skip_if_no_engine()
  space <- layer_feature_space(houses, features = types, output_mode = "dict",
                               crosses = list(feature_cross(c("city", "rooms"),
                                                            crossing_dim = 5)))
  out <- space(houses)
  expect_equal(names(out), c("age", "city", "rooms", "city_X_rooms"))
  expect_equal(dim(out$city_X_rooms), c(6L, 5L))
  want <- keras_output("
fs = FS(features={'age': 'float_normalized', 'city': 'string_categorical',
                  'rooms': 'integer_categorical'},
        crosses=[FS.cross(['city', 'rooms'], 5)], output_mode='dict')
fs.adapt(tf.data.Dataset.from_tensor_slices(data))")
  for (n in names(want)) expect_equal(out[[n]], want[[n]], tolerance = 1e-6, info = n)
})

test_that("adapt() takes a data frame (factors, other columns) and a TF dataset", {
  skip_if_no_engine()
  want <- layer_feature_space(houses, features = types)(houses)
  df <- data.frame(age = houses$age, city = factor(houses$city), rooms = houses$rooms,
                   target = 1:6)
  space <- layer_feature_space(features = types)
  adapt(space, df, batch_size = 2)
  expect_equal(space(df), want, tolerance = 1e-6)
  ds <- tf$data$Dataset$from_tensor_slices(houses)
  space <- layer_feature_space(ds, features = types)
  expect_equal(space(houses), want, tolerance = 1e-6)
})

test_that("specifications without adapting: rescaled, hashed, fixed bins", {
  skip_if_no_engine()
  space <- layer_feature_space(features = list(
    x = feature_float_rescaled(scale = 2, offset = 1), id = feature_integer_hashed(4),
    w = feature_string_hashed(num_bins = 4), y = feature_float()))
  out <- space(list(x = c(0, 1, 2), id = c(10, 11, 10), w = c("a", "b", "a"),
                    y = c(1.5, -2, 3)))
  expect_equal(dim(out), c(3L, 4L + 4L + 1L + 1L))  # id, w, x, y
  expect_equal(out[, 9], c(1, 3, 5))
  expect_equal(out[, 10], c(1.5, -2, 3))
  expect_equal(out[1, 1:4], out[3, 1:4])
  want <- keras_output("
fs = FS(features={'id': FS.integer_hashed(4), 'w': FS.string_hashed(4)})
data = {'id': np.array([10, 11, 10], 'int32'), 'w': np.array(['a', 'b', 'a'])}")
  expect_equal(out[, 1:8], want)
  bins <- layer_feature_space(features = list(x = feature_float_discretized(
    bin_boundaries = c(0, 10), output_mode = "int")), output_mode = "dict")
  expect_equal(as.vector(bins(list(x = c(-5, 5, 15)))$x), c(0, 1, 2))
})

test_that("feature space mistakes are R conditions that say what to do", {
  skip_if_no_engine()
  space <- layer_feature_space(features = types)
  expect_error(space(houses), "adapt", class = "rkbridge_value_error")
  expect_error(adapt(space, houses[c("age", "rooms")]), "no element \"city\"",
               class = "rkbridge_value_error")
  expect_error(adapt(space, list(age = houses$city, city = houses$city, rooms = 1:6)),
               "`data\\$age` is a character vector", class = "rkbridge_type_error")
  expect_error(adapt(space, modifyList(houses, list(rooms = houses$rooms + 0.5))),
               "whole numbers", class = "rkbridge_value_error")
  expect_error(layer_feature_space(features = list(age = "floats")), "not a feature type",
               class = "rkbridge_value_error")
  expect_error(feature_float_discretized(bin_boundaries = c(0, 1)), "output_mode = \"int\"",
               class = "rkbridge_value_error")
  expect_error(feature_string_hashed(), "`num_bins` is required",
               class = "rkbridge_value_error")
})

test_that("metric_mean_tensor() is the element-wise weighted mean, as Keras's Mean per element", {
  skip_if_no_engine()
  set.seed(1)
  batches <- replicate(3, matrix(rnorm(6), 3, 2), simplify = FALSE)
  weights <- list(NULL, c(1, 0, 2), c(0.5, 0.5, 0))
  m <- metric_mean_tensor()
  for (i in 1:3) {
    if (is.null(weights[[i]])) m(batches[[i]]) else m(batches[[i]], weights[[i]])
  }
  got <- as.array(m$result())
  w <- sapply(weights, function(v) if (is.null(v)) rep(1, 3) else v)  # 3 x 3: row, batch
  total <- Reduce(`+`, Map(function(b, i) b * w[, i], batches, 1:3))
  expect_equal(got, total / rowSums(w), tolerance = 1e-6)
  for (i in 1:3) for (j in 1:2) {
    mean_ij <- metric_mean()
    for (k in 1:3) mean_ij(batches[[k]][i, j], w[i, k])
    expect_equal(got[i, j], as.array(mean_ij$result()), tolerance = 1e-6)
  }
  expect_error(m(1:5), "same shape", class = "rkbridge_value_error")
  m2 <- metric_mean_tensor(shape = c(2), name = "mt")
  expect_equal(m2$name, "mt")
})
