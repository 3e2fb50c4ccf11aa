"""The therapist's presence as the app knows it: client mode, the PIN, and the popups only
the therapist may open.

One rule for every activity and screen: in client mode a therapist-only action runs only
after the therapist's PIN, and a therapist-only popup (`TherapistView`) asks for it
itself when something opens it without.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.filechooser import FileChooserController
from kivy.uix.modalview import ModalView

from expressive.activity import Therapist
from expressive.i18n import _


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
        # Once a view: one opened again (after the PIN) must not count, or close, twice.
        if self._app.client_mode and view not in self._open_views:
            self._open_views.append(view)
            view.fbind("on_dismiss", self._closed)

    def _closed(self, view: ModalView) -> None:
        if view in self._open_views:
            self._open_views.remove(view)

    def keep_from_client(self, chooser: FileChooserController) -> None:
        """A file chooser about to list a folder without the therapist: the popup holding it
        closes and opens again, listing, only after the PIN; one inside an activity's own
        screen is taken out of it."""
        view = next((holder for holder in _holders(chooser) if isinstance(holder, ModalView)), None)
        if view is None:
            if chooser.parent is not None:
                chooser.parent.remove_widget(chooser)
            return
        view.dismiss(animation=False)

        def open_for_the_therapist():
            view.open(animation=False)
            self.stays_while_open(view)
            chooser._trigger_update()

        self.ask(_("Look at the files on this tablet"), open_for_the_therapist)


def _holders(widget):
    while widget.parent is not None and widget.parent is not widget:
        widget = widget.parent
        yield widget


_list_folder = FileChooserController._update_files


# Named as the method it stands in for: Kivy's clock calls a method back by its name.
def _update_files(chooser, *args, **kwargs):
    """List the chooser's folder, when the therapist is present."""
    therapist = app_therapist()
    if therapist is None or therapist.is_present():
        _list_folder(chooser, *args, **kwargs)
    else:
        therapist.keep_from_client(chooser)


def keep_file_choosers_for_the_therapist() -> None:
    """Every file chooser, whoever made it, lists a folder only for the therapist.

    A rule of the host rather than trust in each activity: a third-party activity that opens
    Kivy's own file chooser without asking the Host still cannot show the client the device's
    files. Kivy lists a folder in `_update_files` (when a chooser is made and whenever its
    path changes), so that is where the therapist's presence is checked."""
    FileChooserController._update_files = _update_files


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

        therapist.ask(self.reason or _("Open a page for the therapist"), open_now)
