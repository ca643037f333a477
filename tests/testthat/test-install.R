# install_keras(): where the environment goes, what it refuses, and that later sessions find
# it. The whole path (tarball, a real virtualenv, a fresh session) is tests/test_install_keras.sh.

with_user_config <- function(code) {
  old <- Sys.getenv(c("R_USER_CONFIG_DIR", "RKBRIDGE_PYTHON"), unset = NA)
  dir <- tempfile("config-")
  Sys.setenv(R_USER_CONFIG_DIR = dir)
  Sys.unsetenv("RKBRIDGE_PYTHON")
  on.exit({
    for (n in names(old)) if (is.na(old[[n]])) Sys.unsetenv(n) else
      do.call(Sys.setenv, as.list(old[n]))
    unlink(dir, recursive = TRUE)
  })
  force(code)
}

test_that("envname is a name under reticulate's virtualenv root, or a path", {
  old <- Sys.getenv("RETICULATE_VIRTUALENV_ROOT", unset = NA)
  on.exit(if (is.na(old)) Sys.unsetenv("RETICULATE_VIRTUALENV_ROOT") else
    Sys.setenv(RETICULATE_VIRTUALENV_ROOT = old))
  root <- tempfile("venvs-")
  Sys.setenv(RETICULATE_VIRTUALENV_ROOT = root)
  expect_identical(rkbridge:::env_path("r-rkbridge"),
                   file.path(normalizePath(root, mustWork = FALSE), "r-rkbridge"))
  dir <- tempfile("envs-")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  expect_identical(rkbridge:::env_path(file.path(dir, "keras")),
                   file.path(normalizePath(dir), "keras"))
  expect_error(rkbridge:::env_path(c("a", "b")), "envname must be one string",
               class = "rkbridge_install_error")
})

test_that("an existing directory that is not a virtualenv is never removed", {
  dir <- tempfile("not-a-venv-")
  dir.create(dir)
  writeLines("keep", file.path(dir, "data.txt"))
  on.exit(unlink(dir, recursive = TRUE))
  expect_error(install_keras(envname = dir, new_env = TRUE),
               "is not a virtual environment; choose another envname",
               class = "rkbridge_install_error")
  expect_identical(readLines(file.path(dir, "data.txt")), "keep")
})

test_that("a Python that is not 3.10 or later is refused by name", {
  expect_error(rkbridge:::starter_python(file.path(tempdir(), "no-such-python")),
               "is not a Python 3.10 or later", class = "rkbridge_install_error")
})

test_that("the environment install_keras() made is what later sessions use", {
  with_user_config({
    venv <- tempfile("venv-")
    python <- file.path(venv, "bin", "python")
    dir.create(dirname(python), recursive = TRUE)
    file.symlink(Sys.which("sh"), python)
    rkbridge:::record_installed_python(python)
    expect_identical(rkbridge:::installed_python(), python)
    expect_identical(rkbridge:::find_python(probe = FALSE),
                     file.path(normalizePath(dirname(python)), "python"))
    unlink(venv, recursive = TRUE)
  })
})

test_that("the installed package carries the engine and its pins for install_keras()", {
  engine <- system.file("python", package = "rkbridge")
  expect_true(file.exists(file.path(engine, "rkbridge", "__init__.py")))
  pins <- readLines(file.path(engine, "pyproject.toml"))
  expect_true(any(grepl('"keras==[0-9.]+"', pins)))
  expect_true(any(grepl('"tensorflow-cpu==[0-9.]+"', pins)))
})

test_that("keras 2.x and keras3 installer arguments are accepted and said to be ignored", {
  expect_message(
    expect_error(install_keras(envname = c("a", "b"), method = "conda", tensorflow = "gpu"),
                 class = "rkbridge_install_error"),
    "method, tensorflow ignored")
})
