"""A damaged portfolio: records edited by hand, copied from elsewhere or written by another
program. Each hostile record is named by `check` as damaged, the rest of the portfolio
opens as before, and nothing reaches a traceback (a number too large for the index, a
date with no UTC time, words long enough to stall every screen that shows them)."""

import json

import pytest
from security_helpers import fill, open_store

from expressive import cli
from expressive.limits import MAX_NAME_CHARS, MAX_WORDS_CHARS
from expressive.portfolio.layout import edit_files

WORDS = {
    "name": "Robin", "client_notes": "", "goal": "calm", "title": "House", "reflection": "my house",
    "story": "Once", "note": "ok",
}
YEAR_ONE_EAST = "0001-01-01T00:00:00+14:00"  # before year 1 in UTC: no datetime holds it

# (which record, the fields written into it by hand, words `check` must say)
HAND_EDITS = [
    ("session", {"feeling_in": 10**30}, "feeling_in"),
    ("session", {"feeling_out": -7}, "feeling_out"),
    ("client", {"year_of_birth": 10**30}, "year_of_birth"),
    ("client", {"created": YEAR_ONE_EAST}, "created"),
    ("session", {"started": "9999-12-31T23:59:59-14:00"}, "started"),
    ("client", {"name": "N" * 1_000_000}, f"the most Expressive keeps is {MAX_NAME_CHARS}"),
    ("session", {"goal": "g" * 100_000}, "the most Expressive keeps is 500"),
    ("artifact", {"title": ["a", "list"]}, "title"),
    ("artifact", {"reflection": {"about": "a" * (MAX_WORDS_CHARS + 1)}}, "about"),
    ("artifact", {"marks": [{"t": 10**400, "note": "x", "created": "2024-01-01T00:00:00+00:00"}]}, "mark is invalid"),
    ("artifact", {"marks": [{"t": 1, "note": "x" * 1_000_000, "created": "2024-01-01T00:00:00+00:00"}]}, "mark is invalid"),
    ("artifact", {"reflection": {"about": "", "noticings": [{"at": YEAR_ONE_EAST, "text": "x"}]}}, "noticing is invalid"),
]


def _record_path(store, client, session, artifact, which):
    layout = store._disk.layout
    key = {"client": (client.id, "", ""), "session": (client.id, session.id, ""), "artifact": (client.id, session.id, artifact.id)}
    return layout.record_file(key[which])


def _hand_edit_later_changes(store, path, fields):
    """A field changed after the record was made is read from this tablet's edits of it, so
    the hand edit is written there too: otherwise the record never reads what was written."""
    for edits_path in edit_files(path).values():
        edits = json.loads(store.read_stored(edits_path))
        for entry in edits["entries"]:
            for change in entry.get("set", []):
                value = fields
                for key in change[0]:
                    value = value.get(key, {}) if isinstance(value, dict) else {}
                if value != {}:
                    change[1] = value
        store._disk.write_bytes(edits_path, json.dumps(edits).encode("utf-8"))


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
@pytest.mark.parametrize("which, fields, named", HAND_EDITS, ids=lambda value: str(value)[:24])
def test_a_hostile_record_is_damage_named_by_check_and_everything_else_opens(portfolio_dir, capsys, encrypted, which, fields, named):
    with open_store(portfolio_dir, encrypted) as store:
        client, session, (drawing, story) = fill(store, WORDS)
        other = store.start_session(client.id, plan_id="free", goal="the other session")
        path = _record_path(store, client, session, drawing, which)
        document = json.loads(store.read_stored(path))
        # Written as another program holding the key would: whole, encrypted when the portfolio is.
        store._disk.write_bytes(path, json.dumps({**document, **fields}).encode("utf-8"))
        _hand_edit_later_changes(store, path, fields)

    with open_store(portfolio_dir, encrypted) as store:
        store.rebuild_index()
        report = store.check()
        assert [problem.path.name for problem in report.problems] == [path.name]
        assert named in report.problems[0].message
        assert len(report.problems[0].message) < 300
        assert store.session(client.id, other.id).goal == "the other session"
        if which == "artifact":
            assert store.artifact(client.id, session.id, drawing.id).damaged
            assert not store.artifact(client.id, session.id, story.id).damaged
        elif which == "session":
            assert store.session(client.id, session.id).damaged
            assert {artifact.id for artifact in store.artifacts(client.id, session.id)} == {drawing.id, story.id}
        else:
            assert store.client(client.id).damaged
            assert len(store.sessions(client.id)) == 2
        store.progress(client.id)
        store.gallery(client.id)

    options = ["--portfolio", str(portfolio_dir)]
    if encrypted:
        (portfolio_dir.parent / "passphrase").write_text("correct horse battery")
        options += ["--passphrase-file", str(portfolio_dir.parent / "passphrase")]
    assert cli.main(["clients", *options]) == 0
    assert cli.main(["check", *options]) == 1
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
