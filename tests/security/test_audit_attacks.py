"""The record of access attacked from outside: the log or its anchor replaced by a link (to
another portfolio's log, to /dev/null) or a folder, an anchor that cannot be written on
several tries in a row, and real kills while lines are appended. Nothing is written through
a link, every break is named, and nothing that is not a break reads as one."""

import errno
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from expressive.portfolio import Portfolio, PortfolioError
from sample_work import CHEAP_KDF, audit_anchor, audit_chain

PASSPHRASE = "correct horse"
NOT_A_FILE = "is not a file but a folder, a link or a device put in its place"


def _portfolio(root, protection):
    if protection == "encrypted":
        Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)
    opener = lambda: Portfolio.open(root, passphrase=PASSPHRASE if protection == "encrypted" else None)  # noqa: E731
    with opener() as store:
        client = store.add_client("Robin")
        store.audit("open-client", client.id)
    return opener


def _environment():
    return {key: value for key, value in os.environ.items() if not key.startswith("EXPRESSIVE_")}


PUT_IN_PLACE = {
    "a link to another portfolio's log": lambda path, other: path.symlink_to(audit_chain(other)),
    "a link to /dev/null": lambda path, other: path.symlink_to(os.devnull),
    "a folder": lambda path, other: path.mkdir(),
}


@pytest.mark.parametrize("protection", ["plain", "encrypted"])
@pytest.mark.parametrize("replacement", PUT_IN_PLACE)
def test_a_log_replaced_by_a_link_or_a_folder_is_named_and_nothing_is_written_through_it(
    tmp_path, protection, replacement
):
    other = tmp_path / "other"
    _portfolio(other, "plain")
    others_log = (audit_chain(other)).read_bytes()
    opener = _portfolio(tmp_path / "portfolio", protection)
    log = audit_chain(tmp_path / "portfolio")
    log.unlink()
    PUT_IN_PLACE[replacement](log, other)

    if protection == "encrypted":
        # Opening records "unlock", which cannot be done: refused in a sentence saying why.
        with pytest.raises(PortfolioError) as refused:
            opener()
        assert NOT_A_FILE in str(refused.value) and "move it out of the portfolio" in str(refused.value)
    else:
        with opener() as store:
            assert store.audit_entries() == []
            assert any(NOT_A_FILE in problem for problem in store.verify_audit())
            assert any(NOT_A_FILE in problem.message for problem in store.check().problems)
            with pytest.raises(PortfolioError):
                store.audit("export")
    assert (audit_chain(other)).read_bytes() == others_log
    assert not log.is_file() or log.is_symlink()


@pytest.mark.parametrize("protection", ["plain", "encrypted"])
def test_the_log_moved_back_out_of_the_way_carries_on_with_the_break_on_record(tmp_path, protection):
    opener = _portfolio(tmp_path / "portfolio", protection)
    log = audit_chain(tmp_path / "portfolio")
    log.unlink()
    log.mkdir()
    log.rmdir()
    with opener() as store:
        store.audit("export")
        problems = store.verify_audit()
    assert any("the log was missing or empty, but" in problem for problem in problems), problems


def test_an_anchor_replaced_by_a_folder_is_refused_in_a_sentence(tmp_path):
    opener = _portfolio(tmp_path / "portfolio", "encrypted")
    anchor = audit_anchor(tmp_path / "portfolio")
    anchor.unlink()
    anchor.mkdir()
    with pytest.raises(PortfolioError) as refused:
        opener()
    assert f"{anchor.name} {NOT_A_FILE}" in str(refused.value)


@pytest.mark.parametrize("protection", ["plain", "encrypted"])
def test_an_anchor_that_could_not_be_written_several_times_in_a_row_is_no_break(tmp_path, monkeypatch, protection):
    """A full disk: each line goes in, its anchor does not. Once space is free, nothing
    reads as tampering."""
    opener = _portfolio(tmp_path / "portfolio", protection)
    from expressive.security import audit as audit_module

    real_write_anchor = audit_module.AuditLog._write_anchor

    def full(self, anchor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(audit_module.AuditLog, "_write_anchor", full)
    for _ in range(3):
        # An encrypted portfolio already fails to open (its "unlock" cannot be anchored).
        with pytest.raises(PortfolioError):
            with opener() as store:
                store.audit("export")
    monkeypatch.setattr(audit_module.AuditLog, "_write_anchor", real_write_anchor)
    with opener() as store:
        store.audit("export")
        assert store.verify_audit() == []


# Appends lines as fast as it can, saying "open" once it holds the portfolio.
APPENDER = textwrap.dedent(
    """
    import sys
    from expressive.portfolio import Portfolio
    with Portfolio.open(sys.argv[1]) as store:
        print("open", flush=True)
        while True:
            store.audit("open-client", "c-00000001")
    """
)


def test_real_kills_while_lines_are_appended_never_read_as_tampering(tmp_path):
    root = tmp_path / "portfolio"
    _portfolio(root, "plain")
    for kill in range(8):
        appender = subprocess.Popen(
            [sys.executable, "-c", APPENDER, str(root)], stdout=subprocess.PIPE, text=True, env=_environment()
        )
        assert appender.stdout.readline() == "open\n"
        # Each append is a line then its anchor: the kill lands between them or inside
        # either, at a different point each time.
        while audit_chain(root).stat().st_size < 2000 * (kill + 1):
            pass
        appender.send_signal(signal.SIGKILL)
        appender.wait(timeout=60)
        with Portfolio.open(root) as store:
            assert store.verify_audit() == [], kill
            assert store.check().ok



class Killed(BaseException):
    """Stands for SIGKILL at one precise step."""


@pytest.mark.parametrize("key", [None, b"k" * 32], ids=["plain", "sealed"])
def test_a_kill_between_a_new_logs_first_line_and_its_anchor_is_no_break_but_a_lost_anchor_is(tmp_path, key):
    from expressive.portfolio.atomic import write_file
    from expressive.security.audit import AuditLog

    anchors_written = []

    def killed_after_the_first_anchor(path, data, *, fsync):
        if anchors_written:
            raise Killed()
        anchors_written.append(path)
        write_file(path, data, fsync=fsync)

    log_path = tmp_path / "audit.log"
    with pytest.raises(Killed):
        AuditLog(log_path, key, replace_file=killed_after_the_first_anchor).append("protect")
    assert len(log_path.read_bytes().splitlines()) == 1, "the first line was written, its anchor not"
    reopened = AuditLog(log_path, key, replace_file=write_file, entries_expected=True)
    assert reopened.verify() == []
    reopened.append("unlock")
    assert reopened.verify() == []
    (tmp_path / "audit.anchor").unlink()
    assert AuditLog(log_path, key, replace_file=write_file, entries_expected=True).verify(), "a deleted anchor still shows"
