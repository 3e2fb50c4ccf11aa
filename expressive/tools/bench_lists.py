"""Speed figures of the lists of a long-term client's work, for `expressive bench`:

- portfolio_first_page_50k: from unlocking a portfolio of 50,000 encrypted artifacts to
  its client's portfolio drawn with its first sessions (placeholders or pictures);
- gallery_first_page_50k: the same to the gallery's first page drawn;
- gallery_scroll_frame_p50: the median frame while the gallery scrolls through 240 pieces.

Beside each, in its description: the floor measured in the same run (the key derivation
and the page's SQL queries alone, which no way of drawing the page avoids) and how long
until every thumbnail in sight is decoded. Medians of several runs: the machine may be
busy with other work. The app is driven in this process (`expressive.tools.driver`);
building its screens is start-up, measured by `start_figures`.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from expressive.api.measure import Figure
from expressive.portfolio import Portfolio

from .synthetic import BENCH_PASSPHRASE, build_large_portfolio

PAGE_BUDGET = 1.0
FRAME_BUDGET = 1000 / 60
# How far the gallery scrolls: ten of its former pages of 24.
SCROLLED_PIECES = 240
# Frames a list may take to show its first page or its pictures before the run is called
# broken rather than slow.
MOST_FRAMES = 2000


def list_figures(scratch: Path, quick: bool) -> list[Figure]:
    """`portfolio_first_page_50k`, `gallery_first_page_50k` (quick: 5,000 artifacts, under
    the same names) and `gallery_scroll_frame_p50`."""
    sessions, per_session = (250, 20) if quick else (2500, 20)
    artifacts = sessions * per_session
    root = scratch / "lists"
    build_large_portfolio(root, sessions=sessions, per_session=per_session)
    runs = 2 if quick else 5
    portfolio = [_first_page(root, "portfolio") for _ in range(runs)]
    gallery = [_first_page(root, "gallery") for _ in range(runs)]
    floor = statistics.median(_floor(root) for _ in range(runs))
    scrolling = _scroll_frames(root)
    return [
        _page_figure("portfolio_first_page_50k", "its client's portfolio with its first sessions", portfolio,
                     floor, artifacts),
        _page_figure("gallery_first_page_50k", "the gallery's first page (from the tap on the portfolio)", gallery,
                     floor, artifacts),
        Figure("gallery_scroll_frame_p50", statistics.median(scrolling) * 1000, "ms", FRAME_BUDGET,
               f"median of {len(scrolling)} frames while the gallery of {artifacts} artifacts scrolls from the top "
               f"through {SCROLLED_PIECES} pieces, thumbnails decoded as they come into sight (software OpenGL here)"),
    ]


class _Page:
    """One run: seconds to unlock, to draw the first page after that, and until every
    thumbnail in sight was decoded and shown."""

    def __init__(self, unlocking: float, drawing: float, pictures: float, shown: int):
        self.unlocking, self.drawing, self.pictures, self.shown = unlocking, drawing, pictures, shown


def _first_page(root: Path, screen_name: str) -> _Page:
    """The portfolio's first page timed from opening the client; the gallery's from the tap
    that opens it on the portfolio, drawn before (as a therapist reaches it)."""
    from expressive.tools.driver import start_app, stop_app
    from expressive.ui.pictures import THUMBNAILS

    begun = time.perf_counter()
    store = Portfolio.open(root, passphrase=BENCH_PASSPHRASE)
    unlocking = time.perf_counter() - begun
    app = start_app(store)
    try:
        begun = time.perf_counter()
        app.open_client(store.clients()[0])
        if screen_name != "portfolio":
            _advance_until(lambda: not THUMBNAILS.busy(), "the portfolio's thumbnails were never shown")
            begun = time.perf_counter()
            app.go(screen_name)
        listing, thumbnails_of = _listing(app.root.get_screen(screen_name))
        # The frame that makes the first rows draws them, laid out: they do not move after.
        _advance_until(lambda: listing.shown_views(), "the first page was never drawn")
        drawing = time.perf_counter() - begun
        thumbnails = thumbnails_of(listing.shown_views())
        _advance_until(lambda: all(thumbnail.picture is not None or thumbnail.damaged for thumbnail in thumbnails),
                       "the thumbnails in sight were never shown")
        pictures = time.perf_counter() - begun
        if any(thumbnail.damaged for thumbnail in thumbnails):
            raise RuntimeError("a thumbnail of the benchmark's portfolio could not be shown")
    finally:
        stop_app(app)
    return _Page(unlocking, drawing, pictures, len(thumbnails))


def _listing(screen) -> tuple:
    """The screen's recycled list, and how to get the thumbnails out of its views."""
    if screen.name == "portfolio":
        return screen.ids.rows, lambda rows: [thumbnail for row in rows for thumbnail in row.thumbnails()]
    return screen.ids.grid, list


def _advance_until(condition, failure: str) -> None:
    from expressive.tools.driver import advance_frames

    for _ in range(MOST_FRAMES):
        if condition():
            return
        advance_frames(1)
    raise RuntimeError(failure)


def _floor(root: Path) -> float:
    """Unlocking and the SQL of both first pages: what showing them cannot go below."""
    begun = time.perf_counter()
    with Portfolio.open(root, passphrase=BENCH_PASSPHRASE) as store:
        client_id = store.clients()[0].id
        sessions = store.sessions(client_id, limit=9, offset=0)
        store.artifacts_by_session(client_id, [session.id for session in sessions])
        store.gallery(client_id, limit=61, offset=0)
    return time.perf_counter() - begun


def _page_figure(name: str, what: str, runs: list[_Page], floor: float, artifacts: int) -> Figure:
    unlocking = statistics.median(run.unlocking for run in runs)
    drawing = statistics.median(run.drawing for run in runs)
    pictures = statistics.median(run.pictures for run in runs)
    return Figure(
        name, unlocking + drawing, "s", PAGE_BUDGET,
        f"{artifacts} encrypted artifacts, median of {len(runs)}: unlock ({unlocking:.3f} s, Argon2id included), "
        f"then {what} drawn with placeholders ({drawing:.3f} s); its {runs[0].shown} thumbnails in sight decoded "
        f"off the screen's thread and shown {pictures:.3f} s after the tap. Floor: unlock and the pages' SQL "
        f"alone, {floor:.3f} s",
    )


def _scroll_frames(root: Path) -> list[float]:
    """Frame times while the gallery scrolls from its top through SCROLLED_PIECES pieces."""
    from expressive.tools.driver import advance_frames, start_app, stop_app

    store = Portfolio.open(root, passphrase=BENCH_PASSPHRASE)
    app = start_app(store)
    try:
        app.open_client(store.clients()[0])
        app.go("gallery")
        grid = app.root.get_screen("gallery").ids.grid
        while len(grid.data) < SCROLLED_PIECES:
            grid.fetch_more()
        advance_frames(2)
        frames = []
        for step in range(60):
            grid.scroll_y = 1 - step / 59
            begun = time.perf_counter()
            advance_frames(1)
            frames.append(time.perf_counter() - begun)
    finally:
        stop_app(app)
    return frames
