"""The full comparison of the index with the tree, made on a thread of its own, for an open
that nothing vouched for (after a crash; see `index_seal`): the app shows the portfolio
from the index at once and stays usable while every record is stat'ed.

The thread only reads: the tree (a stat of every record), the index's stamps (through a
read-only connection of its own) and the records that differ. What it found is taken into
the index by the thread that owns the store (`Comparison.take_in`), which checks each
record against its file once more, so that nothing saved in the meantime is undone.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable

from expressive.i18n import _

from .atomic import reason
from .disk import Disk
from .index import Record, differences
from .index_file import read_stamps
from .layout import Key, Stamp
from .records import CheckReport, PortfolioError, Problem


class Comparison:
    """One comparison, started at once; `on_ready` is called from its thread when it is
    done (or failed), after which the owner of the store calls `take_in`."""

    def __init__(self, disk: Disk, on_ready: Callable[[], None]):
        self._disk = disk
        self._on_ready = on_ready
        self._stop = threading.Event()
        self._known: dict[Key, Stamp] = {}
        self._read: dict[Key, tuple[Stamp, Record]] = {}
        self._gone: list[Key] = []
        self._failure: str | None = None
        self._thread = threading.Thread(target=self._compare, name="expressive-index-comparison", daemon=True)
        self._thread.start()

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def stop(self) -> None:
        """Give up (the store is closing); returns once the thread has stopped."""
        self._stop.set()
        self._thread.join()

    def wait(self) -> None:
        self._thread.join()

    def _compare(self) -> None:
        disk = self._disk
        try:
            found = disk.scan()
            self._known = read_stamps(disk.index.path)
            changed, self._gone = differences(self._known, found)
            for key in changed:
                if self._stop.is_set():
                    return
                self._read[key] = (found[key], disk.load(key))
        except PortfolioError as exc:
            self._failure = str(exc)
        except (OSError, sqlite3.Error) as exc:
            self._failure = reason(exc) if isinstance(exc, OSError) else str(exc)
        if not self._stop.is_set():
            self._on_ready()

    def take_in(self) -> CheckReport:
        """On the store's own thread, once `done`: bring the index up to date with what
        was found, and report the damaged records among them as `check` does."""
        disk = self._disk
        if self._failure is not None:
            raise PortfolioError(_("The portfolio's index could not be compared with its files: {error}. "
                                   "Run `expressive check`.").format(error=self._failure))
        index = disk.index
        # A record the store saved since the comparison read the stamps is in the index as
        # saved, newer than anything read here.
        read = {key: value for key, value in self._read.items() if index.stamp_of(key) == self._known.get(key)}
        index.take_in([*read, *self._gone], disk.layout.stamp, disk.load, read)
        disk.index_vouched = True
        return CheckReport(problems=[
            Problem(disk.relative(disk.layout.record_file(key)), record.damaged)
            for key, (_stamp, record) in sorted(read.items()) if record.damaged
        ])
