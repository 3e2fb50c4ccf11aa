"""The UI tests' app: real, in the virtual display, unlocked on a new protected portfolio."""

import pytest

from expressive.tools.driver import stop_app
from tests_support import start_protected


@pytest.fixture
def app(window, portfolio_dir):
    running = start_protected(portfolio_dir)
    yield running
    stop_app(running)
