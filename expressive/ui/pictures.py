"""Pictures from the portfolio, decoded in memory: files on disk may be encrypted, and no
plaintext copy may be written anywhere, so Kivy never loads them by path."""

from __future__ import annotations

from io import BytesIO

from kivy.core.image import Image as CoreImage

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
        texture = CoreImage(BytesIO(data), ext="png").texture
    except PortfolioError:
        return None
    except Exception:  # bytes that pass their checksum can still fail inside the image decoder
        return None
    if remember:
        _textures[key] = texture
    return texture


def forget_pictures() -> None:
    _textures.clear()
