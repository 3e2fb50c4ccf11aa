"""Backing up from the app with real touches: the Backup button on the therapist's home, the
dialog backing up to a real restic repository on a "USB drive" folder, the remembered
password, and the warning after a week without a backup."""

from datetime import datetime, timedelta, UTC

import pytest

from backup_support import REPOSITORY_PASSWORD
from expressive.backup.restic import Restic
from expressive.portfolio.backups import LastBackup, backup_records
from expressive.tools.driver import advance_frames, start_app, stop_app, tap, type_into
from sample_work import drawing_draft
from tests_support import PIN, open_popup_texts, screen, start_protected, submit_secret, tap_popup_button


@pytest.fixture
def usb(tmp_path, monkeypatch):
    drive = tmp_path / "usb"
    drive.mkdir()
    monkeypatch.setattr("expressive.ui.backup_dialog.backup_places", lambda: [drive])
    return drive


@pytest.fixture
def app(window, portfolio_dir, restic_environment):
    running = start_protected(portfolio_dir)
    client = running.store.add_client("Sam")
    session = running.store.start_session(client.id, plan_id="free")
    running.store.save_artifact(client.id, session.id, "drawing", drawing_draft("Sunny hill"))
    running.go("clients")
    yield running
    stop_app(running)


def the_dialog(window):
    from expressive.ui.backup_dialog import BackupDialog

    return next(view for view in window.children if isinstance(view, BackupDialog))


def back_up(dialog):
    tap(dialog.ids.go)
    wait_for_restic(dialog)


def wait_for_restic(dialog):
    dialog.wait()
    # The worker's last reports and the record reach the screen over the next frames.
    for _ in range(30):
        advance_frames(1)
        if not dialog.running:
            break


def test_the_backup_button_backs_up_to_a_usb_drive_and_remembers_the_password(app, window, usb, restic_environment):
    home = screen(app, "clients")
    assert "never been backed up" in home.backup_warning
    tap(home.ids.backup)
    dialog = the_dialog(window)
    assert dialog.last_backup == "Not backed up yet." and dialog.address == str(usb / "Expressive backup")
    tap(dialog.ids.go)
    assert "Type the backup's password" in dialog.message and not dialog.running
    type_into(dialog.ids.password, REPOSITORY_PASSWORD)
    tap(dialog.ids.remember)
    back_up(dialog)
    repository = usb / "Expressive backup"
    assert dialog.message.startswith(f"Backed up to {repository}. It is a new backup repository"), dialog.message
    assert dialog.last_backup == f"Last backup: today, to {repository}"
    engine = Restic(str(repository), REPOSITORY_PASSWORD, environment=restic_environment)
    assert len(engine.snapshots()) == 1
    # The next time the remembered password is used: nothing to type.
    assert dialog.remembered_here and dialog.ids.password.text == ""
    back_up(dialog)
    assert len(engine.snapshots()) == 2 and dialog.message == f"Backed up to {repository}.", dialog.message
    tap(dialog.ids.close)
    assert dialog.parent is None and home.backup_warning == ""
    assert [entry.event for entry in app.store.audit_entries()].count("backup") == 2


def test_a_wrong_password_is_said_in_the_dialog(app, window, usb, restic_environment):
    repository = usb / "Expressive backup"
    Restic(str(repository), REPOSITORY_PASSWORD, environment=restic_environment).init()
    tap(screen(app, "clients").ids.backup)
    dialog = the_dialog(window)
    type_into(dialog.ids.password, "not the password")
    back_up(dialog)
    assert dialog.message.startswith("Not backed up: The password does not open"), dialog.message
    assert backup_records(app.store).last() is None


def test_a_week_without_a_backup_warns_on_the_therapists_home(app):
    now = datetime.now(UTC)
    records = backup_records(app.store)
    records.record(LastBackup(now - timedelta(days=6), "recent", "/media/usb"))
    app.go("clients")
    assert screen(app, "clients").backup_warning == ""
    records.record(LastBackup(now - timedelta(days=8, minutes=1), "older", "/media/usb"))
    app.go("clients")
    assert "8 days ago" in screen(app, "clients").backup_warning


def the_restore_dialog(window):
    from expressive.ui.backup_dialog import RestoreDialog

    return next(view for view in window.children if isinstance(view, RestoreDialog))


def backed_up(app, window):
    """The Backup dialog, opened on the therapist's home, after a backup with the password."""
    tap(screen(app, "clients").ids.backup)
    dialog = the_dialog(window)
    type_into(dialog.ids.password, REPOSITORY_PASSWORD)
    back_up(dialog)
    return dialog


def restoring_on_a_new_tablet(window, tmp_path):
    """A new tablet's app, and its restore dialog opened from the first screen."""
    new_tablet = start_app(root=tmp_path / "new-tablet" / "portfolio")
    tap(screen(new_tablet, "setup").ids.restore)
    return new_tablet, the_restore_dialog(window)


def test_a_new_tablet_restores_every_client_from_its_first_screen(app, window, usb, tmp_path, restic_environment):
    """Backed up on one tablet; on a new one, "Restore from a backup" on the first screen
    brings the portfolio back, which opens with the passphrase it had."""
    tap(backed_up(app, window).ids.close)
    work = app.store.artifacts(app.store.clients()[0].id)[0]
    stop_app(app)

    new_tablet = start_app(root=tmp_path / "new-tablet" / "portfolio")
    try:
        setup = screen(new_tablet, "setup")
        assert new_tablet.root.current == "setup" and setup.may_restore
        tap(setup.ids.restore)
        restoring = the_restore_dialog(window)
        assert restoring.address == str(usb / "Expressive backup")
        type_into(restoring.ids.password, "not the password")
        back_up(restoring)
        assert restoring.message.startswith("Not restored: The password does not open"), restoring.message
        assert not (tmp_path / "new-tablet" / "portfolio").exists() or not any((tmp_path / "new-tablet" / "portfolio").iterdir())

        restoring.ids.password.text = ""
        type_into(restoring.ids.password, REPOSITORY_PASSWORD)
        back_up(restoring)
        assert restoring.parent is None and new_tablet.root.current == "lock", restoring.message
        assert "Every client in the backup is back on this tablet" in " ".join(open_popup_texts(window))
        tap_popup_button(window, "OK")
        submit_secret(screen(new_tablet, "lock").ids.entry, PIN)
        assert new_tablet.root.current == "clients"
        (client,) = new_tablet.store.clients()
        assert client.name == "Sam"
        restored = new_tablet.store.artifacts(client.id)[0]
        assert restored.title == work.title == "Sunny hill"
        assert (restored.path / restored.product).read_bytes() == (work.path / work.product).read_bytes()
        assert new_tablet.store.check().ok
    finally:
        stop_app(new_tablet)


def test_an_earlier_backup_is_chosen_from_the_list_and_restored(app, window, usb, tmp_path, restic_environment):
    """Backed up before and after a piece was added; the new tablet lists both backups,
    newest first, and restores the earlier one, without the later piece."""
    dialog = backed_up(app, window)
    client = app.store.clients()[0]
    session = app.store.start_session(client.id, plan_id="free")
    app.store.save_artifact(client.id, session.id, "drawing", drawing_draft("Rainy day"))
    dialog.ids.password.text = ""
    type_into(dialog.ids.password, REPOSITORY_PASSWORD)
    back_up(dialog)
    assert dialog.message == f"Backed up to {usb / 'Expressive backup'}.", dialog.message
    tap(dialog.ids.close)
    stop_app(app)

    new_tablet, restoring = restoring_on_a_new_tablet(window, tmp_path)
    try:
        assert restoring.which == "The latest backup is restored."
        tap(restoring.ids.list_backups)
        assert "Type the backup's password" in restoring.message and not restoring.running
        type_into(restoring.ids.password, REPOSITORY_PASSWORD)
        tap(restoring.ids.list_backups)
        wait_for_restic(restoring)
        listed = list(reversed(restoring.ids.snapshot_row.ids.places.children))
        assert restoring.message == "2 backups, newest first: choose the one to restore.", restoring.message
        snapshots = Restic(str(usb / "Expressive backup"), REPOSITORY_PASSWORD, environment=restic_environment).snapshots()
        assert [button.value for button in listed] == [snapshot.id for snapshot in reversed(snapshots)]
        assert listed[0].selected and restoring.snapshot == snapshots[-1].id
        tap(listed[1])
        assert listed[1].selected and not listed[0].selected and restoring.snapshot == snapshots[0].id
        assert restoring.which == f"The backup made {listed[1].text} is restored."
        back_up(restoring)
        assert new_tablet.root.current == "lock", restoring.message
        tap_popup_button(window, "OK")
        submit_secret(screen(new_tablet, "lock").ids.entry, PIN)
        (client,) = new_tablet.store.clients()
        assert [piece.title for piece in new_tablet.store.artifacts(client.id)] == ["Sunny hill"]
        assert new_tablet.store.check().ok
    finally:
        stop_app(new_tablet)


def test_another_address_forgets_the_backups_listed(app, window, usb, tmp_path, restic_environment):
    tap(backed_up(app, window).ids.close)
    stop_app(app)
    new_tablet, restoring = restoring_on_a_new_tablet(window, tmp_path)
    try:
        type_into(restoring.ids.password, REPOSITORY_PASSWORD)
        tap(restoring.ids.list_backups)
        wait_for_restic(restoring)
        assert restoring.message == "1 backup, newest first: choose the one to restore."
        assert len(restoring.ids.snapshot_row.ids.places.children) == 1
        type_into(restoring.ids.address, "-elsewhere")
        assert restoring.snapshot == "latest" and not restoring.ids.snapshot_row.ids.places.children
        tap(restoring.ids.list_backups)
        wait_for_restic(restoring)
        assert restoring.message.startswith("The backups could not be listed: "), restoring.message
    finally:
        stop_app(new_tablet)
