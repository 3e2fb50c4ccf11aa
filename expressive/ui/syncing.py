"""The app's sync: the engine the therapist turns on and off on the Devices screen, and what
arrives from the other tablets handed to the portfolio and the screen showing it.

Starting Syncthing and asking it anything happen on threads of their own; what they learn
comes back to the UI thread through the Clock. Whether sync is on is remembered beside the
engine's home, so an app started again (or unlocked) carries on as it was left.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ListProperty, StringProperty

from expressive.i18n import _
from expressive.portfolio import PortfolioError
from expressive.sync.engine import SyncEngine
from expressive.sync.service import (
    ArrivalWatcher,
    default_sync_home,
    open_engine,
    refresh_portfolio,
    remember_sync_on,
    sync_is_on,
)

log = logging.getLogger(__name__)
# The screens that list what may have arrived, shown again after an arrival.
_SCREENS_SHOWING_WORK = ("clients", "portfolio")


class TabletSync(EventDispatcher):
    """One per app (see `tablet_sync`). `state`: "off", "starting", "on" or "stopping"."""

    state = StringProperty("off")
    device_id = StringProperty("")
    addresses = ListProperty([])
    problem = StringProperty("")
    busy = BooleanProperty(False)

    def __init__(self, app, *, home: Path | None = None,
                 engine_factory: Callable[[Path, Path], SyncEngine] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._app = app
        self._home = home
        self._engine_factory = engine_factory or (lambda portfolio, home: open_engine(portfolio, home=home))
        self.engine: SyncEngine | None = None
        self._watcher: ArrivalWatcher | None = None
        self._waiting: list[str] = []  # arrived while the portfolio was locked

    def home(self) -> Path:
        return self._home or default_sync_home(self._app.portfolio_root)

    # ----- on and off

    def start(self) -> None:
        """Start syncing (also with no portfolio open: a tablet joining another's portfolio
        syncs into its empty folder, and what arrives waits for the unlock)."""
        if self.state != "off":
            return
        self.state, self.problem = "starting", ""
        portfolio, home = self._app.portfolio_root, self.home()

        def start_engine() -> None:
            try:
                engine = self._engine_factory(portfolio, home)
                details = engine.device_id(), engine.listen_addresses()
            except PortfolioError as error:  # SyncError: Syncthing missing, or would not start
                problem = str(error)
                Clock.schedule_once(lambda _dt: self._not_started(problem))
                return
            Clock.schedule_once(lambda _dt: self._started(engine, *details))

        threading.Thread(target=start_engine, name="sync-start", daemon=True).start()

    def use_engine(self, engine: SyncEngine) -> None:
        """Sync through `engine`, running already (a fake, for screenshots and tests); not
        remembered for the next start. An engine in use already is stopped first, so that
        its watcher's thread does not run on (the layout walk shows the Devices screen at
        each window size, each time with a new fake)."""
        self.stop(remember=False)
        self._started(engine, engine.device_id(), engine.listen_addresses(), remember=False)

    def _started(self, engine: SyncEngine, device_id: str, addresses: list[str], *, remember: bool = True) -> None:
        self.engine, self.device_id, self.addresses = engine, device_id, addresses
        self._watcher = ArrivalWatcher(engine, self._arrived_elsewhere, self._problem_elsewhere)
        self._watcher.start()
        self.state = "on"
        if remember:
            remember_sync_on(self.home(), True)

    def _not_started(self, problem: str) -> None:
        self.state, self.problem = "off", problem

    def stop(self, *, remember: bool = True) -> None:
        """Stop syncing; `remember=False` when the app closes (it carries on at the next start)."""
        if self.engine is None:
            return
        if remember:
            remember_sync_on(self.home(), False)
        engine, self.engine = self.engine, None
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        self.state = "off"
        try:
            engine.stop()
        except PortfolioError:
            log.debug("Syncthing had stopped already", exc_info=True)

    def carry_on(self) -> None:
        """At unlock: start again when the therapist left sync on, and hand the portfolio
        what arrived while it was locked."""
        if self._waiting and self._app.store is not None:
            waiting, self._waiting = self._waiting, []
            self._take(waiting)
        if self.state == "off" and sync_is_on(self.home()):
            self.start()

    # ----- what arrives

    def _arrived_elsewhere(self, paths: list[str]) -> None:
        Clock.schedule_once(lambda _dt: self._take(paths))

    def _problem_elsewhere(self, problem: str) -> None:
        Clock.schedule_once(lambda _dt: self._lost(problem))

    def _lost(self, problem: str) -> None:
        if self.engine is not None:
            self.problem = _("Syncing stopped: {problem}").format(problem=problem)
            self.stop(remember=False)

    def _take(self, paths: list[str]) -> None:
        store = self._app.store
        if store is None:
            self._waiting += paths
            return
        try:
            refresh_portfolio(store, paths)
        except PortfolioError as error:
            self.problem = str(error)
        manager = self._app.root
        if manager.current in _SCREENS_SHOWING_WORK and not self._app.client_mode:
            manager.get_screen(manager.current).show()


def tablet_sync(app) -> TabletSync:
    """The app's one TabletSync, made the first time it is asked for."""
    existing = getattr(app, "tablet_sync", None)
    if existing is None:
        existing = app.tablet_sync = TabletSync(app)
    return existing
