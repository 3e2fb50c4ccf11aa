"""Work arriving from another device: seen at the next open of a synced folder (the seal
does not vouch there), taken in by `refresh` while open, and conflict copies kept apart
until the therapist chooses."""

import json
import shutil

import pytest

from expressive.portfolio.changes_beneath import arrived_keys
from expressive.portfolio.conflicts import SHOW_SIZE, SHOW_WORDS
from expressive.portfolio.index_seal import SYNC_MARKER
from sample_work import drawing_draft

COPY_NAME = ".sync-conflict-20261202-101010-ABCDEF7"


def _tablets(open_portfolio, tmp_path):
    """Tablet A with a client, and B: a copy of A's folder (another device)."""
    a = tmp_path / "a"
    with open_portfolio(a) as store:
        client = store.add_client("Robin")
    b = tmp_path / "b"
    shutil.copytree(a, b)
    return a, b, client


def _work_on(open_portfolio, root, client, title="A boat"):
    with open_portfolio(root) as store:
        session = store.start_session(client.id, plan_id="free")
        artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft(title))
    return session, artifact


def _arrive(source, target, relative):
    """What a sync engine does: a folder of the source appears in the target."""
    shutil.copytree(source / relative, target / relative, dirs_exist_ok=True)
    return [str(path.relative_to(source).as_posix()) for path in (source / relative).rglob("*")]


def _session_folder(session, client):
    return f"clients/{client.id}/sessions/{session.id}"


def test_work_that_arrived_while_closed_is_seen_at_the_next_open_of_a_synced_folder(open_portfolio, tmp_path):
    a, b, client = _tablets(open_portfolio, tmp_path)
    (a / SYNC_MARKER).mkdir()
    with open_portfolio(a) as store:
        assert store.sessions(client.id) == []
    session, artifact = _work_on(open_portfolio, b, client)
    _arrive(b, a, _session_folder(session, client))
    with open_portfolio(a) as store:
        assert [found.id for found in store.sessions(client.id)] == [session.id]
        assert [found.id for found in store.artifacts(client.id)] == [artifact.id]


def test_a_synced_folder_opened_later_is_compared_in_the_background(open_portfolio, tmp_path):
    a, _b, _client = _tablets(open_portfolio, tmp_path)
    with open_portfolio(a) as store:
        pass
    with open_portfolio(a, compare_later=True) as store:
        assert not store.needs_full_comparison, "a folder nobody shares: the seal vouches"
    (a / SYNC_MARKER).mkdir()
    with open_portfolio(a, compare_later=True) as store:
        assert store.needs_full_comparison


def test_refresh_takes_in_a_new_session_and_artifact_and_forgets_a_deleted_one(open_portfolio, tmp_path):
    a, b, client = _tablets(open_portfolio, tmp_path)
    session, artifact = _work_on(open_portfolio, b, client)
    with open_portfolio(a) as store:
        arrived = _arrive(b, a, _session_folder(session, client))
        changed = store.refresh(arrived)
        assert (client.id, session.id, "") in changed and (client.id, session.id, artifact.id) in changed
        assert [found.id for found in store.artifacts(client.id)] == [artifact.id]
        assert store.artifact(client.id, session.id, artifact.id).title == "A boat"

        shutil.rmtree(a / _session_folder(session, client))
        changed = store.refresh([_session_folder(session, client)])
        assert (client.id, session.id, artifact.id) in changed
        assert store.sessions(client.id) == [] and store.artifacts(client.id) == []
        assert store.check().ok


def test_refresh_takes_in_a_changed_record_from_another_device(open_portfolio, tmp_path):
    a, b, client = _tablets(open_portfolio, tmp_path)
    session, artifact = _work_on(open_portfolio, a, client)
    shutil.rmtree(b)
    shutil.copytree(a, b)
    with open_portfolio(b) as store:
        store.set_reflection(store.artifact(client.id, session.id, artifact.id), title="A ship", about="at sea")
    folder = f"{_session_folder(session, client)}/artifacts/{artifact.id}"
    with open_portfolio(a) as store:
        changed = store.refresh(_arrive(b, a, folder))
        assert changed == [(client.id, session.id, artifact.id)]
        assert store.artifact(client.id, session.id, artifact.id).title == "A ship"
        assert store.check().ok


def test_refresh_ignores_hidden_local_only_and_conflict_names():
    records, whole = arrived_keys([
        "index.sqlite", ".device.json", "portfolio.lock", ".stfolder", "clients/.building-c-1.partial/client.json",
        "clients/c-1/sessions/s-1/.tmp-1234-session.json", f"clients/c-1/client{COPY_NAME}.json", "../elsewhere",
        "audit/d-abcdefgh.log",
    ])
    assert records == set() and whole == set()
    records, whole = arrived_keys(["clients/c-1/sessions/s-1/artifacts/a-1/edits/d-abcdefgh.json", "keys/c-2/t.json"])
    assert records == {("c-1", "s-1", "a-1")} and whole == {("c-2", "", "")}


def _conflicting_manifest(open_portfolio, tmp_path):
    """A piece of work whose record was changed on another tablet while this one changed
    it too: the other version arrives as a conflict copy beside this one's (encrypted, as
    the copy would be, for the place of the record)."""
    a, _b, client = _tablets(open_portfolio, tmp_path)
    session, artifact = _work_on(open_portfolio, a, client)
    folder = a / f"{_session_folder(session, client)}/artifacts/{artifact.id}"
    copy = folder / f"manifest{COPY_NAME}.json"
    with open_portfolio(a) as store:
        document = json.loads(store.read_stored(folder / "manifest.json"))
        document["title"] = "B's title"
        store._disk.write_bytes(copy, json.dumps(document).encode(), final=folder / "manifest.json")
    return a, client, session, artifact, copy


def test_a_conflict_copy_is_listed_never_damage_and_both_versions_can_be_shown(open_portfolio, tmp_path):
    a, client, session, artifact, copy = _conflicting_manifest(open_portfolio, tmp_path)
    with open_portfolio(a) as store:
        assert [found.id for found in store.artifacts(client.id)] == [artifact.id], "a copy is no record"
        report = store.check()
        assert report.ok, report.problems
        assert any("two versions to choose between" in note for note in report.notes)
        (conflict,) = store.conflicts()
        assert conflict.show == SHOW_WORDS and conflict.key == (client.id, session.id, artifact.id)
        assert [version.in_place for version in conflict.versions] == [True, False]
        assert conflict.versions[1].device == "ABCDEF7"
        for version in conflict.versions:
            assert json.loads(store.conflict_content(conflict, version))["id"] == artifact.id


def test_keeping_a_version_puts_it_in_place_removes_the_other_and_is_audited(open_portfolio, tmp_path):
    a, client, session, artifact, copy = _conflicting_manifest(open_portfolio, tmp_path)
    chosen = copy.read_bytes()
    with open_portfolio(a) as store:
        (conflict,) = store.conflicts()
        store.keep_conflict_version(conflict, conflict.versions[1])
        assert store.conflicts() == []
        assert store.artifact(client.id, session.id, artifact.id).title == "B's title", "the index reads it again"
        assert (client.id, "conflict-kept") in [(entry.client_id, entry.event) for entry in store.audit_entries()]
        assert store.check().ok
    assert not copy.exists()
    assert (copy.parent / "manifest.json").read_bytes() == chosen


def test_a_conflict_of_the_portfolios_own_file_is_told_and_never_chosen_by_itself(open_portfolio, tmp_path):
    a, _b, _client = _tablets(open_portfolio, tmp_path)
    marker = (a / "portfolio.json").read_bytes()
    (a / f"portfolio{COPY_NAME}.json").write_bytes(marker)
    with open_portfolio(a) as store:
        (conflict,) = store.conflicts()
        assert conflict.where == "portfolio.json" and conflict.show == SHOW_SIZE and conflict.advice
        assert store.check().ok
    assert (a / f"portfolio{COPY_NAME}.json").exists(), "both stay until one is chosen"


def test_a_client_that_arrives_before_its_key_is_read_again_when_the_key_arrives(tmp_path):
    from expressive.portfolio import Portfolio
    from sample_work import CHEAP_KDF

    a = tmp_path / "a"
    Portfolio.protect(a, "correct horse", kdf=CHEAP_KDF)
    b = tmp_path / "b"
    shutil.copytree(a, b)
    with Portfolio.open(b, passphrase="correct horse") as store:
        client = store.add_client("Sam")
    with Portfolio.open(a, passphrase="correct horse") as store:
        store.refresh(_arrive(b, a, f"clients/{client.id}"))
        (arrived,) = store.clients() or [None]
        assert arrived is None or arrived.damaged, "no key yet: not readable"
        changed = store.refresh(_arrive(b, a, f"keys/{client.id}"))
        assert (client.id, "", "") in changed
        assert [(found.id, found.name, found.damaged) for found in store.clients()] == [(client.id, "Sam", None)]


KILLED_KEEP = """
import os, random, signal, sys
root, seed, passphrase = sys.argv[1], int(sys.argv[2]), sys.argv[3] or None
from expressive.portfolio import Portfolio
store = Portfolio.open(root, passphrase=passphrase)
(conflict,) = store.conflicts()
target, steps = random.Random(seed).randrange(1, 6), 0

def killing(real):
    def step(*args, **kwargs):
        global steps
        steps += 1
        if steps == target:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return step

for name in ("replace", "remove", "fsync"):
    setattr(os, name, killing(getattr(os, name)))
store.keep_conflict_version(conflict, conflict.versions[1])
"""


@pytest.mark.parametrize("seed", range(5))
def test_a_kill_while_a_version_is_kept_loses_neither_version_before_the_choice_is_in_place(
    open_portfolio, protection, tmp_path, seed
):
    import os
    import subprocess
    import sys

    a, client, session, artifact, copy = _conflicting_manifest(open_portfolio, tmp_path)
    place = copy.parent / "manifest.json"
    original, chosen = place.read_bytes(), copy.read_bytes()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("EXPRESSIVE_")}
    subprocess.run([sys.executable, "-c", KILLED_KEEP, str(a), str(seed), "correct horse" if protection == "encrypted" else ""],
                   env=environment, capture_output=True, timeout=120)
    assert place.read_bytes() in (original, chosen)
    if place.read_bytes() != chosen:
        assert copy.read_bytes() == chosen, "the choice is not in place yet: the copy is still there"
    with open_portfolio(a) as store:
        assert store.check().ok
        assert [found.id for found in store.artifacts(client.id)] == [artifact.id]
