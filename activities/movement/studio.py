"""The movement screen: the live view (trails, body shape or mirror) with its sound zones,
and big buttons for what the view shows and how movement sounds.

Thin: the pipeline (on its own thread) does the analysis and the sounds; this screen
shows its newest view about 30 times a second and passes choices on.
"""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.graphics import Color, Line, Rectangle
from kivy.graphics.texture import Texture
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from activities.music.scales import colour_for_note
from expressive.activity import COMPLEXITY_LEVELS
from expressive.ui import widgets  # noqa: F401  (registers IconButton, ChoiceButton and the fonts)
from expressive.ui.files import FileChooser

VIEW_FPS = 30
VIDEO_FILES = ["*.avi", "*.mp4", "*.mov", "*.mkv", "*.webm", "*.m4v"]
SENSITIVITY_STEP = 0.1
ZONE_COUNTS = (3, 5, 8)


class LiveView(Widget):
    """The newest view, fitted into the widget, with the sound zones drawn over it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._texture: Texture | None = None
        self._zone_labels: list[Label] = []
        self.zones = ()
        self.sounding: tuple[bool, ...] = ()
        self.bind(pos=self._redraw, size=self._redraw)

    def picture_box(self) -> tuple[float, float, float, float]:
        """Where the picture is drawn: fitted to the widget, keeping its shape."""
        width, height = self._texture.size if self._texture is not None else (640, 480)
        scale = min(self.width / width, self.height / height)
        drawn = (width * scale, height * scale)
        return (self.center_x - drawn[0] / 2, self.center_y - drawn[1] / 2, *drawn)

    def show(self, pixels, zones, sounding) -> None:
        """`pixels`: RGB uint8 rows from the top; `zones` in fractions of the view."""
        height, width = pixels.shape[:2]
        if self._texture is None or self._texture.size != (width, height):
            self._texture = Texture.create(size=(width, height), colorfmt="rgb")
            self._texture.flip_vertical()
        self._texture.blit_buffer(pixels.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
        layout_changed = tuple(zones) != tuple(self.zones)
        self.zones, self.sounding = tuple(zones), tuple(sounding)
        self._redraw(relabel=layout_changed)

    def _redraw(self, *_args, relabel: bool = True) -> None:
        left, bottom, width, height = self.picture_box()
        self.canvas.clear()
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(texture=self._texture, pos=(left, bottom), size=(width, height))
            for index, zone in enumerate(self.zones):
                box = (left + zone.left * width, bottom + (1 - zone.bottom) * height,
                       (zone.right - zone.left) * width, (zone.bottom - zone.top) * height)
                on = index < len(self.sounding) and self.sounding[index]
                colour = colour_for_note(zone.notes[0])
                if on:
                    Color(*colour, 0.35)
                    Rectangle(pos=box[:2], size=box[2:])
                Color(*colour, 1 if on else 0.7)
                Line(rectangle=box, width=dp(4) if on else dp(2))
        if relabel:
            for label in self._zone_labels:
                self.remove_widget(label)
            self._zone_labels = []
            for zone in self.zones:
                label = Label(text=zone.label, font_size="18sp", bold=True, color=(*colour_for_note(zone.notes[0]), 1),
                              size=(dp(60), dp(28)),
                              pos=(left + zone.left * width + dp(6), bottom + (1 - zone.top) * height - dp(32)))
                self.add_widget(label)
                self._zone_labels.append(label)


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

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ticker = None
        if self.complexity == "simple":
            for name in ("mirror_button", "zone_counts", "sensitivity_row", "calibrate_button", "sources"):
                widget = self.ids[name]
                widget.parent.remove_widget(widget)
        elif self.complexity == "standard":
            for name in ("calibrate_button", "sources"):
                widget = self.ids[name]
                widget.parent.remove_widget(widget)

    def on_parent(self, _studio, parent) -> None:
        if parent is None and self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        elif parent is not None and self._ticker is None:
            self._ticker = Clock.schedule_interval(self.refresh, 1 / VIEW_FPS)

    def refresh(self, _dt=0) -> None:
        activity = self.activity
        pipeline = activity.pipeline
        if pipeline is None:
            return
        pixels = pipeline.view()
        if pixels is not None:
            zones = pipeline.zones if pipeline.settings.sound == "zones" else ()
            self.ids.live.show(pixels, zones, pipeline.sounding_zones())
        self.source_kind = activity.source_kind
        if activity.problem:
            self.message = activity.problem
        elif pipeline.calibrating:
            self.message = "Learning the empty room..."
        elif activity.capture is not None and activity.capture.ended:
            self.message = activity.capture.problem or "The video has ended. Choose another, or the camera."
        elif not self.countdown:
            self.message = "Move to paint, and to play the coloured zones."

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
            chooser = FileChooser(title="Watch a video instead of the camera", filters=VIDEO_FILES, action="Watch")
            chooser.bind(on_choose=lambda _chooser, path: self._use_source("file", path=path, resolution=(640, 480)))
            chooser.open()
        else:
            self._use_source(kind)

    def _use_source(self, kind: str, **options) -> None:
        problem = self.activity.use_source(kind, **options)
        if problem:
            self.message = problem

    def calibrate(self) -> None:
        """Give the client three seconds to step out of view, then learn the empty room."""
        self.countdown = 3
        self.message = "Please step out of the picture: 3"

        def tick(_dt):
            self.countdown -= 1
            if self.countdown > 0:
                self.message = f"Please step out of the picture: {self.countdown}"
                return True
            self.activity.pipeline.calibrate()
            return False

        Clock.schedule_interval(tick, 1)


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
