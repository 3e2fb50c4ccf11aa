"""What is kept of a movement: its features over time, a plot of them, and a summary in
plain words for the therapist.

`MovementRecord` collects the analysis's `Features` and the notes the movement played,
and makes the movement artifact's process files: `features.json` and `features.png`. (The
painting comes from painting.py, the music from the `Recorder`'s take as MIDI.)

Features are kept at most SAMPLES_PER_SECOND times a second, whatever the camera's
rate: the features are already smoothed, human movement that matters here (a gesture, a
rhythm of steps) is slower than 5 Hz, and an hour stays near 3 MB of JSON. They are kept
as the file keeps them (rounded), so a record read back is the same record. No Kivy.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from expressive.lib.drawing.replay import clock_text
from expressive.activities.movement.features import Features
from expressive.activities.movement.zones import SOUND_MODES, STILL_QUANTITY, SoundZone, ZoneEvent
from expressive.lib.music.scales import DEFAULT_SCALE
from expressive.api.i18n import N_, _, format_number, format_percent, ngettext
from expressive.api.limits import MAX_LOG_BYTES, load_json_bounded
from expressive.api.midi import SOURCE_COLOURS
from expressive.lib.fonts import TEXT_FONT

FORMAT_NAME = "expressive-movement-features"
FORMAT_VERSION = 1
SAMPLES_PER_SECOND = 10
FEATURES_FILE = "features.json"
PLOT_FILE = "features.png"
PLOT_SIZE = (1600, 900)
THUMBNAIL_SIZE = (320, 240)

# The busiest stretch is found on the quantity averaged over this long, and reaches as
# far as that average stays above half its peak.
BUSIEST_WINDOW = 1.0
# Where the movement mostly was, from the middle of the movement as the client saw it.
LEFT_OF = 0.4
RIGHT_OF = 0.6

# The colour-blind safe palette the players' colours use, one colour per line.
MOVEMENT_COLOUR, SPREAD_COLOUR, SPEED_COLOUR, PLACE_COLOUR = SOURCE_COLOURS[:4]
BACKGROUND = (255, 255, 255)
PANEL = (247, 247, 244)
GRID = (222, 222, 216)
INK = (45, 45, 45)
QUIET_INK = (110, 110, 110)
# Plain-language names: the legend and the summary speak the same words.
MOVEMENT_NAME = N_("How much moved")
SPREAD_NAME = N_("How wide")
SPEED_NAME = N_("Speed")
PLACE_NAME = N_("Where (left or right)")
# Round ceilings for an axis: these times a power of ten.
_NICE = (1, 1.5, 2, 3, 4, 5, 6, 8, 10)
# Spacing of time ticks, in seconds.
_TIME_STEPS = (0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


class MovementRecord:
    """Features and notes of one movement, with the settings they were made with.

    `mode` is the sound mode ("zones", "continuous" or "silent"); `zones` the layout
    played in zones mode (each with its own sensitivity); `scale` and `instrument` what
    the notes were chosen from and played on.
    """

    def __init__(
        self,
        mode: str = "zones",
        zones: Sequence[SoundZone] = (),
        scale: str = DEFAULT_SCALE,
        instrument: str = "marimba",
    ) -> None:
        if mode not in SOUND_MODES:
            raise ValueError(f"The sound mode is one of {', '.join(SOUND_MODES)}, not {mode!r}.")
        self.mode = mode
        self.zones = tuple(zones)
        self.scale = scale
        self.instrument = instrument
        self.features: list[Features] = []
        self.duration = 0.0
        self.notes_played = 0
        self.notes_by_zone = [0] * len(self.zones)
        self._last_slot = -1

    def add(self, features: Features) -> None:
        """One analysed frame; kept if it is the first of its tenth of a second."""
        kept = Features.from_json(features.to_json())
        self.duration = max(self.duration, kept.time)
        slot = math.floor(kept.time * SAMPLES_PER_SECOND)
        if slot > self._last_slot:
            self._last_slot = slot
            self.features.append(kept)

    def add_events(self, events: Iterable[ZoneEvent]) -> None:
        """The notes the movement played (only starts are counted)."""
        for event in events:
            if event.is_note_on:
                self.notes_played += 1
                if event.zone is not None:
                    # The layout may have changed during the capture (more zones): counts
                    # are by the zone's place in the layout.
                    missing = event.zone + 1 - len(self.notes_by_zone)
                    self.notes_by_zone.extend([0] * max(0, missing))
                    self.notes_by_zone[event.zone] += 1

    # --- files -------------------------------------------------------------------------

    def files(self) -> dict[str, bytes]:
        """The artifact's files this record makes, by name."""
        return {FEATURES_FILE: self.to_json(), PLOT_FILE: self.plot_png()}

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "settings": {
                    "mode": self.mode,
                    "scale": self.scale,
                    "instrument": self.instrument,
                    "zones": [zone.to_json() for zone in self.zones],
                },
                "samples_per_second": SAMPLES_PER_SECOND,
                "duration": self.duration,
                "notes_played": self.notes_played,
                "notes_by_zone": self.notes_by_zone,
                "features": [features.to_json() for features in self.features],
            },
            separators=(",", ":"),
        ).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str) -> MovementRecord:
        document = load_json_bounded(data, max_bytes=MAX_LOG_BYTES, what="The movement record")
        if not isinstance(document, dict) or document.get("format") != FORMAT_NAME or document.get("version") != FORMAT_VERSION:
            raise ValueError(
                f"Not an {FORMAT_NAME} file of version {FORMAT_VERSION} "
                f"(a {type(document).__name__} of format {document.get('format') if isinstance(document, dict) else None!r})."
            )
        settings = document["settings"]
        zones = [SoundZone.from_json(item) for item in settings["zones"]]
        record = cls(settings["mode"], zones, settings["scale"], settings["instrument"])
        record.features = [Features.from_json(item) for item in document["features"]]
        record.duration = document["duration"]
        record.notes_played = document["notes_played"]
        record.notes_by_zone = list(document["notes_by_zone"])
        record._last_slot = math.floor(record.features[-1].time * SAMPLES_PER_SECOND) if record.features else -1
        return record

    # --- the summary -------------------------------------------------------------------

    def summary(self) -> dict:
        """The numbers of the summary: fractions of the picture, seconds, picture widths.

        Averages are over time (each sample counts for as long as it lasted); `moving_share`
        is the share of the time the client was moving at all; `busiest` the stretch
        (start, end) with the most movement; `travel` how far the middle of the movement
        went; `side` where it mostly was, as the client saw it: "left", "middle", "right".
        """
        times, quantity, spread, speed = self._columns()
        weights = self._weights(times)
        summary = {
            "duration": self.duration,
            "moving_share": _mean(quantity >= STILL_QUANTITY, weights),
            "mean_quantity": _mean(quantity, weights),
            "peak_quantity": float(quantity.max(initial=0.0)),
            "peak_time": float(times[quantity.argmax()]) if len(times) else None,
            "busiest": self._busiest(times, quantity),
            "mean_expansiveness": _mean(spread, weights),
            "widest_expansiveness": float(spread.max(initial=0.0)),
            "travel": float(np.sum(speed * weights)),
            "side": self._side(weights),
            "notes_played": self.notes_played,
            "busiest_zone": None,
        }
        busiest = int(np.argmax(self.notes_by_zone)) if self.notes_by_zone and max(self.notes_by_zone) > 0 else None
        if busiest is not None and busiest < len(self.zones):
            summary["busiest_zone"] = self.zones[busiest].label
        return summary

    def summary_text(self) -> str:
        """One paragraph in plain words, for the command line and the therapist."""
        summary = self.summary()
        sentences = [_("{duration} of movement.").format(duration=_duration_words(summary["duration"]))]
        if summary["moving_share"] == 0:
            sentences.append(_("The client kept still: no movement was seen."))
        else:
            share, peak = format_percent(summary["moving_share"]), format_percent(summary["peak_quantity"])
            if summary["busiest"] is not None:
                start, end = summary["busiest"]
                sentences.append(_(
                    "The client was moving for {share} of the time, most of all from {start} to {end}; "
                    "at the peak, {peak} of the picture was moving."
                ).format(share=share, start=clock_text(start), end=clock_text(end), peak=peak))
            else:
                sentences.append(_(
                    "The client was moving for {share} of the time; at the peak, {peak} of the picture was moving."
                ).format(share=share, peak=peak))
            sentences.append(_(
                "Their movement spread over {mean} of the picture on average and {widest} at its widest."
            ).format(mean=format_percent(summary["mean_expansiveness"]), widest=format_percent(summary["widest_expansiveness"])))
            travel = format_number(summary["travel"], 1)
            where = {
                "left": _("The middle of their movement travelled {travel} picture widths, mostly on their left."),
                "middle": _("The middle of their movement travelled {travel} picture widths, mostly in the middle."),
                "right": _("The middle of their movement travelled {travel} picture widths, mostly on their right."),
                None: _("The middle of their movement travelled {travel} picture widths."),
            }
            sentences.append(where[summary["side"]].format(travel=travel))
        if self.mode != "silent":
            count, zone = summary["notes_played"], summary["busiest_zone"]
            if count == 0:
                sentences.append(_("No notes played."))
            elif zone:
                sentences.append(ngettext(
                    "{count} note played, most in the zone {zone}.", "{count} notes played, most in the zone {zone}.", count
                ).format(count=count, zone=zone))
            else:
                sentences.append(ngettext("{count} note played.", "{count} notes played.", count).format(count=count))
        return " ".join(sentences)

    def _columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        columns = np.array([(f.time, f.quantity, f.expansiveness, f.speed) for f in self.features], dtype=float)
        return tuple(columns.reshape(-1, 4).T)  # type: ignore[return-value]

    def _weights(self, times: np.ndarray) -> np.ndarray:
        """How long each sample stands for: until the next one, the last until the end."""
        return np.diff(times, append=max(self.duration, times[-1])) if len(times) else times

    def _busiest(self, times: np.ndarray, quantity: np.ndarray) -> tuple[float, float] | None:
        if not len(times):
            return None
        step = 1 / SAMPLES_PER_SECOND
        grid = np.arange(times[0], times[-1] + step / 2, step)
        window = round(BUSIEST_WINDOW / step)
        averaged = np.convolve(np.interp(grid, times, quantity), np.ones(window) / window, mode="same")
        peak = int(averaged.argmax())
        if averaged[peak] < STILL_QUANTITY:
            return None
        busy = averaged >= averaged[peak] / 2
        start = end = peak
        while start > 0 and busy[start - 1]:
            start -= 1
        while end < len(grid) - 1 and busy[end + 1]:
            end += 1
        # A sample stands for the tenth of a second that follows it.
        return round(float(grid[start]), 3), round(float(grid[end]) + step, 3)

    def _side(self, weights: np.ndarray) -> str | None:
        # Weighted by how much moved, so a still hand does not outweigh the dancing body.
        placed = [(1 - f.centroid[0], f.quantity * weight) for f, weight in zip(self.features, weights) if f.centroid]
        total = sum(weight for _, weight in placed)
        if not total:
            return None
        middle = sum(x * weight for x, weight in placed) / total
        return "left" if middle < LEFT_OF else "right" if middle > RIGHT_OF else "middle"

    # --- the plot ----------------------------------------------------------------------

    def plot(self, size: tuple[int, int] = PLOT_SIZE) -> Image.Image:
        """The features over time as an RGB picture of `size`, legible from 1600 x 900
        down to a 320 x 240 thumbnail.

        Three panels share the time axis: how much moved and how wide (both in % of the
        picture), speed (picture widths a second), and where the middle of the movement
        was, from the client's left to their right as they saw it.
        """
        return _Plot(self, size).draw()

    def plot_png(self, size: tuple[int, int] = PLOT_SIZE) -> bytes:
        buffer = io.BytesIO()
        self.plot(size).save(buffer, "PNG")
        return buffer.getvalue()


def _mean(values: np.ndarray, weights: np.ndarray) -> float:
    if not len(values):
        return 0.0
    if weights.sum() <= 0:
        return float(np.mean(values))
    return float(np.average(values, weights=weights))


def _duration_words(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    minute_words = ngettext("{count} minute", "{count} minutes", minutes).format(count=minutes)
    second_words = ngettext("{count} second", "{count} seconds", rest).format(count=rest)
    if not minutes:
        return second_words
    if not rest:
        return minute_words
    return _("{minutes} {seconds}").format(minutes=minute_words, seconds=second_words)


def _nice_ceiling(value: float, least: float) -> float:
    value = max(value, least)
    power = 10 ** math.floor(math.log10(value))
    return next(nice * power for nice in _NICE if nice * power >= value * (1 - 1e-9))


def _rgb(colour: tuple[float, float, float]) -> tuple[int, int, int]:
    return tuple(round(255 * channel) for channel in colour)  # type: ignore[return-value]


class _Plot:
    """The layout and drawing of one plot; sizes follow the picture's height."""

    def __init__(self, record: MovementRecord, size: tuple[int, int]) -> None:
        self.record = record
        self.size = size
        width, height = size
        self.font_size = max(11, round(height / 34))
        self.font = ImageFont.truetype(TEXT_FONT, self.font_size)
        self.line_width = max(1, round(height / 300))
        self.gap = max(3, self.font_size // 2)
        self.image = Image.new("RGB", size, BACKGROUND)
        self.draw_on = ImageDraw.Draw(self.image)
        self.duration = record.duration or 1.0

    def text_width(self, text: str) -> float:
        return self.draw_on.textlength(text, font=self.font)

    def draw(self) -> Image.Image:
        width, height = self.size
        top = self._legend()
        times, quantity, spread, speed = self.record._columns()
        spread_top = _nice_ceiling(max(quantity.max(initial=0), spread.max(initial=0)), 0.1)
        speed_top = _nice_ceiling(speed.max(initial=0), 0.5)
        tick_labels = [format_percent(spread_top), format_number(speed_top), _("right"), _("left")]
        self.left = self.gap + max(self.text_width(label) for label in tick_labels) + self.gap
        self.right = width - max(self.gap * 2, self.text_width("00:00") / 2)
        time_axis_height = self.font_size * (2.6 if height >= 400 else 1.5)
        bottom = height - time_axis_height
        # Room between panels for one panel's bottom label above the next one's top label.
        panel_gap = self.font_size * 1.1
        plot_height = bottom - top - 2 * panel_gap
        shares = (0.5, 0.25, 0.25)
        boxes = []
        y = top
        for share in shares:
            boxes.append((y, y + plot_height * share))
            y += plot_height * share + panel_gap
        (first_top, first_bottom), (second_top, second_bottom), (third_top, third_bottom) = boxes
        self._panel(first_top, first_bottom, [format_percent(spread_top), format_percent(spread_top / 2), format_percent(0)],
                    _("% of the picture"))
        self._panel(second_top, second_bottom, [format_number(speed_top), format_number(0)], _("picture widths a second"))
        self._panel(third_top, third_bottom, [_("left"), _("right")], _("as the client saw it"))
        self._series(times, spread / spread_top, first_top, first_bottom, SPREAD_COLOUR)
        self._series(times, quantity / spread_top, first_top, first_bottom, MOVEMENT_COLOUR)
        self._series(times, speed / speed_top, second_top, second_bottom, SPEED_COLOUR)
        self._places(third_top, third_bottom)
        self._time_axis(bottom)
        if not self.record.features:
            message = _("No movement recorded")
            self.draw_on.text(
                ((self.left + self.right - self.text_width(message)) / 2, (first_top + first_bottom) / 2),
                message, fill=QUIET_INK, font=self.font, anchor="lm",
            )
        return self.image

    def _legend(self) -> float:
        """The names of the lines in their colours, wrapping as the width needs; returns
        where the panels may begin."""
        swatch = self.font_size * 1.4
        x, y = self.gap * 2, self.gap
        for name, colour in (
            (MOVEMENT_NAME, MOVEMENT_COLOUR),
            (SPREAD_NAME, SPREAD_COLOUR),
            (SPEED_NAME, SPEED_COLOUR),
            (PLACE_NAME, PLACE_COLOUR),
        ):
            name = _(name)
            item_width = swatch + self.gap + self.text_width(name)
            if x > self.gap * 2 and x + item_width > self.size[0] - self.gap:
                x, y = self.gap * 2, y + self.font_size * 1.3
            middle = y + self.font_size * 0.65
            self.draw_on.line((x, middle, x + swatch, middle), fill=_rgb(colour), width=max(2, self.line_width + 1))
            self.draw_on.text((x + swatch + self.gap, middle), name, fill=INK, font=self.font, anchor="lm")
            x += item_width + self.gap * 3
        return y + self.font_size * 1.3 + self.gap

    def _panel(self, top: float, bottom: float, ticks: list[str], unit: str) -> None:
        self.draw_on.rectangle((self.left, top, self.right, bottom), fill=PANEL)
        for index, label in enumerate(ticks):
            y = top + (bottom - top) * index / (len(ticks) - 1)
            self.draw_on.line((self.left, y, self.right, y), fill=GRID, width=1)
            self.draw_on.text((self.left - self.gap, y), label, fill=QUIET_INK, font=self.font, anchor="rm")
        if self.size[1] >= 400:
            corner = (self.left + self.gap, top + self.gap / 2)
            self.draw_on.text(corner, unit, fill=QUIET_INK, font=self.font, anchor="lt")

    def _x(self, seconds: float) -> float:
        return self.left + (self.right - self.left) * seconds / self.duration

    def _series(self, times: np.ndarray, values: np.ndarray, top: float, bottom: float, colour) -> None:
        """A line of values 0..1 (0 at the bottom of the panel); a lone sample is a dot."""
        points = [(self._x(t), bottom - (bottom - top) * min(max(v, 0.0), 1.0)) for t, v in zip(times, values)]
        self._line(points, colour)

    def _places(self, top: float, bottom: float) -> None:
        # The client's left (camera x near 1) at the top; the line breaks while nothing moves.
        segment: list[tuple[float, float]] = []
        for features in self.record.features:
            if features.centroid is None:
                self._line(segment, PLACE_COLOUR)
                segment = []
            else:
                segment.append((self._x(features.time), top + (bottom - top) * (1 - features.centroid[0])))
        self._line(segment, PLACE_COLOUR)

    def _line(self, points: list[tuple[float, float]], colour) -> None:
        if len(points) == 1:
            (x, y), radius = points[0], max(1, self.line_width)
            self.draw_on.ellipse((x - radius, y - radius, x + radius, y + radius), fill=_rgb(colour))
        elif points:
            self.draw_on.line(points, fill=_rgb(colour), width=self.line_width, joint="curve")

    def _time_axis(self, bottom: float) -> None:
        in_minutes = self.duration >= 120
        most_ticks = max(2, int((self.right - self.left) / (self.font_size * 4)))
        step = next((step for step in _TIME_STEPS if self.duration / step <= most_ticks), _TIME_STEPS[-1])
        for index in range(int(self.duration / step + 1e-9) + 1):
            tick = index * step
            x = self._x(tick)
            self.draw_on.line((x, bottom, x, bottom + self.gap / 2), fill=QUIET_INK, width=1)
            label = clock_text(tick) if in_minutes else format_number(tick)
            self.draw_on.text((x, bottom + self.gap / 2), label, fill=QUIET_INK, font=self.font, anchor="mt")
        if self.size[1] >= 400:
            words = _("time (minutes:seconds)") if in_minutes else _("time (seconds)")
            middle = ((self.left + self.right) / 2, self.size[1] - self.gap / 2)
            self.draw_on.text(middle, words, fill=INK, font=self.font, anchor="mb")
