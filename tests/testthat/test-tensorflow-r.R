# keras 2.x leftovers: zeallot's %<-%, reticulate's array_reshape(), tuple(),
# np_array(), py_to_r()/r_to_py(), tensorflow's as_tensor(), and keras 2.x's
# is_keras_available(), backend(), implementation(), use_implementation(), use_backend(),
# multi_gpu_model(). Values are compared with what NumPy, TensorFlow and Keras give.

numpy <- function() reticulate::import("numpy", convert = FALSE)
# A NumPy array back in R through the engine's transport (any reticulate version).
from_numpy <- function(a) rkbridge:::array_to_r(a)

# ---- %<-% ------------------------------------------------------------------------------

test_that("%<-% unpacks a list and a vector by position, in the caller's environment", {
  f <- function() {
    c(a, b) %<-% list(1, "two")
    c(u, v, w) %<-% c(10, 20, 30)
    list(a = a, b = b, u = u, v = v, w = w)
  }
  res <- f()
  expect_identical(res, list(a = 1, b = "two", u = 10, v = 20, w = 30))
  expect_false(exists("a", inherits = FALSE))  # assigned in f's frame, not here
  c(x_train, y_train) %<-% list(1, 2)
  expect_identical(c(x_train, y_train), c(1, 2))
})

test_that("%<-% unpacks nested named lists (a dataset) by position, not by name", {
  dataset <- list(train = list(x = array(1:8, c(2, 2, 2)), y = c(0L, 1L)),
                  test = list(x = array(9:12, c(1, 2, 2)), y = 5L))
  c(c(x_train, y_train), c(x_test, y_test)) %<-% dataset
  expect_identical(x_train, dataset$train$x)
  expect_identical(y_train, dataset$train$y)
  expect_identical(x_test, dataset$test$x)
  expect_identical(y_test, dataset$test$y)
  # names do not matter: the first list is the first pair, whatever it is called
  c(c(p, q), c(r, s)) %<-% list(second = list(b = 1, a = 2), first = list(d = 3, c = 4))
  expect_identical(c(p, q, r, s), c(1, 2, 3, 4))
  # vectors inside a list are values, not unpacked
  c(m, n) %<-% list(c(1, 2), c(3, 4))
  expect_identical(m, c(1, 2))
  expect_identical(n, c(3, 4))
})

test_that("%<-% skips values with `.` and collects the rest with `...name`", {
  c(a, ., c3) %<-% list(1, 2, 3)
  expect_identical(c(a, c3), c(1, 3))
  expect_false(exists(".", inherits = FALSE))
  c(d, c(e, ., f), g) %<-% list(4, list(5, 6, 7), 8)
  expect_identical(c(d, e, f, g), c(4, 5, 7, 8))

  c(first, ...rest) %<-% list(1, "b", 3)
  expect_identical(first, 1)
  expect_identical(rest, list("b", 3))  # from a list: a list
  c(head, ...tail) %<-% 1:5
  expect_identical(head, 1L)
  expect_identical(tail, 2:5)  # from a vector: a vector
  c(...init, last) %<-% c(TRUE, FALSE, FALSE)
  expect_identical(init, c(TRUE, FALSE))
  expect_identical(last, FALSE)
  c(lo, ...mid, hi) %<-% list(1, 2, 3, 4)
  expect_identical(mid, list(2, 3))
  expect_identical(c(lo, hi), c(1, 4))
  c(only, ...none) %<-% list(9)
  expect_identical(none, list())
  c(z, ...) %<-% list(1, 2, 3, 4)
  expect_identical(z, 1)
  c(..., zz) %<-% list(1, 2, 3, 4)
  expect_identical(zz, 4)
})

test_that("%<-% takes defaults, element targets, and a single name takes the whole value", {
  c(a, b = 10) %<-% list(1)
  expect_identical(c(a, b), c(1, 10))
  c(d = 5, e = 6) %<-% c(8, 9)
  expect_identical(c(d, e), c(8, 9))
  whole %<-% list(1, 2, 3)
  expect_identical(whole, list(1, 2, 3))
  holder <- list()
  c(holder$x, holder[["y"]]) %<-% list("ex", "why")
  expect_identical(holder, list(x = "ex", y = "why"))
  expect_invisible(c(k1, k2) %<-% list(1, 2))
  expect_identical((c(k1, k2) %<-% list(1, 2)), list(1, 2))
})

test_that("%<-% signals rkbridge_value_error when the counts differ, and assigns nothing", {
  a <- "untouched"
  expect_error(c(a, b) %<-% list(1, 2, 3), class = "rkbridge_value_error")
  expect_error(c(a, b, cc) %<-% list(1, 2), class = "rkbridge_value_error")
  expect_error(c(a, b) %<-% list(), class = "rkbridge_value_error")
  expect_error(c(c(a, b), c(d, e, f)) %<-% list(list(1, 2), list(3, 4)),
               class = "rkbridge_value_error")
  expect_error(c(a, b, ...r) %<-% list(1), class = "rkbridge_value_error")
  expect_error(c(c(a, b), c(d, e)) %<-% list(c(1, 2), c(3, 4)),
               class = "rkbridge_value_error")  # a vector inside a list is one value
  expect_identical(a, "untouched")
  err <- tryCatch(c(a, b) %<-% list(1, 2, 3), error = identity)
  expect_match(conditionMessage(err), "takes 2 values, but the right-hand side has 3")
  expect_error(c(a, , b) %<-% list(1, 2), class = "rkbridge_value_error")
  expect_error(c(a + b) %<-% list(1), class = "rkbridge_value_error")
  expect_error(c(a, b) %<-% structure(list(1, 2), class = "thing"),
               class = "rkbridge_value_error")
})

test_that("%<-% unpacks what Keras gives: evaluate() results and Python tuples", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = 2) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse", metrics = "mae")
  x <- matrix(c(1, 2, 3, 4), 2)
  y <- c(1, 2)
  scores <- evaluate(model, x, y, verbose = 0)
  c(loss, mae) %<-% scores
  expect_identical(loss, scores[[1]])
  expect_identical(mae, scores[[2]])
  c(p, q) %<-% tuple(1L, "b")
  expect_identical(py_to_r(p), 1L)
  expect_identical(py_to_r(q), "b")
})

# ---- array_reshape ---------------------------------------------------------------------

test_that("array_reshape() gives NumPy's reshape (order C) of the same array", {
  skip_if_no_engine()
  np <- numpy()
  x <- array(seq(0.5, 24, by = 1), c(2, 3, 4))
  for (d in list(c(4L, 6L), c(6L, 4L), c(24L), c(2L, 12L), c(3L, 2L, 4L), c(4L, 3L, 2L))) {
    want <- r_ref(np$reshape(np_ref(x), reticulate::tuple(as.list(d)), order = "C"))
    got <- array_reshape(x, d)
    expect_identical(dim(got), d)
    expect_identical(as.vector(got), as.vector(want))
    want_f <- r_ref(np$reshape(np_ref(x), reticulate::tuple(as.list(d)), order = "F"))
    expect_identical(as.vector(array_reshape(x, d, order = "F")), as.vector(want_f))
  }
  # a vector (NumPy: a 1-d array)
  v <- 1:12
  want <- r_ref(np$reshape(np_ref(v), reticulate::tuple(3L, 4L), order = "C"))
  expect_identical(unname(array_reshape(v, c(3, 4))), unname(want))
  # a NumPy array as x
  expect_identical(array_reshape(np_array(x), c(4, 6)), array_reshape(x, c(4, 6)))
})

test_that("array_reshape() reads and fills row by row; order F is dim<-", {
  x <- array(1:24, c(2, 3, 4))
  r <- array_reshape(x, c(4, 6))
  expect_identical(typeof(r), "integer")
  # row 1 is x[1, 1, ] then x[1, 2, ]: the last index changes fastest
  expect_identical(r[1, ], c(x[1, 1, ], x[1, 2, 1:2]))
  expect_identical(r[1, 1:4], x[1, 1, ])
  m <- matrix(1:6, 2, byrow = TRUE)  # rows 1 2 3 / 4 5 6
  expect_identical(array_reshape(m, 6), array(1:6, 6))
  expect_identical(array_reshape(1:6, c(2, 3)), m)
  expect_identical(array_reshape(x, c(6, 4), order = "F"), {
    y <- x
    dim(y) <- c(6, 4)
    y
  })
  expect_identical(array_reshape(1:6, c(3, 2), order = "F"), matrix(1:6, 3))
  expect_identical(array_reshape(x, c(-1, 8)), array_reshape(x, c(3, 8)))
  images <- array(runif(3 * 4 * 5), c(3, 4, 5))
  flat <- array_reshape(images, c(3, 20))
  expect_identical(flat[2, ], as.vector(t(images[2, , ])))
  expect_error(array_reshape(x, c(5, 5)), class = "rkbridge_value_error")
  expect_error(array_reshape(x, c(-1, -1)), class = "rkbridge_value_error")
  expect_error(array_reshape(x, c(-1, 5)), class = "rkbridge_value_error")
  expect_error(array_reshape(list(1, 2), 2), class = "rkbridge_type_error")
})

# ---- tuple, np_array, py_to_r, r_to_py --------------------------------------------------

test_that("tuple() is a Python tuple whose arrays keep R's index meaning", {
  skip_if_no_engine()
  m <- matrix(c(1.5, 2, 3, 4, 5, 6), 2)
  t <- tuple(1L, "a", m)
  expect_s3_class(t, "python.builtin.tuple")
  expect_identical(reticulate::py_len(t), 3L)
  back <- py_to_r(t)
  expect_identical(back, list(1L, "a", m))
  expect_identical(py_to_r(tuple(list(1, 2))), list(1, 2))  # one list: its elements
  expect_identical(tuple(t), t)
  expect_identical(py_to_r(tuple()), list())
  # Keras and TensorFlow take it as a shape
  expect_identical(dim(as.array(tf$zeros(tuple(2L, 3L)))), c(2L, 3L))
  expect_false(reticulate:::py_has_convert(t))
  expect_true(reticulate:::py_has_convert(tuple(1, convert = TRUE)))
})

test_that("np_array() makes a NumPy array (a copy) with R's values, types and layout", {
  skip_if_no_engine()
  np <- numpy()
  m <- matrix(c(1.5, -2, 3, 4, 5, 6), 2)
  a <- np_array(m)
  expect_s3_class(a, "numpy.ndarray")
  expect_identical(py_to_r(a$dtype$name), "float64")
  expect_identical(unlist(py_to_r(a$shape)), c(2L, 3L))
  expect_true(py_to_r(a$flags$c_contiguous))
  expect_true(py_to_r(a$flags$writeable))  # a copy, not a view of R memory
  for (i in 1:2) for (j in 1:3)
    expect_identical(py_to_r(a$item(i - 1L, j - 1L)), m[i, j])
  expect_identical(py_to_r(a), m)
  f <- np_array(m, dtype = "float32", order = "F")
  expect_identical(py_to_r(f$dtype$name), "float32")
  expect_true(py_to_r(f$flags$f_contiguous))
  expect_identical(py_to_r(f), m)
  expect_identical(py_to_r(np_array(1:3)$dtype$name), "int32")
  expect_identical(py_to_r(np_array(c(TRUE, FALSE))$dtype$name), "bool")
  expect_identical(unlist(py_to_r(np_array(5)$shape)), 1L)  # a vector is 1-d, as in reticulate
  expect_identical(py_to_r(np_array(1:4, dtype = tf$float16)$dtype$name), "float16")
  expect_error(np_array(1:3, order = "X"), class = "rkbridge_value_error")
})

test_that("py_to_r() and r_to_py() convert arrays with the transport, both ways", {
  skip_if_no_engine()
  np <- numpy()
  x <- array(as.double(1:24), c(2, 3, 4))
  p <- r_to_py(x)
  expect_s3_class(p, "numpy.ndarray")
  expect_identical(py_to_r(p), x)
  expect_identical(from_numpy(p), x)
  expect_identical(py_to_r(np$sum(p)), sum(x))  # a NumPy scalar
  expect_identical(py_to_r(np$arange(3L)), array(0:2))  # 1-d: a 1-d array, as reticulate gives
  nested <- reticulate::py_eval("{'a': __import__('numpy').arange(4).reshape(2, 2), 'b': [1, 'x']}",
                                convert = FALSE)
  got <- py_to_r(nested)
  expect_identical(got$a, matrix(0:3, 2, byrow = TRUE))
  expect_identical(got$b, list(1L, "x"))
  expect_identical(py_to_r(list(1, 2)), list(1, 2))  # already R
  expect_identical(py_to_r(r_to_py(list(a = 1, b = "z"))), list(a = 1, b = "z"))
})

# ---- as_tensor -------------------------------------------------------------------------

test_that("as_tensor() keeps R's types (doubles float64, integers int32) as tensorflow's did", {
  skip_if_no_engine()
  dt <- function(t) t$dtype$name
  expect_identical(dt(as_tensor(c(1, 2))), "float64")
  expect_identical(dt(as_tensor(2.5)), "float64")
  expect_identical(dt(as_tensor(matrix(1, 2, 2))), "float64")
  expect_identical(dt(as_tensor(1:3)), "int32")
  expect_identical(dt(as_tensor(3L)), "int32")
  expect_identical(dt(as_tensor(c(TRUE, FALSE))), "bool")
  m <- matrix(c(1.25, 2, 3, 4, 5, 6), 2)
  expect_identical(as.array(as_tensor(m)), m)
  expect_identical(as.array(as_tensor(1:3)), array(1:3))
  expect_identical(dt(as_tensor(m, dtype = "float32")), "float32")
  expect_identical(dt(as_tensor(1:3, dtype = tf$float32)), "float32")
  tt <- tf$constant(c(1, 2, 3))
  expect_identical(as.array(as_tensor(tt)), as.array(tt))
  expect_identical(dt(as_tensor(tt, dtype = "int64")), "int64")
})

test_that("as_tensor() converts with saturation and truncation; NA to an integer type fails", {
  skip_if_no_engine()
  got <- as.array(as_tensor(c(1.7, -1.7, 1e10, -1e10), dtype = "int32"))
  want <- as.array(tf$dtypes$saturate_cast(tf$constant(c(1.7, -1.7, 1e10, -1e10),
                                                        dtype = "float64"), "int32"))
  expect_identical(got, want)
  expect_equal(as.vector(got), c(1, -1, 2^31 - 1, -2^31))
  expect_error(as_tensor(c(1, NA), dtype = "int32"), class = "rkbridge_value_error")
  expect_identical(as.vector(as.array(as_tensor(c(0, 2), dtype = "bool"))), c(FALSE, TRUE))
})

test_that("as_tensor(shape =) reshapes row by row (as array_reshape) and fills scalars", {
  skip_if_no_engine()
  x <- array(as.double(1:24), c(2, 3, 4))
  got <- as.array(as_tensor(x, shape = c(4, 6)))
  expect_identical(got, array_reshape(x, c(4, 6)))
  want <- r_ref(keras_method(tf$reshape(tf$constant(np_ref(x)), c(4L, 6L)), "numpy")())
  expect_identical(got, want)
  expect_identical(as.array(as_tensor(1:6, shape = c(2, 3))), matrix(1:6, 2, byrow = TRUE))
  expect_identical(as.array(as_tensor(1:6, shape = c(NA, 2))), matrix(1:6, 3, byrow = TRUE))
  expect_identical(as.array(as_tensor(1:6, shape = c(-1, 3))), matrix(1:6, 2, byrow = TRUE))
  expect_identical(as.array(as_tensor(x, shape = c(2, 3, 4))), x)  # the same shape: as is
  expect_identical(as.array(as_tensor(7, shape = c(2, 2))), matrix(7, 2, 2))
  expect_identical(as.array(as_tensor(7L, shape = 3)), array(rep(7L, 3)))
  tt <- tf$constant(np_ref(1:6))
  expect_identical(as.array(as_tensor(tt, shape = c(3, 2))), matrix(1:6, 3, byrow = TRUE))
  expect_error(as_tensor(1:6, shape = c(4, 2)), class = "rkbridge_value_error")
})

# ---- is_keras_available, backend, implementation, use_* ---------------------------------

test_that("tf_version() is the engine's TensorFlow, major.minor, and compares with strings", {
  skip_if_no_engine()
  full <- reticulate::import("tensorflow")$`__version__`
  v <- tf_version()
  expect_s3_class(v, "package_version")
  expect_identical(as.character(v), sub("^([0-9]+\\.[0-9]+).*", "\\1", full))
  expect_true(tf_version() >= "2.0")
  expect_false(tf_version() < "1.15")
})

test_that("tfe_enable_eager_execution() accepts TensorFlow 1.x's arguments; eager stays on", {
  expect_true(tfe_enable_eager_execution(device_policy = "silent"))
  expect_error(tfe_enable_eager_execution(device_policy = "sometimes"), "should be one of")
  skip_if_no_engine()
  expect_true(tf$executing_eagerly())
})

test_that("is_keras_available() is TRUE, and compares versions with the engine's Keras", {
  skip_if_no_engine()
  v <- reticulate::import("keras")$`__version__`
  expect_true(is_keras_available())
  expect_true(is_keras_available("2.0.9"))
  expect_true(is_keras_available(2))
  expect_true(is_keras_available(numeric_version("2.13.0")))
  expect_true(is_keras_available(v))
  expect_false(is_keras_available("99.0"))
  parts <- as.integer(strsplit(sub("^([0-9.]+).*", "\\1", v), ".", fixed = TRUE)[[1]])
  parts[length(parts)] <- parts[length(parts)] + 1L
  expect_false(is_keras_available(paste(parts, collapse = ".")))
  expect_error(is_keras_available("latest"), class = "rkbridge_value_error")
})

test_that("backend() is the keras.backend module; implementation() the keras module", {
  skip_if_no_engine()
  K <- backend()
  kb <- reticulate::import("keras")$backend
  expect_identical(reticulate::py_id(K), reticulate::py_id(kb))
  expect_identical(K$epsilon(), k_epsilon())
  expect_identical(K$backend(), "tensorflow")
  expect_identical(K$floatx(), "float32")
  raw <- backend(convert = FALSE)
  expect_s3_class(raw$epsilon(), "python.builtin.float")  # not converted
  impl <- implementation()
  expect_identical(reticulate::py_id(impl), reticulate::py_id(reticulate::import("keras")))
  expect_identical(impl$`__name__`, "keras")
})

test_that("use_implementation() and use_backend() accept what rkbridge runs, refuse the rest", {
  skip_if_no_engine()
  for (i in c("keras", "tensorflow", "TensorFlow")) {
    expect_silent(use_implementation(i))
    expect_null(use_implementation(i))
  }
  expect_invisible(use_implementation("tensorflow"))
  expect_silent(use_implementation())
  for (b in c("tensorflow", "TensorFlow", "keras")) expect_silent(use_backend(b))
  expect_invisible(use_backend())
  # keras3's `gpu` argument, by position too
  expect_silent(use_backend("tensorflow", FALSE))
  expect_error(use_backend("jax", FALSE), "TensorFlow only", class = "rkbridge_value_error")
  for (b in c("theano", "cntk", "plaidml", "jax", "torch"))
    expect_error(use_backend(b), class = "rkbridge_value_error")
  expect_error(use_implementation("theano"), class = "rkbridge_value_error")
  err <- tryCatch(use_backend("cntk"), error = identity)
  expect_match(conditionMessage(err), "TensorFlow only")
  expect_error(use_backend(1), class = "rkbridge_type_error")
  # nothing changed: models still build and predict
  m <- keras_model_sequential(input_shape = 2) %>% layer_dense(1)
  expect_identical(dim(predict(m, matrix(1, 3, 2), verbose = 0)), c(3L, 1L))
})

test_that("multi_gpu_model() is an error that points at strategy_mirrored()", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = 2) %>% layer_dense(1)
  err <- tryCatch(multi_gpu_model(model, gpus = 2), error = identity)
  expect_s3_class(err, "rkbridge_removed_error")
  expect_match(conditionMessage(err), "strategy_mirrored()", fixed = TRUE)
  expect_match(conditionMessage(err), "tf$distribute$MirroredStrategy()", fixed = TRUE)
  expect_error(multi_gpu_model(model), class = "rkbridge_removed_error")
})

test_that("keras_array(): doubles as floatx, other types kept, R's index meaning", {
  skip_if_no_engine()
  m <- matrix(c(1.5, 2, 3, 4, 5, 6), 2)
  a <- keras_array(m)
  expect_equal(as.character(a$dtype), "float32")
  expect_equal(py_to_r(a), m)
  expect_equal(as.character(keras_array(1:3)$dtype), "int32")
  expect_equal(as.character(keras_array(m, dtype = "float64")$dtype), "float64")
  l <- keras_array(list(a = m, b = c(TRUE, FALSE)))
  expect_equal(names(l), c("a", "b"))
  expect_equal(as.character(l$b$dtype), "bool")
  expect_null(keras_array(NULL))
})

# ---- tf_function() ---------------------------------------------------------------------

test_that("tf_function() traces an R function once per input signature, with its values", {
  traced <- 0
  double_it <- tf_function(function(x) { traced <<- traced + 1; x * 2 })
  expect_equal(as.array(double_it(as_tensor(c(1, 2)))), array(c(2, 4)))
  expect_equal(as.array(double_it(as_tensor(c(3, 4)))), array(c(6, 8)))
  expect_equal(traced, 1)  # the second call ran the graph, not R
  expect_equal(as.array(double_it(as_tensor(c(1, 2, 3)))), array(c(2, 4, 6)))
  expect_equal(traced, 2)  # a new shape is a new signature
  expect_equal(as.array(tf_function(function(x) x + 1)(as_tensor(1))), 2)

  traced <- 0
  spec <- tf$TensorSpec(shape = list(NULL), dtype = "float64")
  any_length <- tf_function(function(x) { traced <<- traced + 1; tf$reduce_sum(x) },
                            input_signature = list(spec))
  expect_equal(as.array(any_length(as_tensor(c(1, 2)))), 3)
  expect_equal(as.array(any_length(as_tensor(c(1, 2, 3)))), 6)
  expect_equal(traced, 1)
  expect_equal(any_length$experimental_get_tracing_count(), 1)
  expect_error(tf_function(1), class = "rkbridge_type_error")
})

test_that("tf_function() traces R if, for and while on tensors as graph control flow", {
  f <- tf_function(function(x) {
    if (tf$reduce_sum(x) > 0) y <- x * 10 else y <- -x   # y: assigned in both branches
    s <- tf$constant(0, "float64")
    for (v in x) if (v > 0) s <- s + v                   # a sum of the positive elements
    i <- tf$constant(0L)
    while (i < 3L) i <- i + 1L
    list(y, s, i)
  })
  pos <- f(as_tensor(c(1, -2, 3)))
  expect_equal(as.array(pos[[1]]), array(c(10, -20, 30)))
  expect_equal(as.array(pos[[2]]), 4)
  expect_equal(as.array(pos[[3]]), 3L)
  neg <- f(as_tensor(c(-1, -2, -3)))  # the same graph, the other branch
  expect_equal(as.array(neg[[1]]), array(c(1, 2, 3)))
  expect_equal(as.array(neg[[2]]), 0)
  expect_equal(f$experimental_get_tracing_count(), 1)
  # Loops over R values stay R loops, with next and break.
  g <- tf_function(function(x) {
    for (k in 1:5) { if (k == 2) next; if (k == 4) break; x <- x + k }
    x
  })
  expect_equal(as.array(g(as_tensor(0))), 4)
  # Without autograph, R's if cannot read a graph tensor.
  expect_error(tf_function(function(x) if (x > 0) x else -x, autograph = FALSE)(as_tensor(1)))
  # A branch with a value and one without cannot make one graph output.
  h <- tf_function(function(x) if (x > 0) x else NULL)
  expect_error(h(as_tensor(1)), "one branch gives a value")
})

test_that("tf_function() runs a custom training step with GradientTape", {
  w <- tf$Variable(0, dtype = "float64")
  step <- tf_function(function(x, y) {
    with(tf$GradientTape() %as% tape, loss <- tf$reduce_mean((w * x - y)^2))
    grad <- tape$gradient(loss, w)
    w$assign_sub(0.1 * grad)
    loss
  })
  x <- as_tensor(c(1, 2, 3)); y <- as_tensor(c(2, 4, 6))
  first <- as.array(step(x, y))
  for (i in 1:30) last <- as.array(step(x, y))
  expect_equal(first, mean(c(2, 4, 6)^2))
  expect_lt(last, 1e-3)
  expect_equal(as.array(w$read_value()), 2, tolerance = 1e-2)
})
