"""One writer at a time: a second program on the portfolio waits, then says it is in use;
programs taking turns never break the audit chain or lose a save."""

import os
import subprocess
import sys
import textwrap

import pytest

from expressive.portfolio import Portfolio, PortfolioError
from expressive.portfolio.lock import PortfolioInUse

IN_USE = "is in use by another program (the app or another command). Close it and try again."

# Holds the portfolio open until its stdin closes; says "open" once it holds it.
HOLDER = textwrap.dedent(
    """
    import sys
    from expressive.portfolio import Portfolio
    with Portfolio.open(sys.argv[1]):
        print("open", flush=True)
        sys.stdin.read()
    """
)

# Adds clients in a loop, printing each id once the store returned (acknowledged).
WRITER = textwrap.dedent(
    """
    import sys
    from expressive.portfolio import Portfolio, PortfolioError
    from expressive.portfolio.lock import PortfolioInUse
    for number in range(int(sys.argv[2])):
        try:
            with Portfolio.open(sys.argv[1]) as store:
                client = store.add_client(f"writer {sys.argv[3]} {number}")
                store.audit("open-client", client.id)
            print(client.id, flush=True)
        except PortfolioInUse:
            print("busy", flush=True)
    """
)


def _environment():
    return {key: value for key, value in os.environ.items() if not key.startswith("EXPRESSIVE_")}


@pytest.fixture
def holder(tmp_path):
    root = tmp_path / "portfolio"
    Portfolio.open(root).close()
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env=_environment(),
    )
    assert process.stdout.readline() == "open\n"
    yield root
    process.stdin.close()
    process.wait(timeout=60)


def test_a_second_program_waits_then_is_told_the_portfolio_is_in_use(holder):
    with pytest.raises(PortfolioInUse) as refused:
        Portfolio.open(holder)
    assert str(refused.value) == f"The portfolio in {holder} {IN_USE}"
    assert isinstance(refused.value, PortfolioError)


def test_the_command_line_says_it_in_one_sentence_and_exits_2(holder):
    result = subprocess.run(
        [sys.executable, "-m", "expressive", "clients", "--portfolio", str(holder)],
        capture_output=True, text=True, env=_environment(), timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr == f"expressive: The portfolio in {holder} {IN_USE}\n"


def test_protecting_takes_the_lock_too(holder):
    with pytest.raises(PortfolioInUse):
        Portfolio.protect(holder, "correct horse")
    assert Portfolio.status(holder) == "plain"


def test_one_process_may_open_the_same_portfolio_twice(tmp_path):
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as first:
        with Portfolio.open(root) as second:
            second.add_client("Robin")
        first.add_client("Noor")
        assert [client.name for client in first.clients()] == ["Noor", "Robin"]


def test_the_lock_is_let_go_on_close_and_when_opening_fails(tmp_path):
    root = tmp_path / "portfolio"
    Portfolio.open(root).close()
    (root / "portfolio.json").write_text("{not json")
    with pytest.raises(PortfolioError):
        Portfolio.open(root)
    result = subprocess.run(
        [sys.executable, "-c",
         "import os, sys, fcntl; fcntl.flock(os.open(sys.argv[1], os.O_RDONLY), fcntl.LOCK_EX | fcntl.LOCK_NB)",
         str(root)],
        capture_output=True, env=_environment(), timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_writers_taking_turns_keep_every_save_and_the_audit_chain(tmp_path):
    root = tmp_path / "portfolio"
    Portfolio.open(root).close()
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(root), "8", str(number)], stdout=subprocess.PIPE, text=True,
            env=_environment(),
        )
        for number in range(4)
    ]
    acknowledged = []
    for writer in writers:
        output, _ = writer.communicate(timeout=300)
        assert writer.returncode == 0
        acknowledged += [line for line in output.split() if line != "busy"]
    assert acknowledged
    with Portfolio.open(root) as store:
        assert set(acknowledged) <= {client.id for client in store.clients()}
        assert store.verify_audit() == []
        assert store.check().ok
        opened = [entry.client_id for entry in store.audit_entries() if entry.event == "open-client"]
        assert sorted(opened) == sorted(acknowledged)
