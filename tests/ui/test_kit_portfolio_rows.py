"""The portfolio's header and 'Look back together' buttons on an upright tablet: every one
whole inside the window, in rows, none scrolled out of sight; Delete never first."""

import pytest

from expressive.portfolio import Portfolio


@pytest.fixture
def portfolio_screen(window, tmp_path, demo_copy):
    from expressive.tools.driver import start_app, stop_app

    with Portfolio.open(demo_copy(tmp_path / "portfolio")) as store:
        app = start_app(store)
        try:
            app.open_client(store.clients()[0])
            yield app.root.get_screen("portfolio")
        finally:
            stop_app(app)


@pytest.mark.parametrize("size", [(800, 1280), (600, 1024), (1024, 768)])
def test_every_action_of_the_portfolio_is_whole_inside_the_window(window, portfolio_screen, size):
    from kivy.uix.scrollview import ScrollView

    from expressive.tools.driver import advance_frames
    from expressive.ui.widgets import IconButton

    window.size = size
    advance_frames(4)
    for row in (portfolio_screen.ids.actions, portfolio_screen.ids.look_back):
        buttons = [child for child in row.children if isinstance(child, IconButton)]
        assert buttons
        for button in buttons:
            x, y = button.to_window(button.x, button.y)
            assert 0 <= x and x + button.width <= window.width, (size, button.text)
            assert 0 <= y and y + button.height <= window.height, (size, button.text)
        parent = row.parent
        while parent is not None and parent is not portfolio_screen:
            assert not isinstance(parent, ScrollView), "no strip that hides buttons past its edge"
            parent = parent.parent


def test_delete_is_not_the_first_of_the_clients_actions(portfolio_screen):
    from expressive.tools.driver import advance_frames

    advance_frames(2)
    actions = portfolio_screen.ids.actions
    in_reading_order = sorted(actions.children, key=lambda button: (-button.y, button.x))
    assert in_reading_order[0] == portfolio_screen.ids.start
    assert in_reading_order[-1] == portfolio_screen.ids.delete
