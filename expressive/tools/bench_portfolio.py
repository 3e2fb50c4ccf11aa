"""Speed figures of the portfolio itself, for `expressive bench`: unlocking a large one, and
`check`. Each is a ratio to a floor measured in the same run on the same files, so a
machine busy with other work slows both sides alike:

- unlock_50k_vs_argon2: `Portfolio.open` with the passphrase of a portfolio of 50,000
  encrypted artifacts, against the Argon2id key derivation alone with the same parameters
  (which unlocking cannot avoid, and which is most of it when nothing else grows with the
  portfolio);
- check_vs_read_and_hash_floor: `check` of a portfolio of 1,000 artifacts, against reading
  every file of it and hashing it with SHA-256 (what any verification has to do at least).

Medians of several runs, both sides interleaved.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from expressive.api.measure import Figure
from expressive.portfolio import Portfolio
from expressive.portfolio.layout import CLIENTS, KEYRING_FILE
from expressive.security.keyring import Keyring

from .synthetic import BENCH_PASSPHRASE, build_large_portfolio, demo_work

UNLOCK_BUDGET = 1.2
CHECK_BUDGET = 2.0
_READ_SIZE = 1 << 20


def unlock_figures(scratch: Path, quick: bool) -> list[Figure]:
    """`unlock_50k_vs_argon2` (quick: 5,000 artifacts, under the same name)."""
    sessions, per_session = (250, 20) if quick else (2500, 20)
    root = scratch / "unlock"
    build_large_portfolio(root, sessions=sessions, per_session=per_session)
    keyring = Keyring.from_bytes((root / KEYRING_FILE).read_bytes())
    unlocking, deriving = _interleaved(
        lambda: Portfolio.open(root, passphrase=BENCH_PASSPHRASE).close(),
        lambda: keyring.unlock(BENCH_PASSPHRASE),
        runs=3 if quick else 5,
    )
    kdf = keyring.kdf
    return [Figure(
        "unlock_50k_vs_argon2", unlocking / deriving, "x", UNLOCK_BUDGET,
        f"opening a portfolio of {sessions * per_session} encrypted artifacts with its passphrase "
        f"({unlocking:.3f} s, median) against the Argon2id derivation alone ({deriving:.3f} s; "
        f"{kdf.time_cost} passes over {kdf.memory_cost // 1024} MiB, {kdf.parallelism} lanes)",
    )]


def check_figures(scratch: Path, quick: bool) -> list[Figure]:
    """`check_vs_read_and_hash_floor` (quick: 500 artifacts, under the same name)."""
    sessions, per_session = (50, 10) if quick else (100, 10)
    root = scratch / "check"
    # Whole demo work (a full picture, its stroke log, its thumbnail), as saved in a session.
    build_large_portfolio(root, sessions=sessions, per_session=per_session, work=demo_work())
    store = Portfolio.open(root, passphrase=BENCH_PASSPHRASE)
    try:
        checking, floor = _interleaved(lambda: store.check(), lambda: read_and_hash(root), runs=3 if quick else 5)
    finally:
        store.close()
    files, size = _files_and_bytes(root)
    return [Figure(
        "check_vs_read_and_hash_floor", checking / floor, "x", CHECK_BUDGET,
        f"`check` of {sessions * per_session} encrypted artifacts ({files} files, {size / 1e6:.0f} MB; "
        f"{checking:.3f} s, median) against reading and SHA-256 hashing every file ({floor:.3f} s)",
    )]


def read_and_hash(root: Path) -> None:
    """The floor of `check`: read every file of the clients' folders once and hash it."""
    for folder, _folders, files in os.walk(root / CLIENTS):
        for name in files:
            digest = hashlib.sha256()
            with open(os.path.join(folder, name), "rb") as stream:
                while block := stream.read(_READ_SIZE):
                    digest.update(block)


def _files_and_bytes(root: Path) -> tuple[int, int]:
    count = size = 0
    for folder, _folders, files in os.walk(root / CLIENTS):
        count += len(files)
        size += sum(os.path.getsize(os.path.join(folder, name)) for name in files)
    return count, size


def _interleaved(measured: Callable[[], object], floor: Callable[[], object], *, runs: int) -> tuple[float, float]:
    """Median seconds of `measured` and of `floor`, run in turns so both meet the same load."""
    first, second = [], []
    for _ in range(runs):
        for action, timings in ((measured, first), (floor, second)):
            begun = time.perf_counter()
            action()
            timings.append(time.perf_counter() - begun)
    return statistics.median(first), statistics.median(second)
