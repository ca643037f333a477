#!/usr/bin/env bash
# Runs every test: installs what is missing (setup.sh --no-run), then checks that R and rpy2
# find the engine, installs the engine's wheel in a fresh virtualenv, installs the R package
# from its tarball with install_keras() (a CRAN user's way in), runs pytest (engine and
# rpy2 round trips), the R package's testthat suite, the vignettes knitted, R CMD check, and
# the seed examples when ../shared is present. Ends with one "N passed, N failed" line; each
# suite also says how many of its tests skipped, and a suite that mostly skipped fails.
set -uo pipefail
cd "$(dirname "$0")"
./setup.sh --no-run || { echo "setup failed"; exit 1; }
export RKBRIDGE_PYTHON="$(pwd)/.venv/bin/python" TF_CPP_MIN_LOG_LEVEL=2
logs="$(mktemp -d)"
passed=0; failed=0
count() {  # count NAME PASSED FAILED [SKIPPED TESTS]
  passed=$((passed + $2)); failed=$((failed + $3))
  if [ $# -lt 5 ]; then echo "== $1: $2 passed, $3 failed"; return; fi
  echo "== $1: $2 passed, $3 failed, $4 of $5 tests skipped"
  # A missing engine (or rpy2, or the installed R package) turns tests into skips, and a
  # run of skips is green. Legitimate skips are a handful, so more than a tenth fails.
  if [ "$5" -eq 0 ] || [ $(($4 * 10)) -gt "$5" ]; then
    failed=$((failed + 1)); echo "== $1: FAILED: no tests ran, or more than a tenth were skipped"
  fi
}

pytest_suite() {  # pytest_suite LABEL LOG PYTEST-ARGS...
  local label=$1 log=$2; shift 2
  .venv/bin/python -m pytest -q -rs -p no:cacheprovider "$@" 2>&1 | tee "$log"
  local prc=${PIPESTATUS[0]} summary pp pf ps
  summary=$(grep -E '^[0-9]+ [a-z]+.* in [0-9.]+s' "$log" | tail -1)
  pp=$(echo "$summary" | grep -Eo '[0-9]+ passed' | grep -Eo '[0-9]+' || echo 0)
  pf=$(echo "$summary" | grep -Eo '[0-9]+ (failed|errors?)' | awk '{s += $1} END {print s + 0}')
  ps=$(echo "$summary" | grep -Eo '[0-9]+ skipped' | grep -Eo '[0-9]+' || echo 0)
  [ "$prc" -ne 0 ] && [ "$pf" -eq 0 ] && pf=1
  count "$label" "${pp:-0}" "$pf" "${ps:-0}" $((${pp:-0} + pf + ${ps:-0}))
}

# Every engine test skips when the engine cannot be found; say so here, once.
echo "== engine available (R, and R embedded in Python by rpy2)"
in_r='stopifnot(rkbridge::rkbridge_available())'
if Rscript -e "$in_r" && .venv/bin/python -c "import rpy2.robjects as ro; ro.r('$in_r')"; then
  count "engine available" 1 0
else
  count "engine available" 0 1
fi

# The engine as a wheel in a fresh virtualenv (the editable install hides missing packages).
echo "== wheel install"
pytest_suite "wheel install" "$logs/wheel.log" tests/test_packaging.py

# The way in without setup.sh: the R package from its source tarball into an empty library,
# install_keras() into a new virtualenv from the package registries (pip's cache reused),
# then library(rkbridge) finds it in a fresh R session with nothing set and fits a model.
echo "== install_keras (source tarball, new virtualenv)"
if tests/test_install_keras.sh >"$logs/install-keras.log" 2>&1; then
  tail -n 1 "$logs/install-keras.log"; count "install_keras end to end" 1 0
else
  tail -n 40 "$logs/install-keras.log"; count "install_keras end to end" 0 1
fi

echo "== pytest"
pytest_suite pytest "$logs/pytest.log" tests --ignore=tests/test_packaging.py

testthat_suite() {  # testthat_suite LABEL
  local log="$logs/testthat-$1.log"
  Rscript -e 'cat("reticulate", as.character(packageVersion("reticulate")), "\n");
    res <- as.data.frame(testthat::test_dir("tests/testthat", package = "rkbridge",
    load_package = "installed", reporter = "summary", stop_on_failure = FALSE));
    cat(sprintf("\nTESTTHAT %d %d %d %d\n", sum(res$nb) - sum(res$failed) - sum(res$skipped),
        sum(res$failed) + sum(res$error), sum(res$skipped), nrow(res)))' 2>&1 | tee "$log"
  local tl; tl=$(grep '^TESTTHAT' "$log" | tail -1)
  if [ -n "$tl" ]; then count "testthat ($1)" $(echo "$tl" | cut -d' ' -f2-5)
  else count "testthat ($1)" 0 1; fi
}
echo "== testthat (Debian's reticulate)"
testthat_suite "reticulate $(Rscript -e 'cat(as.character(packageVersion("reticulate")))')"

# The R suites and the rpy2 round trips again under reticulate 1.46.0 (what CRAN users
# have; it converts NumPy arrays itself), installed into a private library.
ret_tar=../shared/vendor/reticulate_1.46.0.tar.gz
ret_lib="$(pwd)/.rlib146"
if [ -f "$ret_tar" ]; then
  if ! R_LIBS="$ret_lib" Rscript -e 'stopifnot(packageVersion("reticulate") == "1.46.0"); loadNamespace("reticulate")' >/dev/null 2>&1; then
    rm -rf "$ret_lib"; mkdir -p "$ret_lib"
    R CMD INSTALL -l "$ret_lib" "$ret_tar" >"$logs/reticulate-1.46.log" 2>&1 ||
      { tail -20 "$logs/reticulate-1.46.log"; count "reticulate 1.46.0 install" 0 1; }
  fi
  # The TensorFlow R packages keras 2.x users have beside us (test-coexistence.R), in the
  # order their dependencies need; tensorflow needs reticulate >= 1.41, so they live here.
  for p in config tfautograph tfruns tensorflow tfdatasets; do
    tar_p=$(ls ../shared/vendor/${p}_*.tar.gz 2>/dev/null | head -1)
    [ -n "$tar_p" ] || continue
    [ -d "$ret_lib/$p" ] && continue
    R_LIBS="$ret_lib" R CMD INSTALL -l "$ret_lib" "$tar_p" >"$logs/vendor-$p.log" 2>&1 ||
      { tail -20 "$logs/vendor-$p.log"; count "vendored R package $p install" 0 1; }
  done
  echo "== testthat (reticulate 1.46.0)"
  R_LIBS="$ret_lib" testthat_suite "reticulate 1.46.0"
  echo "== pytest, R round trips (reticulate 1.46.0)"
  R_LIBS="$ret_lib" pytest_suite "pytest R round trips (reticulate 1.46.0)" "$logs/pytest-146.log" \
    $(grep -l "rpy2" tests/test_*.py)
else
  echo "== reticulate 1.46.0: $ret_tar not found; the second run of the R suites is skipped"
fi

echo "== vignettes"
vp=0; vf=0
for v in vignettes/*.Rmd; do
  if Rscript -e "rmarkdown::render('$v', output_dir = '$logs', quiet = TRUE)" >"$logs/$(basename "$v").log" 2>&1; then
    vp=$((vp + 1)); echo "knitted $v"
  else
    vf=$((vf + 1)); echo "FAILED to knit $v"; tail -n 20 "$logs/$(basename "$v").log"
  fi
done
count vignettes $vp $vf

# R CMD build + R CMD check --no-manual: 0 errors and 0 warnings pass (notes are shown).
# Examples and vignette code run against the engine (RKBRIDGE_PYTHON); --no-tests because
# testthat ran above; no repository is contacted (the machine may be offline: check only
# says it found no package index).
echo "== R CMD check"
chk="$logs/check"; mkdir -p "$chk"
echo 'options(repos = character(0))' > "$chk/Rprofile"
( cd "$chk" && export R_PROFILE_USER="$chk/Rprofile" _R_CHECK_FORCE_SUGGESTS_=false &&
  R CMD build "$OLDPWD" >build.log 2>&1 &&
  R CMD check --no-manual --no-tests rkbridge_*.tar.gz >check.log 2>&1 )
if grep -Eq '^Status: (OK|[0-9]+ NOTEs?)$' "$chk/check.log"; then
  grep -E '^Status' "$chk/check.log"; grep -B1 -A6 'NOTE$' "$chk/check.log" || true
  count "R CMD check" 1 0
else
  tail -n 40 "$chk/build.log" "$chk/check.log" 2>/dev/null
  count "R CMD check" 0 1
fi

# The seed examples the resolved issues deliver (tests/examples-expected.txt) must pass;
# the others are run and shown for information.
if [ -x ../shared/run-examples ]; then
  echo "== seed examples"
  ../shared/run-examples 2>&1 | grep -v "All log messages" | tee "$logs/examples.log"
  ep=0; ef=0
  while read -r ex; do
    [ -z "$ex" ] && continue
    if grep -Eq "^pass +$ex" "$logs/examples.log"; then ep=$((ep + 1)); else ef=$((ef + 1)); echo "expected to pass: $ex"; fi
  done < tests/examples-expected.txt
  count examples $ep $ef
fi

echo
echo "all: $passed passed, $failed failed"
[ $failed -eq 0 ]
