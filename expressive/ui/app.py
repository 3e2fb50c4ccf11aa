"""The Kivy application: one ScreenManager, the current client and session, plain messages."""

from __future__ import annotations

import logging

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.core.window import Window
from kivy.properties import ObjectProperty
from kivy.uix.modalview import ModalView
from kivy.uix.screenmanager import NoTransition, ScreenManager

from expressive.plans import SessionPlan
from expressive.portfolio import Client, Portfolio
from expressive.registry import Registry
from expressive.ui import theme
from expressive.ui.dialogs import show_message
from expressive.ui.screens.clients import AddClientScreen, ClientsScreen
from expressive.ui.screens.portfolio import ArtifactScreen, PortfolioScreen
from expressive.ui.screens.session import (
    ActivityScreen,
    CheckInScreen,
    CheckoutScreen,
    LauncherScreen,
    NoteScreen,
)
from expressive.flow import RunningSession

log = logging.getLogger(__name__)

SCREENS = {
    "clients": ClientsScreen,
    "add_client": AddClientScreen,
    "portfolio": PortfolioScreen,
    "artifact": ArtifactScreen,
    "session": CheckInScreen,
    "launcher": LauncherScreen,
    "activity": ActivityScreen,
    "checkout": CheckoutScreen,
    "note": NoteScreen,
}


class KeepSessionRunning(ExceptionHandler):
    """An error in an activity's (or our own) event code must not close the app on a client."""

    def __init__(self, app: "ExpressiveApp"):
        super().__init__()
        self.app = app

    def handle_exception(self, error):
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            return ExceptionManager.RAISE
        self.app.recover(error)
        return ExceptionManager.PASS


class ExpressiveApp(App):
    title = "Expressive"
    client = ObjectProperty(None, allownone=True)
    running = ObjectProperty(None, allownone=True)

    def __init__(self, store: Portfolio, registry: Registry, plans: list[SessionPlan], **kwargs):
        super().__init__(**kwargs)
        self.store = store
        self.registry = registry
        self.plans = plans
        self._exception_handler = KeepSessionRunning(self)

    def build(self):
        Window.clearcolor = theme.BACKGROUND
        # Keep the text being typed visible above the on-screen keyboard.
        Window.softinput_mode = "below_target"
        manager = ScreenManager(transition=NoTransition())
        for name, screen_class in SCREENS.items():
            manager.add_widget(screen_class(name=name))
        return manager

    def go(self, screen_name: str, **details) -> None:
        """Show a screen; `details` are handed to its `show()`, which may itself move on."""
        self.root.current = screen_name
        self.root.get_screen(screen_name).show(**details)

    def open_client(self, client: Client) -> None:
        self.client = client
        self.go("portfolio")

    def begin_session(self, plan: SessionPlan, goal: str, feeling_in: int) -> None:
        session = self.store.start_session(
            self.client.id, plan_id=plan.id, goal=goal, feeling_in=feeling_in
        )
        self.running = RunningSession(plan=plan, session=session)
        step = self.running.upcoming()
        if step is not None and step.kind == "activity" and self.registry.get(step.activity):
            self.go("activity", activity_id=step.activity)
        else:
            self.go("launcher")

    def end_session(self) -> None:
        self.running = None
        self.go("portfolio")

    def on_start(self):
        ExceptionManager.add_handler(self._exception_handler)

    def on_stop(self):
        ExceptionManager.remove_handler(self._exception_handler)

    def recover(self, error: BaseException) -> None:
        activity_screen = self.root.get_screen("activity")
        if self.root.current == "activity" and activity_screen.activity is not None:
            activity_screen.activity_failed("stopped with an error", error)
            return
        log.error("Unexpected error on the %s screen", self.root.current, exc_info=error)
        if any(isinstance(child, ModalView) for child in Window.children):
            return
        self.tell(
            "Something went wrong",
            "Sorry, that did not work. Everything saved so far is safe; please try again.",
        )

    def on_pause(self):
        self.root.get_screen("activity").pause()
        return True

    def on_resume(self):
        self.root.get_screen("activity").resume()

    @staticmethod
    def tell(title: str, message: str) -> None:
        show_message(title, message)


