"""A drawing's replay in the portfolio, driven by touches in the real app."""

import pytest

from expressive.activities.drawing.activity import DrawingActivity
from expressive.ui.replay import MarkNoteDialog, MarkTick, ReplayView
from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, drag, start_app, stop_app, tap, type_into
from tests_support import PIN, StoppedClock, cheap_protect



@pytest.fixture
def saved(portfolio_dir):
    """A protected portfolio holding one demo drawing, made in a finished session."""
    cheap_protect(portfolio_dir, PIN)
    with Portfolio.open(portfolio_dir, passphrase=PIN) as store:
        client = store.add_client("Robin", 2016)
        session = store.start_session(client.id, plan_id="free-drawing", feeling_in=3)
        (draft,) = DrawingActivity.demo_drafts(0)
        artifact = store.save_artifact(client.id, session.id, "drawing", draft)
        store.finish_session(client.id, session.id, feeling_out=4)
    return artifact


@pytest.fixture
def app(window, portfolio_dir, saved):
    running = start_app(Portfolio.open(portfolio_dir, passphrase=PIN))
    yield running
    stop_app(running)


def advance_until(condition, frames=200):
    """Frames until `condition()` holds: an interval on the Clock needs real frames to pass."""
    for _ in range(frames):
        if condition():
            return
        advance_frames(1)
    raise AssertionError("the condition never held")


def open_replay(app):
    (client,) = app.store.clients()
    app.open_client(client)
    advance_frames(2)
    (thumbnail,) = app.root.get_screen("portfolio").ids.rows.shown_views()[0].thumbnails()
    tap(thumbnail)
    assert app.root.current == "artifact"
    return app.root.get_screen("artifact")


def test_play_fast_forward_end_scrub_and_mark_a_moment(app, window, portfolio_dir, saved):
    screen = open_replay(app)
    view = screen.viewer
    assert isinstance(view, ReplayView)
    assert view.position == view.duration > 60, "a replay opens on the finished picture"
    assert view.picture is not None
    clock = view.now = StoppedClock(100.0)

    tap(view.ids.play)
    assert (view.speed, view.position) == (1, 0), "Play at the end starts again from the beginning"
    clock.now += 2
    advance_until(lambda: view.position > 0)
    assert view.position == pytest.approx(2.0)
    assert view.ids.play.text == "Pause"

    tap(view.ids.fast)
    assert view.speed == 4
    clock.now += 1
    advance_until(lambda: view.position > 2.0)
    assert view.position == pytest.approx(6.0)

    tap(view.ids.end)
    assert (view.speed, view.position) == (0, view.duration)

    scrubber = view.ids.scrubber
    left = scrubber.to_window(scrubber.x + scrubber.padding, scrubber.center_y)
    middle = scrubber.to_window(scrubber.center_x, scrubber.center_y)
    drag([left, middle])
    assert view.position == pytest.approx(view.duration / 2, rel=0.02)
    half_way = view.position

    tap(view.ids.mark)
    (dialog,) = [child for child in window.children if isinstance(child, MarkNoteDialog)]
    type_into(dialog.ids.note, "covered the figure in black")
    tap(dialog.ids.save)
    assert not any(isinstance(child, MarkNoteDialog) for child in window.children)
    (tick,) = [child for child in view.ids.ticks.children if isinstance(child, MarkTick)]
    assert tick.mark["note"] == "covered the figure in black"
    assert tick.center_x == pytest.approx(scrubber.center_x, abs=scrubber.width * 0.02)

    tap(view.ids.end)
    tap(tick)
    assert view.position == pytest.approx(half_way, abs=0.001)
    assert "covered the figure in black" in view.shown_note

    with Portfolio.open(portfolio_dir, passphrase=PIN) as reopened:
        (mark,) = reopened.artifact(saved.client_id, saved.session_id, saved.id).marks
    assert mark["note"] == "covered the figure in black"
    assert mark["t"] == pytest.approx(half_way, abs=0.001)


def test_leaving_the_artifact_stops_the_replay(app):
    screen = open_replay(app)
    view = screen.viewer
    tap(view.ids.fast)
    assert view.speed == 4
    tap(screen.ids.back)
    assert app.root.current == "portfolio"
    assert view.speed == 0


def test_an_activity_without_a_viewer_shows_the_picture(app, monkeypatch):
    monkeypatch.setattr(DrawingActivity, "viewer", classmethod(lambda cls, *args, **kwargs: None))
    screen = open_replay(app)
    assert screen.viewer is None and screen.texture is not None
