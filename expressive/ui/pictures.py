"""Pictures from the portfolio, decoded in memory: files on disk may be encrypted, and no
plaintext copy may be written anywhere, so Kivy never loads them by path."""

from __future__ import annotations

from io import BytesIO

from kivy.core.image import Image as CoreImage
from kivy.graphics.texture import Texture
from PIL import Image

from expressive.limits import InputRefused, check_picture_size, open_picture_bounded
from expressive.portfolio import ArtifactRecord, PortfolioError

# Thumbnails seen during this unlock, so scrolling back does not decrypt them again.
# Emptied on lock and when a client is deleted.
_textures: dict[tuple[str, str], object] = {}


def picture(store, artifact: ArtifactRecord, name: str | None, *, remember: bool = True):
    """The texture of one of an artifact's image files, or None when it cannot be shown."""
    if artifact.damaged or not name:
        return None
    key = (str(artifact.path), name)
    if key in _textures:
        return _textures[key]
    try:
        data = store.read_file(artifact, name)
        check_picture_size(data)
        texture = CoreImage(BytesIO(data), ext="png").texture
    except (PortfolioError, InputRefused):
        return None
    except Exception:  # bytes that pass their checksum can still fail inside the image decoder
        return None
    if remember:
        _textures[key] = texture
    return texture


def forget_pictures() -> None:
    _textures.clear()


def image_texture(image: Image.Image) -> Texture:
    """A Kivy texture showing a Pillow image the right way up."""
    image = image.convert("RGBA")
    texture = Texture.create(size=image.size, colorfmt="rgba")
    texture.blit_buffer(image.tobytes(), colorfmt="rgba", bufferfmt="ubyte")
    # Texture rows go up from the bottom, image rows down from the top.
    texture.flip_vertical()
    return texture


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
