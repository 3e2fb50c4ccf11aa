"""Nothing the store creates is readable by another user of the device: files 0600,
folders 0700, from their first byte, whatever the umask."""

import os
import stat

import pytest

from expressive.demo import make_demo
from expressive.portfolio import Portfolio
from expressive.portfolio.atomic import write_file
from sample_work import CHEAP_KDF, drawing_draft

PASSPHRASE = "correct horse"


@pytest.fixture
def open_umask():
    """The most generous umask a device may have: whatever the store leaves readable shows."""
    before = os.umask(0)
    yield
    os.umask(before)


def _readable_by_others(root):
    found = [] if not stat.S_IMODE(os.stat(root).st_mode) & 0o077 else ["."]
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = os.path.join(folder, name)
            if stat.S_IMODE(os.lstat(path).st_mode) & 0o077:
                found.append(f"{os.path.relpath(path, root)} {oct(stat.S_IMODE(os.lstat(path).st_mode))}")
    return found


@pytest.mark.parametrize("protection", ["plain", "encrypted"])
def test_every_file_and_folder_of_a_used_portfolio_is_private(tmp_path, open_umask, protection):
    root = tmp_path / "new" / "portfolio"
    if protection == "encrypted":
        Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)
    with Portfolio.open(root, passphrase=PASSPHRASE if protection == "encrypted" else None) as store:
        client, _ = make_demo(store)
        session = store.start_session(client.id, plan_id="free")
        artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft(title="mine"))
        store.set_reflection(artifact, title="mine", about="about it")
        store.set_therapist_note(client.id, session.id, "a note")
        store.write_draft(client.id, session.id, "story", "autosave.md", b"work in progress")
        store.finish_session(client.id, session.id, feeling_out=4)
        store.audit("export", client.id)
        store.check(repair=True)
        # The index's -wal and -shm exist while it is open.
        assert _readable_by_others(root) == []
    assert _readable_by_others(root) == []
    assert not stat.S_IMODE(os.stat(root.parent).st_mode) & 0o077  # parents made for it, too


def test_a_portfolio_left_readable_is_made_private_at_open(tmp_path):
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as store:
        store.add_client("Robin")
    for path in (root, *root.iterdir()):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    Portfolio.open(root).close()
    top = [root, *root.iterdir()]
    assert [path.name for path in top if stat.S_IMODE(os.stat(path).st_mode) & 0o077] == []


def test_a_replaced_file_is_private_even_when_the_old_one_was_not(tmp_path, open_umask):
    path = tmp_path / "lockout.json"
    path.write_bytes(b"{}")
    os.chmod(path, 0o644)
    write_file(path, b'{"failures": 1}', fsync=False)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_check_repair_makes_every_deeper_file_private(tmp_path):
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as store:
        client = store.add_client("Robin")
        store.start_session(client.id, plan_id="free")
    for folder, folders, files in os.walk(root):
        for name in folders:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    with Portfolio.open(root) as store:
        report = store.check(repair=True)
    assert any("readable by this user only" in line for line in report.repaired)
    assert _readable_by_others(root) == []


def test_every_file_a_command_makes_anywhere_is_private_whatever_the_umask(tmp_path):
    """Not only the portfolio: a screenshot of the client list, Kivy's home folder (settings,
    logs, its copied icons), the GL shader cache and temporary files, under umask 000."""
    import subprocess
    import sys

    home, scratch, out = tmp_path / "home", tmp_path / "tmp", tmp_path / "out"
    for folder in (home, scratch, out):
        folder.mkdir(mode=0o700)
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("EXPRESSIVE_", "XDG_", "KIVY_"))}
    environment.update(HOME=str(home), TMPDIR=str(scratch), XDG_CACHE_HOME=str(home / ".cache"),
                       XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local" / "share"))
    root = tmp_path / "portfolio"
    for command in (["clients"], ["screenshot", "clients", "--out", str(out / "clients.png")]):
        result = subprocess.run(
            [sys.executable, "-m", "expressive", *command, "--portfolio", str(root)], env=environment,
            capture_output=True, text=True, timeout=300, preexec_fn=lambda: os.umask(0),
        )
        assert result.returncode == 0, result.stderr
    assert (out / "clients.png").exists() and (home / ".kivy").exists()
    assert _readable_by_others(tmp_path) == []
