"""Looking back together (therapist mode): progress over all sessions, a slideshow of the
work, and any two pieces side by side."""

from __future__ import annotations


from kivy.clock import Clock
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from expressive.portfolio import ArtifactRecord, PortfolioError
from expressive.review.progress import progress_png
from expressive.ui.pictures import picture, texture_from_file
from expressive.ui.screens.base import BaseScreen
from expressive.ui.screens.portfolio import local_time
from expressive.ui.rules import load_rules

SLIDE_SECONDS = 6
# Pictures that stand for a piece of work whose main file is not a picture (music, a story).
STAND_IN_PICTURES = ("piano-roll.png", "movement.png", "features.png", "thumbnail.png")


def picture_name(artifact: ArtifactRecord) -> str | None:
    """The file that shows `artifact` best as a picture: its product when that is one,
    else its piano roll, painting or cover."""
    media = {entry.name: entry.media_type for entry in artifact.files}
    if media.get(artifact.product, "").startswith("image/"):
        return artifact.product
    return next((name for name in STAND_IN_PICTURES if name in media), None)


def words_of(artifact: ArtifactRecord) -> str:
    return artifact.about or "Nothing was said about it yet."


class ProgressScreen(BaseScreen):
    client_name = StringProperty("")
    chart = ObjectProperty(None, allownone=True)

    def show(self, **_details):
        app = self.app
        self.client_name = app.client.name
        titles = {activity_id: activity.info.title for activity_id, activity in app.registry.activities.items()}
        try:
            rows = app.store.progress(app.client.id)
        except PortfolioError as error:
            app.tell("Progress cannot be shown", str(error))
            return
        self.chart = texture_from_file(progress_png(rows, titles=titles))


class Slide(BoxLayout):
    """One piece of work, large, with its title, date and the client's words."""

    texture = ObjectProperty(None, allownone=True)
    title = StringProperty("")
    when = StringProperty("")
    words = StringProperty("")


class SlideshowScreen(BaseScreen):
    """The client's work one piece after another, oldest first, moving on by itself."""

    client_name = StringProperty("")
    index = NumericProperty(0)
    count = NumericProperty(0)
    playing = BooleanProperty(True)

    def show(self, **_details):
        app = self.app
        self.client_name = app.client.name
        self.artifacts = [artifact for artifact in reversed(app.store.artifacts(app.client.id)) if not artifact.damaged]
        self.count = len(self.artifacts)
        self.playing = True
        self._ticker = Clock.schedule_interval(self._advance, SLIDE_SECONDS)
        self.show_slide(0)

    def show_slide(self, index: int) -> None:
        if not self.artifacts:
            self.ids.slide.title, self.ids.slide.words, self.ids.slide.texture = "Nothing made yet", "", None
            return
        self.index = index % self.count
        artifact = self.artifacts[self.index]
        slide = self.ids.slide
        slide.texture = picture(self.app.store, artifact, picture_name(artifact), remember=False)
        slide.title = artifact.title or "Untitled"
        slide.when = local_time(artifact.created)
        slide.words = words_of(artifact)

    def step(self, by: int) -> None:
        self.show_slide(self.index + by)

    def _advance(self, _dt) -> None:
        if self.playing:
            self.step(1)

    def toggle(self) -> None:
        self.playing = not self.playing

    def on_leave(self, *_args):
        if getattr(self, "_ticker", None) is not None:
            self._ticker.cancel()
            self._ticker = None


class ChoiceThumbnail(ButtonBehavior, BoxLayout):
    artifact = ObjectProperty(None)
    texture = ObjectProperty(None, allownone=True)
    label = StringProperty("")
    selected = BooleanProperty(False)


class ComparePane(BoxLayout):
    """One side of the comparison: the chosen piece, large, and a strip to choose from."""

    texture = ObjectProperty(None, allownone=True)
    title = StringProperty("")
    when = StringProperty("")
    words = StringProperty("")
    chosen = ObjectProperty(None, allownone=True)
    choices = ListProperty([])

    def fill(self, store, artifacts: list[ArtifactRecord], chosen: ArtifactRecord | None) -> None:
        self._store = store
        strip = self.ids.strip
        strip.clear_widgets()
        self.choices = []
        for artifact in artifacts:
            thumbnail = ChoiceThumbnail(
                artifact=artifact, texture=picture(store, artifact, artifact.thumbnail),
                label=f"{artifact.title or 'Untitled'}, {artifact.created.astimezone():%d %b %Y}",
            )
            thumbnail.bind(on_release=lambda thumb: self.choose(thumb.artifact))
            strip.add_widget(thumbnail)
            self.choices.append(thumbnail)
        self.choose(chosen)

    def choose(self, artifact: ArtifactRecord | None) -> None:
        self.chosen = artifact
        for thumbnail in self.choices:
            thumbnail.selected = thumbnail.artifact is artifact
        if artifact is None:
            self.texture, self.title, self.when, self.words = None, "", "", ""
            return
        self.texture = picture(self._store, artifact, picture_name(artifact), remember=False)
        self.title = artifact.title or "Untitled"
        self.when = local_time(artifact.created)
        self.words = words_of(artifact)


class CompareScreen(BaseScreen):
    """Any two pieces side by side; it opens on the first and the latest of the same kind
    (the first drawing of "my family" next to the latest)."""

    client_name = StringProperty("")

    def show(self, **_details):
        app = self.app
        self.client_name = app.client.name
        oldest_first = [artifact for artifact in reversed(app.store.artifacts(app.client.id)) if not artifact.damaged]
        latest = oldest_first[-1] if oldest_first else None
        first = next((artifact for artifact in oldest_first if latest and artifact.kind == latest.kind), None)
        self.ids.left.fill(app.store, oldest_first, first)
        self.ids.right.fill(app.store, oldest_first, latest)


load_rules(__name__)
