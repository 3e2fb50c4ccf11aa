"""Looking back together (therapist mode): progress over all sessions, a slideshow of the
work, and any two pieces side by side."""

from __future__ import annotations

from collections.abc import Sequence

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from expressive.i18n import _, format_date
from expressive.portfolio import ArtifactRecord, PortfolioError
from expressive.review.progress import progress_png
from expressive.ui.pictures import picture, texture_from_file
from expressive.ui.screens.base import BaseScreen
from expressive.ui.screens.portfolio import artifact_viewer, local_time, stop_viewer, title_of
from expressive.ui.rules import load_rules
from expressive.ui.thumbnails import RecycledList, ShowsThumbnail

SLIDE_SECONDS = 6
# The chart's size in pixels: wide on a landscape tablet, tall on an upright one, so that its
# words are drawn large enough to read either way.
WIDE_CHART, TALL_CHART = (1600, 900), (1200, 1500)
# Pictures that stand for a piece of work whose main file is not a picture (music, a story,
# a film: a strip of its frames).
STAND_IN_PICTURES = ("piano-roll.png", "movement.png", "features.png", "strip.jpg", "thumbnail.png")


def picture_name(artifact: ArtifactRecord) -> str | None:
    """The file that shows `artifact` best as a picture: its product when that is one,
    else its piano roll, painting or cover."""
    media = {entry.name: entry.media_type for entry in artifact.files}
    if media.get(artifact.product, "").startswith("image/"):
        return artifact.product
    return next((name for name in STAND_IN_PICTURES if name in media), None)


def words_of(artifact: ArtifactRecord) -> str:
    return artifact.about or _("Nothing was said about it yet.")


class WorkInOrder(Sequence):
    """Everything the client made, in the order it was made, read from the index a page at
    a time as it is looked at: a client of many years has tens of thousands of pieces, and
    the slideshow and side by side open at once whatever their number."""

    PAGE = 60

    def __init__(self, app, client_id: str):
        # Read through the app's store of the moment: the portfolio may be locked and
        # unlocked again (a new store) while the slideshow waits.
        self._app, self._client_id = app, client_id
        # The progress rows count each session's pieces, from the index, without reading them.
        self._count = sum(row.artifacts for row in app.store.progress(client_id))
        self._pages: dict[int, list[ArtifactRecord]] = {}

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        # The index lists the newest first: the oldest is its last.
        page, place = divmod(self._count - 1 - index, self.PAGE)
        if page not in self._pages:
            self._pages[page] = self._app.store.gallery(self._client_id, limit=self.PAGE, offset=page * self.PAGE)
        return self._pages[page][place]


def pieces_to_compare(work: Sequence[ArtifactRecord]) -> tuple[int | None, int | None]:
    """The places in `work` (oldest first) of two different pieces to open side by side:
    the first and the latest of the latest piece's kind (the first drawing of "my family"
    next to the latest), else the two latest; one piece alone goes on the left."""
    if not work:
        return None, None
    latest = len(work) - 1
    kind = work[latest].kind
    first_of_kind = next(index for index, artifact in enumerate(work) if artifact.kind == kind)
    if first_of_kind != latest:
        return first_of_kind, latest
    return (latest - 1, latest) if latest > 0 else (latest, None)


class ProgressScreen(BaseScreen):
    client_name = StringProperty("")
    chart = ObjectProperty(None, allownone=True)

    def show(self, **_details):
        app = self.app
        self.client_name = app.client.name
        titles = {activity_id: _(info.title) for activity_id, info in app.registry.infos().items()}
        try:
            rows = app.store.progress(app.client.id)
        except PortfolioError as error:
            app.tell(_("Progress cannot be shown"), str(error))
            return
        # The window's shape: this screen may not be laid out yet.
        size = WIDE_CHART if Window.width >= Window.height else TALL_CHART
        self.chart = texture_from_file(progress_png(rows, size, titles=titles))


class Slide(BoxLayout):
    """One piece of work, large, as its activity shows it (a story's pages, a drawing's
    replay), else its picture; with its title, date and the client's words. A viewer that
    plays to an end (a film: it has `on_finished`) starts playing at once, `plays_to_end`
    is True meanwhile, and the slide dispatches `on_finished` when it ends."""

    texture = ObjectProperty(None, allownone=True)
    viewer = ObjectProperty(None, allownone=True)
    title = StringProperty("")
    when = StringProperty("")
    words = StringProperty("")
    plays_to_end = BooleanProperty(False)
    __events__ = ("on_finished",)

    def show(self, app, artifact: ArtifactRecord | None) -> None:
        self.close()
        if artifact is None:
            self.texture, self.title, self.when, self.words = None, _("Nothing made yet"), "", ""
            return
        self.title = title_of(artifact)
        self.when = local_time(artifact.created)
        self.words = words_of(artifact)
        self.viewer = viewer = artifact_viewer(app, artifact)
        if viewer is not None:
            self.texture = None
            if viewer.is_event_type("on_finished"):
                self.plays_to_end = True
                viewer.bind(on_finished=self._viewer_finished)
                viewer.autoplay = True
            self.ids.showing.add_widget(viewer)
        else:
            self.texture = picture(app.store, artifact, picture_name(artifact))

    def _viewer_finished(self, viewer) -> None:
        if viewer is self.viewer and self.plays_to_end:
            self.plays_to_end = False
            self.dispatch("on_finished")

    def on_finished(self) -> None:
        """The piece shown played to its end."""

    def close(self) -> None:
        self.plays_to_end = False
        if self.viewer is not None:
            stop_viewer(self.viewer)
            self.ids.showing.remove_widget(self.viewer)
            self.viewer = None


class ChoiceThumbnail(RecycleDataViewBehavior, ShowsThumbnail, ButtonBehavior, BoxLayout):
    """A piece in a strip to choose from: its picture when decoded, its title and day."""

    artifact = ObjectProperty(None)
    index = NumericProperty(0)
    label = StringProperty("")
    selected = BooleanProperty(False)

    def refresh_view_attrs(self, rv, index, data):
        self._strip, self.index = rv, index
        artifact = rv.work[index]
        self.artifact = artifact
        self.label = _("{title}, {date}").format(title=title_of(artifact), date=format_date(artifact.created.astimezone()))
        self.selected = rv.chosen == index
        self.show_thumbnail(artifact)

    def on_parent(self, _widget, parent):
        self.in_sight(parent is not None)
        if parent is not None:
            # A view the strip puts back unchanged may have been chosen, or not, meanwhile.
            self.selected = self._strip.chosen == self.index

    def on_release(self):
        self._strip.dispatch("on_choose", self.index)


class PieceStrip(RecycledList):
    """A row of the client's pieces to choose from, as long as their work, of which only the
    tiles in sight are made (and their pieces read); `chosen` (a place in the work, -1 for
    none) is marked and kept in sight."""

    chosen = NumericProperty(-1)
    __events__ = ("on_choose",)

    def show(self, work: Sequence[ArtifactRecord], chosen: int) -> None:
        self.work = work
        self.data = [{"place": place} for place in range(len(work))]
        self.choose(chosen)

    def choose(self, index: int) -> None:
        self.chosen = index
        for view in self.view_adapter.views.values():
            view.selected = view.index == index
        if index >= 0:
            # Once the strip has laid out its data, so that its length is known.
            self._to_bring_into_sight = index
            self.refresh_from_viewport()

    def refresh_views(self, *args):
        super().refresh_views(*args)
        index, self._to_bring_into_sight = getattr(self, "_to_bring_into_sight", None), None
        layout = self.layout_manager
        hidden = layout.width - self.width if layout is not None else 0
        if index is None or hidden <= 0:
            return
        step = layout.default_size[0] + layout.spacing
        # Centred in the strip where the strip can scroll that far.
        self.scroll_x = min(1, max(0, (index * step - (self.width - step) / 2) / hidden))

    def on_size(self, *_args):
        # The strip is laid out, or turned with the tablet: the chosen piece stays in sight.
        if self.chosen >= 0:
            self.choose(self.chosen)

    def on_choose(self, index: int) -> None:
        pass


class SlideshowScreen(BaseScreen):
    """The client's work one piece after another, oldest first, moving on by itself; the
    strip under the slide shows where it is in all of it and jumps to any piece. A film
    plays to its end before the slideshow moves on, and the next piece has its whole time."""

    client_name = StringProperty("")
    index = NumericProperty(0)
    count = NumericProperty(0)
    playing = BooleanProperty(True)
    _ticker = None

    def on_kv_post(self, _base_widget):
        self.ids.strip.bind(on_choose=lambda _strip, index: self.show_slide(index))
        self.ids.slide.bind(on_finished=self._slide_finished)

    def show(self, **_details):
        app = self.app
        self.client_name = app.client.name
        self.artifacts = WorkInOrder(app, app.client.id)
        self.count = len(self.artifacts)
        self.playing = True
        self._start_ticker()
        self.ids.strip.show(self.artifacts, -1)
        self.show_slide(0)

    def _start_ticker(self) -> None:
        self._stop_ticker()
        self._ticker = Clock.schedule_interval(self._advance, SLIDE_SECONDS)

    def on_pre_enter(self, *_args):
        self.ids.strip.show_again()

    def show_slide(self, index: int) -> None:
        if not self.artifacts:
            self.ids.slide.show(self.app, None)
            return
        self.index = index % self.count
        self.ids.slide.show(self.app, self.artifacts[self.index])
        self.ids.strip.choose(self.index)

    def step(self, by: int) -> None:
        self.show_slide(self.index + by)

    def _advance(self, _dt) -> None:
        if self.get_root_window() is None:
            # The app closed with the slideshow on: its ticker stops with it.
            self._stop_ticker()
        elif self.playing and not self.ids.slide.plays_to_end:
            self.step(1)

    def _slide_finished(self, _slide) -> None:
        if self.playing:
            self.step(1)
            self._start_ticker()

    def toggle(self) -> None:
        self.playing = not self.playing

    def on_leave(self, *_args):
        self._stop_ticker()
        self.ids.slide.close()

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None


class ComparePane(BoxLayout):
    """One side of the comparison: the chosen piece, large, and a strip to choose from."""

    texture = ObjectProperty(None, allownone=True)
    title = StringProperty("")
    when = StringProperty("")
    words = StringProperty("")
    chosen = ObjectProperty(None, allownone=True)

    def on_kv_post(self, _base_widget):
        self.ids.strip.bind(on_choose=lambda _strip, place: self.choose(place))

    def fill(self, work: Sequence[ArtifactRecord], chosen: int | None) -> None:
        self._work = work
        self.ids.strip.show(work, -1)
        self.choose(chosen)

    def choose(self, place: int | None) -> None:
        """Show the piece at `place` in the work, or none."""
        if place is None:
            self.chosen = None
            self.ids.strip.choose(-1)
            self.texture, self.title, self.when, self.words = None, _("Choose a piece below"), "", ""
            return
        self.chosen = artifact = self._work[place]
        self.ids.strip.choose(place)
        self.texture = picture(App.get_running_app().store, artifact, picture_name(artifact))
        self.title = title_of(artifact)
        self.when = local_time(artifact.created)
        self.words = words_of(artifact)


class CompareScreen(BaseScreen):
    """Any two pieces side by side; it opens on two different ones (see pieces_to_compare)."""

    client_name = StringProperty("")

    def on_pre_enter(self, *_args):
        self.ids.left.ids.strip.show_again()
        self.ids.right.ids.strip.show_again()

    def show(self, **_details):
        app = self.app
        self.client_name = app.client.name
        work = WorkInOrder(app, app.client.id)
        left, right = pieces_to_compare(work)
        self.ids.left.fill(work, left)
        self.ids.right.fill(work, right)


load_rules(__name__)
