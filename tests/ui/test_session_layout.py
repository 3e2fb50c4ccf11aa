"""The session's screens in the pseudo-locale (every word longer, as German is) on a wide and
an upright tablet: no words cut off, nothing out of reach or overlapping, every target named
and big enough (64 dp for a client at the simplest level), with homework open at check-in and
work made today on the launcher."""

from __future__ import annotations

import pytest
from kivy.uix.modalview import ModalView

from expressive.activity import COMPLEXITY_LEVELS
from expressive.tools.driver import tap
from expressive.tools.layout import SMALLEST_SIMPLE_TARGET_DP, problems_on, settle
from sample_work import drawing_draft
from tests_support import screen

SIZES = [(1024, 768), (800, 1280)]


@pytest.fixture
def pseudo_app(app, window):
    before = tuple(window.size)
    app.use_language("en_XA")
    yield app
    app.use_language("en")
    window.size = before


def problems_of_what_is_on_top(app, window) -> list[str]:
    settle()
    views = [view for view in window.children if isinstance(view, ModalView)]
    return problems_on(views[0] if views else app.root, window, SMALLEST_SIMPLE_TARGET_DP)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_session_screens_hold_longer_words_at_every_size(pseudo_app, window, size):
    app, store = pseudo_app, pseudo_app.store
    window.size = size
    client = store.add_client("Ada")
    store.set_client_settings(client.id, {"complexity": COMPLEXITY_LEVELS[0]})
    earlier = store.start_session(client.id, plan_id="open", feeling_in=3)
    store.set_homework(client.id, earlier.id, "Draw one good moment of the week, and bring it to show next time")
    store.finish_session(client.id, earlier.id, feeling_out=4)
    app.open_client(store.client(client.id))
    seen = {}
    app.go("session")
    seen["check-in"] = problems_of_what_is_on_top(app, window)

    app.begin_session(app.plans[0], "Say one kind thing to myself", 3)
    session = app.running.session
    app.running.made.append(store.save_artifact(client.id, session.id, "drawing", drawing_draft("My boat")))
    app.go("launcher")
    seen["launcher"] = problems_of_what_is_on_top(app, window)
    tap(screen(app, "launcher").ids.made.children[0])
    seen["work made today, large"] = problems_of_what_is_on_top(app, window)
    for view in [view for view in window.children if isinstance(view, ModalView)]:
        view.dismiss(animation=False)

    app.go("activity", activity_id="drawing")
    seen["activity"] = problems_of_what_is_on_top(app, window)
    app.go("checkout")
    seen["check-out"] = problems_of_what_is_on_top(app, window)
    app.client_mode = False
    app.go("note")
    seen["note"] = problems_of_what_is_on_top(app, window)
    app.end_session()
    assert {where: problems for where, problems in seen.items() if problems} == {}
