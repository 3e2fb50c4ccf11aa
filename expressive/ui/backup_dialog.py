"""Backing the portfolio up from the app (therapist mode): where to, the repository's
password (typed, or remembered), and the backup under way with its progress. And, on a new
tablet's first start, restoring a backup as this tablet's portfolio.

restic runs on a worker thread (`expressive.backup.service.upload`), which touches nothing
in the portfolio and reports progress back to the screen, so the app stays responsive; the
backup is recorded and audited on the UI thread, which owns the store. The dialog is modal:
nothing is saved in the portfolio while restic reads it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from expressive.backup.restic import Restic, Snapshot, absolute_address
from expressive.backup.service import record_backup, restore, upload, when_words
from expressive.i18n import _, format_date, format_time, ngettext
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
LATEST = "latest"
# The newest backups a restore offers to choose from (a tablet backed up daily for a year
# has hundreds; restic's own list has them all: `expressive backups`).
MOST_BACKUPS_LISTED = 60
EXAMPLE_BACKUPS = 6


def backup_places() -> list[Path]:
    """USB drives and cards first (a backup belongs off the tablet), then the export places."""
    places = [*removable_media()]
    places += [place for place in export_places() if place not in places]
    return places


class ResticDialog(TherapistView):
    """What backing up and restoring share: the repository's address, chosen from the
    places a backup is kept or typed, and restic at work on a thread."""

    app = ObjectProperty(None)
    address = StringProperty("")
    running = BooleanProperty(False)
    message = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._worker: threading.Thread | None = None

    def offer_places(self) -> None:
        for place in backup_places():
            button = ChoiceButton(icon=place_icon(place), text=place.name or str(place), value=str(place / BACKUP_FOLDER_NAME))
            button.size = (dp(180), theme.TARGET * 1.2)  # after the kit's rule, which sets a square
            button.bind(on_release=lambda chosen: setattr(self, "address", chosen.value))
            self.bind(address=lambda _dialog, address, button=button: setattr(button, "selected", button.value == address))
            button.selected = button.value == self.address
            self.ids.place_row.ids.places.add_widget(button)

    def chosen_address(self) -> str:
        """The repository's address, or "" with a word on what to do when none is given."""
        address = self.address.strip()
        if not address:
            self.message = _("Choose a place above, or type the address of a backup repository.")
        return address

    def run(self, work, *arguments) -> None:
        self.running = True
        self._worker = threading.Thread(target=work, args=arguments, name="expressive-restic", daemon=True)
        self._worker.start()

    def _finished(self, message: str) -> None:
        self.running = False
        self.message = message
        self._worker = None

    def close(self) -> None:
        """Close the dialog (not while restic runs: it finishes first)."""
        if not self.running:
            self.dismiss(animation=False)

    def wait(self, timeout: float = 120) -> None:
        """For tests: until the worker has finished."""
        if self._worker is not None:
            self._worker.join(timeout)


class BackupDialog(ResticDialog):
    remember = BooleanProperty(False)
    can_remember = BooleanProperty(False)
    remembered_here = BooleanProperty(False)
    last_backup = StringProperty("")
    fraction = NumericProperty(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
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
        self.offer_places()

    def _see_remembered(self) -> None:
        self.remembered_here = (self._remembered is not None and bool(self.address.strip())
                                and self._remembered[0] == absolute_address(self.address.strip()))

    def _show_last(self) -> None:
        last = backup_records(self.app.store).last()
        self.last_backup = (_("Last backup: {when}, to {where}").format(when=when_words(last), where=last.repository)
                            if last else _("Not backed up yet."))

    def start(self) -> None:
        address = self.chosen_address()
        password = self.ids.password.text or (self._remembered[1] if self.remembered_here else "")
        if not address:
            return
        if not password:
            self.message = _("Type the backup's password. A new backup is protected by the password you type now.")
            return
        self.fraction, self.message = 0, _("Backing up...")
        self.run(self._upload, self.app.store.root, address, password)

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



class RestoreDialog(ResticDialog):
    """A new tablet's first start: every client back from a backup (the latest, or an
    earlier one the therapist chooses from the list of them), restored as this tablet's
    portfolio, which then opens with that portfolio's passphrase. The portfolio folder
    appears only once it is whole (see `restore`)."""

    # The snapshot to restore: "latest", or the id of one chosen from the list.
    snapshot = StringProperty(LATEST)
    which = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.address = str(backup_places()[0] / BACKUP_FOLDER_NAME)
        self.offer_places()
        # Another repository has other backups: its latest is restored until one is chosen.
        self.bind(address=lambda *_args: self._forget_listed())
        self._forget_listed()

    def _forget_listed(self) -> None:
        self.snapshot, self.which = LATEST, _("The latest backup is restored.")
        self.ids.snapshot_row.ids.places.clear_widgets()

    def _password(self) -> str:
        password = self.ids.password.text
        if not password:
            self.message = _("Type the backup's password: the one chosen when the backup was made.")
        return password

    def list_backups(self) -> None:
        address = self.chosen_address()
        password = address and self._password()
        if password:
            self.message = _("Looking for the backups...")
            self.run(self._list, address, password)

    def _list(self, address: str, password: str) -> None:
        try:
            snapshots = Restic(address, password).snapshots()
        except (PortfolioError, OSError) as error:
            reason = str(error)
            Clock.schedule_once(lambda _dt: self._finished(_("The backups could not be listed: {reason}").format(
                reason=reason)))
        else:
            Clock.schedule_once(lambda _dt: self._show_listed(snapshots))

    def _show_listed(self, snapshots: list[Snapshot]) -> None:
        row = self.ids.snapshot_row.ids.places
        row.clear_widgets()
        for snapshot in reversed(snapshots[-MOST_BACKUPS_LISTED:]):
            made = snapshot.time.astimezone()
            button = ChoiceButton(icon="history", text=f"{format_date(made)}, {format_time(made)}", value=snapshot.id)
            button.size = (dp(220), theme.TARGET * 1.2)  # after the kit's rule, which sets a square
            button.bind(on_release=lambda chosen: self._choose(chosen.value, chosen.text))
            row.add_widget(button)
        if snapshots:
            self._choose(snapshots[-1].id, "")
        self._finished(ngettext("{n} backup, newest first: choose the one to restore.",
                                "{n} backups, newest first: choose the one to restore.", len(snapshots)).format(
            n=len(snapshots)) if snapshots else _("There is no backup in this repository yet."))

    def _choose(self, snapshot: str, when: str) -> None:
        self.snapshot = snapshot
        for button in self.ids.snapshot_row.ids.places.children:
            button.selected = button.value == snapshot
        self.which = (_("The backup made {when} is restored.").format(when=when) if when
                      else _("The latest backup is restored."))

    def start(self) -> None:
        address = self.chosen_address()
        password = address and self._password()
        if not password:
            return
        self.message = _("Restoring... This can take a few minutes for a large portfolio.")
        self.run(self._restore, address, password, self.app.portfolio_root, self.snapshot)

    def _restore(self, address: str, password: str, target: Path, snapshot: str) -> None:
        try:
            restore(address, password, target, snapshot=snapshot)
        except (PortfolioError, OSError) as error:
            reason = str(error)
            Clock.schedule_once(lambda _dt: self._finished(_("Not restored: {reason}").format(reason=reason)))
        else:
            Clock.schedule_once(lambda _dt: self._restored())

    def _restored(self) -> None:
        self._finished("")
        self.dismiss(animation=False)
        self.app.open_what_is_there()
        self.app.tell(_("Restored"), _("Every client in the backup is back on this tablet. Open the portfolio with "
                                       "its passphrase or PIN: the one it had on the tablet it was backed up from."))


def show_example_backups(app) -> None:
    """The restore dialog with a list of backups to choose from, one of them chosen, as the
    layout walk looks at it (no repository is read)."""
    dialog = RestoreDialog(app=app)
    dialog.open()
    newest = datetime(2026, 3, 2, 17, 45, tzinfo=UTC)
    dialog._show_listed([Snapshot(f"{number:064x}", newest - timedelta(days=7 * number), ())
                         for number in reversed(range(EXAMPLE_BACKUPS))])
    earlier = dialog.ids.snapshot_row.ids.places.children[-2]
    dialog._choose(earlier.value, earlier.text)


load_rules(__name__)
