"""SIGKILL at random instants while saving: acknowledged work survives, nothing is damaged.

The harness is `expressive.tools.crash`; these tests run it on fresh portfolios and show that
its checks can fail at all. Kills are spread over several portfolios of KILLS_PER_PORTFOLIO
kills each: state accumulates within one, and every check reads the whole portfolio, so
one long run would spend its time re-reading.
"""

import random
import signal

import pytest

from expressive import cli
from expressive.tools import crash
from expressive.portfolio import Portfolio

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

KILLS_PER_PORTFOLIO = 25
PLAIN_PORTFOLIOS = 4  # 100 kills (`expressive bench --only crash` and `expressive stress` run more)
ENCRYPTED_PORTFOLIOS = 2  # 50 kills
PASSPHRASE = "correct horse battery staple"

needs_encryption = pytest.mark.skipif(
    not crash.encryption_available(),
    reason="the store has no encryption at rest yet (Portfolio.protect); the harness is ready for it",
)


def _kill_and_check(root, batch, capsys, passphrase=None):
    summary = crash.run(
        root, KILLS_PER_PORTFOLIO, seed=batch, passphrase=passphrase,
        first_kill=batch * KILLS_PER_PORTFOLIO + 1,
    )
    assert summary.ok, "\n".join(summary.problems)
    assert summary.kills == KILLS_PER_PORTFOLIO
    assert summary.acknowledged_saves, "no save was acknowledged before a kill: nothing was tested"

    # The command a person runs after a crash agrees...
    capsys.readouterr()
    assert cli.main(["check", "--portfolio", str(root)]) == 0, capsys.readouterr().out
    # ...and once the unfinished saves are tidied away, nothing at all is left to say.
    with crash.open_portfolio(root, passphrase) as store:
        store.check(repair=True)
        after_repair = store.check()
        assert after_repair.ok and after_repair.notes == []


@pytest.mark.parametrize("batch", range(PLAIN_PORTFOLIOS))
def test_kills_lose_no_acknowledged_save_and_leave_nothing_half_written(tmp_path, batch, capsys):
    _kill_and_check(tmp_path / "portfolio", batch, capsys)


@needs_encryption
@pytest.mark.parametrize("batch", range(ENCRYPTED_PORTFOLIOS))
def test_kills_in_an_encrypted_portfolio_lose_nothing(tmp_path, batch, capsys, monkeypatch):
    monkeypatch.setenv("EXPRESSIVE_PASSPHRASE", PASSPHRASE)
    _kill_and_check(tmp_path / "portfolio", PLAIN_PORTFOLIOS + batch, capsys, passphrase=PASSPHRASE)


@pytest.mark.parametrize(
    "fault, expected",
    [
        # Folders under their final names, files written over themselves: a torn artifact shows.
        ("in-place", "check: "),
        # "Saved" said before saving: the acknowledged reflection is lost.
        ("early-ack", "acknowledged reflection on "),
    ],
)
def test_the_checks_catch_a_broken_writer(tmp_path, fault, expected):
    # Either fault shows on a kill during saves with a chance of at least a third.
    summary = crash.run(tmp_path / "portfolio", 40, seed=7, fault=fault)
    assert not summary.ok, f"the harness did not notice the {fault} writer: {summary.describe()}"
    assert summary.problems[0].startswith(f"kill {summary.kills} ("), summary.problems
    assert any(expected in problem for problem in summary.problems), summary.problems


def test_the_command_line_prints_a_summary(tmp_path, capsys):
    assert crash.main(["run", str(tmp_path / "portfolio"), "--kills", "3", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 kills (") and out.rstrip().endswith("no problems")


def test_a_worker_that_cannot_open_the_portfolio_is_reported(tmp_path):
    # The driver must never mistake a worker that died by itself for a successful kill.
    root = tmp_path / "portfolio"
    Portfolio.open(root).close()
    (root / "portfolio.json").write_text("{")
    summary = crash.run(root, 1, seed=1)
    assert summary.problems and summary.problems[0].startswith("kill 1 (")
    assert "the worker stopped by itself" in summary.problems[0] or "does not open" in summary.problems[0]


@pytest.mark.parametrize("passphrase", [None, PASSPHRASE])
def test_kills_inside_closes_and_opens_leave_the_next_open_correct(tmp_path, passphrase):
    # A worker that closes and opens the portfolio after every save, half the time
    # comparing in the background while it saves: kills land in the close (the seal), in
    # the open (breaking it, comparing) and in comparisons. After each, the index as the
    # next open leaves it must be what check reads in the files.
    summary = crash.run(tmp_path / "portfolio", 20, seed=11, passphrase=passphrase, reopen_share=1.0)
    assert summary.ok, "\n".join(summary.problems)
    assert summary.acknowledged_saves


def test_the_checks_catch_a_stale_index(tmp_path):
    # A manifest changed behind the store's back, then a clean close: the seal vouches for
    # an index that no longer says what the files say. Only check finds this (that is its
    # job); the harness must see the difference.
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as store:
        client = store.add_client("Robin")
        session = store.start_session(client.id, plan_id="crash-test")
        artifact = store.save_artifact(client.id, session.id, crash.ACTIVITY_ID, crash.make_draft(random.Random(1), 1))
        manifest = artifact.path / "manifest.json"
        manifest.write_bytes(manifest.read_bytes().replace(b'"draft 1"', b'"by hand"'))
    problems, _leftovers, _unacknowledged = crash.inspect(root, crash.Ledger(), None, repair=False)
    assert problems == [f"the index as opened has {client.id}/{session.id}/{artifact.id} other than it is in the files"]
