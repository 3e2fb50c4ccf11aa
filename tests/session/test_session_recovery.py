"""Work in progress survives the app being gone: resuming the session offers it back."""

import pytest

from expressive.portfolio import KdfParams, Portfolio
from expressive.session import AUTOSAVE
from session_fakes import GUIDED_PLAN, OPEN_PLAN, FakeClock, FakeView, NotesActivity, new_controller, notes_session, registry_with


@pytest.fixture
def interrupted(store, client):
    """A session with one note saved and another kept by autosave, then the app was gone."""
    clock = FakeClock()
    controller = notes_session(store, client, clock, plan=GUIDED_PLAN)
    controller.activity.write("first")
    controller.done()
    controller.start_activity("notes", place=lambda _widget: None)
    controller.activity.write("half a second note")
    clock.tick()
    return controller.session


def test_resuming_counts_what_was_made_and_opens_the_interrupted_activity(store, client, interrupted):
    controller = new_controller(store, client, registry_with(NotesActivity))
    assert controller.resume(interrupted, [OPEN_PLAN, GUIDED_PLAN]) == ("activity", {"activity_id": "notes"})
    assert controller.plan is GUIDED_PLAN
    assert [artifact.activity for artifact in controller.made] == ["notes"]
    assert controller.upcoming().kind == "choice", "the planned step was done before"


def test_resuming_a_session_of_a_plan_that_is_gone_goes_on_as_an_open_one(store, client, interrupted):
    controller = new_controller(store, client, registry_with(NotesActivity))
    controller.resume(interrupted, [OPEN_PLAN])
    assert controller.plan.id == "open"


def test_resuming_without_kept_work_goes_to_the_launcher(store, client):
    controller = new_controller(store, client, registry_with(NotesActivity))
    controller.begin(OPEN_PLAN, "", 3)
    again = new_controller(store, client, registry_with(NotesActivity))
    assert again.resume(controller.session, [OPEN_PLAN]) == ("launcher", {})


def test_going_on_with_the_interrupted_work_restores_it(store, client, interrupted):
    controller = new_controller(store, client, registry_with(NotesActivity))
    controller.resume(interrupted, [GUIDED_PLAN])
    controller.start_activity("notes", place=lambda _widget: None)
    kept = controller.interrupted_work()
    assert kept == b"half a second note"
    controller.go_on_with(kept)
    assert controller.activity.words == "half a second note"
    controller.done()
    assert len(store.artifacts(client.id, interrupted.id)) == 2
    assert store.read_draft(client.id, interrupted.id, "notes", AUTOSAVE) is None


def test_keeping_the_interrupted_work_saves_it_and_starts_anew(store, client, interrupted):
    controller = new_controller(store, client, registry_with(NotesActivity))
    controller.resume(interrupted, [GUIDED_PLAN])
    controller.start_activity("notes", place=lambda _widget: None)
    controller.keep_and_start_anew(controller.interrupted_work())
    assert controller.activity.words == ""
    earlier = store.artifacts(client.id, interrupted.id)
    assert len(earlier) == 2 and controller.made == earlier
    assert store.read_file(earlier[-1], "note.txt") == b"half a second note"
    assert store.read_draft(client.id, interrupted.id, "notes", AUTOSAVE) is None


def test_interrupted_work_that_cannot_be_saved_stays_kept_and_is_offered_again(store, client, interrupted, monkeypatch):
    from expressive.portfolio import PortfolioError

    view = FakeView()
    controller = new_controller(store, client, registry_with(NotesActivity), view=view)
    controller.resume(interrupted, [GUIDED_PLAN])
    controller.start_activity("notes", place=lambda _widget: None)

    def device_full(*_args, **_kwargs):
        raise PortfolioError("The device is full.")

    monkeypatch.setattr(store, "save_artifact", device_full)
    controller.keep_and_start_anew(controller.interrupted_work())
    assert view.messages == [
        ("Not saved yet", "The device is full.\nThe earlier work is kept; it is offered again next time.")
    ]
    assert store.read_draft(client.id, interrupted.id, "notes", AUTOSAVE) == b"half a second note"
    assert len(controller.made) == 1


def test_an_activitys_drafts_are_kept_by_the_host_encrypted(tmp_path):
    root = tmp_path / "protected"
    Portfolio.protect(root, "246810", kdf=KdfParams(time_cost=1, memory_cost=8192, parallelism=1))
    with Portfolio.open(root, passphrase="246810") as store:
        client = store.add_client("Uma")
        controller = new_controller(store, client, registry_with(NotesActivity))
        controller.begin(OPEN_PLAN, "", 3)
        controller.start_activity("notes", place=lambda _widget: None)
        controller.activity.host.drafts.write("work.txt", b"half-finished secret words")
        assert store.read_draft(client.id, controller.session.id, "notes", "work.txt") == b"half-finished secret words"
        on_disk = b"".join(path.read_bytes() for path in store.root.rglob("*") if path.is_file())
        assert b"half-finished secret words" not in on_disk
