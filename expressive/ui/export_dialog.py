"""Exporting a client's work from the app (therapist mode): choose what, see it go, cancel.

The records are gathered on the UI thread (the store's index belongs to it); the files
are read and written on a worker thread, which reports progress back to the screen, so
a long export never freezes it.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime
from pathlib import Path

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from expressive.exporting import ExportError, prepare
from expressive.i18n import _
from expressive.portfolio import PortfolioError
from expressive.preferences import preference, remember
from expressive.ui import theme
from expressive.ui.files import EXPORT_FOLDER, export_places, removable_media
from expressive.ui.therapist import TherapistView
from expressive.ui.widgets import ChoiceButton
from expressive.ui.rules import load_rules

ENDINGS = {"pdf": ".pdf", "html": "", "zip": ".zip"}


class ExportCancelled(Exception):
    """The therapist cancelled the export; nothing finished-looking was left behind."""


def export_destination(client_name: str, format: str, folder: Path) -> Path:
    """Where an export goes in `folder`: named after the client and the day, never over an
    earlier export."""
    stem = re.sub(r"[^\w-]+", "-", client_name).strip("-") or "client"
    base = f"Expressive-{stem}-{datetime.now():%Y-%m-%d}"
    candidate, number = folder / f"{base}{ENDINGS[format]}", 2
    while candidate.exists():
        candidate, number = folder / f"{base}-{number}{ENDINGS[format]}", number + 1
    return candidate


def place_icon(place: Path) -> str:
    if place in removable_media():
        return "usb-flash-drive-outline"
    return "folder-outline"


class ExportDialog(TherapistView):
    """Choose what to export and where (one of `export_places()`, the one used last time
    first), see it go, cancel it."""

    app = ObjectProperty(None)
    format = StringProperty("pdf")
    folder = StringProperty("")
    therapist_notes = BooleanProperty(False)
    # Photos and films that may show a person go into a report or a web page only when the
    # therapist turns this on, each time: it is never remembered.
    include_people = BooleanProperty(False)
    favourites_only = BooleanProperty(False)
    running = BooleanProperty(False)
    done = NumericProperty(0)
    total = NumericProperty(1)
    destination = StringProperty("")
    message = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._cancelled = threading.Event()
        self._worker: threading.Thread | None = None
        self._fill_places()
        self.bind(format=lambda *_args: self._name_destination(), folder=lambda *_args: self._name_destination())
        self._name_destination()

    def _fill_places(self) -> None:
        places = export_places()
        remembered = preference(EXPORT_FOLDER)
        self.folder = remembered if remembered in [str(place) for place in places] else str(places[0])
        for place in places:
            button = ChoiceButton(icon=place_icon(place), text=place.name or str(place), value=str(place),
                                  selected=str(place) == self.folder)
            button.size = (dp(180), theme.TARGET * 1.2)  # after the kit's rule, which sets a square
            button.bind(on_release=lambda chosen: setattr(self, "folder", chosen.value))
            self.bind(folder=lambda _dialog, folder, button=button: setattr(button, "selected", button.value == folder))
            self.ids.places.add_widget(button)

    def _name_destination(self) -> None:
        self.destination = str(export_destination(self.app.client.name, self.format, Path(self.folder)))

    def start(self) -> None:
        app = self.app
        store, client = app.store, app.client
        chosen = None
        if self.format == "pdf":
            work = store.gallery(client.id, starred=True) if self.favourites_only else store.artifacts(client.id)
            chosen = [(artifact.session_id, artifact.id) for artifact in work if not artifact.damaged]
            if not chosen:
                self.message = _("There is nothing to put in the report yet.") if not self.favourites_only else _(
                    "No favourites yet: star pieces of work, or include all of them.")
                return
        try:
            export = prepare(store, client.id, self.format, artifact_ids=chosen,
                             include_therapist_notes=self.therapist_notes and self.format == "pdf",
                             include_people=self.include_people and self.format != "zip")
        except (ExportError, PortfolioError, ValueError) as error:
            self.message = str(error)
            return
        self.running, self.done, self.total, self.message = True, 0, 1, _("Exporting...")
        self._cancelled.clear()
        out = Path(self.destination)
        remember(EXPORT_FOLDER, self.folder)
        self._worker = threading.Thread(target=self._write, args=(export, out), name="expressive-export", daemon=True)
        self._worker.start()

    def _write(self, export, out: Path) -> None:
        def progress(done: int, total: int) -> None:
            if self._cancelled.is_set():
                raise ExportCancelled()
            Clock.schedule_once(lambda _dt: self._progress(done, total))

        try:
            problems = export.write(out, progress)
        except ExportCancelled:
            Clock.schedule_once(lambda _dt: self._finished(_("Cancelled: nothing was saved.")))
        except (ExportError, PortfolioError, OSError, ValueError) as error:
            reason = str(error)
            Clock.schedule_once(lambda _dt: self._finished(_("Not exported: {reason}").format(reason=reason)))
        else:
            saved = (_("Saved to {path}. Left out: {problems}.").format(path=out, problems="; ".join(problems))
                     if problems else _("Saved to {path}.").format(path=out))
            Clock.schedule_once(lambda _dt: self._finished(saved))

    def _progress(self, done: int, total: int) -> None:
        self.done, self.total = done, max(1, total)

    def _finished(self, message: str) -> None:
        self.running = False
        self.message = message
        self._worker = None
        self._name_destination()

    def cancel(self) -> None:
        """Stop an export under way (its worker finishes cleanly), or close the dialog."""
        if self.running:
            self._cancelled.set()
        else:
            self.dismiss(animation=False)

    def wait(self, timeout: float = 30) -> None:
        """For tests: until the worker has finished."""
        if self._worker is not None:
            self._worker.join(timeout)


load_rules(__name__)
