"""The story screen: choose how to start, then write page by page, with a picture on each
page drawn right here (with the host's picture-making service, when an activity lends
one) or chosen from the portfolio.

Thin: every change goes to the `Story` (model.py), which keeps the writing timeline;
the host keeps a snapshot every few seconds while the client types.
"""

from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from expressive.activities.story.model import PictureError
from expressive.api import COMPLEXITY_LEVELS, LibraryError
from expressive.api.i18n import _
from expressive.api.widgets import CardButton, load_rules, show_message, texture_from_file

TEXT_SIZES = (22, 26, 32, 40, 48)
# The youngest writers get the biggest type to start with.
FIRST_TEXT_SIZE = {"simple": 40, "standard": 32, "full": 26}
# Largest drawing kept in a story: the page's picture needs no more, and every autosave
# carries it.
STORY_PICTURE_SIZE = (1024, 768)


class ShapeCard(CardButton):
    shape = ObjectProperty(None)
    title = StringProperty("")
    words = StringProperty("")
    therapist_note = StringProperty("")
    icon = StringProperty("book-open-variant")
    # What its words need; the cards of a row are as tall as its tallest, so that they line up.
    needed_height = NumericProperty(0)


class StoryStudio(BoxLayout):
    activity = ObjectProperty(None)
    complexity = OptionProperty("standard", options=COMPLEXITY_LEVELS)
    writing = BooleanProperty(False)
    _showing = False
    page_index = NumericProperty(0)
    page_count = NumericProperty(0)
    step_title = StringProperty("")
    prompt = StringProperty("")
    text_size = NumericProperty(32)
    picture = ObjectProperty(None, allownone=True)
    can_choose_picture = BooleanProperty(False)
    can_draw_picture = BooleanProperty(False)
    drawing_popup = ObjectProperty(None, allownone=True)
    picture_chooser = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.text_size = FIRST_TEXT_SIZE[self.complexity]
        self.can_draw_picture = self.activity.host.picture_maker() is not None
        self.picker = Factory.ShapePicker()
        self.editor = StoryEditor(studio=self)
        self.shape_cards = []
        for shape in self.activity.shapes:
            card = ShapeCard(shape=shape, title=_(shape.title), words=_(shape.words), icon=shape.icon)
            card.bind(on_release=lambda card: self.begin(card.shape))
            card.bind(needed_height=self._even_card_heights)
            self.picker.ids.shapes.add_widget(card)
            self.shape_cards.append(card)
        self.picker.ids.shapes.bind(cols=self._even_card_heights)
        self._even_card_heights()
        if self.complexity == "simple":
            self.editor.ids.page_changes.remove_widget(self.editor.ids.remove_page_button)
        self.show_story()

    # --- starting ----------------------------------------------------------------------

    def begin(self, shape) -> None:
        self.activity.begin(shape)
        self.show_story()

    def show_story(self) -> None:
        """Show how to start, or the story being written."""
        story = self.activity.story
        self.writing = story is not None
        self.clear_widgets()
        self.add_widget(self.editor if self.writing else self.picker)
        if story is None:
            self.show_therapist_notes(self.activity.host.therapist_present)
            return
        self.editor.ids.title.text = story.title
        # The client's pictures do not change while they write: asked once, not per page.
        try:
            self.can_choose_picture = bool(self.activity.host.pictures.available())
        except LibraryError:
            self.can_choose_picture = False
        self.show_page(min(self.page_index, len(story.pages) - 1))

    def _even_card_heights(self, *_changed) -> None:
        columns = self.picker.ids.shapes.cols
        for first in range(0, len(self.shape_cards), columns):
            row = self.shape_cards[first:first + columns]
            height = max(card.needed_height for card in row)
            for card in row:
                card.height = height

    def show_therapist_notes(self, shown: bool) -> None:
        """The therapist's explanation of each shape on its card, or none: a child reads
        only the card's own words."""
        for card in self.shape_cards:
            card.therapist_note = _(card.shape.description) if shown else ""

    # --- pages -------------------------------------------------------------------------

    def show_page(self, index: int) -> None:
        story = self.activity.story
        page = story.pages[index]
        self.page_index, self.page_count = index, len(story.pages)
        self.step_title, self.prompt = page.title, page.prompt
        # Setting the text would record a change; the story already has it.
        self._showing = True
        self.editor.ids.text.text = page.text
        self._showing = False
        self.picture = texture_from_file(page.picture)

    def turn(self, step: int) -> None:
        target = self.page_index + step
        if 0 <= target < self.page_count:
            self.show_page(target)

    def add_page(self) -> None:
        self.show_page(self.activity.story.add_page(self.page_index))

    def remove_page(self) -> None:
        if self.page_count > 1:
            self.activity.story.remove_page(self.page_index)
            self.show_page(min(self.page_index, self.page_count - 2))

    def text_changed(self, text: str) -> None:
        if self.writing and not self._showing:
            self.activity.story.set_text(self.page_index, text)

    def title_changed(self, title: str) -> None:
        if self.writing and title != self.activity.story.title:
            self.activity.story.set_title(title)

    def change_text_size(self, step: int) -> None:
        sizes = TEXT_SIZES
        nearest = min(range(len(sizes)), key=lambda index: abs(sizes[index] - self.text_size))
        self.text_size = sizes[max(0, min(len(sizes) - 1, nearest + step))]

    # --- pictures ----------------------------------------------------------------------

    def draw_picture(self) -> None:
        """Draw this page's picture with the host's picture-making service."""
        make_picture = self.activity.host.picture_maker()
        if make_picture is None:
            return
        popup = make_picture(
            self.activity.host,
            lambda png: self._set_picture(png, "drawing"),
            title=_("Draw the picture for this page"),
            max_size=STORY_PICTURE_SIZE,
        )
        popup.bind(on_dismiss=lambda _popup: setattr(self, "drawing_popup", None))
        self.drawing_popup = popup

    def choose_picture(self) -> None:
        library = self.activity.host.pictures
        chooser = PictureChooser()
        for item in library.available():
            texture = texture_from_file(library.thumbnail(item.id))
            if texture is not None:
                chooser.add_picture(item.id, item.title, texture)
        chooser.bind(on_choose=lambda _chooser, item_id: self._keep_chosen(item_id),
                     on_dismiss=lambda _chooser: setattr(self, "picture_chooser", None))
        self.picture_chooser = chooser
        chooser.open()

    def _keep_chosen(self, item_id: str) -> None:
        try:
            data = self.activity.host.pictures.read(item_id)
        except LibraryError as error:
            show_message(_("This picture can't be used"), _("{problem} Choose another one.").format(problem=error))
            return
        self._set_picture(data, "portfolio")

    def _set_picture(self, data: bytes, kind: str) -> None:
        try:
            self.activity.story.set_picture(self.page_index, data, kind)
        except PictureError as error:
            show_message(_("This picture can't be used"), str(error))
            return
        self.show_page(self.page_index)

    def remove_picture(self) -> None:
        self.activity.story.remove_picture(self.page_index)
        self.show_page(self.page_index)


class StoryEditor(BoxLayout):
    """The page being written: its tools, its picture and its words."""

    studio = ObjectProperty(None)
    narrow = BooleanProperty(False)
    tools_stacked = BooleanProperty(False)


class PictureCard(CardButton):
    texture = ObjectProperty(None)
    title = StringProperty("")
    item_id = StringProperty("")


class PictureChooser(ModalView):
    """The client's pictures from the portfolio, as big cards; a tap picks one."""

    __events__ = ("on_choose",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.cards: list[PictureCard] = []

    def add_picture(self, item_id: str, title: str, texture) -> None:
        card = PictureCard(texture=texture, title=title, item_id=item_id)
        card.bind(on_release=self._chosen)
        self.ids.cards.add_widget(card)
        self.cards.append(card)

    def _chosen(self, card: PictureCard) -> None:
        self.dismiss(animation=False)
        self.dispatch("on_choose", card.item_id)

    def on_choose(self, item_id: str):
        pass


load_rules(__name__)
