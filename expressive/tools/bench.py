"""`expressive bench`: each figure measured on this machine, printed beside its budget.

The budgets are the project's own, listed with the figures in README's "Speed" section.
The host's figures come from beside this module (start-up in bench_start, unlocking and
checking in bench_portfolio, the lists of work in bench_lists) and from here (crash
safety, exports, a round of `expressive stress`), from the film library (encoding) and
from the microphone; every installed activity adds its
figures through its `benchmarks()` hook. Benchmarks make their own scratch portfolios in a
temporary folder and never touch a real one.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from expressive.api.measure import Figure
from expressive.i18n import _
from expressive.tools.report import print_figure


def bench_crash_kills(scratch: Path, kills: int) -> list[Figure]:
    """SIGKILL a saving process `kills` times; after each, check that every acknowledged
    save is intact and nothing half-written shows (see `expressive.tools.crash`)."""
    from expressive.tools import crash

    summary = crash.run_batches(scratch / "crash", kills, per_portfolio=50)
    if not summary.ok:
        # Lost or damaged work is a failure, not a slow figure: say exactly what broke.
        raise RuntimeError("the crash harness found a problem:\n" + "\n".join(summary.problems))
    # Every figure is a positive measurement with a budget, so the safety result (no
    # problems, else the error above) goes in the description and the value is the cost
    # of a kill, a restart and a full check, which bounds how long this proof takes.
    return [Figure("crash_kills", summary.seconds / summary.kills, "s", 1.0,
                   f"per kill: {summary.describe()}")]


def bench_exports(artifacts: int) -> list[Figure]:
    """Exporting a client's work, encrypted at rest, in each format."""
    from expressive.exporting.measure import export_seconds

    what = {"pdf": "a PDF report", "html": "a web page folder", "zip": "a ZIP archive"}
    return [
        Figure(f"export_{format}_{artifacts}", export_seconds(format, artifacts=artifacts), "s", 10.0,
               f"{what[format]} of {artifacts} pieces of work of every kind (ours: a progress bar covers it, "
               "so the budget is a patient wait)")
        for format in ("pdf", "html", "zip")
    ]


def bench_activity(activity, scratch: Path, quick: bool) -> list[Figure]:
    """The figures an installed activity measures of itself (its `benchmarks()` hook),
    lent a driver of the real app on a scratch portfolio of its own."""
    from expressive.tools.driver import BenchDriver

    driver = BenchDriver(scratch / activity.info.id)
    try:
        return activity.benchmarks(quick, driver)
    finally:
        driver.close()


@contextmanager
def busy_processes(count: int) -> Iterator[list[int]]:
    """`count` processes spinning on the CPU for as long as the block runs (their process
    ids): what a slow or busy tablet leaves the app. Each is a bare interpreter loop, so
    they take CPU time and nothing else (no memory, no disk)."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield [spinner.pid for spinner in spinners]
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def run_benchmarks(*, as_json: bool, quick: bool, load: int = 0, only: list[str] | None = None) -> int:
    """Every figure, printed as it is measured; with `load`, that many busy processes run
    beside the whole measurement; with `only`, just those groups of figures (an activity's
    id, or start, unlock, lists, check, crash, exports, films, microphone, stress). The exit status says
    whether all were within budget."""
    if load and not as_json:
        print(f"# with {load} busy processes beside the app", flush=True)
    with busy_processes(load):
        return _measure_all(as_json=as_json, quick=quick, only=only)


def _measure_all(*, as_json: bool, quick: bool, only: list[str] | None) -> int:
    from expressive.audio.microphone_measure import microphone_figures
    from expressive.backup.measure import backup_figures
    from expressive.lib.film.measure import film_figures
    from expressive.registry import discover
    from expressive.sync.measure import sync_figures
    from expressive.tools.bench_lists import list_figures
    from expressive.tools.bench_portfolio import check_figures, unlock_figures
    from expressive.tools.bench_start import start_figures
    from expressive.tools.faults.stress import stress_figures
    from expressive.ui.display import prepare_kivy

    prepare_kivy(headless_ok=True)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="expressive-bench-") as scratch_name:
        scratch = Path(scratch_name)
        groups = {
            "start": lambda: start_figures(quick),
            **{activity_id: lambda activity=activity: bench_activity(activity, scratch, quick)
               for activity_id, activity in discover().activities.items()},
            "unlock": lambda: unlock_figures(scratch, quick),
            "lists": lambda: list_figures(scratch, quick),
            "check": lambda: check_figures(scratch, quick),
            "crash": lambda: bench_crash_kills(scratch, 50 if quick else 1000),
            "exports": lambda: bench_exports(20 if quick else 100),
            "backup": lambda: backup_figures(scratch, quick),
            "sync": lambda: sync_figures(scratch, quick),
            "films": lambda: film_figures(quick),
            "microphone": lambda: microphone_figures(quick),
            "stress": lambda: stress_figures(scratch / "stress", kills_per_command=1 if quick else 10, quick=quick),
        }
        unknown = sorted(set(only or ()) - set(groups))
        if unknown:
            raise SystemExit(_("expressive: there is no group of figures called {unknown}; there are: {groups}.").format(
                unknown=", ".join(unknown), groups=", ".join(groups)))
        for name, step in groups.items():
            if only and name not in only:
                continue
            for figure in step():
                figures.append(figure)
                print_figure(figure, as_json)
    return 0 if all(figure.within_budget for figure in figures) else 1
