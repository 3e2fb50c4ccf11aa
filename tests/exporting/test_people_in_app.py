"""The export dialog's "Include photos and films of people": off every time it opens, and
what it says is what the web page holds."""

from pathlib import Path

import pytest

from expressive.tools.driver import advance_frames, stop_app, tap
from sample_work import drawing_draft
from test_film_export import photos_work
from test_people import LEFT_OUT, PHOTOS_TITLE
from tests_support import screen, start_protected


@pytest.fixture
def app(window, portfolio_dir, tmp_path, monkeypatch):
    """The app on a client with a drawing and photos; exports go to one folder of the test's own."""
    running = start_protected(portfolio_dir)
    store = running.store
    client = store.add_client("Robin")
    session = store.start_session(client.id, plan_id="free")
    store.save_artifact(client.id, session.id, "drawing", drawing_draft("A house"))
    store.save_artifact(client.id, session.id, "photo", photos_work(PHOTOS_TITLE))
    running.open_client(store.client(client.id))
    (tmp_path / "exports").mkdir()
    monkeypatch.setattr("expressive.ui.export_dialog.export_places", lambda: [tmp_path / "exports"])
    monkeypatch.setattr("expressive.preferences.preferences_file", lambda: tmp_path / "preferences.json")
    yield running
    stop_app(running)


def _dialog(app, window):
    from expressive.ui.export_dialog import ExportDialog

    tap(screen(app, "portfolio").ids.export, frames=1)
    return next(view for view in window.children if isinstance(view, ExportDialog))


def _web_page(dialog) -> str:
    if dialog.format != "html":
        tap(dialog.ids.html, frames=1)
    out = Path(dialog.destination)
    tap(dialog.ids.go, frames=1)
    dialog.wait()
    for _ in range(30):
        if not dialog.running:
            break
        advance_frames(1)
    assert dialog.message == f"Saved to {out}.", dialog.message
    return (out / "index.html").read_text()


def test_the_switch_is_off_each_time_and_the_page_holds_what_it_says(app, window):
    dialog = _dialog(app, window)
    assert not dialog.include_people and dialog.ids.include_people.opacity == 1
    page = _web_page(dialog)
    assert LEFT_OUT in page and PHOTOS_TITLE not in page
    tap(dialog.ids.include_people, frames=1)
    assert dialog.include_people
    page = _web_page(dialog)
    assert LEFT_OUT not in page and PHOTOS_TITLE in page
    dialog.dismiss(animation=False)
    again = _dialog(app, window)
    assert again is not dialog and not again.include_people, "never remembered"
