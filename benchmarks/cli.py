"""The command line's figures: a quick capture from the shell (``relance add``) against
the same command on a file that holds nothing else, and the peak memory of every command
(see benchmarks/README.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELANCE = Path(sys.executable).with_name("relance")


#: runs each command it reads (a JSON line: argv, stdin, cwd) and answers with its exit
#: status, wall time and ``ru_maxrss``. A child's ``ru_maxrss`` counts its parent's memory
#: until it execs (Linux records the old image's high-water mark at exec): forked from the
#: benchmark itself, which holds the datasets, every command measured ~250 MB.
_SPAWNER = """
import json, os, subprocess, sys, time
for line in sys.stdin:
    argv, stdin, cwd = json.loads(line)
    with open(os.devnull, "wb") as null, __import__("tempfile").TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                stdout=null, stderr=err)
        if stdin is not None:
            proc.stdin.write(stdin.encode()); proc.stdin.close()
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        print(json.dumps([proc.returncode, elapsed, usage.ru_maxrss / 1024, err.read().decode(errors="replace")]), flush=True)
"""
_spawner: subprocess.Popen | None = None


def measured(argv: list[str], stdin: str | None = None, allowed: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB, the command's own high-water mark) of one command,
    which must end with one of the ``allowed`` exit statuses."""
    global _spawner
    if _spawner is None:
        _spawner = subprocess.Popen([sys.executable, "-c", _SPAWNER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    text=True)
    assert _spawner.stdin is not None and _spawner.stdout is not None
    _spawner.stdin.write(json.dumps([argv, stdin, str(ROOT)]) + "\n")
    _spawner.stdin.flush()
    code, elapsed, rss, errors = json.loads(_spawner.stdout.readline())
    if code not in allowed:
        raise RuntimeError(f"{' '.join(argv)} failed ({code}): {errors}")
    return elapsed, rss


def first_contact(path: Path) -> str:
    """The name of the file's first contact (read from its bytes, as a user would know it)."""
    from store.layout import split_tables

    raw = path.read_bytes()
    start, end = split_tables(raw)["contacts"]
    line = raw[start:end].split(b"\n", 2)[1]
    return json.loads(line.split(b": ", 1)[1].rstrip(b","))["name"]


def add_commands(path: Path, contact: str, number: int) -> dict[str, list[str]]:
    """The quick captures measured, on ``path``: a new contact, an interaction logged with
    a contact named as a user names them."""
    data = [str(RELANCE), "--data", str(path)]
    return {
        "add contact": [*data, "add", "contact", "--name", f"Bench Person {number}", "--company", "Acme"],
        "add interaction": [*data, "add", "interaction", "--contact", contact, "--kind", "call",
                            "--date", "2026-11-20", "--summary", f"bench call {number}"],
    }


def adds_against_empty(data: Path, folder: Path, runs: int) -> dict[str, tuple[float, float]]:
    """Median wall time of each quick capture on a copy of ``data``, and of the same command
    on a file holding only the contact it names, run in turns with it."""
    big = folder / f"adds-{data.name}"
    shutil.copyfile(data, big)
    contact = first_contact(big)
    small = folder / f"adds-empty-{data.name}"
    small.unlink(missing_ok=True)
    measured([str(RELANCE), "--data", str(small), "add", "contact", "--name", contact])
    os.sync()  # (the copies' pages written back: a save then finds the file as a user's is)
    results: dict[str, tuple[list[float], list[float]]] = {}
    for run in range(runs + 1):
        for name, argv in add_commands(big, contact, run).items():
            empty = add_commands(small, contact, run)[name]
            base = measured(empty)[0]
            ours = measured(argv)[0]
            if run:  # (the first round warms the caches)
                results.setdefault(name, ([], []))[0].append(ours)
                results[name][1].append(base)
    import statistics

    return {name: (statistics.median(ours), statistics.median(base)) for name, (ours, base) in results.items()}


def cli_memory(data: Path, folder: Path) -> list[tuple[str, float, float]]:
    """(command, wall time, peak RSS in MB) of each command a user runs, on a copy of
    ``data`` (the ones that write change the copy)."""
    copy = folder / f"memory-{data.name}"
    shutil.copyfile(data, copy)
    contact = first_contact(copy)
    out = folder / "out"
    out.mkdir(exist_ok=True)
    base = [str(RELANCE), "--data", str(copy), "--today", "2026-11-27"]
    commands = {
        "status": ["status"],
        "status --json": ["status", "--json"],
        "list contacts": ["list", "contacts"],
        "list interactions": ["list", "interactions"],
        "list opportunities": ["list", "opportunities"],
        "add contact": ["add", "contact", "--name", "Memory Test"],
        "add interaction": ["add", "interaction", "--contact", contact, "--kind", "call", "--date", "2026-11-20"],
        "edit contact": ["edit", "contact", contact, "--company", "Memory & Co"],
        "settings": ["settings"],
        "backup": ["backup"],
        "export json": ["export", "json", "-o", str(out / "export.json")],
        "export csv": ["export", "csv", "-o", str(out / "export.csv")],
        # (export vcard is left out: vobject takes ~13 s at 30,000 contacts; ~80 MB)
        "export ics": ["export", "ics", "-o", str(out / "export.ics")],
        "export ics over the last one": ["export", "ics", "-o", str(out / "export.ics")],
        "import json into an empty file": ["import", "json", str(out / "export.json")],
        "restore (the list)": ["restore"],
        "doctor": ["doctor"],
        "doctor --fix": ["doctor", "--fix"],
        "rm contact": ["rm", "--yes", "contact", contact],
    }
    imported = folder / f"memory-import-{data.name}"
    imported.unlink(missing_ok=True)
    results = []
    for name, args in commands.items():
        argv = [*base, *args] if not name.startswith("import") else [str(RELANCE), "--data", str(imported), *args]
        elapsed, rss = measured(argv, allowed=(0, 1) if name.startswith("doctor") else (0,))  # (doctor: 1 for a warning)
        results.append((name, elapsed, rss))
    return results


def khard_book(data: Path, folder: Path) -> Path | None:
    """The contacts of ``data`` as a khard address book (a folder of vCards, one a file, as
    vdirsyncer keeps them) and its configuration file; None when khard is not installed
    (``pip install -e '.[bench]'``)."""
    khard = shutil.which("khard") or (Path(sys.executable).with_name("khard") if Path(sys.executable).with_name("khard").exists() else None)
    if khard is None:
        return None
    from store.layout import split_tables

    raw = data.read_bytes()
    start, end = split_tables(raw)["contacts"]
    book = folder / "khard-book"
    book.mkdir(exist_ok=True)
    for line in raw[start:end].split(b"\n")[1:-1]:
        doc = json.loads(line.split(b": ", 1)[1].rstrip(b","))
        first, _, last = doc["name"].partition(" ")
        card = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{doc['uid']}", f"FN:{doc['name']}", f"N:{last};{first};;;"]
        if doc.get("company"):
            card.append(f"ORG:{doc['company']}")
        if doc.get("email"):
            card.append(f"EMAIL;TYPE=WORK:{doc['email']}")
        (book / f"{doc['uid']}.vcf").write_text("\r\n".join([*card, "END:VCARD", ""]), encoding="utf-8")
    config = folder / "khard.conf"
    config.write_text(f"[addressbooks]\n[[bench]]\npath = {book}\n[general]\ndefault_action = list\n", encoding="utf-8")
    return config


def khard_against_relance(data: Path, folder: Path, runs: int) -> tuple[float, float] | None:
    """Median wall time of ``khard list`` on the same contacts as ``relance list contacts``,
    and of the latter, run in turns; None without khard."""
    config = khard_book(data, folder)
    if config is None:
        return None
    import statistics

    khard = shutil.which("khard") or str(Path(sys.executable).with_name("khard"))
    theirs, ours = [], []
    for _ in range(runs):
        theirs.append(measured([khard, "-c", str(config), "list"])[0])
        ours.append(measured([str(RELANCE), "--data", str(data), "list", "contacts"])[0])
    return statistics.median(theirs), statistics.median(ours)


def large_report(contacts: int, folder: Path) -> list[tuple[str, str]]:
    """What relance does with a shared address book beyond LinkedIn's cap (no budget):
    the file made by an import, a command's start, a quick add, a save, an import into it,
    each with its time and peak memory."""
    import time as clock
    from datetime import date

    from seeds.synthetic import build_synthetic

    export = folder / f"export-{contacts}.json"
    export.write_text(json.dumps(build_synthetic(contacts, date(2026, 11, 27))), encoding="utf-8")
    data = folder / f"relance-{contacts}.json"
    rows = []
    elapsed, rss = measured([str(RELANCE), "--data", str(data), "import", "json", str(export)])
    rows.append((f"import json of {contacts:,} contacts into an empty file", f"{elapsed:.1f} s, {rss:.0f} MB, "
                 f"file {data.stat().st_size / 1e6:.0f} MB"))
    contact = first_contact(data)
    for name, args in {
        "status": ["status"],
        "add contact": ["add", "contact", "--name", "Large Test"],
        "add interaction": ["add", "interaction", "--contact", contact, "--kind", "call", "--date", "2026-11-20"],
        "edit contact": ["edit", "contact", contact, "--company", "Large & Co"],
        "list contacts": ["list", "contacts"],
        "export json": ["export", "json", "-o", str(folder / "large-export.json")],
        "doctor": ["doctor"],
    }.items():
        elapsed, rss = measured([str(RELANCE), "--data", str(data), "--today", "2026-11-27", *args], allowed=(0, 1))
        rows.append((f"relance {name}", f"{elapsed * 1000:.0f} ms, {rss:.0f} MB"))
    linkedin = folder / "large-connections.csv"
    with linkedin.open("w", encoding="utf-8") as handle:
        handle.write("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n")
        for n in range(1000):
            handle.write(f"Large{n},Member{n},https://www.linkedin.com/in/large-{n},,Acme,CTO,12 Mar 2024\n")
    elapsed, rss = measured([str(RELANCE), "--data", str(data), "import", "linkedin", str(linkedin)])
    rows.append(("relance import linkedin of 1,000 new members into it", f"{elapsed * 1000:.0f} ms, {rss:.0f} MB"))
    from store.repository import Repository

    started = clock.perf_counter()
    repo = Repository(data)
    contacts_now = repo.count("contact")
    opened = clock.perf_counter() - started
    target = next(iter(repo.records("contact")))
    started = clock.perf_counter()
    repo.update("contact", target, {"notes": "saved from the dashboard's repository"})
    saved = clock.perf_counter() - started
    repo.close()
    rows.append((f"the dashboard's repository: {contacts_now:,} contacts built", f"{opened * 1000:.0f} ms"))
    rows.append(("a save from it (one contact changed)", f"{saved * 1000:.0f} ms"))
    return rows
