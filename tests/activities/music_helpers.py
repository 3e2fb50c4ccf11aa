"""Shared by the music activity tests: a host whose sound and MIDI are fakes the tests
can read and play, songs made with mido, and what the fake engine was asked to play."""

from __future__ import annotations

import io
import logging
import threading
import time
from dataclasses import dataclass

import mido

from expressive.activities.music.activity import MusicActivity
from expressive.activity import Host, Library, MemoryDrafts
from expressive.audio import FakeAudioEngine
from expressive.midi import FakeMidiInput

MIDI_THREAD = "midi-fake-input"
PLAYER_THREAD = "expressive-player"


class ThreadNotingEngine(FakeAudioEngine):
    """A FakeAudioEngine that also notes which thread started or stopped each note."""

    def __init__(self):
        super().__init__()
        self.threads: list[tuple[str, tuple, str]] = []

    def _record(self, call: str, *args) -> None:
        super()._record(call, *args)
        with self._lock:
            self.threads.append((call, args, threading.current_thread().name))


class FakeMedia:
    """What `Host.media` lends: this engine and this MIDI input, both fakes."""

    def __init__(self, engine: FakeAudioEngine | None = None, midi: FakeMidiInput | None = None):
        self.engine = engine if engine is not None else ThreadNotingEngine()
        self.midi_input = midi if midi is not None else FakeMidiInput()

    def audio(self):
        return self.engine

    def midi(self):
        return self.midi_input

    def close(self) -> None:
        self.midi_input.stop()
        self.engine.close()


@dataclass
class Music:
    """An activity with its fake media, ready to play."""

    activity: MusicActivity
    media: FakeMedia

    @property
    def engine(self) -> ThreadNotingEngine:
        return self.media.engine

    @property
    def midi(self) -> FakeMidiInput:
        return self.media.midi_input


def make_activity(
    complexity: str = "standard", *, midi: FakeMidiInput | None = None, songs: Library | None = None
) -> Music:
    """A music activity on a host with fake media (not built, not started)."""
    media = FakeMedia(midi=midi)
    host = Host(
        drafts=MemoryDrafts(),
        logger=logging.getLogger("test.music"),
        settings={"complexity": complexity},
        media=media,
        songs=songs if songs is not None else Library(),
    )
    return Music(MusicActivity(host), media)


def notes_on(engine: FakeAudioEngine, since: int = 0) -> list[tuple[int, int, str]]:
    """(note, velocity, instrument) of every note_on the engine was asked for."""
    return [args for _t, call, args in engine.calls[since:] if call == "note_on"]


def notes_off(engine: FakeAudioEngine, since: int = 0) -> list[tuple[int, str]]:
    """(note, instrument) of every note_off the engine was asked for."""
    return [args for _t, call, args in engine.calls[since:] if call == "note_off"]


def note_calls(engine: FakeAudioEngine, since: int = 0) -> list[tuple]:
    """note_on and note_off calls in order, each as ("on", note, velocity, instrument)
    or ("off", note, instrument)."""
    return [
        ("on", *args) if call == "note_on" else ("off", *args)
        for _t, call, args in engine.calls[since:]
        if call in ("note_on", "note_off")
    ]


def wait_until(condition, *, timeout: float = 10.0, step=None) -> None:
    """Poll `condition` until it holds; `step()` (default: a short sleep) runs between
    polls, e.g. advancing frames. Fails after `timeout` seconds, a bound and no claim
    about speed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s: {condition}")
        if step is None:
            time.sleep(0.01)
        else:
            step()


def song_bytes(notes: list[tuple[int, float]], *, title: str = "Little song", channel: int = 0, program: int = 0,
               ticks_per_beat: int = 480) -> bytes:
    """A type 1 MIDI file at 120 bpm playing `notes` one after another, each (note, seconds)."""
    ticks_per_second = ticks_per_beat * 2
    track = mido.MidiTrack([mido.MetaMessage("track_name", name=title)])
    if channel != 9:
        track.append(mido.Message("program_change", channel=channel, program=program))
    for note, seconds in notes:
        track.append(mido.Message("note_on", channel=channel, note=note, velocity=90, time=0))
        track.append(mido.Message("note_off", channel=channel, note=note, velocity=0,
                                  time=round(seconds * ticks_per_second)))
    track.append(mido.MetaMessage("end_of_track", time=0))
    midi = mido.MidiFile(type=1, ticks_per_beat=ticks_per_beat)
    midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def midi_notes(data: bytes) -> list[tuple[int, int, int]]:
    """(channel, note, velocity) of every sounding note_on in a MIDI file, read with mido
    (not with the app's reader), in file order."""
    midi = mido.MidiFile(file=io.BytesIO(data))
    return [
        (message.channel, message.note, message.velocity)
        for message in mido.merge_tracks(midi.tracks)
        if message.type == "note_on" and message.velocity
    ]


def midi_track_names(data: bytes) -> list[str]:
    midi = mido.MidiFile(file=io.BytesIO(data))
    return [message.name for track in midi.tracks for message in track if message.type == "track_name"]
