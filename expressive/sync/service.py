"""Sync for one portfolio, as the app and the command line use it: where our Syncthing
instance keeps its home, starting it (or reaching the clinic's), the device id as a QR
code, and a watcher that hands what arrived to the portfolio.

The home (keys, pairings, Syncthing's database) is this device's alone: it lives in the
app's data folder, one per portfolio folder, never inside the portfolio (which travels).
Whether sync is on is remembered there too, so the app carries on at its next start.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from expressive.i18n import _
from expressive.limits import InputRefused, load_json_bounded, read_bounded
from expressive.portfolio.atomic import fsync_folder, make_folders, write_file
from expressive.portfolio.layout import client_folders

from .engine import SyncEngine, SyncError
from .syncthing import Syncthing

SETTINGS_FILE = "expressive-sync.json"
_MAX_SETTINGS_BYTES = 4096
# How long the watcher's one long poll lasts before it looks whether it was stopped.
_POLL_S = 5


def default_sync_home(portfolio: Path) -> Path:
    """The app's data folder's home for the Syncthing instance of `portfolio`."""
    from platformdirs import user_data_dir

    name = hashlib.sha256(str(Path(portfolio).expanduser().absolute()).encode()).hexdigest()[:16]
    return Path(user_data_dir("Expressive", appauthor=False)) / "sync" / name


def open_engine(portfolio: Path, *, home: Path | None = None, listen: str | None = None,
                url: str | None = None, api_key: str | None = None) -> Syncthing:
    """The clinic's instance at `url` when given, else our own (started, or found running)."""
    if url:
        if not api_key:
            raise SyncError(_("An instance the clinic runs needs its API key as well as its address."))
        return Syncthing.connect(url, api_key, portfolio)
    return Syncthing.start_own(home or default_sync_home(portfolio), portfolio, listen=listen)


def sync_is_on(home: Path) -> bool:
    """Whether the therapist left sync on (the app then starts it by itself)."""
    try:
        settings = load_json_bounded(read_bounded(home / SETTINGS_FILE, _MAX_SETTINGS_BYTES), max_bytes=_MAX_SETTINGS_BYTES)
    except (OSError, InputRefused):
        return False
    return isinstance(settings, dict) and settings.get("on") is True


def remember_sync_on(home: Path, on: bool) -> None:
    make_folders(home)
    write_file(home / SETTINGS_FILE, json.dumps({"on": on}).encode(), fsync=True)


def set_aside_to_join(portfolio: Path) -> Path:
    """Make way for another tablet's portfolio: this one, which must hold no client, is
    moved whole beside its folder (nothing is deleted) and an empty folder takes its place,
    into which the other portfolio arrives (a tablet takes only into an empty folder).
    Returns where it went. The portfolio must be closed."""
    if client_folders(portfolio):
        raise SyncError(_("This portfolio has clients, so this tablet cannot join another tablet's portfolio: "
                          "the two cannot be mixed. Only a tablet whose portfolio is still empty can join."))
    aside = portfolio.with_name(f"{portfolio.name}-before-joining-{time.strftime('%Y%m%d-%H%M%S')}")
    os.rename(portfolio, aside)  # one step: killed before or after it, the portfolio is whole somewhere
    make_folders(portfolio)
    fsync_folder(portfolio.parent)
    return aside


def qr_png(device_id: str, *, scale: int = 8) -> bytes:
    """The device id as a QR code (PNG), for another device's camera to read."""
    import segno

    buffer = io.BytesIO()
    segno.make(device_id, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def refresh_portfolio(store, paths: list[str]) -> None:
    """Have the open portfolio read again what arrived (`Portfolio.refresh`), where this
    version of the portfolio can."""
    refresh = getattr(store, "refresh", None)
    if refresh is not None:
        refresh(paths)


def count_arrivals(paths: list[str]) -> dict[str, int]:
    """What arrived, counted without naming anything: files, pieces of work, sessions."""
    return {
        "files": len(paths),
        "pieces": sum(1 for path in paths if Path(path).name == "manifest.json"),
        "sessions": sum(1 for path in paths if Path(path).name == "session.json"),
    }


class ArrivalWatcher:
    """A thread asking the engine what arrived and handing each batch to `on_arrived`
    (which the app passes on to its UI thread). Never raises into the thread: an engine
    that stopped answering is told through `on_problem` and the watcher ends."""

    def __init__(self, engine: SyncEngine, on_arrived: Callable[[list[str]], None],
                 on_problem: Callable[[str], None] = lambda _problem: None) -> None:
        self._engine = engine
        self._on_arrived = on_arrived
        self._on_problem = on_problem
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="sync-arrivals", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _watch(self) -> None:
        while not self._stopped.is_set():
            try:
                arrived = self._engine.arrived(_POLL_S)
            except SyncError as problem:
                if not self._stopped.is_set():
                    self._on_problem(str(problem))
                return
            if arrived and not self._stopped.is_set():
                self._on_arrived(arrived)
