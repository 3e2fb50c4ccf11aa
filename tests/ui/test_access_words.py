"""What the set-up, lock and PIN screens say: true to the portfolio, counted right, and a
name for every key that shows only an icon."""

import pytest

from expressive.portfolio import Portfolio
from expressive.tools.driver import start_app, stop_app
from tests_support import PIN, StoppedClock, cheap_protect, screen, submit_secret


def setup_words(root) -> str:
    app = start_app(root=root)
    try:
        assert app.root.current == "setup"
        return screen(app, "setup").ids.what_happens.text
    finally:
        stop_app(app)


def test_a_new_portfolio_is_not_said_to_hold_work_already(window, tmp_path):
    assert "already" not in setup_words(tmp_path / "never-made")
    empty = tmp_path / "made-but-empty"
    Portfolio.open(empty).close()
    assert Portfolio.status(empty) == "plain"
    assert "already" not in setup_words(empty)


def test_a_portfolio_with_clients_is_said_to_have_its_work_encrypted(window, tmp_path):
    root = tmp_path / "with-work"
    with Portfolio.open(root) as store:
        store.add_client("Wren")
    assert "work already in this portfolio will be encrypted" in setup_words(root)


@pytest.fixture
def locked_app(window, tmp_path):
    root = tmp_path / "portfolio"
    cheap_protect(root, PIN)
    app = start_app(root=root, clock=StoppedClock())
    yield app
    stop_app(app)


def test_a_wait_of_one_second_is_said_in_the_singular(locked_app):
    lock = screen(locked_app, "lock")
    submit_secret(lock.ids.entry, "111111")
    assert "try again in 1 second." in lock.message
    assert "seconds" not in lock.message


def test_every_pin_key_has_a_name_to_be_read_out(locked_app):
    entry = screen(locked_app, "lock").ids.entry
    keypad = entry.ids.ok.parent
    for key in keypad.children:
        shows_words = getattr(key, "font_name", "") != "Icons"
        assert key.accessible_name or (shows_words and key.text), key
    assert entry.ids.backspace.accessible_name == "Rub out the last one"
