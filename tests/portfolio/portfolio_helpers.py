"""Material for the portfolio tests: real PNGs and a drawing draft."""

import io

from PIL import Image

from expressive.activity import ArtifactDraft


def png(size: int, colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def drawing_draft(title: str = "", colour: str = "teal") -> ArtifactDraft:
    return ArtifactDraft(
        kind="drawing",
        files={
            "drawing.png": png(64, colour),
            "strokes.json": b'{"strokes": [[0, 0, 10, 10]]}',
            "thumbnail.png": png(16, colour),
        },
        product="drawing.png",
        thumbnail="thumbnail.png",
        process="strokes.json",
        title=title,
        metadata={"canvas": [64, 64]},
    )
