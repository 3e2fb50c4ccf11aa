"""Small real work for tests in any folder: PNGs, a drawing draft, cheap key derivation."""

import io

from PIL import Image

from expressive.activity import ArtifactDraft
from expressive.portfolio import KdfParams

# Argon2id at its cheapest that is still Argon2id: tests only need the shape, not the cost.
CHEAP_KDF = KdfParams(time_cost=1, memory_cost=8192, parallelism=1)


def png(size: int, colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def drawing_draft(title: str = "", colour: str = "teal", size: int = 64) -> ArtifactDraft:
    return ArtifactDraft(
        kind="drawing",
        files={
            "drawing.png": png(size, colour),
            "strokes.json": b'{"strokes": [[0, 0, 10, 10]]}',
            "thumbnail.png": png(16, colour),
        },
        product="drawing.png",
        thumbnail="thumbnail.png",
        process="strokes.json",
        title=title,
        metadata={"canvas": [size, size]},
    )
