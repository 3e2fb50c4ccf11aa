"""Shared by the export tests: demo portfolios, plain or encrypted (with cheap Argon2id)."""

import shutil
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path

from expressive.exporting import zip_archive
from expressive.portfolio import Portfolio
from sample_work import CHEAP_KDF, DEMO_PASSPHRASE

PASSPHRASE = DEMO_PASSPHRASE
SETTINGS = {"complexity": "simple", "large_text": True}
MARKS = [{"t": 1.5, "note": "Paused <here> & looked up", "created": "2026-01-02T03:04:05+00:00"}]
NOTICINGS = ("Now the house looks smaller", "I like the cat best")
ARTIFACT_NOTE = "The cat came back in this one"


@dataclass(frozen=True)
class Demo:
    root: Path
    protection: str
    client_id: str

    def open(self, root: Path | None = None) -> Portfolio:
        root = root or self.root
        if self.protection == "encrypted":
            return Portfolio.open(root, passphrase=PASSPHRASE, fsync=False)
        return Portfolio.open(root, fsync=False)

    def copied(self, to: Path) -> "Demo":
        shutil.copytree(self.root, to)
        return Demo(to, self.protection, self.client_id)


def new_portfolio(root: Path, protection: str) -> Portfolio:
    if protection == "encrypted":
        Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)
        return Portfolio.open(root, passphrase=PASSPHRASE, fsync=False)
    return Portfolio.open(root, fsync=False)


def make_demo_portfolio(root: Path, protection: str, demo_copy) -> Demo:
    """The demo client (a copy from the `demo_copy` fixture), with what the review screens
    add: settings, review marks, later noticings, tags, a star, notes on single pieces of
    work, goals met or not, homework."""
    demo_copy(root, PASSPHRASE if protection == "encrypted" else None)
    with Demo(root, protection, "").open() as store:
        (client,) = store.clients()
        store.set_client_settings(client.id, SETTINGS)
        newest, middle, oldest = store.sessions(client.id)
        marked, *others = reversed(store.artifacts(client.id))
        store.set_marks(marked, MARKS)
        reviewed = store.add_noticing(others[0], NOTICINGS[0], at=datetime(2026, 2, 3, 10, tzinfo=UTC))
        reviewed = store.add_noticing(reviewed, NOTICINGS[1], at=datetime(2026, 3, 4, 10, tzinfo=UTC))
        store.set_tags(reviewed, ["Family", "home"])
        store.set_star(reviewed, True)
        store.set_artifact_note(reviewed, ARTIFACT_NOTE)
        store.set_tags(others[1], ["sea"])
        store.set_goal_met(client.id, oldest.id, True)
        store.set_goal_met(client.id, middle.id, False)
        store.set_homework(client.id, oldest.id, "Draw the garden at home")
        store.set_homework_done(client.id, oldest.id, True, "did half of it")
        store.set_homework(client.id, newest.id, "Notice one calm moment")
    return Demo(root, protection, client.id)


def export(demo: Demo, out: Path) -> Path:
    """The demo client's record as a ZIP archive at `out`."""
    with demo.open() as store:
        assert zip_archive(store, demo.client_id, out=out) == []
    return out
