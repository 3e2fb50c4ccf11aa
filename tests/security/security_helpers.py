"""Material for the security tests: cheap key derivation, real PNGs, and filled portfolios."""

import hashlib
import io
from pathlib import Path

from PIL import Image

from expressive.activity import ArtifactDraft
from expressive.portfolio import KdfParams, Portfolio

PASSPHRASE = "correct horse battery"
# Argon2id at its cheapest that is still Argon2id: tests only need the shape, not the cost.
CHEAP_KDF = KdfParams(time_cost=1, memory_cost=8192, parallelism=1)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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


def story_draft(text: str, title: str = "") -> ArtifactDraft:
    return ArtifactDraft(
        kind="story",
        files={"story.md": text.encode("utf-8"), "thumbnail.png": png(16, "white")},
        product="story.md",
        thumbnail="thumbnail.png",
        title=title,
    )


def new_encrypted(root: Path, passphrase: str = PASSPHRASE) -> str:
    return Portfolio.protect(root, passphrase, kdf=CHEAP_KDF)


def open_store(root: Path, encrypted: bool, **options) -> Portfolio:
    if encrypted:
        if Portfolio.status(root) == "new":
            new_encrypted(root)
        return Portfolio.open(root, passphrase=PASSPHRASE, **options)
    return Portfolio.open(root, **options)


def every_file(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def file_hashes(root: Path) -> dict[str, str]:
    return {name: hashlib.sha256(content).hexdigest() for name, content in every_file(root).items()}


def fill(store: Portfolio, words: dict[str, str]):
    """A client whose every typed field holds one of `words`; returns (client, session, artifacts)."""
    client = store.add_client(words["name"], 2015, notes=words["client_notes"])
    session = store.start_session(client.id, plan_id="safe-place", goal=words["goal"], feeling_in=2)
    drawing = store.save_artifact(client.id, session.id, "drawing", drawing_draft(title=words["title"]))
    drawing = store.set_reflection(drawing, title=words["title"], about=words["reflection"])
    story = store.save_artifact(client.id, session.id, "story", story_draft(words["story"], title=words["title"]))
    store.set_therapist_note(client.id, session.id, words["note"])
    store.finish_session(client.id, session.id, feeling_out=4)
    return client, session, [drawing, story]
