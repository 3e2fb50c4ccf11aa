"""A session from check-in to the therapist's note, driven without a window."""

import subprocess
import sys

from babel.dates import format_date as babel_format_date

from expressive.activity import Therapist
from expressive.media import MediaServices
from expressive.portfolio import PortfolioError
from expressive.session import AUTOSAVE, AUTOSAVE_SECONDS, ClientLibrary, picture_of
from sample_work import drawing_draft
from session_fakes import (
    GUIDED_PLAN,
    OPEN_PLAN,
    BuildBreaks,
    FakeClock,
    FakeView,
    NotesActivity,
    SnapshotBreaks,
    new_controller,
    notes_session,
    registry_with,
)


def test_the_session_package_imports_no_kivy():
    code = "import sys, expressive.session; print(sorted(name for name in sys.modules if name.startswith('kivy')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_beginning_keeps_the_session_and_remembers_the_tools_chosen(store, client):
    controller = new_controller(store, client, registry_with(NotesActivity))
    first = controller.begin(OPEN_PLAN, "Say one kind thing", 2, complexity="simple")
    assert first == ("launcher", {})
    assert controller.client.settings == {"complexity": "simple"}
    assert store.client(client.id).settings == {"complexity": "simple"}
    (kept,) = store.sessions(client.id)
    assert kept.id == controller.session.id
    assert (kept.plan_id, kept.goal, kept.feeling_in) == ("open", "Say one kind thing", 2)
    assert controller.made == [] and controller.next_activity() is None and controller.next_prompt() == ""


def test_a_guided_plan_opens_its_activity_and_walks_its_steps(store, client):
    clock, view = FakeClock(), FakeView()
    controller = new_controller(store, client, registry_with(NotesActivity), clock, view)
    assert controller.begin(GUIDED_PLAN, "", 3) == ("activity", {"activity_id": "notes"})
    assert controller.next_prompt() == "Write about your week"
    assert controller.start_activity("notes", place=lambda _widget: None)
    assert controller.prompt == "Write about your week" and controller.title == "Notes"
    controller.activity.write("calm")
    controller.done()
    assert controller.upcoming().kind == "choice" and controller.next_activity() is None
    assert controller.plan.checkout_prompts == ("What does it say?",)
    controller.start_activity("notes", place=lambda _widget: None)
    assert controller.prompt == "", "a free choice has no prompt"
    controller.done()
    assert controller.upcoming() is None


def test_a_plan_naming_an_activity_that_is_not_there_starts_at_the_launcher(store, client):
    controller = new_controller(store, client, registry_with())
    assert controller.begin(GUIDED_PLAN, "", 3) == ("launcher", {})
    assert controller.next_activity() is None and controller.next_prompt() == ""


def test_an_activity_gets_its_host_and_its_widget_is_placed(store, client):
    therapist, media = Therapist(present=True), MediaServices(sound="silent", midi="fake")
    clock = FakeClock()
    controller = new_controller(store, client, registry_with(NotesActivity), clock, therapist=therapist, media=media)
    controller.begin(GUIDED_PLAN, "", 3, complexity="full")
    placed = []
    assert controller.start_activity("notes", place=placed.append)
    activity = controller.activity
    assert placed == [activity.widget]
    host = activity.host
    assert host.prompt == "Write about your week" and host.complexity == "full"
    assert host.media is media and host.therapist_present
    assert host.pictures.available() == [] and host.songs.available() == []
    # The therapist's own files sit beside the portfolio, never inside it.
    assert host.therapist_folder == store.root.parent / "therapist-files" / "notes"
    host.drafts.write("half.txt", b"half")
    assert store.read_draft(client.id, controller.session.id, "notes", "half.txt") == b"half"
    assert [repeating.seconds for repeating in clock.running] == [AUTOSAVE_SECONDS]


def test_autosave_keeps_the_work_only_when_it_changed(store, client, monkeypatch):
    clock = FakeClock()
    controller = notes_session(store, client, clock)
    writes = []
    original = store.write_draft
    monkeypatch.setattr(store, "write_draft", lambda *args: writes.append(args) or original(*args))
    clock.tick()
    assert writes == [], "nothing made yet, nothing kept"
    controller.activity.write("a tree")
    clock.tick()
    clock.tick()
    assert len(writes) == 1
    controller.activity.write(" and a house")
    clock.tick()
    assert len(writes) == 2
    assert store.read_draft(client.id, controller.session.id, "notes", AUTOSAVE) == b"a tree and a house"


def test_done_saves_the_work_clears_the_kept_draft_and_goes_back_to_the_launcher(store, client):
    clock, view = FakeClock(), FakeView()
    controller = new_controller(store, client, registry_with(NotesActivity), clock, view)
    controller.begin(OPEN_PLAN, "", 3)
    controller.start_activity("notes", place=lambda _widget: None)
    controller.activity.write("a boat")
    clock.tick()
    controller.done()
    (saved,) = store.artifacts(client.id, controller.session.id)
    assert store.read_file(saved, "note.txt") == b"a boat"
    assert controller.made == [saved]
    assert store.read_draft(client.id, controller.session.id, "notes", AUTOSAVE) is None
    assert controller.activity is None and clock.running == []
    assert view.closed == [False] and view.screen == "launcher" and view.messages == []


def test_done_without_work_saves_nothing(store, client):
    view = FakeView()
    controller = notes_session(store, client, view=view)
    controller.done()
    assert store.artifacts(client.id) == [] and view.screen == "launcher"


def test_a_failed_save_keeps_the_work_says_so_and_done_again_saves_it_once(store, client, monkeypatch):
    view = FakeView()
    controller = notes_session(store, client, view=view)
    controller.activity.write("a kite")

    def device_full(*_args, **_kwargs):
        raise PortfolioError("The device is full, so this was not saved. Free some space and try again.")

    with monkeypatch.context() as patched:
        patched.setattr(store, "save_artifact", device_full)
        controller.done()
    ((title, message),) = view.messages
    assert title == "Not saved yet" and "device is full" in message and "Your work is still here." in message
    assert controller.activity is not None and controller.activity.words == "a kite"
    assert view.screens == [] and view.closed == []
    controller.done()
    assert len(store.artifacts(client.id)) == 1 and view.screen == "launcher"


def test_an_unexpected_failure_while_saving_is_told_in_plain_words(store, client, monkeypatch):
    view = FakeView()
    controller = notes_session(store, client, view=view)
    controller.activity.write("a kite")
    monkeypatch.setattr(store, "save_artifact", lambda *_args: 1 / 0)
    controller.done()
    assert view.messages == [("Not saved yet", "Something went wrong while saving.\nYour work is still here.")]
    assert controller.activity is not None


def test_an_activity_failing_is_closed_marked_unavailable_and_its_kept_work_stays(store, client):
    clock, view = FakeClock(), FakeView()
    registry = registry_with(NotesActivity, SnapshotBreaks)
    controller = new_controller(store, client, registry, clock, view)
    controller.begin(OPEN_PLAN, "", 3)
    controller.start_activity("notes", place=lambda _widget: None)
    controller.activity.write("kept words")
    clock.tick()
    controller.done()
    controller.start_activity("brittle", place=lambda _widget: None)
    controller.activity.write("anything")
    clock.tick()
    assert controller.activity is None and clock.running == []
    assert "brittle" not in registry.activities
    (broken,) = registry.unavailable
    assert broken.name == "brittle" and "could not keep its work: ZeroDivisionError" in broken.reason
    assert view.closed == [False, True] and view.screen == "launcher"
    ((title, message),) = view.messages
    assert title == "Brittle stopped working" and "Everything saved so far is safe" in message
    assert [artifact.activity for artifact in store.artifacts(client.id)] == ["notes"]


def test_a_failing_activity_rests_before_it_is_let_go_so_its_devices_close(store, client):
    clock, view = FakeClock(), FakeView()
    controller = new_controller(store, client, registry_with(NotesActivity, SnapshotBreaks), clock, view)
    controller.begin(OPEN_PLAN, "", 3)
    controller.start_activity("brittle", place=lambda _widget: None)
    failing = controller.activity
    failing.write("anything")
    clock.tick()
    assert controller.activity is None and failing.paused


def test_a_failing_activity_that_cannot_rest_is_still_closed(store, client, monkeypatch):
    clock, view = FakeClock(), FakeView()
    controller = new_controller(store, client, registry_with(NotesActivity, SnapshotBreaks), clock, view)
    controller.begin(OPEN_PLAN, "", 3)
    controller.start_activity("brittle", place=lambda _widget: None)
    monkeypatch.setattr(controller.activity, "pause", lambda: 1 / 0)
    controller.activity.write("anything")
    clock.tick()
    assert controller.activity is None and view.closed == [True] and view.screen == "launcher"


def test_an_activity_that_cannot_start_is_closed_and_the_session_goes_on(store, client):
    clock, view = FakeClock(), FakeView()
    registry = registry_with(NotesActivity, BuildBreaks)
    controller = new_controller(store, client, registry, clock, view)
    controller.begin(OPEN_PLAN, "", 3)
    assert not controller.start_activity("broken", place=lambda _widget: None)
    assert "could not start: RuntimeError: kaboom" in registry.unavailable[0].reason
    assert view.screen == "launcher" and clock.running == []
    assert controller.start_activity("notes", place=lambda _widget: None)


def test_pausing_keeps_the_work_and_closing_stops_the_clock(store, client):
    clock = FakeClock()
    controller = notes_session(store, client, clock)
    controller.activity.write("before the phone rang")
    controller.pause()
    assert controller.activity.paused
    assert store.read_draft(client.id, controller.session.id, "notes", AUTOSAVE) == b"before the phone rang"
    controller.activity.write("!")
    controller.keep_work_before_closing()
    assert store.read_draft(client.id, controller.session.id, "notes", AUTOSAVE) == b"before the phone rang!"
    assert clock.running == []


def test_check_out_and_the_therapists_note_are_saved(store, client):
    view = FakeView()
    controller = new_controller(store, client, registry_with(NotesActivity), view=view)
    controller.begin(OPEN_PLAN, "Name one worry", 2)
    controller.start_activity("notes", place=lambda _widget: None)
    controller.activity.write("the test at school")
    controller.done()
    (made,) = controller.made
    assert controller.check_out([(made, "  My worry ", " It is smaller now. ")], feeling_out=4)
    assert controller.finish(note=" Named it quickly. ", goal_met="met", homework=" Draw it again ")
    (artifact,) = store.artifacts(client.id)
    assert (artifact.title, artifact.about) == ("My worry", "It is smaller now.")
    session = store.session(client.id, controller.session.id)
    assert session.feeling_out == 4 and session.ended is not None
    assert session.goal_met is True and session.homework.task == "Draw it again"
    assert store.therapist_note(client.id, session.id) == "Named it quickly."
    assert view.messages == []


def test_check_out_keeps_what_was_said_for_when_it_is_shown_again(store, client, monkeypatch):
    controller = notes_session(store, client)
    controller.activity.write("a wave")
    controller.done()
    assert controller.feeling_out is None
    assert controller.check_out([(controller.made[0], "Big wave", "It is loud")], feeling_out=2)
    (made,) = controller.made
    assert (made.title, made.about) == ("Big wave", "It is loud") and controller.feeling_out == 2

    writes = []
    original = store.set_reflection
    monkeypatch.setattr(store, "set_reflection", lambda *args, **words: writes.append(words) or original(*args, **words))
    assert controller.check_out([(made, "Big wave", "It is loud")], feeling_out=2)
    assert writes == [], "words that did not change are not written again"
    assert controller.check_out([(made, "", "It is loud")], feeling_out=2)
    assert writes == [{"title": "", "about": "It is loud"}], "a title taken away is taken away"
    assert controller.made[0].title == ""


def test_nothing_said_at_the_note_leaves_it_all_unset(store, client):
    controller = new_controller(store, client, registry_with(NotesActivity))
    controller.begin(OPEN_PLAN, "", 3)
    assert controller.check_out([], feeling_out=None)
    assert controller.finish(note="", goal_met="met", homework="")
    session = store.session(client.id, controller.session.id)
    assert session.ended is not None and session.goal_met is None and session.homework is None
    assert store.therapist_note(client.id, session.id) == ""


def test_a_check_out_that_cannot_be_saved_says_so(store, client, monkeypatch):
    view = FakeView()
    controller = notes_session(store, client, view=view)
    controller.activity.write("words")
    controller.done()

    def refused(*_args, **_kwargs):
        raise PortfolioError("The portfolio is read-only.")

    monkeypatch.setattr(store, "set_reflection", refused)
    assert not controller.check_out([(controller.made[0], "A title", "")], feeling_out=3)
    monkeypatch.setattr(store, "finish_session", refused)
    assert not controller.finish(note="", goal_met="", homework="")
    assert view.messages == [("Not saved yet", "The portfolio is read-only.")] * 2


def test_a_picture_without_a_title_is_offered_by_its_date_in_the_languages_own_form(store, client):
    earlier = store.start_session(client.id, plan_id="open")
    saved = store.save_artifact(client.id, earlier.id, "drawing", drawing_draft())
    (item,) = ClientLibrary(store, client.id, picture_of).available()
    assert item.title == babel_format_date(saved.created.astimezone(), format="medium", locale="en")
