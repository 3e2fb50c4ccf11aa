"""A story written in the real app with touches and typing, kept with its pictures and
timeline, and turned into a picture book whose PDF holds the words, page by page."""

import io
import json
import logging

from pypdf import PdfReader

from expressive.activities.story.activity import StoryActivity
from expressive.activity import Host, MemoryDrafts
from expressive.tools.driver import advance_frames, drag, tap
from sample_work import drawing_draft
from tests_support import screen

FIRST_PAGE = "Pip was a small dragon who was afraid of the dark."
SECOND_PAGE = "Pip wanted to fly to the moon."


def type_slowly(text_input, text):
    """Key by key, as a child types on the on-screen keyboard."""
    tap(text_input, frames=1)
    for character in text:
        text_input.insert_text(character)
    advance_frames(1)


def open_story(app, name):
    client = app.store.add_client(name)
    previous = app.store.start_session(client.id, plan_id="open")
    app.store.save_artifact(client.id, previous.id, "drawing", drawing_draft("My moon", colour="navy", size=200))
    app.open_client(client)
    app.begin_session(app.plans[0], "", 3)
    tap(next(tile for tile in screen(app, "launcher").ids.tiles.children if tile.activity_id == "story"))
    return client, screen(app, "activity").ids.area.children[0]


def test_a_two_page_story_with_a_drawing_and_a_portfolio_picture_becomes_a_book(app, window):
    client, studio = open_story(app, "Robin")
    tap(next(card for card in studio.shape_cards if card.shape.id == "six-part-story"))
    editor = studio.editor
    assert studio.page_count == 6 and studio.prompt, "each step shows its gentle prompt"
    type_slowly(editor.ids.title, "Pip and the moon")
    type_slowly(editor.ids.text, FIRST_PAGE)

    tap(editor.ids.draw_button)
    paper = studio.drawing_popup.studio.paper
    drag([(paper.x + paper.width * 0.2, paper.center_y), (paper.x + paper.width * 0.8, paper.center_y)])
    tap(studio.drawing_popup.ids.use)
    assert studio.activity.story.pages[0].picture_kind == "drawing" and studio.picture is not None

    tap(editor.ids.next_page)
    type_slowly(editor.ids.text, SECOND_PAGE)
    tap(editor.ids.choose_button)
    (moon,) = studio.picture_chooser.cards
    tap(moon)
    assert studio.activity.story.pages[1].picture_kind == "portfolio"
    for _ in range(4):  # the other steps are left for another day
        tap(editor.ids.next_page)
        tap(editor.ids.remove_page_button)
    assert studio.page_count == 2

    tap(screen(app, "activity").ids.done)
    (saved,) = app.store.artifacts(client.id, app.running.session.id)
    assert (saved.kind, saved.title, saved.product, saved.process) == ("story", "Pip and the moon", "story.md", "timeline.json")
    markdown = app.store.read_file(saved, "story.md").decode()
    assert FIRST_PAGE in markdown and SECOND_PAGE in markdown and "![" in markdown
    timeline = json.loads(app.store.read_file(saved, "timeline.json"))
    assert timeline["format"] == "expressive-story-timeline" and len(timeline["revisions"]) >= 4
    book = PdfReader(io.BytesIO(app.store.read_file(saved, "story.pdf")))
    pages = [page.extract_text() for page in book.pages]
    assert len(pages) == 3, "a title page and the two story pages"
    assert "Pip and the moon" in pages[0] and FIRST_PAGE in pages[1].replace("\n", " ") and SECOND_PAGE in pages[2]
    web = app.store.read_file(saved, "story.html").decode()
    assert SECOND_PAGE in web and "data:image/png;base64," in web


def test_text_size_and_a_story_interrupted_goes_on_where_it_was(app):
    _client, studio = open_story(app, "Sam")
    tap(next(card for card in studio.shape_cards if card.shape.id == "blank"))
    before = studio.text_size
    tap(studio.editor.ids.bigger_text)
    assert studio.editor.ids.text.font_size > before
    type_slowly(studio.editor.ids.text, "Half a sto")
    # What the host keeps every few seconds brings the story back exactly as it was.
    again = StoryActivity(Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.story")))
    again.restore(studio.activity.snapshot())
    assert again.story.pages[0].text == "Half a sto" and again.story.revisions == studio.activity.story.revisions


def test_the_simplest_level_starts_with_big_type_and_no_taking_pages_out(app):
    client = app.store.add_client("Kim")
    app.store.set_client_settings(client.id, {"complexity": "simple"})
    app.open_client(app.store.client(client.id))
    app.begin_session(app.plans[0], "", 3)
    tap(next(tile for tile in screen(app, "launcher").ids.tiles.children if tile.activity_id == "story"))
    studio = screen(app, "activity").ids.area.children[0]
    tap(studio.shape_cards[0])
    assert studio.text_size == 40
    assert "Take out" not in {getattr(widget, "text", None) for widget in studio.walk()}


def test_check_out_offers_the_title_the_child_gave_the_story(app):
    _client, studio = open_story(app, "Ali")
    tap(next(card for card in studio.shape_cards if card.shape.id == "blank"))
    type_slowly(studio.editor.ids.title, "The angry dog")
    type_slowly(studio.editor.ids.text, "The dog was cross.")
    studio.editor.ids.title.text = "The happy dog"  # changed their mind
    tap(screen(app, "activity").ids.done)
    app.go("checkout")
    (reflection,) = screen(app, "checkout").ids.reflections.children
    assert reflection.ids.title.text == "The happy dog", "one name for the piece, not two"
