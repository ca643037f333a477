"""The engine does not depend on its R face: no module outside `rkbridge/boundary/` imports
it, except the registry of the API (`api.py`), which R reaches through the boundary."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import rkbridge

ROOT = Path(rkbridge.__file__).parent
ALLOWED = {"api.py"}


def _imported(path: Path) -> set[str]:
    """The modules `path` imports, as absolute names (relative imports resolved)."""
    package = ".".join(("rkbridge", *path.relative_to(ROOT).parent.parts))
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)  # `from . import boundary`
    return names


def _boundary_importers() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
                  if "boundary" not in p.relative_to(ROOT).parts
                  and str(p.relative_to(ROOT)) not in ALLOWED
                  and any(n == "rkbridge.boundary" or n.startswith("rkbridge.boundary.")
                          for n in _imported(p)))


def test_no_engine_module_imports_the_boundary():
    assert _boundary_importers() == []


def test_the_check_sees_every_form_of_import(tmp_path, monkeypatch):
    sub = tmp_path / "pkg"
    sub.mkdir()
    forms = {"a.py": "from .boundary import transport\n",
             "b.py": "from . import boundary\n",
             "c.py": "import rkbridge.boundary.bridge\n",
             "d.py": "def f():\n    from .boundary.rfunctions import is_r_function\n",
             "e.py": "from .values import owned\n",
             "api.py": "from .boundary import bridge\n"}
    for name, text in forms.items():
        (tmp_path / name).write_text(text)
    (sub / "f.py").write_text("from ..boundary.transport import owned\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _boundary_importers() == ["a.py", "b.py", "c.py", "d.py", "pkg/f.py"]
