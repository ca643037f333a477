# plot(history): epochs on whole-number ticks, a titled legend, and a legend that does not
# sit on the curves. No engine needed: a history is plain R data.
history_of <- function(epochs) {
  structure(list(params = list(epochs = epochs),
                 metrics = list(loss = seq(1, 0.2, length.out = epochs),
                                accuracy = seq(0.5, 0.95, length.out = epochs),
                                val_loss = seq(1.1, 0.3, length.out = epochs),
                                val_accuracy = seq(0.45, 0.9, length.out = epochs))),
            class = "keras_training_history")
}

test_that("ggplot2 history plots put ticks on whole epochs and title the legend", {
  skip_if_not_installed("ggplot2")
  for (epochs in c(3, 12, 37)) {
    p <- plot(history_of(epochs), method = "ggplot2")
    breaks <- ggplot2::ggplot_build(p)$layout$panel_params[[1]]$x$breaks
    breaks <- breaks[!is.na(breaks)]
    expect_true(length(breaks) >= 2)
    expect_equal(breaks, round(breaks))
    expect_true(all(breaks >= 1 & breaks <= epochs))
  }
  expect_identical(p$labels$colour, "data")
  expect_identical(p$labels$x, "epoch")
})

test_that("base history plots label epochs and keep the legend off the curves", {
  expect_equal(rkbridge:::epoch_breaks(c(1, 12)), c(2, 4, 6, 8, 10, 12))
  expect_equal(rkbridge:::epoch_breaks(c(1, 3)), c(1, 2, 3))
  expect_identical(rkbridge:::legend_corner(rep(1:4, 2), c(1, .8, .5, .2, 1.1, .9, .6, .3)),
                   "topright")      # a loss falls: its late values sit bottom right
  expect_identical(rkbridge:::legend_corner(rep(1:4, 2), c(.5, .6, .8, .9, .4, .5, .7, .8)),
                   "bottomright")   # accuracy rises: the bottom right is free
  calls <- list()
  record <- function(corner, title) calls[[length(calls) + 1L]] <<- list(corner = corner,
                                                                          title = title)
  # the tracer runs in legend()'s frame: it hands legend's own arguments to `record`
  suppressMessages(trace("legend", tracer = as.call(list(record, quote(x), quote(title))),
                         print = FALSE,
                         where = asNamespace("graphics")))
  on.exit(suppressMessages(untrace("legend", where = asNamespace("graphics"))), add = TRUE)
  f <- tempfile(fileext = ".png")
  grDevices::png(f)
  plot(history_of(12), method = "base")
  grDevices::dev.off()
  expect_length(calls, 2L)
  expect_identical(calls[[1]]$corner, "topright")
  expect_identical(calls[[2]]$corner, "bottomright")
  expect_identical(calls[[1]]$title, "data")
})

test_that("fit() returns its history invisibly, as both R interfaces do", {
  skip_if_no_engine()
  model <- keras_model_sequential(input_shape = c(3)) %>% layer_dense(1)
  model %>% compile(optimizer = "sgd", loss = "mse")
  x <- matrix(runif(30), ncol = 3)
  res <- withVisible(model %>% fit(x, rowSums(x), epochs = 2, verbose = 0))
  expect_false(res$visible)
  expect_s3_class(res$value, "keras_training_history")
  expect_length(res$value$metrics$loss, 2L)
  # a top-level fit in a script prints nothing
  out <- capture.output(withAutoprint(fit(model, x, rowSums(x), epochs = 1, verbose = 0),
                                      echo = FALSE))
  expect_false(any(grepl("Final epoch", out)))
})
