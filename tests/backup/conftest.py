"""A demo portfolio (encrypted, cheap key derivation) made once, copied for each test, and
restic run with a cache and home of the test's own."""

import os
import shutil
from pathlib import Path

import pytest

from expressive.demo import make_demo
from expressive.portfolio import Portfolio
from backup_support import PASSPHRASE
from sample_work import CHEAP_KDF

@pytest.fixture(scope="session")
def demo_portfolio(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("backup-demo") / "portfolio"
    Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        make_demo(store)
    return root


@pytest.fixture
def portfolio(demo_portfolio, tmp_path) -> Path:
    root = tmp_path / "portfolio"
    shutil.copytree(demo_portfolio, root)
    return root


@pytest.fixture
def restic_environment(tmp_path, monkeypatch) -> dict[str, str]:
    """restic's cache and home inside the test's folder (also for the command line, which
    uses this process's environment)."""
    for name in ("HOME", "XDG_CACHE_HOME", "TMPDIR"):
        (tmp_path / name.lower()).mkdir(exist_ok=True)
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    for name in [name for name in os.environ if name.startswith(("EXPRESSIVE_", "RESTIC_"))]:
        monkeypatch.delenv(name)
    return dict(os.environ)
