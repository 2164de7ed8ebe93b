"""Private scratch folders (raw plates, outputs being written), and the sweeping of ones a killed run left.

A run that must put raw plates on disk outside its outputs (the loader's
workers store the rows they read in SQLite files) does so in one folder of
its own, made by ``ScratchDir``: mode 0700, named ``.alpr_scratch_*``, with
a ``lock`` file the owning process holds an exclusive ``flock`` on for as
long as the folder lives.  The folder is removed on every exit path the
process sees (``close()``, also from ``with``).  A process killed outright
cannot remove it, but its lock dies with it: the folder's helper processes
(``remove_if_orphaned``) and any later run (``sweep``) then find the lock
free and remove the folder.

The same folders hold an output while it is written (``.alpr_output_*``,
beside its destination so that the finished file is renamed into place):
a killed run's half-written output is swept the same way.

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
OUTPUT_PREFIX = ".alpr_output_"  # an output being written, renamed into place once complete (qgis_io.outputs)
OLD_PREFIXES = (".alpr_parts_",)  # the loader's folders before they had a lock (they never do)
PREFIXES = (PREFIX, OUTPUT_PREFIX, *OLD_PREFIXES)
LOCK_NAME = "lock"
LOCKLESS_GRACE_S = 60.0  # a folder with no lock file yet may be one being made right now


class ScratchDir:
    """A private folder (0700) in ``parent``, locked by this process until ``close()``.

    ``prefix`` names what it holds: :data:`PREFIX` for scratch,
    :data:`OUTPUT_PREFIX` for an output written before it is renamed into place.
    """

    def __init__(self, parent: Optional[str] = None, prefix: str = PREFIX) -> None:
        if prefix not in PREFIXES:
            raise ValueError("not a scratch prefix: {}".format(prefix))
        parent = os.path.abspath(parent or tempfile.gettempdir())
        sweep(parent)
        self.path = tempfile.mkdtemp(prefix=prefix, dir=parent)  # mkdtemp: mode 0700
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
    if not name.startswith(PREFIXES) or not os.path.isdir(folder):
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
        if name.startswith(PREFIXES) and remove_if_orphaned(os.path.join(parent, name)):
            removed.append(name)
    return removed
