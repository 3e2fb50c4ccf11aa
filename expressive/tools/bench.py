"""`expressive bench`: each figure measured on this machine, printed beside its budget.

The budgets are the project's own, listed with the figures in README's "Speed" section.
The host measures its own figures here (start-up, the portfolio and gallery, crash safety,
exports, a round of `expressive stress`); every installed activity adds its figures
through its `benchmarks()` hook. Benchmarks make their own scratch portfolios in a
temporary folder and never touch a real one.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from expressive.api.measure import Figure
from expressive.tools.report import print_figure
from datetime import UTC


def bench_app_start(runs: int) -> list[Figure]:
    """From launching the process to the first screen drawn, in a fresh process each time."""
    timings = []
    with tempfile.TemporaryDirectory(prefix="expressive-bench-") as scratch:
        for _ in range(runs):
            started = time.time()
            result = subprocess.run(
                [sys.executable, "-m", "expressive", "run", "--quit-after-first-frame", "--portfolio", f"{scratch}/p"],
                capture_output=True, text=True, timeout=120,
            )
            marks = [line for line in result.stdout.splitlines() if line.startswith("first-frame ")]
            if result.returncode != 0 or not marks:
                raise RuntimeError(f"the app did not start: {result.stderr.strip()[-500:]}")
            timings.append(float(marks[0].split()[1]) - started)
    return [Figure("app_start_to_first_screen", statistics.median(timings), "s", 2.0,
                   f"median of {runs} cold starts, process launch to first frame")]


def generate_portfolio(root: Path, sessions: int, per_session: int):
    """An encrypted portfolio, as the app makes them, with a client with sessions x
    per_session pieces of work (the first installed activity's first demo draft), written
    without fsync to be quick."""
    from datetime import datetime, timedelta

    from expressive.exporting.measure import BENCH_PASSPHRASE
    from expressive.portfolio import Portfolio
    from expressive.registry import discover

    activity_id, draft = next((activity_id, drafts[0]) for activity_id, activity in discover().activities.items()
                              if (drafts := activity.demo_drafts(0)))
    Portfolio.protect(root, BENCH_PASSPHRASE)
    with Portfolio.open(root, passphrase=BENCH_PASSPHRASE, fsync=False) as store:
        client = store.add_client("Long-term client")
        first = datetime(2020, 1, 6, 9, tzinfo=UTC)
        for number in range(sessions):
            started = first + timedelta(days=7 * number)
            session = store.start_session(client.id, plan_id="open", goal=f"Goal {number}", feeling_in=3, started=started)
            for _ in range(per_session):
                store.save_artifact(client.id, session.id, activity_id, draft, created=started)
            store.finish_session(client.id, session.id, feeling_out=4, ended=started + timedelta(minutes=50))
        return client.id


def bench_portfolio_page(scratch: Path, sessions: int, per_session: int) -> list[Figure]:
    from expressive.exporting.measure import BENCH_PASSPHRASE
    from expressive.portfolio import Portfolio
    from expressive.tools.driver import advance_frames, start_app, stop_app

    root = scratch / "large"
    generate_portfolio(root, sessions, per_session)
    begun = time.perf_counter()
    store = Portfolio.open(root, passphrase=BENCH_PASSPHRASE)
    opening = time.perf_counter() - begun
    # Building the app's screens is start-up, measured above; the page is timed from the tap.
    app = start_app(store)
    try:
        begun = time.perf_counter()
        app.open_client(store.clients()[0])
        advance_frames(2)
        page = time.perf_counter() - begun
        shown = len(app.root.get_screen("portfolio").ids.rows.children)
        begun = time.perf_counter()
        app.go("gallery")
        advance_frames(2)
        gallery_page = time.perf_counter() - begun
        scrolling = _scroll_frames(app.root.get_screen("gallery"))
    finally:
        stop_app(app)
    return [
        Figure("portfolio_first_page", opening + page, "s", 1.0,
               f"{sessions * per_session} encrypted artifacts in {sessions} sessions: unlock and open the portfolio cold "
               f"({opening:.3f} s, Argon2id and index check included), then show {shown} sessions with thumbnails ({page:.3f} s)"),
        Figure("gallery_first_page", opening + gallery_page, "s", 1.0,
               f"unlock and open cold ({opening:.3f} s), then the gallery's first page of 24 thumbnails ({gallery_page:.3f} s)"),
        Figure("gallery_scroll_frame_p50", statistics.median(scrolling) * 1000, "ms", 1000 / 60,
               f"median frame while scrolling through {len(scrolling)} frames of a 10-page gallery (software OpenGL here)"),
    ]


def _scroll_frames(gallery) -> list[float]:
    """Frame times while the gallery, filled with a few pages, scrolls from top to bottom."""
    from expressive.tools.driver import advance_frames

    for _ in range(9):
        gallery.show_more()
    advance_frames(2)
    scroll = gallery.ids.scroll
    frames = []
    for step in range(60):
        scroll.scroll_y = 1 - step / 59
        begun = time.perf_counter()
        advance_frames(1)
        frames.append(time.perf_counter() - begun)
    return frames


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
def busy_processes(count: int) -> Iterator[None]:
    """`count` processes spinning on the CPU for as long as the block runs: what a slow or
    busy tablet leaves the app. Each is a bare interpreter loop, so they take CPU time and
    nothing else (no memory, no disk)."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def run_benchmarks(*, as_json: bool, quick: bool, load: int = 0) -> int:
    """Every figure, printed as it is measured; with `load`, that many busy processes run
    beside the whole measurement. The exit status says whether all were within budget."""
    if load and not as_json:
        print(f"# with {load} busy processes beside the app", flush=True)
    with busy_processes(load):
        return _measure_all(as_json=as_json, quick=quick)


def _measure_all(*, as_json: bool, quick: bool) -> int:
    from expressive.registry import discover
    from expressive.tools.faults.stress import stress_figures
    from expressive.ui.display import prepare_kivy

    prepare_kivy(headless_ok=True)
    sessions, per_session = (50, 20) if quick else (500, 20)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="expressive-bench-") as scratch_name:
        scratch = Path(scratch_name)
        steps = [
            lambda: bench_app_start(1 if quick else 5),
            *[lambda activity=activity: bench_activity(activity, scratch, quick)
              for activity in discover().activities.values()],
            lambda: bench_portfolio_page(scratch, sessions, per_session),
            lambda: bench_crash_kills(scratch, 50 if quick else 1000),
            lambda: bench_exports(20 if quick else 100),
            lambda: stress_figures(scratch / "stress", kills_per_command=1 if quick else 10, quick=quick),
        ]
        for step in steps:
            for figure in step():
                figures.append(figure)
                print_figure(figure, as_json)
    return 0 if all(figure.within_budget for figure in figures) else 1
