# rkbridge beside the packages R users already attach: generics (tidymodels, parsnip) and
# the TensorFlow R packages of keras 2.x (tensorflow, tfdatasets, tfautograph, tfruns). What
# is attached, and in which order, decides which `fit()` a script finds, so each scenario
# runs in a new R process that attaches the packages itself.

# The same deterministic model and data in every process: a linear model trained with SGD
# on unshuffled batches gives the same numbers wherever it runs.
coexistence_setup <- '
x <- matrix(seq(0.01, 2, length.out = 200), 50, 4)
y <- rowSums(x) / 2
new_model <- function() {
  model <- keras_model_sequential(input_shape = 4) %>%
    layer_dense(1, kernel_initializer = "ones")
  compile(model, optimizer = optimizer_sgd(0.01), loss = "mse", metrics = "mae")
  model
}
train <- function(model, ...) fit(model, ..., epochs = 2, verbose = 0)$metrics$loss
'

# Runs `code` in a new Rscript with the same libraries and engine, after `library()` of
# `packages` in that order; returns the value of `code`.
in_new_r <- function(packages, code) {
  files <- c(script = tempfile(fileext = ".R"), value = tempfile(fileext = ".rds"))
  on.exit(unlink(files))
  writeLines(c(sprintf("suppressPackageStartupMessages(library(%s))", packages),
               coexistence_setup,
               sprintf("saveRDS(local({%s}), '%s')", code, files[["value"]])),
             files[["script"]])
  libs <- paste0("R_LIBS=", paste(.libPaths(), collapse = .Platform$path.sep))
  out <- suppressWarnings(system2(file.path(R.home("bin"), "Rscript"), files[["script"]],
                                  stdout = TRUE, stderr = TRUE, env = libs))
  if (!file.exists(files[["value"]]))
    stop("the new R process failed:\n", paste(utils::tail(out, 20), collapse = "\n"))
  readRDS(files[["value"]])
}

# Looks for the packages without loading them: their S3 methods, once registered in this
# process, would replace rkbridge's for the tests that run after these.
skip_without_tensorflow_r <- function() {
  if (utils::packageVersion("reticulate") < "1.41")
    skip("the tensorflow R package needs reticulate >= 1.41")
  for (package in c("tensorflow", "tfdatasets"))
    if (!nzchar(system.file(package = package)))
      skip(paste("the", package, "R package is not installed"))
}

# fit(), compile() and evaluate() as a script writes them, plain and piped.
verbs_code <- '
  model <- new_model()
  loss <- train(model, x, y, batch_size = 10, shuffle = FALSE)
  piped <- new_model()
  piped %>% compile(optimizer = optimizer_sgd(0.01), loss = "mse", metrics = "mae")
  piped %>% fit(x, y, batch_size = 10, shuffle = FALSE, epochs = 2, verbose = 0)
  list(loss = loss, evaluate = evaluate(model, x, y, verbose = 0),
       piped = piped %>% evaluate(x, y, verbose = 0))
'

test_that("compile(), fit() and evaluate() work with generics attached before or after", {
  skip_if_no_engine()
  local(eval(parse(text = coexistence_setup)), envir = environment())
  expected <- eval(parse(text = verbs_code))
  for (packages in list(c("rkbridge", "generics"), c("generics", "rkbridge"))) {
    got <- in_new_r(packages, verbs_code)
    expect_equal(got, expected, tolerance = 1e-6, label = paste(packages, collapse = ", "))
  }
  expect_identical(names(expected$evaluate), c("loss", "mae"))
  expect_equal(expected$piped, expected$evaluate, tolerance = 1e-6)
})

test_that("a tfdatasets dataset trains a model beside library(tensorflow), library(tfdatasets)", {
  skip_if_no_engine()
  skip_without_tensorflow_r()
  code <- '
    dataset <- tensor_slices_dataset(list(x, y)) %>% dataset_batch(10)
    from_dataset <- new_model()
    from_arrays <- new_model()
    list(dataset = train(from_dataset, dataset), arrays = train(from_arrays, x, y,
         batch_size = 10, shuffle = FALSE),
         evaluate = evaluate(from_dataset, dataset, verbose = 0),
         evaluate_arrays = evaluate(from_arrays, x, y, verbose = 0),
         fit_from = environmentName(environment(fit)))
  '
  for (packages in list(c("rkbridge", "tensorflow", "tfdatasets"),
                        c("tensorflow", "tfdatasets", "rkbridge"))) {
    got <- in_new_r(packages, code)
    label <- paste(packages, collapse = ", ")
    expect_length(got$dataset, 2)
    expect_equal(got$dataset, got$arrays, tolerance = 1e-5, label = label)
    expect_equal(got$evaluate, got$evaluate_arrays, tolerance = 1e-5, label = label)
  }
})

test_that("tensors cross between rkbridge and the tensorflow R package both ways", {
  skip_if_no_engine()
  skip_without_tensorflow_r()
  code <- '
    m <- matrix(c(1, 2, 3, 4, 5, 6), 2, 3)
    theirs <- tf$constant(m, dtype = "float32")
    ours <- k_constant(m)
    dense <- layer_dense(units = 1, kernel_initializer = "ones", use_bias = FALSE)
    list(numpy = theirs$numpy(), as_array = as.array(ours),
         op_add = as.array(op_add(theirs, theirs)),
         k_sum = as.array(k_sum(theirs, axis = 2)),
         op_matmul = as.array(op_matmul(theirs, tf$transpose(theirs))),
         layer = as.array(dense(theirs)),
         tf_reduce_sum = as.array(tf$reduce_sum(ours, axis = 1L)),
         tf_matmul = as.array(tf$matmul(ours, op_transpose(ours))))
  '
  got <- in_new_r(c("rkbridge", "tensorflow", "tfdatasets"), code)
  m <- matrix(c(1, 2, 3, 4, 5, 6), 2, 3)
  expect_equal(got$numpy, m)
  expect_equal(got$as_array, m)
  expect_equal(got$op_add, 2 * m)
  expect_equal(as.vector(got$k_sum), rowSums(m))
  expect_equal(got$op_matmul, m %*% t(m))
  expect_equal(as.vector(got$layer), rowSums(m))
  expect_equal(as.vector(got$tf_reduce_sum), rowSums(m))
  expect_equal(got$tf_matmul, m %*% t(m))
})
