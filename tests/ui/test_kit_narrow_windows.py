"""The clients page and the therapist's PIN popup on a small upright tablet, in the
longest words: nothing outside the window or on top of anything else."""

import subprocess
import sys

import pytest

from expressive.portfolio import Portfolio


def test_the_clients_header_and_the_pin_popup_fit_a_small_upright_tablet_in_long_words(tmp_path):
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as store:
        store.add_client("Robin")
    result = subprocess.run(
        [sys.executable, "-m", "expressive", "--lang", "en_XA", "layout", "--portfolio", str(root),
         "--size", "600x1024", "--size", "800x1280", "--screens", "clients,lock"],
        capture_output=True, text=True,
    )
    problems = [line for line in result.stdout.splitlines() if ", en_XA: " in line]
    assert result.returncode == 0 and problems == [], result.stdout + result.stderr


@pytest.mark.parametrize("size", [(1280, 800), (600, 1024)])
def test_a_single_clients_card_keeps_a_cards_width(window, tmp_path, size):
    from kivy.metrics import dp

    from expressive.tools.driver import advance_frames, start_app, stop_app

    window.size = size
    with Portfolio.open(tmp_path / "portfolio") as store:
        store.add_client("Robin")
        app = start_app(store)
        try:
            app.go("clients")
            advance_frames(4)
            screen = app.root.get_screen("clients")
            (card,) = screen.ids.grid.children
            assert card.width <= dp(420)
            assert card.right <= window.width
        finally:
            stop_app(app)
