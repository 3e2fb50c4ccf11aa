"""Lists of a client's work that cost what is on the screen: recycled views (Kivy's
RecycleView) that show a calm placeholder at once and each piece's picture when a worker
has decoded it, over data fetched from the store a page at a time as the list scrolls."""

from __future__ import annotations

from collections.abc import Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty
from kivy.uix.recycleview import RecycleView

from expressive.portfolio import ArtifactRecord
from expressive.ui.pictures import CANNOT_BE_SHOWN, THUMBNAILS, thumbnail_key


class ShowsThumbnail:
    """A widget showing one piece's thumbnail, told which with `show_thumbnail` again and
    again as a recycled list reuses it: its picture until then is dropped at once, so it
    never shows the piece it showed before, and the new one comes when it is decoded.
    `damaged` says the picture cannot be shown."""

    picture = ObjectProperty(None, allownone=True)
    damaged = BooleanProperty(False)
    _key = None
    _read: Callable[[], bytes] | None = None

    def show_thumbnail(self, artifact: ArtifactRecord) -> None:
        key = thumbnail_key(artifact, artifact.thumbnail)
        if key == self._key:
            return
        self.forget_picture()
        self._key = key
        if artifact.damaged or not artifact.thumbnail:
            self.damaged = True
            return
        store = App.get_running_app().store
        name = artifact.thumbnail
        self._read = lambda: store.read_file(artifact, name)
        self._ask()

    def in_sight(self, shown: bool) -> None:
        """Called as the list puts the widget on screen or takes it off: a picture no longer
        in sight is not worth decoding, and one back in sight is asked for again."""
        if not shown:
            THUMBNAILS.withdraw(self, self._key)
        elif self.picture is None and not self.damaged and self._read is not None:
            self._ask()

    def _ask(self) -> None:
        self.picture_arrived(self._key, THUMBNAILS.ask(self, self._key, self._read))

    def picture_arrived(self, key, texture) -> None:
        if key != self._key or texture is None:
            return
        self.damaged = texture is CANNOT_BE_SHOWN
        self.picture = None if self.damaged else texture

    def forget_picture(self) -> None:
        THUMBNAILS.withdraw(self, self._key)
        self._key, self._read = None, None
        self.picture, self.damaged = None, False


class RecycledList(RecycleView):
    """A RecycleView whose views can be scrolled to and listed in order."""

    def scroll_to(self, widget, padding=10, animate=True):
        # Kivy's own first asks the layout whether it has a layout pending, which a recycled
        # layout cannot answer (it fails); the views it shows are laid out already.
        if self.parent is None:
            return
        padding = dp(padding)
        bottom = self.parent.to_widget(*widget.to_window(*widget.pos))
        top = self.parent.to_widget(*widget.to_window(widget.right, widget.top))
        dx = self.x - bottom[0] + padding if bottom[0] < self.x else (self.right - top[0] - padding if top[0] > self.right else 0)
        dy = self.y - bottom[1] + padding if bottom[1] < self.y else (self.top - top[1] - padding if top[1] > self.top else 0)
        scroll_x, scroll_y = self.convert_distance_to_scroll(dx, dy)
        self.scroll_x = min(1, max(0, self.scroll_x - scroll_x))
        self.scroll_y = min(1, max(0, self.scroll_y - scroll_y))

    def show_again(self) -> None:
        """Bind the views to their data again: their pictures were forgotten when the
        portfolio locked, and its screen comes back as it was left once it is unlocked."""
        self.refresh_from_data()

    def shown_views(self) -> list:
        """The views on screen, in the data's order."""
        views = self.view_adapter.views if self.view_adapter is not None else {}
        return [views[index] for index in sorted(views)]


class PagedList(RecycledList):
    """A recycled list over data fetched a page at a time: `start(fetch)` shows the first
    page, and the next is fetched as the visible rows near the end of what is fetched.
    `fetch(offset, limit)` returns the data dicts of up to `limit` rows from `offset`."""

    page = NumericProperty(48)
    # How close to the end of what is fetched (in rows) the visible rows bring the next page.
    ahead = NumericProperty(24)
    # Whether the store may have rows after the ones fetched.
    more = BooleanProperty(False)
    fetch = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._fetch_next = Clock.create_trigger(self._fetch_if_shown)

    def start(self, fetch: Callable[[int, int], list[dict]]) -> None:
        self.fetch = fetch
        self.data = []
        self.scroll_y = 1
        self.more = True
        self.fetch_more()

    def fetch_more(self) -> None:
        if not self.more or self.fetch is None:
            return
        rows = self.fetch(len(self.data), self.page + 1)
        self.more = len(rows) > self.page
        self.data.extend(rows[: self.page])

    def _fetch_if_shown(self, _dt) -> None:
        # A list left meanwhile (its portfolio locked, the app closed) fetches nothing more.
        if self.get_root_window() is not None:
            self.fetch_more()

    def refresh_views(self, *args):
        super().refresh_views(*args)
        shown = self.view_adapter.views if self.view_adapter is not None else {}
        if self.more and shown and max(shown) >= len(self.data) - self.ahead:
            # Not while the list lays itself out: the new rows come at the next frame.
            self._fetch_next()
