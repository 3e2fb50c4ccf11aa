"""Shared by the export tests: demo portfolios, plain or encrypted (with cheap Argon2id)."""

import shutil
from dataclasses import dataclass
from pathlib import Path

from expressive.demo import make_demo
from expressive.portfolio import Portfolio
from sample_work import CHEAP_KDF

PASSPHRASE = "correct horse"
SETTINGS = {"complexity": "simple", "large_text": True}
MARKS = [{"t": 1.5, "note": "Paused <here> & looked up", "created": "2026-01-02T03:04:05+00:00"}]


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


def make_demo_portfolio(root: Path, protection: str) -> Demo:
    with new_portfolio(root, protection) as store:
        client, _ = make_demo(store)
        store.set_client_settings(client.id, SETTINGS)
        store.set_marks(store.artifacts(client.id)[-1], MARKS)
    return Demo(root, protection, client.id)
