"""Seed generators: the synthetic dataset for benchmarks, and layering of the packages."""

from __future__ import annotations

import json
import subprocess
import sys

from store.repository import Repository

from .conftest import ROOT, run_relance


def test_synthetic_dataset_is_proportional_and_importable(tmp_path):
    out = tmp_path / "big.json"
    result = subprocess.run([sys.executable, "-m", "seeds.synthetic", "--contacts", "400", "-o", str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    payload = json.loads(out.read_text())
    assert len(payload["contacts"]) == 400
    assert len(payload["targets"]) == 4 and len(payload["opportunities"]) == 20
    assert len(payload["missions"]) == 2 and len(payload["interactions"]) == 800
    data = tmp_path / "data.json"
    imported = run_relance("--data", str(data), "import", "json", str(out))
    assert imported.returncode == 0, imported.stderr
    assert Repository(data).count("contact") == 400


def test_synthetic_rejects_bad_count(tmp_path):
    result = subprocess.run([sys.executable, "-m", "seeds.synthetic", "--contacts", "0", "-o", str(tmp_path / "x.json")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "--contacts must be at least 1" in result.stderr


def test_demo_module_writes_an_export(tmp_path):
    out = tmp_path / "demo.json"
    subprocess.run([sys.executable, "-m", "seeds.demo", "--today", "2026-11-27", "-o", str(out)], cwd=ROOT, check=True)
    assert json.loads(out.read_text())["format"] == "relance"


def test_store_and_seeds_never_import_textual():
    code = (
        "import sys, store, store.repository, store.storage, seeds.demo, seeds.synthetic, tui.cli\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
