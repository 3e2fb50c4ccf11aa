"""A puppet show as it was played: the backdrop, the puppets, and every puppet's path with
its time. No Kivy here: the studio, the renderer, the viewer and the tests use it without
a window.

The stage is a fixed logical surface of STAGE_WIDTH x STAGE_HEIGHT pixels (16:9), origin
top left, y down (as in Pillow); a puppet's place is its centre. Times are seconds since
the take began (the first moment of its sound).

The file (`to_json`) is {"format": "expressive-puppet-show", "version": 1, "width",
"height", "backdrop", "puppets": [{"figure", "name", "source"}], "events"}, each event
{"type", "t", "puppet", ...}: enter (x, y) comes on stage, move (x, y), flip (turns it to
face the other way), leave (goes off stage). A puppet is named by its place in "puppets".
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, replace
from operator import itemgetter

from expressive.activities.stage.backdrops import BACKDROP_IDS, DRAWN_BACKDROP
from expressive.api.i18n import N_
from expressive.api.limits import MAX_LOG_BYTES, is_finite_number, load_json_bounded

STAGE_WIDTH = 1280
STAGE_HEIGHT = 720
FORMAT_NAME = "expressive-puppet-show"
FORMAT_VERSION = 1

# A stage holds as many puppets as a child's two hands and a helper's can move, and a
# shelf of choices fits in one row.
MAX_PUPPETS = 8
# The longest take: the longest film a take becomes (720 frames at 12 a second).
MAX_TAKE_SECONDS = 60.0
# Ten fingers each moving 120 times a second for the whole take come to 72,000 changes;
# changes past this bound are not recorded (see ShowLog.is_full).
MAX_EVENTS = 100_000
MAX_FIGURE_KEY_CHARS = 100
MAX_PUPPET_NAME_CHARS = 1000  # a therapist's figure is named after its file
# Where a puppet's figure came from: shipped with the app, the therapist's own, a client's drawing cut out.
SOURCES = ("shipped", "own", "drawing")

ENTER, MOVE, FLIP, LEAVE = "enter", "move", "flip", "leave"
_FIELDS = {ENTER: ("x", "y"), MOVE: ("x", "y"), FLIP: (), LEAVE: ()}


@dataclass(frozen=True)
class Puppet:
    figure: str  # the figure's key in a FigureLibrary ("noto:lion", "cutout:<picture id>")
    name: str
    source: str


@dataclass
class PuppetState:
    """A puppet at one moment: its centre on the stage, whether it faces the other way
    than its picture, whether it is on stage, and `front` (higher is drawn later, in front:
    a puppet comes to the front when it enters)."""

    x: float = STAGE_WIDTH / 2
    y: float = STAGE_HEIGHT / 2
    flipped: bool = False
    on_stage: bool = False
    front: int = 0


class _Fold:
    """The puppets' states that a run of events leads to."""

    def __init__(self, count: int) -> None:
        self.puppets = [PuppetState() for _ in range(count)]
        self.applied = 0
        self.entries = 0

    def check(self, event: dict) -> None:
        number, kind = event["puppet"], event["type"]
        if not 0 <= number < len(self.puppets):
            raise ValueError(f"it names puppet {number}, but the show has {len(self.puppets)}")
        on_stage = self.puppets[number].on_stage
        if kind == ENTER and on_stage:
            raise ValueError(f"puppet {number} enters while it is on stage")
        if kind != ENTER and not on_stage:
            raise ValueError(f"puppet {number} is not on stage")

    def apply(self, event: dict) -> None:
        self.applied += 1
        puppet = self.puppets[event["puppet"]]
        kind = event["type"]
        if kind == ENTER:
            self.entries += 1
            puppet.on_stage, puppet.front = True, self.entries
        elif kind == FLIP:
            puppet.flipped = not puppet.flipped
        elif kind == LEAVE:
            puppet.on_stage = False
        if "x" in event:
            puppet.x, puppet.y = event["x"], event["y"]


class ShowLog:
    """A puppet show: the backdrop's id (one of BACKDROP_IDS, or DRAWN_BACKDROP for a
    client's drawing kept with the show), the cast, and the events of the take with their
    times. Each change is checked and folded into the live state at once. Changes to a
    puppet that is not on stage (or a second entrance) raise ValueError; once the log
    `is_full`, changes are no longer recorded."""

    def __init__(self, backdrop: str, puppets: list[Puppet] | tuple[Puppet, ...] = ()) -> None:
        if backdrop not in (*BACKDROP_IDS, DRAWN_BACKDROP):
            raise ValueError(f"the backdrop must be one of {', '.join(BACKDROP_IDS)} or {DRAWN_BACKDROP}, not {backdrop!r}")
        if len(puppets) > MAX_PUPPETS:
            raise ValueError(f"a show has at most {MAX_PUPPETS} puppets")
        self.backdrop = backdrop
        self.puppets = [_checked_puppet(puppet) for puppet in puppets]
        self.events: list[dict] = []
        self._live = _Fold(len(self.puppets))
        self._replay: _Fold | None = None

    # --- recording -------------------------------------------------------------------

    def enter(self, puppet: int, x: float, y: float, t: float) -> bool:
        return self._record({"type": ENTER, "t": t, "puppet": puppet, **_where(x, y)})

    def move(self, puppet: int, x: float, y: float, t: float) -> bool:
        return self._record({"type": MOVE, "t": t, "puppet": puppet, **_where(x, y)})

    def flip(self, puppet: int, t: float) -> bool:
        return self._record({"type": FLIP, "t": t, "puppet": puppet})

    def leave(self, puppet: int, t: float) -> bool:
        return self._record({"type": LEAVE, "t": t, "puppet": puppet})

    def _record(self, event: dict) -> bool:
        """Record and fold one change; False (nothing recorded) once the log is full."""
        if self.is_full:
            return False
        event["t"] = self._time(event["t"])
        self._live.check(event)
        self.events.append(event)
        self._live.apply(event)
        return True

    def _time(self, t: float) -> float:
        if not is_finite_number(t) or t < 0:
            raise ValueError(f"a time must be a number of seconds from 0, not {t!r}")
        # Touches can come from several sources: the log keeps its times in order.
        return max(round(min(float(t), MAX_TAKE_SECONDS), 3), self.duration)

    @property
    def is_full(self) -> bool:
        return len(self.events) >= MAX_EVENTS

    # --- reading it back -------------------------------------------------------------

    @property
    def duration(self) -> float:
        """Seconds from the take's start to its last recorded change."""
        return self.events[-1]["t"] if self.events else 0.0

    def state_at(self, t: float | None = None) -> list[PuppetState]:
        """Every puppet (in cast order) as it was at `t` seconds (every event up to and
        including `t` folded), or now when `t` is None. Copies. Asked in time order (as a
        film is drawn), each call folds only the events since the last."""
        fold = self._live
        if t is not None:
            count = bisect_right(self.events, t, key=itemgetter("t"))
            fold = self._replay
            if fold is None or fold.applied > count:
                fold = _Fold(len(self.puppets))
            for event in self.events[fold.applied:count]:
                fold.apply(event)
            self._replay = fold
        return [replace(puppet) for puppet in fold.puppets]

    def on_stage_at(self, t: float | None = None) -> list[tuple[int, PuppetState]]:
        """The puppets on stage at `t` (None: now) with their numbers, back to front."""
        shown = [(number, puppet) for number, puppet in enumerate(self.state_at(t)) if puppet.on_stage]
        return sorted(shown, key=lambda pair: pair[1].front)

    # --- the file format -------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(self.to_data(), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> ShowLog:
        """A show saved by `to_json`. Bounded before it is decoded, and checked event by
        event: ValueError (InputRefused for the bounds) naming what is wrong."""
        return cls.from_data(load_json_bounded(text, max_bytes=MAX_LOG_BYTES, what=N_("The puppet show's record"),
                                               max_objects=MAX_EVENTS + MAX_PUPPETS + 1))

    def to_data(self) -> dict:
        """The show as JSON values (what `to_json` writes), to keep inside another record."""
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "width": STAGE_WIDTH,
            "height": STAGE_HEIGHT,
            "backdrop": self.backdrop,
            "puppets": [{"figure": puppet.figure, "name": puppet.name, "source": puppet.source} for puppet in self.puppets],
            "events": self.events,
        }

    @classmethod
    def from_data(cls, data) -> ShowLog:
        """A show from JSON values already decoded within bounds (`to_data`'s), checked
        event by event: ValueError naming what is wrong."""
        if not isinstance(data, dict) or data.get("format") != FORMAT_NAME or data.get("version") != FORMAT_VERSION:
            raise ValueError(f"this is not a puppet show ({FORMAT_NAME}, version {FORMAT_VERSION})")
        _check_keys(data, {"format", "version", "width", "height", "backdrop", "puppets", "events"}, "the show")
        if (data["width"], data["height"]) != (STAGE_WIDTH, STAGE_HEIGHT):
            raise ValueError(f"a stage is {STAGE_WIDTH} x {STAGE_HEIGHT} pixels")
        puppets = data["puppets"]
        if not isinstance(puppets, list) or len(puppets) > MAX_PUPPETS:
            raise ValueError(f"the show's puppets are not a list of at most {MAX_PUPPETS}")
        for item in puppets:
            if not isinstance(item, dict):
                raise ValueError("a puppet of the show is not a record")
            _check_keys(item, {"figure", "name", "source"}, "a puppet")
        log = cls(data["backdrop"], [Puppet(item["figure"], item["name"], item["source"]) for item in puppets])
        events = data["events"]
        if not isinstance(events, list) or len(events) > MAX_EVENTS:
            raise ValueError(f"the show's events are not a list of at most {MAX_EVENTS:,}")
        for number, item in enumerate(events):
            try:
                event = _checked_event(item, log.duration)
                log._live.check(event)
            except (ValueError, TypeError, KeyError) as error:
                raise ValueError(f"event {number} of the puppet show is damaged: {error}") from None
            log.events.append(event)
            log._live.apply(event)
        return log




def _where(x: float, y: float) -> dict:
    # A puppet's centre stays on the stage, so that it can always be picked up again.
    if not (is_finite_number(x) and is_finite_number(y)):
        raise ValueError(f"a puppet's place must be two numbers, not {x!r}, {y!r}")
    return {"x": round(min(max(float(x), 0.0), STAGE_WIDTH), 2), "y": round(min(max(float(y), 0.0), STAGE_HEIGHT), 2)}


def _check_keys(item: dict, keys: set[str], what: str) -> None:
    if set(item) != keys:
        missing, extra = sorted(keys - set(item)), sorted(set(item) - keys)
        raise ValueError(f"{what} lacks {missing}" if missing else f"{what} has unknown fields {extra}")


def _checked_puppet(puppet: Puppet) -> Puppet:
    if not isinstance(puppet.figure, str) or not 0 < len(puppet.figure) <= MAX_FIGURE_KEY_CHARS:
        raise ValueError(f"a puppet's figure key must be text of 1 to {MAX_FIGURE_KEY_CHARS} characters")
    if not isinstance(puppet.name, str) or len(puppet.name) > MAX_PUPPET_NAME_CHARS:
        raise ValueError(f"a puppet's name must be text of at most {MAX_PUPPET_NAME_CHARS} characters")
    if puppet.source not in SOURCES:
        raise ValueError(f"a puppet's source must be one of {', '.join(SOURCES)}, not {puppet.source!r}")
    return puppet


def _checked_event(item, after: float) -> dict:
    """A copy of a decoded event with its fields checked and its numbers in range."""
    if not isinstance(item, dict):
        raise ValueError("it is not a record")
    kind = item.get("type")
    fields = _FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        raise ValueError(f"its type {str(kind)[:40]!r} is not one Expressive knows")
    _check_keys(item, {"type", "t", "puppet", *fields}, f"a {kind} event")
    t = item["t"]
    if not is_finite_number(t) or not 0 <= t <= MAX_TAKE_SECONDS:
        raise ValueError(f"its time must be a number of seconds from 0 to {MAX_TAKE_SECONDS:g}")
    if t < after:
        raise ValueError(f"its time {t:g} s comes before the event before it ({after:g} s)")
    number = item["puppet"]
    if not isinstance(number, int) or isinstance(number, bool):
        raise ValueError(f"its puppet {number!r} is not a whole number")
    event = {"type": kind, "t": float(t), "puppet": number}
    if fields:
        x, y = item["x"], item["y"]
        if not (is_finite_number(x) and is_finite_number(y) and 0 <= x <= STAGE_WIDTH and 0 <= y <= STAGE_HEIGHT):
            raise ValueError("its place is not on the stage")
        event["x"], event["y"] = float(x), float(y)
    return event
