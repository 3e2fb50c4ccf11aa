"""Encryption, passphrases and the audit log from the command line, as an IT person uses them."""

import os
import subprocess
import sys

import pytest

PASSPHRASE = "correct horse battery"


def expressive(*args, env=None):
    environment = dict(os.environ)
    for name in ("EXPRESSIVE_PORTFOLIO", "EXPRESSIVE_PASSPHRASE"):
        environment.pop(name, None)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "expressive", *args], capture_output=True, text=True, env=environment,
        timeout=300, stdin=subprocess.DEVNULL,
    )


def all_bytes(root):
    return {path: path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def encrypted_demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("protected") / "portfolio"
    result = expressive("demo", "--portfolio", str(root), env={"EXPRESSIVE_PASSPHRASE": PASSPHRASE})
    assert result.returncode == 0, result.stderr
    assert "Recovery key:" in result.stdout
    return root


def test_an_encrypted_demo_holds_no_readable_client_data(encrypted_demo):
    for path, content in all_bytes(encrypted_demo).items():
        for typed in (b"Robin", b"garden", b"Sailing", b"Follow up on school", b"\x89PNG"):
            assert typed not in content, f"{typed!r} readable in {path.name}"


def test_without_the_passphrase_commands_refuse_plainly_and_touch_nothing(encrypted_demo, tmp_path):
    before = all_bytes(encrypted_demo)
    missing = expressive("clients", "--portfolio", str(encrypted_demo))
    assert missing.returncode == 2 and "EXPRESSIVE_PASSPHRASE" in missing.stderr
    wrong_file = tmp_path / "wrong"
    wrong_file.write_text("not it\n")
    wrong = expressive("clients", "--portfolio", str(encrypted_demo), "--passphrase-file", str(wrong_file))
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert all_bytes(encrypted_demo) == before


def test_the_passphrase_file_or_environment_opens_it(encrypted_demo, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(PASSPHRASE + "\n")
    by_file = expressive("clients", "--portfolio", str(encrypted_demo), "--passphrase-file", str(secret))
    assert "Robin (demo)" in by_file.stdout
    by_env = expressive("check", "--portfolio", str(encrypted_demo), env={"EXPRESSIVE_PASSPHRASE": PASSPHRASE})
    assert by_env.returncode == 0 and "all intact" in by_env.stdout


def test_audit_lists_events_and_detects_an_edited_log(encrypted_demo, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(encrypted_demo, copy)
    env = {"EXPRESSIVE_PASSPHRASE": PASSPHRASE}
    intact = expressive("audit", "--portfolio", str(copy), env=env)
    assert intact.returncode == 0 and "protect" in intact.stdout and "unlock" in intact.stdout
    # The copy is another device: the log is the chain of the device the demo was made on.
    log = next((copy / "audit").glob("*.log"))
    lines = log.read_text().splitlines()
    log.write_text("\n".join(lines[:1] + lines[2:]) + "\n")
    edited = expressive("audit", "--portfolio", str(copy), env=env)
    assert edited.returncode == 1 and "PROBLEM" in edited.stdout


def test_protect_migrates_a_plain_portfolio_and_passphrase_changes_it(tmp_path):
    root = tmp_path / "portfolio"
    assert expressive("demo", "--portfolio", str(root)).returncode == 0
    assert b"Robin" in b"".join(all_bytes(root).values())
    secret = tmp_path / "secret"
    secret.write_text(PASSPHRASE)
    protected = expressive("protect", "--portfolio", str(root), "--passphrase-file", str(secret))
    assert protected.returncode == 0, protected.stderr
    assert b"Robin" not in b"".join(all_bytes(root).values())
    new = tmp_path / "new"
    new.write_text("another passphrase")
    changed = expressive("passphrase", "--portfolio", str(root), "--passphrase-file", str(secret), "--new-passphrase-file", str(new))
    assert changed.returncode == 0, changed.stderr
    assert expressive("clients", "--portfolio", str(root), "--passphrase-file", str(secret)).returncode == 2
    assert "Robin" in expressive("clients", "--portfolio", str(root), "--passphrase-file", str(new)).stdout
