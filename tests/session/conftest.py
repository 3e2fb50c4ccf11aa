"""The session tests run without a window: a real portfolio in tmp_path, a client in it."""

import pytest

from expressive.portfolio import Portfolio


@pytest.fixture
def store(tmp_path):
    with Portfolio.open(tmp_path / "portfolio") as opened:
        yield opened


@pytest.fixture
def client(store):
    return store.add_client("Ada")
