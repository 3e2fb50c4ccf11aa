"""Where an export is written: whole or not at all, private, with plain words when it cannot be.

A file (PDF, ZIP) is written to a hidden temporary file beside its destination, synced,
and renamed over it; a folder (the web portfolio) is built under a hidden name beside its
destination and renamed into place. A pulled battery or a full device therefore never
leaves something that looks like a finished export.

What an export holds is health data (a ZIP holds the therapist's private notes), so:
- the temporary file or folder is created readable by this user alone (0600, 0700) from
  its first byte, and everything in the folder too; its hidden name is random and says
  nothing about the client;
- its path is recorded in the portfolio (encrypted when the portfolio is) before it is
  created (`Portfolio.export_in_flight`), so that whatever a kill leaves is deleted the
  next time the portfolio is opened, by the app or the command line;
- the finished export keeps those modes, unless the person asks for it to be readable by
  every user of the device (`shared`): then it becomes 0644 (folders 0755) once it is in
  place, never before.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO

from expressive.i18n import _
from expressive.portfolio.atomic import fsync_folder, reason
from expressive.portfolio.journal import export_temp_name

Progress = Callable[[int, int], None]
# Records the temporary paths of an export for the length of a block: `Portfolio.export_in_flight`.
InFlight = Callable[[list[Path]], AbstractContextManager[None]]

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
SHARED_FILE = 0o644
SHARED_FOLDER = 0o755


class ExportError(Exception):
    """An export could not be written; the message says why in plain words. Nothing that
    looks like a finished export was left behind."""


def no_progress(done: int, total: int) -> None:
    """What reports progress when nobody is watching."""


@contextmanager
def replacing_file(out: Path, what: str, in_flight: InFlight, *, shared: bool = False) -> Iterator[BinaryIO]:
    """Yield a private temporary file beside `out`, open for writing `what` ("the PDF
    report"); on a clean exit it replaces `out` in one rename, on an error it is removed."""
    out = Path(out)
    _check_parent(out, what)
    temp = out.parent / export_temp_name()
    with _plain_failures(out, what), in_flight([temp]):
        try:
            with open(os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), "w+b") as stream:
                yield stream
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, out)
            fsync_folder(out.parent)
        finally:
            temp.unlink(missing_ok=True)  # gone already when it was renamed into place
        if shared:
            os.chmod(out, SHARED_FILE)


@contextmanager
def new_folder(out: Path, what: str, in_flight: InFlight, *, shared: bool = False) -> Iterator[Path]:
    """Yield a private hidden folder beside `out` to fill with `what` (with `write_file` and
    `make_folder`); on a clean exit it becomes `out`. An existing empty folder is replaced;
    one with things in it is refused, never emptied: it may be a folder the person cares about."""
    out = Path(out)
    _check_parent(out, what)
    if out.is_dir() and any(out.iterdir()):
        raise ExportError(_("The folder {out} already has things in it. Choose a new or empty folder for {what}.").format(
            out=out, what=_(what)))
    if out.exists() and not out.is_dir():
        raise ExportError(_("{out} is a file. Choose a new or empty folder for {what}.").format(out=out, what=_(what)))
    staging = out.parent / export_temp_name()
    with _plain_failures(out, what), in_flight([staging]):
        try:
            os.mkdir(staging, PRIVATE_FOLDER)
            yield staging
            _sync_tree(staging)
            os.rename(staging, out)
            fsync_folder(out.parent)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # gone already when it was renamed into place
        if shared:
            _share_tree(out)


def write_file(path: Path, data: bytes) -> None:
    """A new file of an export's folder, private from its first byte."""
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), "wb") as stream:
        stream.write(data)


def make_folder(path: Path) -> None:
    """A new folder (and its missing parents) inside an export's folder, each private
    (`Path.mkdir(parents=True)` gives the parents the default mode)."""
    if not path.parent.is_dir():
        make_folder(path.parent)
    path.mkdir(PRIVATE_FOLDER)


def _sync_tree(folder: Path) -> None:
    """Make every file and subfolder under `folder` durable, deepest first, so the rename
    that publishes `folder` never shows empty or missing files after a power cut."""
    for here, _folders, files in os.walk(folder, topdown=False):
        for name in files:
            with open(os.path.join(here, name), "rb") as written:
                os.fsync(written.fileno())
        fsync_folder(Path(here))


def _share_tree(folder: Path) -> None:
    for here, _folders, files in os.walk(folder):
        os.chmod(here, SHARED_FOLDER)
        for name in files:
            os.chmod(os.path.join(here, name), SHARED_FILE)


def _check_parent(out: Path, what: str) -> None:
    if not out.parent.is_dir():
        raise ExportError(_("There is no folder {folder} to put {what} in. Choose another place.").format(
            folder=out.parent, what=_(what)))


@contextmanager
def _plain_failures(out: Path, what: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        full = exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
        advice = _("Free some space and try again.") if full else _("Choose another place.")
        raise ExportError(_("Could not write {what} to {out}: {reason}. {advice}").format(
            what=_(what), out=out, reason=reason(exc), advice=advice)) from exc
