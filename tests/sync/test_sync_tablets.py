"""Three real Syncthing instances on loopback: tablet A with a portfolio, tablet B joining
it from an empty folder, and a clinic server S that keeps only an encrypted copy. One set of instances for the whole module (starting them
is the slow part); the tests run in order, each leaving the three converged."""

import io
import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from sample_work import CHEAP_KDF, drawing_draft
from tablets import Tablet, pair, shared_files, wait_converged, wait_until

from expressive.artifact import ArtifactDraft
from expressive.sync.service import set_aside_to_join
from expressive.sync.syncthing import FOLDER_PREFIX, LOG_FILE
from expressive.portfolio import Portfolio

PASSPHRASE = "sync-test-words"


@pytest.fixture(scope="module")
def tablets(tmp_path_factory):
    base = tmp_path_factory.mktemp("tablets")
    Portfolio.protect(base / "A-portfolio", PASSPHRASE, kdf=CHEAP_KDF)
    with Portfolio.open(base / "A-portfolio", passphrase=PASSPHRASE) as store:
        fill(store)
    started = []
    try:
        for name, host, folder_type in (("A", "127.0.0.1", "sendreceive"), ("B", "127.0.0.2", "sendreceive"),
                                        ("S", "127.0.0.3", "receiveencrypted")):
            started.append(Tablet.start(base, name, host, folder_type=folder_type))
        a, b, server = started
        pair(a, b)
        # B, a new tablet with an empty folder, takes the portfolio A offers; the server
        # takes it from whichever tablet offers it first.
        wait_until(lambda: b.engine.folder_state().state != "waiting", what="B to take A's portfolio")
        password = pair(a, server, untrusted=True)
        # The second tablet is given the password the first one chose (or was given).
        assert pair(b, server, untrusted=True, server_password=password) == password
        yield a, b, server
    finally:
        for tablet in started:
            tablet.engine.stop()


def fill(store: Portfolio) -> None:
    """A portfolio in use: two clients, each with finished sessions of reflected work and
    the therapist's notes (the demo's activities would take a minute to make, and
    Syncthing carries every file alike)."""
    for name in ("Robin", "Sam"):
        client = store.add_client(name, year_of_birth=2015, notes=f"{name} came to us in spring.")
        for number in range(3):
            session = store.start_session(client.id, plan_id="free", goal="Find a calm place", feeling_in=2)
            for colour in ("teal", "orange"):
                piece = store.save_artifact(client.id, session.id, "drawing", drawing_draft(f"{colour} {number}", colour))
                store.set_reflection(piece, title=f"My garden {number}", about="The flowers are quiet there.")
            store.set_therapist_note(client.id, session.id, "Drew for a long time without speaking.")
            store.finish_session(client.id, session.id, feeling_out=4)


def opened(tablet: Tablet) -> Portfolio:
    return Portfolio.open(tablet.folder, passphrase=PASSPHRASE)


def assert_clean_and_alike(*tablets: Tablet) -> None:
    """`check` clean and the audit intact on each tablet, and each holds the same clients,
    sessions and pieces."""
    seen = []
    for tablet in tablets:
        # Opening a tablet's portfolio adds to its own audit chain: a log and its anchor,
        # which arrive on the others one after the other (the anchor may come first, and a
        # chain read between the two is rightly told as cut short). So each tablet is
        # read only once what the one read before it wrote has arrived whole.
        wait_converged(*tablets)
        with opened(tablet) as store:
            report = store.check()
            assert report.ok, (tablet.name, report.problems)
            assert not store.verify_audit(), "every device's audit chain arrived intact"
            seen.append({client.id: {session.id: sorted(artifact.id for artifact in store.artifacts(client.id, session.id))
                                     for session in store.sessions(client.id)} for client in store.clients()})
    assert all(holding == seen[0] for holding in seen[1:])


def noisy_draft(title: str, size: int) -> ArtifactDraft:
    """A drawing whose picture does not compress: megabytes, to be caught part way."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (size, size), os.urandom(size * size * 3)).save(buffer, format="PNG")
    draft = drawing_draft(title)
    return replace(draft, files={**draft.files, "drawing.png": buffer.getvalue()})


def work_on(tablet: Tablet, pieces: int, colour: str, noisy_size: int = 0) -> None:
    with opened(tablet) as store:
        client = store.clients()[0]
        session = store.start_session(client.id, plan_id="free")
        for number in range(pieces):
            title = f"{colour} {number}"
            draft = noisy_draft(title, noisy_size) if noisy_size else drawing_draft(title, colour)
            store.save_artifact(client.id, session.id, "drawing", draft)
        store.finish_session(client.id, session.id, feeling_out=3)


def reflect(tablet: Tablet, title: str, words: str, tag: str) -> None:
    with opened(tablet) as store:
        client = store.clients()[0]
        piece = next(artifact for artifact in store.artifacts(client.id) if artifact.title == title)
        piece = store.add_noticing(piece, words)
        piece = store.set_tags(piece, [*piece.tags, tag])
        store.set_star(piece, True)


def server_has_everything(a: Tablet, server: Tablet) -> bool:
    return any(peer.device_id == server.device_id and peer.connected and peer.completion >= 100
               for peer in a.engine.peers()) and server.engine.folder_state().need_files == 0


def wait_for_the_server(a: Tablet, server: Tablet, what: str) -> None:
    """Until the server holds everything A has (a fetch cut short by a tablet switched off
    is tried again within seconds: see PULL_RETRY_S)."""
    wait_until(lambda: server_has_everything(a, server), what=what, explain=lambda: told_of(a, server))


def told_of(a: Tablet, server: Tablet) -> str:
    """What A and the server say of the server's copy, and the end of the server's log."""
    log = (server.home / LOG_FILE).read_text(errors="replace").splitlines()[-15:]
    return "\n".join([f"A sees {a.engine.peers()}", f"the server's folder: {server.engine.folder_state()}", *log])


def test_a_portfolio_in_use_arrives_whole_on_the_other_tablet(tablets):
    a, b, _server = tablets
    wait_converged(a, b)
    files = shared_files(b.folder)
    assert "portfolio.json" in files and any(name.endswith("manifest.json") for name in files)
    # What is A's alone stayed there (B has not opened its copy yet).
    assert not [name for name in ("index.sqlite", "index.sqlite-closed", ".device.json", "portfolio.lock")
                if (b.folder / name).exists()]
    assert_clean_and_alike(a, b)


def test_the_clinic_server_keeps_only_what_it_cannot_read(tablets):
    a, _b, server = tablets
    wait_for_the_server(a, server, "the server to hold everything")
    stored = [path for path in server.folder.rglob("*") if path.is_file() and ".stfolder" not in path.parts]
    assert len(stored) >= len(shared_files(a.folder)) // 2, "the server holds the portfolio's files"
    names = {part for path in stored for part in path.relative_to(server.folder).parts}
    assert not names & {"portfolio.json", "keyring.json", "clients", "client.json", "manifest.json", "audit"}
    # portfolio.json is the one file the portfolio keeps readable (how it is protected);
    # the server must not have it readable even so.
    plain = (a.folder / "portfolio.json").read_bytes()
    assert all(plain[:40] not in path.read_bytes() for path in stored)
    assert all(b'"format"' not in path.read_bytes() for path in stored)


def test_work_made_on_both_tablets_at_once_converges(tablets):
    a, b, server = tablets
    both = [threading.Thread(target=work_on, args=(a, 3, "orange")), threading.Thread(target=work_on, args=(b, 3, "navy"))]
    for worker in both:
        worker.start()
    for worker in both:
        worker.join()
    wait_converged(a, b)
    assert_clean_and_alike(a, b)
    assert not [path for path in a.folder.rglob("*sync-conflict*")]
    wait_for_the_server(a, server, "the server to catch up")


def test_the_same_piece_reflected_on_both_tablets_reads_the_same_on_both(tablets):
    """Each tablet writes only its own edits file of the piece; both read the merge."""
    a, b, _server = tablets
    both = [threading.Thread(target=reflect, args=(a, "orange 0", "I see a sun now", "sun")),
            threading.Thread(target=reflect, args=(b, "orange 0", "It looks calmer", "calm"))]
    for worker in both:
        worker.start()
    for worker in both:
        worker.join()
    wait_converged(a, b)
    assert_clean_and_alike(a, b)
    assert not [path for path in a.folder.rglob("*sync-conflict*")]
    read = []
    for tablet in (a, b):
        with opened(tablet) as store:
            client = store.clients()[0]
            piece = next(artifact for artifact in store.artifacts(client.id) if artifact.title == "orange 0")
            read.append((sorted(noticing.text for noticing in piece.noticings),
                         sorted(piece.tags), piece.starred))
    assert read[0] == read[1]
    assert {"I see a sun now", "It looks calmer"} <= set(read[0][0]) and {"sun", "calm"} <= set(read[0][1])


def test_a_tablet_offline_for_a_while_catches_up(tablets):
    a, b, server = tablets
    a.engine.stop()
    assert a.engine.folder_state().state == "stopped"
    work_on(b, 2, "green")
    work_on(a, 1, "red")  # the therapist goes on working on A meanwhile
    # A piece first reflected on both while apart: each tablet makes its edits folder.
    reflect(b, "orange 1", "It looks calmer", "calm")
    reflect(a, "orange 1", "I see a sun now", "sun")
    a.restart()
    wait_converged(a, b)
    assert_clean_and_alike(a, b)
    # Syncthing counts such a folder as wanted by the server for ever: not shown as missing.
    wait_for_the_server(a, server, "the server to catch up")


def test_a_tablet_killed_mid_sync_converges_after_restarting(tablets):
    a, b, server = tablets
    before = len(shared_files(b.folder))
    work_on(a, 6, "purple", noisy_size=800)  # about 2 MB a piece: B is caught part way
    a.engine.scan()
    wait_until(lambda: len(shared_files(b.folder)) > before, what="B to start fetching")
    b.engine.kill()
    b.restart()
    wait_converged(a, b)
    assert_clean_and_alike(a, b)
    wait_for_the_server(a, server, "the server to catch up")


def test_arrivals_are_told_once_the_folder_is_idle(tablets):
    a, b, _server = tablets
    b.engine.arrived(0)  # what arrived before this test
    work_on(a, 1, "teal")
    a.engine.scan()
    arrived = []
    wait_until(lambda: arrived.extend(b.engine.arrived(5)) or any(path.endswith("manifest.json") for path in arrived),
               what="B to be told of the new piece")
    assert all(not Path(path).is_absolute() for path in arrived)
    assert all((b.folder / path).exists() for path in arrived)


def test_a_tablet_with_a_portfolio_of_its_own_is_never_mixed_with_another_until_it_makes_way(tablets, tmp_path):
    """Two portfolios' portfolio.json and keys would fight over the same names: each keeps
    its own folder, and each tablet is told the other offers a different portfolio. Once
    C's empty portfolio is set aside, C takes A's."""
    a, b, _server = tablets
    Portfolio.protect(tmp_path / "C-portfolio", PASSPHRASE, kdf=CHEAP_KDF)
    wait_converged(a, b)  # what B wrote last has arrived: A changes no more
    before = shared_files(tmp_path / "C-portfolio"), shared_files(a.folder)
    c = Tablet.start(tmp_path, "C", "127.0.0.4")
    try:
        pair(a, c)
        wait_until(lambda: c.engine.other_portfolios_offered() == [a.device_id], what="C to be offered A's portfolio")
        wait_until(lambda: a.engine.other_portfolios_offered() == [c.device_id], what="A to be offered C's portfolio")
        assert c.engine.folder_id.startswith(FOLDER_PREFIX) and c.engine.folder_id != a.engine.folder_id
        a.engine.scan()
        c.engine.scan()
        wait_until(lambda: c.engine.folder_state().state == "idle" and a.engine.folder_state().state == "idle",
                   what="both to have looked at their folders")
        assert (shared_files(tmp_path / "C-portfolio"), shared_files(a.folder)) == before

        aside = set_aside_to_join(c.folder)
        c.engine.share_folder()  # as the app's next start of syncing does
        wait_converged(a, c)
        assert c.engine.folder_id == a.engine.folder_id and not c.engine.other_portfolios_offered()
        assert shared_files(aside) == before[0]
        with opened(c) as store:
            assert [client.name for client in store.clients()] == ["Robin", "Sam"]
        wait_until(lambda: not a.engine.other_portfolios_offered(), what="C's own portfolio to be offered no more")
    finally:
        a.engine.unpair(c.device_id)
        b.engine.unpair(c.device_id)
        c.engine.stop()
