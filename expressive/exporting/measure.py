"""Speed figures of the exports, for `expressive bench`: how long each export of a client
with many pieces of work takes, from asking for it to the finished file.

Measured on a scratch portfolio in a temporary folder (never a real one), encrypted as the
app makes them, holding one client whose work is the installed activities' demo drafts
over and over, ten pieces a session, each with the client's words and a therapist's note.
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta, UTC
from functools import lru_cache
from pathlib import Path

from expressive.artifact import ArtifactDraft
from expressive.portfolio import Portfolio
from expressive.registry import discover

from . import FORMATS, prepare

OUT_NAMES = {"pdf": "report.pdf", "html": "web", "zip": "archive.zip"}
# The scratch portfolios of the benchmarks are encrypted, as the app makes them, with this.
BENCH_PASSPHRASE = "benchmark passphrase"
PIECES_PER_SESSION = 10
DEMO_VARIANTS = 3


def export_seconds(format: str, artifacts: int = 100) -> float:
    """Seconds to export (`format`: "pdf", "html" or "zip") a client with `artifacts`
    pieces of work of mixed kinds; a PDF report of all of them."""
    if format not in FORMATS:
        raise ValueError(f"Expressive exports as {', '.join(FORMATS)}, not {format!r}.")
    with tempfile.TemporaryDirectory(prefix="expressive-bench-export-") as scratch:
        root = Path(scratch) / "portfolio"
        Portfolio.protect(root, BENCH_PASSPHRASE)
        with Portfolio.open(root, passphrase=BENCH_PASSPHRASE, fsync=False) as store:
            client_id = _client_with_work(store, artifacts)
            chosen = [(artifact.session_id, artifact.id) for artifact in store.artifacts(client_id)] if format == "pdf" else None
            started = time.perf_counter()
            prepare(store, client_id, format, artifact_ids=chosen).write(Path(scratch) / OUT_NAMES[format])
            return time.perf_counter() - started


@lru_cache(maxsize=1)
def _demo_drafts() -> tuple[tuple[str, ArtifactDraft], ...]:
    """(activity id, draft) of every installed activity's demo work, made once: making it
    (rendering sound, analysing movement) costs seconds."""
    registry = discover()
    return tuple(
        (activity_id, draft)
        for variant in range(DEMO_VARIANTS)
        for activity_id, activity in registry.activities.items()
        for draft in activity.demo_drafts(variant)
    )


def _client_with_work(store: Portfolio, artifacts: int) -> str:
    drafts = _demo_drafts()
    client = store.add_client("Bench")
    first = datetime.now(UTC) - timedelta(weeks=artifacts // PIECES_PER_SESSION + 1)
    for number in range(artifacts):
        if number % PIECES_PER_SESSION == 0:
            started = first + timedelta(weeks=number // PIECES_PER_SESSION)
            session = store.start_session(client.id, plan_id="open", goal="Draw how today feels", feeling_in=3, started=started)
            store.set_therapist_note(client.id, session.id, "Engaged throughout; chose warm colours.")
        activity_id, draft = drafts[number % len(drafts)]
        saved = store.save_artifact(client.id, session.id, activity_id, draft, created=started + timedelta(minutes=number % 50))
        store.set_reflection(saved, title=f"Piece {number + 1}", about="What I made today, and what it is about.")
    return client.id
