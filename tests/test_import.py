"""`expressive import`: files made elsewhere come into a client's portfolio whole, or not
at all. Real MIDI files from ../shared/data/midi and small ones made here with mido."""

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import mido
import pytest

from expressive.activity import ImportRefused
from expressive.importing import import_file
from expressive.portfolio import Portfolio, PortfolioError
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


def killed_at_random(command, moments, seed):
    """Run `expressive COMMAND` once per moment, each killed (SIGKILL) that long after it started."""
    randomly = random.Random(seed)
    for _ in range(moments):
        running = subprocess.Popen([sys.executable, "-m", "expressive", *command],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(randomly.uniform(0.3, 3.0))
        running.kill()
        running.wait()


def test_a_killed_archive_import_leaves_the_client_whole_or_absent_and_check_names_the_rest(tmp_path, demo_copy):
    source, target = demo_copy(tmp_path / "source"), tmp_path / "target"
    archive = tmp_path / "robin.zip"
    assert expressive("export", "Robin (demo)", "--format", "zip", "--out", str(archive), "--portfolio", str(source)).returncode == 0
    with Portfolio.open(source) as store:
        (original,) = store.clients()
        whole = (len(store.sessions(original.id)), len(store.artifacts(original.id)))
    killed_at_random(["import", str(archive), "--portfolio", str(target)], 6, "archive")
    check = expressive("check", "--portfolio", str(target))
    assert check.returncode == 0, check.stdout + check.stderr
    with Portfolio.open(target) as store:
        for client in store.clients():
            assert (len(store.sessions(client.id)), len(store.artifacts(client.id))) == whole, "whole, or not there"
    unfinished = list((target / "clients").glob(".building-*"))
    for folder in unfinished:
        assert f"clients/{folder.name} is a client being restored from an archive, interrupted" in check.stdout
    assert expressive("check", "--repair", "--portfolio", str(target)).returncode == 0
    assert not list((target / "clients").glob(".building-*"))


def test_a_killed_or_refused_file_import_never_leaves_an_empty_session(tmp_path, monkeypatch):
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as store:
        client = store.add_client("Robin")
    song = a_song(tmp_path / "tune.mid")
    killed_at_random(["import", str(song), "--client", "Robin", "--portfolio", str(root)], 5, "midi")
    assert expressive("check", "--portfolio", str(root)).returncode == 0
    with Portfolio.open(root) as store:
        assert all(store.artifacts(client.id, session.id) for session in store.sessions(client.id))

        def full_device(*args, **options):
            raise PortfolioError("Could not save the music: the device is full.")

        monkeypatch.setattr(Portfolio, "save_artifact", full_device)
        sessions = store.sessions(client.id)
        # A kill may have left a hidden unfinished session (check --repair removes it); the
        # refused import must add none.
        hidden = sorted((root / "clients" / client.id / "sessions").glob(".*"))
        with pytest.raises(PortfolioError, match="the device is full"):
            import_file(store, discover(), client.id, song)
        assert store.sessions(client.id) == sessions
    assert sorted((root / "clients" / client.id / "sessions").glob(".*")) == hidden
