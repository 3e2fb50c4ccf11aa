"""The therapist's presence as the app knows it: client mode, the PIN, and the popups only
the therapist may open.

One rule for every activity and screen: in client mode a therapist-only action runs only
after the therapist's PIN, and a therapist-only popup (`TherapistView`) asks for it
itself when something opens it without.
"""

from __future__ import annotations

from typing import Callable

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from expressive.activity import Therapist


class AppTherapist(Therapist):
    """Present outside client mode, while an action the PIN allowed runs, and while a
    therapist-only popup opened with the PIN is still open (the therapist is still at
    it: a set-up that opens a file chooser asks once). Asking opens the PIN dialog."""

    def __init__(self, app):
        super().__init__()
        self._app = app
        self._allowed_actions = 0
        self._open_views: list[ModalView] = []

    def is_present(self) -> bool:
        return not self._app.client_mode or self._allowed_actions > 0 or bool(self._open_views)

    def ask(self, reason: str, then: Callable[[], None]) -> None:
        if self.is_present():
            then()
            return
        from expressive.ui.screens.access import TherapistPinDialog

        TherapistPinDialog(app=self._app, reason=reason, on_verified=lambda: self._run_allowed(then)).open()

    def _run_allowed(self, then: Callable[[], None]) -> None:
        self._allowed_actions += 1
        try:
            then()
        finally:
            self._allowed_actions -= 1

    def stays_while_open(self, view: ModalView) -> None:
        """The therapist counts as present until `view` (opened in their presence) closes."""
        if self._app.client_mode:
            self._open_views.append(view)
            view.fbind("on_dismiss", self._closed)

    def _closed(self, view: ModalView) -> None:
        if view in self._open_views:
            self._open_views.remove(view)


def app_therapist() -> AppTherapist | None:
    """The running app's therapist, or None when no Expressive app runs."""
    return getattr(App.get_running_app(), "therapist", None)


class TherapistView(ModalView):
    """A popup only the therapist may see: a set-up, settings, a file chooser. Opened in
    client mode, it asks for the PIN first (`reason` says what for) and opens only then;
    without the app, which knows who holds the tablet, it does not open at all."""

    reason = StringProperty("")

    def open(self, *args, **kwargs):
        therapist = app_therapist()
        if therapist is None:
            return

        def open_now():
            super(TherapistView, self).open(*args, **kwargs)
            therapist.stays_while_open(self)

        therapist.ask(self.reason or "Open a page for the therapist", open_now)
