"""The checked-in generated R wrappers, NAMESPACE and man/ are what the generator and roxygen
make today: regenerate into a temporary copy and compare."""
from __future__ import annotations

import collections
import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools import generate_r  # noqa: E402

GENERATED = sorted(generate_r.generated())


def test_generated_r_files_are_current(tmp_path):
    generate_r.main(tmp_path)
    stale = [name for name in GENERATED
             if (tmp_path / name).read_text() != (ROOT / "R" / name).read_text()]
    assert not stale, (f"R/{stale} differ from the engine's tables: run "
                       "tools/generate_r.py and roxygen2::roxygenise()")
    assert sorted(p.name for p in (ROOT / "R").glob("*-generated.R")) == GENERATED


def generated_wrappers() -> list[tuple[str, str]]:
    """(name, body) of every function the checked-in generated R files define."""
    text = "".join((ROOT / "R" / name).read_text() for name in GENERATED)
    return re.findall(r"^`?([A-Za-z_.][\w.]*)`? <- function\((.*?)^\}", text, flags=re.S | re.M)


def test_every_wrapper_calls_its_engine_function():
    from rkbridge.api import API
    wrappers = generated_wrappers()
    # the parse sees every block the generator writes (one function each)
    assert len(wrappers) == sum(len(blocks) for blocks in generate_r.generated().values())
    wrong = {}
    for name, body in wrappers:
        targets = re.findall(r'rk_call\("([^"]+)"', body)
        if targets != [name] or name not in API:
            wrong[name] = targets
    assert not wrong, f"wrappers that do not call the engine function of their own name: {wrong}"
    names = {name for name, _ in wrappers}
    for name in ("layer_dense", "activation_relu", "regularizer_l1_l2", "k_mean",
                 "pad_sequences", "learning_rate_schedule_cosine_decay"):
        assert name in names


def test_each_wrapper_is_generated_once():
    """Two definitions of one R function: the later file read wins, and each has its docs."""
    counts = collections.Counter(name for name, _ in generated_wrappers())
    assert {n: k for n, k in counts.items() if k > 1} == {}


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="needs R")
def test_man_and_namespace_are_current(tmp_path):
    """roxygen2 on a copy of the package must not change man/ or NAMESPACE."""
    copy = tmp_path / "pkg"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", "*.o", "*.so", "__pycache__", "*.Rcheck", "*.tar.gz", "vignettes"))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "tools/generate_r.py"], cwd=copy, env=env, check=True,
                   capture_output=True)
    res = subprocess.run(["Rscript", "-e", "roxygen2::roxygenise(load_code = 'source')"],
                         cwd=copy, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-2000:]
    cmp = filecmp.dircmp(ROOT / "man", copy / "man")
    changed = cmp.diff_files + cmp.left_only + cmp.right_only
    assert not changed, f"man/ is stale for {changed[:10]}: run roxygen2::roxygenise()"
    assert (ROOT / "NAMESPACE").read_text() == (copy / "NAMESPACE").read_text()


def _pins() -> dict[str, str]:
    text = (ROOT / "pyproject.toml").read_text()
    import re
    return {name.lower(): version for name, version in
            re.findall(r'"([A-Za-z0-9_.-]+)==([^"\s;]+)"', text)}


@pytest.mark.parametrize("dist", ["keras", "tensorflow-cpu"])
def test_generator_inputs_are_pinned_to_the_installed_versions(dist):
    """The wrappers are made from Keras's signatures: an unpinned Keras would regenerate
    different files on a fresh set-up. The pin must be exact and equal what is installed."""
    from importlib.metadata import version
    pins = _pins()
    assert dist in pins, f"pyproject.toml must pin {dist}==<version> exactly"
    assert pins[dist] == version(dist), (
        f"{dist} {version(dist)} is installed but pyproject.toml pins {pins[dist]}: "
        "reinstall (setup.sh), or change the pin and run tools/regenerate")


def test_regeneration_is_one_documented_command():
    script = ROOT / "tools" / "regenerate"
    assert script.exists() and os.access(script, os.X_OK)
    text = script.read_text()
    assert "tools/generate_r.py" in text and "roxygenise" in text
    assert "tools/regenerate" in (ROOT / "README.md").read_text()


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="needs R")
def test_roxygen_version_is_the_recorded_one():
    res = subprocess.run(["Rscript", "-e", 'cat(as.character(packageVersion("roxygen2")))'],
                         capture_output=True, text=True, check=True)
    note = [line.split(":", 1)[1].strip() for line in
            (ROOT / "DESCRIPTION").read_text().splitlines() if line.startswith("RoxygenNote:")]
    assert note == [res.stdout.strip()], "man/ was made with a different roxygen2"


def test_every_argument_has_its_own_help_text():
    """Keras's docstrings (and their base classes') or the generator's PARAM_DOCS describe
    every argument: no help page sends the reader to another documentation."""
    vague = sorted(p.name for p in (ROOT / "man").glob("*.Rd")
                   if "See the Keras documentation" in p.read_text())
    assert vague == [], f"arguments without help text in {vague[:10]}: add PARAM_DOCS entries"


def test_keras_docstring_text_reads_in_r_terms():
    assert generate_r.rd_escape("Defaults to None. A tuple of ints, or a dict.") == \
        "Defaults to NULL. A vector of ints, or a named list."
    # Rd's specials escaped and brackets kept from becoming links, outside code spans only;
    # roxygen's markdown escapes "%" itself.
    assert generate_r.rd_escape("30% of x[i, :] in {a} `x[1]` and [docs](https://keras.io)") \
        == "30% of x\\[i, :\\] in \\{a\\} `x[1]` and [docs](https://keras.io)"
    # roxygen would run a code span that starts "r " as R code
    assert generate_r.rd_escape("`r = f(a, b)`") == "\\code{r = f(a, b)}"


def test_parameters_come_from_base_class_and_indented_docstrings():
    """Optimizers' shared arguments are described in SGD's docstring, and some Keras classes
    indent their "Args:" section: both reach the help."""
    layer_docs = (ROOT / "R" / "layers-generated.R").read_text()
    assert "#' @param x_factor A vector of two floats." in layer_docs
    family_docs = (ROOT / "R" / "families-generated.R").read_text()
    muon = family_docs[family_docs.index("optimizer_muon <- function") - 6000:
                       family_docs.index("optimizer_muon <- function")]
    assert "#' @param clipnorm Float. If set, the gradient of each weight" in muon


# Help pages whose sources use markdown: hand-written ([fit()] links, code spans) and
# generated from Keras docstrings (percentages, brackets, bullet lists).
RENDERED_PAGES = ["history", "install_keras", "rkbridge_python", "layer_random_zoom",
                  "layer_random_shear", "optimizer_muon", "op_svd", "KerasCallback"]


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="needs R")
def test_help_renders_without_raw_markdown(tmp_path):
    """roxygen's markdown is on: rendered help shows code as code and links as links, never
    the markdown itself, and every page is valid Rd."""
    script = tmp_path / "render.R"
    script.write_text("""
args <- commandArgs(TRUE)
out_dir <- args[[1]]
problems <- character()
for (f in list.files("man", pattern = "[.]Rd$", full.names = TRUE)) {
  msgs <- withCallingHandlers(
    as.character(tools::checkRd(f, encoding = "UTF-8", def_enc = TRUE)),
    warning = function(w) {
      problems <<- c(problems, paste(basename(f), conditionMessage(w)))
      invokeRestart("muffleWarning")
    })
  # levels -1 and above are what R CMD check reports
  problems <- c(problems, grep("checkRd: [(]([0-9]|-1)[)]", msgs, value = TRUE))
}
writeLines(problems, file.path(out_dir, "problems.txt"))
for (p in args[-1])
  tools::Rd2txt(file.path("man", paste0(p, ".Rd")), out = file.path(out_dir, paste0(p, ".txt")),
                options = list(underline_titles = FALSE))
""")
    subprocess.run(["Rscript", str(script), str(tmp_path), *RENDERED_PAGES], cwd=ROOT,
                   check=True, capture_output=True)
    problems = (tmp_path / "problems.txt").read_text().split("\n")
    assert [p for p in problems if p] == []
    for page in RENDERED_PAGES:
        text = (tmp_path / f"{page}.txt").read_text()
        assert "`" not in text, f"{page}: a raw code span"
        assert not re.search(r"\[\w[\w.]*\(\)\]", text), f"{page}: a raw markdown link"
        assert "\\%" not in text and "\\[" not in text and "\\{" not in text, page
