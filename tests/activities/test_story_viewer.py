"""A story in the portfolio, paged through: each page's title, prompt and words whole (a
long page scrolls), beside its picture or above it upright."""

import pytest
from kivy.core.text import Label as CoreLabel

from expressive.activities.story.activity import StoryActivity
from expressive.activities.story.activity import story_draft
from expressive.activities.story.measure import sample_picture
from expressive.activities.story.model import Page, Story
from expressive.api import ArtifactView
from expressive.tools.driver import advance_frames, tap

LONG_PAGE = " ".join(f"word{number}" for number in range(400)) + " THE-END"


@pytest.fixture
def viewer_at(window):
    shown = []
    before = tuple(window.size)

    def show(size):
        window.size = size
        story = Story("Pip", pages=[
            Page(LONG_PAGE, "Who is the hero of your story?", title="A hero"),
            Page("Short."),
        ])
        story.set_picture(0, sample_picture(1, (400, 300)), "drawing", at=1)
        viewer = StoryActivity.viewer(ArtifactView.of_draft(story_draft(story), "story"))
        window.add_widget(viewer)
        shown.append(viewer)
        advance_frames(3)
        return viewer

    yield show
    for viewer in shown:
        window.remove_widget(viewer)
    window.size = before
    advance_frames(1)


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)])
def test_a_long_page_shows_every_word_with_its_prompt_and_the_pages_turn(viewer_at, size):
    viewer = viewer_at(size)
    assert (viewer.heading, viewer.prompt) == ("A hero", "Who is the hero of your story?")
    text = viewer.ids.text
    whole = CoreLabel(text=LONG_PAGE, font_size=text.font_size, font_name=text.font_name, text_size=(text.width, None))
    whole.refresh()
    assert text.height >= whole.texture.height - 1, "no line of the page is cut off"
    tap(viewer.ids.next_page)
    assert viewer.page == 1 and viewer.text == "Short." and viewer.picture is None
    tap(viewer.ids.previous_page)
    assert viewer.page == 0
