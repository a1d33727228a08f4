"""Child process for the storage stress tests.

    python -m tests.helpers.writer sequence PATH        add c1, c2, ... forever, printing each committed k
    python -m tests.helpers.writer adds PATH TAG COUNT GO_FILE   wait for GO_FILE, then COUNT adds named TAG-i
    python -m tests.helpers.writer acked PATH TAG COUNT GO_FILE  the same, printing each add that said it was saved
"""

import os
import sys
import time

from store.repository import Repository

PAD = "x" * 3000  # makes each write take long enough for kills to land mid-write


def sequence(path: str) -> None:
    repo = Repository(path)
    k = repo.count("contact")
    print("ready", flush=True)
    while True:
        k += 1
        repo.add("contact", {"name": f"c{k}", "notes": f"{k}:{PAD}"})
        print(k, flush=True)


def adds(path: str, tag: str, count: int, go_file: str) -> None:
    repo = Repository(path)
    while not os.path.exists(go_file):
        time.sleep(0.001)
    for i in range(count):
        repo.add("contact", {"name": f"{tag}-{i}"})


def acked(path: str, tag: str, count: int, go_file: str) -> None:
    from store.errors import RelanceError

    repo = Repository(path)
    while not os.path.exists(go_file):
        time.sleep(0.001)
    for i in range(count):
        try:
            repo.add("contact", {"name": f"{tag}-{i}"})
        except RelanceError:  # (refused, unwritten: the lock was removed under it)
            continue
        print(f"{tag}-{i}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "sequence":
        sequence(sys.argv[2])
    elif sys.argv[1] == "acked":
        acked(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        adds(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
