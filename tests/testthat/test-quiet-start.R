# The first use of the engine in a fresh R session prints no TensorFlow start-up notices.
run_fresh <- function(code, log_level = "") {
  env <- c(sprintf("TF_CPP_MIN_LOG_LEVEL=%s", log_level))
  suppressWarnings(system2(file.path(R.home("bin"), "Rscript"), c("-e", shQuote(code)),
                           stdout = TRUE, stderr = TRUE, env = env))
}

test_that("the engine starts quietly in a fresh R session", {
  skip_if_no_engine()
  out <- run_fresh(paste("library(rkbridge); m <- keras_model_sequential() %>%",
                         "layer_dense(2, input_shape = 3); cat('layers:', length(m$layers))"))
  expect_true(any(grepl("layers: 1", out, fixed = TRUE)), info = paste(out, collapse = "\n"))
  expect_false(any(grepl("absl::InitializeLog|oneDNN", out)), info = paste(out, collapse = "\n"))
})

test_that("TF_CPP_MIN_LOG_LEVEL = 0 brings TensorFlow's notices back", {
  skip_if_no_engine()
  out <- run_fresh("library(rkbridge); invisible(k_constant(1))", log_level = "0")
  expect_true(any(grepl("oneDNN custom operations are on", out)), info = paste(out, collapse = "\n"))
})
