"""Things changed on two tablets at once: the therapist's home screen says so, the
Conflicts screen shows both versions, and "Keep this one" (asked once more) keeps it."""

import shutil

from expressive.portfolio import Portfolio
from expressive.portfolio.device import device_id
from expressive.tools.driver import advance_frames, start_app, stop_app, tap
from expressive.tools.screenshot import make_sample_conflicts
from expressive.ui.widgets import IconButton
from sample_work import drawing_draft, exchange_edits
from tests_support import PIN, cheap_protect, screen, submit_secret, tap_popup_button


def _portfolio_with_conflicts(root):
    cheap_protect(root, PIN)
    with Portfolio.open(root, passphrase=PIN) as store:
        client = store.add_client("Sam")
        session = store.start_session(client.id, plan_id="free")
        store.save_artifact(client.id, session.id, "drawing", drawing_draft("A hill"))
        make_sample_conflicts(store)
        (picture,) = [conflict for conflict in store.conflicts() if conflict.show == "picture"]
    return picture


def _notice_once_looked(clients, expected):
    """The home screen's notice, once the look for conflicts (on a thread) has said
    `expected` (or after 500 frames)."""
    for _frame in range(500):
        if clients.ids.notice.text.startswith(expected):
            break
        advance_frames(1)
    return clients.ids.notice.text


def _keep_button(column):
    return next(widget for widget in column.walk() if isinstance(widget, IconButton) and widget.text == "Keep this one")


def test_the_therapist_sees_both_versions_and_keeps_the_one_chosen(window, tmp_path):
    root = tmp_path / "portfolio"
    picture = _portfolio_with_conflicts(root)
    other = picture.versions[1].path
    chosen = other.read_bytes()
    app = start_app(root=root)
    try:
        submit_secret(screen(app, "lock").ids.entry, PIN)
        clients = screen(app, "clients")
        assert _notice_once_looked(clients, "2 things").startswith("2 things were changed on two tablets at once")
        tap(clients.ids.conflicts)
        assert app.root.current == "conflicts"
        cards = list(reversed(screen(app, "conflicts").ids.listing.children))
        assert len(cards) == 2
        (card,) = [card for card in cards if card.where == picture.where]
        columns = list(reversed(card.ids.versions.children))
        assert [column.label for column in columns] == ["The version on this tablet", "The version from device ABCDEF7"]
        assert all(column.picture is not None for column in columns), "both pictures shown"
        (record_card,) = [card for card in cards if card.where != picture.where]
        assert any("A boat on the sea" in column.words for column in record_card.ids.versions.children)

        tap(_keep_button(columns[1]))
        # Asked once more: nothing is kept until the therapist says so.
        assert other.exists()
        tap_popup_button(window, "Keep this one")
        assert not other.exists()
        assert (root / picture.where).read_bytes() == chosen
        assert len(screen(app, "conflicts").ids.listing.children) == 1
        assert any(entry.event == "conflict-kept" for entry in app.store.audit_entries())
        tap(screen(app, "conflicts").ids.back)
        assert _notice_once_looked(screen(app, "clients"), "1 thing").startswith("1 thing was changed")
    finally:
        stop_app(app)


def test_no_notice_when_nothing_waits(window, tmp_path):
    root = tmp_path / "portfolio"
    cheap_protect(root, PIN)
    app = start_app(root=root)
    try:
        submit_secret(screen(app, "lock").ids.entry, PIN)
        clients = screen(app, "clients")
        assert clients.ids.notice.text == "" and clients.ids.conflicts_row.height == 0
    finally:
        stop_app(app)


def test_words_written_on_two_tablets_at_once_are_offered_and_the_one_chosen_kept(window, tmp_path):
    """Homework given on two tablets before either saw the other's: the later shows, both
    are offered side by side, and the one kept is the session's homework on every tablet."""
    first, second = tmp_path / "first", tmp_path / "second"
    with Portfolio.open(first) as store:
        client = store.add_client("Sam")
        session = store.start_session(client.id, plan_id="free")
    shutil.copytree(first, second)
    for root, task in ((first, "Draw the sea"), (second, "Draw a house")):
        with Portfolio.open(root) as store:
            store.set_homework(client.id, session.id, task)
    exchange_edits(first, second)
    app = start_app(Portfolio.open(first))
    try:
        clients = screen(app, "clients")
        assert _notice_once_looked(clients, "1 thing").startswith("1 thing was changed on two tablets at once")
        tap(clients.ids.conflicts)
        (card,) = screen(app, "conflicts").ids.listing.children
        assert card.what == "The homework given in a session" and card.where.startswith("Sam, session of ")
        columns = list(reversed(card.ids.versions.children))
        assert [column.words for column in columns] == ["Draw a house", "Draw the sea"]
        assert [column.label for column in columns] == [
            f"Written on device {device_id(second)}", "Written on this tablet"]
        assert all(column.facts.startswith("Written ") for column in columns)

        tap(_keep_button(columns[1]))
        assert app.store.session(client.id, session.id).homework.task == "Draw a house", "asked once more first"
        tap_popup_button(window, "Keep this one")
        assert screen(app, "conflicts").ids.listing.children == []
        assert app.store.session(client.id, session.id).homework.task == "Draw the sea"
        tap(screen(app, "conflicts").ids.back)
        for _frame in range(500):
            if not clients.conflicts_notice:
                break
            advance_frames(1)
        assert clients.conflicts_notice == ""
    finally:
        stop_app(app)
    exchange_edits(first, second)
    with Portfolio.open(second) as store:
        assert store.session(client.id, session.id).homework.task == "Draw the sea"
        assert store.edit_conflicts(client.id) == []
