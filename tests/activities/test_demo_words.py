"""The demo portfolio's songs and stories are made in the language in use, as a newcomer
who reads German should meet them."""

import pytest

from expressive import i18n


@pytest.fixture
def german():
    for package in ("expressive.activities.music", "expressive.activities.story"):
        i18n.add_catalogue(package)
    i18n.set_language("de")
    yield
    i18n.set_language(i18n.SOURCE_LANGUAGE)


def test_the_demo_songs_have_german_titles(german):
    from expressive.activities.music.demo import demo_performance

    assert [demo_performance(variant).title for variant in range(3)] == ["Regen auf dem Dach", "Hüpfender Ball", "Nachtlied"]


def test_the_demo_stories_are_written_in_german(german):
    from expressive.activities.story.demo import demo_story

    story = demo_story(0)
    assert story.title == "Das mutige kleine Boot"
    assert story.pages[0].text.startswith("Es war einmal ein kleines Boot")
