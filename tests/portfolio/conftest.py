"""Fixtures for the portfolio tests: an open store with a client and a session."""

import pytest

from expressive.portfolio import Portfolio


@pytest.fixture
def store(portfolio_dir):
    with Portfolio.open(portfolio_dir) as opened:
        yield opened


@pytest.fixture
def client(store):
    return store.add_client("Robin", 2014)


@pytest.fixture
def session(store, client):
    return store.start_session(client.id, plan_id="free-drawing", goal="Draw a safe place", feeling_in=2)


@pytest.fixture
def permission_bits_enforced(tmp_path):
    """Skip unless chmod really blocks this process (root, or a capable one, ignores it)."""
    probe = tmp_path / "permission-probe"
    probe.write_bytes(b"")
    probe.chmod(0)
    try:
        probe.read_bytes()
    except PermissionError:
        return
    finally:
        probe.unlink()
    pytest.skip("permission bits do not block this user")
