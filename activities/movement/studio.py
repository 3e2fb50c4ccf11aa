"""The movement screen: the live view (trails, body shape or mirror) with its sound zones,
and big buttons for what the view shows and how movement sounds.

Thin: the pipeline (on its own thread) does the analysis and the sounds; this screen
shows its newest view about 30 times a second and passes choices on.
"""

from __future__ import annotations

import time

from kivy.clock import Clock
from kivy.graphics import Color, Line, Rectangle
from kivy.graphics.texture import Texture
from kivy.metrics import dp
from kivy.properties import NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from expressive.activities.movement.zone_look import zone_colour, zone_picture
from expressive.api import COMPLEXITY_LEVELS
from expressive.api.i18n import N_, _
from expressive.api.widgets import FileChooser, Icon, TherapistView
from expressive.api.widgets import load_rules

VIEW_FPS = 30
# An area dragged smaller than this share of the picture was a tap, not an area.
SMALLEST_IGNORED_AREA = 0.002
# Tapping a zone while setting zones up one by one steps through these.
ZONE_SENSITIVITIES = (0.25, 0.5, 0.8)
DEFAULT_ZONE_SENSITIVITY = 0.5
VIDEO_FILES = ["*.avi", "*.mp4", "*.mov", "*.mkv", "*.webm", "*.m4v"]
SENSITIVITY_STEP = 0.1
SETUP_REASON = N_("Setting up the movement")
# Marking areas or tuning zones is the therapist's, begun from the set-up with the PIN. In
# client mode it ends once left alone this long, so a tablet handed back part way through
# does not leave it to the client.
EDITING_IDLE_SECONDS = 20
ZONE_COUNTS = (3, 5, 8)


class LiveView(Widget):
    """The newest view, fitted into the widget, with the sound zones and the ignored areas
    drawn over it. While `editing` is "ignore", a finger drags out an area to ignore
    (`on_area`); while it is "zones", a tap on a zone picks it (`on_zone`)."""

    editing = StringProperty("")

    __events__ = ("on_area", "on_zone")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._texture: Texture | None = None
        self._zone_labels: list[Widget] = []
        self.zones = ()
        self.sounding: tuple[bool, ...] = ()
        self.ignored: tuple[tuple[float, float, float, float], ...] = ()
        self._dragging: tuple[float, float, float, float] | None = None
        self.bind(pos=self._redraw, size=self._redraw)

    def on_area(self, area):
        pass

    def on_zone(self, index: int):
        pass

    def _fraction(self, x: float, y: float) -> tuple[float, float]:
        """A window point as fractions of the picture, from its top left."""
        left, bottom, width, height = self.picture_box()
        return min(1.0, max(0.0, (x - left) / width)), min(1.0, max(0.0, 1 - (y - bottom) / height))

    def on_touch_down(self, touch):
        if not self.editing or not self.collide_point(*touch.pos):
            return super().on_touch_down(touch)
        x, y = self._fraction(*touch.pos)
        if self.editing == "zones":
            for index, zone in enumerate(self.zones):
                if zone.left <= x <= zone.right and zone.top <= y <= zone.bottom:
                    self.dispatch("on_zone", index)
                    return True
            return True
        touch.grab(self)
        self._dragging = (x, y, x, y)
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self or self._dragging is None:
            return super().on_touch_move(touch)
        self._dragging = (*self._dragging[:2], *self._fraction(*touch.pos))
        self._redraw(relabel=False)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self or self._dragging is None:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        x0, y0, x1, y1 = self._dragging
        self._dragging = None
        area = (min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))
        if area[2] * area[3] > SMALLEST_IGNORED_AREA:
            self.dispatch("on_area", area)
        self._redraw(relabel=False)
        return True

    def picture_box(self) -> tuple[float, float, float, float]:
        """Where the picture is drawn: fitted to the widget, keeping its shape."""
        width, height = self._texture.size if self._texture is not None else (640, 480)
        scale = min(self.width / width, self.height / height)
        drawn = (width * scale, height * scale)
        return (self.center_x - drawn[0] / 2, self.center_y - drawn[1] / 2, *drawn)

    def show(self, pixels, zones, sounding, ignored=()) -> None:
        """`pixels`: RGB uint8 rows from the top; `zones` and `ignored` areas in fractions
        of the view."""
        height, width = pixels.shape[:2]
        if self._texture is None or self._texture.size != (width, height):
            self._texture = Texture.create(size=(width, height), colorfmt="rgb")
            self._texture.flip_vertical()
        self._texture.blit_buffer(pixels.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
        layout_changed = tuple(zones) != tuple(self.zones)
        self.zones, self.sounding, self.ignored = tuple(zones), tuple(sounding), tuple(ignored)
        self._redraw(relabel=layout_changed)

    def _dragged_area(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self._dragging
        return min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)

    def _redraw(self, *_args, relabel: bool = True) -> None:
        left, bottom, width, height = self.picture_box()
        # The zone labels are children, drawn after (over) canvas.before.
        self.canvas.before.clear()
        with self.canvas.before:
            Color(1, 1, 1, 1)
            Rectangle(texture=self._texture, pos=(left, bottom), size=(width, height))
            for index, zone in enumerate(self.zones):
                box = (left + zone.left * width, bottom + (1 - zone.bottom) * height,
                       (zone.right - zone.left) * width, (zone.bottom - zone.top) * height)
                on = index < len(self.sounding) and self.sounding[index]
                colour = zone_colour(zone)
                if on:
                    Color(*colour, 0.35)
                    Rectangle(pos=box[:2], size=box[2:])
                # A white edge under the colour keeps the outline seen on any picture (the
                # mirror view's room too).
                Color(1, 1, 1, 1)
                Line(rectangle=box, width=(dp(4) if on else dp(2)) + dp(2))
                Color(*colour, 1)
                Line(rectangle=box, width=dp(4) if on else dp(2))
            dragged = () if self._dragging is None else (self._dragged_area(),)
            for x, y, area_width, area_height in (*self.ignored, *dragged):
                Color(0.3, 0.3, 0.35, 0.55)
                Rectangle(pos=(left + x * width, bottom + (1 - y - area_height) * height),
                          size=(area_width * width, area_height * height))
        if relabel:
            for label in self._zone_labels:
                self.remove_widget(label)
            self._zone_labels = []
            for index, zone in enumerate(self.zones):
                colour = (*zone_colour(zone), 1)
                badge = ZoneBadge(icon=zone_picture(index), color=colour)
                badge.pos = (left + zone.left * width + dp(6), bottom + (1 - zone.top) * height - badge.height - dp(6))
                self._zone_labels.append(badge)
                dots = sensitivity_dots(zone.sensitivity)
                if dots:
                    self._zone_labels.append(Label(
                        text=dots, font_size="22sp", bold=True, color=colour, size=(dp(44), badge.height),
                        pos=(badge.right + dp(2), badge.y),
                    ))
            for widget in self._zone_labels:
                self.add_widget(widget)


def sensitivity_dots(sensitivity: float) -> str:
    """Dots for a zone the therapist tuned zone by zone, more for more sensitive; none
    for the usual step or for the sensitivity set for every zone at once."""
    if sensitivity == DEFAULT_ZONE_SENSITIVITY or sensitivity not in ZONE_SENSITIVITIES:
        return ""
    return "•" * (1 + ZONE_SENSITIVITIES.index(sensitivity))


class ZoneBadge(Icon):
    """A zone's picture in its colour, on white so that it reads on any view."""


class MovementStudio(BoxLayout):
    activity = ObjectProperty(None)
    complexity = OptionProperty("standard", options=COMPLEXITY_LEVELS)
    view = StringProperty("trails")
    sound = StringProperty("zones")
    zone_count = NumericProperty(5)
    sensitivity = NumericProperty(0.5)
    source_kind = StringProperty("")
    message = StringProperty("")
    countdown = NumericProperty(0)
    arrangement = StringProperty("row")
    # "" while the client moves; "ignore" or "zones" while the therapist sets up.
    editing = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ticker = None
        self.clock = time.monotonic
        self._edited_at = 0.0
        if self.complexity == "simple":
            for name in ("mirror_button", "zone_counts", "setup_button"):
                widget = self.ids[name]
                widget.parent.remove_widget(widget)
        live = self.ids.live
        live.bind(on_area=lambda _live, area: self._ignore(area), on_zone=lambda _live, index: self._step_zone(index))
        self.bind(editing=live.setter("editing"))

    def on_parent(self, _studio, parent) -> None:
        if parent is None and self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        elif parent is not None and self._ticker is None:
            self._ticker = Clock.schedule_interval(self.refresh, 1 / VIEW_FPS)

    def refresh(self, _dt=0) -> None:
        activity = self.activity
        if self.editing and self.clock() - self._edited_at > EDITING_IDLE_SECONDS and not activity.host.therapist_present:
            self.editing = ""
        pipeline = activity.pipeline
        if pipeline is None:
            return
        pixels = pipeline.view()
        if pixels is not None:
            zones = pipeline.zones if pipeline.settings.sound == "zones" else ()
            self.ids.live.show(pixels, zones, pipeline.sounding_zones(), pipeline.ignored_areas)
        self.source_kind = activity.source_kind
        if activity.problem:
            self.message = activity.problem
        elif pipeline.calibrating:
            self.message = _("Stay out of the picture a little longer.")
        elif activity.capture is not None and activity.capture.ended:
            self.message = _(activity.capture.problem or N_("The video is over."))
        elif self.editing == "ignore":
            self.message = _("Drag a finger over an area where movement should not count. Tap Done setting up when finished.")
        elif self.editing == "zones":
            self.message = _("Tap a zone to make it need more or less movement (more dots: more sensitive).")
        elif not self.countdown:
            self.message = _("Move your body to paint and to make music!")

    # --- choices -----------------------------------------------------------------------

    def choose_view(self, view: str) -> None:
        self.view = view
        self.activity.change(view=view)

    def choose_sound(self, sound: str) -> None:
        self.sound = sound
        self.activity.change(sound=sound)

    def choose_zone_count(self, count: int) -> None:
        self.zone_count = count
        self.activity.change(zone_count=count)

    def nudge_sensitivity(self, step: float) -> None:
        self.sensitivity = round(min(1.0, max(0.0, self.sensitivity + step)), 2)
        self.activity.change(sensitivity=self.sensitivity)

    def choose_source(self, kind: str) -> None:
        if kind == "file":
            chooser = FileChooser(title=_("Watch a video instead of the camera"), filters=VIDEO_FILES, action=_("Watch"))
            chooser.bind(on_choose=lambda _chooser, path: self._use_source("file", path=path, resolution=(640, 480)))
            chooser.open()
        elif kind == "camera":
            self._tell(self.activity.next_camera())
        else:
            self._use_source(kind)

    def choose_camera_resolution(self, resolution: tuple[int, int]) -> None:
        self._tell(self.activity.next_camera(resolution))

    def _use_source(self, kind: str, **options) -> None:
        self._tell(self.activity.use_source(kind, **options))

    def _tell(self, problem: str | None) -> None:
        if problem:
            self.message = _(problem)

    def choose_arrangement(self, arrangement: str) -> None:
        self.arrangement = arrangement
        self.activity.change(arrangement=arrangement)

    def open_setup(self) -> None:
        if self.editing:
            self.editing = ""
            return
        reason = _(SETUP_REASON)
        self.activity.host.ask_therapist(reason, MovementSetup(studio=self, reason=reason).open)

    def edit(self, what: str) -> None:
        """Let the therapist mark ignored areas ("ignore") or tune zones ("zones") by touch."""
        self.editing = what
        self._edited_at = self.clock()

    def _ignore(self, area) -> None:
        self._edited_at = self.clock()
        self.activity.pipeline.ignore_area(area)

    def forget_ignored_areas(self) -> None:
        self.activity.pipeline.ignore_area(None)

    def _step_zone(self, index: int) -> None:
        self._edited_at = self.clock()
        zone = self.activity.pipeline.zones[index]
        steps = ZONE_SENSITIVITIES
        following = steps[(steps.index(zone.sensitivity) + 1) % len(steps)] if zone.sensitivity in steps else steps[0]
        self.activity.pipeline.set_zone_sensitivity(index, following)

    def calibrate(self) -> None:
        """Give the client three seconds to step out of view, then learn the empty room."""
        self.countdown = 3
        self.message = _("Step out of the picture: {count}").format(count=self.countdown)

        def tick(_dt):
            self.countdown -= 1
            if self.countdown > 0:
                self.message = _("Step out of the picture: {count}").format(count=self.countdown)
                return True
            self.activity.pipeline.calibrate()
            return False

        Clock.schedule_interval(tick, 1)


class MovementSetup(TherapistView):
    """The therapist's set-up: the picture source, the room, how little movement sounds,
    and where the zones are and which notes they play."""

    studio = ObjectProperty(None)
    zone_notes = StringProperty("")

    def on_studio(self, _setup, studio) -> None:
        pipeline = studio.activity.pipeline
        if pipeline is not None:
            self.zone_notes = _("The zones play, from the first: {notes}").format(
                notes=", ".join(zone.label for zone in pipeline.zones)
            )

    def done(self, action) -> None:
        # The action first: what it opens (the video chooser) opens while the therapist,
        # who opened this set-up, still counts as present.
        action()
        self.dismiss(animation=False)


load_rules(__name__)
