"""Unlocking after a crash: the portfolio is shown at once from its index, and compared with
the saved files on a thread meanwhile; damage found is said, and a clean close seals it."""

import threading

from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, start_app, stop_app
from sample_work import drawing_draft
from tests_support import PIN, StoppedClock, cheap_protect, open_popup_texts, screen, submit_secret

SEAL = "index.sqlite-closed"


def _portfolio_left_by_a_crash(root, *, damage: bool):
    cheap_protect(root, PIN)
    with Portfolio.open(root, passphrase=PIN) as store:
        client = store.add_client("Sam")
        session = store.start_session(client.id, plan_id="open", feeling_in=3)
        saved = [store.save_artifact(client.id, session.id, "drawing", drawing_draft(title=f"n{i}")) for i in range(2)]
        if damage:
            # Damaged behind the app's back (the store's own writer, so encrypted as it should be).
            store._disk.write_bytes(saved[1].path / "manifest.json", b"\x00{not json")
    # What a kill leaves: no seal vouching for the index.
    (root / SEAL).unlink()
    return saved


def _wait_for_the_comparison(app):
    store = app.store
    for _ in range(600):
        if not store.needs_full_comparison:
            return store
        advance_frames(1)
    raise AssertionError("the comparison did not finish")


def test_damage_found_after_a_crash_is_said_once_the_comparison_is_done(window, tmp_path):
    root = tmp_path / "portfolio"
    saved = _portfolio_left_by_a_crash(root, damage=True)
    app = start_app(root=root, clock=StoppedClock(), idle_lock_seconds=300)
    try:
        submit_secret(screen(app, "lock").ids.entry, PIN)
        assert app.root.current == "clients"
        store = _wait_for_the_comparison(app)
        advance_frames(2)
        said = "\n".join(open_popup_texts(window))
        assert "found damage" in said and "manifest.json is not readable (it is not valid JSON)" in said
        assert str(saved[1].path.relative_to(root) / "manifest.json") in said
        assert store.artifact(saved[1].client_id, saved[1].session_id, saved[1].id).damaged
    finally:
        stop_app(app)
    assert (root / SEAL).exists(), "compared, then closed cleanly: the index is vouched for"


def test_a_clean_comparison_says_nothing_and_the_ui_stays_usable_meanwhile(window, tmp_path, monkeypatch):
    from expressive.portfolio import comparison

    root = tmp_path / "portfolio"
    _portfolio_left_by_a_crash(root, damage=False)
    walked = threading.Event()
    scan = comparison.Disk.scan

    def slow_scan(disk):
        walked.wait(30)
        return scan(disk)

    monkeypatch.setattr(comparison.Disk, "scan", slow_scan)
    app = start_app(root=root, clock=StoppedClock(), idle_lock_seconds=300)
    try:
        submit_secret(screen(app, "lock").ids.entry, PIN)
        # The list is there while the comparison has not even walked the tree.
        assert app.root.current == "clients" and app.store.needs_full_comparison
        assert [client.name for client in app.store.clients()] == ["Sam"]
        advance_frames(5)
        walked.set()
        _wait_for_the_comparison(app)
        advance_frames(2)
        assert open_popup_texts(window) == []
    finally:
        walked.set()
        stop_app(app)
