# plot(model): Keras's diagram of the layers, on the graphics device or in a file
# (rkbridge/training/plot.py). Needs pydot and Graphviz's dot.

has_plotting <- function() {
  nzchar(Sys.which("dot")) &&
    isTRUE(tryCatch(reticulate::py_module_available("pydot"), error = function(e) FALSE))
}

test_that("plot(model) draws the diagram on the device, or writes to_file", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(3)) %>%
    layer_dense(4, name = "hidden") %>% layer_dense(1, name = "out")
  skip_if_not(has_plotting(), "pydot and Graphviz are not installed")
  f <- tempfile(fileext = ".svg")
  expect_identical(withVisible(plot(model, show_layer_names = TRUE, to_file = f)),
                   list(value = f, visible = FALSE))
  svg <- paste(readLines(f, warn = FALSE), collapse = "\n")
  expect_match(svg, "hidden", fixed = TRUE)
  expect_match(svg, "out", fixed = TRUE)
  skip_if_not_installed("png")
  png_file <- tempfile(fileext = ".png")
  grDevices::png(png_file)
  res <- withVisible(plot(model))
  grDevices::dev.off()
  expect_null(res$value)
  expect_false(res$visible)
  expect_gt(file.size(png_file), 1000)  # something was drawn, not plot.default's error
})
