"""Movement that plays music: places on the screen that sound when the client moves in
them (sound zones), or one voice that follows how much the client moves (continuous).

Zones are placed in the view as the client sees it, mirrored like a mirror: the zone on
the client's left is on the left of the screen. Their notes always come from one scale,
so whatever sounds together sounds musical. The players here are pure and deterministic:
time is passed in, and they return note events; `play` sends those to the audio engine
and the music activity's `Recorder`, so the saved MIDI is the music activity's. No Kivy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from collections.abc import Iterable, Sequence

import numpy as np

from expressive.activities.movement.features import Features
from expressive.lib.music.performance import Recorder
from expressive.lib.music.scales import DEFAULT_SCALE, MIDDLE_C, keys_for_scale, note_name
from expressive.api.audio import AudioEngine

MOVEMENT_SOURCE = "movement"  # who played, in the recording: the body, not a keyboard
SOUND_MODES = ("zones", "continuous", "silent")
ARRANGEMENTS = ("row", "column", "grid", "ring", "corners")

DEFAULT_SENSITIVITY = 0.5
# The moving share of a zone that strikes it, at sensitivity 0 and 1. Between them the
# threshold goes geometrically, because shares that matter span two orders of magnitude:
# a hand in a large strip moves ~1% of it, a whole arm sweeping a small box ~30%.
LEAST_SENSITIVE_THRESHOLD = 0.30
MOST_SENSITIVE_THRESHOLD = 0.005
# A sounding zone counts as quiet below this share of its threshold: the gap between the
# two levels is what keeps a noisy mask hovering at the threshold from chattering.
RELEASE_RATIO = 0.5
# How long a zone (or the continuous voice) stays quiet before its note stops: a pause
# between two strokes of one gesture is shorter.
RELEASE_HOLD = 0.3
# No note starts sooner than this after the last one from the same zone or voice, so
# continuous flicker never machine-guns: at most four notes a second.
RETRIGGER_INTERVAL = 0.25
# Velocity goes from soft at the threshold to full at this many times the threshold.
FULL_VELOCITY_RATIO = 8.0
SOFTEST_VELOCITY = 40

# The continuous voice: below STILL_QUANTITY of the frame moving the client is still;
# it starts sounding at START_QUANTITY and is at its highest and loudest at FULL_QUANTITY.
STILL_QUANTITY = 0.005
START_QUANTITY = 0.01
FULL_QUANTITY = 0.2
# The voice moves to another note only when the level is this many scale steps past the
# middle between notes, so a level wavering between two notes does not trill.
NOTE_HYSTERESIS = 0.25
CONTINUOUS_ROOT = 48  # C3: a string voice two octaves up from here stays comfortable
CONTINUOUS_STEPS = 10

RING_MARGIN = 0.02
RING_ZONE_MAX = 0.26
CORNER_SIZE = 0.3

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class SoundZone:
    """A rectangle of the view as the client sees it (mirrored), in fractions: x from
    the left, y from the top (Kivy's y grows upwards: flip it to draw).

    `notes` is one note or a chord; `sensitivity` 0..1, more sensitive zones sound with
    less movement.
    """

    left: float
    top: float
    right: float
    bottom: float
    notes: tuple[int, ...]
    sensitivity: float = DEFAULT_SENSITIVITY
    label: str = ""

    def __post_init__(self) -> None:
        if not (0 <= self.left < self.right <= 1 and 0 <= self.top < self.bottom <= 1):
            raise ValueError(f"A zone lies inside the view, left of its right and above its bottom: {self}.")
        if not self.notes or not all(0 <= note <= 127 for note in self.notes):
            raise ValueError(f"A zone plays one or more MIDI notes 0-127, not {self.notes}.")
        if not 0 <= self.sensitivity <= 1:
            raise ValueError(f"Sensitivity is 0 to 1, not {self.sensitivity}.")

    @property
    def threshold(self) -> float:
        """The moving share of the zone that strikes its notes."""
        return LEAST_SENSITIVE_THRESHOLD * (MOST_SENSITIVE_THRESHOLD / LEAST_SENSITIVE_THRESHOLD) ** self.sensitivity

    def to_json(self) -> dict:
        return {
            "box": [self.left, self.top, self.right, self.bottom],
            "notes": list(self.notes),
            "sensitivity": self.sensitivity,
            "label": self.label,
        }

    @classmethod
    def from_json(cls, item: dict) -> SoundZone:
        return cls(*item["box"], tuple(item["notes"]), item["sensitivity"], item["label"])


def zone_layout(
    count: int,
    scale: str = DEFAULT_SCALE,
    arrangement: str = "row",
    root: int = MIDDLE_C,
    chords: bool = False,
    sensitivity: float = DEFAULT_SENSITIVITY,
) -> list[SoundZone]:
    """`count` zones placed by `arrangement`, playing ascending degrees of the scale.

    - "row": strips side by side, the lowest note on the client's left;
    - "column": bands one above another, the lowest at the bottom;
    - "grid": rows of cells, ascending left to right, the bottom row first;
    - "ring": boxes round the edge of the view, leaving the middle (the body) free,
      ascending from the bottom of the client's left up, over the top and down the right;
    - "corners": up to four boxes in the corners, the top two first (arms reach them
      standing), ascending like the grid.

    With `chords`, each zone plays the triad of the scale built on its degree (its
    degree, the third and the fifth above, counted in the scale), so that chords too are
    made only of the scale's notes.
    """
    if count < 1:
        raise ValueError("A layout has at least one zone.")
    if arrangement not in ARRANGEMENTS:
        raise ValueError(f"Zones are arranged as {', '.join(ARRANGEMENTS)}, not {arrangement!r}.")
    boxes = _BOXES[arrangement](count)
    keys = keys_for_scale(scale, root, count + (4 if chords else 0))
    zones = []
    for degree, box in enumerate(boxes):
        notes = (keys[degree], keys[degree + 2], keys[degree + 4]) if chords else (keys[degree],)
        zones.append(SoundZone(*box, notes, sensitivity, " ".join(note_name(note) for note in notes)))
    return zones


def _row(count: int) -> list[Box]:
    return [(index / count, 0.0, (index + 1) / count, 1.0) for index in range(count)]


def _column(count: int) -> list[Box]:
    return [(0.0, 1 - (index + 1) / count, 1.0, 1 - index / count) for index in range(count)]


def _grid(count: int) -> list[Box]:
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    return [
        (column / columns, 1 - (row + 1) / rows, (column + 1) / columns, 1 - row / rows)
        for row in range(rows)
        for column in range(columns)
    ][:count]


def _ring(count: int) -> list[Box]:
    side = min(RING_ZONE_MAX, 0.85 * 2 * math.pi * 0.35 / count)
    radius = 0.5 - side / 2 - RING_MARGIN
    boxes = []
    for index in range(count):
        # Half a step from the bottom, so no zone sits between the feet.
        angle = 2 * math.pi * (index + 0.5) / count
        x, y = 0.5 - radius * math.sin(angle), 0.5 + radius * math.cos(angle)
        boxes.append((x - side / 2, y - side / 2, x + side / 2, y + side / 2))
    return boxes


def _corners(count: int) -> list[Box]:
    if count > 4:
        raise ValueError("There are only four corners.")
    far = 1 - CORNER_SIZE
    top_left, top_right = (0.0, 0.0, CORNER_SIZE, CORNER_SIZE), (far, 0.0, 1.0, CORNER_SIZE)
    bottom_left, bottom_right = (0.0, far, CORNER_SIZE, 1.0), (far, far, 1.0, 1.0)
    chosen = [top_left, top_right, bottom_left, bottom_right][:count]
    return sorted(chosen, key=lambda box: (-box[1], box[0]))


_BOXES = {"row": _row, "column": _column, "grid": _grid, "ring": _ring, "corners": _corners}


def zone_activity(motion_mask: np.ndarray, zones: Sequence[SoundZone], mirrored: bool = True) -> list[float]:
    """Each zone's moving share, 0..1: its pixels set in the mask over all its pixels.

    The mask is in camera coordinates (not mirrored); with `mirrored`, as the view is
    shown, a zone on the left of the view looks at the right of the camera's frame.
    """
    height, width = motion_mask.shape[:2]
    shares = []
    for zone in zones:
        left, right = (1 - zone.right, 1 - zone.left) if mirrored else (zone.left, zone.right)
        column_from, column_to = _pixel_span(left, right, width)
        row_from, row_to = _pixel_span(zone.top, zone.bottom, height)
        patch = motion_mask[row_from:row_to, column_from:column_to]
        shares.append(np.count_nonzero(patch) / patch.size)
    return shares


def _pixel_span(start: float, end: float, pixels: int) -> tuple[int, int]:
    first = min(round(start * pixels), pixels - 1)
    return first, max(first + 1, round(end * pixels))


@dataclass(frozen=True, slots=True)
class ZoneEvent:
    """A note starting (velocity 1-127) or stopping (velocity 0) at `time`, in the
    caller's clock; `zone` is the index of the zone that played it, None for the
    continuous voice."""

    time: float
    note: int
    velocity: int
    instrument: str
    zone: int | None = None

    @property
    def is_note_on(self) -> bool:
        return self.velocity > 0


def _loudness(value: float, softest: float, loudest: float) -> float:
    """0 at `softest` to 1 at `loudest`, on a log scale, as loudness is heard."""
    if value <= softest:
        return 0.0
    return min(1.0, math.log(value / softest) / math.log(loudest / softest))


def _velocity(loudness: float) -> int:
    return round(SOFTEST_VELOCITY + (127 - SOFTEST_VELOCITY) * loudness)


class _ZoneState:
    __slots__ = ("sounding", "struck_at", "quiet_since", "dipped")

    def __init__(self) -> None:
        self.sounding = False
        self.struck_at = -math.inf
        self.quiet_since: float | None = None
        self.dipped = False  # went quiet since it was struck: a new gesture may strike again


class ZonePlayer:
    """Turns each frame's zone activity into notes starting and stopping.

    A silent zone strikes its notes when its activity passes its threshold, as loud as
    the activity is over it. A sounding zone stops when its activity stays below half the
    threshold for `hold` seconds; if it rises past the threshold again before that (a new
    stroke of the gesture) it strikes again. No zone strikes sooner than `retrigger`
    seconds after its last strike. Zones sharing a note (chords) share its sound: the
    note stops when the last zone holding it lets go.
    """

    def __init__(
        self,
        zones: Sequence[SoundZone],
        instrument: str = "marimba",
        hold: float = RELEASE_HOLD,
        retrigger: float = RETRIGGER_INTERVAL,
    ) -> None:
        self.zones = tuple(zones)
        self.instrument = instrument
        self.hold = hold
        self.retrigger = retrigger
        self._states = [_ZoneState() for _ in self.zones]
        self._holders: dict[int, set[int]] = {}

    @property
    def sounding(self) -> tuple[bool, ...]:
        """Which zones are sounding now, to light them on screen."""
        return tuple(state.sounding for state in self._states)

    def update(self, time: float, activities: Sequence[float]) -> list[ZoneEvent]:
        if len(activities) != len(self.zones):
            raise ValueError(f"{len(activities)} activities for {len(self.zones)} zones.")
        events: list[ZoneEvent] = []
        for index, (zone, state, activity) in enumerate(zip(self.zones, self._states, activities)):
            threshold = zone.threshold
            may_strike = activity > threshold and time - state.struck_at >= self.retrigger
            if not state.sounding:
                if may_strike:
                    events += self._strike(index, time, activity)
            elif activity <= threshold * RELEASE_RATIO:
                state.dipped = True
                if state.quiet_since is None:
                    state.quiet_since = time
                if time - state.quiet_since >= self.hold:
                    events += self._release(index, time)
            else:
                state.quiet_since = None
                if may_strike and state.dipped:
                    events += self._release(index, time) + self._strike(index, time, activity)
        return events

    def release_all(self, time: float) -> list[ZoneEvent]:
        """Stop every sounding zone: the activity pauses or ends."""
        events: list[ZoneEvent] = []
        for index, state in enumerate(self._states):
            if state.sounding:
                events += self._release(index, time)
        return events

    def _strike(self, index: int, time: float, activity: float) -> list[ZoneEvent]:
        zone, state = self.zones[index], self._states[index]
        velocity = _velocity(_loudness(activity, zone.threshold, zone.threshold * FULL_VELOCITY_RATIO))
        events = []
        for note in zone.notes:
            holders = self._holders.setdefault(note, set())
            if holders:
                # Another zone holds this note: it is struck again rather than doubled,
                # since the engine and the MIDI file know one sound per key.
                events.append(ZoneEvent(time, note, 0, self.instrument, index))
            holders.add(index)
            events.append(ZoneEvent(time, note, velocity, self.instrument, index))
        state.sounding, state.struck_at, state.quiet_since, state.dipped = True, time, None, False
        return events

    def _release(self, index: int, time: float) -> list[ZoneEvent]:
        events = []
        for note in self.zones[index].notes:
            holders = self._holders[note]
            holders.discard(index)
            if not holders:
                events.append(ZoneEvent(time, note, 0, self.instrument, index))
        self._states[index].sounding = False
        return events


class ContinuousVoice:
    """One voice following the quantity of motion: more movement is louder and higher.

    The level of movement (log scale, START_QUANTITY to FULL_QUANTITY) picks a note among
    `steps` notes of the scale from `root` up, and its velocity. The voice starts when
    the client moves, changes note only when the level moves well into another note's
    range (and not sooner than `retrigger` after the last note), and falls silent after
    the client has been still for `hold` seconds.
    """

    def __init__(
        self,
        scale: str = DEFAULT_SCALE,
        instrument: str = "strings",
        root: int = CONTINUOUS_ROOT,
        steps: int = CONTINUOUS_STEPS,
        hold: float = RELEASE_HOLD,
        retrigger: float = RETRIGGER_INTERVAL,
    ) -> None:
        self.notes = keys_for_scale(scale, root, steps)
        self.instrument = instrument
        self.hold = hold
        self.retrigger = retrigger
        self._step: int | None = None  # index of the sounding note
        self._started_at = -math.inf
        self._still_since: float | None = None

    @property
    def note(self) -> int | None:
        """The note sounding now, if any."""
        return None if self._step is None else self.notes[self._step]

    def update(self, time: float, features: Features) -> list[ZoneEvent]:
        quantity = features.quantity
        if quantity < STILL_QUANTITY:
            if self._step is None:
                return []
            if self._still_since is None:
                self._still_since = time
            return self.release_all(time) if time - self._still_since >= self.hold else []
        self._still_since = None
        loudness = _loudness(quantity, START_QUANTITY, FULL_QUANTITY)
        level = loudness * (len(self.notes) - 1)
        if self._step is None:
            if quantity < START_QUANTITY:
                return []
            return self._start(time, round(level), loudness)
        if abs(level - self._step) > 0.5 + NOTE_HYSTERESIS and time - self._started_at >= self.retrigger:
            return self.release_all(time) + self._start(time, round(level), loudness)
        return []

    def release_all(self, time: float) -> list[ZoneEvent]:
        """Stop the voice: the client is still, or the activity pauses or ends."""
        if self._step is None:
            return []
        event = ZoneEvent(time, self.notes[self._step], 0, self.instrument)
        self._step = None
        return [event]

    def _start(self, time: float, step: int, loudness: float) -> list[ZoneEvent]:
        self._step, self._started_at = step, time
        return [ZoneEvent(time, self.notes[step], _velocity(loudness), self.instrument)]


def play(
    events: Iterable[ZoneEvent], engine: AudioEngine | None, recorder: Recorder, source: str = MOVEMENT_SOURCE
) -> None:
    """Sound the events now and record them at their own times in the take the recorder
    is making (if any; it must have started at 0 on the events' clock: seconds of the
    capture), as the music activity does with keys, so the take saves with `to_midi_bytes`."""
    for event in events:
        if event.velocity:
            if engine is not None:
                engine.note_on(event.note, event.velocity, event.instrument)
            recorder.press(event.note, event.velocity, event.instrument, source, at=event.time)
        else:
            if engine is not None:
                engine.note_off(event.note, event.instrument)
            recorder.release(event.note, source, at=event.time, instrument=event.instrument)
