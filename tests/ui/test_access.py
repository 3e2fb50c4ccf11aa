"""Locking, client mode and deleting a client, driven by touches in the real app."""

import pytest

from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, start_app, stop_app, tap, type_into
from tests_support import PIN, StoppedClock, cheap_protect, open_popup_texts, screen, submit_secret, tap_popup_button




@pytest.fixture
def protected_root(tmp_path):
    root = tmp_path / "portfolio"
    cheap_protect(root, PIN)
    with Portfolio.open(root, passphrase=PIN) as store:
        client = store.add_client("Sam")
        store.start_session(client.id, plan_id="open", feeling_in=3)
    return root


@pytest.fixture
def clock():
    return StoppedClock()


@pytest.fixture
def locked_app(window, protected_root, clock):
    app = start_app(root=protected_root, clock=clock, idle_lock_seconds=300)
    yield app
    stop_app(app)


def test_the_first_start_asks_for_a_pin_twice_and_shows_the_recovery_key_once(window, tmp_path):
    root = tmp_path / "new-portfolio"
    app = start_app(root=root)
    try:
        assert app.root.current == "setup"
        setup = screen(app, "setup")
        submit_secret(setup.ids.entry, "12345")
        assert "at least 6" in setup.message
        submit_secret(setup.ids.entry, PIN)
        assert setup.confirming
        submit_secret(setup.ids.entry, "999999")
        assert "did not match" in setup.message and not setup.confirming
        submit_secret(setup.ids.entry, PIN)
        submit_secret(setup.ids.entry, PIN)
        assert app.root.current == "recovery"
        key = screen(app, "recovery").recovery_key
        assert len(key) >= 20
        assert Portfolio.status(root) == "new", "nothing is written before the key is written down"
        tap(screen(app, "recovery").ids.done)
        assert app.root.current == "clients", screen(app, "recovery").message
        assert screen(app, "recovery").recovery_key == "", "the key is not kept to be shown again"
        assert Portfolio.status(root) == "encrypted"
    finally:
        stop_app(app)
    Portfolio.recover(root, key, "new-passphrase")
    Portfolio.open(root, passphrase="new-passphrase").close()


def test_the_app_starts_locked_and_wrong_pins_are_slowed_down(locked_app, clock):
    app = locked_app
    assert app.root.current == "lock" and app.store is None
    lock = screen(app, "lock")
    submit_secret(lock.ids.entry, "111111")
    assert lock.waiting and "try again in 1 second." in lock.message
    submit_secret(lock.ids.entry, PIN)
    assert app.root.current == "lock", "no try is taken while waiting"
    clock.now += 1.5
    advance_frames(2)
    lock._wait()
    assert not lock.waiting
    submit_secret(lock.ids.entry, "222222")
    assert "2 seconds" in lock.message
    clock.now += 2.5
    lock._wait()
    submit_secret(lock.ids.entry, PIN)
    assert app.root.current == "clients" and app.store is not None
    assert [entry.event for entry in app.store.audit_entries()][-1] == "unlock"


def unlock(app):
    submit_secret(screen(app, "lock").ids.entry, PIN)
    assert app.root.current == "clients"


def test_idle_therapist_mode_locks_itself_and_unlocking_returns_to_the_same_screen(locked_app, clock):
    app = locked_app
    unlock(app)
    (client,) = app.store.clients()
    app.open_client(client)
    clock.now += 299
    app.check_idle()
    assert app.root.current == "portfolio"
    clock.now += 2
    app.check_idle()
    assert app.root.current == "lock" and app.store is None
    unlock_entry = screen(app, "lock").ids.entry
    submit_secret(unlock_entry, PIN)
    assert app.root.current == "portfolio"


def test_client_mode_reaches_nothing_but_the_session_and_leaving_needs_the_pin(locked_app, clock, window):
    app = locked_app
    unlock(app)
    (client,) = app.store.clients()
    app.open_client(client)
    app.go("session")
    checkin = screen(app, "session")
    tap(checkin.ids.feelings.children[0])
    tap(checkin.ids.start)
    assert app.client_mode and app.root.current == "launcher"
    clock.now += 3600
    app.check_idle()
    assert app.root.current == "launcher", "a client's session never locks under their hands"

    for elsewhere in ("clients", "portfolio", "note", "artifact", "session", "add_client", "delete_client"):
        app.go(elsewhere)
        assert app.root.current == "handback", elsewhere
        tap(screen(app, "handback").ids.back_to_client)
        assert app.root.current == "launcher"
    assert window.dispatch("on_key_down", 27, 0, None, []) is True
    assert app.root.current == "launcher"

    tap(screen(app, "launcher").ids.finish)
    checkout = screen(app, "checkout")
    tap(checkout.ids.feelings.children[0])
    tap(checkout.ids.next)
    assert app.root.current == "handback"
    handback = screen(app, "handback")
    submit_secret(handback.ids.entry, "000000")
    assert app.root.current == "handback" and handback.waiting
    clock.now += 2
    handback._wait()
    submit_secret(handback.ids.entry, PIN)
    assert app.root.current == "note" and not app.client_mode
    tap(screen(app, "note").ids.finish)
    assert app.root.current == "portfolio"


def test_deleting_a_client_needs_their_name_typed_and_removes_them(locked_app):
    app = locked_app
    unlock(app)
    (client,) = app.store.clients()
    app.open_client(client)
    tap(screen(app, "portfolio").ids.delete)
    deletion = screen(app, "delete_client")
    assert deletion.ids.delete.disabled
    type_into(deletion.ids.confirmation, "Sa")
    tap(deletion.ids.delete)
    assert app.root.current == "delete_client" and app.store.clients() != []
    type_into(deletion.ids.confirmation, "m")
    assert deletion.ids.confirmation.text == "Sam"
    assert not deletion.ids.delete.disabled
    tap(deletion.ids.delete)
    assert app.root.current == "clients"
    assert app.store.clients() == []
    assert "delete-client" in [entry.event for entry in app.store.audit_entries()]


def test_the_therapist_changes_the_pin_in_the_app(locked_app, clock, protected_root, window):
    app = locked_app
    unlock(app)
    tap(screen(app, "clients").ids.change_pin)
    change = screen(app, "change_pin")
    submit_secret(change.ids.entry, "135790")
    assert change.step == "current" and change.waiting, "a wrong current PIN is slowed down too"
    clock.now += 2
    change._wait()
    submit_secret(change.ids.entry, PIN)
    assert change.step == "new"
    submit_secret(change.ids.entry, "97531")
    assert "at least 6" in change.message
    submit_secret(change.ids.entry, "975310")
    submit_secret(change.ids.entry, "975311")
    assert change.step == "new" and "did not match" in change.message
    submit_secret(change.ids.entry, "975310")
    submit_secret(change.ids.entry, "975310")
    assert app.root.current == "clients"
    assert "PIN changed" in open_popup_texts(window)
    tap_popup_button(window, "OK")
    app.lock()
    submit_secret(screen(app, "lock").ids.entry, PIN)
    assert app.root.current == "lock", "the old PIN no longer opens it"
    clock.now += 2
    screen(app, "lock")._wait()
    submit_secret(screen(app, "lock").ids.entry, "975310")
    assert app.root.current == "clients"


def test_first_start_on_an_unprotected_portfolio_encrypts_the_work_already_there(window, tmp_path):
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as store:
        store.add_client("Wren")
    app = start_app(root=root)
    try:
        assert app.root.current == "setup" and screen(app, "setup").existing_work
        submit_secret(screen(app, "setup").ids.entry, PIN)
        submit_secret(screen(app, "setup").ids.entry, PIN)
        tap(screen(app, "recovery").ids.done)
        assert [client.name for client in app.store.clients()] == ["Wren"]
    finally:
        stop_app(app)
    assert Portfolio.status(root) == "encrypted"
    assert not any(b"Wren" in path.read_bytes() for path in root.rglob("*") if path.is_file())


def test_protecting_cut_short_is_finished_at_the_next_unlock_with_a_new_recovery_key(window, protected_root):
    import json

    marker = protected_root / "portfolio.json"
    document = json.loads(marker.read_text())
    document["encryption"]["state"] = "migrating"
    marker.write_text(json.dumps(document))
    app = start_app(root=protected_root)
    try:
        assert app.root.current == "lock"
        submit_secret(screen(app, "lock").ids.entry, PIN)
        assert app.root.current == "recovery"
        new_key = screen(app, "recovery").recovery_key
        assert new_key
        tap(screen(app, "recovery").ids.done)
    finally:
        stop_app(app)
    assert Portfolio.status(protected_root) == "encrypted"
    Portfolio.recover(protected_root, new_key, "after the interruption")
    Portfolio.open(protected_root, passphrase="after the interruption").close()
