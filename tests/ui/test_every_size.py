"""Every screen right on every tablet, in every language.

`expressive layout` walks the app as a therapist and a client walk it (every screen and
popup, each activity at each complexity level) and lists every word cut off, every control
overlapping another, off the window, too small to tap or without a name (see
expressive/tools/layout.py; tests/ui/test_layout.py shows it finds each). It runs here at
each tablet's size and density, in English, German and the pseudo-locale whose words are
40% longer, each density and language in a process of its own: Kivy reads the density when
it is imported, and the words are chosen before the app is built.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

# Window sizes in pixels, by density: landscape and upright tablets, and a sharp big one.
TABLETS = {1: ("1024x768", "1280x800", "800x1280", "600x1024"), 2: ("1920x1200",)}
LANGUAGES = ("en", "de", "en_XA")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("density", sorted(TABLETS))
def test_every_screen_shows_its_words_whole_and_every_control_in_reach(density, language):
    sizes = [argument for size in TABLETS[density] for argument in ("--size", size)]
    result = subprocess.run(
        [sys.executable, "-m", "expressive", "--lang", language, "layout", "--density", str(density), *sizes],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
