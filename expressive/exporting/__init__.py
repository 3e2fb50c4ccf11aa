"""Exports of a client's portfolio, so the work leaves the tablet safely when it should:

- "pdf": a report of chosen pieces of work, to print or share (`pdf`);
- "html": a web portfolio in a folder that opens in any browser, with no server (`web`);
- "zip": the client's whole record in open formats, which `expressive.importing.import_archive`
  restores exactly (`archive`).

Each is written whole or not at all, readable by this user alone unless asked otherwise,
and leaves nothing behind when it is killed part way (`output`); each is recorded in the
audit log. No Kivy here.

Threads. The portfolio's index belongs to the thread that opened the store, so an export is
made in two steps (see `work`):

    export = prepare(store, client_id, "pdf", artifact_ids=..., include_therapist_notes=..., include_people=...)
        # on the store's thread (the UI thread): records from the index, and the audit entry
    problems = export.write(out, progress)
        # on any thread (a worker): reading, decrypting and checking the files, rendering,
        # writing; `progress(done, total)` is called from that thread

`pdf_report`, `html_portfolio` and `zip_archive` do both steps in one call, for the command
line and tests. `write` returns what could not be included (damaged work), in plain words;
it raises ExportError when the export cannot be written (nothing is left behind), and
anything `progress` raises stops the export the same way, which is how a UI cancels one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from expressive.i18n import _
from expressive.portfolio import Portfolio

from .archive import write_zip_archive
from .output import ExportError, InFlight, Progress
from .pdf import write_pdf_report
from .web import write_html_portfolio
from .work import ClientWork, gather

FORMATS = ("pdf", "html", "zip")
# The audit detail's mark of a report or web portfolio holding photos and films of people.
PEOPLE_INCLUDED = "with-people"

__all__ = ["FORMATS", "Export", "ExportError", "Progress", "html_portfolio", "pdf_report", "prepare", "zip_archive"]


@dataclass(frozen=True)
class Export:
    """An export prepared on the store's thread, to be written on any thread."""

    format: str
    work: ClientWork
    in_flight: InFlight
    include_therapist_notes: bool = False

    def write(self, out: Path, progress: Progress | None = None, *, shared: bool = False) -> list[str]:
        """Write the export to `out`, readable by this user alone, or by every user of the
        device with `shared`."""
        if self.format == "pdf":
            return write_pdf_report(
                self.work, out, self.in_flight, include_therapist_notes=self.include_therapist_notes, shared=shared,
                progress=progress,
            )
        if self.format == "html":
            return write_html_portfolio(self.work, out, self.in_flight, shared=shared, progress=progress)
        return write_zip_archive(self.work, out, self.in_flight, shared=shared, progress=progress)


def prepare(
    store: Portfolio,
    client_id: str,
    format: str,
    *,
    artifact_ids: Iterable[tuple[str, str]] | None = None,
    include_therapist_notes: bool = False,
    include_people: bool = False,
) -> Export:
    """Gather what the export needs and record it in the audit log; on the store's thread.

    `artifact_ids` chooses the work of a PDF report, as (session id, artifact id) pairs (an
    artifact's id is unique only within its session); the web portfolio and the archive
    hold all of the client's work. The therapist's private notes go into a PDF report only
    with `include_therapist_notes`, always into the archive (the client's whole record),
    never into the web portfolio. Work that may show a person (a photo, a film made with
    the camera: metadata SHOWS_PEOPLE) goes into the report and the web portfolio only
    with `include_people`, a line taking its place otherwise; the archive always holds it.
    PortfolioError when the client or a chosen artifact is not in the portfolio.
    """
    if format not in FORMATS:
        raise ValueError(_("Expressive exports as {formats}, not {format}.").format(
            formats=', '.join(FORMATS), format=repr(format)))
    if format == "pdf":
        artifact_ids = list(artifact_ids or ())
        if not artifact_ids:
            raise ValueError(_("A PDF report holds chosen pieces of work: choose at least one."))
    if (format != "pdf" and (artifact_ids is not None or include_therapist_notes)) or (format == "zip" and include_people):
        raise ValueError(_("The {format} export holds all of the client's work as it is: it takes no choice.").format(
            format=format))
    work = gather(store, client_id, artifact_ids, include_people=include_people or format == "zip")
    # Recorded when the data is taken out to be written, whether or not the writing ends well;
    # the detail says when photos and films of people went out too.
    store.audit("export", client_id, f"{format} {PEOPLE_INCLUDED}" if include_people else format)
    return Export(format, work, store.export_in_flight, include_therapist_notes)


def pdf_report(
    store: Portfolio,
    client_id: str,
    artifact_ids: Iterable[tuple[str, str]],
    *,
    include_therapist_notes: bool = False,
    include_people: bool = False,
    out: Path,
    progress: Progress | None = None,
) -> list[str]:
    export = prepare(store, client_id, "pdf", artifact_ids=artifact_ids, include_therapist_notes=include_therapist_notes,
                     include_people=include_people)
    return export.write(out, progress)


def html_portfolio(
    store: Portfolio, client_id: str, *, include_people: bool = False, out: Path, progress: Progress | None = None
) -> list[str]:
    return prepare(store, client_id, "html", include_people=include_people).write(out, progress)


def zip_archive(store: Portfolio, client_id: str, *, out: Path, progress: Progress | None = None) -> list[str]:
    return prepare(store, client_id, "zip").write(out, progress)
