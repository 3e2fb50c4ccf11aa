"""A failed write says what happened in plain words and leaves the portfolio as it was.

Tests may run as root, where permission bits do not block, so faults are injected at the
system calls the store uses; a real read-only folder is tried too when not root.
"""

import builtins
import errno
import os

import pytest
from portfolio_helpers import drawing_draft

from expressive.portfolio import Portfolio, PortfolioError
from expressive.portfolio import atomic

FULL = "The device is full, so this was not saved. Free some space and try again."

OPERATIONS = {
    "add_client": lambda store, c, s, a: store.add_client("Noor"),
    "start_session": lambda store, c, s, a: store.start_session(c.id, plan_id="free"),
    "save_artifact": lambda store, c, s, a: store.save_artifact(c.id, s.id, "drawing", drawing_draft()),
    "set_reflection": lambda store, c, s, a: store.set_reflection(a, title="new", about="new"),
    "set_marks": lambda store, c, s, a: store.set_marks(a, [{"t": 1.5, "note": "new", "created": "2026-03-02T09:30:00+00:00"}]),
    "finish_session": lambda store, c, s, a: store.finish_session(c.id, s.id, feeling_out=5),
    "set_therapist_note": lambda store, c, s, a: store.set_therapist_note(c.id, s.id, "new"),
}
NEW_FOLDER_OPERATIONS = ("add_client", "start_session", "save_artifact")


class _FailingFile:
    """A real file whose writes fail, so a temporary file exists when the error strikes."""

    def __init__(self, stream, error):
        self._stream = stream
        self._error = error

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._stream.close()

    def write(self, data):
        raise self._error


def _inject(monkeypatch, where: str, error: OSError) -> None:
    def fail(*args, **kwargs):
        raise error

    if where == "write":
        monkeypatch.setattr(atomic, "open", lambda *a, **k: _FailingFile(builtins.open(*a, **k), error), raising=False)
    else:
        monkeypatch.setattr(os, where, fail)


def _snapshot(root):
    """Every file and folder with its content; the index is derived and left out."""
    return {
        str(path.relative_to(root)): path.read_bytes() if path.is_file() else None
        for path in sorted(root.rglob("*"))
        if not path.name.startswith("index.sqlite")
    }


def _listing(store, client):
    return store.clients(), store.sessions(client.id), store.artifacts(client.id)


@pytest.fixture
def existing(store, client, session):
    artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft(title="old"))
    store.set_therapist_note(client.id, session.id, "old")
    return client, session, artifact


FAULTS = [
    ("write", OSError(errno.ENOSPC, "No space left on device"), FULL),
    ("replace", PermissionError(errno.EACCES, "Permission denied"), ": permission denied. Nothing was saved."),
    ("replace", OSError(errno.EROFS, "Read-only file system"), ": the device is read-only."),
    ("rename", OSError(errno.ENOSPC, "No space left on device"), FULL),
]
CASES = [
    pytest.param(operation, *fault, id=f"{operation}-{fault[0]}-{errno.errorcode[fault[1].errno]}")
    for operation in OPERATIONS
    for fault in FAULTS
    # Only new folders are renamed into place; updates replace one file.
    if fault[0] != "rename" or operation in NEW_FOLDER_OPERATIONS
]


@pytest.mark.parametrize("operation, where, error, words", CASES)
def test_a_failed_write_changes_nothing(store, existing, portfolio_dir, open_portfolio, monkeypatch, operation, where, error, words):
    client, session, artifact = existing
    files_before, listing_before = _snapshot(portfolio_dir), _listing(store, client)

    with monkeypatch.context() as patches:
        _inject(patches, where, error)
        with pytest.raises(PortfolioError) as raised:
            OPERATIONS[operation](store, client, session, artifact)

    message = str(raised.value)
    assert message.startswith("Could not ") and words in message
    assert str(portfolio_dir) in message
    assert _snapshot(portfolio_dir) == files_before
    assert _listing(store, client) == listing_before
    store.close()
    with open_portfolio() as reopened:
        assert _listing(reopened, client) == listing_before
        assert reopened.therapist_note(client.id, session.id) == "old"
        report = reopened.check()
        assert report.ok and report.notes == []


def test_the_store_works_again_once_the_fault_is_gone(store, existing, monkeypatch):
    client, session, _ = existing
    with monkeypatch.context() as patches:
        _inject(patches, "write", OSError(errno.ENOSPC, "No space left on device"))
        with pytest.raises(PortfolioError):
            store.save_artifact(client.id, session.id, "drawing", drawing_draft())
    saved = store.save_artifact(client.id, session.id, "drawing", drawing_draft(title="retry"))
    assert [a.title for a in store.artifacts(client.id, session.id)] == ["old", "retry"]
    assert saved.id.startswith("02-")


def test_a_folder_that_cannot_be_written_is_named_on_open(tmp_path, monkeypatch):
    root = tmp_path / "portfolio"
    _inject(monkeypatch, "write", PermissionError(errno.EACCES, "Permission denied"))
    with pytest.raises(PortfolioError) as raised:
        Portfolio.open(root)
    assert str(raised.value) == (
        f"Cannot write to the portfolio folder {root}: permission denied. "
        "Choose another folder with --portfolio or EXPRESSIVE_PORTFOLIO."
    )
    assert list(root.iterdir()) == []


def test_a_folder_that_cannot_be_created_is_named_on_open(tmp_path, monkeypatch):
    root = tmp_path / "deep" / "portfolio"
    _inject(monkeypatch, "mkdir", PermissionError(errno.EACCES, "Permission denied"))
    with pytest.raises(PortfolioError, match=f"Cannot write to the portfolio folder {root}: permission denied"):
        Portfolio.open(root)


def test_a_read_only_folder_refuses_saves(store, existing, portfolio_dir, permission_bits_enforced):
    client, session, _ = existing
    sessions_folder = portfolio_dir / "clients" / client.id / "sessions"
    before = _snapshot(portfolio_dir)
    sessions_folder.chmod(0o500)
    try:
        with pytest.raises(PortfolioError, match="permission denied"):
            store.start_session(client.id, plan_id="free")
    finally:
        sessions_folder.chmod(0o700)
    assert _snapshot(portfolio_dir) == before


class _FailFirstSyncAfterCommit:
    """Fails the first folder sync that follows a rename or replace making a change visible."""

    def __init__(self, monkeypatch):
        self.committed = None
        self.failed = None
        real_replace, real_rename, real_sync = os.replace, os.rename, atomic.fsync_folder

        def replace(source, target, *args, **kwargs):
            real_replace(source, target, *args, **kwargs)
            if ".partial" not in str(target):
                self.committed = self.committed or str(target)

        def rename(source, target, *args, **kwargs):
            real_rename(source, target, *args, **kwargs)
            self.committed = self.committed or str(target)

        def sync(folder):
            if self.committed and not self.failed:
                self.failed = str(folder)
                raise OSError(errno.EIO, "Input/output error")
            real_sync(folder)

        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(os, "rename", rename)
        monkeypatch.setattr(atomic, "fsync_folder", sync)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_sync_failing_after_the_commit_says_it_was_saved(store, existing, portfolio_dir, open_portfolio, monkeypatch, operation, protection):
    client, session, artifact = existing
    before = _snapshot(portfolio_dir)
    with monkeypatch.context() as patches:
        fault = _FailFirstSyncAfterCommit(patches)
        with pytest.raises(PortfolioError) as raised:
            OPERATIONS[operation](store, client, session, artifact)
    assert fault.failed, "the injection missed the store's folder sync"
    message = str(raised.value)
    assert message.startswith("Could not ") and str(portfolio_dir) in message
    if protection == "encrypted" and operation == "add_client":
        # The first commit is keyring.json: a client must not outlive its key, so it is not added.
        assert "Nothing was saved" in message and _snapshot(portfolio_dir) == before
        assert [c.id for c in store.clients()] == [client.id]
    else:
        assert "it was saved, but the device did not confirm it" in message and "Nothing was saved" not in message
        assert _snapshot(portfolio_dir) != before
    after = _listing(store, client)
    report = store.check()
    assert report.ok, report.problems
    store.close()
    with open_portfolio() as reopened:
        assert _listing(reopened, client) == after
        assert reopened.check().ok
