"""Private scratch folders for data that holds raw plates, and the sweeping of ones a killed run left.

A run that must put raw plates on disk outside its outputs (the loader's
workers store the rows they read in SQLite files) does so in one folder of
its own, made by ``ScratchDir``: mode 0700, named ``.alpr_scratch_*``, with
a ``lock`` file the owning process holds an exclusive ``flock`` on for as
long as the folder lives.  The folder is removed on every exit path the
process sees (``close()``, also from ``with``).  A process killed outright
cannot remove it, but its lock dies with it: the folder's helper processes
(``remove_if_orphaned``) and any later run (``sweep``) then find the lock
free and remove the folder.

Only folders whose name says they are ours are ever removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from typing import List, Optional

PREFIX = ".alpr_scratch_"
OLD_PREFIXES = (".alpr_parts_",)  # the loader's folders before they had a lock (they never do)
LOCK_NAME = "lock"
LOCKLESS_GRACE_S = 60.0  # a folder with no lock file yet may be one being made right now


class ScratchDir:
    """A private folder (0700) in ``parent``, locked by this process until ``close()``."""

    def __init__(self, parent: str) -> None:
        parent = os.path.abspath(parent or tempfile.gettempdir())
        sweep(parent)
        self.path = tempfile.mkdtemp(prefix=PREFIX, dir=parent)  # mkdtemp: mode 0700
        self._fd: Optional[int] = os.open(os.path.join(self.path, LOCK_NAME), os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def file(self, name: str) -> str:
        return os.path.join(self.path, name)

    def close(self) -> None:
        """Remove the folder and everything in it, then let go of the lock."""
        if self._fd is None:
            return
        try:
            shutil.rmtree(self.path, ignore_errors=True)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ScratchDir:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:  # a last resort; every caller closes
        with contextlib.suppress(Exception):  # (at interpreter shutdown)
            self.close()


def _orphaned(folder: str) -> bool:
    """True when no live process holds ``folder``'s lock (its owner is gone)."""
    lock = os.path.join(folder, LOCK_NAME)
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        try:
            return time.time() - os.stat(folder).st_mtime > LOCKLESS_GRACE_S
        except OSError:
            return False
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # held: its owner is alive
    finally:
        os.close(fd)  # (closing lets go of a lock taken here)
    return True


def remove_if_orphaned(folder: str) -> bool:
    """Remove ``folder`` (one of ours) when its owner is gone; True if removed."""
    name = os.path.basename(os.path.normpath(folder))
    if not name.startswith((PREFIX, *OLD_PREFIXES)) or not os.path.isdir(folder):
        return False
    if not _orphaned(folder):
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return not os.path.exists(folder)


def sweep(parent: str) -> List[str]:
    """Remove the scratch folders in ``parent`` that killed runs left; the names removed."""
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    removed = []
    for name in names:
        if name.startswith((PREFIX, *OLD_PREFIXES)) and remove_if_orphaned(os.path.join(parent, name)):
            removed.append(name)
    return removed
