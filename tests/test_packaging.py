"""The engine as users install it: a wheel built from pyproject.toml, installed into a fresh
virtualenv, imported from outside the checkout. The editable install the other tests use
reads the checkout directly, so it cannot show a package missing from the wheel."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINE = os.path.join(ROOT, "rkbridge")


def engine_packages() -> set[str]:
    """Every package under rkbridge/ in the checkout, as dotted names."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(ENGINE):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        if "__init__.py" in filenames:
            found.add(os.path.relpath(dirpath, ROOT).replace(os.sep, "."))
    return found


def build_wheel(tmp) -> str:
    """Builds from a copy of the sources: setuptools reuses build/ in the source tree, and a
    stale build/lib there would put files into the wheel that the configuration leaves out.
    No build isolation, so no index is needed (the .venv's setuptools builds it)."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if os.path.exists(os.path.join(ROOT, name)):
            shutil.copy(os.path.join(ROOT, name), src / name)
    shutil.copytree(ENGINE, src / "rkbridge",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp / "dist"
    res = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    wheels = list(out.glob("rkbridge-*.whl"))
    assert len(wheels) == 1, wheels
    return str(wheels[0])


def test_wheel_holds_every_engine_package(tmp_path):
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as z:
        in_wheel = {os.path.dirname(n).replace("/", ".") for n in z.namelist()
                    if n.endswith("/__init__.py")}
    assert "rkbridge.boundary" in engine_packages()
    assert engine_packages() - in_wheel == set()


def test_wheel_installed_in_fresh_venv_imports_and_runs(tmp_path):
    wheel = build_wheel(tmp_path)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = str(env_dir / "bin" / "python")
    res = subprocess.run(
        [sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--no-index",
         "-q", wheel], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]

    # The dependencies (TensorFlow, Keras, NumPy...) come from this .venv's site-packages,
    # named in a .pth file. A directory named in a .pth is only appended to sys.path: the
    # .pth files inside it (the editable install's finder among them) are not run, and the
    # new venv's own site-packages, holding the wheel, comes first.
    deps = sysconfig.get_paths()["purelib"]
    new_site = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(new_site, "_rkbridge_test_deps.pth"), "w") as f:
        f.write(deps + "\n")

    prog = textwrap.dedent(f"""
        import os, sys
        import numpy as np
        import rkbridge, rkbridge.boundary.transport
        site = {new_site!r}
        assert rkbridge.__file__.startswith(site + os.sep), rkbridge.__file__
        assert rkbridge.boundary.transport.__file__.startswith(site + os.sep)
        assert not any(p.rstrip(os.sep) == {ROOT!r} for p in sys.path), sys.path
        assert not any("__editable__" in type(f).__module__ for f in sys.meta_path), sys.meta_path
        assert not any(m.startswith("__editable__") for m in sys.modules)
        for name, mod in list(sys.modules.items()):
            f = getattr(mod, "__file__", None) or ""
            assert not f.startswith({ENGINE!r} + os.sep), (name, f)
        m = rkbridge.keras_model_sequential(input_shape=[3])
        rkbridge.layer_dense(m, units=2)
        m.set_weights([np.ones((3, 2)), np.zeros(2)])
        p = np.asarray(rkbridge.predict(m, np.full((4, 3), 0.5)))
        assert p.shape == (4, 2) and np.allclose(p, 1.5), p
        print("WHEEL-OK", rkbridge.__file__)
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    res = subprocess.run([py, "-c", prog], capture_output=True, text=True, timeout=300,
                         cwd=str(tmp_path), env=env)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert "WHEEL-OK" in res.stdout
