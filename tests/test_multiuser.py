"""Multi-user security (issue 17, points 8-12), with real accounts.

Two throwaway accounts are made for the module: an attacker, who plants links, locks
and folders with plain shell commands, and a victim, who runs the real ``relance``
command in a child process. Some cases run the victim as root, as the issue found
for root. Every test asserts on what a user would notice: the exit status, the
one-line message naming the file, which files exist afterwards, and the bytes of the
file the attacker aimed at, unchanged.

Needs root (to make the accounts), ``useradd`` and ``runuser``, and Debian's
``/usr/bin/python3`` (the venv's interpreter is under /root, which the victim
cannot enter): skipped otherwise.
"""

from __future__ import annotations

import itertools
import json
import os
import pwd
import secrets
import shutil
import signal
import site
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

SYSTEM_PYTHON = "/usr/bin/python3"
PACKAGES = ("store", "tui", "widgets", "themes", "seeds")

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to make two accounts"),
    pytest.mark.skipif(shutil.which("useradd") is None or shutil.which("userdel") is None
                       or shutil.which("runuser") is None, reason="needs useradd, userdel and runuser"),
    pytest.mark.skipif(not os.access(SYSTEM_PYTHON, os.X_OK), reason=f"needs {SYSTEM_PYTHON} (the victim's relance)"),
]


# -- the accounts -------------------------------------------------------------------------


class Account:
    def __init__(self, name: str, home: Path):
        self.name = name
        self.home = home
        entry = pwd.getpwnam(name)
        self.uid, self.gid = entry.pw_uid, entry.pw_gid


class World:
    """The two accounts, the world-readable copy of relance and how to run things as them."""

    def __init__(self, base: Path, attacker: Account, victim: Account, env: dict[str, str]):
        self.base = base
        self.attacker = attacker
        self.victim = victim
        self.env = env  # the victim's relance: PYTHONPATH and the like
        self._count = itertools.count()

    # each test gets folders of its own, so that no test sees another's files

    def victim_home(self) -> Path:
        """A fresh folder of the victim's (0755), used as its HOME for one test."""
        home = self.victim.home / f"t{next(self._count)}"
        home.mkdir(mode=0o755)
        os.chown(home, self.victim.uid, self.victim.gid)
        return home

    def sticky(self) -> Path:
        """A fresh shared folder like /tmp: root's, mode 1777."""
        folder = self.base / f"sticky{next(self._count)}"
        folder.mkdir()
        os.chmod(folder, 0o1777)
        return folder

    def root_home(self) -> Path:
        home = Path(tempfile.mkdtemp(prefix="root-home-", dir=self.base))
        os.chmod(home, 0o700)
        return home

    # running things

    def attack(self, script: str) -> None:
        """Run ``script`` with sh as the attacker; it must succeed."""
        result = subprocess.run(["runuser", "-u", self.attacker.name, "--", "sh", "-c", script],
                                cwd=self.base, capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, f"the attacker's setup failed: {script!r}: {result.stderr}"

    def attempt(self, script: str) -> subprocess.CompletedProcess:
        """Run ``script`` as the attacker, whatever comes of it."""
        return subprocess.run(["runuser", "-u", self.attacker.name, "--", "sh", "-c", script],
                              cwd=self.base, capture_output=True, text=True, timeout=30)

    def as_victim(self, script: str) -> None:
        """Run ``script`` with sh as the victim (a plain shell, not relance); it must succeed."""
        result = subprocess.run(["runuser", "-u", self.victim.name, "--", "sh", "-c", script],
                                cwd=self.base, capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, f"the victim's setup failed: {script!r}: {result.stderr}"

    def victim_relance(self, home: Path, *args: str) -> subprocess.CompletedProcess:
        """The real ``relance`` command as the victim, with ``home`` as its HOME."""
        env = {**self.env, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share")}
        command = ["runuser", "-u", self.victim.name, "--", "env", "-i",
                   *(f"{key}={value}" for key, value in env.items()), SYSTEM_PYTHON, "-m", "tui.cli", *args]
        return subprocess.run(command, cwd=home, capture_output=True, text=True, timeout=60)

    def root_relance(self, home: Path, *args: str) -> subprocess.CompletedProcess:
        """The real ``relance`` command as root (as tests/conftest.py's run_relance does)."""
        env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share"),
               "LANGUAGE": "en", "RELANCE_LOCK_TIMEOUT": "2"}
        env.pop("RELANCE_DATA", None)
        return subprocess.run([sys.executable, "-m", "tui.cli", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)


def _useradd(name: str, home: Path) -> Account:
    subprocess.run(["useradd", "-M", "-d", str(home), "-s", "/usr/sbin/nologin", name],
                   check=True, capture_output=True, timeout=30)
    home.mkdir(mode=0o755)
    account = Account(name, home)
    os.chown(home, account.uid, account.gid)
    return account


def _kill_processes_of(uid: int) -> None:
    """Kill what is left running as ``uid`` (a relance that hung), one process id at a time."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.stat(f"/proc/{entry}").st_uid == uid:
                os.kill(int(entry), signal.SIGKILL)
        except (OSError, ProcessLookupError):
            continue


def _userdel(account: Account) -> None:
    _kill_processes_of(account.uid)
    for _attempt in range(10):  # userdel refuses while a process of the user is still there
        result = subprocess.run(["userdel", account.name], capture_output=True, text=True, timeout=30)
        if result.returncode in (0, 6):  # 6: no such user
            return
        time.sleep(0.1)
        _kill_processes_of(account.uid)


def _site_packages() -> list[Path]:
    paths = [Path(p) for p in site.getsitepackages() if Path(p).is_dir()]
    return paths or [Path(sysconfig.get_paths()["purelib"])]


def _readable_by(account: Account, path: Path) -> bool:
    result = subprocess.run(["runuser", "-u", account.name, "--", "test", "-r", str(path), "-a", "-x", str(path)],
                            capture_output=True, timeout=30)
    return result.returncode == 0


@pytest.fixture(scope="module")
def world():
    """Two accounts for the module (made once: it costs seconds), removed at teardown
    with their files; and a copy of relance the victim can run."""
    suffix = secrets.token_hex(3)
    base = Path(tempfile.mkdtemp(prefix="relance-multiuser-", dir="/tmp"))
    os.chmod(base, 0o755)
    accounts: list[Account] = []
    try:
        attacker = _useradd(f"relance-atk-{suffix}", base / "atk")
        accounts.append(attacker)
        victim = _useradd(f"relance-vic-{suffix}", base / "vic")
        accounts.append(victim)

        # relance's source, world-readable, compiled ahead (the victim cannot write
        # __pycache__ there; the magic number is the same for every 3.11)
        source = base / "src"
        source.mkdir(mode=0o755)
        for package in PACKAGES:
            shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run([SYSTEM_PYTHON, "-m", "compileall", "-q", str(source)], capture_output=True, timeout=120)
        libraries = []
        for path in _site_packages():
            if _readable_by(victim, path) and _readable_by(victim, path / "tinydb"):
                libraries.append(path)
            else:
                copy = base / f"site{len(libraries)}"
                shutil.copytree(path, copy, symlinks=True)
                libraries.append(copy)
        subprocess.run(["chmod", "-R", "a+rX", str(source), *map(str, libraries)], check=True, timeout=60)

        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "PYTHONPATH": os.pathsep.join([str(source), *map(str, libraries)]),
            "PYTHONDONTWRITEBYTECODE": "1",
            "LANGUAGE": "en",
            "LANG": "C.UTF-8",
            "RELANCE_LOCK_TIMEOUT": "2",
        }
        made = World(base, attacker, victim, env)
        check = made.victim_relance(made.victim_home(), "--help")
        if check.returncode != 0:
            pytest.skip(f"the victim account cannot run relance with {SYSTEM_PYTHON}: {check.stderr.strip()[-300:]}")
        yield made
    finally:
        for account in accounts:
            _userdel(account)
        shutil.rmtree(base, ignore_errors=True)


# -- what a user sees ---------------------------------------------------------------------------


def refused(result: subprocess.CompletedProcess, *names: object) -> str:
    """The command failed as relance fails: status 1 or 2, one line on stderr naming
    every one of ``names``, no traceback. Returns the message."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (1, 2), (result.returncode, result.stdout, result.stderr)
    message = result.stderr.strip()
    assert message.startswith("relance: "), message
    assert len(message.splitlines()) == 1, message
    for name in names:
        assert str(name) in message, (name, message)
    return message


def succeeded(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return result.stdout


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def mode_of(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def give(path: Path, account: Account) -> None:
    os.chown(path, account.uid, account.gid, follow_symlinks=False)


# -- 8. a symbolic link at the data path ----------------------------------------------------------


@pytest.mark.parametrize("command", [["add", "contact", "--name", "Ann"], ["list", "contact"]])
def test_8_root_does_not_follow_an_attackers_link_to_a_file_of_roots(world, command):
    """Point 8, as root: ``relance --data /tmp/x/r.json add ...`` with r.json a link the
    attacker planted to a file of root's (the issue used /etc/passwd) created
    ``/etc/passwd.lock`` beside the target. The link is refused, naming it, before
    anything is made: no lock beside the target nor beside the link, the target's
    bytes as they were."""
    secrets_dir = Path(tempfile.mkdtemp(prefix="root-only-", dir=world.base))
    os.chmod(secrets_dir, 0o755)
    target = secrets_dir / "passwd"
    target.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    before = listing(secrets_dir)
    shared = world.sticky()
    link = shared / "r.json"
    world.attack(f"ln -s {target} {link}")

    result = world.root_relance(world.root_home(), "--data", str(link), *command)

    message = refused(result, link, world.attacker.name)
    assert "symbolic link" in message
    assert target.read_bytes() == b"root:x:0:0:root:/root:/bin/bash\n"
    assert listing(secrets_dir) == before  # no passwd.lock, no backups/
    assert listing(shared) == ["r.json"]  # no r.json.lock either
    assert os.path.islink(link)


def test_8_root_does_not_follow_a_link_in_a_folder_the_attacker_owns(world):
    """Point 8, as root, the issue's own case: /tmp/x made by the attacker, x/r.json a
    link of theirs to a file of root's. Refused with one line; nothing is created in x
    nor beside the target."""
    secrets_dir = Path(tempfile.mkdtemp(prefix="root-only-", dir=world.base))
    os.chmod(secrets_dir, 0o755)
    target = secrets_dir / "shadow"
    target.write_bytes(b"")
    shared = world.sticky()
    world.attack(f"mkdir {shared}/x && ln -s {target} {shared}/x/r.json")

    result = world.root_relance(world.root_home(), "--data", f"{shared}/x/r.json", "add", "contact", "--name", "Ann")

    refused(result, f"{shared}/x")
    assert target.read_bytes() == b""
    assert listing(secrets_dir) == ["shadow"]
    assert listing(shared / "x") == ["r.json"]


def test_8_a_planted_link_to_a_missing_file_of_the_victims_creates_nothing(world):
    """Point 8, as a user: a link planted in a shared folder to ``~/missing`` made
    relance create ``~/missing`` (and its lock). Now refused, naming the link and its
    owner: ``~/missing`` does not exist afterwards, nor anything beside the link."""
    home = world.victim_home()
    shared = world.sticky()
    link = shared / "relance.json"
    world.attack(f"ln -s {home}/missing {link}")

    result = world.victim_relance(home, "--data", str(link), "add", "contact", "--name", "Ann")

    message = refused(result, link, world.attacker.name)
    assert "rm " in message  # how to fix it
    assert listing(home) == []
    assert listing(shared) == ["relance.json"]


def test_8_a_planted_link_to_an_existing_file_of_the_victims_leaves_it_alone(world):
    """Point 8, as a user: a planted link to the victim's existing, empty ``~/.hushlogin``
    made relance overwrite it with JSON. Now refused; ``.hushlogin`` is still empty, and
    no lock nor backups/ appeared beside it."""
    home = world.victim_home()
    world.as_victim(f"touch {home}/.hushlogin")
    shared = world.sticky()
    link = shared / "data.json"
    world.attack(f"ln -s {home}/.hushlogin {link}")

    result = world.victim_relance(home, "--data", str(link), "add", "contact", "--name", "Ann")

    refused(result, link, world.attacker.name)
    assert (home / ".hushlogin").read_bytes() == b""
    assert listing(home) == [".hushlogin"]
    assert listing(shared) == ["data.json"]


def test_8_a_planted_link_at_the_lock_is_not_followed(world):
    """Point 8, the lock: the victim keeps data in a shared sticky folder; the attacker
    plants ``relance.json.lock`` as a link to a file of the victim's. A save is refused,
    naming the lock as the attacker's link (the kernel's own refusal, EACCES, said
    only "Permission denied"); the link's target is not created, the data file is
    unchanged, and ``list`` still reads (it does not need the lock)."""
    home = world.victim_home()
    shared = world.sticky()
    data = shared / "relance.json"
    succeeded(world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Ann"))
    world.as_victim(f"rm {data}.lock")
    world.attack(f"ln -s {home}/planted {data}.lock")
    before = data.read_bytes()

    result = world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Bob")

    message = refused(result, f"{data}.lock", world.attacker.name)
    assert "symbolic link" in message
    assert not os.path.lexists(home / "planted")
    assert data.read_bytes() == before
    assert "Ann" in succeeded(world.victim_relance(home, "--data", str(data), "list", "contact"))


def test_8_the_users_own_link_to_a_synced_folder_is_followed(world):
    """Point 8, what must keep working: the victim's own link to a synced folder,
    made before the file exists there, is followed: the data file, its lock and later
    its backups are made in the synced folder, the link stays a link, and the records
    read back through it."""
    home = world.victim_home()
    world.as_victim(f"mkdir -m 700 {home}/Sync && ln -s {home}/Sync/relance.json {home}/relance.json")
    link = home / "relance.json"

    first = world.victim_relance(home, "--data", str(link), "add", "contact", "--name", "Ann")
    second = world.victim_relance(home, "--data", str(link), "add", "contact", "--name", "Bob")

    succeeded(first), succeeded(second)
    real = home / "Sync" / "relance.json"
    assert os.path.islink(link) and os.readlink(link) == str(real)
    st = os.lstat(real)
    assert stat.S_ISREG(st.st_mode) and st.st_uid == world.victim.uid and mode_of(real) == 0o600
    assert listing(home / "Sync") == ["backups", "relance.json", "relance.json.lock"]
    assert len(os.listdir(home / "Sync" / "backups")) == 1
    shown = succeeded(world.victim_relance(home, "--data", str(link), "list", "contact"))
    assert "Ann" in shown and "Bob" in shown


def test_8_the_users_own_link_to_a_file_that_is_not_relance_data_is_not_written(world):
    """Point 8: relance never writes into an existing file that is not a relance data
    file, even through the user's own link (a typo in a synced path), and decides so
    before making anything beside it: the file's bytes are unchanged, and no lock nor
    backups/ appears in its folder."""
    home = world.victim_home()
    notes = b"- call the accountant\n- renew the domain\n"
    (home / "notes.txt").write_bytes(notes)
    give(home / "notes.txt", world.victim)
    world.as_victim(f"ln -s {home}/notes.txt {home}/relance.json")

    result = world.victim_relance(home, "--data", f"{home}/relance.json", "add", "contact", "--name", "Ann")

    refused(result, home / "notes.txt")
    assert (home / "notes.txt").read_bytes() == notes
    assert listing(home) == ["notes.txt", "relance.json"]


def test_8_root_does_not_write_into_a_data_file_an_attacker_made_for_it(world):
    """Point 8, as root: a valid relance file the attacker made in a shared folder at the
    path root is about to use is not root's, so it is neither read into nor written:
    refused, naming the file and the owner, no lock made beside it."""
    shared = world.sticky()
    data = shared / "relance.json"
    planted = json.dumps({"_meta": {"1": {"schema": 1}}}).encode()
    world.attack(f"printf '%s' '{planted.decode()}' > {data} && chmod 600 {data}")

    result = world.root_relance(world.root_home(), "--data", str(data), "add", "contact", "--name", "Ann")

    refused(result, data, world.attacker.name)
    assert data.read_bytes() == planted
    assert listing(shared) == ["relance.json"]


# -- 9. read-only commands create nothing -------------------------------------------------------


@pytest.mark.parametrize("command", [["status"], ["list", "contact"]])
def test_9_reading_a_data_path_that_does_not_exist_creates_nothing(world, command):
    """Point 9: ``relance status`` or ``list`` on a ``--data`` path that does not exist
    created the folder and the lock. Now they say there is nothing and create nothing:
    neither the folder given, nor the default ~/.local/share/relance. (``status`` may
    keep its public-holiday cache in ~/.cache: that is not the data path.)"""
    home = world.victim_home()
    (home / "existing").mkdir()
    give(home / "existing", world.victim)

    missing_folder = world.victim_relance(home, "--data", f"{home}/new/sub/relance.json", *command)
    existing_folder = world.victim_relance(home, "--data", f"{home}/existing/relance.json", *command)
    default = world.victim_relance(home, *command)

    for result in (missing_folder, existing_folder, default):
        assert "Traceback" not in result.stderr and result.returncode == 0, result.stderr
    assert not os.path.lexists(home / "new")
    assert listing(home / "existing") == []
    assert not os.path.lexists(home / ".local")
    assert set(listing(home)) <= {"existing", ".cache"}


# -- 10. another user's lock file ----------------------------------------------------------------


def _victim_data_in(world: World, home: Path, shared: Path, name: str, *names: str) -> Path:
    """A data file of the victim's, holding contacts ``names``, in the shared folder,
    with no lock beside it yet (made under another name, then renamed by the victim)."""
    scratch = shared / f"scratch-{name}"
    for contact in names:
        succeeded(world.victim_relance(home, "--data", str(scratch), "add", "contact", "--name", contact))
    world.as_victim(f"mv {scratch} {shared}/{name} && rm -rf {scratch}.lock {shared}/backups")
    return shared / name


def test_10_a_lock_planted_by_another_user_refuses_writes_without_a_traceback(world):
    """Point 10, as a user: a 0666 lock pre-created by the attacker in the shared folder
    gave a PermissionError traceback for every command, ``list`` included. A save is now
    refused in one line naming the lock and its owner (nothing written, the lock still
    the attacker's), while ``list`` does not need the lock: it shows the records."""
    home = world.victim_home()
    shared = world.sticky()
    data = _victim_data_in(world, home, shared, "relance.json", "Ann")
    world.attack(f"touch {data}.lock && chmod 666 {data}.lock")
    before = data.read_bytes()

    write = world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Bob")
    read = world.victim_relance(home, "--data", str(data), "list", "contact")

    message = refused(write, f"{data}.lock", world.attacker.name)
    assert "not to you" in message and f"rm {data}.lock" in message
    assert data.read_bytes() == before
    assert os.stat(f"{data}.lock").st_uid == world.attacker.uid and mode_of(Path(f"{data}.lock")) == 0o666
    assert "Ann" in succeeded(read)


def test_10_root_does_not_use_a_lock_the_attacker_planted(world):
    """Point 10, as root: relance used an attacker-owned lock (so the attacker could hold
    every save of root's, or see when root saves). Now a save is refused naming the lock,
    root's data file is unchanged and the lock is left as it was (not taken over);
    ``list`` still reads; after the fix the message gives (rm the lock), saves work."""
    root_home = world.root_home()
    shared = world.sticky()
    data = shared / "relance.json"
    succeeded(world.root_relance(root_home, "--data", str(data), "add", "contact", "--name", "Ann"))
    os.unlink(f"{data}.lock")
    world.attack(f"touch {data}.lock && chmod 666 {data}.lock")
    before = data.read_bytes()

    write = world.root_relance(root_home, "--data", str(data), "add", "contact", "--name", "Bob")

    message = refused(write, f"{data}.lock", world.attacker.name)
    assert data.read_bytes() == before
    assert os.stat(f"{data}.lock").st_uid == world.attacker.uid and mode_of(Path(f"{data}.lock")) == 0o666
    assert "Ann" in succeeded(world.root_relance(root_home, "--data", str(data), "list", "contact"))
    fix = f"rm {data}.lock"  # the fix given works
    assert fix in message
    subprocess.run(fix.split(), check=True)
    succeeded(world.root_relance(root_home, "--data", str(data), "add", "contact", "--name", "Bob"))
    assert os.stat(f"{data}.lock").st_uid == 0


def test_10_a_lock_writable_by_others_is_refused_with_the_fix_that_works(world):
    """Point 10, the user's own lock left 0666: refused for a save with the command that
    fixes it; after that command, the save goes through."""
    home = world.victim_home()
    data = home / "relance.json"
    succeeded(world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Ann"))
    world.as_victim(f"chmod 666 {data}.lock")

    result = world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Bob")

    message = refused(result, f"{data}.lock")
    fix = f"rm {data}.lock"  # (not chmod: whoever opened it meanwhile keeps its descriptor)
    assert fix in message
    world.as_victim(fix)
    succeeded(world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Bob"))
    assert "Bob" in succeeded(world.victim_relance(home, "--data", str(data), "list", "contact"))


# -- 11. backups/ planted by someone else ---------------------------------------------------------


def test_11_a_backups_folder_planted_by_the_attacker_is_refused(world):
    """Point 11: a 0777 ``backups/`` the attacker made beside the victim's data file
    would receive every version of it. A save is refused, naming backups/ and saying
    what to do; nothing is written into it and the data file is unchanged."""
    home = world.victim_home()
    shared = world.sticky()
    data = _victim_data_in(world, home, shared, "relance.json", "Ann")
    world.attack(f"mkdir {shared}/backups && chmod 777 {shared}/backups")
    before = data.read_bytes()

    result = world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Bob")

    message = refused(result, shared / "backups", world.attacker.name)
    assert "folder of your own" in message or "mv " in message
    assert listing(shared / "backups") == []
    assert data.read_bytes() == before


def test_11_an_attackers_backups_link_to_a_folder_of_the_victims_is_not_followed(world):
    """Point 11: ``backups`` planted as the attacker's link to the victim's ~/public:
    relance followed it, chmod'ed ~/public to 0700 and wrote the backups there. Now
    refused naming the link; ~/public keeps its mode and its files."""
    home = world.victim_home()
    world.as_victim(f"mkdir -m 755 {home}/public && echo hello > {home}/public/index.html")
    shared = world.sticky()
    data = _victim_data_in(world, home, shared, "relance.json", "Ann")
    world.attack(f"ln -s {home}/public {shared}/backups")
    before = data.read_bytes()

    result = world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Bob")

    refused(result, shared / "backups", world.attacker.name)
    assert mode_of(home / "public") == 0o755
    assert listing(home / "public") == ["index.html"]
    assert data.read_bytes() == before


def test_11_root_does_not_follow_an_attackers_backups_link(world):
    """Point 11, as root: the attacker's ``backups`` link to a folder of root's is not
    chmod'ed nor written into."""
    root_home = world.root_home()
    shared = world.sticky()
    data = shared / "relance.json"
    succeeded(world.root_relance(root_home, "--data", str(data), "add", "contact", "--name", "Ann"))
    target = Path(tempfile.mkdtemp(prefix="root-www-", dir=world.base))
    os.chmod(target, 0o755)
    world.attack(f"ln -s {target} {shared}/backups")

    result = world.root_relance(root_home, "--data", str(data), "add", "contact", "--name", "Bob")

    refused(result, shared / "backups", world.attacker.name)
    assert mode_of(target) == 0o755 and listing(target) == []


# -- 12. a swapped file ---------------------------------------------------------------------------


def test_12_a_folder_others_can_write_is_refused_but_a_sticky_one_is_not(world):
    """Point 12: in a non-sticky folder others can write (0777) the attacker can rename a
    file of theirs over the victim's data file, so relance refuses the folder (for reads
    and writes, before creating anything) with the command that fixes it; that command
    works. In a sticky folder (like /tmp) the attacker cannot, and relance works."""
    home = world.victim_home()
    open_folder = home / "open"
    world.as_victim(f"mkdir {open_folder} && chmod 777 {open_folder}")
    data = open_folder / "relance.json"

    write = world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Ann")
    read = world.victim_relance(home, "--data", str(data), "list", "contact")

    message = refused(write, open_folder)
    refused(read, open_folder)
    assert listing(open_folder) == []
    assert f"chmod go-w {open_folder}" in message
    world.as_victim(f"chmod go-w {open_folder}")
    succeeded(world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Ann"))

    shared = world.sticky()
    data = shared / "relance.json"
    succeeded(world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Ann"))
    before = data.read_bytes()
    swap = world.attempt(f"echo '{{}}' > {shared}/mine.json && mv -f {shared}/mine.json {data}")
    assert swap.returncode != 0  # the sticky bit: not theirs to replace
    assert data.read_bytes() == before
    assert "Ann" in succeeded(world.victim_relance(home, "--data", str(data), "list", "contact"))


def test_12_a_root_owned_folder_writable_by_all_is_refused(world):
    """Point 12: a shared 0777 folder that is not sticky (root's, like a badly made
    /srv/shared) is refused for the victim's data, naming it; nothing is created."""
    folder = world.base / f"open{secrets.token_hex(2)}"
    folder.mkdir()
    os.chmod(folder, 0o777)
    home = world.victim_home()

    result = world.victim_relance(home, "--data", str(folder / "relance.json"), "add", "contact", "--name", "Ann")

    refused(result, folder)
    assert listing(folder) == []


def test_12_an_open_repository_refuses_a_file_swapped_for_the_attackers(world, tmp_path):
    """Point 12, in process: the owner was checked only at the first open, so a data file
    replaced (os.replace) by one the attacker owns was taken at the next re-read. Now the
    re-read refuses it naming the file and its owner, the records shown stay the
    victim's, and a save is refused without writing over the attacker's file."""
    from store.errors import RelanceError
    from store.repository import Repository

    folder = tmp_path / "data"
    data = folder / "relance.json"
    repo = Repository(data)
    try:
        repo.add("contact", {"name": "Mine"})
        assert [c.name for c in repo.list("contact")] == ["Mine"]

        other = Repository(tmp_path / "theirs" / "relance.json")
        other.add("contact", {"name": "Planted"})
        other.close()
        planted = tmp_path / "theirs" / "relance.json"
        os.chown(planted, world.attacker.uid, world.attacker.gid)
        os.chmod(planted, 0o644)
        os.replace(planted, data)
        swapped = data.read_bytes()

        assert repo.changed_on_disk() is not None
        with pytest.raises(RelanceError) as refusal:
            repo.reload()
        message = str(refusal.value)
        assert str(data) in message and world.attacker.name in message and "\n" not in message
        assert [c.name for c in repo.list("contact")] == ["Mine"]
        with pytest.raises(RelanceError, match=str(data)):
            repo.add("contact", {"name": "Another"})
        assert data.read_bytes() == swapped
        assert os.stat(data).st_uid == world.attacker.uid
    finally:
        repo.close()


def test_10_doctor_fix_replaces_a_lock_another_user_opened_and_holds(world):
    """A lock left 0666 let the attacker open it and hold it: ``chmod`` (what --fix did)
    does not take the descriptor back, so every save timed out. doctor names the holder,
    and --fix removes the lock: the next save makes a new one the attacker cannot hold."""
    home = world.victim_home()
    shared = world.sticky()
    data = shared / "relance.json"
    succeeded(world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Ann"))
    world.as_victim(f"chmod 666 {data}.lock")
    holder = subprocess.Popen(
        ["runuser", "-u", world.attacker.name, "--", SYSTEM_PYTHON, "-c",
         "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR); fcntl.flock(fd, fcntl.LOCK_EX); "
         "print('held', flush=True); time.sleep(60)", f"{data}.lock"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        report = world.victim_relance(home, "--data", str(data), "doctor")
        assert report.returncode == 1 and f"user {world.attacker.name}" in report.stdout
        fixed = world.victim_relance(home, "--data", str(data), "doctor", "--fix")
        assert f"The lock file {data}.lock was removed" in fixed.stdout, fixed.stdout
        succeeded(world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Bob"))
        assert mode_of(Path(f"{data}.lock")) == 0o600 and os.stat(f"{data}.lock").st_uid == world.victim.uid
    finally:
        holder.kill()
        holder.wait()
    assert "Bob" in succeeded(world.victim_relance(home, "--data", str(data), "list", "contact"))


def test_12_doctor_agrees_that_a_sticky_folder_of_roots_is_fine(world):
    """Every command accepts the user's data in a folder of root's that others cannot
    swap files in (a sticky /tmp): doctor said "belongs to root, not to you" (an error)."""
    home = world.victim_home()
    shared = world.sticky()
    data = shared / "relance.json"
    succeeded(world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Ann"))
    report = world.victim_relance(home, "--data", str(data), "doctor")
    assert f"The folder {shared} belongs to root; others cannot replace your files there." in report.stdout
    assert "not to you" not in report.stdout and report.returncode == 0, report.stdout


# -- the lock on the data file's folder ----------------------------------------------------------


def test_another_user_holding_a_lock_on_a_shared_folder_does_not_hold_the_victims_saves(world):
    """A save also locks the data file's folder (store/filelock.py), but only a folder others
    cannot open: in a 0755 folder, the attacker's flock on it must not make saves wait."""
    home = world.victim_home()  # 0755: the attacker can open it
    data = home / "relance.json"
    succeeded(world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Ann"))
    holder = subprocess.Popen(
        ["runuser", "-u", world.attacker.name, "--", SYSTEM_PYTHON, "-c",
         "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)", str(home)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        succeeded(world.victim_relance(home, "--data", str(data), "add", "contact", "--name", "Bob"))
        assert time.monotonic() - started < 1.8  # not the lock's 2 s wait (RELANCE_LOCK_TIMEOUT)
    finally:
        holder.kill()
        holder.wait()
    names = sorted(doc["name"] for doc in json.loads(data.read_text())["contacts"].values())
    assert names == ["Ann", "Bob"]



@pytest.mark.parametrize("command", [["status"], ["list", "contacts"], ["add", "time-off", "--start", "2027-02-15",
                                     "--end", "2027-02-19"], ["doctor"], ["backup"], ["restore"], ["export", "json"]])
def test_a_data_file_in_a_folder_not_open_to_the_user_is_one_line(world, command):
    """Found from outside (issue 23): ``--data`` naming a file in another user's private
    folder gave a traceback (PermissionError) on every command; it is one line naming the
    file and what to do, and nothing is made."""
    private = Path(tempfile.mkdtemp(prefix="root-private-", dir=world.base))
    os.chmod(private, 0o700)
    data = private / "relance.json"
    data.write_text('{"_meta": {"1": {"schema": 2}}}')
    home = world.victim_home()
    result = world.victim_relance(home, "--data", str(data), *command)
    assert result.returncode != 0 and "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = (result.stderr + result.stdout).strip().splitlines()
    assert len(lines) == 1 and str(data) in lines[0] and "Permission denied" in lines[0], lines
    assert listing(private) == ["relance.json"]
