"""The photo studio: the camera's picture large, a big shutter, a countdown for
self-portraits, the photos taken as a row of small pictures, and each one large to keep,
drop or draw on.

Camera frames live only in the preview: the newest frame is shown and forgotten when the
next one comes; only the frame a shutter takes is kept, as that photo's JPEG.
"""

from __future__ import annotations

import os
import stat

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from expressive.activities.photo.roll import Photo, jpeg_of_frame, jpeg_of_picture
from expressive.activities.photo.viewer import ShowsPicture
from expressive.api import DraftNotKept
from expressive.api.camera import LatestFrame
from expressive.api.i18n import N_, _
from expressive.api.limits import MAX_PICTURE_BYTES, InputRefused, open_picture_bounded, read_bounded
from expressive.api.widgets import FileChooser, IconButton, confirm, image_texture, load_rules, show_message, texture_from_file

# The preview looks for a new frame this often: a camera's rate, no more.
PREVIEW_FPS = 30
COUNTDOWN_FROM = 3
# What the drawing studio is asked for: the document size it draws at.
DRAWN_SIZE = (2048, 1536)
# The largest picture a photo of the row is shown from.
THUMB_PIXELS = (256, 192)
PICTURE_ENDINGS = ("jpg", "jpeg", "png", "webp", "gif", "bmp")
PICTURE_FILTERS = [f"*.{ending}" for ending in PICTURE_ENDINGS] + [f"*.{ending.upper()}" for ending in PICTURE_ENDINGS]
NO_CAMERA_DRAW = N_("There is no camera here. You can draw a picture instead.")
NO_CAMERA_HERE = N_("There is no camera here.")
CAMERA_LOST = N_("The camera stopped. The photos taken so far are kept.")


def small_texture(data: bytes) -> Texture | None:
    """A picture file (a photo, a drawing over one) as a texture no larger than THUMB_PIXELS:
    a row of full-size pictures would hold hundreds of megabytes of textures."""
    try:
        with open_picture_bounded(data) as opened:
            opened.draft("RGB", THUMB_PIXELS)  # a JPEG decodes straight at a fraction of its size
            small = opened.convert("RGB")
    except InputRefused:
        return None
    small.thumbnail(THUMB_PIXELS)
    return image_texture(small)


class PhotoThumb(ShowsPicture, IconButton):
    """One photo of the row, small; tapped, it opens large."""

    def __init__(self, photo: Photo, **kwargs):
        super().__init__(picture_margin=dp(6), **kwargs)
        self.photo = photo
        self.show_picture()


class PhotoSheet(ModalView):
    """One photo large, with Keep (close), Drop (asks first) and Draw on it."""

    texture = ObjectProperty(None, allownone=True)
    prompt = StringProperty("")
    can_draw = BooleanProperty(True)

    __events__ = ("on_drop", "on_draw")

    def __init__(self, photo: Photo, **kwargs):
        super().__init__(**kwargs)
        self.photo = photo
        self.texture = texture_from_file(photo.shown)

    def ask_to_drop(self) -> None:
        confirm(_("Drop this photo?"), _("It will not be kept."), keep=_("Keep it"), act=_("Drop"),
                on_act=self._drop)

    def _drop(self) -> None:
        self.dismiss(animation=False)
        self.dispatch("on_drop")

    def draw(self) -> None:
        self.dismiss(animation=False)
        self.dispatch("on_draw")

    def on_drop(self):
        pass

    def on_draw(self):
        pass


class PhotoStudio(BoxLayout):
    """The studio of `activity` (a PhotoActivity): its roll, and the camera the host lends."""

    activity = ObjectProperty(None)
    prompt_text = StringProperty("")
    # One plain line when the camera cannot be used (none, or gone); "" while it works.
    camera_line = StringProperty("")
    facing = StringProperty("back")
    can_switch = BooleanProperty(False)
    can_draw = BooleanProperty(False)
    countdown_on = BooleanProperty(False)
    # The number shown large during a countdown; 0 when none runs.
    countdown_left = NumericProperty(0)
    upright = BooleanProperty(False)
    small_button_hint = ObjectProperty((1, 1))
    # Seconds between the countdown's numbers (a test may shorten it).
    countdown_step = 1.0

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        host = self.activity.host
        self.prompt_text = host.prompt or ""
        self.can_draw = host.picture_maker() is not None
        self.frames: LatestFrame | None = None
        self._texture: Texture | None = None
        self._thumb_textures: dict[tuple[int, bool], Texture | None] = {}
        self._mirrored = False
        self._shown_index: int | None = None
        self._preview_clock = None
        self._countdown_clock = None
        self.bind(size=self._follow_shape)
        self.show_roll()

    @property
    def host(self):
        return self.activity.host

    @property
    def roll(self):
        return self.activity.roll

    def _follow_shape(self, *_args) -> None:
        self.upright = self.height > self.width

    def on_parent(self, _studio, parent) -> None:
        # Taken off the screen without a pause (another activity opened in its place): the
        # camera's thread must not outlive it.
        if parent is None:
            self.stop_camera()

    # ----- the camera

    def start_camera(self) -> None:
        """Show the camera facing `facing`; when there is none (or it will not open), say so
        in one line and offer drawing instead."""
        if self.frames is not None:
            return
        media = self.host.media
        cameras = media.camera_count()
        self.can_switch = cameras > 1
        if cameras == 0:
            self.camera_line = _(NO_CAMERA_DRAW) if self.can_draw else _(NO_CAMERA_HERE)
            return
        source = media.open_camera(self.facing)
        if source.problem is not None:
            source.close()
            self.camera_line = source.problem
            return
        self.camera_line = ""
        self.frames = LatestFrame(source)
        self.frames.start()
        self._preview_clock = Clock.schedule_interval(self._show_newest, 1 / PREVIEW_FPS)

    def stop_camera(self) -> None:
        """Let the camera go (pause, finish): its last frame goes with it."""
        self._stop_countdown()
        if self._preview_clock is not None:
            self._preview_clock.cancel()
            self._preview_clock = None
        frames, self.frames = self.frames, None
        if frames is not None:
            frames.stop()
        self._shown_index = None

    def switch_camera(self) -> None:
        self.stop_camera()
        self.facing = "front" if self.facing == "back" else "back"
        self.start_camera()

    def _show_newest(self, _dt) -> None:
        frames = self.frames
        if frames is None:
            return
        arrived = frames.newest
        if arrived is not None and arrived.frame.index != self._shown_index:
            self._show_frame(arrived.frame.image)
            self._shown_index = arrived.frame.index
        if frames.ended:
            problem = frames.problem
            self.stop_camera()
            self.camera_line = problem or _(CAMERA_LOST)

    def _show_frame(self, image) -> None:
        height, width = image.shape[:2]
        # The front camera is shown as a mirror, as people expect to see themselves; the
        # photo is kept the right way round.
        mirrored = self.facing == "front"
        if self._texture is None or self._texture.size != (width, height) or self._mirrored != mirrored:
            self._texture = Texture.create(size=(width, height), colorfmt="rgb")
            # Texture rows go up from the bottom, a frame's down from the top.
            self._texture.flip_vertical()
            if mirrored:
                self._texture.flip_horizontal()
            self._mirrored = mirrored
            self.ids.preview.texture = self._texture
        self._texture.blit_buffer(image.tobytes(), colorfmt="bgr", bufferfmt="ubyte")
        self.ids.preview.canvas.ask_update()

    # ----- taking photos

    def press_shutter(self) -> None:
        if self.frames is None or self.countdown_left:
            return
        if self._say_if_full():
            return
        if self.countdown_on:
            self.countdown_left = COUNTDOWN_FROM
            self._countdown_clock = Clock.schedule_interval(self._count_down, self.countdown_step)
            return
        self.take_photo()

    def _count_down(self, _dt) -> None:
        self.countdown_left -= 1
        if self.countdown_left <= 0:
            self._stop_countdown()
            self.take_photo()

    def _stop_countdown(self) -> None:
        if self._countdown_clock is not None:
            self._countdown_clock.cancel()
            self._countdown_clock = None
        self.countdown_left = 0

    def take_photo(self) -> Photo | None:
        """Keep the camera's newest frame as a photo (None when no frame has come yet)."""
        arrived = self.frames.newest if self.frames is not None else None
        if arrived is None or self._say_if_full():
            return None
        photo = self._keep(lambda: self.roll.add(jpeg_of_frame(arrived.frame.image), f"camera-{self.facing}",
                                                 self.host.prompt))
        if photo is not None:
            self.ids.photos.add_widget(self._thumb(photo))
        return photo

    def _keep(self, keep):
        """What `keep()` returns, or None when the tablet could not keep the photo (its
        storage full): the child is told, and the roll is as it was."""
        try:
            return keep()
        except DraftNotKept as problem:
            show_message(_("This photo could not be kept"), str(problem))
            return None

    def _say_if_full(self) -> bool:
        reason = self.roll.full()
        if reason is not None:
            show_message(_("No room for more photos"), reason)
        return reason is not None

    # ----- the row of photos, and one large

    def show_roll(self) -> None:
        """Show the roll's kept photos (after a restore, a drop)."""
        row = self.ids.photos
        row.clear_widgets()
        for photo in self.roll.kept:
            row.add_widget(self._thumb(photo))

    def _thumb(self, photo: Photo) -> PhotoThumb:
        number = self.roll.kept.index(photo) + 1 if photo in self.roll.kept else 0
        thumb = PhotoThumb(photo, accessible_name=_("Photo {number}").format(number=number))
        # Made once for each look of each photo: the row is shown anew after every change.
        look = (photo.id, photo.drawn_png is not None)
        if look not in self._thumb_textures:
            self._thumb_textures[look] = small_texture(photo.shown)
        thumb.texture = self._thumb_textures[look]
        thumb.bind(on_release=lambda chosen: self.open_photo(chosen.photo))
        return thumb

    def open_photo(self, photo: Photo) -> None:
        sheet = PhotoSheet(photo, prompt=photo.prompt or "", can_draw=self.can_draw)
        sheet.bind(on_drop=lambda _sheet: self.drop(photo), on_draw=lambda _sheet: self.draw_on(photo))
        sheet.open()

    def drop(self, photo: Photo) -> None:
        self.roll.drop(photo)
        for drawn in (False, True):
            self._thumb_textures.pop((photo.id, drawn), None)
        self.show_roll()

    # ----- drawing

    def draw_on(self, photo: Photo) -> None:
        """Open the drawing studio on the photo; the photo with the drawing over it is kept."""
        def use(png: bytes) -> None:
            self._keep(lambda: self.roll.draw_on(photo, png))
            self.show_roll()

        self._make_picture(use, title=_("Draw on your photo"), paper=photo.jpeg)

    def draw_picture(self) -> None:
        """With no camera: a picture drawn on plain paper goes in the roll as a photo would."""
        if self._say_if_full():
            return

        def use(png: bytes) -> None:
            photo = self._keep(lambda: self.roll.add(jpeg_of_picture(png), "drawn", self.host.prompt))
            if photo is not None:
                self._keep(lambda: self.roll.draw_on(photo, png))
            self.show_roll()

        self._make_picture(use, title=_("Draw a picture"))

    def _make_picture(self, use, *, title: str, paper: bytes | None = None) -> None:
        make = self.host.picture_maker()
        if make is None:
            return
        options = {"paper": paper} if paper is not None else {}
        try:
            make(self.host, use, title=title, max_size=DRAWN_SIZE, **options)
        except ValueError as refusal:  # the photo cannot be paper: it says why
            show_message(_("This photo can't be drawn on"), str(refusal))

    # ----- a picture from the device (the therapist's)

    def choose_from_device(self) -> None:
        """The therapist's chooser of pictures on the tablet (family album work), after
        their PIN in client mode."""
        if not self._say_if_full():
            self.host.ask_therapist(_("Bring in a picture from this tablet"), self._open_chooser)

    def _open_chooser(self) -> None:
        chooser = FileChooser(title=_("A picture from this tablet"), filters=PICTURE_FILTERS, action=_("Bring it in"))
        chooser.bind(on_choose=lambda _chooser, path: self.bring_in(path))
        chooser.open()

    def bring_in(self, path: str) -> Photo | None:
        """The picture at `path` as a photo of the roll, made anew as a JPEG; refused in
        plain words, with nothing changed, when it is not a readable picture file."""
        try:
            jpeg = jpeg_of_picture(read_picture_file(path))
        except InputRefused as refusal:
            show_message(_("This picture can't be used"), str(refusal))
            return None
        except OSError:
            show_message(_("This picture can't be used"), _("The file could not be read."))
            return None
        photo = self._keep(lambda: self.roll.add(jpeg, "device", self.host.prompt))
        self.show_roll()
        return photo


def read_picture_file(path: str) -> bytes:
    """The bytes of the picture file at `path`, within the picture bound. Only a plain
    file is opened: a named pipe or a device would wait or run for ever."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise InputRefused(_("This is not a picture file."), "not-a-picture")
    return read_bounded(path, MAX_PICTURE_BYTES, what=N_("This picture"))


load_rules(__name__)
