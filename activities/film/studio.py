"""The film screen: the stage (the live camera with the last frame faintly over it, or the
film playing), the strip of frames, and big buttons to take, draw, copy, take out and move
frames, to choose the speed, the title and the sound.

The `Reel` is the truth; the screen shows it. The stage is one texture, uploaded again only
when its picture changes: a new camera frame (with the onion skin worked out into one
buffer that is kept), or the next frame of the film. Each camera frame costs one blend and
one upload; taking a frame encodes the camera's own picture (without the onion skin).
Time here is the studio's `clock`, so that a test can hold it still and move it itself.
"""

from __future__ import annotations

import io
import math
import time

import cv2
import numpy as np
from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.uix.recycleview import RecycleView
from kivy.uix.widget import Widget
from PIL import Image

from expressive.activities.film.reel import ReelFull
from expressive.api import DraftNotKept, LibraryError
from expressive.api.audio import NoteEvent, wav_bytes
from expressive.api.camera import LatestFrame
from expressive.api.i18n import N_, _
from expressive.api.limits import InputRefused
from expressive.api.microphone import read_wav
from expressive.api.widgets import ChoiceButton, IconButton, LevelMeter, image_texture, load_rules, show_message, theme
from expressive.lib.film import FILM_SIZE, FPS_CHOICES, MAX_FILM_FRAMES, jpeg_frame, onion_skin, title_card
from expressive.lib.music.midifile import MidiFileError, read_midi

COUNTDOWN_FROM = 3
ONION_AMOUNT = 0.35
THUMBNAIL_SIZE = (128, 96)
CAMERA_STOPPED = N_("The camera stopped. The frames you took are kept; you can draw the next ones.")
NO_CAMERA_HERE = N_("There is no camera here, so draw your frames.")
# What the stage shows: the camera or the chosen frame while making; the film while it
# plays; the film still at its start while counting down to a recording, then playing
# while the microphone records.
MODES = ("making", "playing", "countdown", "recording")


def decoded(jpeg: bytes) -> np.ndarray:
    """A frame's JPEG as BGR pixels (frames are our own JPEGs of FILM_SIZE, kept encrypted)."""
    return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)


def fitted_over_live(frame: np.ndarray, live_size: tuple[int, int]) -> np.ndarray:
    """A frame (FILM_SIZE, the camera's picture letterboxed into it) cut back to the camera's
    shape and scaled to `live_size` (width, height), so the onion skin lies exactly over the
    live picture it came from."""
    width, height = FILM_SIZE
    live_width, live_height = live_size
    scale = min(width / live_width, height / live_height)
    inner_width, inner_height = round(live_width * scale), round(live_height * scale)
    left, top = (width - inner_width) // 2, (height - inner_height) // 2
    inner = frame[top:top + inner_height, left:left + inner_width]
    if (inner_width, inner_height) == live_size:
        return np.ascontiguousarray(inner)
    return cv2.resize(inner, live_size, interpolation=cv2.INTER_LINEAR)


class FilmStage(Widget):
    """One picture fitted into the widget, keeping its shape; `show` uploads new pixels into
    the one texture (made again only when the picture's size changes)."""

    countdown = NumericProperty(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.texture: Texture | None = None
        with self.canvas.before:
            Color(1, 1, 1, 1)
            self._picture = Rectangle()
        self.bind(pos=self._place, size=self._place)

    def show(self, pixels: np.ndarray, colours: str = "bgr") -> None:
        """`pixels`: height x width x 3 uint8 rows from the top, in `colours` order."""
        height, width = pixels.shape[:2]
        if self.texture is None or self.texture.size != (width, height):
            self.texture = Texture.create(size=(width, height), colorfmt="rgb")
            self.texture.flip_vertical()
            self._picture.texture = self.texture
            self._place()
        # Kivy reads a writable array's memory as it is; anything else is copied once.
        usable = pixels.flags.c_contiguous and pixels.flags.writeable
        self.texture.blit_buffer(pixels.reshape(-1).data if usable else pixels.tobytes(), colorfmt=colours, bufferfmt="ubyte")
        self.canvas.ask_update()

    def show_image(self, image: Image.Image) -> None:
        self.show(np.asarray(image.convert("RGB")), "rgb")

    def _place(self, *_args) -> None:
        width, height = self.texture.size if self.texture is not None else FILM_SIZE
        scale = min(self.width / width, self.height / height)
        size = (width * scale, height * scale)
        self._picture.pos = (self.center_x - size[0] / 2, self.center_y - size[1] / 2)
        self._picture.size = size


class FrameThumb(ButtonBehavior, Widget):
    """One frame in the strip: its small picture, its place in the film, and whether it is
    the chosen one."""

    index = NumericProperty(0)
    chosen = BooleanProperty(False)
    texture = ObjectProperty(None, allownone=True)
    accessible_name = StringProperty("")

    def on_release(self):
        strip = self.parent
        while strip is not None and not isinstance(strip, FrameStrip):
            strip = strip.parent
        if strip is not None:
            strip.dispatch("on_choose", self.index)


class FrameStrip(RecycleView):
    """The film's frames in a row, scrolling; a tap chooses one (`on_choose(index)`)."""

    __events__ = ("on_choose",)

    def on_choose(self, index: int):
        pass

    def show_frame(self, index: int) -> None:
        """Scroll so that frame `index` is in view (as little as that takes), if it is not."""
        layout = self.layout_manager
        if index < 0 or not self.data or layout is None:
            return
        cell = layout.default_size[0] + layout.spacing
        overflow = len(self.data) * cell - layout.spacing - self.width
        if overflow <= 0:
            return
        shown_from = self.scroll_x * overflow
        left = index * cell
        if left < shown_from:
            self.scroll_x = left / overflow
        elif left + cell - layout.spacing > shown_from + self.width:
            self.scroll_x = min(1.0, (left + cell - layout.spacing - self.width) / overflow)


class TitleSheet(ModalView):
    """Typing the film's title, with its card shown as the film will open."""

    studio = ObjectProperty(None)


class SongSheet(ModalView):
    """The client's own songs, to choose one as the film's sound."""


class FilmStudio(BoxLayout):
    activity = ObjectProperty(None)
    mode = OptionProperty("making", options=MODES)
    complexity = StringProperty("standard")
    message = StringProperty("")
    frame_count = NumericProperty(0)
    chosen = NumericProperty(-1)
    can_undo = BooleanProperty(False)
    onion = BooleanProperty(True)
    camera_on = BooleanProperty(False)
    can_turn_camera = BooleanProperty(False)
    can_draw = BooleanProperty(False)
    can_record = BooleanProperty(False)
    sound_source = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.clock = time.monotonic
        host = self.activity.host
        self.reel = self.activity.reel
        self.frames: LatestFrame | None = None
        self.facing = "back"
        self.microphone = None
        self.drawing_popup = None
        self.sheet: ModalView | None = None
        # What the message line says of the camera, and of the sound: each a plain sentence or "".
        self._lines = {"camera": "", "sound": ""}
        self._last_live: np.ndarray | None = None  # the newest camera picture, as the camera gave it
        self._last_index = -1
        self._previous: np.ndarray | None = None  # the chosen frame, fitted over the live picture
        self._previous_for: tuple[int | None, tuple[int, int]] | None = None
        self._blend: np.ndarray | None = None
        self._thumbnail_cache: dict[int, Texture] = {}
        self._playing_from = 0.0
        self._shown_frame = -2
        self._countdown_ends = 0.0
        self._ticking = None
        self._back_on_screen = False
        self.can_draw = host.picture_maker() is not None
        self.ids.strip.bind(on_choose=lambda _strip, index: self.choose(index))
        self.speed_buttons = []
        # The simplest level has one speed, and no choice of it on the screen.
        for fps in FPS_CHOICES if self.complexity != "simple" else ():
            button = ChoiceButton(icon="speedometer", text=str(fps), value=str(fps),
                                  accessible_name=_("{count} frames a second").format(count=fps))
            button.bind(on_release=lambda button: self.set_fps(int(button.value)))
            self.bind(mode=lambda _studio, mode, button=button: setattr(button, "disabled", mode != "making"))
            self.ids.speeds.add_widget(button)
            self.speed_buttons.append(button)
        self.meter = LevelMeter(size_hint=(1, None), height=theme.TARGET / 2)
        self.show_reel()

    # --- devices ---------------------------------------------------------------------------

    def start(self) -> None:
        """Open the camera and the microphone, and look at them with every frame drawn."""
        media = self.activity.host.media
        self.microphone = media.microphone()
        self.can_record = self.microphone.problem is None
        self.can_turn_camera = media.camera_count() > 1
        self.open_camera()
        self.say("sound", self.microphone.problem)
        if self._ticking is None:
            # Every frame the screen draws: a new camera picture, the film's next frame or the
            # countdown's next number shows in the first frame it can.
            self._ticking = Clock.schedule_interval(self._tick, 0)

    def stop(self) -> None:
        """Let go of the camera and the microphone (a recording under way is kept), and of the clock."""
        if self.mode in ("countdown", "recording"):
            self.stop_recording()
        elif self.mode == "playing":
            self.stop_playing()
        self.close_camera()
        if self._ticking is not None:
            self._ticking.cancel()
            self._ticking = None

    def open_camera(self) -> None:
        self.close_camera()
        source = self.activity.host.media.open_camera(self.facing)
        if source.problem is not None:
            source.close()
            self.say("camera", _(NO_CAMERA_HERE))
            self.camera_on = False
            self.show_chosen()
            return
        self.frames = LatestFrame(source)
        self.frames.start()
        self.camera_on = True
        self.say("camera", "")

    def close_camera(self) -> None:
        if self.frames is not None:
            self.frames.stop()
        self.frames = None
        self._last_live = None
        self._last_index = -1

    def turn_camera(self) -> None:
        self.facing = "front" if self.facing == "back" else "back"
        self.open_camera()

    @property
    def live_shown(self) -> bool:
        """Whether a camera picture has been shown since the camera opened."""
        return self._last_index >= 0

    def on_parent(self, _studio, parent) -> None:
        # Taken off the screen (Done, or the host closing it), the camera's thread stops
        # too; put back, it goes on.
        if parent is None:
            self._back_on_screen = self._ticking is not None
            self.stop()
        elif self._back_on_screen:
            self.start()

    def say(self, about: str, words: str | None) -> None:
        """Put what is to be said `about` the camera or the sound on the message line (None: nothing)."""
        self._lines[about] = words or ""
        self.message = "\n".join(line for line in self._lines.values() if line)

    # --- what the stage shows --------------------------------------------------------------

    def _tick(self, _dt) -> None:
        if self.mode == "making":
            self.show_live()
        elif self.mode == "countdown":
            left = self._countdown_ends - self.clock()
            if left <= 0:
                self.begin_recording()
            else:
                self.ids.stage.countdown = math.ceil(left)
        elif self.mode == "playing":
            position = self._sound_position()
            if position is None:
                position = self.clock() - self._playing_from
            if position >= self.reel.seconds:
                self.stop_playing()
            else:
                self.show_film_at(position)
        elif self.mode == "recording":
            self.follow_recording()

    def show_live(self) -> None:
        """The newest camera picture with the chosen frame faintly over it, when there is a new one."""
        if self.frames is None:
            return
        if self.frames.ended:
            self.close_camera()
            self.camera_on = False
            self.say("camera", _(CAMERA_STOPPED))
            self.show_chosen()
            return
        arrived = self.frames.newest
        if arrived is None or arrived.frame.index == self._last_index:
            return
        self._last_index = arrived.frame.index
        self._last_live = arrived.frame.image
        self.ids.stage.show(self.live_picture(arrived.frame.image))

    def live_picture(self, live: np.ndarray) -> np.ndarray:
        """The camera's picture, with the chosen frame over it when the onion skin is on."""
        previous = self.previous_over(live) if self.onion else None
        if previous is None:
            return live
        if self._blend is None or self._blend.shape != live.shape:
            self._blend = np.empty_like(live)
        return onion_skin(live, previous, ONION_AMOUNT, out=self._blend)

    def previous_over(self, live: np.ndarray) -> np.ndarray | None:
        """The chosen frame fitted over a live picture of this size, worked out once per
        frame chosen, not once per camera frame."""
        number = None if self.reel.chosen is None else self.reel.frames[self.reel.chosen]
        wanted = (number, (live.shape[1], live.shape[0]))
        if wanted != self._previous_for:
            self._previous_for = wanted
            self._previous = None if number is None else fitted_over_live(decoded(self.reel.picture(number)), wanted[1])
        return self._previous

    def show_chosen(self) -> None:
        """Without a live camera the stage shows the chosen frame (the title card before any)."""
        if self.camera_on and self.mode == "making":
            return
        picture = self.reel.chosen_picture()
        if picture is None:
            self.ids.stage.show_image(title_card(self.reel.title))
        else:
            self.ids.stage.show(decoded(picture))

    def show_film_at(self, position: float) -> None:
        index = min(int(position * self.reel.fps), len(self.reel) - 1)
        if index != self._shown_frame and index >= 0:
            self._shown_frame = index
            self.ids.stage.show(decoded(self.reel.picture(self.reel.frames[index])))

    # --- the reel ----------------------------------------------------------------------------

    def show_reel(self, reel=None) -> None:
        """Show the reel (a restored one, when given) as it is: the strip, the speed, the title."""
        if reel is not None:
            # Another reel's frames may have the same numbers: nothing of the last one is kept.
            self.reel = reel
            self._thumbnail_cache.clear()
            self._previous_for = None
        reel = self.reel
        self.frame_count = len(reel)
        self.chosen = -1 if reel.chosen is None else reel.chosen
        self.can_undo = reel.removal is not None
        self.sound_source = reel.sound_source or ""
        for button in self.speed_buttons:
            button.selected = int(button.value) == reel.fps
        self.ids.strip.data = [
            {"index": index, "chosen": index == reel.chosen, "texture": self.thumbnail(number),
             "accessible_name": _("Frame {number}").format(number=index + 1)}
            for index, number in enumerate(reel.frames)
        ]
        self.show_chosen()

    def thumbnail(self, number: int) -> Texture:
        texture = self._thumbnail_cache.get(number)
        if texture is None:
            image = Image.open(io.BytesIO(self.reel.picture(number)))
            image.draft("RGB", THUMBNAIL_SIZE)  # JPEG decodes straight to a smaller size
            texture = self._thumbnail_cache[number] = image_texture(image.convert("RGB").resize(THUMBNAIL_SIZE))
        return texture

    def changed(self) -> None:
        self.show_reel()
        self.ids.strip.show_frame(self.chosen)

    def take_frame(self) -> None:
        """Keep the camera's picture of now (without the onion skin) as a frame after the chosen one."""
        if self._last_live is None or self.mode != "making":
            return
        self._add(jpeg_frame(self._last_live), "camera")

    def _add(self, jpeg: bytes, origin: str) -> None:
        try:
            self.reel.add(jpeg, origin)
        except ReelFull as full:
            show_message(_("The film is full"), str(full))
            return
        except DraftNotKept as problem:  # the tablet's storage is full: the film stays as it was
            show_message(_("This frame could not be kept"), str(problem))
            return
        self.changed()

    def _set_sound(self, wav: bytes | None, source: str | None) -> None:
        try:
            self.reel.set_sound(wav, source)
        except DraftNotKept as problem:
            show_message(_("The sound could not be kept"), str(problem))

    def draw_frame(self, from_chosen: bool) -> None:
        """Open the drawing studio for a new frame: on white, or on the chosen frame (the next
        page of a flip-book)."""
        make_picture = self.activity.host.picture_maker()
        if make_picture is None or self.mode != "making":
            return
        paper = self.reel.chosen_picture() if from_chosen else None
        try:
            popup = make_picture(
                self.activity.host,
                lambda png: self._add(jpeg_frame(Image.open(io.BytesIO(png))), "drawn"),
                title=_("Draw the next frame") if paper is not None else _("Draw a frame"),
                max_size=FILM_SIZE,
                paper=paper,
            )
        except ValueError as problem:  # the frame could not be opened as paper
            show_message(_("That frame cannot be drawn on"), str(problem))
            return
        popup.bind(on_dismiss=lambda _popup: setattr(self, "drawing_popup", None))
        self.drawing_popup = popup

    def choose(self, index: int) -> None:
        self.reel.choose(index)
        self.changed()

    def copy_frame(self) -> None:
        try:
            self.reel.copy()
        except ReelFull as full:
            show_message(_("The film is full"), str(full))
            return
        self.changed()

    def take_out(self) -> None:
        self.reel.remove()
        self.changed()

    def put_back(self) -> None:
        self.reel.put_back()
        self.changed()

    def move_frame(self, step: int) -> None:
        self.reel.move(step)
        self.changed()

    def set_fps(self, fps: int) -> None:
        self.reel.set_fps(fps)
        self.changed()

    def toggle_onion(self) -> None:
        self.onion = not self.onion
        self._last_index = -1  # shown again at once, with or without it

    # --- playing ------------------------------------------------------------------------------

    def play(self) -> None:
        """The film so far, in place, at its speed, with its sound."""
        if not self.reel.frames or self.mode != "making":
            return
        self.mode = "playing"
        self._shown_frame = -2
        self._playing_from = self.clock()
        self._play_sound()
        self.show_film_at(0.0)

    def stop_playing(self) -> None:
        self._stop_sound()
        self.mode = "making"
        self._last_index = -1
        self.show_chosen()

    def _play_sound(self) -> None:
        if self.reel.sound is None:
            return
        engine = self.activity.host.media.audio()
        samples, rate = read_wav(self.reel.sound)
        if rate != engine.sample_rate:
            count = int(len(samples) * engine.sample_rate / rate)
            samples = np.interp(np.arange(count) * (rate / engine.sample_rate), np.arange(len(samples)), samples).astype(np.int16)
        engine.play_clip(np.repeat(samples[:, np.newaxis], 2, axis=1), 0.0)

    def _sound_position(self) -> float | None:
        if self.reel.sound is None:
            return None
        return self.activity.host.media.audio().clip_position()

    def _stop_sound(self) -> None:
        if self.reel.sound is not None:
            self.activity.host.media.audio().stop_clip()

    # --- sound --------------------------------------------------------------------------------

    def record_voice(self) -> None:
        """Count down 3-2-1, then play the film while the microphone records."""
        if not self.reel.frames or not self.can_record or self.mode != "making":
            return
        self.mode = "countdown"
        self._shown_frame = -2
        self.show_film_at(0.0)
        self._countdown_ends = self.clock() + COUNTDOWN_FROM
        self.ids.stage.countdown = COUNTDOWN_FROM

    def begin_recording(self) -> None:
        self.ids.stage.countdown = 0
        self.microphone.start()
        self.mode = "recording"
        self.meter.follow(self.microphone)
        self.ids.making_panel.add_widget(self.meter)

    def follow_recording(self) -> None:
        """The film in step with the voice; the end of the film (or a lost microphone) ends it."""
        recorded = self.microphone.recorded_seconds()
        if self.microphone.lost is not None or recorded >= self.reel.seconds:
            self.stop_recording()
            return
        self.show_film_at(recorded)

    def stop_recording(self) -> None:
        """Keep what was recorded (cut at the film's end) as the film's sound; a countdown
        stopped before it ended records nothing."""
        if self.mode == "countdown":
            self.ids.stage.countdown = 0
            self.mode = "making"
            self.show_chosen()
            return
        if self.mode != "recording":
            return
        samples = self.microphone.stop()
        self.meter.follow(None)
        if self.meter.parent is not None:
            self.meter.parent.remove_widget(self.meter)
        self.mode = "making"
        self._last_index = -1
        lost = self.microphone.lost
        samples = samples[:int(self.reel.seconds * self.microphone.sample_rate)]
        if len(samples):
            self._set_sound(wav_bytes(samples, self.microphone.sample_rate), "voice")
        self.say("sound", lost)
        self.changed()

    def choose_music(self) -> None:
        """The client's own songs, one to choose as the film's sound."""
        if self.mode != "making":
            return
        songs = self.activity.host.songs.available()
        sheet = SongSheet()
        sheet.ids.empty.opacity = 0 if songs else 1
        for song in songs:
            button = IconButton(icon="music", text=song.title, size_hint=(1, None), height=theme.TARGET)
            button.bind(on_release=lambda _button, song_id=song.id: self.use_song(song_id))
            sheet.ids.songs.add_widget(button)
        sheet.bind(on_dismiss=lambda _sheet: setattr(self, "sheet", None))
        self.sheet = sheet
        sheet.open()

    def use_song(self, song_id: str) -> None:
        """The song, played by the app's own instruments, as the film's sound from its first frame."""
        if self.sheet is not None:
            self.sheet.dismiss(animation=False)
        engine = self.activity.host.media.audio()
        try:
            performance = read_midi(self.activity.host.songs.read(song_id))
        except (LibraryError, MidiFileError, InputRefused) as problem:
            show_message(_("That music cannot be used"), str(problem))
            return
        # No film is longer than its most frames at its slowest speed: the rest would never be heard.
        longest = MAX_FILM_FRAMES / min(FPS_CHOICES)
        frames = engine.render([NoteEvent(e.time, e.note, e.velocity, e.instrument)
                                for e in performance.note_events() if e.time <= longest])
        mono = frames.mean(axis=1, dtype=np.float32).astype(np.int16)
        self._set_sound(wav_bytes(mono, engine.sample_rate), "music")
        self.changed()

    def silence(self) -> None:
        if self.mode == "making":
            self._set_sound(None, None)
            self.changed()

    # --- the title ----------------------------------------------------------------------------

    def edit_title(self) -> None:
        if self.mode != "making":
            return
        sheet = TitleSheet(studio=self)
        sheet.ids.words.text = self.reel.title
        sheet.ids.card.texture = image_texture(title_card(self.reel.title))
        sheet.bind(on_dismiss=lambda _sheet: setattr(self, "sheet", None))
        self.sheet = sheet
        sheet.open()

    def preview_title(self, words: str) -> None:
        if self.sheet is not None and "card" in self.sheet.ids:
            self.sheet.ids.card.texture = image_texture(title_card(words.strip()))

    def keep_title(self, words: str) -> None:
        try:
            self.reel.set_title(words)
        except InputRefused as problem:
            show_message(_("That title cannot be kept"), str(problem))
            return
        if self.sheet is not None:
            self.sheet.dismiss(animation=False)
        self.changed()


load_rules(__name__)
