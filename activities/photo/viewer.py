"""Saved photos in the portfolio: each large, one at a time, with the drawing over it when
the client drew on it, when it was taken and the prompt it answered; Earlier and Later
(or a swipe) go through them. A photo that cannot be read says so plainly, and the rest show.
"""

from __future__ import annotations

import re

from kivy.graphics import Color, Rectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from expressive.activities.photo.roll import SavedPhoto, saved_photos
from expressive.api import ArtifactUnreadable, ArtifactView
from expressive.api.i18n import _
from expressive.api.limits import InputRefused
from expressive.api.widgets import load_rules, texture_from_file

# A finger moved this far sideways over the photo turns to the next one.
SWIPE = dp(80)
KEPT_PHOTO = re.compile(r"^photo-(\d{2})\.jpg$")


def fit_box(picture_size: tuple[int, int], box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Where a picture of `picture_size` shows whole and centred in `box` (left, bottom,
    width, height), its shape kept."""
    left, bottom, width, height = box
    scale = min(width / max(picture_size[0], 1), height / max(picture_size[1], 1))
    shown = (picture_size[0] * scale, picture_size[1] * scale)
    return left + (width - shown[0]) / 2, bottom + (height - shown[1]) / 2, *shown


class ShowsPicture:
    """For a widget that shows its `texture` whole and centred inside itself,
    `picture_margin` from its edges, its shape kept: call `show_picture()` once built."""

    texture = ObjectProperty(None, allownone=True)
    picture_margin = NumericProperty(0)

    def show_picture(self) -> None:
        with self.canvas:
            Color(1, 1, 1, 1)
            self._picture = Rectangle(size=(0, 0))
        self.bind(pos=self._fit, size=self._fit, texture=self._fit, picture_margin=self._fit)

    def _fit(self, *_args) -> None:
        self._picture.texture = self.texture
        if self.texture is None:
            self._picture.size = (0, 0)
            return
        margin = self.picture_margin
        left, bottom, width, height = fit_box(
            self.texture.size, (self.x + margin, self.y + margin, self.width - 2 * margin, self.height - 2 * margin))
        self._picture.pos, self._picture.size = (left, bottom), (width, height)


class PictureView(ShowsPicture, Widget):
    """A picture (a texture) shown whole and centred, its shape kept."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.show_picture()


def photos_viewer(artifact: ArtifactView) -> PhotoViewer:
    """The saved photos of `artifact`, as its photos.json orders them; when that record is
    damaged, the photos its files hold, in their order, without times."""
    try:
        photos = saved_photos(artifact.read(artifact.process or "photos.json"))
    except (InputRefused, ArtifactUnreadable):
        photos = [SavedPhoto(_drawn_or_photo(artifact, name), -1.0, "", None)
                  for name in sorted(name for name in artifact.file_names if KEPT_PHOTO.match(name))]
    return PhotoViewer(artifact=artifact, photos=photos)


def _drawn_or_photo(artifact: ArtifactView, photo_name: str) -> str:
    drawn = photo_name.replace(".jpg", "-drawn.png")
    return drawn if drawn in artifact.file_names else photo_name


def taken_words(seconds: float) -> str:
    """When a photo was taken, as minutes and seconds into the activity ("2:05 in")."""
    minutes, rest = divmod(int(seconds), 60)
    return _("Taken {minutes}:{seconds:02d} in").format(minutes=minutes, seconds=rest)


class PhotoViewer(BoxLayout):
    """One photo of `photos` at a time (`index`), large."""

    artifact = ObjectProperty(None)
    photos = ObjectProperty([])
    index = NumericProperty(0)
    texture = ObjectProperty(None, allownone=True)
    # The words over the photo: which one, when (or that it cannot be read), and the
    # prompt it answered.
    heading = StringProperty("")
    details = StringProperty("")
    prompt = StringProperty("")
    damaged = BooleanProperty(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._swipe_start: float | None = None
        self.bind(index=self._show)
        self._show()

    def earlier(self) -> None:
        if self.index > 0:
            self.index -= 1

    def later(self) -> None:
        if self.index < len(self.photos) - 1:
            self.index += 1

    def _show(self, *_args) -> None:
        if not self.photos:
            self.texture, self.damaged = None, True
            self.heading, self.details, self.prompt = _("There are no photos here."), "", ""
            return
        photo = self.photos[self.index]
        try:
            self.texture = texture_from_file(self.artifact.read(photo.file))
        except ArtifactUnreadable:
            self.texture = None
        self.damaged = self.texture is None
        self.heading = _("Photo {number} of {count}").format(number=self.index + 1, count=len(self.photos))
        if self.damaged:
            self.details = _("This photo could not be read.")
        else:
            self.details = taken_words(photo.taken) if photo.taken >= 0 else ""
        self.prompt = photo.prompt or ""

    def on_touch_down(self, touch):
        if self.ids.picture.collide_point(*touch.pos):
            self._swipe_start = touch.x
        return super().on_touch_down(touch)

    def on_touch_up(self, touch):
        start, self._swipe_start = self._swipe_start, None
        if start is not None and abs(touch.x - start) > SWIPE:
            self.later() if touch.x < start else self.earlier()
            return True
        return super().on_touch_up(touch)


load_rules(__name__)
