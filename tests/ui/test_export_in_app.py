"""Exporting from the app: the work is written on a worker while the screen shows progress."""

import io

import pytest
from pypdf import PdfReader

from expressive.tools.driver import advance_frames, tap
from tests_support import screen


@pytest.fixture
def app(demo_app):
    return demo_app


@pytest.fixture
def out(tmp_path, monkeypatch):
    """The one place to export to, and a preferences file of this test's own."""
    folder = tmp_path / "exports"
    folder.mkdir()
    monkeypatch.setattr("expressive.ui.export_dialog.export_places", lambda: [folder])
    monkeypatch.setattr("expressive.preferences.preferences_file", lambda: tmp_path / "preferences.json")
    return folder


def the_dialog(window):
    from expressive.ui.export_dialog import ExportDialog

    return next(view for view in window.children if isinstance(view, ExportDialog))


def run(dialog):
    tap(dialog.ids.go)
    dialog.wait()
    # The worker's last reports reach the screen over the next frames.
    for _ in range(30):
        advance_frames(1)
        if not dialog.running:
            break


def test_a_report_of_the_favourites_and_an_archive_are_written_where_it_says(app, window, out):
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
    assert dialog.format == "zip"
    run(dialog)
    assert len(list(out.glob("*.zip"))) == 1, dialog.message
    tap(dialog.ids.cancel)
    assert dialog.parent is None


def test_cancelling_leaves_nothing_that_looks_finished(app, window, out):
    from expressive.exporting import prepare

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


def test_the_export_goes_to_the_place_chosen_and_that_place_is_offered_first_next_time(app, window, tmp_path, monkeypatch):
    from expressive.preferences import preference

    documents, stick = tmp_path / "Documents", tmp_path / "media" / "STICK"
    documents.mkdir()
    stick.mkdir(parents=True)
    monkeypatch.setattr("expressive.ui.files.user_documents_dir", lambda: str(documents))
    monkeypatch.setattr("expressive.ui.files.user_downloads_dir", lambda: str(tmp_path / "no-downloads"))
    monkeypatch.setattr("expressive.ui.files.removable_media", lambda: [stick])
    monkeypatch.setattr("expressive.ui.export_dialog.removable_media", lambda: [stick])
    monkeypatch.setattr("expressive.preferences.preferences_file", lambda: tmp_path / "preferences.json")
    tap(screen(app, "portfolio").ids.export)
    dialog = the_dialog(window)
    places = {button.text: button for button in dialog.ids.places.children}
    assert set(places) == {"Documents", "STICK"} and places["Documents"].selected, "only sensible places, Documents first"
    assert places["STICK"].icon == "usb-flash-drive-outline"
    tap(places["STICK"])
    assert places["STICK"].selected and not places["Documents"].selected
    tap(dialog.ids.zip)
    assert dialog.destination.startswith(str(stick))
    run(dialog)
    assert len(list(stick.glob("*.zip"))) == 1 and not list(documents.iterdir())
    assert preference("export_folder") == str(stick)
    tap(dialog.ids.cancel)

    tap(screen(app, "portfolio").ids.export)
    again = the_dialog(window)
    assert {button.text: button.selected for button in again.ids.places.children} == {"Documents": False, "STICK": True}
    assert again.destination.startswith(str(stick))


def test_the_report_says_how_to_put_private_notes_in_with_the_control_it_has(app, window, out):
    tap(screen(app, "portfolio").ids.export)
    dialog = the_dialog(window)
    words = " ".join(label.text for label in dialog.walk() if hasattr(label, "text"))
    assert "tick" not in words and "'Include my private notes' is on" in words
