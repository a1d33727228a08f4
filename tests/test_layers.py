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
#: (``tui -> widgets -> store``; ``themes`` and ``seeds`` are leaves)
ALLOWED = {
    "store": {"store"},
    "widgets": {"widgets", "store", "textual"},
    "themes": {"themes", "textual"},
    "seeds": {"seeds", "store"},
    "tui": {"tui", "widgets", "store", "themes", "seeds", "textual"},
}
GUARDED = {"store", "widgets", "themes", "seeds", "tui", "textual"}


def imports_of(path: Path, package: str) -> list[tuple[int, str]]:
    """(line, top-level name) of every import in ``path``, relative ones resolved."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.append((node.lineno, (node.module or "").split(".")[0]))
            elif node.level == 1 or path.parent.name == package:
                # ``from . import x`` / ``from .x import y`` inside the package
                # (a package has no subpackage, so ``..`` would leave it)
                found.append((node.lineno, package if node.level == 1 else "?"))
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
    ]
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_wrong_arrow(tmp_path):
    """A store module importing Textual or the tui, even lazily, is caught."""
    bad = tmp_path / "store" / "bad.py"
    bad.parent.mkdir()
    bad.write_text("import json\n\ndef f():\n    from textual.app import App\n    from tui import cli\n")
    names = {name for _, name in imports_of(bad, "store")}
    assert {"textual", "tui"} <= names
    assert not names & GUARDED - ALLOWED["store"] - {"textual", "tui"}
