#!/usr/bin/env bash
# Sets up everything on a fresh Debian machine (as root) and runs the main job:
#   Debian's R and r-cran-* packages, a .venv with the engine installed from this checkout,
#   the R package installed; then main.R (the seed multi-class MLP, end to end from R).
# Idempotent: what is already installed is skipped.  --no-run: install only.
set -euo pipefail
cd "$(dirname "$0")"
root="$(pwd)"
run_main=1
[ "${1:-}" = "--no-run" ] && run_main=0

# codetools: knitr's cache (the tests) needs it, and --no-install-recommends leaves it out.
# rcpp .. matrix: the dependencies of reticulate 1.46, which the tests install privately.
apt_pkgs=(r-base-core r-base-dev r-cran-reticulate r-cran-testthat r-cran-knitr
          r-cran-rmarkdown r-cran-magrittr r-cran-r6 r-cran-ggplot2 r-cran-roxygen2 r-cran-pkgbuild
          r-cran-codetools pandoc graphviz
          r-cran-rcpp r-cran-rcpptoml r-cran-here r-cran-png r-cran-rappdirs r-cran-withr
          r-cran-jsonlite r-cran-rlang r-cran-matrix
          # generics: the package imports its fit()/compile()/evaluate() generics
          r-cran-generics
          # the dependencies of the vendored tensorflow, tfdatasets, tfruns and config R
          # packages, which the coexistence tests install privately
          r-cran-backports r-cran-whisker r-cran-rstudioapi r-cran-processx r-cran-yaml
          r-cran-base64enc r-cran-tidyselect
          # what the keras 2.x example scripts load themselves (tools/run_scripts.R)
          r-cran-readr r-cran-dplyr r-cran-purrr r-cran-stringr r-cran-tibble r-cran-glue
          r-cran-abind r-cran-progress r-cran-tokenizers r-cran-data.table r-cran-rjson
          r-cran-magick
          # the progress bar's test runs R in a real terminal
          tmux)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The engine's Python: a venv from a Python with a shared libpython (reticulate embeds it).
if [ ! -x .venv/bin/python ]; then
  py="${PYTHON:-python3}"
  echo "setup: creating .venv with $($py --version)"
  "$py" -m venv .venv
fi
stamp=".venv/.rkbridge-installed"
want="$(sha1sum pyproject.toml | cut -c1-40)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || \
   ! .venv/bin/python -c "import rkbridge, rpy2, pytest, hypothesis" 2>/dev/null; then
  echo "setup: installing the engine and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test,plot]"
  echo "$want" > "$stamp"
fi
# Opt-in GPU build: RKBRIDGE_TF=cuda swaps TensorFlow's CPU build for its CUDA build (the
# same version); strategy_mirrored() then uses every visible GPU.
if [ "${RKBRIDGE_TF:-cpu}" = "cuda" ] && .venv/bin/python -m pip show -q tensorflow-cpu >/dev/null 2>&1; then
  tfv="$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("tensorflow-cpu"))')"
  echo "setup: installing TensorFlow $tfv's CUDA build (RKBRIDGE_TF=cuda)"
  .venv/bin/python -m pip uninstall -q -y tensorflow-cpu
  .venv/bin/python -m pip install -q "tensorflow[and-cuda]==$tfv"
fi

# The R package, reinstalled when its sources change, from the tarball R CMD build makes of a
# copy of the checkout (without .venv and build outputs): the vignettes are built with the
# engine (vignette(package = "rkbridge") lists them) and the engine's copy goes into
# inst/python (install_keras()). The checkout's path counts: the installed package records
# this checkout's .venv.
rstamp="$( (cat DESCRIPTION NAMESPACE configure cleanup src/*.c R/*.R man/*.Rd vignettes/*.Rmd \
            pyproject.toml; find rkbridge -name '*.py' | sort | xargs cat; echo "$root") |
          sha1sum | cut -c1-40)"
installed="$(Rscript -e 'cat(tryCatch(readLines(system.file("rkbridge-src-hash", package = "rkbridge")), error = function(e) ""))' 2>/dev/null || true)"
if [ "$installed" != "$rstamp" ]; then
  echo "setup: building and installing the R package rkbridge (with its vignettes)"
  rbuild="$(mktemp -d)"
  mkdir "$rbuild/rkbridge"
  tar --exclude=./.venv --exclude=./.git --exclude='./.rlib*' --exclude=./build \
      --exclude=./inst/python --exclude='*.tar.gz' --exclude=__pycache__ -cf - . |
    tar -C "$rbuild/rkbridge" -xf -
  ( cd "$rbuild" && export RKBRIDGE_PYTHON="$root/.venv/bin/python" &&
    R CMD build --no-manual rkbridge >build.log 2>&1 &&
    R CMD INSTALL rkbridge_*.tar.gz >install.log 2>&1 ) || {
    tail -n 40 "$rbuild"/*.log; rm -rf "$rbuild"; exit 1; }
  rm -rf "$rbuild"
  echo "$rstamp" > "$(Rscript -e 'cat(system.file(package = "rkbridge"))')/rkbridge-src-hash"
fi

if [ $run_main -eq 1 ]; then
  Rscript main.R
fi
