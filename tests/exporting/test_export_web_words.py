"""The web portfolio shows a piece of work that is words (a story) as the PDF report does:
each page's title, prompt, words and pictures, in the story's order; and every export names
an activity by its title, in the language in use."""

import pytest

from expressive import i18n
from expressive.activities.story.activity import story_draft
from expressive.exporting import html_portfolio
from expressive.exporting.describe import activity_name
from export_helpers import new_portfolio
from test_export_web import Page
from test_pdf_words import FIRST_WORDS, SECOND_WORDS, two_page_story


def exported(tmp_path, draft) -> str:
    with new_portfolio(tmp_path / "portfolio", "plain") as store:
        client = store.add_client("Robin")
        session = store.start_session(client.id, plan_id="open", goal="", feeling_in=3)
        store.save_artifact(client.id, session.id, "story", draft)
        assert html_portfolio(store, client.id, out=tmp_path / "web") == []
    return (tmp_path / "web" / "index.html").read_text(encoding="utf-8")


def test_a_story_on_the_web_page_shows_each_pages_title_prompt_words_and_pictures(tmp_path):
    text = exported(tmp_path, story_draft(two_page_story()))
    page = Page(text)
    order = [
        "A hero", "Who is the hero of your story?", FIRST_WORDS,
        "Their task", "What does the hero want more than anything?", SECOND_WORDS,
        "# Not a heading, and &gt; not a prompt", "Page 3", "The end.",
    ]
    positions = [text.find(words) for words in order]
    assert -1 not in positions, [words for words in order if words not in text]
    assert positions == sorted(positions), "the story reads in its own order"
    assert page.texts["h4"][:2] == ["A hero", "Their task"]
    pictures = [attrs["src"] for attrs in page.all("img")]
    assert len(pictures) == 2, "each page's picture, and no cover repeating the first"
    assert all((tmp_path / "web" / src).is_file() for src in pictures)
    assert "Story, " in " ".join(page.texts["p"])


@pytest.fixture
def german():
    i18n.set_language("de")
    yield
    i18n.set_language(i18n.SOURCE_LANGUAGE)


def test_an_activity_is_named_by_its_title_in_the_language_in_use(german):
    assert activity_name("story") == "Geschichte"
    assert activity_name("music") == "Musik"
    assert activity_name("an-old-activity") == "An old activity"
