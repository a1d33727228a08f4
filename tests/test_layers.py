"""The layers of docs/ARCHITECTURE.md ("Layers"), checked from the imports.

Every ``import`` and ``from ... import`` of every module is read from its
source (those inside functions too: a lazy import is still a dependency), so
an arrow pointing the wrong way fails here before anyone has to notice it in
a review. The no-Textual test of the commands (test_cli) checks what is
*loaded* at run time; this one checks what is *written*.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: what each top-level package may import, of the project's own and of Textual
#: (``tui -> widgets -> store``; ``themes`` and ``seeds`` beside widgets: they may import store, never tui)
ALLOWED = {
    "store": {"store"},
    "widgets": {"widgets", "store", "textual"},
    "themes": {"themes", "store", "textual"},
    "seeds": {"seeds", "store"},
    "tui": {"tui", "widgets", "store", "themes", "seeds", "textual"},
}
GUARDED = {"store", "widgets", "themes", "seeds", "tui", "textual"}


#: modules that import by a name computed at run time, and why that is safe: the
#: widgets' lazy names come from their own table, checked below to be relative
DYNAMIC_OK = {"widgets/__init__.py"}


def _top(name: str, package: str) -> str:
    """The top-level name an absolute or relative module name stands for."""
    if name.startswith(".."):
        return "?"  # (no package has subpackages: ``..`` leaves it)
    return package if name.startswith(".") else name.split(".")[0]


def imports_of(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, top-level name) of every import in ``path``: statements, relative ones
    resolved, and ``importlib.import_module``/``__import__`` calls ("*" when the name is
    not written in the call)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            name = "." * node.level + (node.module or "")
            found.append((node.lineno, _top(name, package)))
        elif isinstance(node, ast.Call) and (
            isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"
            or isinstance(node.func, ast.Name) and node.func.id in ("__import__", "import_module")
        ):
            arg = node.args[0] if node.args else None
            literal = isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            found.append((node.lineno, _top(arg.value, package) if literal else "*"))  # type: ignore[union-attr]
    return found


def modules() -> list[tuple[str, Path]]:
    return [(package, path) for package in ALLOWED for path in sorted((ROOT / package).rglob("*.py"))]


def test_every_package_has_modules():
    """The check reads something: each package's modules are found."""
    counts = {package: sum(1 for p, _ in modules() if p == package) for package in ALLOWED}
    assert all(count > 0 for count in counts.values()), counts
    assert counts["store"] >= 15


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_one_way(package):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for pkg, path in modules() if pkg == package
        for line, name in imports_of(path, package)
        if name in GUARDED and name not in ALLOWED[package] or name == "?"
        or name == "*" and str(path.relative_to(ROOT)) not in DYNAMIC_OK
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_wrong_arrow(tmp_path):
    """A store module importing Textual or the tui, even lazily, by a string, or from
    above its package, is caught."""
    bad = tmp_path / "store" / "bad.py"
    bad.parent.mkdir()
    bad.write_text("import json\nimport importlib\nfrom . import fmt\n\ndef f():\n    from textual.app import App\n"
                   "    from tui import cli\n    importlib.import_module('widgets.gauge')\n"
                   "    __import__('textual')\n    from ..tui import app\n    importlib.import_module(name)\n")
    assert sorted(imports_of(bad, "store")) == [(1, "json"), (2, "importlib"), (3, "store"), (6, "textual"), (7, "tui"),
                                        (8, "widgets"), (9, "textual"), (10, "?"), (11, "*")]


def test_the_lazy_widget_names_stay_inside_the_package():
    import widgets

    assert widgets._WHERE and all(module.startswith(".") and not module.startswith("..")
                                  for module in widgets._WHERE.values())


def test_only_the_storage_and_the_repository_touch_tinydb():
    users = sorted(str(path.relative_to(ROOT)) for _, path in modules()
                   if any(name == "tinydb" for _, name in imports_of(path, path.parent.name)))
    assert users == ["store/repository.py", "store/storage.py"]
