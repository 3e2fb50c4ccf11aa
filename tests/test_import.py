"""`expressive import`: files made elsewhere come into a client's portfolio whole, or not
at all. Real MIDI files from ../shared/data/midi and small ones made here with mido."""

import os
import subprocess
import sys
from pathlib import Path

import mido
import pytest

from expressive.activity import ImportRefused
from expressive.importing import import_file
from expressive.portfolio import Portfolio
from expressive.registry import discover
from sample_work import tree_fingerprint

SHARED_MIDI = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "midi"
needs_shared = pytest.mark.skipif(not SHARED_MIDI.is_dir(), reason=f"the shared test MIDI files are not at {SHARED_MIDI}")
DAMAGED = {
    "test-empty-file.mid": "This file is empty.",
    "test-not-a-midi-file.mid": "This is not a MIDI file.",
    "test-illegal-message-f4.mid": "damaged",
    "test-corrupt-file-extra-byte.mid": "damaged",
    "test-silence-all-notes-off.mid": "no notes",
}


def expressive(*args):
    environment = {key: value for key, value in os.environ.items() if key != "EXPRESSIVE_PORTFOLIO"}
    return subprocess.run([sys.executable, "-m", "expressive", *args], capture_output=True, text=True, env=environment, timeout=300)


def a_song(path: Path) -> Path:
    song = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    for note in (60, 64, 67):
        track += [mido.Message("note_on", note=note, velocity=90, time=0), mido.Message("note_off", note=note, time=480)]
    song.tracks.append(track)
    song.save(path)
    return path


@pytest.fixture
def portfolio(tmp_path):
    store = Portfolio.open(tmp_path / "portfolio")
    client = store.add_client("Robin")
    yield store, client
    store.close()


def test_a_midi_file_comes_in_byte_for_byte_with_its_sound_and_roll(portfolio, tmp_path):
    store, client = portfolio
    song = a_song(tmp_path / "My_tune.mid")
    artifact = import_file(store, discover(), client.id, song)
    assert (artifact.activity, artifact.kind, artifact.title) == ("music", "music", "My tune")
    assert store.read_file(artifact, "music.mid") == song.read_bytes()
    assert store.read_file(artifact, "music.wav").startswith(b"RIFF")
    assert store.read_file(artifact, "thumbnail.png").startswith(b"\x89PNG")
    session = store.session(client.id, artifact.session_id)
    assert session.plan_id == "imported" and session.ended is not None
    assert artifact.metadata["imported_from"] == "My_tune.mid" and artifact.metadata["notes"] == 3


@pytest.mark.parametrize("name, content, words", [
    ("photo.bmp", b"BM", "can't bring in .bmp files"),
    ("song.mid", b"MThd\x00\x00\x00\x06\x00\x01", "damaged"),
    ("song.mid", b"", "empty"),
])
def test_what_cannot_come_in_is_refused_and_changes_nothing(portfolio, tmp_path, name, content, words):
    store, client = portfolio
    before = tree_fingerprint(store.root)
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ImportRefused, match=words):
        import_file(store, discover(), client.id, tmp_path / name)
    assert tree_fingerprint(store.root) == before
    assert store.sessions(client.id) == []


@needs_shared
@pytest.mark.parametrize("path", sorted(SHARED_MIDI.glob("*.mid")) if SHARED_MIDI.is_dir() else [], ids=lambda path: path.stem)
def test_every_shared_midi_file_comes_in_or_is_refused_in_plain_words(portfolio, path):
    store, client = portfolio
    before = tree_fingerprint(store.root)
    if path.name in DAMAGED:
        with pytest.raises(ImportRefused, match=DAMAGED[path.name]) as refused:
            import_file(store, discover(), client.id, path)
        assert "mido" not in str(refused.value) and "0x" not in str(refused.value), "words for a person"
        assert tree_fingerprint(store.root) == before
    else:
        artifact = import_file(store, discover(), client.id, path)
        assert store.read_file(artifact, "music.mid") == path.read_bytes()
        assert artifact.metadata["notes"] > 0 and store.verify_artifact(artifact) == []


def test_the_command_imports_for_a_client_named_and_refuses_with_exit_one(tmp_path):
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as store:
        store.add_client("Robin")
    good = expressive("import", str(a_song(tmp_path / "tune.mid")), "--client", "robin", "--portfolio", str(root))
    assert good.returncode == 0, good.stderr
    assert "Brought tune.mid into Robin's portfolio" in good.stdout
    (tmp_path / "notes.mid").write_text("these are my notes")
    bad = expressive("import", str(tmp_path / "notes.mid"), "--client", "Robin", "--portfolio", str(root))
    assert bad.returncode == 1
    assert bad.stderr.strip() == "expressive: This is not a MIDI file. Nothing was changed."
    nobody = expressive("import", str(tmp_path / "tune.mid"), "--client", "Sam", "--portfolio", str(root))
    assert nobody.returncode == 2 and "There is no client 'Sam'" in nobody.stderr
    with Portfolio.open(root) as store:
        (client,) = store.clients()
        assert len(store.artifacts(client.id)) == 1
