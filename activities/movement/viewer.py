"""A movement in the portfolio: its painting, its features over time, a replay of its
trails, and in words."""

from __future__ import annotations

import time

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from expressive.activities.movement.painting import TrailPainter
from expressive.activities.movement.record import MovementRecord
from expressive.activities.movement.trails import TRAILS_FILE, read_trails
from expressive.api.i18n import _
from expressive.api.widgets import image_texture, texture_from_file
from expressive.api.widgets import load_rules

REPLAY_SPEED = 4
REPLAY_FPS = 30
REPLAY_SIZE = (320, 240)


class MovementViewer(BoxLayout):
    """Shows `artifact`'s painting, its plot over time, or a replay of its trails being
    painted (four times as fast as they were made), with the summary in words."""

    artifact = ObjectProperty(None)
    showing = StringProperty("painting")
    texture = ObjectProperty(None, allownone=True)
    summary = StringProperty("")
    can_replay = BooleanProperty(False)
    has_painting = BooleanProperty(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        read, names = self.artifact.read, self.artifact.file_names
        self._ticker = None
        try:
            self._trails = read_trails(read(TRAILS_FILE)) if TRAILS_FILE in names else []
        except ValueError:
            self._trails = []
        self.can_replay = bool(self._trails)
        self._pictures = {
            view: texture_from_file(read(name))
            for view, name in (("painting", "movement.png"), ("plot", "features.png"))
            if name in names
        }
        self.has_painting = "painting" in self._pictures
        if not self.has_painting:
            self.showing = "plot"
        try:
            self.summary = MovementRecord.from_json(read("features.json")).summary_text()
        except (ValueError, KeyError):
            self.summary = _("The numbers of this movement could not be read.")
        self.show(self.showing)

    def show(self, view: str) -> None:
        self.stop()
        if view in self._pictures:
            self.showing = view
            self.texture = self._pictures[view]

    def replay(self) -> None:
        """Paint the trails again from the start, as they were made, four times as fast."""
        self.stop()
        self.showing = "replay"
        self._painter = TrailPainter(size=REPLAY_SIZE)
        self._next, self._begun = 0, time.perf_counter()
        self._ticker = Clock.schedule_interval(self._paint_more, 1 / REPLAY_FPS)

    def _paint_more(self, _dt) -> bool:
        now = (time.perf_counter() - self._begun) * REPLAY_SPEED
        while self._next < len(self._trails) and self._trails[self._next][0] <= now:
            moment, mask = self._trails[self._next]
            self._painter.add(mask, moment)
            self._next += 1
        self.texture = image_texture(self._painter.image())
        if self._next >= len(self._trails):
            self._ticker = None
            return False
        return True

    def stop(self) -> None:
        """Stop a replay (the host calls this when the movement is no longer shown)."""
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None


load_rules(__name__)
