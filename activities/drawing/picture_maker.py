"""The drawing activity's picture-making service: its studio, whole, in a full-screen
popup, for another activity that needs a picture (a story's page, a photo to draw on).
The client draws and chooses "Use this picture"; the caller gets the picture as a PNG.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.properties import StringProperty
from kivy.uix.modalview import ModalView

from expressive.activities.drawing.studio import DrawingStudio
from expressive.api import Host, Library
from expressive.lib.drawing.render import png_bytes, render_image
from expressive.lib.drawing.strokes import DrawingLog
from expressive.lib.drawing.templates import photo_for_paper
from expressive.api.widgets import load_rules


class PicturePopup(ModalView):
    """The drawing studio for one picture, titled `title`, on `paper` (the bytes of a photo
    to draw on, kept under the drawing as the drawing studio keeps a chosen picture) or on
    plain paper; "Use this picture" dispatches `on_use` with the picture as a PNG no larger
    than `max_size`, and Cancel nothing. PhotoError (a ValueError saying why in plain
    words) when `paper` cannot be opened."""

    title = StringProperty("")
    complexity = StringProperty("standard")

    __events__ = ("on_use",)

    def __init__(self, pictures: Library, max_size: tuple[int, int], paper: bytes | None = None, **kwargs):
        log = DrawingLog()
        if paper is not None:
            # Decoded (within the picture bounds) before anything opens: a photo that
            # cannot be paper opens no studio.
            photo = photo_for_paper(paper, (log.width, log.height))
            log.set_background(photo=log.add_photo(photo))
        super().__init__(**kwargs)
        self.max_size = max_size
        self.studio = DrawingStudio(log=log, complexity=self.complexity, pictures=pictures)
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
    host: Host, on_picture: Callable[[bytes], None], *, title: str, max_size: tuple[int, int],
    paper: bytes | None = None,
) -> PicturePopup:
    """Open the studio for the client of `host` (at their complexity, with their pictures
    to draw on, on `paper` when given) and hand the finished picture to `on_picture`; see
    PICTURE_MAKER. PhotoError when `paper` cannot be opened."""
    popup = PicturePopup(title=title, complexity=host.complexity, pictures=host.pictures, max_size=max_size,
                         paper=paper)
    popup.bind(on_use=lambda _popup, png: on_picture(png))
    popup.open()
    return popup


load_rules(__name__)
