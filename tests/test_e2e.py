"""End to end in a real terminal: the installed ``relance`` script inside tmux."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from store.repository import Repository

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)"),
]

RELANCE = Path(sys.executable).with_name("relance")


def tmux(*args: str) -> str:
    result = subprocess.run(["tmux", *args], capture_output=True, text=True, check=False)
    # A session started just as the test's last one was killed can meet the server on its
    # way out ("server exited unexpectedly"), and not start: started again on a new server.
    for _attempt in range(5):
        if args[0] != "new-session" or result.returncode == 0:
            break
        time.sleep(0.3)
        result = subprocess.run(["tmux", *args], capture_output=True, text=True, check=False)
    return result.stdout


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


def wait_gone(session: str, text: str, timeout: float = 10) -> None:
    """Wait until ``text`` left the screen. After Escape, the next key must wait for it:
    tmux (escape-time) and Textual read ESC followed at once by a key as alt+key."""
    deadline = time.monotonic() + timeout
    while text in screen(session):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} still on screen:\n{screen(session)}")
        time.sleep(0.1)


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
    wait_gone(session, "Welcome to relance")
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
    wait_gone(session, "ended without its lessons-learned review")
    keys(session, "4")
    shown = wait_for(session, "Jan 2027", "Start prospecting by 5 July 2026 — 145 days late.").replace("\u202f", " ")
    assert "█ secured  ▒ weighted pipeline  ░ missing  │ target 10 000 EUR/month" in shown
    assert all(len(line) <= 80 for line in shown.splitlines())
    keys(session, "Enter")
    wait_for(session, "Revenue gap, month by month", "What closes the gap")
    keys(session, "t")
    wait_for(session, "estimated net income", "4\u202f600")
    keys(session, "Escape")
    wait_gone(session, "Revenue gap, month by month")
    keys(session, "q")
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
    [review] = [r for r in json.loads(data.read_text(encoding="utf-8"))["reviews"].values() if not r["completed"]]
    assert review["completed"] is None and review["draft"]["step"] == 3
    assert review["draft"]["new_target"]["name"] == "PME en croissance"
    start(session, "--data", str(data), "--today", "2026-11-27", env={"TERM": "xterm-256color"})
    wait_for(session, "ended without its lessons-learned review")
    keys(session, "y")
    wait_for(session, "Step 3 of 6", "The offer you will make to PME en croissance")


# -- signals and a real SSH connection -----------------------------------------------------------


def test_import_linkedin_from_the_dashboard_in_a_real_terminal(session, tmp_path):
    """i, the path of LinkedIn's export, the preview, ctrl+s: the contacts are on screen and on disk."""
    data = tmp_path / "mine.json"
    Repository(data).set_settings({"target_monthly": "10000", "daily_rate": "600"})
    # a long path (as in a checkout deep in a tree) must not push the summary onto two lines
    export = tmp_path / ("a-folder-with-a-rather-long-name-" * 2) / "Connections.csv"
    export.parent.mkdir()
    shutil.copy(Path(__file__).resolve().parent / "fixtures" / "linkedin_connections.csv", export)
    start(session, "--data", str(data), env={"TERM": "xterm-256color"})
    wait_for(session, "1 Network (0)")
    keys(session, "i")
    wait_for(session, "Import contacts from a file")
    type_text(session, str(export))
    keys(session, "Enter")
    # (issue 19: Julie Martin, line 11, is added without her bad e-mail, Marc Petit, line 9, without his
    # unreadable connection date, and it is said)
    wait_for(session, "5 to add, 0 to update, 0 already there", "line 5: add Camille Durand")
    keys(session, "PageDown")  # at 80x24 the rows not imported are further down
    wait_for(session, "line 8: no name", "line 9: connection date")
    assert json.loads(data.read_text(encoding="utf-8")).get("contacts", {}) == {}  # a preview writes nothing
    keys(session, "C-s")
    shown = wait_for(session, "1 Network (5)", "Camille Durand", "Imported: 5 added, 0 updated")
    assert "Thomas Bernard" in shown
    names = sorted(doc["name"] for doc in json.loads(data.read_text(encoding="utf-8"))["contacts"].values())
    assert names == ["Camille Durand", "Julie Martin", "Marc Petit", "Thomas Bernard", "Élodie Lefèvre-Nguyễn"]


def demo_file(tmp_path: Path) -> Path:
    demo = tmp_path / "demo.json"
    subprocess.run([sys.executable, "-m", "seeds.demo", "--today", "2026-11-27", "-o", str(demo)], check=True,
                   cwd=Path(__file__).resolve().parent.parent)
    data = tmp_path / "data.json"
    subprocess.run([str(RELANCE), "--data", str(data), "import", "json", str(demo)], check=True, capture_output=True)
    return data


def relance_pid(session: str) -> int:
    pane = tmux("display", "-p", "-t", session, "#{pane_pid}").strip()
    children = subprocess.run(["pgrep", "-P", pane], capture_output=True, text=True).stdout.split()
    assert children, "relance is not running"
    return int(children[0])


def gone(pid: int, seconds: float = 8) -> bool:
    """The process ended (or is a zombie waiting for its parent) within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return True
        if "\nState:\tZ" in status:
            return True
        time.sleep(0.1)
    return False


def contacts_named(data: Path, name: str) -> list[dict]:
    return [c for c in json.loads(data.read_text(encoding="utf-8"))["contacts"].values() if c["name"] == name]


def test_sigterm_saves_the_open_form_and_restores_the_terminal(session, tmp_path):
    data = demo_file(tmp_path)
    line = f"{RELANCE} --data {data} --today 2026-11-27; echo EXIT=$?; sleep 30"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", line], check=True)
    wait_for(session, "ended without its lessons-learned review")
    keys(session, "Escape")
    wait_gone(session, "ended without its lessons-learned review")
    keys(session, "n")
    wait_for(session, "New contact")
    type_text(session, "Zoé Sigterm")
    assert tmux("display", "-p", "-t", session, "#{mouse_any_flag} #{alternate_on}").split() == ["1", "1"]
    os.kill(relance_pid(session), signal.SIGTERM)
    wait_for(session, "EXIT=143")
    # mouse reporting off and the normal screen back: nothing left for the shell
    assert tmux("display", "-p", "-t", session, "#{mouse_any_flag} #{mouse_sgr_flag} #{alternate_on}").split() == ["0", "0", "0"]
    assert len(contacts_named(data, "Zoé Sigterm")) == 1


def test_sighup_during_an_edit_saves_it_and_exits(session, tmp_path):
    data = demo_file(tmp_path)
    start(session, "--data", str(data), "--today", "2026-11-27", env={"TERM": "xterm-256color"}, size="100x30")
    wait_for(session, "ended without its lessons-learned review")
    keys(session, "Escape")
    wait_gone(session, "ended without its lessons-learned review")
    keys(session, "n")
    wait_for(session, "New contact")
    type_text(session, "Zoé Sighup")
    pid = relance_pid(session)
    tmux("kill-session", "-t", session)  # the terminal goes away: SIGHUP
    assert gone(pid), "relance did not exit after SIGHUP"
    assert len(contacts_named(data, "Zoé Sighup")) == 1


SSHD = Path("/usr/sbin/sshd")


@pytest.fixture
def sshd(tmp_path):
    """An sshd on a loopback port with throwaway keys, for this user only."""
    if not SSHD.exists() or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.skip("sshd or ssh is not installed (apt-get install openssh-server openssh-client)")
    import pwd
    import socket

    folder = tmp_path / "ssh"
    folder.mkdir(mode=0o700)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "host_key")], check=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "user_key")], check=True)
    (folder / "authorized_keys").write_text((folder / "user_key.pub").read_text())
    os.chmod(folder / "authorized_keys", 0o600)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    user = pwd.getpwuid(os.getuid()).pw_name
    config = folder / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {folder / 'host_key'}",
        f"AuthorizedKeysFile {folder / 'authorized_keys'}", f"PidFile {folder / 'sshd.pid'}",
        "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no",
        "PermitRootLogin prohibit-password", f"AllowUsers {user}", "PrintMotd no", "LogLevel ERROR",
    ]) + "\n")
    Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation folder sshd insists on
    server = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    else:
        server.kill()
        pytest.skip("sshd did not start: " + server.stderr.read().decode(errors="replace")[:300])
    yield {"port": port, "key": folder / "user_key", "user": user}
    server.kill()
    server.wait()


def test_over_ssh_a_dropped_connection_keeps_the_change_and_ends_relance(session, tmp_path, sshd):
    data = demo_file(tmp_path)
    remote = f"TERM=xterm-256color {RELANCE} --data {data} --today 2026-11-27"
    ssh = (f"ssh -tt -i {sshd['key']} -p {sshd['port']} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
           f"-o LogLevel=ERROR {sshd['user']}@127.0.0.1 '{remote}'")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", ssh + "; sleep 30"], check=True)
    wait_for(session, "ended without its lessons-learned review", timeout=30)
    keys(session, "Escape")
    wait_gone(session, "ended without its lessons-learned review")
    keys(session, "n")
    wait_for(session, "New contact")
    type_text(session, "Zoé Over SSH")
    keys(session, "C-s")
    wait_for(session, "1 Network (41)")  # saved on the server, through the connection
    keys(session, "n")
    wait_for(session, "New contact")
    type_text(session, "Half typed")  # still in the form when the line drops
    server_side = subprocess.run(["pgrep", "-f", f"relance --data {data}"], capture_output=True, text=True).stdout.split()
    server_pids = [int(p) for p in server_side if Path(f"/proc/{p}/exe").exists() and "python" in os.readlink(f"/proc/{p}/exe")]
    assert server_pids, "relance is not running on the server side"
    client = relance_pid(session)  # the ssh client in the pane
    os.kill(client, signal.SIGKILL)  # the connection drops: no goodbye from the client
    assert all(gone(pid, 10) for pid in server_pids), "relance kept running after the connection dropped"
    assert len(contacts_named(data, "Zoé Over SSH")) == 1
    assert len(contacts_named(data, "Half typed")) == 1  # the open form was saved on the hang-up
    assert Repository(data).count("contact") == 42  # the file is sound
