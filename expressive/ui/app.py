"""The Kivy application: one ScreenManager, the current client and session, plain messages."""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import BooleanProperty, ObjectProperty
from kivy.uix.modalview import ModalView
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager

from expressive.i18n import _, set_language
from expressive.lockout import Lockout
from expressive.media import MediaServices
from expressive.plans import SessionPlan
from expressive.portfolio import Client, Portfolio
from expressive.preferences import remember
from expressive.registry import Registry
from expressive.session import Repeating, SessionController, client_may_see, screen_for_client
from expressive.ui import theme
from expressive.ui.dialogs import show_message
from expressive.ui.pictures import forget_pictures
from expressive.ui.therapist import AppTherapist, keep_file_choosers_for_the_therapist

log = logging.getLogger(__name__)

# Each screen's class, by the name the app shows it by. A screen's module is imported and
# the screen built when it is first shown, so that the first frame (the lock or set-up
# screen) waits for no other.
SCREENS = {
    "clients": "expressive.ui.screens.clients:ClientsScreen",
    "add_client": "expressive.ui.screens.clients:AddClientScreen",
    "portfolio": "expressive.ui.screens.portfolio:PortfolioScreen",
    "artifact": "expressive.ui.screens.portfolio:ArtifactScreen",
    "gallery": "expressive.ui.screens.gallery:GalleryScreen",
    "progress": "expressive.ui.screens.review:ProgressScreen",
    "slideshow": "expressive.ui.screens.review:SlideshowScreen",
    "compare": "expressive.ui.screens.review:CompareScreen",
    "session": "expressive.ui.screens.session:CheckInScreen",
    "launcher": "expressive.ui.screens.session:LauncherScreen",
    "activity": "expressive.ui.screens.session:ActivityScreen",
    "checkout": "expressive.ui.screens.session:CheckoutScreen",
    "note": "expressive.ui.screens.session:NoteScreen",
    "setup": "expressive.ui.screens.access:SetupScreen",
    "recovery": "expressive.ui.screens.access:RecoveryKeyScreen",
    "lock": "expressive.ui.screens.access:LockScreen",
    "handback": "expressive.ui.screens.access:HandBackScreen",
    "delete_client": "expressive.ui.screens.access:DeleteClientScreen",
    "change_pin": "expressive.ui.screens.access:ChangePinScreen",
    "conflicts": "expressive.ui.screens.conflicts:ConflictsScreen",
    "devices": "expressive.ui.screens.devices:DevicesScreen",
    "colleagues": "expressive.ui.screens.colleagues:ColleaguesScreen",
}
DEFAULT_IDLE_LOCK_SECONDS = 5 * 60
IDLE_CHECK_SECONDS = 5
BACK_KEY = 27  # Escape on a keyboard, the back button on Android
# The most of the window a popup may cover: a small tablet, or one turned upright, still
# shows every button of it, and a sliver of what it covers.
POPUP_SHARE_OF_WINDOW = 0.96


class ScreensOnDemand(ScreenManager):
    """A ScreenManager that builds each of `screen_classes` ({name: "module:Class"}) the
    first time it is asked for: shown, or looked up with `get_screen`. `screens` holds
    those built so far."""

    def __init__(self, screen_classes: Mapping[str, str], **kwargs):
        self.screen_classes = screen_classes
        super().__init__(**kwargs)

    def get_screen(self, name: str) -> Screen:
        if name in self.screen_classes and not super().has_screen(name):
            module, _colon, class_name = self.screen_classes[name].partition(":")
            self.add_widget(getattr(importlib.import_module(module), class_name)(name=name))
        return super().get_screen(name)

    def has_screen(self, name: str) -> bool:
        return name in self.screen_classes or super().has_screen(name)

    def built_screen(self, name: str) -> Screen | None:
        """The screen `name` when it has been built, else None (without building it)."""
        return super().get_screen(name) if super().has_screen(name) else None


class KivyScheduler:
    """Repeats a call on Kivy's clock: the session's autosave runs between frames."""

    @staticmethod
    def every(seconds: float, call: Callable[[], None]) -> Repeating:
        return Clock.schedule_interval(lambda _elapsed: call(), seconds)


class KeepSessionRunning(ExceptionHandler):
    """An error in an activity's (or our own) event code must not close the app on a client."""

    def __init__(self, app: ExpressiveApp):
        super().__init__()
        self.app = app

    def handle_exception(self, error):
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            return ExceptionManager.RAISE
        self.app.recover(error)
        return ExceptionManager.PASS


class ExpressiveApp(App):
    """The app always starts locked (or at set-up on a first start) unless it is handed an
    open store, as tests, screenshots and benchmarks do.

    Client mode begins when a session starts: only the session's own screens can be shown,
    and leaving them takes the therapist's PIN.
    """

    title = "Expressive"
    client = ObjectProperty(None, allownone=True)
    # The session under way (a SessionController), or None.
    running = ObjectProperty(None, allownone=True)
    client_mode = BooleanProperty(False)

    def __init__(
        self,
        portfolio_root: Path,
        registry: Registry,
        plans: list[SessionPlan],
        *,
        store: Portfolio | None = None,
        idle_lock_seconds: float = DEFAULT_IDLE_LOCK_SECONDS,
        clock=time.time,
        media: MediaServices | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.portfolio_root = Path(portfolio_root)
        # Sound and MIDI, opened when an activity first asks and lent to every activity.
        self.media = media or MediaServices()
        self.store = store
        self.registry = registry
        self.plans = plans
        self.idle_lock_seconds = idle_lock_seconds
        self.clock = clock
        self.lockout = Lockout(self.portfolio_root / "lockout.json", clock=clock)
        # Who holds the tablet, for the activities and the therapist-only popups.
        self.therapist = AppTherapist(self)
        self.last_touch = clock()
        self._exception_handler = KeepSessionRunning(self)
        self._screen_before_lock: str | None = None

    def build(self):
        Window.clearcolor = theme.BACKGROUND
        # Keep the text being typed visible above the on-screen keyboard.
        Window.softinput_mode = "below_target"
        keep_file_choosers_for_the_therapist()
        manager = ScreensOnDemand(SCREENS, transition=NoTransition())
        self.root = manager
        manager.bind(current=self._keep_client_in_session)
        if self.store is not None:
            self.go("clients")
        else:
            self.open_what_is_there()
        return manager

    def open_what_is_there(self) -> None:
        """With no portfolio open: protect the one in the folder (or a new one), or ask for
        the passphrase of the one there."""
        self.go("setup" if Portfolio.status(self.portfolio_root) in ("new", "plain") else "lock")

    def use_language(self, code: str) -> None:
        """Speak `code` from now on, on this device: every screen is built again in it (a
        screen's words are set when it is made), when next shown, and the therapist stays
        where they were."""
        remember("language", code)
        set_language(code)
        showing = self.root.current
        self.root.clear_widgets()
        self.go(showing)

    def go(self, screen_name: str, **details) -> None:
        """Show a screen; `details` are handed to its `show()`, which may itself move on."""
        if self.client_mode:
            # Anything outside the session, however it was asked for, needs the PIN first.
            screen_name, details = screen_for_client(screen_name, details)
        self.root.current = screen_name
        self.root.get_screen(screen_name).show(**details)

    def _keep_client_in_session(self, _manager, screen_name: str) -> None:
        # A screen changed other than through go() (a plugin setting it directly) is held to
        # the same rule, before anything of it is drawn.
        if self.client_mode and not client_may_see(screen_name):
            self.go(screen_name)

    def open_client(self, client: Client) -> None:
        self.client = client
        self.store.audit("open-client", client.id)
        self.go("portfolio")

    def begin_session(self, plan: SessionPlan, goal: str, feeling_in: int, complexity: str | None = None) -> None:
        """Start a session; a `complexity` chosen at check-in is remembered for the client."""
        controller = self._new_session()
        try:
            first_screen = controller.begin(plan, goal, feeling_in, complexity)
        finally:
            self.client = controller.client
        self._run(controller, first_screen)

    def resume_session(self, session) -> None:
        """Go on with a session that was interrupted (a crash, a kill, a flat battery)."""
        controller = self._new_session()
        self._run(controller, controller.resume(session, self.plans))

    def _new_session(self) -> SessionController:
        return SessionController(
            store=self.store,
            registry=self.registry,
            media=self.media,
            client=self.client,
            scheduler=KivyScheduler(),
            therapist=self.therapist,
            view=self,
        )

    def _run(self, controller: SessionController, first_screen: tuple[str, dict]) -> None:
        self.running = controller
        self.client_mode = True
        self.go(first_screen[0], **first_screen[1])

    def activity_closed(self, failed: bool) -> None:
        self.root.get_screen("activity").closed(failed)

    def end_session(self) -> None:
        self.running = None
        self.go("portfolio")

    def unlocked(self, store: Portfolio, next_screen: tuple[str, dict] | None = None) -> None:
        self.store = store
        if self.running is not None:
            self.running.store = store
        self.lockout.succeeded()
        self.last_touch = self.clock()
        # Sync left on by the therapist starts again (Syncthing carries encrypted files and
        # runs while locked; what arrived meanwhile is read now).
        from expressive.ui.syncing import tablet_sync

        tablet_sync(self).carry_on()
        if next_screen is not None:
            self.go(next_screen[0], **next_screen[1])
        elif self._screen_before_lock:
            # Back where the therapist was, as it was: the screen keeps its state.
            self.root.current = self._screen_before_lock
        else:
            self.go("clients")
        self._screen_before_lock = None

    def lock(self) -> None:
        """Forget the keys and everything decoded; only the passphrase opens it again."""
        if self.store is None:
            return
        self._screen_before_lock = self.root.current
        activity_screen = self.root.built_screen("activity")
        if activity_screen is not None:
            activity_screen.keep_work_before_closing()
        self.store.close()
        self.store = None
        forget_pictures()
        self.go("lock")

    def check_idle(self, *_args) -> None:
        if self.store is not None and not self.client_mode and self.clock() - self.last_touch >= self.idle_lock_seconds:
            self.lock()

    def _touched(self, *_args):
        self.last_touch = self.clock()
        return False

    def _key_pressed(self, _window, key, *_args):
        # Escape and the tablet's back button lead nowhere: every way out is a visible button.
        self.last_touch = self.clock()
        return key == BACK_KEY

    def _fit_popups(self, window, *_args) -> None:
        # Popups are laid out for a landscape tablet; on a smaller or upright one, one of fixed
        # size would put its buttons (Done, Close, the PIN's keys) off the screen.
        for view in window.children:
            if isinstance(view, ModalView) and view.size_hint == [None, None]:
                view.size = (
                    min(view.width, window.width * POPUP_SHARE_OF_WINDOW),
                    min(view.height, window.height * POPUP_SHARE_OF_WINDOW),
                )

    def _closing(self, *_args, **_source) -> bool:
        # Closing the window (Alt+F4, its X, a desktop's quit) would leave the client at the
        # device itself; in client mode only the therapist's PIN ends the session.
        return self.client_mode

    def open_settings(self, *_args) -> bool:
        # Kivy's own settings panel (F1, the menu key) has nothing for a therapist, and
        # must never open under a client's hands.
        return False

    def on_client_mode(self, _app, client_mode: bool) -> None:
        if client_mode:
            # Whatever the therapist copied (another client's note) must not be pasted by this
            # client. Kivy ignores copying nothing, so a space takes its place. (Imported
            # here: the clipboard's set-up is no part of the first frame.)
            from kivy.core.clipboard import Clipboard

            try:
                Clipboard.copy(" ")
            except Exception:  # a device without a clipboard has nothing to leak
                log.debug("No clipboard to empty", exc_info=True)

    def on_start(self):
        ExceptionManager.add_handler(self._exception_handler)
        Window.bind(on_touch_down=self._touched, on_key_down=self._key_pressed, on_request_close=self._closing)
        Window.bind(children=self._fit_popups, size=self._fit_popups)
        self._idle_check = Clock.schedule_interval(self.check_idle, IDLE_CHECK_SECONDS)

    def on_stop(self):
        ExceptionManager.remove_handler(self._exception_handler)
        Window.unbind(on_touch_down=self._touched, on_key_down=self._key_pressed, on_request_close=self._closing)
        Window.unbind(children=self._fit_popups, size=self._fit_popups)
        self._idle_check.cancel()
        activity_screen = self.root.built_screen("activity")
        if activity_screen is not None:
            activity_screen.keep_work_before_closing()
            if activity_screen.activity is not None:
                # Its devices (the camera's capture thread) must stop before the process ends.
                activity_screen.activity.pause()
        self.media.close()
        if getattr(self, "tablet_sync", None) is not None:
            self.tablet_sync.stop(remember=False)
        if self.store is not None:
            self.store.close()
        # Nothing decoded outlives the store it came from, nor is asked of the next one.
        forget_pictures()

    def recover(self, error: BaseException) -> None:
        activity_screen = self.root.built_screen("activity")
        if self.root.current == "activity" and activity_screen.activity is not None:
            activity_screen.controller.activity_failed("stopped with an error", error)
            return
        log.error("Unexpected error on the %s screen", self.root.current, exc_info=error)
        if any(isinstance(child, ModalView) for child in Window.children):
            return
        self.tell(
            _("Something went wrong"),
            _("Sorry, that did not work. Everything saved so far is safe; please try again."),
        )

    def on_pause(self):
        controller = self._activity_controller()
        if controller is not None:
            controller.pause()
        return True

    def on_resume(self):
        controller = self._activity_controller()
        if controller is not None:
            controller.resume_activity()

    def _activity_controller(self) -> SessionController | None:
        activity_screen = self.root.built_screen("activity")
        return activity_screen.controller if activity_screen is not None else None

    @staticmethod
    def tell(title: str, message: str) -> None:
        show_message(title, message)


