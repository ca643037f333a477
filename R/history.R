# The training history: print(), plot() and as.data.frame() (CONVENTIONS.md section 4).

# `h`: fit()'s result as the engine hands it to R (rkbridge/training/history.py, History.fields()),
# already plain R values: params, and per metric a 1-d array of one value per epoch.
new_history <- function(h) {
  metrics <- lapply(h$metrics, function(v) if (is.integer(v)) as.vector(v) else as.numeric(v))
  structure(list(params = h$params, metrics = metrics), class = "keras_training_history")
}

#' Training history
#'
#' `fit()` returns a `keras_training_history`: `$params` (epochs, steps, samples, ...) and
#' `$metrics`, a named list with one value per epoch of each metric.
#' @param x A history from [fit()].
#' @param y Unused.
#' @param metrics Which metrics to plot (default: all).
#' @param method `"auto"` (ggplot2 when installed), `"ggplot2"` or `"base"`.
#' @param smooth Add a smoothed line when there are enough epochs.
#' @param row.names,optional Unused.
#' @param ... Unused.
#' @return `print()`: `x` invisibly; `plot()`: a ggplot object, or `NULL` invisibly for base
#'   graphics; `as.data.frame()`: columns `epoch`, `value`, `metric` and `data`.
#' @examples
#' h <- structure(list(params = list(epochs = 2),
#'                     metrics = list(loss = c(1, 0.5), val_loss = c(1.2, 0.7))),
#'                class = "keras_training_history")
#' h
#' as.data.frame(h)
#' plot(h, method = "base")
#' @name history
NULL

#' @rdname history
#' @export
print.keras_training_history <- function(x, ...) {
  p <- x$params
  epochs <- if (length(x$metrics)) length(x$metrics[[1L]]) else 0L  # epochs = 0: none
  cat(if (epochs) "\nFinal epoch (plot to see history):\n" else "\nNo epochs trained.\n")
  vals <- vapply(x$metrics, function(v) if (length(v)) v[length(v)] else NA_real_, 1)
  w <- max(nchar(names(vals)), 0L)
  for (n in names(vals)) cat(formatC(n, width = w), ": ", format(signif(vals[[n]], 4)), "\n",
                             sep = "")
  info <- c(if (!is.null(p$samples)) paste(p$samples, "samples"),
            paste(epochs, "epochs"), if (!is.null(p$batch_size)) paste("batch_size", p$batch_size))
  cat("Trained on", paste(info, collapse = ", "), "\n")
  invisible(x)
}

#' @rdname history
#' @export
as.data.frame.keras_training_history <- function(x, row.names = NULL, optional = FALSE, ...) {
  rows <- lapply(names(x$metrics), function(name) {
    v <- x$metrics[[name]]
    val <- startsWith(name, "val_")
    data.frame(epoch = seq_along(v), value = v,
               metric = if (val) substring(name, 5L) else name,
               data = if (val) "validation" else "training", stringsAsFactors = FALSE)
  })
  df <- do.call(rbind, rows)
  if (is.null(df)) df <- data.frame(epoch = integer(), value = numeric(),
                                    metric = character(), data = character())
  df$metric <- factor(df$metric, levels = unique(df$metric))
  df$data <- factor(df$data, levels = c("training", "validation"))
  rownames(df) <- NULL
  df
}

#' @rdname history
#' @export
plot.keras_training_history <- function(x, y, metrics = NULL, method = c("auto", "ggplot2",
                                                                        "base"),
                                        smooth = getOption("keras.plot.history.smooth", TRUE),
                                        ...) {
  method <- match.arg(method)
  df <- as.data.frame(x)
  if (!is.null(metrics)) df <- df[df$metric %in% metrics, , drop = FALSE]
  df$metric <- droplevels(df$metric)
  if (method == "auto")
    method <- if (requireNamespace("ggplot2", quietly = TRUE)) "ggplot2" else "base"
  if (method == "ggplot2") {
    p <- ggplot2::ggplot(df, ggplot2::aes(x = epoch, y = value, colour = data)) +
      ggplot2::geom_point() +
      ggplot2::facet_grid(metric ~ ., switch = "y", scales = "free_y") +
      ggplot2::scale_x_continuous(breaks = epoch_breaks) +
      ggplot2::labs(x = "epoch", y = NULL, colour = "data") +
      ggplot2::theme(strip.placement = "outside")
    if (smooth && max(df$epoch) >= 10)
      p <- p + ggplot2::geom_smooth(formula = y ~ x, method = "loess", se = FALSE)
    return(p)
  }
  ms <- levels(df$metric)
  op <- graphics::par(mfrow = c(length(ms), 1L), mar = c(4, 4, 1, 1), mgp = c(2.2, 0.7, 0))
  on.exit(graphics::par(op))
  cols <- c(training = "#1f77b4", validation = "#2ca02c")
  for (m in ms) {
    d <- df[df$metric == m, ]
    graphics::plot(d$epoch, d$value, type = "n", xlab = "epoch", ylab = m, xaxt = "n")
    graphics::axis(1L, at = epoch_breaks(range(d$epoch)))
    for (k in levels(droplevels(d$data))) {
      s <- d[d$data == k, ]
      graphics::lines(s$epoch, s$value, col = cols[[k]], type = "o", pch = 16)
    }
    graphics::legend(legend_corner(d$epoch, d$value), legend = levels(droplevels(d$data)),
                     title = "data", col = cols[levels(droplevels(d$data))], lty = 1,
                     pch = 16, bty = "n", cex = 0.8)
  }
  invisible(NULL)
}

# Epochs are whole numbers from 1: axis ticks only at whole epochs within the shown range.
epoch_breaks <- function(limits) {
  b <- unique(round(pretty(limits)))
  b[b >= max(limits[1L], 1) & b <= limits[2L]]
}

# The legend goes in a right-hand corner the curves leave free late in training: the top
# for a falling curve (a loss), the bottom for a rising one (accuracy).
legend_corner <- function(epochs, values) {
  ok <- is.finite(values)
  if (length(unique(epochs[ok])) < 2L) return("topright")
  late <- values[ok & epochs > stats::median(epochs[ok])]
  if (mean(late) > mean(range(values[ok]))) "bottomright" else "topright"
}

utils::globalVariables(c("epoch", "value", "data"))
