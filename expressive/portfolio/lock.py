"""One writer at a time: an inter-process lock on the portfolio folder.

Two programs writing one portfolio (the app and a command, or two commands) would each
append to the audit log from their own idea of its end, and one's `check --repair` would
remove the other's save in progress. So every program holds an exclusive `flock` on the
portfolio folder itself from the moment it opens the portfolio until it closes it; a
second program waits a little, then is told plainly that the portfolio is in use.

The folder, not a file in it: a lock file can be deleted or replaced while it is held (by
a person tidying up, a sync engine, a script), and the next program would then lock a new
file and write beside the first. A folder cannot be deleted while it holds the portfolio,
cannot be made into something else, and can be locked even where nothing can be written.

The lock belongs to the process, not to one open Portfolio: a process that opens the same
folder twice (the app and the command-line functions in tests, a screenshot, a bench
helper) re-enters it, and it is released when the last of its holders lets go. The kernel drops a flock
when its process dies, so a killed program never leaves the portfolio locked.

Where the filesystem cannot lock a folder (some network shares) or flock does not exist
(Windows), nothing is locked: the portfolio is then written by one program at a time only
by habit (the README says so).
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from expressive.i18n import _

from .atomic import reason
from .records import PortfolioError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

# Long enough for another program's open, save or close to finish; short enough that a
# person is not left waiting in front of a frozen screen.
WAIT_SECONDS = 2.0
_RETRY_SECONDS = 0.02
# What flock answers on a filesystem that has no such locks (EBADF: NFS emulates flock
# with byte-range locks, which need a file open for writing, and a folder never is).
_NO_LOCKS_HERE = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EBADF)


class PortfolioInUse(PortfolioError):
    """Another program holds the portfolio; the message says so in one sentence."""


class _Held:
    def __init__(self, descriptor: int | None):
        self.descriptor = descriptor  # None: the filesystem could not lock the folder
        self.holders = 1


_held: dict[str, _Held] = {}
_registry = threading.Lock()


def acquire(root: Path, *, wait: float = WAIT_SECONDS) -> None:
    """Hold the lock on the portfolio in `root` (which must exist) for this process.

    PortfolioInUse when another program keeps it longer than `wait` seconds; a
    PortfolioError when the folder cannot be opened.
    """
    key = os.path.realpath(root)
    with _registry:
        held = _held.get(key)
        if held is not None:
            held.holders += 1
            return
        if fcntl is None:
            _held[key] = _Held(None)
            return
        try:
            descriptor = os.open(key, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise PortfolioError(_("Cannot open the portfolio folder {root}: {reason}.").format(
                root=root, reason=reason(exc))) from exc
        try:
            locked = _wait_for(descriptor, root, wait)
        except BaseException:
            os.close(descriptor)
            raise
        if not locked:
            os.close(descriptor)
        _held[key] = _Held(descriptor if locked else None)


def release(root: Path) -> None:
    """Let go of one hold taken by `acquire`; the last one unlocks the portfolio."""
    key = os.path.realpath(root)
    with _registry:
        held = _held.get(key)
        if held is None:
            return
        held.holders -= 1
        if held.holders == 0:
            del _held[key]
            if held.descriptor is not None:
                # Closing the descriptor drops the flock.
                os.close(held.descriptor)


def holders(root: Path) -> int:
    """How many holds this process has on the portfolio in `root` (0: none)."""
    with _registry:
        held = _held.get(os.path.realpath(root))
        return 0 if held is None else held.holders


@contextmanager
def holding(root: Path, *, wait: float = WAIT_SECONDS) -> Iterator[None]:
    acquire(root, wait=wait)
    try:
        yield
    finally:
        release(root)


def _wait_for(descriptor: int, root: Path, wait: float) -> bool:
    """Lock the folder open as `descriptor`; False when its filesystem has no locks."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno in _NO_LOCKS_HERE:
                return False
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise PortfolioError(_("Cannot lock the portfolio in {root}: {reason}.").format(
                    root=root, reason=reason(exc))) from exc
        if time.monotonic() >= deadline:
            raise PortfolioInUse(
                _("The portfolio in {root} is in use by another program (the app or another command). Close "
                   "it and try again.").format(root=root)
            )
        time.sleep(_RETRY_SECONDS)
