#!/usr/bin/env bash
# The way in for someone with R and Python but not setup.sh, end to end: the R package from
# its source tarball into an empty library, install_keras() (no prompt, as on CI) into a new
# virtual environment from the package registries, then a fresh R session with nothing set
# (no RKBRIDGE_PYTHON, no .venv above it) finds that environment and fits a model.
# pip's cache is reused; the environment does not see the system's site-packages.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
clean_env=(env -u RKBRIDGE_PYTHON -u RETICULATE_PYTHON -u VIRTUAL_ENV -u R_LIBS_USER
           R_USER_CONFIG_DIR="$work/config" R_USER_DATA_DIR="$work/data"
           RETICULATE_VIRTUALENV_ROOT="$work/virtualenvs" CI=true)

# The versions the engine pins (pyproject.toml), which the environment must hold.
pin() { sed -n "s/^ *\"$1==\([^\"]*\)\".*/\1/p" "$root/pyproject.toml"; }
export WANT_TF="$(pin tensorflow-cpu)" WANT_KERAS="$(pin keras)"
[ -n "$WANT_TF" ] && [ -n "$WANT_KERAS" ] || { echo "no pins found in pyproject.toml"; exit 1; }

echo "-- R CMD build (a copy of the checkout without its .venv and build outputs) (at ${SECONDS}s)"
mkdir src
tar -C "$root" --exclude=./.venv --exclude=./.git --exclude='./.rlib*' --exclude=./build \
    --exclude=./inst/python --exclude='*.tar.gz' --exclude=__pycache__ -cf - . | tar -C src -xf -
"${clean_env[@]}" R CMD build --no-build-vignettes --no-manual src >build.log 2>&1 ||
  { cat build.log; exit 1; }
tarball="$(ls rkbridge_*.tar.gz)"
tar -tzf "$tarball" >contents.txt
grep -qx 'rkbridge/inst/python/pyproject.toml' contents.txt &&
  grep -qx 'rkbridge/inst/python/rkbridge/__init__.py' contents.txt ||
  { echo "the tarball carries no copy of the engine (inst/python)"; exit 1; }
! grep -Eq '^rkbridge/(rkbridge|pyproject.toml)' contents.txt ||
  { echo "the tarball carries the engine outside inst/python"; exit 1; }

echo "-- R CMD INSTALL into an empty library (at ${SECONDS}s)"
mkdir lib
"${clean_env[@]}" R CMD INSTALL -l lib "$tarball" >install.log 2>&1 || { cat install.log; exit 1; }
[ ! -e lib/rkbridge/python-path ] || { echo "the tarball's install recorded a Python"; exit 1; }

echo "-- install_keras() with no stdin (at ${SECONDS}s)"
"${clean_env[@]}" R_LIBS="$work/lib" Rscript -e '
  library(rkbridge)
  stopifnot(startsWith(find.package("rkbridge"), file.path(getwd(), "lib")))
  py <- install_keras()
  stopifnot(identical(py, file.path(getwd(), "virtualenvs", "r-rkbridge", "bin", "python")))
' </dev/null
grep -qx 'include-system-site-packages = false' virtualenvs/r-rkbridge/pyvenv.cfg

echo "-- a fresh R session with nothing set: library(rkbridge) and a small fit (at ${SECONDS}s)"
"${clean_env[@]}" R_LIBS="$work/lib" Rscript -e '
  library(rkbridge)
  env <- file.path(getwd(), "virtualenvs", "r-rkbridge")
  stopifnot(identical(rkbridge_python(), file.path(env, "bin", "python")))
  set.seed(1)
  x <- matrix(runif(64 * 3), ncol = 3)
  y <- x %*% c(1, -2, 0.5)
  model <- keras_model_sequential(input_shape = 3) %>% layer_dense(units = 1)
  model %>% compile(optimizer = optimizer_sgd(learning_rate = 0.1), loss = "mse")
  history <- model %>% fit(x, y, epochs = 3, batch_size = 16, verbose = 0)
  loss <- history$metrics$loss
  stopifnot(length(loss) == 3, loss[3] < loss[1])
  stopifnot(identical(dim(predict(model, x, verbose = 0)), c(64L, 1L)))
  # The engine, TensorFlow and Keras come from that environment, at the pinned versions.
  engine <- reticulate::import("rkbridge")
  keras <- reticulate::import("keras")
  tf <- reticulate::import("tensorflow")
  stopifnot(startsWith(normalizePath(engine$`__file__`), normalizePath(env)),
            startsWith(normalizePath(tf$`__file__`), normalizePath(env)),
            identical(keras$`__version__`, Sys.getenv("WANT_KERAS")),
            identical(tf$`__version__`, Sys.getenv("WANT_TF")))
' </dev/null
echo "install_keras end to end: OK (${SECONDS}s)"
