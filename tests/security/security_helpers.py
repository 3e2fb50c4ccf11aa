"""Material for the security tests: cheap key derivation, real PNGs, and filled portfolios."""

import hashlib
from pathlib import Path


from expressive.artifact import ArtifactDraft
from expressive.portfolio import Portfolio
from sample_work import CHEAP_KDF, drawing_draft, png  # noqa: F401  (re-exported for the security tests)

PASSPHRASE = "correct horse battery"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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
