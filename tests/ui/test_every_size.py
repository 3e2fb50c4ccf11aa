"""Every screen right on every tablet, in German (see every_size.py). English is walked in
its pseudo-locale (test_every_size_longest.py): the same words, 40% longer, so what fits
there fits in English."""

from __future__ import annotations

import pytest

from every_size import TABLETS, demo_portfolio, layout_problems  # noqa: F401  (demo_portfolio: a fixture)


@pytest.mark.parametrize("density", sorted(TABLETS["de"]))
def test_every_screen_shows_its_words_whole_and_every_control_in_reach_in_german(demo_portfolio, density):  # noqa: F811
    result = layout_problems(demo_portfolio, density, "de")
    assert result.returncode == 0, result.stdout + result.stderr
