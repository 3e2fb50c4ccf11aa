"""Speed figures of backups, for `expressive bench`: the demo portfolio (encrypted, as the
app makes them) backed up to a new local restic repository, and backed up again unchanged,
each beside its floor: restic itself backing up the same folder with no exclusions, no
stale-lock removal and nothing recorded (a fresh repository each time, so the two first
backups upload the same bytes). Our part is the ratio; restic's own speed is the floor.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from expressive.api.measure import Figure
from expressive.portfolio import KdfParams, Portfolio

from .restic import Restic
from .service import back_up

_PASSPHRASE = "benchmark passphrase"
_PASSWORD = "benchmark repository password"
# Our part is a constant few restic calls (is there a repository, remove stale locks) and
# one small encrypted record and audit line: under half as much again as restic's own
# backup of the demo, a few seconds, when restic starts in a fraction of a second.
RATIO_BUDGET = 1.5
# A first backup is made once per tablet, with a progress bar; a therapist waits this long.
FIRST_BUDGET_S = 30.0
# The daily backup of an unchanged portfolio: restic only reads and compares.
AGAIN_BUDGET_S = 5.0


def backup_figures(scratch: Path, quick: bool) -> list[Figure]:
    from expressive.demo import make_demo

    with tempfile.TemporaryDirectory(prefix="expressive-bench-backup-", dir=scratch) as folder:
        work = Path(folder)
        environment = dict(os.environ, XDG_CACHE_HOME=str(work / "cache"))
        root = work / "portfolio"
        Portfolio.protect(root, _PASSPHRASE, kdf=KdfParams(time_cost=1, memory_cost=8192, parallelism=1))
        with Portfolio.open(root, passphrase=_PASSPHRASE) as store:
            make_demo(store)
            size = sum(path.stat().st_size for path in root.rglob("*") if path.is_file())
            begun = time.perf_counter()
            back_up(store, str(work / "ours"), _PASSWORD, environment=environment)
            first = time.perf_counter() - begun
            begun = time.perf_counter()
            back_up(store, str(work / "ours"), _PASSWORD, environment=environment)
            again = time.perf_counter() - begun
        floor_first, floor_again = _restic_alone(root, work / "floor", environment)
    megabytes = size / 1e6
    return [
        Figure("backup_demo_first", first, "s", FIRST_BUDGET_S,
               f"a first backup of the demo portfolio ({megabytes:.0f} MB) to a new local repository; restic alone: "
               f"{floor_first:.2f} s"),
        Figure("backup_demo_first_vs_restic", first / floor_first, "", RATIO_BUDGET,
               "the first backup's time over restic's own (init and backup of the same folder, nothing excluded)"),
        Figure("backup_demo_again", again, "s", AGAIN_BUDGET_S,
               f"the same portfolio backed up again unchanged; restic alone: {floor_again:.2f} s"),
        Figure("backup_demo_again_vs_restic", again / floor_again, "", RATIO_BUDGET,
               "the unchanged backup's time over restic's own"),
    ]


def _restic_alone(root: Path, repository: Path, environment: dict[str, str]) -> tuple[float, float]:
    engine = Restic(str(repository), _PASSWORD, environment=environment)
    begun = time.perf_counter()
    engine.init()
    engine.backup(root, [])
    first = time.perf_counter() - begun
    begun = time.perf_counter()
    engine.backup(root, [])
    return first, time.perf_counter() - begun
