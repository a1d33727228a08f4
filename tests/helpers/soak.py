"""A worker of the soak test: random adds, edits, deletes and batch imports on one file.

    python -m tests.helpers.soak PATH TAG OPS SEED LOG

Each operation is written to LOG as ``try ...`` before and ``done ...`` after it
returns. Killed with SIGKILL at any instant and started again, the worker first
settles its last ``try`` by looking at the file: the operation happened entirely
(``done``) or not at all (``undone``); half of a batch is reported as ``torn`` and
fails the test. Then it goes on until OPS operations are settled.
"""

from __future__ import annotations

import json
import os
import random
import sys

from store.repository import Repository


def log_line(handle, *parts) -> None:
    handle.write(json.dumps(parts, ensure_ascii=False) + "\n")
    handle.flush()
    os.fsync(handle.fileno())


def read_log(path: str) -> list[list]:
    if not os.path.exists(path):
        return []
    lines = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                break  # the line being written when the kill came: never completed
    return lines


def settle(repo: Repository, op: list) -> str:
    """Did the operation ``op`` (a ``try`` line) happen? done / undone / torn."""
    contacts = {c.name: c for c in repo.list("contact")}
    by_uid = {c.uid: c for c in contacts.values()}
    kind = op[1]
    if kind == "add":
        return "done" if op[2] in contacts else "undone"
    if kind == "batch":
        present = [name in contacts for name in op[2]]
        return "done" if all(present) else ("undone" if not any(present) else "torn")
    if kind == "edit":
        current = by_uid.get(op[2])
        return "done" if current is not None and current.company == op[4] else "undone"
    if kind == "delete":
        return "done" if op[2] not in by_uid else "undone"
    raise ValueError(op)


def mine(repo: Repository, tag: str) -> list:
    return [c for c in repo.list("contact") if c.name.startswith(tag + "-")]


def main(path: str, tag: str, ops: int, seed: int, log_path: str) -> None:
    repo = Repository(path)
    lines = read_log(log_path)
    with open(log_path, "a", encoding="utf-8") as log:
        if lines and lines[-1][0] == "try":
            log_line(log, settle(repo, lines[-1]), *lines[-1][1:])
        settled = sum(1 for line in read_log(log_path) if line[0] in ("done", "undone"))
        rng = random.Random(seed * 1000 + settled)
        while settled < ops:
            n = settled
            own = mine(repo, tag)
            choice = rng.random()
            if choice < 0.45 or not own:
                name = f"{tag}-{n}"
                log_line(log, "try", "add", name)
                repo.add("contact", {"name": name, "company": "new"})
                log_line(log, "done", "add", name)
            elif choice < 0.65:
                names = [f"{tag}-{n}-{k}" for k in range(5)]
                log_line(log, "try", "batch", names)
                with repo.transaction():
                    for name in names:
                        repo.add("contact", {"name": name, "company": "batch"})
                log_line(log, "done", "batch", names)
            elif choice < 0.85:
                target = rng.choice(own)
                company = f"edit-{n}"
                log_line(log, "try", "edit", target.uid, target.name, company)
                repo.update("contact", target.uid, {"company": company})
                log_line(log, "done", "edit", target.uid, target.name, company)
            else:
                target = rng.choice(own)
                log_line(log, "try", "delete", target.uid, target.name)
                repo.delete("contact", target.uid)
                log_line(log, "done", "delete", target.uid, target.name)
            settled += 1
    print("finished", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
