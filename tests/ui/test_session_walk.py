"""The real app in a virtual display, driven by touches the way a therapist and client use it."""

from io import BytesIO

from PIL import Image

from expressive.activity import API_VERSION, Activity, ActivityInfo
from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, drag, tap, type_into
from sample_work import drawing_draft
from tests_support import (
    PIN,
    open_drawing,
    open_popup_texts,
    screen,
    submit_secret,
    tap_popup_button,
)


def test_first_start_shows_a_friendly_empty_state(app):
    clients = screen(app, "clients")
    assert app.root.current == "clients"
    assert clients.empty
    assert clients.ids.empty_state.opacity == 1
    assert clients.ids.add_first.text == "Add your first client"


def test_a_whole_session_from_adding_a_client_to_the_portfolio(app, window):
    store = app.store
    tap(screen(app, "clients").ids.add_first)
    assert app.root.current == "add_client"
    form = screen(app, "add_client")
    type_into(form.ids.name, "Sam")
    type_into(form.ids.year, "2018")
    tap(form.ids.save)
    assert app.root.current == "portfolio"
    (client,) = store.clients()
    assert (client.name, client.year_of_birth) == ("Sam", 2018)

    tap(screen(app, "portfolio").ids.start)
    checkin = screen(app, "session")
    assert app.root.current == "session"
    assert checkin.ids.start.disabled, "a feeling is asked for before the session starts"
    type_into(checkin.ids.goal, "Draw something calm")
    happy = next(face for face in checkin.ids.feelings.children if face.value == 4)
    tap(happy)
    tap(checkin.ids.start)
    assert app.root.current == "launcher"

    launcher = screen(app, "launcher")
    drawing_tile = next(tile for tile in launcher.ids.tiles.children if tile.activity_id == "drawing")
    tap(drawing_tile)
    assert app.root.current == "activity"
    activity_screen = screen(app, "activity")
    area = activity_screen.ids.area
    paper = area.children[0].paper
    # A horizontal stroke across the middle of the paper, in window coordinates.
    x0, y0 = paper.to_window(*paper.center)
    drag([(x0 - 150 + i * 10, y0) for i in range(31)])
    tap(activity_screen.ids.done)
    assert app.root.current == "launcher"
    assert len(app.running.made) == 1

    tap(launcher.ids.finish)
    checkout = screen(app, "checkout")
    very_happy = next(face for face in checkout.ids.feelings.children if face.value == 5)
    tap(very_happy)
    (reflection,) = checkout.ids.reflections.children
    type_into(reflection.ids.title, "Calm line")
    type_into(reflection.ids.about, "The sea when it is flat")
    tap(checkout.ids.next)
    assert app.root.current == "handback", "the client hands the tablet back before the note"
    submit_secret(screen(app, "handback").ids.entry, PIN)
    assert app.root.current == "note"
    type_into(screen(app, "note").ids.note, "Relaxed shoulders while drawing.")
    tap(screen(app, "note").ids.finish)
    assert app.root.current == "portfolio"

    # What the portfolio now holds, read back from disk by a fresh store.
    with Portfolio.open(store.root, passphrase=PIN) as reopened:
        (session,) = reopened.sessions(client.id)
        assert (session.goal, session.feeling_in, session.feeling_out) == ("Draw something calm", 4, 5)
        assert session.ended is not None
        assert reopened.therapist_note(client.id, session.id) == "Relaxed shoulders while drawing."
        (artifact,) = reopened.artifacts(client.id, session.id)
        assert (artifact.kind, artifact.title, artifact.about) == ("drawing", "Calm line", "The sea when it is flat")
        assert reopened.verify_artifact(artifact) == []
        assert reopened.check().ok
        picture = Image.open(BytesIO(reopened.read_file(artifact, artifact.product))).convert("RGB")
    # The stroke went through the middle of the paper: its pixels are ink, its surroundings paper.
    width, height = picture.size
    middle = picture.getpixel((width // 2, height // 2))
    above = picture.getpixel((width // 2, height // 4))
    assert middle != (255, 255, 255)
    assert above == (255, 255, 255)

    # The portfolio screen shows the session with its thumbnail; tapping it shows the work large.
    advance_frames(2)
    rows = screen(app, "portfolio").ids.rows.shown_views()
    assert len(rows) == 1
    (thumbnail,) = rows[0].thumbnails()
    assert not thumbnail.damaged and thumbnail.label.split("\n")[0] == "Calm line"
    tap(thumbnail)
    assert app.root.current == "artifact"
    shown = screen(app, "artifact")
    assert shown.title == "Calm line" and shown.about == "The sea when it is flat"
    # A drawing is shown in its replay, opened on the finished picture.
    assert shown.problem == "" and shown.viewer.picture is not None
    assert shown.viewer.position == shown.viewer.duration > 0


def test_tapping_a_client_in_the_list_opens_their_portfolio(app):
    store = app.store
    for name in ("Ari", "Bea"):
        store.add_client(name)
    app.go("clients")
    clients_screen = screen(app, "clients")
    assert not clients_screen.empty
    card = next(card for card in clients_screen.ids.grid.children if card.name == "Bea")
    tap(card)
    assert app.root.current == "portfolio"
    assert app.client.name == "Bea"
    assert screen(app, "portfolio").empty


def test_the_add_client_form_explains_what_is_wrong(app):
    app.go("add_client")
    form = screen(app, "add_client")
    tap(form.ids.save)
    assert "type a name" in form.error
    type_into(form.ids.name, "Cy")
    type_into(form.ids.year, "1850")
    tap(form.ids.save)
    assert "1850" in form.error or "1900" in form.error
    assert app.root.current == "add_client" and app.store.clients() == []


def test_check_out_has_a_way_back_to_making_more(app):
    app.open_client(app.store.add_client("Dee"))
    app.begin_session(app.plans[0], "", 3)
    app.go("checkout")
    tap(screen(app, "checkout").ids.back)
    assert app.root.current == "launcher"


def test_a_guided_plan_opens_its_activity_with_the_prompt(app):
    client = app.store.add_client("Ari")
    app.open_client(client)
    app.go("session")
    checkin = screen(app, "session")
    guided = next(card for card in checkin.ids.plans.children if card.plan.id == "safe-place")
    tap(guided)
    tap(checkin.ids.feelings.children[2])
    tap(checkin.ids.start)
    assert app.root.current == "activity"
    assert screen(app, "activity").prompt.startswith("Draw a place where you feel safe")
    tap(screen(app, "activity").ids.done)
    assert app.root.current == "launcher", "Done on an empty page saves nothing and goes on"
    assert app.running.made == []
    assert app.running.upcoming() is None


class ExplodingActivity(Activity):
    info = ActivityInfo(id="explodes", title="Explodes", icon="bomb", artifact_kinds=("boom",), api_version=API_VERSION)

    def build(self):
        raise RuntimeError("kaboom")


class FragileActivity(Activity):
    """Builds fine, then fails inside its own touch handling, in the middle of the work."""

    info = ActivityInfo(id="fragile", title="Fragile", icon="vase", artifact_kinds=("pot",), api_version=API_VERSION)

    def build(self):
        from kivy.uix.widget import Widget

        class Breaks(Widget):
            def on_touch_down(self, touch):
                raise ZeroDivisionError("the activity's own bug")

        return Breaks()

    def finish(self):
        return []


def test_an_error_inside_a_running_activity_closes_it_and_the_app_keeps_going(app, window):
    app.registry.activities["fragile"] = FragileActivity
    app.open_client(app.store.add_client("Mo"))
    app.begin_session(app.plans[0], "", 3)
    app.go("activity", activity_id="fragile")
    tap(screen(app, "activity").ids.area)
    assert app.root.current == "launcher"
    assert any("stopped working" in text for text in open_popup_texts(window))
    tap_popup_button(window, "OK")
    assert any(broken.name == "fragile" and "ZeroDivisionError" in broken.reason for broken in app.registry.unavailable)


def test_an_activity_that_crashes_is_closed_and_the_session_goes_on(app, window):
    app.registry.activities["explodes"] = ExplodingActivity
    client = app.store.add_client("Kim")
    app.open_client(client)
    app.begin_session(app.plans[0], "", 3)
    app.go("launcher")
    tile = next(tile for tile in screen(app, "launcher").ids.tiles.children if tile.activity_id == "explodes")
    tap(tile)
    assert app.root.current == "launcher"
    assert any("stopped working" in text for text in open_popup_texts(window))
    tap_popup_button(window, "OK")
    assert open_popup_texts(window) == []
    assert "explodes" not in app.registry.activities
    assert any(broken.name == "explodes" and "kaboom" in broken.reason for broken in app.registry.unavailable)
    unavailable_tile = next(t for t in screen(app, "launcher").ids.tiles.children if t.activity_id == "explodes")
    assert unavailable_tile.reason
    # The session itself is untouched and still usable.
    tap(next(t for t in screen(app, "launcher").ids.tiles.children if t.activity_id == "drawing"))
    assert app.root.current == "activity"


def test_a_damaged_artifact_is_shown_as_damaged_and_the_rest_as_normal(app, window):
    from expressive.activities.drawing.activity import DrawingActivity

    store = app.store
    client = store.add_client("Lee")
    session = store.start_session(client.id, plan_id="open", feeling_in=3)
    draft = DrawingActivity.demo_drafts(0)[0]
    intact = store.save_artifact(client.id, session.id, "drawing", draft)
    damaged = store.save_artifact(client.id, session.id, "drawing", draft)
    store.file_path(damaged, damaged.product).write_bytes(b"not a picture any more")
    app.open_client(client)
    advance_frames(2)
    thumbnails = {thumb.artifact.id: thumb for thumb in screen(app, "portfolio").ids.rows.shown_views()[0].thumbnails()}
    assert not thumbnails[intact.id].damaged
    tap(thumbnails[damaged.id])
    assert "damaged" in screen(app, "artifact").problem
    assert screen(app, "artifact").texture is None
    app.go("artifact", artifact=intact)
    assert screen(app, "artifact").problem == ""


def test_the_client_details_and_a_sessions_note_can_be_read_from_the_portfolio(app, window):
    store = app.store
    client = store.add_client("Noor", year_of_birth=2016, notes="Prefers to start with clay.")
    session = store.start_session(client.id, plan_id="open", feeling_in=2)
    store.set_therapist_note(client.id, session.id, "Talked about the move.")
    app.open_client(client)
    tap(screen(app, "portfolio").ids.about)
    texts = " ".join(open_popup_texts(window))
    assert "Born in 2016" in texts and "Prefers to start with clay." in texts
    tap_popup_button(window, "OK")
    row = screen(app, "portfolio").ids.rows.shown_views()[0]
    note_button = next(widget for widget in row.walk() if getattr(widget, "text", "") == "My note")
    tap(note_button)
    (note,) = [view for view in window.children if hasattr(view, "field")]
    assert note.field.text == "Talked about the move."
    tap_popup_button(window, "Cancel")


def test_a_failed_save_keeps_the_drawing_on_screen_and_done_again_saves_it_once(app, window, monkeypatch):
    from expressive.portfolio import PortfolioError

    client, activity_screen, paper = open_drawing(app, "Jo")
    x0, y0 = paper.to_window(*paper.center)
    drag([(x0 + i * 8, y0 + i * 3) for i in range(20)])

    def device_full(*_args, **_kwargs):
        raise PortfolioError("The device is full, so this was not saved. Free some space and try again.")

    with monkeypatch.context() as patched:
        patched.setattr(app.store, "save_artifact", device_full)
        tap(activity_screen.ids.done)
        assert app.root.current == "activity"
        assert any("device is full" in text and "still here" in text for text in open_popup_texts(window))
        tap_popup_button(window, "OK")
    assert not activity_screen.activity.log.is_empty, "the drawing is still there"
    tap(activity_screen.ids.done)
    assert app.root.current == "launcher"
    assert len(app.store.artifacts(client.id)) == 1


def test_the_tools_chosen_at_check_in_reach_the_drawing_studio_and_are_remembered(app):
    client = app.store.add_client("Vi")
    app.open_client(client)
    app.go("session")
    checkin = screen(app, "session")
    few = next(choice for choice in checkin.ids.levels.children if choice.level == "simple")
    tap(few)
    tap(checkin.ids.feelings.children[0])
    tap(checkin.ids.start)
    tap(next(tile for tile in screen(app, "launcher").ids.tiles.children if tile.activity_id == "drawing"))
    activity = screen(app, "activity").activity
    assert activity.host.complexity == "simple"
    assert app.store.client(client.id).settings == {"complexity": "simple"}
    app.running = None
    app.client_mode = False
    app.go("session")
    chosen = [choice.level for choice in checkin.ids.levels.children if choice.state == "down"]
    assert chosen == ["simple"]


def test_the_drawing_studio_offers_the_clients_own_pictures_as_paper(app):
    store = app.store
    other = store.add_client("Someone else")
    elsewhere = store.start_session(other.id, plan_id="open")
    store.save_artifact(other.id, elsewhere.id, "drawing", drawing_draft("Not yours", colour="red"))
    client = store.add_client("Wren")
    store.set_client_settings(client.id, {"complexity": "full"})
    earlier = store.start_session(client.id, plan_id="open")
    store.save_artifact(client.id, earlier.id, "drawing", drawing_draft("My garden", colour="green", size=300))
    store.finish_session(client.id, earlier.id, feeling_out=4)
    app.open_client(store.client(client.id))
    app.begin_session(app.plans[0], "", 3)
    app.go("activity", activity_id="drawing")
    advance_frames(2)
    studio = screen(app, "activity").ids.area.children[0]
    tap(studio.ids.paper_button)
    assert [card.text for card in studio.paper_chooser.picture_cards] == ["My garden"]
    tap(studio.paper_chooser.picture_cards[0])
    advance_frames(2)
    tap(screen(app, "activity").ids.done)
    (saved,) = store.artifacts(client.id, app.running.session.id)
    picture = Image.open(BytesIO(store.read_file(saved, "drawing.png"))).convert("RGB")
    red, green, blue = picture.getpixel((1024, 768))
    assert red < 8 and abs(green - 128) < 8 and blue < 8, "drawn on the green garden (kept as JPEG)"
