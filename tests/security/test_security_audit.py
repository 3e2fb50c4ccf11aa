"""The audit log: every line sealed to the one before; any edit is found and its line named."""

import json
import os

import pytest

from expressive.portfolio.atomic import write_file
from expressive.security.audit import EVENTS, AuditLog
from expressive.security.cipher import new_key


def audit_log(path, key):
    return AuditLog(path, key, replace_file=write_file, fsync=False)


@pytest.fixture(params=["hmac", "sha256"])
def log(request, tmp_path):
    return audit_log(tmp_path / "audit.log", new_key() if request.param == "hmac" else None)


def _fill(log, count=6):
    for number in range(count):
        log.append(EVENTS[number % len(EVENTS)], f"c-{number:08x}" if number % 2 else None, "")
    return log.path.read_bytes().splitlines(keepends=True)


def test_entries_come_back_in_order_and_verify(log):
    _fill(log)
    entries = log.entries()
    assert [entry.seq for entry in entries] == [1, 2, 3, 4, 5, 6]
    assert [entry.event for entry in entries] == list(EVENTS[:6])
    assert entries[1].client_id == "c-00000001" and entries[0].client_id is None
    assert entries[0].time.tzinfo is not None and entries[0].time <= entries[-1].time
    assert log.verify() == []


def test_a_new_log_object_continues_the_chain(log, tmp_path):
    _fill(log, 3)
    again = audit_log(log.path, log._key)
    again.append("lock")
    assert [entry.seq for entry in again.entries()] == [1, 2, 3, 4]
    assert again.verify() == []


def _edit(lines, number, change):
    document = json.loads(lines[number - 1])
    change(document)
    lines[number - 1] = (json.dumps(document) + "\n").encode()


@pytest.mark.parametrize(
    "field, value", [("event", "export"), ("client", "c-99999999"), ("detail", "x"), ("time", "2020-01-01T00:00:00+00:00")]
)
def test_an_edited_line_is_named(log, field, value):
    lines = _fill(log)
    _edit(lines, 3, lambda document: document.__setitem__(field, value))
    log.path.write_bytes(b"".join(lines))
    assert log.verify() == ["line 3 was changed after it was written"]


def test_an_edited_line_with_its_hash_recomputed_is_still_named_when_keyed(tmp_path):
    log = audit_log(tmp_path / "audit.log", new_key())
    lines = _fill(log)
    plain = audit_log(tmp_path / "other.log", None)
    plain.append("export")
    forged = json.loads(plain.path.read_bytes())
    original = json.loads(lines[2])
    forged.update(seq=3, prev=original["prev"], alg="sha256")
    lines[2] = (json.dumps(forged) + "\n").encode()
    log.path.write_bytes(b"".join(lines))
    assert [problem.split(" ")[:2] for problem in log.verify()] == [["line", "3"], ["line", "4"]]


def test_a_removed_line_is_named(log):
    lines = _fill(log)
    del lines[2]
    log.path.write_bytes(b"".join(lines))
    assert log.verify() == [
        "line 3 does not follow the line before it: lines were removed, inserted or moved here"
    ]


def test_swapped_lines_are_named(log):
    lines = _fill(log)
    lines[1], lines[2] = lines[2], lines[1]
    log.path.write_bytes(b"".join(lines))
    problems = log.verify()
    assert problems and problems[0].startswith("line 2 does not follow the line before it")
    assert {problem.split(" ")[1] for problem in problems} <= {"2", "3", "4"}


def test_lines_removed_from_the_end_are_noticed_through_the_anchor(log):
    lines = _fill(log)
    log.path.write_bytes(b"".join(lines[:4]))
    assert log.verify() == [
        "line 5: the log ends after entry 4, but entry 6 was written: lines were removed from its end"
    ]


def test_garbage_and_an_interrupted_write_are_named(log):
    lines = _fill(log, 3)
    log.path.write_bytes(b"".join(lines[:2]) + b"not json\n" + lines[2])
    assert log.verify()[0] == "line 3 is not an audit entry: it was changed or damaged"

    log.path.write_bytes(b"".join(lines) + b'{"seq": 4, "ti')
    assert log.verify() == ["line 4 is incomplete: writing it was interrupted"]
    fresh = audit_log(log.path, log._key)
    fresh.append("lock")  # starts on a new line and chains to the last complete entry
    assert fresh.verify() == ["line 4 is incomplete: writing it was interrupted"]
    assert [entry.seq for entry in fresh.entries()] == [1, 2, 3, 4]


def test_a_plain_chain_sealed_later_with_a_key(tmp_path):
    """A portfolio protected after some use: its old SHA-256 lines stay, sealed by the first keyed line."""
    path = tmp_path / "audit.log"
    _fill(audit_log(path, None), 3)
    key = new_key()
    keyed = audit_log(path, key)
    keyed.append("protect")
    keyed.append("unlock")
    assert keyed.verify() == []

    lines = path.read_bytes().splitlines(keepends=True)
    # Rewriting the plain part, even with correct SHA-256 hashes, breaks the keyed seal.
    rewritten = audit_log(tmp_path / "forged.log", None)
    for event in ("export", "lock", "lock"):
        rewritten.append(event)
    forged = rewritten.path.read_bytes().splitlines(keepends=True) + lines[3:]
    path.write_bytes(b"".join(forged))
    assert keyed.verify() == [
        "line 4 does not follow the line before it: lines were removed, inserted or moved here"
    ]
    # Dropping every keyed line is noticed too.
    path.write_bytes(b"".join(lines[:3]))
    assert keyed.verify() == [
        "line 3: no line is sealed with the portfolio's key, so lines were removed or the log was replaced",
        "line 4: the log ends after entry 3, but entry 5 was written: lines were removed from its end",
    ]


def test_only_known_events_and_no_free_text_fields(log):
    with pytest.raises(ValueError, match="unknown audit event"):
        log.append("viewed Robin's drawing")
    with pytest.raises(ValueError):
        log.append("export", client_id=12)
    assert not log.path.exists()


def test_lines_are_appended_never_rewritten(log):
    lines = _fill(log, 2)
    inode = os.stat(log.path).st_ino
    log.append("lock")
    assert os.stat(log.path).st_ino == inode
    assert log.path.read_bytes().startswith(b"".join(lines))
