"""A client's portfolio: their sessions newest first, and one piece of work shown large."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from kivy.app import App
from kivy.clock import mainthread
from kivy.metrics import dp
from kivy.properties import BooleanProperty, DictProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from expressive.activity import MOVEMENT_VIDEO_SETTING, ImportRefused, complexity_of
from expressive.artifact import ArtifactUnreadable, artifact_view
from expressive.film_videos import VideoNotMade, keep_video, make_video, waiting_for_video
from expressive.i18n import N_, _, format_date, format_time
from expressive.importing import import_file, importable_endings
from expressive.plans import IMPORTED_PLAN_ID, IMPORTED_PLAN_TITLE
from expressive.portfolio import ArtifactRecord, PortfolioError
from expressive.portfolio.edit_conflicts import RecordConflict
from expressive.ui import faces  # noqa: F401  (defines the Face widgets the .kv rules use)
from expressive.ui.dialogs import ask_text
from expressive.ui.files import FileChooser
from expressive.ui.therapist import TherapistView
from expressive.ui.pictures import forget_pictures, picture
from expressive.ui.screens.base import BaseScreen
from expressive.ui.thumbnails import ShowsThumbnail
from expressive.ui.widgets import Card, CardButton, Icon
from expressive.ui.rules import load_rules

log = logging.getLogger(__name__)

THUMBNAILS_PER_ROW = 8
# What a piece of work with no title is called, by the kind of work it is; a kind from an
# activity installed later is "Untitled work".
UNTITLED = {
    "drawing": N_("Untitled drawing"),
    "music": N_("Untitled song"),
    "story": N_("Untitled story"),
    "movement": N_("Untitled movement"),
}
UNTITLED_WORK = N_("Untitled work")


def local_time(moment) -> str:
    local = moment.astimezone()
    return _("{day}, {time}").format(day=format_date(local, "full"), time=format_time(local))


def title_of(artifact: ArtifactRecord) -> str:
    """The work's own title, or what its kind is called when it has none."""
    return artifact.title or _(UNTITLED.get(artifact.kind, UNTITLED_WORK))


def caption(artifact: ArtifactRecord) -> str:
    """Its title and, on a line of its own, the day it was made, for a thumbnail."""
    return "\n".join((title_of(artifact), format_date(artifact.created.astimezone())))


def artifact_viewer(app, artifact: ArtifactRecord, save_marks=None):
    """The activity's own widget showing `artifact` (a drawing's replay, a story's pages),
    filling its place; None when the activity has none or it fails, for the plain picture.
    Without `save_marks` the viewer offers no marking (see Activity.viewer)."""
    activity_class = app.registry.get(artifact.activity)
    if activity_class is None:
        return None
    store = app.store

    def read_file(name: str) -> bytes:
        try:
            return store.read_file(artifact, name)
        except PortfolioError as error:
            raise ArtifactUnreadable(str(error)) from error

    try:
        viewer = activity_class.viewer(artifact_view(artifact, read_file), save_marks, media=app.media)
    except Exception:  # an activity's own code may fail in any way; the picture still shows
        log.exception("The %s viewer failed; showing the picture instead", artifact.activity)
        return None
    if viewer is not None:
        viewer.size_hint = (1, 1)
        viewer.pos_hint = {"x": 0, "y": 0}
    return viewer


def stop_viewer(viewer) -> None:
    """Stop a viewer that plays (a replay, a song), if it has a way to."""
    stop = getattr(viewer, "stop", None)
    if stop is not None:
        stop()


class ArtifactThumbnail(RecycleDataViewBehavior, ShowsThumbnail, ButtonBehavior, Label):
    """One widget per thumbnail (not a layout of several): a page shows dozens of them. A
    placeholder with the piece's title and day until its picture is decoded; recycled by
    the gallery's list, and by a session's row as the portfolio's list reuses the row."""

    artifact = ObjectProperty(None)
    starred = BooleanProperty(False)
    label = StringProperty("")
    # The screen the piece's own view goes back to.
    back_to = StringProperty("portfolio")
    # Room under the picture for the words (see the rules).
    words_height = NumericProperty(0)
    picture_pos = ListProperty([0, 0])
    picture_size = ListProperty([0, 0])

    def on_kv_post(self, _base_widget):
        self.bind(pos=self._fit_picture, size=self._fit_picture, picture=self._fit_picture, words_height=self._fit_picture)
        self._fit_picture()

    def refresh_view_attrs(self, rv, index, data):
        self.show_piece(data["artifact"], data["back_to"])

    def show_piece(self, artifact: ArtifactRecord, back_to: str) -> None:
        self.artifact, self.back_to = artifact, back_to
        self.starred = artifact.starred
        self.label = caption(artifact)
        self.show_thumbnail(artifact)

    def on_parent(self, _widget, parent):
        self.in_sight(parent is not None)

    def on_release(self):
        App.get_running_app().go("artifact", artifact=self.artifact, back_to=self.back_to)

    def on_damaged(self, _widget, damaged):
        self._mark(DamagedMark, damaged)

    def on_starred(self, _widget, starred):
        self._mark(FavouriteMark, starred)

    def _mark(self, kind, shown: bool) -> None:
        marks = [child for child in self.children if isinstance(child, kind)]
        if shown and not marks:
            self.add_widget(kind())
        for mark in marks if not shown else ():
            self.remove_widget(mark)

    def _fit_picture(self, *_args):
        """Scale the picture to fit above the title, keeping its shape."""
        area_width, area_height = self.width - dp(12), self.height - self.words_height - dp(8)
        if self.picture is None or area_width <= 0 or area_height <= 0:
            self.picture_size = [0, 0]
            return
        picture_width, picture_height = self.picture.size
        scale = min(area_width / picture_width, area_height / picture_height)
        self.picture_size = [picture_width * scale, picture_height * scale]
        self.picture_pos = [
            self.center_x - self.picture_size[0] / 2,
            self.y + self.words_height + (area_height - self.picture_size[1]) / 2,
        ]


class DamagedMark(Icon):
    """Over a thumbnail that cannot be shown, with the word "Damaged" under it."""


class FavouriteMark(Icon):
    """The star on a favourite's thumbnail; a screen reader says what it means."""

    accessible_name = StringProperty("")


class MoreThumbnails(CardButton):
    count = NumericProperty(0)


class NothingMade(Card):
    pass


class SessionRow(RecycleDataViewBehavior, Card):
    """A session in the portfolio's list: when, the plan and goal, the feelings, and a strip
    of what was made, its first thumbnails and "+N more" to show the rest."""

    session = ObjectProperty(None)
    when = StringProperty("")
    plan_title = StringProperty("")
    goal = StringProperty("")
    feeling_in = NumericProperty(0)
    feeling_out = NumericProperty(0)
    finished = BooleanProperty(True)

    def __init__(self, **kwargs):
        # Kept across reuses of the row, made when first needed: its thumbnails, the "more"
        # tile and the "nothing" card.
        self._thumbnails: list[ArtifactThumbnail] = []
        self._more: MoreThumbnails | None = None
        self._nothing: NothingMade | None = None
        super().__init__(**kwargs)

    def refresh_view_attrs(self, rv, index, data):
        self._list, self._index = rv, index
        session = data["session"]
        self.session = session
        self.when = data["when"]
        self.plan_title = data["plan_title"]
        self.goal = goal_words(session.goal, session.goal_met)
        self.feeling_in, self.feeling_out = session.feeling_in or 0, session.feeling_out or 0
        self.finished = session.ended is not None
        self._fill_thumbnails(data["artifacts"], data["expanded"])

    def _fill_thumbnails(self, artifacts: list[ArtifactRecord], expanded: bool) -> None:
        strip = self.ids.thumbnails
        strip.clear_widgets()
        shown = artifacts if expanded else artifacts[:THUMBNAILS_PER_ROW]
        while len(self._thumbnails) < len(shown):
            self._thumbnails.append(ArtifactThumbnail())
        for thumbnail in self._thumbnails[len(shown):]:
            thumbnail.forget_picture()
        for thumbnail, artifact in zip(self._thumbnails, shown):
            thumbnail.show_piece(artifact, "portfolio")
            strip.add_widget(thumbnail)
        hidden = len(artifacts) - len(shown)
        if hidden:
            if self._more is None:
                self._more = MoreThumbnails()
                self._more.bind(on_release=lambda _more: self._expand())
            self._more.count = hidden
            strip.add_widget(self._more)
        if not artifacts:
            self._nothing = self._nothing or NothingMade()
            strip.add_widget(self._nothing)
        self.ids.strip.scroll_x = 0

    def _expand(self) -> None:
        self._list.data[self._index] = dict(self._list.data[self._index], expanded=True)

    def on_parent(self, _widget, parent):
        for thumbnail in self.ids.thumbnails.children:
            if isinstance(thumbnail, ArtifactThumbnail):
                thumbnail.in_sight(parent is not None)

    def thumbnails(self) -> list[ArtifactThumbnail]:
        """The row's thumbnails as they are shown, first first."""
        return [child for child in reversed(self.ids.thumbnails.children) if isinstance(child, ArtifactThumbnail)]


class ClientSettings(TherapistView):
    """What the therapist chooses for this client and the app remembers: how many tools
    activities show, and whether raw movement video may be kept (never, by default)."""

    settings = DictProperty({})
    complexity = StringProperty("standard")
    video_seconds = NumericProperty(0)

    __events__ = ("on_save",)

    def on_settings(self, _view, settings):
        self.complexity = complexity_of(settings)
        self.video_seconds = settings.get(MOVEMENT_VIDEO_SETTING, 0)

    def save(self):
        self.dismiss(animation=False)
        self.dispatch("on_save", {"complexity": self.complexity, MOVEMENT_VIDEO_SETTING: self.video_seconds or None})

    def on_save(self, changes: dict):
        pass


def other_note(store, key) -> str:
    """What the note dialog adds when the note was also written on another tablet at the
    same time: that version, to copy from; saving keeps what is in the box."""
    try:
        conflicts = [conflict for conflict in store.edit_conflicts(key[0], key) if conflict.what == "note"]
    except PortfolioError:
        return ""
    if not conflicts:
        return ""
    return "\n\n" + _("Also written on another tablet at the same time: “{words}”. Saving keeps what is in "
                         "the box.").format(words=conflicts[0].edit.others[0].value or "")


def goal_words(goal: str, met: bool | None) -> str:
    if not goal:
        return ""
    if met is None:
        return _("Goal: {goal}").format(goal=goal)
    if met:
        return _("Goal: {goal} (met)").format(goal=goal)
    return _("Goal: {goal} (not yet met)").format(goal=goal)


class PortfolioScreen(BaseScreen):
    client_name = StringProperty("")
    empty = BooleanProperty(False)

    def show(self, **_details):
        app = self.app
        if getattr(self, "_client_id", None) != app.client.id:
            # Another client's pictures are not kept while this one's portfolio is open.
            forget_pictures()
            self._client_id = app.client.id
        self.client_name = app.client.name
        self._plan_titles = {plan.id: _(plan.title) for plan in app.plans} | {IMPORTED_PLAN_ID: _(IMPORTED_PLAN_TITLE)}
        self.ids.rows.start(self._sessions_page)
        self.empty = not self.ids.rows.data

    def on_pre_enter(self, *_args):
        self.ids.rows.show_again()

    def _sessions_page(self, offset: int, limit: int) -> list[dict]:
        """The list's rows from `offset`: sessions newest first, each with what was made in it."""
        store, client_id = self.app.store, self.app.client.id
        page = store.sessions(client_id, limit=limit, offset=offset)
        artifacts = store.artifacts_by_session(client_id, [session.id for session in page])
        return [{"session": session, "when": local_time(session.started),
                 "plan_title": self._plan_titles.get(session.plan_id, session.plan_id),
                 "artifacts": artifacts.get(session.id, []), "expanded": False} for session in page]

    def open_import(self):
        """Let the therapist pick a file made elsewhere (a MIDI file) to bring in."""
        endings = importable_endings(self.app.registry)
        chooser = FileChooser(
            title=_("Bring in a file made elsewhere ({endings})").format(endings=", ".join(endings)),
            filters=[f"*{ending}" for ending in endings],
            action=_("Bring in"),
        )
        chooser.bind(on_choose=lambda _chooser, path: self.bring_in(Path(path)))
        chooser.open()

    def bring_in(self, path: Path):
        app = self.app
        try:
            artifact = import_file(app.store, app.registry, app.client.id, path)
        except ImportRefused as refused:
            app.tell(_("This file can't be brought in"), _("{reason} Nothing was changed.").format(reason=refused))
            return
        except PortfolioError as error:
            app.tell(_("The file was not brought in"), str(error))
            return
        self.show()
        app.tell(_("Brought in"), _("{file} is now in {client}'s portfolio, called '{title}'.").format(
            file=path.name, client=app.client.name, title=title_of(artifact)))

    def open_settings(self):
        settings = ClientSettings(settings=dict(self.app.client.settings), reason=_("Settings for this client"))
        settings.bind(on_save=lambda _view, changes: self.save_settings(changes))
        settings.open()

    def save_settings(self, changes: dict):
        app = self.app
        try:
            app.client = app.store.set_client_settings(app.client.id, changes)
        except PortfolioError as error:
            app.tell(_("The settings were not saved"), str(error))

    def open_export(self):
        from expressive.ui.export_dialog import ExportDialog

        ExportDialog(app=self.app, reason=_("Exporting this portfolio")).open()

    def show_about(self):
        client = self.app.client
        born = (_("Born in {year}.").format(year=client.year_of_birth) if client.year_of_birth
                else _("Year of birth not given."))
        self.app.tell(client.name, "\n".join((born, client.notes or _("No notes."))))

    def edit_note(self, session) -> None:
        """The therapist's private note on a session, written or changed at any time after it."""
        app = self.app
        try:
            note = app.store.therapist_note(app.client.id, session.id)
        except PortfolioError as error:
            app.tell(_("The note cannot be read"), str(error))
            return
        ask_text(_("Your note on this session"), _("Only you see it: it is kept apart from the client's work.")
                 + other_note(app.store, (app.client.id, session.id, "")),
                 text=note, on_save=lambda text: self._save_note(session, text))

    def _save_note(self, session, text: str) -> None:
        try:
            self.app.store.set_therapist_note(self.app.client.id, session.id, text)
        except PortfolioError as error:
            self.app.tell(_("The note could not be saved"), str(error))


class ArtifactScreen(BaseScreen):
    """One piece of work shown large: in its activity's own viewer (a drawing's replay)
    when the activity has one, else its product picture."""

    artifact = ObjectProperty(None, allownone=True)
    texture = ObjectProperty(None, allownone=True)
    viewer = ObjectProperty(None, allownone=True)
    title = StringProperty("")
    about = StringProperty("")
    noticed = StringProperty("")
    tags = StringProperty("")
    starred = BooleanProperty(False)
    has_note = BooleanProperty(False)
    # The client's words written at once on another tablet (see `_show_other_words`).
    other_words = StringProperty("")
    _conflict: RecordConflict | None = None
    details = StringProperty("")
    problem = StringProperty("")
    # The screen the back arrow returns to, as it was left (a gallery keeps its filters).
    back_to = StringProperty("portfolio")
    # A film kept without its video (no encoder was there): the therapist can make it now.
    waiting_for_video = BooleanProperty(False)
    making_video = BooleanProperty(False)

    def show(self, artifact: ArtifactRecord, back_to: str = "portfolio", **_details):
        store = self.app.store
        self.back_to = back_to
        self._close_viewer()
        try:
            # Read again: the record a gallery holds may predate marks saved since.
            artifact = store.artifact(artifact.client_id, artifact.session_id, artifact.id)
        except PortfolioError:
            pass
        self._show_reflection(artifact)
        activity_class = self.app.registry.get(artifact.activity)
        made_with = _(activity_class.info.title) if activity_class else artifact.activity
        self.details = _("{activity}, {when}").format(activity=made_with, when=local_time(artifact.created))
        problems = [artifact.damaged] if artifact.damaged else store.verify_artifact(artifact)
        self.problem = _(
            "This piece of work is damaged and cannot be shown: {problems} Everything else in the portfolio "
            "is fine. 'expressive check' lists the details."
        ).format(problems=" ".join(problems)) if problems else ""
        self.viewer = None if problems else artifact_viewer(self.app, artifact, self.save_marks)
        if self.viewer is not None:
            self.texture = None
            self.ids.showing.add_widget(self.viewer)
        else:
            # The large picture is decoded for this view only; it is not worth keeping in memory.
            self.texture = None if problems else picture(store, artifact, artifact.product)

    def _show_reflection(self, artifact: ArtifactRecord) -> None:
        self.artifact = artifact
        self.title = title_of(artifact)
        self.about = artifact.about
        self.noticed = "\n".join(_("{date}: {words}").format(date=format_date(noticing.at.astimezone()), words=noticing.text)
                                 for noticing in artifact.noticings)
        self.tags = ", ".join(artifact.tags)
        self.starred = artifact.starred
        self.waiting_for_video = waiting_for_video(artifact)
        try:
            self.has_note = bool(self.app.store.artifact_note(artifact))
        except PortfolioError:
            self.has_note = False
        self._show_other_words(artifact)

    def _show_other_words(self, artifact: ArtifactRecord) -> None:
        """The title or words written on two tablets at once: the one shown, and the other
        to keep instead (nothing is lost until the therapist chooses)."""
        try:
            conflicts = [conflict for conflict in self.app.store.edit_conflicts(
                artifact.client_id, (artifact.client_id, artifact.session_id, artifact.id)) if conflict.what != "note"]
        except PortfolioError:
            conflicts = []
        self._conflict = conflicts[0] if conflicts else None
        if self._conflict is None:
            self.other_words = ""
            return
        other = self._conflict.edit.others[0].value or ""
        if self._conflict.edit.path == ("title",):
            self.other_words = _("Also written on another tablet as the title: “{words}”").format(words=other)
        else:
            self.other_words = _("Also written about it on another tablet: “{words}”").format(words=other)

    def keep_words(self, the_other: bool) -> None:
        conflict = self._conflict
        if conflict is None:
            return
        chosen = conflict.edit.others[0] if the_other else conflict.edit.shown
        store = self.app.store

        def choose() -> ArtifactRecord:
            store.choose_edit(conflict, chosen)
            return store.artifact(*conflict.key)

        self._change(choose, _("The choice could not be saved"))

    def _change(self, change, failed: str) -> None:
        """Save a change to the work's reflection or review aids, and show it; `failed` is
        the title of the message when it cannot be saved."""
        try:
            self._show_reflection(change())
        except PortfolioError as error:
            self.app.tell(failed, str(error))

    def notice(self) -> None:
        ask_text(_("What do you notice now?"), _("Looking at it today, what do you see?"),
                 on_save=lambda text: text.strip() and self._change(
                     lambda: self.app.store.add_noticing(self.artifact, text), _("What was noticed could not be saved")))

    def toggle_star(self) -> None:
        self._change(lambda: self.app.store.set_star(self.artifact, not self.starred), _("The star could not be saved"))

    def edit_tags(self) -> None:
        ask_text(_("Tags"), _("Words to find this work by, with commas between them (family, anger, safe place)."),
                 text=self.tags, on_save=lambda text: self._change(
                     lambda: self.app.store.set_tags(self.artifact, text.split(",")), _("The tags could not be saved")))

    def edit_note(self) -> None:
        store = self.app.store
        artifact = self.artifact
        ask_text(_("Your private note on this work"), _("Only you see it: it is kept apart from the client's work.")
                 + other_note(store, (artifact.client_id, artifact.session_id, artifact.id)),
                 text=store.artifact_note(artifact), on_save=lambda text: self._save_note(text))

    def _save_note(self, text: str) -> None:
        try:
            self.app.store.set_artifact_note(self.artifact, text)
        except PortfolioError as error:
            self.app.tell(_("The note could not be saved"), str(error))
        self._show_reflection(self.artifact)

    def make_video(self) -> None:
        """Make the video of a film kept without one, on a worker thread (it takes seconds),
        then save it with the film and show the film again."""
        if self.making_video:
            return
        self.app.therapist.ask(_("Make the video of this film"), self._start_video)

    def _start_video(self) -> None:
        self.making_video = True
        store, film = self.app.store, self.artifact

        def work() -> None:
            try:
                video = make_video(store, film)
            except VideoNotMade as error:
                self._video_failed(str(error))
            else:
                self._keep_video(film, video)

        threading.Thread(target=work, name="expressive-film-video", daemon=True).start()

    @mainthread
    def _keep_video(self, film: ArtifactRecord, video: bytes) -> None:
        self.making_video = False
        try:
            made = keep_video(self.app.store, film, video)
        except PortfolioError as error:
            self.app.tell(_("The video was not saved"), str(error))
            return
        if self.artifact is not None and self.artifact.id == film.id and self.manager.current == self.name:
            self.show(made, self.back_to)

    @mainthread
    def _video_failed(self, reason: str) -> None:
        self.making_video = False
        self.app.tell(_("The video was not made"), reason)

    def go_back(self) -> None:
        self.app.root.current = self.back_to

    def save_marks(self, marks: list[dict]):
        """What a viewer calls to keep the moments marked in review (see Activity.viewer)."""
        try:
            self.artifact = self.app.store.set_marks(self.artifact, marks)
        except PortfolioError as error:
            self.app.tell(_("The mark was not saved"), str(error))
            return None
        return self.artifact.marks

    def _close_viewer(self):
        if self.viewer is not None:
            stop_viewer(self.viewer)
            self.ids.showing.remove_widget(self.viewer)
            self.viewer = None

    def on_leave(self, *_args):
        # A replay that plays on behind another screen only wastes the battery.
        stop_viewer(self.viewer)


load_rules(__name__)
