#!/usr/bin/env Rscript
# tools/run_scripts.R: run the keras 2.x R package's example scripts against rkbridge.
#
# The scripts are `vignettes/examples/*.R` of the keras R package at a tag (default
# v2.16.1), read from a git directory of its repository (--repo, default
# $RK_KERAS_REPO or /work/.mirror/rstudio+keras3/repo). Each is written to its own
# working directory with only its library lines changed: `library(keras)` becomes
# `library(rkbridge)`, and so do `library(tensorflow)` / `library(tfdatasets)` when rkbridge
# exports what those packages are used for (`tf`; `tensor_slices_dataset`). Nothing else in
# a script changes.
#
# The scripts run offline: KERAS_HOME points at a private Keras cache seeded by
# tools/script_data.py with small synthetic stand-ins in the exact file formats Keras reads
# (mnist.npz, the fashion-mnist gz files, the CIFAR tarballs, imdb/reuters .npz and word
# indexes, boston_housing.npz, the bAbI tarball, nietzsche.txt, the Quora questions TSV,
# paris.jpg, and random weights for the
# ImageNet applications the scripts use). Their size (--rows training rows, a quarter for
# testing) is the one knob that makes the scripts' own epochs cheap (SCRIPT_ROWS below sets
# it for a few scripts). Anything else a script
# downloads fails fast (rkbridge's get_file() has a 10 s timeout).
#
# Each script runs in its own `Rscript` child with a timeout. Recorded per script:
#   ran      the script ran to its end (Rscript exited 0)
#   error    the first error message (Keras-2-only APIs that Keras 3 cannot express count
#            here, with the reason rkbridge gives)
#   timeout  still running after --timeout seconds
#   skipped  not runnable here, with the reason: an R package that is not installed, a
#            download that is not a Keras-cache file (arbitrary URLs, corpora), or files
#            of the user's own that the package does not ship; --force runs these too
#   stub     the tag's file holds no code (only a title or `library(keras)`); such files
#            are listed but left out of the count (11 at v2.16.1, leaving 43 scripts)
#
# Rscript reads its file as it runs: run a copy when editing this one meanwhile.
# Usage (from the repository root, with the package installed and the usual environment:
# RKBRIDGE_PYTHON, R_LIBS):
#   Rscript tools/run_scripts.R [--only=mnist_mlp,imdb_cnn] [--timeout=240] [--rows=512]
#       [--out=DIR] [--tag=v2.16.1] [--repo=GITDIR] [--lib=DIR] [--force]
# --lib (default $RK_SCRIPTS_LIB): an extra R library holding the CRAN packages the scripts
# use themselves (dplyr, readr, abind, ...), searched before R_LIBS by the children; e.g.
# Debian's r-cran-* packages unpacked there (`apt-get download` then `dpkg -x`).
# Writes DIR/results.tsv, DIR/results.md and DIR/logs/NAME.log (default DIR: a new
# temporary directory, printed), and prints the table. Exit status 0 whatever the results.

source(file.path("tools", "corpus-common.R"))  # root, python, opt(), git_of(), ...
tag <- opt("tag", "v2.16.1")
repo <- opt("repo", Sys.getenv("RK_KERAS_REPO", "/work/.mirror/rstudio+keras3/repo"))
timeout_s <- as.numeric(opt("timeout", 240))
rows <- as.integer(opt("rows", 512))
force <- isTRUE(opt("force", FALSE))
only <- opt("only", "")
out <- opt("out", tempfile("rk-scripts-"))
lib <- opt("lib", Sys.getenv("RK_SCRIPTS_LIB"))
if (nzchar(lib)) .libPaths(c(lib, .libPaths()))
out <- output_dir(out)

git <- git_of(repo)
files <- git("ls-tree", "--name-only", tag, "vignettes/examples/")
scripts <- sub("\\.R$", "", basename(grep("\\.R$", files, value = TRUE)))
if (nzchar(only)) scripts <- intersect(scripts, strsplit(only, ",")[[1]])

# What the library lines may become --------------------------------------------------
exports <- getNamespaceExports("rkbridge")
provided <- c(keras = TRUE, tensorflow = "tf" %in% exports,
              tfdatasets = "tensor_slices_dataset" %in% exports)
installed <- rownames(installed.packages())

rewrite <- function(lines) {
  for (pkg in names(provided)[provided]) {
    pattern <- sprintf("^(\\s*)(library|require)\\(\\s*%s\\s*\\)", pkg)
    lines <- sub(pattern, "\\1\\2(rkbridge)", lines, perl = TRUE)
  }
  lines
}

# Why a script cannot run here, or NA ---------------------------------------------------
# Inputs that are neither downloads nor files of the package, by script.
OWN_FILES <- c(
  eager_styletransfer = "reads the user's own images isar.jpg and The_Great_Wave_off_Kanagawa.jpg",
  eager_pix2pix = "reads the facades image set from a local folder",
  lstm_seq2seq = "reads fra.txt (English-French sentence pairs) from the working directory",
  unet = "reads the Carvana images from a local folder",
  unet_linux = "reads the Carvana images from a local folder")

# Rows by script, where --rows does not fit: "full" for the scripts that hard-code the real
# row counts of MNIST / Fashion-MNIST (60000, 10000).
SCRIPT_ROWS <- c(mnist_acgan = "full", eager_cvae = "full", mmd_cvae = "full")

code_of <- function(lines) {
  code <- trimws(sub("#.*$", "", lines))
  code[nzchar(code)]
}
is_stub <- function(lines)
  !length(grep("^(library|require)\\(", code_of(lines), value = TRUE, invert = TRUE))

not_runnable <- function(name, lines) {
  code <- sub("#.*$", "", lines)
  used <- c(regmatches(code, regexpr("(?<=library\\(|require\\()[A-Za-z0-9.]+", code,
                                     perl = TRUE)),
            sub("::.*", "", unlist(regmatches(code, gregexpr("[A-Za-z][A-Za-z0-9.]*(?=::)",
                                                             code, perl = TRUE)))))
  used <- setdiff(unique(used), c("rkbridge", "base", "stats", "utils", "graphics",
                                   "grDevices", "methods", "parallel", "tools"))
  missing <- setdiff(used, installed)
  why <- character()
  if (length(missing))
    why <- c(why, paste0("needs R package", if (length(missing) > 1) "s", " ",
                         paste(missing, collapse = ", "), " (not installed)"))
  urls <- grep("download\\.file\\(|curl::|httr::", code, value = TRUE)
  if (length(urls))
    why <- c(why, "downloads a file outside the Keras cache (download.file())")
  if (name %in% names(OWN_FILES)) why <- c(why, OWN_FILES[[name]])
  if (length(why)) paste(why, collapse = "; ") else NA_character_
}

# The Keras cache -------------------------------------------------------------------------
caches <- keras_caches(python, root, out, rows)
home <- caches$home
seed <- caches$seed
cache_for <- caches$cache_for

first_error <- function(log) {
  at <- grep("^Error|^Fehler|Execution halted", log)
  if (!length(at)) return(paste(tail(log[nzchar(log)], 1), collapse = ""))
  msg <- log[at[1]:min(length(log), at[1] + 3)]
  msg <- msg[!grepl("^Execution halted|^Calls:|^In addition|^Backtrace", msg)]
  gsub("\\s+", " ", paste(msg, collapse = " "))
}

results <- data.frame(script = scripts, status = NA_character_, seconds = NA_real_,
                      detail = NA_character_, stringsAsFactors = FALSE)
apps <- c(vgg16 = "application_vgg16", vgg19 = "application_vgg19",
          inception_v3 = "application_inception_v3", mobilenet = "application_mobilenet")
for (i in seq_along(scripts)) {
  name <- scripts[i]
  lines <- git("show", sprintf("%s:vignettes/examples/%s.R", tag, name))
  if (is_stub(lines)) {
    results$status[i] <- "stub"
    cat(sprintf("%-32s stub\n", name))
    next
  }
  why <- not_runnable(name, rewrite(lines))
  if (!is.na(why) && !force) {
    results$status[i] <- "skipped"
    results$detail[i] <- why
    cat(sprintf("%-32s skipped  %s\n", name, why))
    next
  }
  cache <- if (name %in% names(SCRIPT_ROWS)) cache_for(SCRIPT_ROWS[[name]]) else home
  needs <- names(apps)[vapply(apps, function(a) any(grepl(a, lines, fixed = TRUE)), NA)]
  if (length(needs)) seed("weights", cache, needs)
  dir <- file.path(out, "work", name)
  dir.create(dir, recursive = TRUE, showWarnings = FALSE)
  # files that sit beside the scripts in the package (images the scripts read)
  for (f in grep(paste0("^vignettes/examples/[^/]+\\.(jpg|png)$"), files, value = TRUE))
    system2("git", c(paste0("--git-dir=", repo), "show", paste0(tag, ":", f)),
            stdout = file.path(dir, basename(f)))
  writeLines(rewrite(lines), file.path(dir, paste0(name, ".R")))
  log <- file.path(out, "logs", paste0(name, ".log"))
  started <- Sys.time()
  owd <- setwd(dir)  # the child runs in the script's own directory
  rc <- system2("timeout", c("--kill-after=10", timeout_s, "Rscript", "--no-save",
                             shQuote(paste0(name, ".R"))),
                stdout = log, stderr = log,
                env = c(paste0("KERAS_HOME=", cache), "TF_CPP_MIN_LOG_LEVEL=2",
                        if (nzchar(lib)) sprintf("R_LIBS='%s'", paste(c(lib, Sys.getenv("R_LIBS")[nzchar(Sys.getenv("R_LIBS"))]), collapse = ":"))))
  setwd(owd)
  results$seconds[i] <- round(as.numeric(difftime(Sys.time(), started, units = "secs")), 1)
  text <- readLines(log, warn = FALSE)
  results$status[i] <- if (rc == 0) "ran" else if (rc %in% c(124, 137)) "timeout" else "error"
  if (results$status[i] == "error") results$detail[i] <- first_error(text)
  if (results$status[i] == "timeout") {  # how far it got
    epochs <- regmatches(text, regexpr("Epoch [0-9]+/[0-9]+", text))
    if (length(epochs)) results$detail[i] <- paste("reached", tail(epochs, 1))
  }
  cat(sprintf("%-32s %-8s %6.1fs %s\n", name, results$status[i], results$seconds[i],
              if (is.na(results$detail[i])) "" else substr(results$detail[i], 1, 160)))
  flush(stdout())
}

write.table(results, file.path(out, "results.tsv"), sep = "\t", row.names = FALSE,
            quote = FALSE)
md <- c(sprintf("keras %s examples: %d of %d ran to the end (%d error, %d timeout, %d skipped; %d stubs not counted)",
                tag, sum(results$status == "ran"), sum(results$status != "stub"),
                sum(results$status == "error"), sum(results$status == "timeout"),
                sum(results$status == "skipped"), sum(results$status == "stub")), "",
        "| script | status | s | detail |", "| --- | --- | ---: | --- |",
        sprintf("| %s | %s | %s | %s |", results$script, results$status,
                ifelse(is.na(results$seconds), "", results$seconds),
                ifelse(is.na(results$detail), "", gsub("\\|", "/", results$detail))))
writeLines(md, file.path(out, "results.md"))
cat("\n", md[1], "\n", sprintf("results: %s\n", out), sep = "")
