"""Every screen right on every tablet, in English and German (see every_size.py)."""

from __future__ import annotations

import pytest

from every_size import TABLETS, demo_portfolio, layout_problems  # noqa: F401  (demo_portfolio: a fixture)


@pytest.mark.parametrize("language", ("en", "de"))
@pytest.mark.parametrize("density", sorted(TABLETS))
def test_every_screen_shows_its_words_whole_and_every_control_in_reach(demo_portfolio, density, language):  # noqa: F811
    result = layout_problems(demo_portfolio, density, language)
    assert result.returncode == 0, result.stdout + result.stderr
