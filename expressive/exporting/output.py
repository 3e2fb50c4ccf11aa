"""Where an export is written: whole or not at all, with plain words when it cannot be.

A file (PDF, ZIP) is written to a hidden temporary file beside its destination, synced,
and renamed over it; a folder (the web portfolio) is built under a hidden name beside its
destination and renamed into place. A pulled battery or a full device therefore never
leaves something that looks like a finished export; at worst a hidden leftover.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from expressive.portfolio.atomic import PARTIAL_SUFFIX, TEMP_PREFIX, fsync_folder, reason, staged_folder

Progress = Callable[[int, int], None]


class ExportError(Exception):
    """An export could not be written; the message says why in plain words. Nothing that
    looks like a finished export was left behind."""


def no_progress(done: int, total: int) -> None:
    """What reports progress when nobody is watching."""


@contextmanager
def replacing_file(out: Path, what: str) -> Iterator[Path]:
    """Yield a temporary path beside `out` to write `what` ("the PDF report") into; on a
    clean exit it replaces `out` in one rename, on an error it is removed."""
    out = Path(out)
    _check_parent(out, what)
    temp = out.with_name(f"{TEMP_PREFIX}{secrets.token_hex(4)}-{out.name}")
    try:
        with _plain_failures(out, what):
            yield temp
            with open(temp, "rb+") as written:
                os.fsync(written.fileno())
            os.replace(temp, out)
            fsync_folder(out.parent)
    finally:
        _remove_quietly(temp)


@contextmanager
def new_folder(out: Path, what: str) -> Iterator[Path]:
    """Yield a hidden folder beside `out` to fill with `what`; on a clean exit it becomes
    `out`. An existing empty folder is replaced; one with things in it is refused, never
    emptied: it may be a folder the person cares about."""
    out = Path(out)
    _check_parent(out, what)
    if out.is_dir() and any(out.iterdir()):
        raise ExportError(f"The folder {out} already has things in it. Choose a new or empty folder for {what}.")
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file. Choose a new or empty folder for {what}.")
    with _plain_failures(out, what):
        # Only an export interrupted before can have left this hidden name beside `out`.
        shutil.rmtree(out.with_name(f".{out.name}{PARTIAL_SUFFIX}"), ignore_errors=True)
        with staged_folder(out, fsync=True) as staging:
            yield staging
            _sync_tree(staging)


def _sync_tree(folder: Path) -> None:
    """Make every file and subfolder under `folder` durable, deepest first, so the rename
    that publishes `folder` never shows empty or missing files after a power cut."""
    for here, _, files in os.walk(folder, topdown=False):
        for name in files:
            with open(os.path.join(here, name), "rb") as written:
                os.fsync(written.fileno())
        if here != str(folder):
            fsync_folder(Path(here))


def _check_parent(out: Path, what: str) -> None:
    if not out.parent.is_dir():
        raise ExportError(f"There is no folder {out.parent} to put {what} in. Choose another place.")


@contextmanager
def _plain_failures(out: Path, what: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        full = exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
        advice = "Free some space and try again." if full else "Choose another place."
        raise ExportError(f"Could not write {what} to {out}: {reason(exc)}. {advice}") from exc


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass  # already renamed into place, or never made
