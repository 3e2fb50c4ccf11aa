"""Every screen right on every tablet, a small upright one too, in the pseudo-locale whose
words are 40% longer (see every_size.py)."""

from __future__ import annotations

import pytest

from every_size import LONGEST, TABLETS, demo_portfolio, layout_problems  # noqa: F401  (demo_portfolio: a fixture)


@pytest.mark.parametrize("density", sorted(TABLETS[LONGEST]))
def test_every_screen_shows_its_longest_words_whole_and_every_control_in_reach(demo_portfolio, density):  # noqa: F811
    result = layout_problems(demo_portfolio, density, LONGEST)
    assert result.returncode == 0, result.stdout + result.stderr
