"""Every screen right on every tablet, in every language: what the two test files share.

`expressive layout` walks the app as a therapist and a client walk it (every screen and
popup, each activity at each complexity level) and lists every word cut off, every control
overlapping another, off the window, too small to tap or without a name (see
expressive/tools/layout.py; tests/ui/test_layout.py shows it finds each). It runs at each
tablet's size and density, in German and in the pseudo-locale whose words are English
made 40% longer (what fits there fits in English), each density and language in a process
of its own: Kivy reads the density when it is imported, and the words are chosen before
the app is built. The pseudo-locale's runs are a file of their own
(test_every_size_longest.py), so that the two workers share the minutes these walks take.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


LONGEST = "en_XA"
# Window sizes in pixels, by language and density. In the longest words: two landscape
# tablets (on either side of the widest layouts' 1200 dp), a small upright one, and a sharp
# big one (960x600 dp, the shortest). In German, whose long compound words cannot wrap where
# the pseudo-locale's words can: a landscape tablet and an upright one 800 wide (between the
# small upright one and the landscape ones, where rows of three and side-by-side layouts
# start), where a word too long for its room shows.
TABLETS = {
    LONGEST: {1: ("1024x768", "1280x800", "600x1024"), 2: ("1920x1200",)},
    "de": {1: ("1024x768", "800x1280")},
}


@pytest.fixture(scope="module")
def demo_portfolio(tmp_path_factory, demo_copy):
    """One demo portfolio for every run of a file to copy."""
    return demo_copy(tmp_path_factory.mktemp("every-size") / "portfolio")


def layout_problems(portfolio: Path, density: int, language: str) -> subprocess.CompletedProcess:
    """`expressive layout` at every tablet size of `density`, in `language`."""
    sizes = [argument for size in TABLETS[language][density] for argument in ("--size", size)]
    return subprocess.run(
        [sys.executable, "-m", "expressive", "--lang", language, "layout", "--portfolio", str(portfolio),
         "--density", str(density), *sizes],
        capture_output=True, text=True,
    )
