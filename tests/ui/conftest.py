"""The UI tests' app: real, in the virtual display, unlocked on a new protected portfolio."""

import pytest

from expressive.portfolio import Portfolio
from expressive.tools.driver import start_app, stop_app
from tests_support import PIN, start_protected


@pytest.fixture
def app(window, portfolio_dir):
    running = start_protected(portfolio_dir)
    yield running
    stop_app(running)


@pytest.fixture
def demo_app(window, portfolio_dir, demo_copy):
    """The app unlocked on a copy of the demo portfolio (protected with PIN), with the demo
    client's portfolio open."""
    demo_copy(portfolio_dir, PIN)
    running = start_app(Portfolio.open(portfolio_dir, passphrase=PIN))
    (client,) = running.store.clients()
    running.open_client(client)
    yield running
    stop_app(running)
