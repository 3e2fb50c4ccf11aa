"""Fixtures for the portfolio tests: an open store with a client and a session.

Every test that takes `store` (or `open_portfolio`) runs twice: on an unencrypted
portfolio and on an encrypted one (with cheap Argon2id parameters), since the store must
behave the same either way.
"""

import pytest

from expressive.portfolio import Portfolio
from sample_work import CHEAP_KDF

PASSPHRASE = "correct horse"


@pytest.fixture(params=["plain", "encrypted"])
def protection(request):
    return request.param


@pytest.fixture
def open_portfolio(protection, portfolio_dir):
    """Open (creating it the first time) a portfolio protected as the test's parameter says."""

    def opener(root=None, **options):
        root = root or portfolio_dir
        if protection == "encrypted":
            if Portfolio.status(root) == "new":
                Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)
            return Portfolio.open(root, passphrase=PASSPHRASE, **options)
        return Portfolio.open(root, **options)

    return opener


@pytest.fixture
def store(open_portfolio):
    with open_portfolio() as opened:
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
