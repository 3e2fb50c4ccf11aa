"""The export speed figures for `expressive bench` run, on a scratch portfolio only."""

import pytest

from expressive.exporting import FORMATS
from expressive.exporting.measure import export_seconds


@pytest.mark.parametrize("format", FORMATS)
def test_each_export_is_timed_on_a_scratch_portfolio(format):
    assert 0 < export_seconds(format, artifacts=12) < 120


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="not 'docx'"):
        export_seconds("docx")
