"""Pictures from the portfolio, decoded in memory: files on disk may be encrypted, and no
plaintext copy may be written anywhere, so Kivy never loads them by path.

Thumbnails are read and decoded on worker threads (`expressive.thumbnails`) and become
textures here, on the screen's thread, when they arrive; the textures are kept in a cache
bounded by the memory they take, and everything is forgotten when the portfolio locks."""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Callable, Hashable

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.graphics.texture import Texture
from PIL import Image

from expressive.limits import MEGABYTE, InputRefused, open_picture_bounded
from expressive.portfolio import ArtifactRecord, PortfolioError
from expressive.thumbnails import BoundedCache, Decoded, ThumbnailDecoder

# Several screens of tiles even at twice a tablet's usual density (a tile's picture is
# then about 300 x 224 pixels, 270 KB): a client's 50,000 pieces never all sit in memory.
CACHE_BYTES = 48 * MEGABYTE
# A thumbnail is decoded no larger than the largest tile that shows it (the side-by-side
# strip's), so that what is kept costs what is seen, whatever size it was made at.
TILE_PICTURE = (170, 130)
# A picture that cannot be shown is remembered too, so a damaged piece is not read again
# each time its row comes back into sight.
CANNOT_BE_SHOWN = object()


def thumbnail_key(artifact: ArtifactRecord, name: str) -> Hashable:
    return (str(artifact.path), name)


def rgba_texture(size: tuple[int, int], pixels: bytes) -> Texture:
    """A texture of RGBA pixels given top row first, shown the right way up."""
    texture = Texture.create(size=size, colorfmt="rgba")
    texture.blit_buffer(pixels, colorfmt="rgba", bufferfmt="ubyte")
    # Texture rows go up from the bottom, image rows down from the top.
    texture.flip_vertical()
    return texture


def image_texture(image: Image.Image) -> Texture:
    """A Kivy texture showing a Pillow image the right way up."""
    image = image.convert("RGBA")
    return rgba_texture(image.size, image.tobytes())


def texture_from_file(data: bytes | None) -> Texture | None:
    """An image file's bytes (PNG, JPEG) as a texture, decoded in memory; None when it
    cannot be."""
    if not data:
        return None
    try:
        with open_picture_bounded(data) as opened:
            return image_texture(opened.convert("RGB"))
    except InputRefused:
        return None


def _cost(texture) -> int:
    return 1024 if texture is CANNOT_BE_SHOWN else texture.width * texture.height * 4


class Thumbnails:
    """The thumbnails asked for by the widgets on screen: each widget asks with a key and
    is given the texture when it is decoded, if it still shows that key then."""

    def __init__(self, budget: int = CACHE_BYTES):
        self.cache: BoundedCache = BoundedCache(budget, _cost)
        self._decoder: ThumbnailDecoder | None = None
        self._arrived: deque[tuple[Hashable, Decoded | None, int]] = deque()
        self._waiting: dict[Hashable, set] = {}
        self._widgets: weakref.WeakSet = weakref.WeakSet()
        self._show_arrived = Clock.create_trigger(self._take_arrived)

    @property
    def decoder(self) -> ThumbnailDecoder:
        if self._decoder is None:
            # Built on first use: the size depends on the screen's density, known by then.
            self._decoder = ThumbnailDecoder(self._deliver, (round(dp(TILE_PICTURE[0])), round(dp(TILE_PICTURE[1]))))
        return self._decoder

    def ask(self, widget, key: Hashable, read: Callable[[], bytes]):
        """The texture when it is at hand (CANNOT_BE_SHOWN for a damaged picture), else
        None: `widget.picture_arrived(key, texture)` is called when it is decoded."""
        self._widgets.add(widget)
        known = self.cache.get(key)
        if known is not None:
            return known
        waiting = self._waiting.setdefault(key, set())
        if not waiting:
            self.decoder.want(key, read)
        waiting.add(widget)
        return None

    def withdraw(self, widget, key: Hashable) -> None:
        """`widget` no longer needs `key` (it was recycled for another piece, or scrolled away)."""
        waiting = self._waiting.get(key)
        if waiting is None:
            return
        waiting.discard(widget)
        if not waiting:
            del self._waiting[key]
            self.decoder.withdraw(key)

    def busy(self) -> bool:
        """Whether a thumbnail asked for is still being decoded or waits to be shown."""
        return bool(self._arrived) or (self._decoder is not None and self._decoder.busy())

    def forget(self) -> None:
        """Drop every texture, shown or kept, and every request: the portfolio is locked."""
        if self._decoder is not None:
            self._decoder.forget()
        self._arrived.clear()
        self._waiting.clear()
        self.cache.clear()
        for widget in list(self._widgets):
            widget.forget_picture()

    def _deliver(self, key: Hashable, decoded: Decoded | None, generation: int) -> None:
        # On a worker thread: the texture is made on the screen's thread, at its next frame.
        self._arrived.append((key, decoded, generation))
        self._show_arrived()

    def _take_arrived(self, _dt) -> None:
        generation = self.decoder.generation
        while self._arrived:
            key, decoded, asked_in = self._arrived.popleft()
            if asked_in != generation:
                continue  # decoded before the portfolio was locked
            # Asked again while it arrived, it may have been decoded twice: one texture is kept.
            texture = self.cache.get(key)
            if texture is None:
                texture = CANNOT_BE_SHOWN if decoded is None else rgba_texture((decoded.width, decoded.height), decoded.pixels)
                self.cache.put(key, texture)
            for widget in self._waiting.pop(key, ()):
                widget.picture_arrived(key, texture)


THUMBNAILS = Thumbnails()


def picture(store, artifact: ArtifactRecord, name: str | None):
    """The texture of one of an artifact's image files, at full size, or None when it
    cannot be shown. Decoded here and now, for the one large picture of a view."""
    if artifact.damaged or not name:
        return None
    try:
        with open_picture_bounded(store.read_file(artifact, name)) as opened:
            return image_texture(opened)
    except (PortfolioError, InputRefused):
        return None


def forget_pictures() -> None:
    THUMBNAILS.forget()
