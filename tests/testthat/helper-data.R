# Small data shared by the tests.
skip_if_no_engine <- function() {
  if (!rkbridge_available()) testthat::skip("the rkbridge engine is not available")
}

small_mlp <- function(units = 8, classes = 3, input = 5) {
  keras_model_sequential() %>%
    layer_dense(units = units, activation = "relu", input_shape = c(input)) %>%
    layer_dense(units = classes, activation = "softmax")
}
