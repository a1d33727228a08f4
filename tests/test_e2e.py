"""End to end in a real terminal: the installed ``relance`` script inside tmux."""

from __future__ import annotations

import json
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


def screen(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session)


def wait_for(session: str, *texts: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = screen(session)
        if all(text in shown for text in texts):
            return shown
        time.sleep(0.2)
    raise AssertionError(f"{texts!r} not on screen:\n{shown}")


def keys(session: str, *names: str) -> None:
    for name in names:
        tmux("send-keys", "-t", session, name)
        time.sleep(0.15)


def type_text(session: str, text: str) -> None:
    tmux("send-keys", "-t", session, "-l", text)
    time.sleep(0.2)


@pytest.fixture
def session():
    name = f"relance-test-{uuid.uuid4().hex[:8]}"
    yield name
    tmux("kill-session", "-t", name)


def start(session: str, *args: str, env: dict[str, str], size: str = "80x24") -> None:
    assert RELANCE.exists(), f"{RELANCE} is not installed: pip install -e ."
    width, height = size.split("x")
    line = " ".join(f"{k}={v}" for k, v in env.items()) + f" {RELANCE} " + " ".join(args) + "; sleep 30"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", width, "-y", height, line], check=True)


def test_demo_at_80x24_one_pane_at_a_time_and_quits_cleanly(session, tmp_path):
    start(session, "--demo", "--today", "2026-11-27", env={"TERM": "xterm-256color", "TMPDIR": str(tmp_path)})
    wait_for(session, "ended without its lessons-learned review", "Audit SI express")
    keys(session, "n")  # review later
    shown = wait_for(session, "1 Network (40)", "q Quit", "4 Revenue gap", "! 47d late")
    assert "2 Targets" in shown and "3 Missions" in shown and "4 Revenue gap" in shown  # the tab line
    assert "Demo (a temporary copy):" in shown
    assert "! 47d late" in shown
    keys(session, "2")
    wait_for(session, "2 Targets (4)", "empty pipeline")
    assert list(tmp_path.glob("relance-demo-*"))  # the temporary copy exists while open
    keys(session, "q")
    deadline = time.monotonic() + 10
    while list(tmp_path.glob("relance-demo-*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not list(tmp_path.glob("relance-demo-*"))  # removed on quit
    assert "Network" not in screen(session)


def test_add_a_contact_with_keys_only_in_16_colours(session, tmp_path):
    data = tmp_path / "mine.json"
    start(session, "--data", str(data), env={"TERM": "xterm", "NO_COLOR": "1"})
    wait_for(session, "Welcome to relance")
    keys(session, "Escape")  # skip the onboarding: nothing typed, so it closes at once
    shown = wait_for(session, "1 Network (0)", "q Quit")
    where = shown.splitlines()[0]
    assert where.startswith(" Data: ") and where.rstrip().endswith("/mine.json") and len(where.rstrip()) <= 80
    keys(session, "n")
    wait_for(session, "New contact")
    type_text(session, "Zoé Durand")
    keys(session, "Tab")
    type_text(session, "Acme")
    keys(session, "C-s")
    wait_for(session, "1 Network (1)", "Zoé Durand")
    keys(session, "q")
    time.sleep(1.0)
    assert "Network" not in screen(session)
    [doc] = json.loads(data.read_text(encoding="utf-8"))["contacts"].values()
    assert doc["name"] == "Zoé Durand" and doc["company"] == "Acme"


def test_revenue_gap_in_a_real_terminal_then_status_in_the_shell(session, tmp_path):
    start(session, "--demo", "--today", "2026-11-27", env={"TERM": "xterm-256color", "TMPDIR": str(tmp_path)})
    wait_for(session, "ended without its lessons-learned review")
    keys(session, "Escape")
    wait_for(session, "1 Network (40)", "q Quit")
    keys(session, "4")
    shown = wait_for(session, "Jan 2027", "Start prospecting by 5 July 2026 — 145 days late.").replace("\u202f", " ")
    assert "█ secured  ▒ weighted pipeline  ░ missing  │ target 10 000 EUR/month" in shown
    assert all(len(line) <= 80 for line in shown.splitlines())
    keys(session, "Enter")
    wait_for(session, "Revenue gap, month by month", "What closes the gap")
    keys(session, "t")
    wait_for(session, "estimated net income", "4\u202f600")
    keys(session, "Escape", "q")
    # the same figures from the shell, in one line
    demo = tmp_path / "demo.json"
    subprocess.run([sys.executable, "-m", "seeds.demo", "--today", "2026-11-27", "-o", str(demo)], check=True,
                   cwd=Path(__file__).resolve().parent.parent)
    data = tmp_path / "data.json"
    subprocess.run([str(RELANCE), "--data", str(data), "import", "json", str(demo)], check=True, capture_output=True)
    other = f"{session}-status"
    try:
        subprocess.run(["tmux", "new-session", "-d", "-s", other, "-x", "80", "-y", "30",
                        f"{RELANCE} --data {data} --today 2026-11-27 status; sleep 30"], check=True)
        shown = wait_for(other, "follow-ups due", "Nathan Garcia").replace("\u202f", " ")
        assert "Income falls short in January 2027" in shown
        assert "Jan 2027 " in shown and "−7 400 EUR" in shown
    finally:
        tmux("kill-session", "-t", other)


def test_review_in_a_real_terminal_resumes_after_the_terminal_is_gone(session, tmp_path):
    demo = tmp_path / "demo.json"
    subprocess.run([sys.executable, "-m", "seeds.demo", "--today", "2026-11-27", "-o", str(demo)], check=True,
                   cwd=Path(__file__).resolve().parent.parent)
    data = tmp_path / "data.json"
    subprocess.run([str(RELANCE), "--data", str(data), "import", "json", str(demo)], check=True, capture_output=True)
    start(session, "--data", str(data), "--today", "2026-11-27", env={"TERM": "xterm-256color"})
    wait_for(session, "ended without its lessons-learned review")
    keys(session, "y")
    wait_for(session, "Step 1 of 6", "You pitched: Audit de")
    type_text(session, "Un plan de remédiation")
    keys(session, "C-n")
    wait_for(session, "Step 2 of 6", "+ New micro-target")
    keys(session, "PageUp")  # back, with the key that works inside tmux too
    wait_for(session, "Step 1 of 6", "Un plan de remédiation")
    keys(session, "PageDown")
    wait_for(session, "Step 2 of 6")
    keys(session, "Tab")
    type_text(session, "PME en croissance")
    keys(session, "C-n")
    wait_for(session, "Step 3 of 6", "No offer recorded yet.")
    time.sleep(0.5)
    tmux("kill-session", "-t", session)  # the terminal goes away
    time.sleep(0.5)
    [review] = json.loads(data.read_text(encoding="utf-8"))["reviews"].values()
    assert review["completed"] is None and review["draft"]["step"] == 3
    assert review["draft"]["new_target"]["name"] == "PME en croissance"
    start(session, "--data", str(data), "--today", "2026-11-27", env={"TERM": "xterm-256color"})
    wait_for(session, "ended without its lessons-learned review")
    keys(session, "y")
    wait_for(session, "Step 3 of 6", "The offer you will make to PME en croissance")
