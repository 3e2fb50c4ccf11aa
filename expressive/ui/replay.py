"""A replay of a piece of work in the portfolio: watch it being made again, and mark moments.

Any activity whose work has a record of how it was made can show it: a drawing, a
sandtray. Play at 1x or 4x, jump to the end, or drag the scrubber; a therapist can mark
the moment shown ("covered the figure in black"), and every mark is a tick on the scrubber
that jumps back to it. The picture of each moment comes from the activity (`picture_at`,
a Pillow image), scaled to the screen and shown as one texture, so what is replayed is
exactly what the activity draws.

Lent to activities as `expressive.api.widgets.ReplayView`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, UTC

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from PIL import Image

from expressive.i18n import _
from expressive.lib.drawing.replay import FRAMES_PER_SECOND, clock_text, fit_picture
from expressive.ui import widgets  # noqa: F401  (registers IconButton, FormInput and the fonts)
from expressive.ui.rules import load_rules

SaveMarks = Callable[[list[dict]], "tuple[dict, ...] | None"]
PictureAt = Callable[[float], Image.Image]


class MarkTick(ButtonBehavior, Label):
    """A marked moment on the scrubber: a flag big enough to tap, that jumps there."""

    mark = ObjectProperty(None)
    accessible_name = StringProperty("")


class MarkNoteDialog(ModalView):
    """Asks for the short note that goes with a marked moment."""

    moment = StringProperty("")
    keep_note = ObjectProperty(None)

    def save(self):
        note = self.ids.note.text.strip()
        if note:
            self.dismiss(animation=False)
            self.keep_note(note)


class ReplayView(BoxLayout):
    """The work at time `position`, with the controls to move through its making.

    `duration` is the length of the record in seconds; `picture_at(t)` the picture at `t`
    (any size and mode; return the very same image object for a moment that looks the same
    as the one before, and the screen is not drawn again); `marks` the moments marked so far
    (dicts with "t", "note" and "created"); `save_marks(marks)` keeps a new list and returns
    what was kept (None when it could not), or is None where marking is not offered.
    `now` is the clock playback follows (seconds, monotonic); tests set their own.
    """

    position = NumericProperty(0.0)
    duration = NumericProperty(0.0)
    speed = NumericProperty(0.0)  # 0 when paused, else the playback speed
    marks = ListProperty([])
    can_mark = BooleanProperty(False)
    shown_note = StringProperty("")
    picture = ObjectProperty(None, allownone=True)

    def __init__(self, *, duration: float, picture_at: PictureAt, marks: list[dict] | tuple[dict, ...] = (),
                 save_marks: SaveMarks | None = None, **kwargs):
        self._picture_at = picture_at
        self._save_marks = save_marks
        self.now: Callable[[], float] = time.monotonic
        self._ticking = None
        self._last_tick = 0.0
        self._shown_image = None
        self._redraw = Clock.create_trigger(self._draw_picture)
        super().__init__(**kwargs)
        self.duration = duration
        self.can_mark = save_marks is not None
        self.marks = list(marks)
        # A replay opens on the finished work, as the portfolio showed it before.
        self.position = self.duration
        self.bind(position=self._redraw, size=self._redraw, marks=self._place_ticks, duration=self._place_ticks)
        self.ids.scrubber.bind(pos=self._place_ticks, size=self._place_ticks)
        self.ids.ticks.bind(pos=self._place_ticks)
        self.ids.picture.bind(size=self._redraw)
        self._redraw()

    # --- playing ---------------------------------------------------------------------

    def play(self, speed: float) -> None:
        """Play at `speed`; the button of the speed already playing pauses instead."""
        if self.speed == speed:
            self.pause()
            return
        if self.position >= self.duration:
            self.position = 0.0
        self.speed = speed
        self._last_tick = self.now()
        if self._ticking is None:
            self._ticking = Clock.schedule_interval(self._tick, 1 / FRAMES_PER_SECOND)

    def pause(self) -> None:
        self.speed = 0.0
        if self._ticking is not None:
            self._ticking.cancel()
            self._ticking = None

    # The host calls this when the artifact is no longer on screen.
    stop = pause

    def jump_to_end(self) -> None:
        self.pause()
        self.position = self.duration

    def seek(self, t: float) -> None:
        """Show the moment `t` (dragging the scrubber, tapping a mark)."""
        if abs(t - self.position) > 1e-6:
            self.pause()
            self.position = min(max(t, 0.0), self.duration)

    def _tick(self, _dt) -> None:
        moment = self.now()
        elapsed, self._last_tick = moment - self._last_tick, moment
        self.position = min(self.duration, self.position + elapsed * self.speed)
        if self.position >= self.duration:
            self.pause()

    # --- the picture -----------------------------------------------------------------

    def _draw_picture(self, *_args) -> None:
        image = self._picture_at(self.position)
        area = self.ids.picture
        wanted = (int(area.width), int(area.height))
        # Scaled to the area as it is now: the same picture is shown again after a resize.
        # Compared by identity: comparing two pictures' pixels would cost more than drawing.
        if self._shown_image is not None and self._shown_image[0] is image and self._shown_image[1] == wanted \
                and self.picture is not None:
            return
        self._shown_image = (image, wanted)
        picture = fit_picture(image, wanted).convert("RGB")
        texture = self.picture
        if texture is None or tuple(texture.size) != picture.size:
            texture = Texture.create(size=picture.size, colorfmt="rgb")
            # Pillow's rows run top to bottom, OpenGL's bottom to top.
            texture.flip_vertical()
        texture.blit_buffer(picture.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
        self.picture = texture
        # The same texture with new content is no property change: ask for the redraw.
        area.canvas.ask_update()

    # --- marks -----------------------------------------------------------------------

    def ask_for_mark(self) -> None:
        self.pause()
        MarkNoteDialog(moment=clock_text(self.position), keep_note=self.add_mark).open()

    def add_mark(self, note: str) -> None:
        mark = {"t": round(self.position, 3), "note": note, "created": datetime.now(UTC).isoformat()}
        stored = self._save_marks([*self.marks, mark])
        if stored is not None:
            self.marks = list(stored)
            self.shown_note = f"{clock_text(mark['t'])}  {note}"

    def go_to_mark(self, mark: dict) -> None:
        self.seek(mark["t"])
        self.shown_note = f"{clock_text(mark['t'])}  {mark['note']}"

    def _place_ticks(self, *_args) -> None:
        """One flag per mark above the scrubber, where its moment lies on the track."""
        row, scrubber = self.ids.ticks, self.ids.scrubber
        row.clear_widgets()
        track = scrubber.width - 2 * scrubber.padding
        for mark in self.marks:
            share = mark["t"] / self.duration if self.duration else 0.0
            moment = clock_text(mark["t"])
            tick = MarkTick(mark=mark, size=(dp(48), dp(48)), accessible_name=_("Go to the mark at {moment}").format(moment=moment))
            tick.center_x = scrubber.x + scrubber.padding + share * track
            tick.y = row.y
            tick.bind(on_release=lambda tapped: self.go_to_mark(tapped.mark))
            row.add_widget(tick)


load_rules(__name__)
