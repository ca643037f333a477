# What tools/run_scripts.R and tools/run_vignettes.R share: their command-line options, git
# on the mirror of an R interface's repository, and the synthetic Keras caches that
# tools/script_data.py seeds (the files Keras's downloads read, offline); the project root
# and the engine's Python. Sourced from the project root by both.

args <- commandArgs(trailingOnly = TRUE)
root <- normalizePath(".")
stopifnot(file.exists(file.path(root, "tools", "script_data.py")))
python <- Sys.getenv("RKBRIDGE_PYTHON", file.path(root, ".venv", "bin", "python"))

# `out` made (with its logs/ folder), as an absolute path.
output_dir <- function(out) {
  dir.create(file.path(out, "logs"), recursive = TRUE, showWarnings = FALSE)
  normalizePath(out)
}

# The value of `--name=value` (TRUE for a bare `--name`), else `default`.
opt <- function(name, default) {
  hit <- grep(paste0("^--", name, "(=|$)"), args, value = TRUE)
  if (!length(hit)) return(default)
  if (!grepl("=", hit[1])) return(TRUE)
  sub("^[^=]*=", "", hit[1])
}

# git with the repository at `repo` (a bare git directory), its output as lines.
git_of <- function(repo) function(...)
  system2("git", c(paste0("--git-dir=", repo), ...), stdout = TRUE)

# Run tools/script_data.py (`what`: datasets, files or weights) with `python`.
seed_cache <- function(python, root, ...) {
  rc <- system2(python, c(file.path(root, "tools", "script_data.py"), ...),
                env = "TF_CPP_MIN_LOG_LEVEL=3")
  if (rc != 0) stop("tools/script_data.py ", paste(list(...), collapse = " "), " failed")
}

# The default cache under `out` (`rows` training rows), seeded now, and `cache_for(size)`:
# one seeded with `size` rows, made at first use.
keras_caches <- function(python, root, out, rows) {
  seed <- function(...) seed_cache(python, root, ...)
  make <- function(dir, size) {
    dir.create(dir, showWarnings = FALSE)
    seed("datasets", dir, size)
    seed("files", dir)
    dir
  }
  home <- make(file.path(out, "keras_home"), rows)
  list(home = home, seed = seed, cache_for = function(size) {
    dir <- file.path(out, paste0("keras_home_", size))
    if (dir.exists(dir)) dir else make(dir, size)
  })
}
