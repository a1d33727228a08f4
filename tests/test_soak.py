"""Soak: three processes x 300 random operations on one file while SIGKILLs land at
random; then the file is sound, every operation that returned is in it, no batch is
half-applied, and `relance doctor` finds nothing wrong."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from store.repository import Repository

from .conftest import ROOT, run_relance
from .helpers.soak import read_log

WORKERS = 3
OPS = 300

pytestmark = pytest.mark.slow


def expected_state(log: list[list]) -> dict[str, str]:
    """name -> company of the worker's contacts: what its settled operations add up to."""
    state: dict[str, str] = {}
    for line in log:
        assert line[0] != "torn", f"a batch was half-applied: {line}"
        if line[0] != "done":
            continue
        kind = line[1]
        if kind == "add":
            state[line[2]] = "new"
        elif kind == "batch":
            state.update((name, "batch") for name in line[2])
        elif kind == "edit":
            state[line[3]] = line[4]
        elif kind == "delete":
            del state[line[3]]
    return state


def test_three_writers_killed_at_random_lose_nothing(data_path, tmp_path):
    data_path.parent.mkdir(mode=0o700)
    logs = [tmp_path / f"w{i}.log" for i in range(WORKERS)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def spawn(i: int) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "tests.helpers.soak", str(data_path), f"w{i}", str(OPS), str(i), str(logs[i])],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    rng = random.Random(7)
    procs = {i: spawn(i) for i in range(WORKERS)}
    kills = 0
    deadline = time.monotonic() + 240
    while procs and time.monotonic() < deadline:
        # (every 0.11 s on average: at 0.225 s, workers that ran quickly finished after 15-23 kills)
        time.sleep(rng.uniform(0.02, 0.2))
        for i, proc in list(procs.items()):
            if proc.poll() is not None:
                out, err = proc.communicate()
                if proc.returncode == 0:
                    assert "finished" in out
                    del procs[i]
                elif proc.returncode == -signal.SIGKILL:
                    procs[i] = spawn(i)
                else:
                    raise AssertionError(f"worker {i} failed ({proc.returncode}): {err[-2000:]}")
        if procs and rng.random() < 0.6:
            victim = rng.choice(list(procs))
            if procs[victim].poll() is None:
                procs[victim].send_signal(signal.SIGKILL)
                kills += 1
    assert not procs, "the soak did not finish in time"
    assert kills >= 20
    repo = Repository(data_path)
    settled_after_kill = 0
    for i, log_path in enumerate(logs):
        log = read_log(str(log_path))
        assert sum(1 for line in log if line[0] in ("done", "undone")) == OPS
        on_disk = {c.name: c.company for c in repo.list("contact") if c.name.startswith(f"w{i}-")}
        assert on_disk == expected_state(log), f"worker {i}"
        assert len(on_disk) > 50
        settled_after_kill += sum(1 for a, b in zip(log, log[1:]) if a[0] == "try" and b[0] in ("done", "undone") and b != ["done", *a[1:]])
    print(f"soak: {kills} kills, {settled_after_kill} operations cut by a kill and settled after it")
    result = run_relance("--data", str(data_path), "doctor")
    assert result.returncode == 0, result.stdout
