"""The lists of a client's work (portfolio, gallery, slideshow and side-by-side strips):
recycled views over data fetched a page at a time, placeholders at once, thumbnails
decoded off the screen's thread into a bounded cache, never the wrong picture on a reused
view, never a plaintext picture on disk."""

import os
import tempfile
import time
from pathlib import Path

import pytest

from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, start_app, stop_app, tap
from expressive.tools.synthetic import build_large_portfolio, demo_work, light
from expressive.ui.pictures import THUMBNAILS, thumbnail_key
from sample_work import CHEAP_KDF, drawing_draft
from tests_support import PIN, screen

SESSIONS, PER_SESSION = 40, 5


@pytest.fixture
def long_client(window, tmp_path):
    """The app on an encrypted portfolio of one client with 200 pieces in 40 sessions, open
    on their portfolio."""
    root = tmp_path / "portfolio"
    build_large_portfolio(root, sessions=SESSIONS, per_session=PER_SESSION, passphrase=PIN, kdf=CHEAP_KDF)
    app = start_app(Portfolio.open(root, passphrase=PIN))
    app.open_client(app.store.clients()[0])
    yield app
    stop_app(app)


def until(condition, frames: int = 3000) -> None:
    """Advance frames until `condition()` holds: the worker decodes at its own pace."""
    for _ in range(frames):
        if condition():
            return
        advance_frames(1)
    raise AssertionError("the condition never held")


def portfolio_thumbnails(app) -> list:
    return [thumbnail for row in screen(app, "portfolio").ids.rows.shown_views() for thumbnail in row.thumbnails()]


def all_shown(thumbnails) -> bool:
    return bool(thumbnails) and all(thumbnail.picture is not None or thumbnail.damaged for thumbnail in thumbnails)


def test_the_first_page_shows_placeholders_at_once_and_the_pictures_when_decoded(long_client):
    app = long_client
    rows = screen(app, "portfolio").ids.rows
    advance_frames(1)
    thumbnails = portfolio_thumbnails(app)
    assert thumbnails, "the first sessions are drawn in the first frame"
    assert len(rows.data) < SESSIONS, "only a page of sessions is fetched"
    assert any(thumbnail.picture is None and not thumbnail.damaged for thumbnail in thumbnails), \
        "placeholders first: nothing is decoded on the screen's thread"
    until(lambda: all_shown(portfolio_thumbnails(app)))
    for thumbnail in portfolio_thumbnails(app):
        assert not thumbnail.damaged and thumbnail.picture.size[0] > 0
        assert thumbnail.text.startswith(thumbnail.label.split("\n")[0]), "its title under the picture"


def test_a_recycled_view_shows_only_its_own_pieces_picture(long_client):
    app = long_client
    tap(screen(app, "portfolio").ids.gallery)
    grid = screen(app, "gallery").ids.grid
    for step in range(12):
        # Scrolled before the pictures of the last place arrive: views are reused under them.
        grid.scroll_y = 1 - step / 11
        advance_frames(2)
        for view in grid.shown_views():
            if view.picture is not None:
                assert view.picture is THUMBNAILS.cache.get(thumbnail_key(view.artifact, view.artifact.thumbnail))
    until(lambda: all_shown(grid.shown_views()))
    for view in grid.shown_views():
        assert view.picture is THUMBNAILS.cache.get(thumbnail_key(view.artifact, view.artifact.thumbnail))


def test_a_view_given_another_piece_before_its_picture_arrives_never_shows_the_first(app):
    from expressive.ui.screens.portfolio import ArtifactThumbnail

    store = app.store
    client = store.add_client("Sam")
    session = store.start_session(client.id, plan_id="open", feeling_in=3)
    red = store.save_artifact(client.id, session.id, "drawing", drawing_draft("Red", colour="red"))
    blue = store.save_artifact(client.id, session.id, "drawing", drawing_draft("Blue", colour="blue"))
    thumbnail = ArtifactThumbnail()
    thumbnail.show_piece(red, "portfolio")
    thumbnail.show_piece(blue, "portfolio")
    assert thumbnail.picture is None
    until(lambda: thumbnail.picture is not None and not THUMBNAILS.busy())
    assert thumbnail.artifact is blue
    assert thumbnail.picture is THUMBNAILS.cache.get(thumbnail_key(blue, blue.thumbnail))
    red_picture = THUMBNAILS.cache.get(thumbnail_key(red, red.thumbnail))
    assert red_picture is None or red_picture is not thumbnail.picture


def test_the_cache_stays_within_its_bound_however_many_pieces_scroll_by(long_client, monkeypatch):
    app = long_client
    tile = 4 * 140 * 105
    monkeypatch.setattr(THUMBNAILS.cache, "budget", 30 * tile)
    tap(screen(app, "portfolio").ids.gallery)
    grid = screen(app, "gallery").ids.grid
    steps = 40
    for step in range(steps + 1):
        grid.scroll_y = 1 - step / steps
        advance_frames(2)
        until(lambda: all_shown(grid.shown_views()))
        assert THUMBNAILS.cache.total <= THUMBNAILS.cache.budget
    assert 0 < len(THUMBNAILS.cache) < len(grid.data)


def test_scrolling_to_the_end_of_a_long_gallery_reaches_the_last_piece(long_client):
    app = long_client
    store, client_id = app.store, app.client.id
    (oldest,) = store.gallery(client_id, limit=1, offset=SESSIONS * PER_SESSION - 1)
    tap(screen(app, "portfolio").ids.gallery)
    grid = screen(app, "gallery").ids.grid
    assert len(grid.data) < SESSIONS * PER_SESSION, "a page at a time"

    def at_the_end():
        grid.scroll_y = 0
        advance_frames(2)
        return not grid.more and grid.shown_views()[-1].artifact.id == oldest.id

    until(at_the_end, frames=200)
    assert len(grid.data) == SESSIONS * PER_SESSION
    assert len(grid.shown_views()) < 60, "only the tiles in sight are made"


def test_the_portfolio_fetches_earlier_sessions_as_it_scrolls(long_client):
    rows = screen(long_client, "portfolio").ids.rows
    advance_frames(2)
    first = len(rows.data)

    def at_the_end():
        rows.scroll_y = 0
        advance_frames(2)
        return not rows.more and rows.shown_views()[-1].session.id == rows.data[-1]["session"].id

    until(at_the_end, frames=200)
    assert first < len(rows.data) == SESSIONS


def test_a_damaged_thumbnail_says_so_plainly(app):
    from expressive.ui.screens.portfolio import DamagedMark

    store = app.store
    client = store.add_client("Sam")
    session = store.start_session(client.id, plan_id="open", feeling_in=3)
    intact = store.save_artifact(client.id, session.id, "drawing", drawing_draft("Intact"))
    damaged = store.save_artifact(client.id, session.id, "drawing", drawing_draft("Spoilt"))
    store.file_path(damaged, damaged.thumbnail).write_bytes(b"not a picture any more")
    app.open_client(store.client(client.id))
    until(lambda: all_shown(portfolio_thumbnails(app)))
    shown = {thumbnail.artifact.id: thumbnail for thumbnail in portfolio_thumbnails(app)}
    assert not shown[intact.id].damaged and shown[intact.id].picture is not None
    spoilt = shown[damaged.id]
    assert spoilt.damaged and spoilt.picture is None and spoilt.text == "Damaged"
    assert [child for child in spoilt.children if isinstance(child, DamagedMark)]
    assert not [child for child in shown[intact.id].children if isinstance(child, DamagedMark)]


def test_a_row_with_more_pieces_than_fit_shows_them_all_when_asked(app):
    store = app.store
    client = store.add_client("Sam")
    session = store.start_session(client.id, plan_id="open", feeling_in=3)
    for number in range(11):
        store.save_artifact(client.id, session.id, "drawing", drawing_draft(f"Piece {number}"))
    app.open_client(store.client(client.id))
    advance_frames(2)
    (row,) = screen(app, "portfolio").ids.rows.shown_views()
    assert len(row.thumbnails()) == 8
    more = row._more
    assert more.parent is not None and more.count == 3
    tap(more)
    (row,) = screen(app, "portfolio").ids.rows.shown_views()
    assert [thumbnail.artifact.title for thumbnail in row.thumbnails()] == [f"Piece {number}" for number in range(11)]


def test_locking_forgets_every_picture_and_unlocking_shows_them_again_where_it_was(long_client):
    from tests_support import submit_secret

    app = long_client
    until(lambda: all_shown(portfolio_thumbnails(app)))
    thumbnails = portfolio_thumbnails(app)
    tap(screen(app, "portfolio").ids.gallery)
    grid = screen(app, "gallery").ids.grid
    app.lock()
    advance_frames(2)
    until(lambda: not THUMBNAILS.busy())
    assert len(THUMBNAILS.cache) == 0
    assert all(thumbnail.picture is None for thumbnail in thumbnails + grid.shown_views())
    submit_secret(screen(app, "lock").ids.entry, PIN)
    assert app.root.current == "gallery"
    until(lambda: all_shown(grid.shown_views()))
    assert not any(view.damaged for view in grid.shown_views()), "read from the portfolio unlocked again"


def test_no_decoded_picture_is_ever_written_to_disk(window, tmp_path, monkeypatch):
    started = time.time()
    scratch = tmp_path / "temporary"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    root = tmp_path / "portfolio"
    build_large_portfolio(root, sessions=4, per_session=5, passphrase=PIN, kdf=CHEAP_KDF, work=light(demo_work()))
    app = start_app(Portfolio.open(root, passphrase=PIN))
    try:
        app.open_client(app.store.clients()[0])
        until(lambda: all_shown(portfolio_thumbnails(app)))
        tap(screen(app, "portfolio").ids.gallery)
        until(lambda: all_shown(screen(app, "gallery").ids.grid.shown_views()))
        app.go("compare")
        until(lambda: all_shown(screen(app, "compare").ids.left.ids.strip.shown_views()))
    finally:
        stop_app(app)
    places = [scratch, root, Path(os.environ["HOME"]), Path(os.environ["KIVY_HOME"])]
    for place in places:
        for path in place.rglob("*"):
            if path.is_file() and path.stat().st_mtime >= started:
                head = path.read_bytes()[:8]
                assert not head.startswith(b"\x89PNG") and not head.startswith(b"\xff\xd8\xff"), path


def test_the_slideshow_strip_marks_the_piece_shown_and_jumps_to_one_tapped(long_client, monkeypatch):
    app = long_client
    monkeypatch.setattr(app.store, "artifacts", lambda *_args: pytest.fail("every piece was read to open the slideshow"))
    tap(screen(app, "portfolio").ids.slideshow)
    slideshow = screen(app, "slideshow")
    tap(slideshow.ids.pause)
    strip = slideshow.ids.strip
    advance_frames(2)
    assert len(strip.data) == SESSIONS * PER_SESSION
    assert len(strip.shown_views()) < 30, "only the tiles in sight are made"
    (marked,) = [view for view in strip.shown_views() if view.selected]
    assert marked.index == slideshow.index == 0
    tap(strip.shown_views()[3])
    assert slideshow.index == 3
    (marked,) = [view for view in strip.shown_views() if view.selected]
    assert marked.index == 3 and slideshow.ids.slide.title
    tap(slideshow.ids.previous)
    tap(slideshow.ids.previous)
    tap(slideshow.ids.previous)
    tap(slideshow.ids.previous)
    assert slideshow.index == SESSIONS * PER_SESSION - 1, "round to the latest piece"
    (marked,) = [view for view in strip.shown_views() if view.selected]
    assert marked.index == slideshow.index, "the strip followed to the end"


def test_side_by_side_of_a_long_client_reads_only_the_pieces_in_sight(long_client, monkeypatch):
    app = long_client
    monkeypatch.setattr(app.store, "artifacts", lambda *_args: pytest.fail("every piece was read to open side by side"))
    tap(screen(app, "portfolio").ids.compare)
    left, right = screen(app, "compare").ids.left, screen(app, "compare").ids.right
    newest = app.store.gallery(app.client.id, limit=1)[0]
    assert right.chosen.id == newest.id and left.chosen.id != newest.id
    until(lambda: all_shown(right.ids.strip.shown_views()))
    (marked,) = [view for view in right.ids.strip.shown_views() if view.selected]
    assert marked.artifact.id == newest.id and marked.index == SESSIONS * PER_SESSION - 1
    assert len(right.ids.strip.shown_views()) < 30
