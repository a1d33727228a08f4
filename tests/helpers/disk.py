"""A disk that refuses writes, for real: a limit on the size of the files a process may
write (RLIMIT_FSIZE), the way a full disk or a quota refuses them. Needs no privilege."""

from __future__ import annotations

import contextlib
import resource
import signal
from collections.abc import Iterator


def limit_file_size(limit: int) -> None:
    """From now on, this process may not make a file grow past ``limit`` bytes: the write
    fails (EFBIG) instead of the process being killed (SIGXFSZ is ignored)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))


@contextlib.contextmanager
def files_at_most(limit: int) -> Iterator[None]:
    """``limit_file_size`` for the time of a ``with`` block, in this process."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.getsignal(signal.SIGXFSZ)
    limit_file_size(limit)
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
