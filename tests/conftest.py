"""Test set-up: Kivy runs in a real (virtual) display with Mesa's software OpenGL.

The environment is prepared before any test module imports Kivy; tests that need a
window take the `window` fixture and advance frames with `advance_frames`.
"""

import os
import tempfile
from pathlib import Path

import pytest

os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="expressive-kivy-home-")
os.environ.pop("EXPRESSIVE_PORTFOLIO", None)

from expressive.ui.display import prepare_kivy  # noqa: E402

prepare_kivy(headless_ok=True)

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.fixture(scope="session")
def window():
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    return EventLoop.window


def advance_frames(count: int = 2) -> None:
    """Let Kivy run `count` frames: clocks, layouts and drawing, no sleeping."""
    from kivy.base import EventLoop

    for _ in range(count):
        EventLoop.idle()


@pytest.fixture
def portfolio_dir(tmp_path):
    return tmp_path / "portfolio"
