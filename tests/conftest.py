"""Test set-up: Kivy runs in a real (virtual) display with Mesa's software OpenGL.

The environment is prepared before any test module imports Kivy; tests that need a
window take the `window` fixture and drive it with `expressive.ui.driver`.
"""

import os
import tempfile

import pytest

os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="expressive-kivy-home-")
os.environ.pop("EXPRESSIVE_PORTFOLIO", None)

from expressive.ui.display import prepare_kivy  # noqa: E402

prepare_kivy(headless_ok=True)


@pytest.fixture(scope="session")
def window():
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    return EventLoop.window


@pytest.fixture
def portfolio_dir(tmp_path):
    return tmp_path / "portfolio"
