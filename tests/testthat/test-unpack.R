# keras3's `.` unpacking assignment and magrittr's `%<>%`, as keras3 and keras 2.x re-export.
test_that(".[a, b] <- value assigns by position, nested, with .. and by name", {
  .[rows, cols] <- dim(matrix(0, 3, 4))
  expect_identical(c(rows, cols), c(3L, 4L))
  .[.[x_train, y_train], .[x_test, y_test]] <-
    list(list(matrix(1:6, 3), 1:3), list(matrix(7:8, 1), 4L))
  expect_identical(x_train, matrix(1:6, 3))
  expect_identical(y_train, 1:3)
  expect_identical(x_test, matrix(7:8, 1))
  expect_identical(y_test, 4L)
  .[first, .., last] <- letters
  expect_identical(c(first, last), c("a", "z"))
  .[.., y, z] <- letters
  expect_identical(c(y, z), c("y", "z"))
  .[a, b, ..] <- 10:20
  expect_identical(c(a, b), 10:11)
  .[w = width, area = width * height] <- list(height = 2, width = 5)
  expect_identical(c(w, area), c(5, 10))
  .[major, minor] <- numeric_version("4.2.2")
  expect_identical(c(major, minor), c(4L, 2L))
  .[mpg] <- data.frame(mpg = c(21, 22), cyl = c(6, 4))
  expect_identical(mpg, c(21, 22))
})

test_that(".[...] assigns in the calling function's environment only", {
  f <- function(v) {
    .[p, q] <- v
    p + q
  }
  expect_identical(f(list(1, 2)), 3)
  expect_false(exists("p", inherits = FALSE))
})

test_that(".[...] says what is wrong instead of assigning garbage", {
  expect_error({.[a, b, c] <- list(1, 2)}, "3 targets but the value has 2 elements")
  expect_error({.[a, .., b, ..] <- 1:5}, "one `..` at most")
  expect_error({.[a + 1] <- 1:2}, "targets are names")
})

test_that("%<>% pipes and assigns back", {
  x <- c(1, 4, 9)
  x %<>% sqrt
  expect_identical(x, c(1, 2, 3))
})

test_that("dataset-style unpacking works on an engine result", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = 2) %>% layer_dense(3)
  .[kernel, bias] <- get_weights(model)
  expect_identical(dim(kernel), c(2L, 3L))
  expect_identical(length(bias), 3L)
})

test_that("named_list() names unnamed arguments by their expressions", {
  epochs <- 3
  expect_identical(named_list(epochs, batch_size = 32), list(epochs = 3, batch_size = 32))
  expect_identical(names(named_list(1 + 1)), "1 + 1")
})

test_that("import() and iterate() are reticulate's", {
  skip_if_no_engine()
  builtins <- import("builtins")
  # reticulate >= 1.4x simplifies the result to a vector, 1.28 gives a list
  expect_identical(unlist(iterate(builtins$iter(list(1, 2, 3)), function(x) x * 2)), c(2, 4, 6))
  expect_identical(import("os")$getcwd(), getwd())
})

test_that("iterate() gives NumPy items as R arrays on every reticulate, nested ones too", {
  skip_if_no_engine()
  ds <- tensor_slices_dataset(list(a = c(1, 2), b = matrix(1:4, 2)))
  items <- iterate(ds$as_numpy_iterator())
  expect_identical(items, list(list(a = 1, b = array(c(1L, 3L))),
                               list(a = 2, b = array(c(2L, 4L)))))
  # the function sees R values
  sums <- iterate(ds$as_numpy_iterator(), function(e) e$a + sum(e$b))
  # (reticulate 1.28 keeps a list of numbers, as its iterate() does for every iterator)
  expect_identical(unlist(sums), c(5, 8))
  expect_identical(unlist(iterate(tensor_slices_dataset(c(5, 6))$as_numpy_iterator())), c(5, 6))
})
