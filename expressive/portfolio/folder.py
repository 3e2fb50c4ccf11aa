"""The portfolio's folder itself: making it, holding it, and its portfolio.json, which says
how the rest is protected and so must stay readable without a key.

portfolio.json also says how the folder is laid out ("layout"; missing in older ones: 1):
- 1: one audit log, audit.log (and audit.anchor) at the top.
- 2: one audit chain per device, audit/<device-id>.log (see `auditing`), so that devices
  sharing the folder never write the same file.
An older layout is brought up to date when it is opened: each step is idempotent, and the
layout version is written last, so a kill at any moment loses nothing and the next open
finishes the work. A newer layout than this version knows is refused.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from expressive.i18n import N_, _

from .atomic import TEMP_PREFIX, make_folders, make_private, reason
from .auditing import move_single_log
from .disk import failure_words, replace_file, write_found_device_full
from .documents import (
    ENCRYPTION_SCHEME,
    ENCRYPTION_STATES,
    ENCRYPTION_VERSION,
    PORTFOLIO_FORMAT,
    encode_document,
    parse_document,
    portfolio_document,
)
from .layout import KEYRING_FILE, MARKER_FILE
from .lock import acquire
from .records import NewerVersionError, PortfolioError, RecordError

LAYOUT_FIELD = "layout"
LAYOUT_VERSION = 2
CHOOSE_ANOTHER = N_("Choose another folder with --portfolio or EXPRESSIVE_PORTFOLIO.")
# Files an interrupted creation may leave in a folder that has no portfolio.json yet: a
# keyring, and the lock file that earlier versions locked instead of the folder.
_CREATION_LEFTOVERS = (KEYRING_FILE, "portfolio.lock")


def absolute(root: Path | str) -> Path:
    return Path(root).expanduser().absolute()


def status(root: Path) -> str:
    """See `Portfolio.status`."""
    try:
        if not root.exists():
            return "new"
        if not root.is_dir():
            raise PortfolioError(_("{root} is a file, not a folder. {choose_another}").format(
                root=root, choose_another=_(CHOOSE_ANOTHER)))
        if not (root / MARKER_FILE).exists():
            return "new"
        encryption = read_marker(root)[1]
    except OSError as exc:
        raise PortfolioError(_("Cannot read the portfolio folder {root}: {reason}.").format(
            root=root, reason=reason(exc))) from exc
    if encryption is None:
        return "plain"
    return "migrating" if encryption["state"] == "migrating" else "encrypted"


def read_marker(root: Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """portfolio.json and its "encryption" (None: unencrypted). OSError propagates."""
    try:
        doc = parse_document((root / MARKER_FILE).read_bytes(), MARKER_FILE, PORTFOLIO_FORMAT)
    except NewerVersionError:
        raise _newer(root) from None
    except RecordError as exc:
        raise PortfolioError(_("The portfolio in {root} cannot be opened: {error}.").format(
            root=root, error=exc)) from None
    layout = layout_of(doc)
    if not isinstance(layout, int) or isinstance(layout, bool) or layout < 1:
        raise PortfolioError(_("The portfolio in {root} cannot be opened: its {marker} is damaged.").format(
            root=root, marker=MARKER_FILE))
    if layout > LAYOUT_VERSION:
        raise _newer(root)
    encryption = doc.get("encryption")
    if encryption is None:
        return doc, None
    if (
        not isinstance(encryption, dict)
        or encryption.get("scheme") != ENCRYPTION_SCHEME
        or not isinstance(encryption.get("version"), int)
        or encryption["version"] > ENCRYPTION_VERSION
        or encryption.get("state") not in ENCRYPTION_STATES
    ):
        raise PortfolioError(
            _("The portfolio in {root} is encrypted in a way this version of Expressive does not know. "
               "Update Expressive to open it.").format(root=root)
        )
    return doc, encryption


def _newer(root: Path) -> PortfolioError:
    return PortfolioError(
        _("The portfolio in {root} was made by a newer version of Expressive. Update Expressive to "
           "open it.").format(root=root)
    )


def layout_of(marker: dict[str, Any]) -> Any:
    """The layout version portfolio.json says (not checked: see `read_marker`)."""
    return marker.get(LAYOUT_FIELD, 1)


def write_marker(root: Path, marker: dict[str, Any], *, fsync: bool) -> None:
    replace_file(root / MARKER_FILE, encode_document(marker), fsync=fsync)


def prepare_root(root: Path, *, fsync: bool) -> dict[str, Any] | None:
    """Make sure `root` is a portfolio this version can open, creating an unencrypted one in
    an empty folder and bringing an older layout up to date; returns its "encryption"
    (None when unencrypted).

    OSError propagates; everything else is a PortfolioError.
    """
    _make_root(root)
    if not (root / MARKER_FILE).exists():
        write_marker(root, {**portfolio_document(), LAYOUT_FIELD: LAYOUT_VERSION}, fsync=fsync)
    marker, encryption = read_marker(root)
    if layout_of(marker) < LAYOUT_VERSION:
        upgrade_layout(root, marker, fsync=fsync)
    return encryption


def upgrade_layout(root: Path, marker: dict[str, Any], *, fsync: bool) -> None:
    """Bring a portfolio of an older layout up to date (see the module's words): the
    steps, then the version, last."""
    move_single_log(root, fsync=fsync)
    write_marker(root, {**marker, LAYOUT_FIELD: LAYOUT_VERSION}, fsync=fsync)


def _make_root(root: Path) -> None:
    """Create `root` if needed; refuse a folder that holds other things and no portfolio."""
    if root.exists() and not root.is_dir():
        raise PortfolioError(_("{root} is a file, not a folder. {choose_another}").format(
            root=root, choose_another=_(CHOOSE_ANOTHER)))
    make_folders(root)
    if (root / MARKER_FILE).exists():
        return
    # Temporary files and a keyring are all that an interrupted creation can have left.
    others = [name for name in os.listdir(root) if not name.startswith(TEMP_PREFIX) and name not in _CREATION_LEFTOVERS]
    if others:
        raise PortfolioError(
            _("The folder {root} is not an Expressive portfolio: it has other files in it and no "
               "{marker}. {choose_another}").format(root=root, marker=MARKER_FILE, choose_another=_(CHOOSE_ANOTHER))
        )


def hold(root: Path) -> None:
    """Hold the portfolio for this program (see `lock`), making its folder first when it is
    new: the lock is on the folder."""
    try:
        _make_root(root)
    except OSError as exc:
        raise cannot_write_folder(root, exc) from exc
    acquire(root)


def make_top_private(root: Path) -> None:
    """Make a portfolio that an older version left readable to others private: the folder
    itself (which alone keeps other users out of everything below it) and the files at its
    top (keyring, index, audit log). Deeper files are tightened by `check --repair`; all
    that is written from now on is private from its first byte."""
    make_private(root)
    for entry in os.scandir(root):
        make_private(Path(entry.path))


def cannot_write_folder(root: Path, exc: OSError | sqlite3.Error) -> PortfolioError:
    """Opening failed for want of writing: a full device is said as such, with what helps."""
    folder = root if root.exists() else root.parent
    if write_found_device_full(exc, folder):
        return PortfolioError(_("Cannot open the portfolio in {root}: the device is full. Free some space and try again.").format(
            root=root))
    if isinstance(exc, sqlite3.Error):
        why = _("its index cannot be opened ({error})").format(error=exc)
    else:
        why = failure_words(exc, folder)
    return PortfolioError(_("Cannot write to the portfolio folder {root}: {why}. {choose_another}").format(
        root=root, why=why, choose_another=_(CHOOSE_ANOTHER)))
