"""A copy of the demo portfolio (encrypted, cheap key derivation) for each test, and restic
run with a cache and home of the test's own."""

import os
from pathlib import Path

import pytest

from backup_support import PASSPHRASE


@pytest.fixture
def portfolio(demo_copy, tmp_path) -> Path:
    return demo_copy(tmp_path / "portfolio", PASSPHRASE)


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
