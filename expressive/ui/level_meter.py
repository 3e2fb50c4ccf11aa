"""A level meter: how loud the microphone hears, as a bar that fills from the left, green
while the voice is fine, amber when loud, red when it is too loud to record cleanly.

    meter = LevelMeter()
    meter.follow(host.media.microphone())   # polls microphone.level() 30 times a second
    meter.follow(None)                      # stops (so does taking the meter off the screen)

Lent to activities as `expressive.api.widgets.LevelMeter`.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import ColorProperty, NumericProperty, StringProperty
from kivy.uix.widget import Widget

from expressive.audio.microphone import METER_POLLS_PER_SECOND
from expressive.i18n import _
from expressive.ui import theme
from expressive.ui.rules import load_rules

# Peaks (0..1 of the loudest a sample can be): above LOUD a voice is near the top; above
# TOO_LOUD it is being clipped.
LOUD = 0.7
TOO_LOUD = 0.95
GREEN = theme.DONE
AMBER = (0.7, 0.45, 0.0, 1)
RED = theme.WARNING
# The bar rises at once but falls at most this much a poll (to nothing in half a second),
# so that a child can see how loud they were instead of a flicker.
FALL_PER_POLL = 1 / 15


def level_colour(level: float) -> tuple:
    """The bar's colour at `level`; each stands out 3:1 from the page."""
    if level >= TOO_LOUD:
        return RED
    return AMBER if level >= LOUD else GREEN


class LevelMeter(Widget):
    """A bar filled to `level` (0 to 1) in `colour`; `follow(microphone)` keeps it up to date."""

    level = NumericProperty(0.0)
    colour = ColorProperty(GREEN)
    accessible_name = StringProperty("")

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("accessible_name", _("How loud the microphone hears"))
        super().__init__(**kwargs)
        self._microphone = None
        self._polling = None

    def follow(self, microphone) -> None:
        """Show `microphone.level()` from now on (None: stop, and show nothing)."""
        if self._polling is not None:
            self._polling.cancel()
            self._polling = None
        self._microphone = microphone
        self.level = 0.0
        if microphone is not None:
            self._polling = Clock.schedule_interval(self._poll, 1 / METER_POLLS_PER_SECOND)

    def _poll(self, _elapsed: float) -> None:
        heard = min(1.0, max(0.0, self._microphone.level()))
        self.level = heard if heard >= self.level else max(heard, self.level - FALL_PER_POLL)

    def on_level(self, _instance, level: float) -> None:
        self.colour = level_colour(level)

    def on_parent(self, _instance, parent) -> None:
        if parent is None:
            self.follow(None)


load_rules(__name__)
