"""Work in progress survives the app being killed: the next start of the session offers it back."""

import pytest

from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, drag, start_app, stop_app, tap
from tests_support import PIN, open_drawing, screen, start_protected, tap_popup_button


@pytest.fixture
def interrupted(window, portfolio_dir):
    """A session whose drawing was kept by autosave, then the app was gone without Done."""
    app = start_protected(portfolio_dir)
    client, activity_screen, paper = open_drawing(app, "Ola")
    x, y = paper.to_window(*paper.center)
    drag([(x - 100 + 10 * i, y) for i in range(20)])
    activity_screen.autosave()
    events = len(activity_screen.activity.log.events)
    session_id = app.running.session.id
    stop_app(app)
    return portfolio_dir, client.id, session_id, events


def reopen(window, portfolio_dir, client_id):
    store = Portfolio.open(portfolio_dir, passphrase=PIN)
    app = start_app(store)
    app.open_client(store.client(client_id))
    return app


def test_the_unfinished_session_goes_on_with_the_drawing_as_it_was(window, interrupted):
    portfolio_dir, client_id, session_id, events = interrupted
    app = reopen(window, portfolio_dir, client_id)
    try:
        advance_frames(2)
        (row,) = screen(app, "portfolio").ids.rows.shown_views()
        assert not row.finished
        tap(row.ids.resume)
        assert app.client_mode and app.root.current == "activity"
        tap_popup_button(window, "Go on with it")
        activity = screen(app, "activity").activity
        assert len(activity.log.events) == events
        tap(screen(app, "activity").ids.done)
        assert app.root.current == "launcher"
        assert len(app.store.artifacts(client_id, session_id)) == 1
        assert app.store.read_draft(client_id, session_id, "drawing", "autosave") is None
    finally:
        stop_app(app)


def test_keeping_the_earlier_drawing_and_starting_anew_loses_nothing(window, interrupted):
    portfolio_dir, client_id, session_id, _events = interrupted
    app = reopen(window, portfolio_dir, client_id)
    try:
        advance_frames(2)
        tap(screen(app, "portfolio").ids.rows.shown_views()[0].ids.resume)
        tap_popup_button(window, "Keep it, start a new one")
        assert screen(app, "activity").activity.log.events == []
        (earlier,) = app.store.artifacts(client_id, session_id)
        assert earlier.activity == "drawing" and app.running.made == [earlier]
        assert app.store.read_draft(client_id, session_id, "drawing", "autosave") is None
    finally:
        stop_app(app)


def test_closing_the_app_with_a_drawing_open_keeps_it(window, portfolio_dir):
    app = start_protected(portfolio_dir)
    client, _activity_screen, paper = open_drawing(app, "Ren")
    x, y = paper.to_window(*paper.center)
    drag([(x + 5 * i, y) for i in range(20)])
    session_id = app.running.session.id
    stop_app(app)
    with Portfolio.open(portfolio_dir, passphrase=PIN) as reopened:
        assert reopened.read_draft(client.id, session_id, "drawing", "autosave") is not None
