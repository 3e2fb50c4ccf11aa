"""Everything a client has made, newest first, found by activity, tag, favourite or words
(therapist mode). Pages come from the index as the grid scrolls, and only the tiles in
sight are made, so a long-term client's gallery opens fast."""

from __future__ import annotations


from kivy.properties import BooleanProperty, ListProperty, StringProperty

from expressive.i18n import _
from expressive.portfolio import PortfolioError
from expressive.ui.screens import portfolio  # noqa: F401  (defines the thumbnails the rules use)
from expressive.ui.screens.base import BaseScreen
from expressive.ui.thumbnails import PagedList  # noqa: F401  (the grid the rules use)
from expressive.ui.widgets import ChoiceButton
from expressive.ui.rules import load_rules


class GalleryScreen(BaseScreen):
    client_name = StringProperty("")
    activity = StringProperty("")
    tag = StringProperty("")
    starred = BooleanProperty(False)
    found = StringProperty("")
    tags = ListProperty([])

    def show(self, **_details):
        app = self.app
        self.client_name = app.client.name
        self.activity, self.tag, self.starred = "", "", False
        self.ids.search.text = ""
        self._fill_filters()
        self.refresh()

    def on_pre_enter(self, *_args):
        self.ids.grid.show_again()

    def _fill_filters(self) -> None:
        app = self.app
        box = self.ids.activities
        # The activities are the same for every client: their buttons are made once (the
        # screen is built again when the language changes).
        for activity_id, info in [("", None), *app.registry.infos().items()] if not box.children else ():
            button = ChoiceButton(icon=info.icon if info else "view-grid-outline",
                                  text=_(info.title) if info else _("All"), value=activity_id)
            button.bind(on_release=lambda button: self.choose(activity=button.value))
            box.add_widget(button)
        self.tags = app.store.tags(app.client.id)
        box = self.ids.tag_choices
        box.clear_widgets()
        for tag in self.tags:
            button = ChoiceButton(icon="tag-outline", text=tag, value=tag)
            button.bind(on_release=lambda button: self.choose(tag="" if self.tag == button.value else button.value))
            box.add_widget(button)
        self._show_choices()

    def _show_choices(self) -> None:
        for button in self.ids.activities.children:
            button.selected = button.value == self.activity
        for button in self.ids.tag_choices.children:
            button.selected = button.value == self.tag

    def choose(self, **choice) -> None:
        for name, value in choice.items():
            setattr(self, name, value)
        self._show_choices()
        self.refresh()

    def refresh(self) -> None:
        """Show the first page of what the filters and the search find."""
        self._search = self.ids.search.text.strip() or None
        self.ids.grid.start(self._pieces)
        self.found = "" if self.ids.grid.data else _("Nothing found.")

    def _pieces(self, offset: int, limit: int) -> list[dict]:
        app = self.app
        try:
            page = app.store.gallery(
                app.client.id, activity=self.activity or None, tag=self.tag or None, starred=self.starred or None,
                search=self._search, limit=limit, offset=offset,
            )
        except PortfolioError as error:
            app.tell(_("The gallery cannot be shown"), str(error))
            return []
        return [{"artifact": artifact, "back_to": "gallery"} for artifact in page]


load_rules(__name__)
