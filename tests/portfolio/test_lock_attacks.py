"""One writer at a time, attacked: the lock is the portfolio folder's own, so no file in it
(deleted, replaced, made a folder or a link while held) lets a second program in; a killed
holder leaves nothing locked; a filesystem without locks still opens; and two programs
protecting one portfolio at once never leave it under a keyring nobody has."""

import errno
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from expressive.portfolio import Portfolio, PortfolioError
from expressive.portfolio import lock as lock_module
from expressive.portfolio.lock import PortfolioInUse
from sample_work import CHEAP_KDF

HOLDER = textwrap.dedent(
    """
    import sys
    from expressive.portfolio import Portfolio
    with Portfolio.open(sys.argv[1]):
        print("open", flush=True)
        sys.stdin.read()
    """
)


def _environment():
    return {key: value for key, value in os.environ.items() if not key.startswith("EXPRESSIVE_")}


@pytest.fixture
def held(tmp_path):
    root = tmp_path / "portfolio"
    Portfolio.open(root).close()
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env=_environment(),
    )
    assert process.stdout.readline() == "open\n"
    yield root, process
    if process.poll() is None:
        process.stdin.close()
        process.wait(timeout=60)


LOCK_FILE_TAMPERING = {
    "deleted": lambda path, outside: None,
    "made a folder": lambda path, outside: path.mkdir(),
    "a link out of the portfolio": lambda path, outside: path.symlink_to(outside),
}


@pytest.mark.parametrize("tampering", LOCK_FILE_TAMPERING)
def test_nothing_done_to_a_lock_file_lets_a_second_program_in(held, tampering, tmp_path):
    root, _ = held
    outside = tmp_path / "outside"
    lock_file = root / "portfolio.lock"  # the name earlier versions locked
    if lock_file.exists() or lock_file.is_symlink():
        lock_file.unlink()
    LOCK_FILE_TAMPERING[tampering](lock_file, outside)
    with pytest.raises(PortfolioInUse):
        lock_module.acquire(root, wait=0)  # as Portfolio.open does, without its 2 s wait
    assert not outside.exists()


@pytest.mark.parametrize("tampering", LOCK_FILE_TAMPERING)
def test_a_lock_file_left_as_a_folder_or_a_link_does_not_stop_the_portfolio_opening(tmp_path, tampering):
    root = tmp_path / "portfolio"
    outside = tmp_path / "outside"
    Portfolio.open(root).close()
    LOCK_FILE_TAMPERING[tampering](root / "portfolio.lock", outside)
    with Portfolio.open(root) as store:
        store.add_client("Robin")
    assert not outside.exists()


def test_a_killed_holder_leaves_nothing_locked(held):
    root, process = held
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    lock_module.acquire(root, wait=0)
    lock_module.release(root)


def test_a_filesystem_without_locks_still_opens(tmp_path, monkeypatch):
    root = tmp_path / "portfolio"

    def no_locks(descriptor, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(lock_module.fcntl, "flock", no_locks)
    with Portfolio.open(root) as store:
        store.add_client("Robin")
    with Portfolio.open(root) as store:
        assert [client.name for client in store.clients()] == ["Robin"]


@pytest.mark.parametrize("status", ["new", "plain"])
def test_two_programs_protecting_at_once_never_leave_a_keyring_nobody_has(tmp_path, status):
    """Both were shown a recovery key before either encrypted anything; the second to
    carry out is refused, and the first one's passphrase and key open the portfolio."""
    root = tmp_path / "portfolio"
    if status == "plain":
        with Portfolio.open(root) as store:
            store.add_client("Robin")
    first = Portfolio.plan_protection(root, "first passphrase", kdf=CHEAP_KDF)
    second = Portfolio.plan_protection(root, "second passphrase", kdf=CHEAP_KDF)
    first.carry_out()
    keyring = (root / "keyring.json").read_bytes()
    with pytest.raises(PortfolioError) as refused:
        second.carry_out()
    assert "was protected or changed by another program" in str(refused.value)
    assert (root / "keyring.json").read_bytes() == keyring
    with Portfolio.open(root, passphrase="first passphrase") as store:
        assert store.check().ok
    Portfolio.recover(root, first.recovery_key, "third passphrase")
    Portfolio.open(root, passphrase="third passphrase").close()


def test_a_protection_tried_again_after_a_failure_is_not_taken_for_another_program(tmp_path, monkeypatch):
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as store:
        store.add_client("Robin")
    plan = Portfolio.plan_protection(root, "first passphrase", kdf=CHEAP_KDF)
    from expressive.portfolio import disk as disk_module

    real_write_file = disk_module.write_file

    def full_after_the_keyring(path, data, **options):
        real_write_file(path, data, **options)
        if path.name == "keyring.json":
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(disk_module, "write_file", full_after_the_keyring)
    with pytest.raises(PortfolioError):
        plan.carry_out()
    monkeypatch.setattr(disk_module, "write_file", real_write_file)
    plan.carry_out()
    with Portfolio.open(root, passphrase="first passphrase") as store:
        assert [client.name for client in store.clients()] == ["Robin"]
