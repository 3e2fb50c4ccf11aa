"""Small real work for tests in any folder: PNGs, a drawing draft, cheap key derivation,
and a fingerprint of a portfolio to show that nothing changed."""

import fcntl
import hashlib
import io
import os
import shutil
from pathlib import Path

from PIL import Image

from expressive.artifact import ArtifactDraft
from expressive.portfolio import KdfParams
from expressive.portfolio.auditing import chain_path
from expressive.portfolio.device import device_id

# Argon2id at its cheapest that is still Argon2id: tests only need the shape, not the cost.
CHEAP_KDF = KdfParams(time_cost=1, memory_cost=8192, parallelism=1)
# The passphrase of the protected demo most tests copy (each other passphrase costs the run a
# demo portfolio of its own: see DemoTemplates).
DEMO_PASSPHRASE = "correct horse"


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


def tree_fingerprint(root: Path) -> dict[str, str]:
    """Every file of the portfolio and its content's hash (the index excepted: SQLite may
    touch its own files on a read)."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith("index.sqlite") and path != audit_chain(root)
    }


def audit_chain(root: Path) -> Path:
    """This device's audit chain in the portfolio at `root`."""
    return chain_path(root, device_id(root))


def audit_anchor(root: Path) -> Path:
    return audit_chain(root).with_suffix(".anchor")


def exchange_edits(first, second) -> None:
    """Copy every edits file and note each of two copies of a portfolio (two "tablets")
    wrote to the other, as a sync engine would (whose marker in the folder tells the next
    open that files may have arrived)."""
    for source, target in ((first, second), (second, first)):
        (target / ".stfolder").mkdir(exist_ok=True)
        for path in source.rglob("*"):
            if path.is_file() and (path.parent.name == "edits" or path.name.startswith("notes-")):
                destination = target / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                # Each file changes only on the device that writes it: the newer is its own.
                if not destination.exists() or destination.stat().st_mtime_ns < path.stat().st_mtime_ns:
                    shutil.copy2(path, destination)


class DemoTemplates:
    """The demo portfolio (`make_demo`: a client with work of every activity), plain or
    protected by a passphrase with cheap key derivation, made once into `folder` and copied
    for each test that wants it: making one takes a quarter of a minute, copying it a
    fraction of a second. Safe for several processes sharing `folder`: the first to ask
    makes each one, under a lock, and the others wait for it."""

    def __init__(self, folder: Path):
        self.folder = folder

    def copy(self, target: Path, passphrase: str | None = None) -> Path:
        from expressive.demo import make_demo
        from expressive.portfolio import Portfolio

        name = "plain" if passphrase is None else "protected-" + hashlib.sha256(passphrase.encode()).hexdigest()[:12]
        template = self.folder / name
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not template.exists():
                building = self.folder / f".building-{name}"
                shutil.rmtree(building, ignore_errors=True)
                if passphrase is not None:
                    Portfolio.protect(building, passphrase, kdf=CHEAP_KDF)
                with Portfolio.open(building, passphrase=passphrase) as store:
                    make_demo(store)
                os.rename(building, template)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(template, target)
        return target
