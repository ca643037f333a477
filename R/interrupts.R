# An interrupted fit(): R gets an `interrupt` condition (as for any Ctrl-C, so the script or
# loop stops) that carries the history of the epochs that finished (rkbridge/training/interrupts.py).

fit_interrupted <- function(e) {
  history <- if (is.null(e$value)) NULL else new_history(arrays_to_r(e$value))
  cond <- structure(class = c("rkbridge_interrupt", "interrupt", "condition"),
                    list(message = conditionMessage(e), call = conditionCall(e),
                         history = history))
  # Handlers for `interrupt` (tryCatch(interrupt = )) receive it; unhandled, it stops the
  # evaluation like an error.
  stop(cond)
}
