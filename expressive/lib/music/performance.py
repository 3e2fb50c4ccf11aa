"""What was played, when, how hard, on what and by whom: the music activity's log.

A `Recorder` takes key presses, releases and the sustain pedal from any thread (the
MIDI backend's and the UI's) with perf_counter timestamps taken where they arrived, and
turns each take into a `Performance`. The Standard MIDI File written from it
(midifile.py) is the saved log; a performance read back from that file is the same.

Every event keeps its source ("screen" for the on-screen instruments, a device's name
for a keyboard) so that two players on one recording stay apart. No Kivy here.

Used by the music activity (its studio, player and demo) and the movement activity (its
zones record what they play). Public: plugin authors may use it, and it is covered by the
API version.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field, replace

import mido

from expressive.midi.colours import SCREEN_SOURCE

DRUMS = "drums"
SUSTAIN_CONTROL = 64


@dataclass(frozen=True, slots=True)
class KeyEvent:
    """A key pressed (velocity 1-127) or released (velocity 0).

    The first four fields are those of the audio engine's NoteEvent, in its order:
    `NoteEvent(e.time, e.note, e.velocity, e.instrument)`.
    """

    time: float  # seconds from the start of the take
    note: int
    velocity: int
    instrument: str
    source: str = SCREEN_SOURCE


@dataclass(frozen=True, slots=True)
class PedalEvent:
    """The sustain pedal of a source going down or up."""

    time: float
    down: bool
    source: str = SCREEN_SOURCE


@dataclass(frozen=True, slots=True)
class Note:
    """A sounding note, for a piano roll or for rendering: from its press to its end.

    The end is where the sound stops: the key's release, or the pedal's when the pedal
    held the note on.
    """

    start: float
    end: float
    note: int
    velocity: int
    instrument: str
    source: str

    @property
    def is_drum(self) -> bool:
        return self.instrument == DRUMS


def _in_time_order(keys: tuple[KeyEvent, ...], pedals: tuple[PedalEvent, ...]) -> list[KeyEvent | PedalEvent]:
    # Keys that share a moment keep the order they were played in: a release then a
    # press of one key is a note struck again, a press then a release a tap too short to
    # time. The pedal comes after the keys of its moment. The MIDI file keeps this order.
    return sorted([*keys, *pedals], key=lambda event: (event.time, isinstance(event, PedalEvent)))


@dataclass(frozen=True)
class Performance:
    """One take: its key and pedal events in time order, and how long it lasted.

    Events given out of order are sorted by time, keeping their order where times are
    equal. A press with no release is let go at the end, so every note has an end.
    """

    keys: tuple[KeyEvent, ...] = ()
    pedals: tuple[PedalEvent, ...] = ()
    duration: float = 0.0
    title: str = ""
    _notes: dict[bool, list[Note]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = tuple(sorted(self.keys, key=lambda event: event.time))
        pedals = tuple(sorted(self.pedals, key=lambda event: event.time))
        last = max([event.time for event in keys[-1:] + pedals[-1:]], default=0.0)
        object.__setattr__(self, "keys", keys)
        object.__setattr__(self, "pedals", pedals)
        object.__setattr__(self, "duration", max(self.duration, last))

    @property
    def is_empty(self) -> bool:
        return not any(event.velocity for event in self.keys)

    def sources(self) -> list[str]:
        """The sources in the order they first played."""
        return list(dict.fromkeys(event.source for event in self.keys if event.velocity))

    def instruments(self) -> list[str]:
        return list(dict.fromkeys(event.instrument for event in self.keys if event.velocity))

    def notes(self, sustain: bool = True) -> list[Note]:
        """The notes, by start time; with `sustain`, a held pedal keeps notes sounding.

        Drums ignore the pedal, as General MIDI drum kits do.
        """
        if sustain not in self._notes:
            self._notes[sustain] = self._pair_notes(sustain)
        return list(self._notes[sustain])

    def note_events(self, sustain: bool = True) -> list[KeyEvent]:
        """Presses and releases for a synthesiser that knows no pedal: releases come when
        the sound should stop. Convert with `NoteEvent(e.time, e.note, e.velocity, e.instrument)`.
        """
        # At one moment: notes ending, then notes starting, then the ends of notes that
        # lasted no time at all, so that no press is left without its release.
        ranked = []
        for note in self.notes(sustain):
            press = KeyEvent(note.start, note.note, note.velocity, note.instrument, note.source)
            release = replace(press, time=note.end, velocity=0)
            ranked += [(note.start, 1, press), (note.end, 2 if note.end == note.start else 0, release)]
        return [event for _, _, event in sorted(ranked, key=lambda item: item[:2])]

    def _pair_notes(self, sustain: bool) -> list[Note]:
        # Presses of one key on one instrument by one source pair with releases first in,
        # first out, so two overlapping presses of the same key keep both their starts.
        held: dict[tuple[str, str, int], deque[KeyEvent]] = defaultdict(deque)
        pedal_down: set[str] = set()
        ringing: dict[tuple[str, str, int], list[KeyEvent]] = defaultdict(list)
        notes: list[Note] = []

        def end(press: KeyEvent, at: float) -> None:
            notes.append(Note(press.time, at, press.note, press.velocity, press.instrument, press.source))

        for event in _in_time_order(self.keys, self.pedals if sustain else ()):
            if isinstance(event, PedalEvent):
                if event.down:
                    pedal_down.add(event.source)
                else:
                    pedal_down.discard(event.source)
                    for key in [key for key in ringing if key[0] == event.source]:
                        for press in ringing.pop(key):
                            end(press, event.time)
                continue
            key = (event.source, event.instrument, event.note)
            if event.velocity:
                # A key struck again while the pedal holds its earlier sound restarts it.
                for press in ringing.pop(key, []):
                    end(press, event.time)
                held[key].append(event)
            elif held[key]:
                press = held[key].popleft()
                if event.source in pedal_down and event.instrument != DRUMS:
                    ringing[key].append(press)
                else:
                    end(press, event.time)
        for presses in [*held.values(), *ringing.values()]:
            for press in presses:
                end(press, self.duration)
        return sorted(notes, key=lambda note: (note.start, note.note))


class Recorder:
    """Records takes from events stamped with time.perf_counter() by whoever received them.

    Thread-safe: the MIDI thread and the UI thread may record at the same moment. Events
    outside a take are ignored; notes still held when a take stops end there.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started_at: float | None = None
        self._title = ""
        self._keys: list[KeyEvent] = []
        self._pedals: list[PedalEvent] = []
        # (source, note) -> the instruments of its presses still held, oldest first: a
        # release belongs to the instrument its press was played on, even if the player
        # has switched instruments since.
        self._held: dict[tuple[str, int], deque[str]] = defaultdict(deque)
        self._pedal_down: set[str] = set()
        self.takes: list[Performance] = []

    @property
    def is_recording(self) -> bool:
        return self._started_at is not None

    def start(self, at: float | None = None, title: str = "") -> None:
        """Begin a new take at perf_counter time `at` (default: now)."""
        with self._lock:
            if self._started_at is not None:
                raise RuntimeError("A take is already being recorded.")
            self._started_at = time.perf_counter() if at is None else at
            self._title = title
            self._keys, self._pedals = [], []
            self._held.clear()
            self._pedal_down.clear()

    def stop(self, at: float | None = None) -> Performance:
        """End the take, keep it in `takes` and return it."""
        with self._lock:
            if self._started_at is None:
                raise RuntimeError("No take is being recorded.")
            take = self._take_until(time.perf_counter() if at is None else at)
            self._started_at = None
            self.takes.append(take)
            return take

    def record_again(self, at: float | None = None, title: str = "") -> None:
        """Start a new take, ending the current one first (it stays in `takes`)."""
        moment = time.perf_counter() if at is None else at
        if self.is_recording:
            self.stop(moment)
        self.start(moment, title)

    def snapshot(self, at: float | None = None) -> Performance:
        """The take so far, as if it stopped at `at` (default: now): for autosave and a live roll."""
        with self._lock:
            if self._started_at is None:
                return self.takes[-1] if self.takes else Performance()
            return self._take_until(time.perf_counter() if at is None else at)

    def press(
        self, note: int, velocity: int, instrument: str, source: str = SCREEN_SOURCE, at: float | None = None
    ) -> bool:
        """Record a key press (velocity 0 is a release); False when no take is running."""
        if velocity == 0:
            return self.release(note, source, at, instrument)
        _check_note(note)
        with self._lock:
            moment = self._moment(at)
            if moment is None:
                return False
            self._held[(source, note)].append(instrument)
            self._keys.append(KeyEvent(moment, note, min(max(velocity, 1), 127), instrument, source))
            return True

    def release(
        self, note: int, source: str = SCREEN_SOURCE, at: float | None = None, instrument: str | None = None
    ) -> bool:
        """Record a key release; False when no take is running or the press was not recorded.

        `instrument` names which press it ends when the source holds the note on several
        (a keyboard's key and its pad of the same number); else the oldest press ends.
        """
        with self._lock:
            moment = self._moment(at)
            held = self._held.get((source, note))
            if moment is None or not held:
                return False
            if instrument in held:
                held.remove(instrument)
            else:
                instrument = held.popleft()
            self._keys.append(KeyEvent(moment, note, 0, instrument, source))
            return True

    def pedal(self, down: bool, source: str = SCREEN_SOURCE, at: float | None = None) -> bool:
        """Record the sustain pedal going down or up; repeats of the same state are ignored."""
        with self._lock:
            moment = self._moment(at)
            if moment is None or (source in self._pedal_down) == down:
                return False
            if down:
                self._pedal_down.add(source)
            else:
                self._pedal_down.discard(source)
            self._pedals.append(PedalEvent(moment, down, source))
            return True

    def record_message(self, device: str, message: mido.Message, arrived: float, instrument: str) -> bool:
        """Record a message from a MidiInput handler; True when it became part of the take.

        Pedals send many values on the way down; 64 and above counts as down.
        """
        if message.type == "note_on":
            return self.press(message.note, message.velocity, instrument, device, arrived)
        if message.type == "note_off":
            return self.release(message.note, device, arrived, instrument)
        if message.type == "control_change" and message.control == SUSTAIN_CONTROL:
            return self.pedal(message.value >= 64, device, arrived)
        return False

    def _moment(self, at: float | None) -> float | None:
        if self._started_at is None:
            return None
        # A message stamped just before the take started but handled after it belongs at 0.
        return max(0.0, (time.perf_counter() if at is None else at) - self._started_at)

    def _take_until(self, at: float) -> Performance:
        moment = max(0.0, at - self._started_at)
        keys = list(self._keys)
        for (source, note), instruments in self._held.items():
            keys.extend(KeyEvent(moment, note, 0, instrument, source) for instrument in instruments)
        pedals = list(self._pedals) + [PedalEvent(moment, False, source) for source in self._pedal_down]
        return Performance(tuple(keys), tuple(pedals), moment, self._title)


def _check_note(note: int) -> None:
    if not 0 <= note <= 127:
        raise ValueError(f"MIDI notes are 0 to 127, not {note}.")
