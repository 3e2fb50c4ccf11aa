"""The story studio: "Draw a picture" offered only when the host lends a picture maker,
and what the maker hands back becomes the page's picture; the studio fits every tablet
and every reader (whole letters, cards that use an upright screen, a child's words on the
client's screen, buttons big enough, a chooser that closes); the draft keeps the title."""

import logging

import pytest
from kivy.core.text import Label as CoreLabel
from kivy.metrics import Metrics, sp
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView

from expressive.activities.story.activity import StoryActivity
from expressive.api import PICTURE_MAKER, Host, MemoryDrafts, MemoryLibrary, Services, Therapist
from expressive.api.widgets import theme
from expressive.lib.contrast import contrast_ratio
from expressive.tools.driver import advance_frames, tap, type_into
from sample_work import png


@pytest.fixture
def writing_studio(window):
    """A story being written, on screen, whose host lends `services`."""
    shown = []

    def show(services: dict):
        host = Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.story"), services=Services(lambda: services))
        activity = StoryActivity(host)
        studio = activity.build()
        window.add_widget(studio)
        shown.append(studio)
        studio.begin(activity.shapes[0])
        advance_frames(2)
        return studio

    yield show
    for studio in shown:
        window.remove_widget(studio)


def test_without_a_picture_maker_the_story_offers_no_drawing(writing_studio):
    button = writing_studio({}).editor.ids.draw_button
    assert button.disabled and button.opacity == 0 and button.height == 0


def test_the_picture_the_maker_hands_back_goes_on_the_page(writing_studio):
    asked = []

    def make_picture(host, on_picture, *, title, max_size):
        asked.append((title, max_size))
        on_picture(png(64, "navy"))
        popup = ModalView()
        popup.open(animation=False)
        return popup

    studio = writing_studio({PICTURE_MAKER: make_picture})
    button = studio.editor.ids.draw_button
    assert not button.disabled and button.opacity == 1
    tap(button)
    assert asked == [("Draw the picture for this page", (1024, 768))]
    page = studio.activity.story.pages[0]
    assert page.picture_kind == "drawing" and page.picture is not None and studio.picture is not None
    studio.drawing_popup.dismiss(animation=False)
    advance_frames(1)
    assert studio.drawing_popup is None


# --- fitting every tablet and every reader --------------------------------------------


@pytest.fixture
def studio_at(window):
    """A story studio on screen in a window of `size`, at `complexity`, for a client alone
    or with the therapist holding the tablet."""
    shown = []
    before = tuple(window.size)

    def show(size=(1280, 800), complexity="standard", therapist=False, pictures=None):
        window.size = size
        host = Host(
            drafts=MemoryDrafts(), logger=logging.getLogger("test.story"), settings={"complexity": complexity},
            pictures=MemoryLibrary(pictures or {}), therapist=Therapist(present=therapist), services=Services(dict),
        )
        studio = StoryActivity(host).build()
        window.add_widget(studio)
        shown.append(studio)
        advance_frames(3)
        return studio

    yield show
    for studio in shown:
        window.remove_widget(studio)
    window.size = before
    advance_frames(1)


def line_height_of(text_input) -> float:
    """How tall a line of the input's type is, from the top of its tallest letters to the
    bottom of its tails (g, y, p)."""
    label = CoreLabel(text="Ágypq", font_size=text_input.font_size, font_name=text_input.font_name)
    label.refresh()
    return label.texture.height


@pytest.mark.parametrize("size", [(1280, 800), (800, 1280)])
def test_the_title_field_shows_the_tails_of_its_letters(studio_at, size):
    studio = studio_at(size)
    studio.begin(studio.activity.shapes[0])
    advance_frames(2)
    title = studio.editor.ids.title
    room = title.height - title.padding[1] - title.padding[3]
    assert room >= line_height_of(title) - 1, "an 'anqry' title: the tails of g and y are cut off"
    assert title.height >= theme.TARGET


def test_each_shape_card_speaks_to_the_child_and_the_therapists_words_stay_off_the_client_screen(studio_at):
    studio = studio_at()
    cards = {card.shape.id: card for card in studio.shape_cards}
    problem = cards["problem-as-character"]
    assert problem.words and "Externalising" not in problem.words
    shown = " ".join(label.text for card in studio.shape_cards for label in card.walk() if isinstance(label, Label) and label.opacity)
    assert "Externalising" not in shown and "the client" not in shown
    for card in studio.shape_cards:
        assert card.accessible_name == card.title and card.words, card.shape.id

    with_therapist = studio_at(therapist=True)
    note = next(card for card in with_therapist.shape_cards if card.shape.id == "problem-as-character").therapist_note
    assert note.startswith("Externalising")


def test_upright_the_shape_cards_are_one_column_that_uses_the_width(studio_at):
    studio = studio_at((800, 1280))
    grid = studio.picker.ids.shapes
    assert grid.cols == 1
    for card in studio.shape_cards:
        assert card.width >= grid.width - grid.padding[0] - grid.padding[2] - 1
        words = [label for label in card.walk() if isinstance(label, Label) and label.text and label.opacity]
        assert all(label.texture_size[1] <= label.height + 1 for label in words), "no words cut off"
        assert card.height >= max(label.top for label in words) - card.y


def test_the_cards_of_a_row_line_up(studio_at):
    studio = studio_at((1280, 800))
    columns = studio.picker.ids.shapes.cols
    assert columns >= 2
    cards = studio.shape_cards
    for first in range(0, len(cards), columns):
        assert len({card.height for card in cards[first:first + columns]}) == 1


def test_the_picture_chooser_can_be_closed_without_choosing(studio_at):
    studio = studio_at(pictures={"moon": ("My moon", png(64, "navy"))})
    studio.begin(studio.activity.shapes[0])
    advance_frames(2)
    tap(studio.editor.ids.choose_button)
    chooser = studio.picture_chooser
    assert chooser is not None and chooser.cards[0].accessible_name == "My moon"
    tap(chooser.ids.close)
    advance_frames(2)
    assert studio.picture_chooser is None and studio.activity.story.pages[0].picture is None


@pytest.mark.parametrize("complexity, smallest", [("simple", theme.TARGET), ("full", theme.TARGET_SMALL)])
def test_every_button_is_big_enough_for_the_level(studio_at, complexity, smallest):
    studio = studio_at((800, 1280), complexity, pictures={"moon": ("My moon", png(64, "navy"))})
    buttons = list(studio.shape_cards)
    studio.begin(studio.activity.shapes[0])
    advance_frames(2)
    buttons += [widget for widget in studio.editor.walk() if isinstance(widget, ButtonBehavior) and widget.opacity and widget.height]
    assert len(buttons) > len(studio.shape_cards)
    for button in buttons:
        assert min(button.size) >= smallest - 0.5, (getattr(button, "text", ""), button.size)


def test_the_draft_carries_the_title_the_child_gives_the_story_and_follows_its_changes(studio_at):
    studio = studio_at()
    studio.begin(studio.activity.shapes[0])
    advance_frames(2)
    title = studio.editor.ids.title
    type_into(title, "The angry dog")
    (draft,) = studio.activity.finish()
    assert draft.title == "The angry dog"
    title.text = "The happy dog"
    (draft,) = studio.activity.finish()
    assert draft.title == "The happy dog"


def test_on_a_short_tablet_the_picture_keeps_room_above_its_buttons(studio_at):
    studio = studio_at((1024, 600), pictures={"moon": ("My moon", png(64, "navy"))})
    studio.begin(studio.activity.shapes[0])
    advance_frames(2)
    tap(studio.editor.ids.choose_button)
    tap(studio.picture_chooser.cards[0])
    advance_frames(3)
    side = studio.editor.ids.picture_side
    picture = next(child for child in side.children if isinstance(child, Image))
    assert picture.height >= side.height * 0.4, "the buttons under the picture take no more than they need"
    assert studio.editor.ids.picture_tools.cols >= 2


@pytest.fixture
def sharp_screen():
    """A tablet with two pixels to a dp, as a 1920x1200 one."""
    before = Metrics.density
    Metrics.density = 2
    yield
    Metrics.density = before


def test_on_a_sharp_screen_the_childs_words_are_as_big_as_anywhere(studio_at, sharp_screen):
    studio = studio_at((1920, 1200))
    studio.begin(studio.activity.shapes[0])
    advance_frames(2)
    text = studio.editor.ids.text
    assert text.font_size == sp(studio.text_size), "the type size is in sp, not in pixels"
    title = studio.editor.ids.title
    assert title.height - title.padding[1] - title.padding[3] >= line_height_of(title) - 1


def test_the_fields_hint_words_are_readable_on_flat_paper(studio_at):
    studio = studio_at()
    studio.begin(studio.activity.shapes[0])
    advance_frames(2)
    for field in (studio.editor.ids.title, studio.editor.ids.text):
        # A background picture (Kivy's grey gradient) would be under the words instead.
        assert field.background_normal == "" and field.background_active == ""
        assert contrast_ratio(field.hint_text_color, field.background_color) >= 4.5
        assert contrast_ratio(field.foreground_color, field.background_color) >= 4.5


@pytest.mark.parametrize("language", ["de", "en_XA"])
@pytest.mark.parametrize("complexity", ["simple", "full"])
@pytest.mark.parametrize("size, stacked", [((600, 1024), True), ((800, 1280), False), ((1024, 768), False)])
def test_the_page_tools_and_the_picture_buttons_all_fit(studio_at, language, complexity, size, stacked):
    from expressive import i18n
    from expressive.tools.layout import problems_on, settle

    i18n.set_language(language)
    try:
        studio = studio_at(size, complexity=complexity, pictures={"moon": ("My moon", png(64, "navy"))})
        studio.begin(studio.activity.shapes[0])
        advance_frames(2)
        tap(studio.editor.ids.choose_button)
        tap(studio.picture_chooser.cards[0])
        settle()
        assert studio.editor.tools_stacked == stacked, "two rows only where six buttons and the page's number cannot share one"
        smallest = 64 if complexity == "simple" else 48
        assert not problems_on(studio, studio.get_root_window(), smallest)
    finally:
        i18n.set_language("en")
