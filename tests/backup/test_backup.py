"""Backups to a real restic repository in the test's folder, and restoring them."""

import os
import subprocess
from datetime import datetime, timedelta, UTC
from pathlib import Path

import pytest

from backup_support import CLIENT_WORDS, PASSPHRASE, REPOSITORY_PASSWORD, travelling_files
from expressive.backup.restic import (
    NoRepository, RepositoryDamaged, Restic, ResticMissing, WrongPassword, address_shown, exclusion,
)
from expressive.backup.service import back_up, backup_warning, restore
from expressive.portfolio import Portfolio
from expressive.portfolio.backups import BACKUPS_FOLDER, LastBackup, backup_records


def backed_up(root: Path, repository: Path, environment, **options) -> LastBackup:
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        return back_up(store, str(repository), REPOSITORY_PASSWORD, environment=environment, **options)


def restic_says(repository: Path, *arguments: str, environment) -> subprocess.CompletedProcess:
    password = repository.parent / "password"
    password.write_text(REPOSITORY_PASSWORD)
    return subprocess.run(["restic", "--repo", str(repository), "--password-file", str(password), *arguments],
                          capture_output=True, text=True, env=environment)


def test_a_restored_portfolio_is_every_file_of_every_client_byte_for_byte_and_opens_clean(
        portfolio, tmp_path, restic_environment):
    repository = tmp_path / "repo"
    new_repository = []
    backup = backed_up(portfolio, repository, restic_environment, on_new_repository=new_repository.append)
    assert new_repository == [str(repository)] and backup.repository == str(repository)
    restored = tmp_path / "new tablet" / "portfolio"
    restore(str(repository), REPOSITORY_PASSWORD, restored, environment=restic_environment)
    before, after = travelling_files(portfolio), travelling_files(restored)
    # The audit log's "backup" and "lock" lines and the record of the backup are written
    # after restic read the folder: the restored log is the first part of the log here.
    written_since = [name for name in before if name.startswith(("/audit/", f"/{BACKUPS_FOLDER}/"))]
    for name in written_since:
        if name.endswith(".log"):
            assert before[name].startswith(after[name]) and after[name]
        before.pop(name)
        after.pop(name, None)
    assert after == before
    assert any("/artifacts/" in name for name in before) and len(before) > 50
    with Portfolio.open(restored, passphrase=PASSPHRASE) as store:
        report = store.check()
        assert report.ok and not report.problems, report.problems
        assert len(store.clients()) == 1 and report.artifacts_checked > 10
    assert [entry.name for entry in restored.parent.iterdir()] == ["portfolio"], "no staging folder is left"


def test_the_local_only_names_stay_out_of_the_repository(portfolio, tmp_path, restic_environment):
    # Letters that mean something in restic's patterns, in the folder's own name.
    portfolio = portfolio.rename(tmp_path / "my [1] *portfolio?")
    (portfolio / ".tmp-0123456789abcdef").write_bytes(b"half a save")
    (portfolio / "clients" / ".building-x").mkdir()
    (portfolio / "exporting").mkdir(exist_ok=True)
    (portfolio / "exporting" / "entry.json").write_bytes(b"{}")
    repository = tmp_path / "repo"
    backed_up(portfolio, repository, restic_environment)
    listed = restic_says(repository, "ls", "latest", environment=restic_environment).stdout.splitlines()[1:]
    names = {Path(line).name for line in listed}
    assert "portfolio.json" in names and "keyring.json" in names
    for local in ("index.sqlite", "index.sqlite-closed", ".device.json", "portfolio.lock", "exporting", "entry.json",
                  ".tmp-0123456789abcdef", ".building-x"):
        assert local not in names


def test_a_pattern_is_anchored_to_the_portfolio_even_when_its_path_has_glob_letters():
    assert exclusion("/index.sqlite", Path("/data/my[1]*port")) == "/data/my\\[1]\\*port/index.sqlite"
    assert exclusion(".tmp-*", Path("/data/p")) == ".tmp-*"


def test_the_repository_holds_no_plaintext_and_no_plaintext_file_is_left_anywhere(portfolio, tmp_path,
                                                                                  restic_environment):
    repository = tmp_path / "repo"
    backed_up(portfolio, repository, restic_environment, remember=True)
    restore(str(repository), REPOSITORY_PASSWORD, tmp_path / "restored", environment=restic_environment)
    for place in (repository, Path(restic_environment["TMPDIR"]), Path(restic_environment["XDG_CACHE_HOME"]),
                  portfolio / BACKUPS_FOLDER):
        for path in (path for path in place.rglob("*") if path.is_file()):
            data = path.read_bytes()
            for words in (*CLIENT_WORDS, REPOSITORY_PASSWORD.encode()):
                assert words not in data, f"{words!r} in {path}"


def test_the_remembered_password_is_kept_encrypted_and_used_for_the_next_backup(portfolio, tmp_path,
                                                                                restic_environment):
    repository = tmp_path / "repo"
    backed_up(portfolio, repository, restic_environment, remember=True)
    (record,) = (portfolio / BACKUPS_FOLDER).iterdir()
    assert REPOSITORY_PASSWORD.encode() not in record.read_bytes()
    with Portfolio.open(portfolio, passphrase=PASSPHRASE) as store:
        assert backup_records(store).remembered() == (str(repository), REPOSITORY_PASSWORD)
    from expressive.cli import main

    assert main(["backup", "--portfolio", str(portfolio), "--passphrase-file", str(passphrase_file(tmp_path))]) == 0
    assert len(Restic(str(repository), REPOSITORY_PASSWORD, environment=restic_environment).snapshots()) == 2
    with Portfolio.open(portfolio, passphrase=PASSPHRASE) as store:
        assert [entry.detail for entry in store.audit_entries() if entry.event == "backup"][-1:] != []


def passphrase_file(folder: Path) -> Path:
    path = folder / "passphrase"
    path.write_text(PASSPHRASE)
    return path


def test_the_command_line_backs_up_and_restores_and_checks(portfolio, tmp_path, restic_environment, capsys):
    from expressive.cli import main

    password = tmp_path / "repository-password"
    password.write_text(REPOSITORY_PASSWORD + "\n")
    common = ["--passphrase-file", str(passphrase_file(tmp_path)), "--password-file", str(password)]
    assert main(["backup", "--portfolio", str(portfolio), "--to", str(tmp_path / "repo"), *common]) == 0
    said = capsys.readouterr()
    assert "made a new one" in said.err and "Backed up 100%" in said.err and "Backed up" in said.out
    restored = tmp_path / "restored"
    assert main(["restore", "--from", str(tmp_path / "repo"), "--portfolio", str(restored), *common]) == 0
    assert "all intact" in capsys.readouterr().out
    assert main(["backups", "--from", str(tmp_path / "repo"), "--password-file", str(password), "--verify"]) == 0
    assert "1 backup in" in capsys.readouterr().out


def test_restoring_into_a_folder_with_files_is_refused_and_touches_nothing(portfolio, tmp_path, restic_environment):
    repository = tmp_path / "repo"
    backed_up(portfolio, repository, restic_environment)
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "letter.txt").write_text("mine")
    with pytest.raises(Exception, match="already has files in it"):
        restore(str(repository), REPOSITORY_PASSWORD, occupied, environment=restic_environment)
    assert [path.name for path in occupied.iterdir()] == ["letter.txt"]
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".")) == []


def test_a_wrong_password_is_said_plainly_and_changes_nothing(portfolio, tmp_path, restic_environment):
    repository = tmp_path / "repo"
    backed_up(portfolio, repository, restic_environment)
    before = travelling_files(portfolio)
    with Portfolio.open(portfolio, passphrase=PASSPHRASE) as store:
        with pytest.raises(WrongPassword, match="password does not open"):
            back_up(store, str(repository), "not it", environment=restic_environment)
    with pytest.raises(WrongPassword):
        restore(str(repository), "not it", tmp_path / "restored", environment=restic_environment)
    assert not (tmp_path / "restored").exists() and travelling_files(portfolio).keys() >= before.keys()
    with pytest.raises(NoRepository, match="no backup repository"):
        Restic(str(tmp_path / "nowhere"), "x", environment=restic_environment).snapshots()


def test_a_damaged_repository_is_said_plainly_and_nothing_here_changes(portfolio, tmp_path, restic_environment):
    repository = tmp_path / "repo"
    backed_up(portfolio, repository, restic_environment)
    packs = sorted((path for path in (repository / "data").rglob("*") if path.is_file()),
                   key=lambda path: path.stat().st_size)
    damaged = bytearray(packs[-1].read_bytes())
    damaged[len(damaged) // 3] ^= 0xFF
    os.chmod(packs[-1], 0o600)
    packs[-1].write_bytes(bytes(damaged))
    restored = tmp_path / "restored"
    with pytest.raises(RepositoryDamaged, match="damaged"):
        restore(str(repository), REPOSITORY_PASSWORD, restored, environment=restic_environment)
    assert not restored.exists() and not [path for path in tmp_path.iterdir() if path.name.startswith(".restored")]
    with pytest.raises(RepositoryDamaged):
        Restic(str(repository), REPOSITORY_PASSWORD, environment=restic_environment).check(read_data=True)


def test_without_restic_the_person_is_told_what_to_install(portfolio, tmp_path, restic_environment, monkeypatch,
                                                           capsys):
    from expressive.cli import main

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ResticMissing, match="apt install restic"):
        Restic(str(tmp_path / "repo"), "x")
    password = tmp_path / "password"
    password.write_text("x")
    assert main(["backups", "--from", str(tmp_path / "repo"), "--password-file", str(password)]) == 2
    assert "restic program, which is not installed" in capsys.readouterr().err


def test_credentials_never_appear_in_the_address_shown():
    assert address_shown("rest:https://anna:secret@backup.example:8000/clinic") == "rest:https://backup.example:8000/clinic"
    assert address_shown("sftp:anna@host:/srv/restic") == "sftp:anna@host:/srv/restic"
    assert address_shown("/media/usb/backup") == "/media/usb/backup"


def test_a_week_without_a_backup_warns_and_the_newest_of_every_device_counts(portfolio, monkeypatch):
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert "never been backed up" in backup_warning(None, now)
    recent = LastBackup(now - timedelta(days=6, hours=23), "abc", "/media/usb")
    assert backup_warning(recent, now) == ""
    assert "8 days ago" in backup_warning(LastBackup(now - timedelta(days=8), "abc", "/media/usb"), now)
    with Portfolio.open(portfolio, passphrase=PASSPHRASE) as store:
        records = backup_records(store)
        assert records.last() is None
        with monkeypatch.context() as another_tablet:
            another_tablet.setattr("expressive.portfolio.backups.device_id", lambda root: "d-othertab")
            records.record(LastBackup(now - timedelta(days=9), "older", "/media/usb"))
        records.record(LastBackup(now - timedelta(days=10), "oldest", "/media/usb"))
        assert len(list((portfolio / BACKUPS_FOLDER).iterdir())) == 2
        assert records.last().snapshot == "older", "another device's newer backup counts too"


def test_no_backup_is_made_while_another_program_writes_the_portfolio(portfolio, tmp_path, restic_environment,
                                                                      capsys):
    """The backup holds the portfolio's lock, so what it copies is what one writer left."""
    import sys

    from expressive.cli import main

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; from expressive.portfolio.lock import acquire; "
         f"acquire(Path({str(portfolio)!r})); print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        password = tmp_path / "repository-password"
        password.write_text(REPOSITORY_PASSWORD)
        assert main(["backup", "--portfolio", str(portfolio), "--to", str(tmp_path / "repo"), "--password-file",
                     str(password), "--passphrase-file", str(passphrase_file(tmp_path))]) == 2
    finally:
        holder.stdin.close()
        holder.wait()
    assert "in use by another program" in capsys.readouterr().err
    assert not (tmp_path / "repo").exists()
