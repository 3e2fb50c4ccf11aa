"""Records that change are kept as per-device edits: no two devices ever write the same
file, and two tablets that exchange their files read the same records. Two "tablets" are
two copies of one portfolio folder (a copy mints its own device id); exchanging the files
is what a sync engine does."""

import json
import shutil

import pytest
from portfolio_helpers import close_as_if_killed, drawing_draft, read_plain, write_plain
from sample_work import exchange_edits

from expressive.portfolio import PortfolioError
from expressive.portfolio.conflicts import survey
from expressive.portfolio.device import device_id
from expressive.portfolio.edits import MAX_EDIT_FILES, MAX_ENTRIES


@pytest.fixture
def work(store, client, session):
    return store.save_artifact(client.id, session.id, "drawing", drawing_draft(title="My house"))


def _edits(folder):
    return sorted(path.name for path in (folder / "edits").iterdir())


def test_a_change_writes_only_this_devices_edits_file(store, client, session, work, portfolio_dir, open_portfolio):
    manifest = (work.path / "manifest.json").read_bytes()
    store.set_reflection(work, title="Home", about="where I feel safe")
    store.set_tags(work, ["calm"])
    store.finish_session(client.id, session.id, feeling_out=4, ended=None)
    store.set_client_settings(client.id, {"complexity": "simple"})
    device = device_id(portfolio_dir)
    assert (work.path / "manifest.json").read_bytes() == manifest
    assert _edits(work.path) == [f"{device}.json"]
    session_folder = work.path.parent.parent
    assert _edits(session_folder) == [f"{device}.json"] and _edits(session_folder.parent.parent) == [f"{device}.json"]
    edited = store.artifact(client.id, session.id, work.id)
    assert (edited.title, edited.about, edited.tags) == ("Home", "where I feel safe", ("calm",))
    store.rebuild_index()
    assert store.artifact(client.id, session.id, work.id) == edited
    assert store.session(client.id, session.id).feeling_out == 4
    assert store.client(client.id).settings == {"complexity": "simple"}
    assert store.check().ok


def test_two_tablets_that_exchange_their_files_read_the_same(store, client, session, work, portfolio_dir, open_portfolio, tmp_path):
    store.close()
    other_dir = tmp_path / "other-tablet"
    shutil.copytree(portfolio_dir, other_dir)
    with open_portfolio() as first, open_portfolio(other_dir) as second:
        assert device_id(portfolio_dir) != device_id(other_dir)
        for tablet, tag, words, setting in (
                (first, "calm", "The door is open", {"complexity": "simple"}),
                (second, "sea", "It is loud", {"large_text": True})):
            mine = tablet.artifact(client.id, session.id, work.id)
            tablet.set_tags(mine, [*mine.tags, tag])
            tablet.add_noticing(tablet.artifact(client.id, session.id, work.id), words)
            tablet.set_homework(client.id, session.id, f"Draw the {tag}")
            tablet.set_client_settings(client.id, setting)
        first.set_goal_met(client.id, session.id, True)
    exchange_edits(portfolio_dir, other_dir)
    seen = []
    for root in (portfolio_dir, other_dir):
        with open_portfolio(root) as tablet:
            artifact = tablet.artifact(client.id, session.id, work.id)
            assert artifact.tags == ("calm", "sea")
            assert sorted(noticing.text for noticing in artifact.noticings) == ["It is loud", "The door is open"]
            assert tablet.client(client.id).settings == {"complexity": "simple", "large_text": True}
            met = tablet.session(client.id, session.id)
            assert met.goal_met is True and met.homework.task == "Draw the sea"  # the later
            assert [(conflict.what, conflict.edit.path) for conflict in tablet.edit_conflicts(client.id)] == [
                ("session", ("homework", "task"))]
            seen.append((artifact.tags, artifact.noticings, met, tablet.client(client.id)))
            assert tablet.check().ok
    assert seen[0] == seen[1]


def test_words_written_on_two_tablets_at_once_are_both_kept_until_one_is_chosen(
        store, client, session, work, portfolio_dir, open_portfolio, tmp_path):
    store.close()
    other_dir = tmp_path / "other-tablet"
    shutil.copytree(portfolio_dir, other_dir)
    with open_portfolio() as first, open_portfolio(other_dir) as second:
        first.set_reflection(first.artifact(client.id, session.id, work.id), title="Home", about="safe")
        second.set_reflection(second.artifact(client.id, session.id, work.id), title="My castle", about="safe")
        first.set_therapist_note(client.id, session.id, "Calmer today")
        second.set_therapist_note(client.id, session.id, "Talked about school")
    assert survey(portfolio_dir).edited_on_several_devices == frozenset()
    exchange_edits(portfolio_dir, other_dir)
    with open_portfolio() as tablet:
        assert tablet.artifact(client.id, session.id, work.id).title == "My castle"  # written later
        assert tablet.therapist_note(client.id, session.id) == "Talked about school"
        conflicts = tablet.edit_conflicts(client.id)
        assert [(conflict.what, conflict.edit.path) for conflict in conflicts] == [
            ("artifact", ("title",)), ("note", ("text",))]
        title, note = conflicts
        # One walk of the folder names the client edited on both tablets; nothing else is read.
        assert survey(portfolio_dir).edited_on_several_devices == {client.id}
        assert tablet.waiting_choices() == ([], conflicts)
        assert [tablet.describe_word_conflict(conflict) for conflict in conflicts] == [
            "The title of a piece of work", "Your note on a session"]
        assert sorted(tablet.edit_version_label(version) for version in (title.edit.shown, *title.edit.others)) == [
            f"Written on device {device_id(other_dir)}", "Written on this tablet"]
        report = tablet.check()
        assert report.ok and sorted(line.split(": ", 1)[1].split(" was ")[0] for line in report.notes) == [
            "'text'", "'title'"]
        assert note.key == (client.id, session.id, "") and title.key == (client.id, session.id, work.id)
        assert tablet.edit_conflicts(client.id, (client.id, session.id, "")) == [note]
        assert [other.value for other in title.edit.others] == ["Home"]
        assert [other.value for other in note.edit.others] == ["Calmer today"]
        tablet.choose_edit(title, title.edit.others[0])
        tablet.choose_edit(note, note.edit.shown)
        assert tablet.edit_conflicts(client.id) == []
        assert tablet.artifact(client.id, session.id, work.id).title == "Home"
        assert tablet.therapist_note(client.id, session.id) == "Talked about school"
    exchange_edits(portfolio_dir, other_dir)
    with open_portfolio(other_dir) as tablet:
        assert tablet.edit_conflicts(client.id) == []
        assert tablet.artifact(client.id, session.id, work.id).title == "Home"


def test_an_edits_file_arriving_while_closed_is_read_at_the_next_open(
        store, client, session, work, portfolio_dir, open_portfolio, tmp_path):
    store.close()
    other_dir = tmp_path / "other-tablet"
    shutil.copytree(portfolio_dir, other_dir)
    with open_portfolio(other_dir) as second:
        second.set_star(second.artifact(client.id, session.id, work.id), True)
    with open_portfolio() as first:
        assert first.artifact(client.id, session.id, work.id).starred is False
        close_as_if_killed(first)
    exchange_edits(portfolio_dir, other_dir)
    with open_portfolio() as first:
        assert first.artifact(client.id, session.id, work.id).starred is True
        assert first.gallery(client.id, starred=True)[0].id == work.id


def test_check_names_a_damaged_edits_file_and_the_record_still_shows(store, client, session, work, portfolio_dir):
    store.set_reflection(work, title="Home", about="")
    foreign = work.path / "edits" / "d-zzzzzzzz.json"
    shutil.copy2(work.path / "edits" / f"{device_id(portfolio_dir)}.json", foreign)  # named for another device
    report = store.check()
    [problem] = report.problems
    assert problem.path == foreign.relative_to(portfolio_dir)
    assert "d-zzzzzzzz.json" in problem.message
    assert store.artifact(client.id, session.id, work.id).title == "Home"


def test_this_devices_damaged_edits_file_is_never_written_over(store, client, session, work, portfolio_dir):
    store.set_reflection(work, title="Home", about="")
    own = work.path / "edits" / f"{device_id(portfolio_dir)}.json"
    write_plain(store, own, b"{ damaged")
    with pytest.raises(PortfolioError, match="expressive check"):
        store.set_reflection(work, title="Again", about="")
    assert read_plain(store, own) == b"{ damaged"
    assert [problem.path.name for problem in store.check().problems] == [own.name]


def test_words_set_again_and_again_keep_the_edits_file_small(store, client, session, work, portfolio_dir):
    for number in range(30):
        store.set_reflection(store.artifact(client.id, session.id, work.id), title=f"Title {number}", about="")
    own = work.path / "edits" / f"{device_id(portfolio_dir)}.json"
    entries = json.loads(read_plain(store, own))["entries"]
    assert len(entries) == 1 and entries[0]["n"] == 30
    assert MAX_ENTRIES > 1000


def test_a_cleared_note_on_a_piece_of_work_reads_as_none(store, client, session, work):
    store.set_artifact_note(work, "Worried about the black")
    store.set_artifact_note(work, "   ")
    assert store.artifact_note(work) == ""
    assert store.check().ok


def test_clearing_a_note_an_older_version_wrote_takes_its_file_away(store, client, session, work, portfolio_dir):
    older = work.path.parents[3] / "private" / f"notes-{session.id}-{work.id}.json"
    write_plain(store, older, json.dumps({
        "format": "expressive-therapist-note", "version": 1, "client_id": client.id, "session_id": session.id,
        "artifact_id": work.id, "text": "Worried about home", "updated": "2026-03-02T09:30:00+00:00"}).encode())
    assert store.artifact_note(work) == "Worried about home"
    store.set_artifact_note(work, "")
    assert store.artifact_note(work) == "" and not older.exists()
    assert store.check().ok


def test_the_edits_of_more_devices_than_any_clinic_has_are_left_out_and_named(store, client, session, work, portfolio_dir):
    store.set_star(work, True)
    own = work.path / "edits" / f"{device_id(portfolio_dir)}.json"
    for number in range(MAX_EDIT_FILES + 2):
        shutil.copy2(own, own.with_name(f"d-{number:08d}.json"))
    problems = store.check().problems
    assert len(problems) == MAX_EDIT_FILES + 2
    assert sum("more than 64 devices" in problem.message for problem in problems) >= 2
    assert store.artifact(client.id, session.id, work.id).starred
