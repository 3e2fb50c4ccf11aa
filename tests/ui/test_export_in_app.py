"""Exporting from the app: the work is written on a worker while the screen shows progress."""

import io

import pytest
from pypdf import PdfReader

from expressive.demo import make_demo
from expressive.tools.driver import advance_frames, tap
from tests_support import screen


@pytest.fixture
def app(app):
    """The app with the demo client's portfolio open."""
    client, _made = make_demo(app.store)
    app.open_client(app.store.client(client.id))
    return app


def the_dialog(window):
    from expressive.ui.export_dialog import ExportDialog

    return next(view for view in window.children if isinstance(view, ExportDialog))


def run(dialog):
    tap(dialog.ids.go)
    dialog.wait()
    advance_frames(3)


def test_a_report_of_the_favourites_and_an_archive_are_written_where_it_says(app, window, tmp_path, monkeypatch):
    out = tmp_path / "exports"
    out.mkdir()
    monkeypatch.setattr("expressive.ui.export_dialog.start_folder", lambda: out)
    store = app.store
    favourite = store.artifacts(app.client.id)[-1]
    store.set_star(favourite, True)
    tap(screen(app, "portfolio").ids.export)
    dialog = the_dialog(window)
    tap(dialog.ids.favourites_only)
    run(dialog)
    (report,) = out.glob("*.pdf")
    assert dialog.message == f"Saved to {report}." and not dialog.running
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.read_bytes())).pages)
    assert favourite.title in text
    tap(dialog.ids.zip)
    run(dialog)
    assert len(list(out.glob("*.zip"))) == 1
    tap(dialog.ids.cancel)
    assert dialog.parent is None


def test_cancelling_leaves_nothing_that_looks_finished(app, window, tmp_path, monkeypatch):
    from expressive.exporting import prepare

    out = tmp_path / "exports"
    out.mkdir()
    monkeypatch.setattr("expressive.ui.export_dialog.start_folder", lambda: out)
    tap(screen(app, "portfolio").ids.export)
    dialog = the_dialog(window)
    dialog.running = True
    tap(dialog.ids.cancel)
    assert dialog._cancelled.is_set() and dialog.parent is not None, "Cancel while running stops the export, not the dialog"
    # The worker's side, run here so that the cancel lands at a known moment: the first
    # progress report after Cancel stops the export.
    dialog._write(prepare(app.store, app.client.id, "zip"), out / "archive.zip")
    advance_frames(2)
    assert dialog.message == "Cancelled: nothing was saved." and not list(out.iterdir())
