"""The PDF report shows a piece of work that is words (a story) as words: each page's
title and prompt, the client's writing and the page's pictures, read back with pypdf."""

import pytest
from pypdf import PdfReader

from expressive.activities.story.activity import story_draft
from expressive.activities.story.measure import sample_picture
from expressive.activities.story.model import Page, Story
from expressive.exporting import pdf_report
from expressive.i18n import PSEUDO_LANGUAGE, SOURCE_LANGUAGE, pseudo, set_language
from export_helpers import new_portfolio

FIRST_WORDS = "Pip was a small dragon who was afraid of the dark."
SECOND_WORDS = "Pip wanted to fly to the moon."


def two_page_story() -> Story:
    story = Story(
        "Pip and the moon",
        pages=[
            Page(prompt="Who is the hero of your story?", title="A hero"),
            Page(prompt="What does the hero want more than anything?", title="Their task"),
            Page(),
        ],
    )
    story.set_text(0, FIRST_WORDS, at=1)
    story.set_picture(0, sample_picture(1, (400, 300)), "drawing", at=2)
    story.set_text(1, f"{SECOND_WORDS}\n\n# Not a heading, and > not a prompt", at=3)
    story.set_picture(1, sample_picture(2, (300, 400)), "portfolio", at=4)
    story.set_text(2, "The end.", at=5)
    return story


def reported(tmp_path, draft, title=None):
    """The text of each page of a report of the one piece of work made from `draft`, and the reader."""
    with new_portfolio(tmp_path / "portfolio", "plain") as store:
        client = store.add_client("Robin")
        session = store.start_session(client.id, plan_id="open", goal="", feeling_in=3)
        artifact = store.save_artifact(client.id, session.id, "story", draft)
        if title is not None:
            store.set_reflection(artifact, title=title, about="")
        assert pdf_report(store, client.id, [(session.id, artifact.id)], out=tmp_path / "report.pdf") == []
    reader = PdfReader(tmp_path / "report.pdf")
    return [" ".join(page.extract_text().split()) for page in reader.pages], reader


def test_a_story_in_the_report_shows_each_pages_title_prompt_words_and_pictures(tmp_path):
    (_cover, *pages), reader = reported(tmp_path, story_draft(two_page_story()))
    report = " ".join(pages)
    order = [
        "Pip and the moon", "A hero", "Who is the hero of your story?", FIRST_WORDS,
        "Their task", "What does the hero want more than anything?", SECOND_WORDS,
        "# Not a heading, and > not a prompt", "Page 3", "The end.",
    ]
    positions = [report.find(words) for words in order]
    assert -1 not in positions, [words for words in order if words not in report]
    assert positions == sorted(positions), "the story reads in its own order"
    assert report.count("Pip and the moon") == 1, "the story's title is the piece's title, shown once"
    pictures = sum(len(page.images) for page in reader.pages[1:])
    assert pictures == 2, "each page's picture, and not the cover that repeats the first"


def test_a_story_renamed_at_check_out_keeps_its_own_title_among_its_words(tmp_path):
    (_cover, *pages), _reader = reported(tmp_path, story_draft(two_page_story()), title="The brave dragon")
    report = " ".join(pages)
    assert report.index("The brave dragon") < report.index("Pip and the moon") < report.index(FIRST_WORDS)


def test_a_story_with_no_pictures_shows_its_cover_and_its_words(tmp_path):
    story = Story("Words only", pages=[Page("Only words here.")])
    (_cover, *pages), reader = reported(tmp_path, story_draft(story))
    assert "Only words here." in " ".join(pages)
    assert sum(len(page.images) for page in reader.pages[1:]) == 1, "the cover stands for the work"


@pytest.fixture
def pseudo_language():
    set_language(PSEUDO_LANGUAGE)
    yield
    set_language(SOURCE_LANGUAGE)


def test_the_reports_own_words_are_in_the_language_chosen_and_the_clients_stay_as_written(tmp_path, pseudo_language):
    (cover, *pages), _reader = reported(tmp_path, story_draft(two_page_story()))
    report = " ".join(pages)
    assert pseudo("{n} piece of work").split("{n}")[1].split("·")[0].strip() in cover, "a count's words are translated"
    assert pseudo("The session of {day}").split("{")[0].strip() in report
    assert FIRST_WORDS in report, "the client's words are theirs"
