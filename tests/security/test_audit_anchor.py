"""A log cut short, emptied or deleted is named, before anything is appended and for good
after: the anchor beside it is not derived data, and a broken log is never restarted at 1."""

import json
import sqlite3

import pytest

from expressive.portfolio import Portfolio
from sample_work import CHEAP_KDF, audit_anchor, audit_chain

PASSPHRASE = "correct horse"


@pytest.fixture(params=["plain", "encrypted"])
def opener(request, tmp_path):
    root = tmp_path / "portfolio"
    if request.param == "encrypted":
        Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)
        return lambda: Portfolio.open(root, passphrase=PASSPHRASE)
    return lambda: Portfolio.open(root)


def _fill(opener):
    with opener() as store:
        client = store.add_client("Robin")
        for event in ("open-client", "export", "open-client"):
            store.audit(event, client.id)
        return store.root, client


def _lines(root):
    return audit_chain(root).read_bytes().splitlines(keepends=True)


def _problems(opener):
    with opener() as store:
        return store.verify_audit(), store.check().problems


CUTS = {
    "cut short": lambda path: path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:2])),
    "emptied": lambda path: path.write_bytes(b""),
    "deleted": lambda path: path.unlink(),
}


@pytest.mark.parametrize("cut", CUTS)
def test_a_cut_log_is_named_and_stays_named_after_more_entries(opener, cut):
    root, client = _fill(opener)
    written = len(_lines(root))
    CUTS[cut](audit_chain(root))
    # Opening (which records "unlock" in an encrypted portfolio) and more entries after.
    with opener() as store:
        store.audit("open-client", client.id)
    for _ in range(2):
        audit_problems, check_problems = _problems(opener)
        assert any(
            "were written" in problem or "had been written" in problem or "does not follow" in problem
            for problem in audit_problems
        ), audit_problems
        assert any(": found on " in problem for problem in audit_problems), audit_problems
        assert any(problem.path == audit_chain(root).relative_to(root) for problem in check_problems)
    # Never restarted at 1: numbering goes on from the last entry written.
    with opener() as store:
        assert store.audit_entries()[-1].seq > written


def test_deleting_the_index_does_not_lose_the_anchor(opener):
    root, _ = _fill(opener)
    for suffix in ("", "-wal", "-shm"):
        (root / f"index.sqlite{suffix}").unlink(missing_ok=True)
    audit_chain(root).write_bytes(b"".join(_lines(root)[:-1]))
    audit_problems, _ = _problems(opener)
    assert any("lines were removed from its end" in problem or "had been written" in problem for problem in audit_problems)


def test_a_deleted_anchor_is_named(opener):
    root, _ = _fill(opener)
    audit_anchor(root).unlink()
    audit_problems, _ = _problems(opener)
    assert any(f"anchor ({audit_anchor(root).name})" in problem for problem in audit_problems), audit_problems


def test_an_edited_anchor_is_named(opener):
    root, _ = _fill(opener)
    anchor = audit_anchor(root)
    anchor.write_bytes(anchor.read_bytes().replace(b'"seq": ', b'"seq": 1'))
    audit_problems, _ = _problems(opener)
    assert any(audit_anchor(root).name in problem and "changed" in problem for problem in audit_problems), audit_problems


def test_an_encrypted_portfolio_whose_log_and_anchor_were_deleted_says_so(tmp_path):
    root = tmp_path / "portfolio"
    Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)
    Portfolio.open(root, passphrase=PASSPHRASE).close()
    audit_chain(root).unlink()
    audit_anchor(root).unlink()
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        problems = store.verify_audit()
    assert any(f"the log and its anchor ({audit_anchor(root).name}) were missing" in problem for problem in problems), problems


def test_a_kill_between_the_line_and_the_anchor_is_no_break(opener):
    root, client = _fill(opener)
    with opener() as store:
        anchor = audit_anchor(root).read_bytes()
        store.audit("export", client.id)
        # As if killed after the line was written and before the anchor was replaced.
        audit_anchor(root).write_bytes(anchor)
        assert store.verify_audit() == []
        store.audit("open-client", client.id)
        assert store.verify_audit() == []


def test_a_log_from_before_the_anchor_is_anchored_from_the_index_once(tmp_path):
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as store:
        client = store.add_client("Robin")
        store.audit("open-client", client.id)
        store.audit("export", client.id)
    head = json.loads(_lines(root)[-1])
    audit_anchor(root).unlink()
    with sqlite3.connect(root / "index.sqlite") as db:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('audit_head', ?)", (f"{head['seq']}:{head['mac']}",))
    with Portfolio.open(root) as store:
        assert store.verify_audit() == []
    # The index's copy is gone once adopted: it can never stand in for a deleted anchor.
    audit_anchor(root).unlink()
    with Portfolio.open(root) as store:
        assert any(audit_anchor(root).name in problem for problem in store.verify_audit())
