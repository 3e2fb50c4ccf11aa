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
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from expressive.exporting import ExportError, prepare
from expressive.portfolio import PortfolioError
from expressive.ui import widgets  # noqa: F401  (registers IconButton, ChoiceButton, Card)
from expressive.ui.files import start_folder
from expressive.ui.therapist import TherapistView
from expressive.ui.rules import load_rules

ENDINGS = {"pdf": ".pdf", "html": "", "zip": ".zip"}


class ExportCancelled(Exception):
    """The therapist cancelled the export; nothing finished-looking was left behind."""


def export_destination(client_name: str, format: str, folder: Path | None = None) -> Path:
    """Where an export goes: the tablet's downloads, named after the client and the day,
    never over an earlier export."""
    folder = folder or start_folder()
    stem = re.sub(r"[^\w-]+", "-", client_name).strip("-") or "client"
    base = f"Expressive-{stem}-{datetime.now():%Y-%m-%d}"
    candidate, number = folder / f"{base}{ENDINGS[format]}", 2
    while candidate.exists():
        candidate, number = folder / f"{base}-{number}{ENDINGS[format]}", number + 1
    return candidate


class ExportDialog(TherapistView):
    app = ObjectProperty(None)
    format = StringProperty("pdf")
    therapist_notes = BooleanProperty(False)
    favourites_only = BooleanProperty(False)
    running = BooleanProperty(False)
    done = NumericProperty(0)
    total = NumericProperty(1)
    destination = StringProperty("")
    message = StringProperty("")

    def __init__(self, folder: Path | None = None, **kwargs):
        super().__init__(**kwargs)
        self._folder = folder
        self._cancelled = threading.Event()
        self._worker: threading.Thread | None = None
        self.bind(format=lambda *_args: self._name_destination())
        self._name_destination()

    def _name_destination(self) -> None:
        self.destination = str(export_destination(self.app.client.name, self.format, self._folder))

    def start(self) -> None:
        app = self.app
        store, client = app.store, app.client
        chosen = None
        if self.format == "pdf":
            work = store.gallery(client.id, starred=True) if self.favourites_only else store.artifacts(client.id)
            chosen = [(artifact.session_id, artifact.id) for artifact in work if not artifact.damaged]
            if not chosen:
                self.message = "There is nothing to put in the report yet." if not self.favourites_only else (
                    "No favourites yet: star pieces of work, or include all of them.")
                return
        try:
            export = prepare(store, client.id, self.format, artifact_ids=chosen,
                             include_therapist_notes=self.therapist_notes and self.format == "pdf")
        except (ExportError, PortfolioError, ValueError) as error:
            self.message = str(error)
            return
        self.running, self.done, self.total, self.message = True, 0, 1, "Exporting..."
        self._cancelled.clear()
        out = Path(self.destination)
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
            Clock.schedule_once(lambda _dt: self._finished("Cancelled: nothing was saved."))
        except (ExportError, PortfolioError, OSError, ValueError) as error:
            reason = str(error)
            Clock.schedule_once(lambda _dt: self._finished(f"Not exported: {reason}"))
        else:
            left_out = f" Left out: {'; '.join(problems)}." if problems else ""
            Clock.schedule_once(lambda _dt: self._finished(f"Saved to {out}.{left_out}"))

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
