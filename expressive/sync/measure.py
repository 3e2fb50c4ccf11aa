"""Speed figures of sync, for `expressive bench`: two tablets (our own Syncthing instances
on loopback, each with its portfolio folder) and the time from a piece of work saved on A
to every one of its files being on B, byte for byte. Syncthing's own watcher notices the
save (no scan asked for), as it does in the app. The floor: one plain file of the same
size written beside the portfolio's files on A, and the time it takes to be on B.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path

from expressive.api.measure import Figure, percentile
from expressive.artifact import ArtifactDraft
from expressive.portfolio import KdfParams, Portfolio
from expressive.portfolio.atomic import write_file

from .syncthing import Syncthing, free_port

_PASSPHRASE = "benchmark passphrase"
# From the issue: a new piece of work appears on the other tablet within 10 s on loopback.
BUDGET_S = 10.0
# Syncthing's watcher waits a second for more changes before it scans; the floor pays that
# too, so the ratio is ours: the piece's several files and folders against one file.
RATIO_BUDGET = 3.0
_ARRIVAL_TIMEOUT_S = 60
_POLL_S = 0.02


def sync_figures(scratch: Path, quick: bool) -> list[Figure]:
    samples = 3 if quick else 10
    with tempfile.TemporaryDirectory(prefix="expressive-bench-sync-", dir=scratch) as folder:
        work = Path(folder)
        Portfolio.protect(work / "A", _PASSPHRASE, kdf=KdfParams(time_cost=1, memory_cost=8192, parallelism=1))
        with Portfolio.open(work / "A", passphrase=_PASSPHRASE) as store:
            client = store.add_client("Bench")
            session = store.start_session(client.id, plan_id="free")
        listen_a, listen_b = (f"tcp://127.0.0.1:{free_port()}" for _ in range(2))
        a = Syncthing.start_own(work / "A-home", work / "A", listen=listen_a)
        b = Syncthing.start_own(work / "B-home", work / "B", listen=listen_b)
        try:
            a.pair(b.device_id(), listen_b)
            b.pair(a.device_id(), listen_a)
            _wait_for_taken(b)
            _wait_for(work / "A", work / "B", ["portfolio.json"])
            pieces, plain = [], []
            with Portfolio.open(work / "A", passphrase=_PASSPHRASE) as store:
                for number in range(samples):
                    saved_at = time.perf_counter()
                    artifact = store.save_artifact(client.id, session.id, "drawing", _drawing(number))
                    folder_a = artifact.path
                    names = [str(path.relative_to(work / "A")) for path in folder_a.iterdir()]
                    size = sum(path.stat().st_size for path in folder_a.iterdir())
                    pieces.append(_wait_for(work / "A", work / "B", names) - saved_at)
                    written_at = time.perf_counter()
                    write_file(work / "A" / f"bench-floor-{number}.bin", os.urandom(size), fsync=True)
                    plain.append(_wait_for(work / "A", work / "B", [f"bench-floor-{number}.bin"]) - written_at)
        finally:
            a.stop()
            b.stop()
    piece_p50, piece_p95, floor_p50 = percentile(pieces, 0.5), percentile(pieces, 0.95), percentile(plain, 0.5)
    return [
        Figure("sync_new_piece_p50", piece_p50, "s", BUDGET_S,
               f"a piece of work saved on tablet A until all its files are on tablet B (two Syncthing instances on "
               f"loopback, {samples} pieces); a plain file of the same size takes {floor_p50:.2f} s"),
        Figure("sync_new_piece_p95", piece_p95, "s", BUDGET_S, "the same, 95th percentile"),
        Figure("sync_new_piece_vs_plain_file", piece_p50 / floor_p50, "x", RATIO_BUDGET,
               "a piece of work against one plain file of the same size (both wait for Syncthing's watcher)"),
    ]


def _drawing(number: int) -> ArtifactDraft:
    """A drawing of a few hundred kilobytes, as a child's picture is."""
    from PIL import Image

    picture = io.BytesIO()
    Image.frombytes("RGB", (320, 320), os.urandom(320 * 320 * 3)).save(picture, format="PNG")
    thumbnail = io.BytesIO()
    Image.new("RGB", (32, 32), "teal").save(thumbnail, format="PNG")
    return ArtifactDraft(kind="drawing", files={"drawing.png": picture.getvalue(), "thumbnail.png": thumbnail.getvalue(),
                                                "strokes.json": b'{"strokes": []}'},
                         product="drawing.png", thumbnail="thumbnail.png", process="strokes.json",
                         title=f"Bench {number}", metadata={"canvas": [320, 320]})


def _wait_for_taken(joining: Syncthing) -> None:
    """B, a new tablet, takes the portfolio A offers it once it hears of the offer (asked,
    as the app's watcher asks all the time)."""
    deadline = time.monotonic() + _ARRIVAL_TIMEOUT_S
    while joining.folder_state().state == "waiting":
        if time.monotonic() > deadline:
            raise RuntimeError(f"sync: the new tablet was not offered the portfolio within {_ARRIVAL_TIMEOUT_S} s")
        time.sleep(_POLL_S)


def _wait_for(source: Path, target: Path, names: list[str]) -> float:
    """The moment every one of `names` is on `target` as it is on `source`."""
    deadline = time.monotonic() + _ARRIVAL_TIMEOUT_S
    while time.monotonic() < deadline:
        if all(_same(source / name, target / name) for name in names):
            return time.perf_counter()
        time.sleep(_POLL_S)
    raise RuntimeError(f"sync: {len(names)} files did not arrive within {_ARRIVAL_TIMEOUT_S} s")


def _same(one: Path, other: Path) -> bool:
    try:
        return one.read_bytes() == other.read_bytes()
    except OSError:
        return False
