"""End to end in a real terminal: the installed ``relance`` script inside tmux."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"),
]

RELANCE = Path(sys.executable).with_name("relance")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def wait_for(session: str, text: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} not on screen:\n{screen}")


@pytest.fixture
def session():
    name = f"relance-test-{uuid.uuid4().hex[:8]}"
    yield name
    tmux("kill-session", "-t", name)


def start(session: str, *args: str, env: dict[str, str]) -> None:
    assert RELANCE.exists(), f"{RELANCE} is not installed: pip install -e ."
    line = " ".join(f"{k}={v}" for k, v in env.items()) + f" {RELANCE} " + " ".join(args) + "; sleep 30"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", line], check=True)


def test_demo_starts_shows_demo_path_and_quits_cleanly(session, tmp_path):
    start(session, "--demo", "--today", "2026-11-27", env={"TERM": "xterm-256color", "TMPDIR": str(tmp_path)})
    wait_for(session, "1 Network (40)")
    screen = wait_for(session, "q Quit")
    assert "2 Targets (4)" in screen and "3 Missions (2)" in screen and "4 Revenue gap" in screen
    assert "Demo (a temporary copy):" in screen
    assert list(tmp_path.glob("relance-demo-*"))  # the temporary copy exists while open
    tmux("send-keys", "-t", session, "q")
    deadline = time.monotonic() + 10
    while list(tmp_path.glob("relance-demo-*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not list(tmp_path.glob("relance-demo-*"))  # removed on quit
    assert "1 Network" not in tmux("capture-pane", "-p", "-t", session)


def test_own_data_file_path_on_screen_in_16_colours(session, tmp_path):
    data = tmp_path / "mine.json"
    start(session, "--data", str(data), env={"TERM": "xterm", "NO_COLOR": "1"})
    wait_for(session, "1 Network (0)")
    screen = wait_for(session, "q Quit")
    # the path is shortened to fit 80 columns but keeps its file name
    where = screen.splitlines()[0]
    assert where.startswith(" Data: ") and where.rstrip().endswith("/mine.json")
    assert len(where.rstrip()) <= 80
    tmux("send-keys", "-t", session, "q")
    time.sleep(1.5)
    assert "1 Network" not in tmux("capture-pane", "-p", "-t", session)
