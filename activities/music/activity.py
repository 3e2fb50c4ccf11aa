"""Music: play on-screen instruments or MIDI keyboards, record takes, play along with a loop.

The activity owns the playing: screen touches and MIDI messages both come here, sound
through the host's audio engine at once (MIDI straight from its own thread, so that no
UI frame stands between a key and its sound) and are recorded with their source. The
studio (studio.py) only shows and forwards. Kivy is imported only in `build()` and
`viewer()`: the registry and the command line use this module with no window.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path
from collections.abc import Callable

import mido
import numpy as np

from expressive.lib.music.midifile import MidiFileError, read_midi, to_midi_bytes
from expressive.lib.music.performance import DRUMS, SUSTAIN_CONTROL, KeyEvent, PedalEvent, Performance, Recorder
from expressive.activities.music.pianoroll import piano_roll_png
from expressive.api import API_VERSION, Activity, ActivityInfo, ArtifactDraft, Host, ImportRefused
from expressive.api.audio import NoteEvent, open_engine, wav_bytes
from expressive.api.limits import MAX_LOG_BYTES, MAX_RECORDING_SECONDS, MAX_SOUND_SECONDS, load_json_bounded
from expressive.api.midi import SCREEN_SOURCE, SourceColours
from expressive.api.i18n import N_, _

GM_DRUM_CHANNEL = 9
ROLL_SIZE = (1600, 900)
THUMBNAIL_SIZE = (320, 240)
SNAPSHOT_FORMAT = "expressive-music-takes"


def drafts_for(performance: Performance, engine, sound_name: str) -> ArtifactDraft:
    """One take as the portfolio keeps it: the Standard MIDI File (the log of every key,
    velocity and time), its sound rendered offline by the same engine as WAV (mono: half
    the size, and the synthesiser is mono anyway), and its piano roll."""
    notes = performance.notes()
    # A take longer than the renderer's bound keeps every note in its MIDI file; its
    # sound stops at the bound, as the metadata says.
    heard = [e for e in performance.note_events() if e.time <= MAX_SOUND_SECONDS]
    frames = engine.render([NoteEvent(e.time, e.note, e.velocity, e.instrument) for e in heard])
    mono = frames.mean(axis=1, dtype=np.float32).astype(frames.dtype) if frames.ndim == 2 else frames
    return ArtifactDraft(
        kind="music",
        files={
            "music.wav": wav_bytes(mono, engine.sample_rate),
            "music.mid": to_midi_bytes(performance),
            "piano-roll.png": piano_roll_png(notes, size=ROLL_SIZE, duration=performance.duration),
            "thumbnail.png": piano_roll_png(notes, size=THUMBNAIL_SIZE, duration=performance.duration),
        },
        product="music.wav",
        process="music.mid",
        thumbnail="thumbnail.png",
        title=performance.title,
        metadata={
            "seconds": round(performance.duration, 3),
            "notes": len(notes),
            "instruments": performance.instruments(),
            "players": len(performance.sources()),
            "sound": sound_name,
            **({"sound_stops_at_seconds": MAX_SOUND_SECONDS} if performance.duration > MAX_SOUND_SECONDS else {}),
        },
    )


def takes_to_json(takes: list[Performance]) -> bytes:
    return json.dumps(
        {
            "format": SNAPSHOT_FORMAT,
            "takes": [
                {
                    "title": take.title,
                    "duration": take.duration,
                    "keys": [[e.time, e.note, e.velocity, e.instrument, e.source] for e in take.keys],
                    "pedals": [[e.time, e.down, e.source] for e in take.pedals],
                }
                for take in takes
            ],
        },
        separators=(",", ":"),
    ).encode("utf-8")


def takes_from_json(data: bytes) -> list[Performance]:
    document = load_json_bounded(data, max_bytes=MAX_LOG_BYTES, what="The music snapshot")
    if not isinstance(document, dict) or document.get("format") != SNAPSHOT_FORMAT:
        raise ValueError("not a music snapshot")
    return [
        Performance(
            tuple(KeyEvent(*key) for key in take["keys"]),
            tuple(PedalEvent(*pedal) for pedal in take["pedals"]),
            take["duration"],
            take["title"],
        )
        for take in document["takes"]
    ]


class MusicActivity(Activity):
    imports = (".mid", ".midi", ".kar")
    info = ActivityInfo(
        id="music",
        title=N_("Music"),
        icon="music",
        artifact_kinds=("music",),
        api_version=API_VERSION,
        description=N_("Play the piano, bells or drums, and record it"),
    )

    def __init__(self, host: Host):
        super().__init__(host)
        self.recorder = Recorder()
        self.colours = SourceColours()
        self.instrument = "piano"
        self.engine = None
        self.midi = None
        self.player = None
        # Set by the studio: called on the UI thread with (note, is_on, colour) for MIDI
        # notes, and with a device name when one comes or goes.
        self.show_midi_note: Callable[[int, bool, tuple], None] | None = None
        self.show_devices: Callable[[], None] | None = None
        self._studio = None
        # Per MIDI device: the keys down and the instrument each began on, and the keys
        # released while its sustain pedal is down (still sounding until the pedal lifts).
        self._keys_down: dict[tuple[str, int, int], str] = {}
        self._pedal_held: dict[str, set[tuple[int, str]]] = {}
        self._keys_lock = threading.Lock()
        self._unsubscribe_devices: Callable[[], None] | None = None

    # --- lifecycle ---------------------------------------------------------------------

    def build(self):
        from expressive.activities.music.studio import MusicStudio

        self._studio = MusicStudio(activity=self, complexity=self.host.complexity)
        return self._studio

    def start(self) -> None:
        from expressive.activities.music.player import Player

        self.engine = self.host.media.audio()
        self.engine.prepare(self.instrument)
        self.player = Player(self.engine)
        self.midi = self.host.media.midi()
        # The input is shared: an earlier run that ended in an error may not have let go.
        self.midi.stop()
        self._unsubscribe_devices = self.midi.on_devices_changed(self._devices_changed)
        self.midi.start(self._midi_message)
        if self._studio is not None:
            self._studio.started()

    def pause(self) -> None:
        self.stop_playing()
        if self.engine is not None:
            self.engine.all_notes_off()
        if self._studio is not None:
            self._studio.stopped_playing()

    def finish(self) -> list[ArtifactDraft]:
        self._close_devices()
        if self.recorder.is_recording:
            self.recorder.stop()
        engine = self.engine or open_engine("silent")
        name = engine.name if self.engine is not None else "Built-in synthesiser"
        return [drafts_for(take, engine, name) for take in self.recorder.takes if not take.is_empty]

    def _close_devices(self) -> None:
        self.stop_playing()
        if self.midi is not None:
            self.midi.stop()
        if self._unsubscribe_devices is not None:
            self._unsubscribe_devices()
            self._unsubscribe_devices = None
        if self.engine is not None:
            self.engine.all_notes_off()

    def has_work(self) -> bool:
        return any(not take.is_empty for take in self._all_takes())

    def snapshot(self) -> bytes:
        return takes_to_json(self._all_takes())

    def restore(self, snapshot: bytes) -> None:
        self.recorder.takes = [take for take in takes_from_json(snapshot) if not take.is_empty]
        if self._studio is not None:
            self._studio.takes_changed()

    def _all_takes(self) -> list[Performance]:
        takes = list(self.recorder.takes)
        if self.recorder.is_recording:
            takes.append(self.recorder.snapshot())
        return takes

    # --- playing -----------------------------------------------------------------------

    def choose_instrument(self, instrument_id: str) -> None:
        self.instrument = instrument_id
        if self.engine is not None:
            self.engine.prepare(instrument_id)

    def press(self, note: int, velocity: int, instrument: str | None = None) -> None:
        """A key or pad on the screen went down."""
        instrument = instrument or self.instrument
        if self.engine is not None:
            self.engine.note_on(note, velocity, instrument)
        self.recorder.press(note, velocity, instrument, SCREEN_SOURCE)

    def release(self, note: int, instrument: str | None = None) -> None:
        instrument = instrument or self.instrument
        if self.engine is not None:
            self.engine.note_off(note, instrument)
        self.recorder.release(note, SCREEN_SOURCE)

    def _midi_message(self, device: str, message: mido.Message, arrived: float) -> None:
        """On the MIDI backend's thread: sound first, then record, then tell the screen."""
        kind = message.type
        channel = getattr(message, "channel", 0)
        if kind == "note_on" and message.velocity:
            instrument = DRUMS if channel == GM_DRUM_CHANNEL else self.instrument
            self._key_down((device, channel, message.note), instrument)
            self.engine.note_on(message.note, message.velocity, instrument)
        elif kind in ("note_on", "note_off"):
            # Released on the instrument its note began on, even if another was chosen since.
            instrument = self._key_up((device, channel, message.note))
        elif kind == "control_change" and message.control == SUSTAIN_CONTROL:
            self._pedal(device, message.value >= 64)
            instrument = self.instrument
        else:
            return
        self.recorder.record_message(device, message, arrived, instrument)
        if kind in ("note_on", "note_off") and self.show_midi_note is not None:
            self.show_midi_note(message.note, kind == "note_on" and message.velocity > 0, self.colours.colour(device))

    def _key_down(self, key: tuple[str, int, int], instrument: str) -> None:
        """`key` is (device, channel, note): a keyboard's keys and its pads (channel 10)
        may share note numbers."""
        device, _channel, note = key
        with self._keys_lock:
            self._keys_down[key] = instrument
            # Struck again under the pedal: it sounds anew, and its release counts again.
            self._pedal_held.get(device, set()).discard((note, instrument))

    def _key_up(self, key: tuple[str, int, int]) -> str:
        device, _channel, note = key
        with self._keys_lock:
            instrument = self._keys_down.pop(key, self.instrument)
            held = self._pedal_held.get(device)
            if held is not None and instrument != DRUMS:
                held.add((note, instrument))
                return instrument
        self.engine.note_off(note, instrument)
        return instrument

    def _pedal(self, device: str, down: bool) -> None:
        with self._keys_lock:
            if down:
                self._pedal_held.setdefault(device, set())
                return
            released = self._pedal_held.pop(device, set())
        for note, instrument in released:
            self.engine.note_off(note, instrument)

    def _devices_changed(self, device: str, connected: bool) -> None:
        if connected:
            self.colours.index(device)
        else:
            self._let_go_of(device)
        if self.show_devices is not None:
            self.show_devices()

    def _let_go_of(self, device: str) -> None:
        """A keyboard pulled out mid-note sends no more releases: end its notes and pedal."""
        with self._keys_lock:
            keys = {key: instrument for key, instrument in self._keys_down.items() if key[0] == device}
            for key in keys:
                del self._keys_down[key]
        for (_device, _channel, note), instrument in keys.items():
            self.engine.note_off(note, instrument)
            self.recorder.release(note, device, instrument=instrument)
            if self.show_midi_note is not None:
                self.show_midi_note(note, False, self.colours.colour(device))
        self._pedal(device, False)
        self.recorder.pedal(False, device)

    # --- recording and playing back ----------------------------------------------------

    def record(self) -> None:
        """Start a new take (ending the one being recorded, which is kept)."""
        self.stop()
        self.recorder.start(title=_("Take {number}").format(number=len(self.recorder.takes) + 1))

    def stop(self) -> Performance | None:
        """Stop recording (the take is kept) and listening; a play-along loop goes on.
        Returns the take, if one ended with something in it."""
        if self.player is not None and not self.player.looping:
            self.player.stop()
        if not self.recorder.is_recording:
            return None
        take = self.recorder.stop()
        if take.is_empty:
            self.recorder.takes.remove(take)
            return None
        return take

    def play(self, take: Performance, *, loop: bool = False, on_finished: Callable[[], None] | None = None) -> None:
        """Play a take (or a song) back; with `loop` it goes round while the client plays
        over it, and is not recorded itself."""
        if self.player is not None and not take.is_empty:
            self.player.play(take, loop=loop, on_finished=on_finished)

    def stop_playing(self) -> None:
        if self.player is not None:
            self.player.stop()

    def song(self, song_id: str) -> Performance:
        """A MIDI file from the client's portfolio, to play along with; raises
        LibraryError or MidiFileError with a plain message."""
        # Read, not rendered: the client's own long recordings play along too.
        return read_midi(self.host.songs.read(song_id), max_seconds=MAX_RECORDING_SECONDS)

    # --- files from elsewhere, a newcomer's demo, and the portfolio ---------------------

    @classmethod
    def draft_from_file(cls, file_name: str, data: bytes) -> ArtifactDraft:
        """A MIDI file made elsewhere, kept byte for byte as the recording's log, with its
        sound and piano roll made here as for a recording."""
        try:
            performance = read_midi(data)
        except MidiFileError as error:
            raise ImportRefused(str(error)) from error
        title = Path(file_name).stem.replace("_", " ").strip()[:80]
        draft = drafts_for(dataclasses.replace(performance, title=title), open_engine("silent"), "Built-in synthesiser")
        draft.files["music.mid"] = bytes(data)
        draft.metadata["imported_from"] = Path(file_name).name
        return draft

    @classmethod
    def demo_drafts(cls, variant: int) -> list[ArtifactDraft]:
        from expressive.activities.music.demo import demo_performance

        return [drafts_for(demo_performance(variant), open_engine("silent"), "Built-in synthesiser")]

    @classmethod
    def viewer(cls, artifact, save_marks=None, media=None):
        from expressive.activities.music.viewer import MusicViewer

        return MusicViewer(artifact=artifact, media=media)

    @classmethod
    def benchmarks(cls, quick: bool, driver) -> list:
        from expressive.activities.music.measure import midi_to_sound_figures, save_figures

        return midi_to_sound_figures(cls, 100 if quick else 1000, driver.sound_output) + save_figures(drafts_for)

    @classmethod
    def screenshot_scenes(cls):
        from expressive.activities.music.scenes import playing, playing_piano

        return {"music": playing, "music_piano": playing_piano}
