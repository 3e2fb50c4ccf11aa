"""A full disk or an unwritable folder at every step of a save, in turn.

tests/portfolio/test_portfolio_faults.py fails the first call of a kind (the first file
write, the first replace, the rename). These walk the whole sequence instead: every
folder creation, file creation, write, fsync, replace and rename of an operation fails
once, in order, so that the later files (the manifest is written last), the fsyncs and
the folder syncs are covered too. Faults are injected at the os-level calls, since tests
may run as root, where permission bits do not block.

A change becomes visible in one call (the commit): the rename of a staged folder into
place, or the replace of a file by its new version. Any step before it must fail with a
clear PortfolioError and leave every file byte-identical. What follows a commit is only
the sync of its folder; failures there are the subject of the last two tests.
"""

import builtins
import errno
import os

import pytest

from expressive.tools import crash
from expressive.artifact import ArtifactDraft
from expressive.portfolio import PortfolioError, atomic

PASSPHRASE = "correct horse battery staple"

ERRORS = {
    "full": (OSError(errno.ENOSPC, "No space left on device"), "The device is full, so this was not saved."),
    "unwritable": (PermissionError(errno.EACCES, "Permission denied"), ": permission denied. Nothing was saved."),
}

OPERATIONS = {
    "save_artifact": lambda store, c, s, a: store.save_artifact(c.id, s.id, "drawing", _draft("new")),
    "set_reflection": lambda store, c, s, a: store.set_reflection(a, title="new", about="new"),
    "add_client": lambda store, c, s, a: store.add_client("Noor"),
    "start_session": lambda store, c, s, a: store.start_session(c.id, plan_id="free"),
    "finish_session": lambda store, c, s, a: store.finish_session(c.id, s.id, feeling_out=5),
    "set_therapist_note": lambda store, c, s, a: store.set_therapist_note(c.id, s.id, "new"),
}

def _draft(title):
    return ArtifactDraft(
        kind="drawing",
        files={"drawing.png": b"\x89PNG" + b"p" * 5000, "strokes.json": b"[[0, 0, 9, 9]]", "thumbnail.png": b"\x89PNGt"},
        product="drawing.png", thumbnail="thumbnail.png", process="strokes.json", title=title,
    )


class StepFault:
    """Counts the filesystem steps of an operation and fails step `fail_at` with `error`.

    Once it has failed, it only counts: the store's own clean-up must run unhindered.
    `failed_after_commit` says whether the failed step was the sync of a folder in which a
    change had just become visible.
    """

    CALLS = ("mkdir", "open", "fsync", "replace", "rename")
    SYNC_STEPS = ("os.open", "os.fsync")

    def __init__(self, monkeypatch, fail_at, error):
        self.fail_at, self.error = fail_at, error
        self.steps = []
        self.failed = None
        self.failed_after_commit = False
        self._syncing_a_commit = False
        for name in self.CALLS:
            monkeypatch.setattr(os, name, self._wrap(name, getattr(os, name)))
        monkeypatch.setattr(atomic, "open", self._open, raising=False)

    def step(self, name, target):
        self.steps.append(f"{name}({target})")
        if name not in self.SYNC_STEPS:
            # Files replaced inside a staging folder are not visible yet: not a commit.
            self._syncing_a_commit = name == "os.rename" or (name == "os.replace" and ".partial" not in str(target))
        if self.failed is None and len(self.steps) == self.fail_at:
            self.failed = self.steps[-1]
            self.failed_after_commit = self._syncing_a_commit and name in self.SYNC_STEPS
            raise self.error

    def _wrap(self, name, real):
        def call(*args, **kwargs):
            self.step(f"os.{name}", args[0] if args else "")
            return real(*args, **kwargs)

        return call

    def _open(self, path, mode, **options):
        self.step("open", path)
        return _CountedFile(builtins.open(path, mode, **options), self)


class _CountedFile:
    def __init__(self, stream, fault):
        self._stream, self._fault = stream, fault

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._stream.close()

    def write(self, data):
        self._fault.step("write", self._stream.name)
        return self._stream.write(data)

    def flush(self):
        self._stream.flush()

    def fileno(self):
        return self._stream.fileno()


def _snapshot(root):
    """Every file and folder with its content; the index is derived and left out."""
    return {
        str(path.relative_to(root)): path.read_bytes() if path.is_file() else None
        for path in sorted(root.rglob("*"))
        if not path.name.startswith("index.sqlite")
    }


@pytest.fixture(params=["plain", pytest.param("encrypted", marks=pytest.mark.skipif(
    not crash.encryption_available(), reason="the store has no encryption at rest yet (Portfolio.protect)"))])
def passphrase(request):
    return PASSPHRASE if request.param == "encrypted" else None


@pytest.fixture
def existing(tmp_path, passphrase):
    root = tmp_path / "portfolio"
    crash.create_portfolio(root, passphrase)
    with crash.open_portfolio(root, passphrase) as store:
        client = store.add_client("Robin")
        session = store.start_session(client.id, plan_id="free")
        artifact = store.save_artifact(client.id, session.id, "drawing", _draft("old"))
        store.set_therapist_note(client.id, session.id, "old")
    return root, client, session, artifact


def _attempt(store, operation, existing, fault_at, error, monkeypatch):
    """Run `operation` with step `fault_at` failing: the fault, and the error message or None."""
    _, client, session, artifact = existing
    with monkeypatch.context() as patches:
        fault = StepFault(patches, fault_at, error)
        try:
            OPERATIONS[operation](store, client, session, artifact)
        except PortfolioError as raised:
            return fault, str(raised)
    return fault, None


@pytest.mark.parametrize("error_name", ERRORS)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_step_before_a_commit_fails_cleanly(existing, passphrase, monkeypatch, operation, error_name):
    root, client = existing[:2]
    error, words = ERRORS[error_name]
    walked = 0
    with crash.open_portfolio(root, passphrase) as store:

        def state():
            # Taken with the store open: opening an encrypted portfolio is itself logged.
            return _snapshot(root), (store.artifacts(client.id), store.sessions(client.id), store.clients())

        before = state()
        for step in range(1, 200):
            fault, message = _attempt(store, operation, existing, step, error, monkeypatch)
            if fault.failed is None:
                break  # every step has been failed once
            if fault.failed_after_commit:
                before = state()  # a known issue (below) may have changed it
                continue
            walked += 1
            where = f"step {step} of {operation}, {fault.failed}, after {fault.steps[:step - 1]}"
            assert message is not None, f"{where}: the failure was not reported"
            assert message.startswith("Could not ") and words in message and str(root) in message, f"{where}: {message}"
            assert state() == before, f"{where}: the portfolio changed"
    assert walked >= 4, f"only {walked} steps failed: the injection missed the store's calls"


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_failure_after_a_commit_leaves_a_portfolio_that_checks_clean(existing, passphrase, monkeypatch, operation):
    root = existing[0]
    error, _ = ERRORS["full"]
    after_commits = []
    with crash.open_portfolio(root, passphrase) as store:
        for step in range(1, 200):
            fault, _ = _attempt(store, operation, existing, step, error, monkeypatch)
            if fault.failed is None:
                break
            if fault.failed_after_commit:
                after_commits.append(fault.failed)
                report = store.check()
                assert report.ok, f"step {step} of {operation}, {fault.failed}: {report.problems}"
    assert after_commits, f"{operation} has no step after a commit"


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_failure_after_a_commit_does_not_claim_nothing_was_saved(existing, passphrase, monkeypatch, operation):
    root = existing[0]
    error, _ = ERRORS["full"]
    with crash.open_portfolio(root, passphrase) as store:
        before = _snapshot(root)
        # Steps before a commit change nothing (the test above): walk to the first after one.
        for step in range(1, 200):
            fault, message = _attempt(store, operation, existing, step, error, monkeypatch)
            if fault.failed is None or fault.failed_after_commit:
                break
        # Compared while still open: closing an encrypted store appends its "lock" audit line.
        changed = _snapshot(root) != before
    assert fault.failed_after_commit, f"{operation} has no step after a commit: {fault.steps}"
    claims_nothing_saved = message is not None and ("Nothing was saved" in message or "was not saved" in message)
    assert not (claims_nothing_saved and changed), (
        f"{operation}: {fault.failed} failed after a commit; the message says {message!r} but the change is on disk"
    )
