"""Shared fixtures: every test runs with its own HOME and data folders, so the
developer's own relance data is never read or touched."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from store.repository import Repository

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    # the person's config file too: a developer's own keys or theme never reach a test
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in ("RELANCE_THEME", "RELANCE_LANGUAGE", "RELANCE_DATE_STYLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("RELANCE_DATA", raising=False)
    monkeypatch.setenv("LANGUAGE", "en")
    # a tmux server of its own for each test (its socket under this home): on the shared
    # default socket, one test's server exiting as its last session ended made another
    # test's new-session fail ("server exited unexpectedly")
    monkeypatch.setenv("TMUX_TMPDIR", str(home))
    # each test starts in English, whatever language a test before it in the same worker
    # left in force (a command run in-process follows the settings of the file it opens)
    from store import config, fmt
    from store.i18n import prefer, set_language

    from tui import keymap

    config.use(None)  # (read again, from this test's home)
    keymap.use({})
    fmt.set_date_style("language")
    prefer("")
    set_language("")
    return home


@pytest.fixture
def data_path(tmp_path) -> Path:
    return tmp_path / "data" / "relance.json"


@pytest.fixture
def repo(data_path) -> Repository:
    repository = Repository(data_path, today=TODAY)
    yield repository
    repository.close()


@pytest.fixture
def demo_path(data_path) -> Path:
    """A data file holding the demo data."""
    from seeds.demo import build_demo

    repository = Repository(data_path, today=TODAY)
    repository.import_data(build_demo(TODAY))
    repository.close()
    return data_path


def run_relance(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run the real ``relance`` command in a child process."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=ROOT, env=full_env, capture_output=True, text=True, input=input, timeout=60,
    )


@pytest.fixture
def read_only_mount(tmp_path):
    """A real file system (a tmpfs) under the data, to be remounted read-only by the test
    (a backup disk, a snapshot); skipped without root or where mounting is refused."""
    if os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(mount)],
                      capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)
