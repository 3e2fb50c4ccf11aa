"""The Colleagues screen and the lock screen with several therapists, worked with taps:
invite (the code shown once), join on the lock screen, choose one's name, give and take."""

from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, start_app, stop_app, tap, type_into
from tests_support import PIN, screen, start_protected, submit_secret

BEA_PIN = "135790"


def _invite_bea(app):
    app.go("colleagues")
    colleagues = screen(app, "colleagues")
    type_into(colleagues.ids.name, "Bea")
    type_into(colleagues.ids.my_name, "Ana")
    type_into(colleagues.ids.passphrase, PIN)
    tap(colleagues.ids.invite)
    assert "new recovery key" in colleagues.invitation, colleagues.message
    return colleagues.invitation.split("\n")[1]


def test_a_colleague_is_invited_joins_on_the_lock_screen_and_is_given_a_client(window, portfolio_dir):
    app = start_protected(portfolio_dir)
    try:
        robin = app.store.add_client("Robin", 2012)
        app.store.add_client("Sam", 2013)
        code = _invite_bea(app)
        app.lock()
        lock = screen(app, "lock")
        assert lock.names == ["Ana"]
        tap(lock.ids.join)
        dialog = next(view for view in window.children if type(view).__name__ == "JoinDialog")
        for field, text in (("code", code), ("name", "Bea"), ("passphrase", BEA_PIN), ("again", BEA_PIN)):
            type_into(dialog.ids[field], text)
        tap(dialog.ids.join)
        advance_frames(2)
        assert lock.names == ["Ana", "Bea"]
        for view in list(window.children):
            if type(view).__name__ != "JoinDialog" and hasattr(view, "dismiss"):
                view.dismiss(animation=False)

        tap(next(choice for choice in lock.ids.names.children if choice.text == "Ana"))
        submit_secret(lock.ids.entry, PIN)
        assert app.root.current != "lock" and app.store.therapists.me, lock.message
        app.go("colleagues")
        colleagues = screen(app, "colleagues")
        bea_row = next(row for row in colleagues.ids.colleagues.children if row.name == "Bea")
        tap(bea_row.ids.choose)
        rows = {row.name: row for row in colleagues.ids.clients.children}
        assert not rows["Robin"].sees and not rows["Sam"].sees
        tap(rows["Robin"].ids.change)
        assert {row.name: row.sees for row in colleagues.ids.clients.children} == {"Robin": True, "Sam": False}
    finally:
        stop_app(app)

    store = Portfolio.open(portfolio_dir, passphrase=BEA_PIN, therapist="Bea")
    assert [client.id for client in store.clients()] == [robin.id]
    app = start_app(store)
    try:
        app.go("clients")
        advance_frames(2)
        assert [client.name for client in app.store.clients()] == ["Robin"]
    finally:
        stop_app(app)


def test_taking_access_on_the_screen_hides_the_client_from_the_colleague(window, portfolio_dir):
    from expressive.portfolio.therapists import join
    from tests_support import CHEAP_KDF

    app = start_protected(portfolio_dir)
    try:
        robin = app.store.add_client("Robin", 2012)
        code = _invite_bea(app)
        join(portfolio_dir, code, "Bea", BEA_PIN, kdf=CHEAP_KDF)
        app.store.therapists.give(robin.id, "Bea")
        colleagues = screen(app, "colleagues")
        colleagues.refresh()
        tap(next(row for row in colleagues.ids.colleagues.children if row.name == "Bea").ids.choose)
        (row,) = colleagues.ids.clients.children
        assert row.sees
        tap(row.ids.change)
        assert not colleagues.ids.clients.children[0].sees
        assert "no longer see" in colleagues.message
    finally:
        stop_app(app)
    with Portfolio.open(portfolio_dir, passphrase=BEA_PIN, therapist="Bea") as store:
        assert store.clients() == []
