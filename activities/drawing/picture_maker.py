"""The drawing activity's picture-making service: its studio, whole, in a full-screen
popup, for another activity that needs a picture (a story's page). The client draws and
chooses "Use this picture"; the caller gets the picture as a PNG.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from expressive.activities.drawing.studio import DrawingStudio
from expressive.api import Host, Library
from expressive.lib.drawing.render import png_bytes, render_image
from expressive.lib.drawing.strokes import DrawingLog
from expressive.api.widgets import load_rules


class PicturePopup(ModalView):
    """The drawing studio for one picture, titled `title`; "Use this picture" dispatches
    `on_use` with the picture as a PNG no larger than `max_size`, and Cancel nothing."""

    title = StringProperty("")
    complexity = StringProperty("standard")

    __events__ = ("on_use",)

    def __init__(self, pictures: Library, max_size: tuple[int, int], **kwargs):
        super().__init__(**kwargs)
        self.max_size = max_size
        self.studio = DrawingStudio(log=DrawingLog(), complexity=self.complexity, pictures=pictures)
        self.ids.area.add_widget(self.studio)

    def use(self) -> None:
        self.dismiss(animation=False)
        if self.studio.log.events:
            shown = self.studio.finished_picture()
            picture = shown.copy() if shown is not None else render_image(self.studio.log)
            picture.thumbnail(self.max_size)
            self.dispatch("on_use", png_bytes(picture))

    def on_use(self, png: bytes):
        pass


def open_picture_popup(
    host: Host, on_picture: Callable[[bytes], None], *, title: str, max_size: tuple[int, int]
) -> PicturePopup:
    """Open the studio for the client of `host` (at their complexity, with their pictures
    to draw on) and hand the finished picture to `on_picture`; see PICTURE_MAKER."""
    popup = PicturePopup(title=title, complexity=host.complexity, pictures=host.pictures, max_size=max_size)
    popup.bind(on_use=lambda _popup, png: on_picture(png))
    popup.open()
    return popup


load_rules(__name__)
