"""Backing the portfolio up from the app (therapist mode): where to, the repository's
password (typed, or remembered), and the backup under way with its progress.

restic runs on a worker thread (`expressive.backup.service.upload`), which touches nothing
in the portfolio and reports progress back to the screen, so the app stays responsive; the
backup is recorded and audited on the UI thread, which owns the store. The dialog is modal:
nothing is saved in the portfolio while restic reads it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from expressive.backup.restic import absolute_address
from expressive.backup.service import record_backup, upload, when_words
from expressive.i18n import _
from expressive.portfolio import PortfolioError
from expressive.portfolio.backups import backup_records
from expressive.ui import theme
from expressive.ui.export_dialog import place_icon
from expressive.ui.files import export_places, removable_media
from expressive.ui.rules import load_rules
from expressive.ui.therapist import TherapistView
from expressive.ui.widgets import ChoiceButton

# The folder a backup makes in a chosen place (a USB drive, Documents).
BACKUP_FOLDER_NAME = "Expressive backup"


def backup_places() -> list[Path]:
    """USB drives and cards first (a backup belongs off the tablet), then the export places."""
    places = [*removable_media()]
    places += [place for place in export_places() if place not in places]
    return places


class BackupDialog(TherapistView):
    app = ObjectProperty(None)
    address = StringProperty("")
    remember = BooleanProperty(False)
    can_remember = BooleanProperty(False)
    remembered_here = BooleanProperty(False)
    last_backup = StringProperty("")
    running = BooleanProperty(False)
    fraction = NumericProperty(0)
    message = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._worker: threading.Thread | None = None
        records = backup_records(self.app.store)
        self._remembered = records.remembered()
        self.can_remember = records.can_remember_passwords
        last = records.last()
        self.address = (self._remembered[0] if self._remembered else
                        last.repository if last else str(backup_places()[0] / BACKUP_FOLDER_NAME))
        self.remember = self._remembered is not None
        self.bind(address=lambda *_args: self._see_remembered())
        self._see_remembered()
        self._show_last()
        for place in backup_places():
            button = ChoiceButton(icon=place_icon(place), text=place.name or str(place), value=str(place / BACKUP_FOLDER_NAME))
            button.size = (dp(180), theme.TARGET * 1.2)  # after the kit's rule, which sets a square
            button.bind(on_release=lambda chosen: setattr(self, "address", chosen.value))
            self.bind(address=lambda _dialog, address, button=button: setattr(button, "selected", button.value == address))
            button.selected = button.value == self.address
            self.ids.places.add_widget(button)

    def _see_remembered(self) -> None:
        self.remembered_here = (self._remembered is not None and bool(self.address.strip())
                                and self._remembered[0] == absolute_address(self.address.strip()))

    def _show_last(self) -> None:
        last = backup_records(self.app.store).last()
        self.last_backup = (_("Last backup: {when}, to {where}").format(when=when_words(last), where=last.repository)
                            if last else _("Not backed up yet."))

    def start(self) -> None:
        address = self.address.strip()
        password = self.ids.password.text or (self._remembered[1] if self.remembered_here else "")
        if not address:
            self.message = _("Choose a place above, or type the address of a backup repository.")
            return
        if not password:
            self.message = _("Type the backup's password. A new backup is protected by the password you type now.")
            return
        self.running, self.fraction, self.message = True, 0, _("Backing up...")
        root = self.app.store.root
        self._worker = threading.Thread(target=self._upload, args=(root, address, password), name="expressive-backup",
                                        daemon=True)
        self._worker.start()

    def _upload(self, root: Path, address: str, password: str) -> None:
        def progress(done) -> None:
            Clock.schedule_once(lambda _dt: setattr(self, "fraction", done.fraction))

        made = []
        try:
            repository, snapshot = upload(root, address, password, progress=progress, on_new_repository=made.append)
        except (PortfolioError, OSError) as error:
            reason = str(error)
            Clock.schedule_once(lambda _dt: self._finished(_("Not backed up: {reason}").format(reason=reason)))
        else:
            Clock.schedule_once(lambda _dt: self._record(repository, snapshot, password, new=bool(made)))

    def _record(self, repository: str, snapshot: str, password: str, *, new: bool) -> None:
        try:
            done = record_backup(self.app.store, repository, snapshot, password if self.remember else None)
        except (PortfolioError, OSError) as error:
            self._finished(_("Backed up, but the backup could not be noted in the portfolio: {reason}").format(
                reason=error))
            return
        self._remembered = (repository, password) if self.remember else self._remembered
        self.ids.password.text = ""
        self._see_remembered()
        self._show_last()
        said = _("Backed up to {where}.").format(where=done.repository)
        if new:
            said += " " + _("It is a new backup repository: keep its password safe, as without it the backup cannot be "
                            "read.")
        self._finished(said)

    def _finished(self, message: str) -> None:
        self.running = False
        self.message = message
        self._worker = None

    def close(self) -> None:
        """Close the dialog (not while restic runs: the backup finishes first)."""
        if not self.running:
            self.dismiss(animation=False)

    def wait(self, timeout: float = 120) -> None:
        """For tests: until the worker has finished."""
        if self._worker is not None:
            self._worker.join(timeout)


load_rules(__name__)
