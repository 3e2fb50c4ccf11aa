"""The sums behind the drawing screen: fitting the paper and cutting long strokes."""

import pytest

from expressive.activities.drawing.screen_math import fit_aspect, is_light, split_for_lines
from expressive.lib.drawing.strokes import PALETTE


@pytest.mark.parametrize(
    "available, expected",
    [
        ((1000, 600), (800, 600)),
        ((800, 1000), (800, 600)),
        ((400, 300), (400, 300)),
        ((0, 300), (0, 0)),
        ((1000.5, 680.8), (907, 680)),  # whole pixels
    ],
)
def test_the_paper_keeps_four_by_three_inside_the_space(available, expected):
    assert fit_aspect(available) == pytest.approx(expected)


def test_long_strokes_are_cut_into_overlapping_runs():
    points = [float(value) for index in range(2500) for value in (index, -index)]
    runs = split_for_lines(points, limit=1000)
    assert [len(run) // 2 for run in runs] == [1000, 1000, 502]
    for previous, following in zip(runs, runs[1:]):
        assert following[:2] == previous[-2:]
    joined = runs[0] + [value for run in runs[1:] for value in run[2:]]
    assert joined == points


@pytest.mark.parametrize("count, runs", [(1, 1), (2, 1), (1000, 1), (1001, 2)])
def test_short_strokes_stay_whole(count, runs):
    assert len(split_for_lines([0.0, 0.0] * count)) == runs


def test_light_colours_get_dark_marks():
    assert is_light(PALETTE["yellow"]) and is_light(PALETTE["peach"])
    assert not is_light(PALETTE["black"]) and not is_light(PALETTE["blue"])
