"""Bringing a MIDI file into a client's portfolio from the app, in therapist mode."""

from pathlib import Path

import mido
import pytest
from kivy.uix.modalview import ModalView

from expressive.tools.driver import advance_frames, tap
from tests_support import open_popup_texts, screen, tap_popup_button


def the_chooser(window):
    from expressive.ui.files import FileChooser

    return next(view for view in window.children if isinstance(view, FileChooser))


def choose_file(window, folder, name):
    """In `folder`, the chooser's place, choose `name` (the only file listed) and bring it in."""
    chooser = the_chooser(window)
    files = chooser.ids.files
    assert chooser.place == str(folder)
    for _ in range(60):  # the listing fills in over a few frames
        advance_frames(1)
        if str(folder / name) in files.files:
            break
    assert sorted(Path(listed).name for listed in files.files if Path(listed).is_file()) == [name]
    files.selection = [str(folder / name)]
    advance_frames(1)
    tap(chooser.ids.choose)


@pytest.fixture(autouse=True)
def downloads(tmp_path, monkeypatch):
    """The one folder the file chooser shows: files brought to the tablet are there."""
    monkeypatch.setattr("expressive.ui.files.file_places", lambda: [tmp_path])
    return tmp_path


def test_a_midi_file_chosen_in_the_app_joins_the_portfolio(app, window, tmp_path):
    song = mido.MidiFile()
    song.tracks.append(mido.MidiTrack([mido.Message("note_on", note=69, velocity=80), mido.Message("note_off", note=69, time=480)]))
    song.save(tmp_path / "la.mid")
    (tmp_path / "letter.txt").write_text("not shown: only files Expressive can bring in are listed")
    client = app.store.add_client("Robin")
    app.open_client(client)
    tap(screen(app, "portfolio").ids.bring_in)
    chooser = the_chooser(window)
    assert "*.mid" in chooser.ids.files.filters
    choose_file(window, tmp_path, "la.mid")
    assert any("la.mid is now in Robin's portfolio" in text for text in open_popup_texts(window))
    tap_popup_button(window, "OK")
    (artifact,) = app.store.artifacts(client.id)
    assert artifact.kind == "music" and app.store.read_file(artifact, "music.mid") == (tmp_path / "la.mid").read_bytes()
    advance_frames(2)
    assert screen(app, "portfolio").ids.rows.shown_views(), "the portfolio shows the new session"


def test_a_damaged_file_is_refused_with_a_plain_message(app, window, tmp_path):
    (tmp_path / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06")
    client = app.store.add_client("Sam")
    app.open_client(client)
    tap(screen(app, "portfolio").ids.bring_in)
    choose_file(window, tmp_path, "broken.mid")
    texts = open_popup_texts(window)
    assert any("damaged" in text and "Nothing was changed" in text for text in texts)
    tap_popup_button(window, "OK")
    assert app.store.sessions(client.id) == [] and not [v for v in window.children if isinstance(v, ModalView)]
