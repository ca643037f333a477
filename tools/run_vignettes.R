#!/usr/bin/env Rscript
# tools/run_vignettes.R: run the R chunks of keras3's own vignettes against rkbridge, chunk by
# chunk, and report which chunks run.
#
# The documents are the R Markdown files under `vignettes-src/` (and `vignettes-src/examples/**`)
# of the keras3 repository at a tag (default v1.5.1), read from a git directory of it (--repo,
# default $RK_KERAS_REPO or /work/.mirror/rstudio+keras3/repo); none of them is kept here.
# `vignettes-src/parked/` (drafts keras3 does not build) is left out unless --parked.
#
# From each document the ```{r} chunks are taken in order; chunks with `eval = FALSE` are
# counted as "skipped" and not run (other chunk options are ignored: `include = FALSE` chunks
# run, as knitr runs them). In the code, only these change:
#   - `library()` / `require()` of keras3, keras, tensorflow and tfdatasets (with any other
#     arguments, such as `exclude =`) become `library(rkbridge)`, and `keras3::`,
#     `tensorflow::` and `tfdatasets::` become `rkbridge::`;
#   - training is capped: every literal `epochs = N` argument and `epochs <- N` assignment with
#     N above --epochs (default 2) gets N = --epochs, so documents that train for tens of
#     epochs finish within the timeout. Nothing else is changed.
#
# Every document runs in its own `Rscript` child, in its own working directory, with a timeout
# (--timeout, default 300 s). The child evaluates the chunks in order in the global
# environment, one top-level expression at a time with visible values printed (as knitr
# prints them), each chunk inside tryCatch() so an error ends only that chunk. Recorded per
# chunk (a row is written as each chunk ends, so a timeout keeps what was done):
#   ran          the chunk ran without error
#   error        the first error message (an error in an earlier chunk of the same document
#                is flagged in the column after_error: such errors are usually consequences)
#   timeout      the chunk was running when the document's timeout struck
#   not_reached  after a timeout or a crash of the child
#   skipped      eval = FALSE
#
# Downloads run offline: KERAS_HOME points at a private Keras cache seeded by
# tools/script_data.py (dataset_mnist() and the other dataset_*() files, --rows training rows),
# as for tools/run_scripts.R; the documents in DOC_ROWS below get the full-size set. Other
# downloads (get_file() of arbitrary URLs, download.file(), pretrained weights) fail fast
# and are errors of the chunk; they are not rkbridge's.
#
# Rscript reads its file as it runs: run a copy when editing this one meanwhile.
# Usage (from the repository root, with rkbridge installed in R_LIBS and RKBRIDGE_PYTHON,
# TF_CPP_MIN_LOG_LEVEL=2 set):
#   Rscript tools/run_vignettes.R [--only=functional_api,mnist_convnet] [--timeout=300]
#       [--epochs=2] [--rows=512] [--out=DIR] [--tag=v1.5.1] [--repo=GITDIR] [--parked]
#       [--lib=DIR]
# --lib (default $RK_SCRIPTS_LIB): an extra R library holding CRAN packages the documents use
# themselves (vioplot, jpeg, ...), searched before R_LIBS by the children; e.g. Debian's
# r-cran-* packages unpacked there (`apt-get download` then `dpkg -x`).
# Writes DIR/results.csv (document, chunk, line, status, seconds, after_error, message),
# DIR/summary.md (chunks run / evaluated per document), DIR/logs/DOC.log and DIR/work/DOC/
# (the extracted code as DOC.R, and whatever the document wrote), and prints the summary.
# Default DIR: a new temporary directory, printed. Exit status 0 whatever the results.

source(file.path("tools", "corpus-common.R"))  # root, python, opt(), git_of(), ...
tag <- opt("tag", "v1.5.1")
repo <- opt("repo", Sys.getenv("RK_KERAS_REPO", "/work/.mirror/rstudio+keras3/repo"))
timeout_s <- as.numeric(opt("timeout", 300))
epochs_cap <- as.integer(opt("epochs", 2))
rows <- as.integer(opt("rows", 512))
parked <- isTRUE(opt("parked", FALSE))
only <- opt("only", "")
out <- opt("out", tempfile("rk-vignettes-"))
lib <- opt("lib", Sys.getenv("RK_SCRIPTS_LIB"))
out <- output_dir(out)

git <- git_of(repo)
files <- grep("\\.Rmd$", git("ls-tree", "-r", "--name-only", tag, "vignettes-src/"), value = TRUE)
if (!parked) files <- grep("/parked/", files, value = TRUE, invert = TRUE)
docs <- sub("\\.Rmd$", "", basename(files))
if (nzchar(only)) {
  keep <- docs %in% strsplit(only, ",")[[1]]
  files <- files[keep]; docs <- docs[keep]
}

# ---- chunks -------------------------------------------------------------------------------
# The options of a chunk header such as ```{r label, eval = FALSE}: a named list, or NULL for
# a chunk of another engine.
chunk_options <- function(header) {
  inner <- sub("^\\s*```+\\s*\\{(.*)\\}\\s*$", "\\1", header)
  if (!grepl("^r([ ,]|$)", inner)) return(NULL)
  inner <- trimws(sub("^r\\s*,?", "", inner))
  parts <- strsplit(inner, ",")[[1]]
  if (length(parts) && !grepl("=", parts[1])) inner <- sub("^[^,]*,?", "", inner)  # the label
  tryCatch(eval(parse(text = sprintf("list(%s)", inner)), baseenv()),
           error = function(e) list())
}

extract_chunks <- function(lines) {
  starts <- grep("^\\s*```+\\s*\\{", lines)
  chunks <- list()
  for (s in starts) {
    ends <- grep("^\\s*```+\\s*$", lines)
    end <- ends[ends > s][1]
    if (is.na(end)) break
    opts <- chunk_options(lines[s])
    if (is.null(opts)) next
    code <- if (end > s + 1) lines[(s + 1):(end - 1)] else character()
    eval_it <- !isFALSE(opts$eval) && !identical(opts$eval, 0)
    chunks[[length(chunks) + 1]] <- list(line = s, code = rewrite(code), eval = eval_it)
  }
  chunks
}

rewrite <- function(code) {
  pkgs <- "(keras3|keras|tensorflow|tfdatasets)"
  # with the whole call: `library(tensorflow, exclude = "shape")` too
  code <- gsub(sprintf("\\b(library|require)\\(\\s*[\"']?%s[\"']?\\s*(,[^()]*(\\([^()]*\\))?[^()]*)?\\)", pkgs),
               "\\1(rkbridge)", code, perl = TRUE)
  code <- gsub("(?<![A-Za-z0-9._])(keras3|keras|tensorflow|tfdatasets)::", "rkbridge::", code,
               perl = TRUE)
  cap <- function(pattern) {
    m <- gregexpr(pattern, code, perl = TRUE)
    regmatches(code, m) <<- lapply(regmatches(code, m), function(x) {
      n <- as.numeric(sub(".*?([0-9]+)L?$", "\\1", x, perl = TRUE))
      ifelse(n > epochs_cap, sub("[0-9]+L?$", paste0(epochs_cap, "L"), x, perl = TRUE), x)
    })
  }
  cap("(?<![A-Za-z0-9._])epochs\\s*=\\s*[0-9]+L?(?![0-9.])")
  cap("(?<![A-Za-z0-9._$])epochs\\s*<-\\s*[0-9]+L?(?![0-9.])")
  code
}

# ---- the child: one document --------------------------------------------------------------
CHILD <- '
# All of the runner lives in this local() environment: the documents evaluate in the global
# environment and may reuse any name (i, out, chunks) or clear it with rm(list = ls()).
local({
  args <- commandArgs(TRUE)
  chunks <- readRDS(args[[1]]); out <- args[[2]]; doc <- args[[3]]
  clean <- function(x) substr(gsub("[\\r\\n\\t]+", " | ", paste(x, collapse = " ")), 1, 400)
  write_row <- function(i, status, seconds, msg) {
    row <- data.frame(document = doc, chunk = i, line = chunks[[i]]$line, status = status,
                      seconds = round(seconds, 1), message = clean(msg))
    utils::write.table(row, out, sep = ",", append = TRUE, col.names = FALSE,
                       row.names = FALSE, qmethod = "double")
  }
  for (i in seq_along(chunks)) {
    ch <- chunks[[i]]
    if (!ch$eval) { write_row(i, "skipped", 0, ""); next }
    cat(sprintf("\\n#### chunk %d (line %d)\\n", i, ch$line))
    started <- Sys.time()
    msg <- tryCatch({
      exprs <- parse(text = ch$code, keep.source = FALSE)
      for (e in exprs) {
        res <- withVisible(eval(e, globalenv()))
        if (res$visible) print(res$value)
      }
      NULL
    }, error = function(e) {
      m <- conditionMessage(e)
      cat("Error in chunk ", i, ": ", m, "\\n", sep = "")
      if (!nzchar(m)) "(an error with no message)" else m
    })
    secs <- as.numeric(difftime(Sys.time(), started, units = "secs"))
    write_row(i, if (is.null(msg)) "ran" else "error", secs, if (is.null(msg)) "" else msg)
    flush(stdout())
  }
})
'
child_file <- file.path(out, "child.R")
writeLines(CHILD, child_file)

# ---- the Keras cache ----------------------------------------------------------------------
caches <- keras_caches(python, root, out, rows)
home <- caches$home
seed <- caches$seed
cache_for <- caches$cache_for
# Documents that hard-code the real row counts of MNIST (60000 / 10000 rows, a 10000-row
# validation split) get the full-size synthetic set.
DOC_ROWS <- c(distributed_training_with_tensorflow = "full", functional_api = "full",
              `_intro_to_keras_for_researchers` = "full",
              making_new_layers_and_models_via_subclassing = "full",
              training_with_built_in_methods = "full",
              writing_a_custom_training_loop_in_tensorflow = "full",
              writing_your_own_callbacks = "full")

# ---- run ----------------------------------------------------------------------------------
results_file <- file.path(out, "results.csv")
cols <- c("document", "chunk", "line", "status", "seconds", "message")
summary_rows <- list()
all <- NULL
for (k in seq_along(files)) {
  doc <- docs[k]
  lines <- git("show", paste0(tag, ":", files[k]))
  chunks <- extract_chunks(lines)
  if (!length(chunks)) next  # a draft with Python chunks only: nothing of R to run
  dir <- file.path(out, "work", doc)
  dir.create(dir, recursive = TRUE, showWarnings = FALSE)
  writeLines(unlist(lapply(seq_along(chunks), function(i)
    c(sprintf("## ---- chunk %d (line %d)%s", i, chunks[[i]]$line,
              if (chunks[[i]]$eval) "" else " eval = FALSE"), chunks[[i]]$code, ""))),
    file.path(dir, paste0(doc, ".R")))
  cache <- if (doc %in% names(DOC_ROWS)) cache_for(DOC_ROWS[[doc]]) else home
  rds <- file.path(dir, "chunks.rds")
  saveRDS(chunks, rds)
  part <- file.path(dir, "rows.csv")
  unlink(part)
  log <- file.path(out, "logs", paste0(doc, ".log"))
  started <- Sys.time()
  owd <- setwd(dir)
  rc <- if (length(chunks))
    system2("timeout", c("--kill-after=10", timeout_s, "Rscript", "--no-save", "--no-restore",
                         shQuote(child_file), shQuote(rds), shQuote(part), doc),
            stdout = log, stderr = log,
            env = c(paste0("KERAS_HOME=", cache), "TF_CPP_MIN_LOG_LEVEL=2",
                    if (nzchar(lib)) sprintf("R_LIBS='%s'", paste(
                      c(lib, Sys.getenv("R_LIBS")[nzchar(Sys.getenv("R_LIBS"))]),
                      collapse = ":"))))
  else 0L
  setwd(owd)
  secs <- as.numeric(difftime(Sys.time(), started, units = "secs"))
  got <- if (file.exists(part) && length(readLines(part, warn = FALSE)))
    utils::read.csv(part, header = FALSE, col.names = cols, stringsAsFactors = FALSE,
                    na.strings = character())
  else as.data.frame(setNames(replicate(length(cols), character(), simplify = FALSE), cols))
  rows_doc <- data.frame(document = doc, chunk = seq_along(chunks),
                         line = vapply(chunks, function(ch) ch$line, 1),
                         status = "not_reached", seconds = NA_real_, message = "",
                         stringsAsFactors = FALSE)
  if (nrow(got)) {
    rows_doc[got$chunk, c("status", "seconds", "message")] <- got[, c("status", "seconds", "message")]
  }
  if (length(chunks) && nrow(got) < length(chunks)) {  # timeout or crash: the next chunk
    nxt <- setdiff(seq_along(chunks), got$chunk)[1]
    rows_doc$status[nxt] <- if (rc %in% c(124, 137)) "timeout" else "error"
    if (!rc %in% c(124, 137)) {
      tail_log <- utils::tail(readLines(log, warn = FALSE), 3)
      rows_doc$message[nxt] <- paste("child died:", paste(tail_log, collapse = " | "))
    } else rows_doc$message[nxt] <- sprintf("document timeout (%g s)", timeout_s)
  }
  rows_doc$after_error <- cumsum(c(0, head(rows_doc$status %in% c("error", "timeout"), -1))) > 0
  all <- rbind(all, rows_doc[, c("document", "chunk", "line", "status", "seconds",
                                 "after_error", "message")])
  evaluated <- sum(rows_doc$status != "skipped")
  ran <- sum(rows_doc$status == "ran")
  summary_rows[[k]] <- data.frame(document = doc, ran = ran, evaluated = evaluated,
                                  errors = sum(rows_doc$status == "error"),
                                  after_error = sum(rows_doc$status == "error" & rows_doc$after_error),
                                  not_reached = sum(rows_doc$status %in% c("timeout", "not_reached")),
                                  skipped = sum(rows_doc$status == "skipped"),
                                  seconds = round(secs, 1))
  cat(sprintf("%-58s %3d / %3d  (%4.0f s)\n", doc, ran, evaluated, secs))
  flush(stdout())
  utils::write.csv(all, results_file, row.names = FALSE)
}

summ <- do.call(rbind, summary_rows)
md <- c(sprintf("keras3 %s vignettes: %d of %d evaluated chunks ran (%d documents; %d eval=FALSE chunks skipped; epochs capped at %d)",
                tag, sum(summ$ran), sum(summ$evaluated), nrow(summ), sum(summ$skipped), epochs_cap),
        "", "| document | ran | evaluated | errors | of which after an error | not reached | s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        sprintf("| %s | %d | %d | %d | %d | %d | %s |", summ$document, summ$ran, summ$evaluated,
                summ$errors, summ$after_error, summ$not_reached, summ$seconds))
writeLines(md, file.path(out, "summary.md"))
cat("\n", md[1], "\n", sprintf("results: %s\n", out), sep = "")
