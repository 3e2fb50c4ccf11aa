"""A session, step by step: check-in, the launcher, an activity, check-out, the private note."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.modalview import ModalView
from kivy.uix.togglebutton import ToggleButtonBehavior

from expressive.activity import (
    Activity,
    ActivityError,
    ArtifactDraft,
    Drafts,
    Host,
    Library,
    LibraryError,
    LibraryItem,
    complexity_of,
)
from expressive.portfolio import ArtifactRecord, PortfolioError
from expressive.ui import theme
from expressive.ui import faces  # noqa: F401  (defines the Face widgets the .kv rules use)
from expressive.ui.dialogs import ask
from expressive.ui.pictures import picture
from expressive.ui.screens.base import BaseScreen
from expressive.ui.widgets import Card, CardButton, IconButton

log = logging.getLogger(__name__)

# The host's snapshot of the running activity's work, in that activity's drafts.
AUTOSAVE = "autosave"
AUTOSAVE_SECONDS = 3


class PlanCard(ToggleButtonBehavior, CardButton):
    plan = ObjectProperty(None)
    title = StringProperty("")
    description = StringProperty("")


class CheckInScreen(BaseScreen):
    client_name = StringProperty("")
    plan = ObjectProperty(None, allownone=True)
    # The homework given last time and not marked yet: (session, task), or None.
    homework = ObjectProperty(None, allownone=True)
    homework_task = StringProperty("")

    def show(self, **_details):
        self.client_name = self.app.client.name
        self._next_homework()
        self.ids.goal.text = ""
        self.ids.feelings.value = 0
        remembered = complexity_of(self.app.client.settings)
        for choice in self.ids.levels.children:
            choice.state = "down" if choice.level == remembered else "normal"
        plans = self.ids.plans
        plans.clear_widgets()
        for plan in self.app.plans:
            card = PlanCard(plan=plan, title=plan.title, description=plan.description, group="plan")
            card.bind(on_release=self._choose)
            plans.add_widget(card)
        first = plans.children[-1]
        first.state = "down"
        self.plan = first.plan

    def _next_homework(self) -> None:
        try:
            open_homework = self.app.store.open_homework(self.app.client.id)
        except PortfolioError:
            open_homework = []
        self.homework = open_homework[0] if open_homework else None
        self.homework_task = open_homework[0][1] if open_homework else ""

    def homework_done(self, done: bool) -> None:
        """Record whether last time's homework was done; the next open one, if any, shows."""
        session, _task = self.homework
        try:
            self.app.store.set_homework_done(self.app.client.id, session.id, done)
        except PortfolioError as error:
            self.app.tell("Not saved", str(error))
            return
        self._next_homework()

    def _choose(self, card):
        # A toggle group may be emptied by tapping the chosen card again; keep one chosen.
        card.state = "down"
        self.plan = card.plan

    @property
    def complexity(self) -> str:
        return next(choice.level for choice in self.ids.levels.children if choice.state == "down")

    def start(self):
        try:
            self.app.begin_session(
                self.plan, self.ids.goal.text.strip(), int(self.ids.feelings.value), complexity=self.complexity
            )
        except PortfolioError as error:
            self.app.tell("The session could not start", str(error))


class ActivityTile(IconButton):
    activity_id = StringProperty("")
    reason = StringProperty("")


class MadeThumbnail(CardButton):
    texture = ObjectProperty(None, allownone=True)


class LauncherScreen(BaseScreen):
    goal = StringProperty("")
    next_prompt = StringProperty("")
    next_activity = StringProperty("")
    made_count = NumericProperty(0)

    def show(self, **_details):
        running = self.app.running
        self.goal = running.session.goal
        step = running.upcoming()
        planned = step is not None and step.kind == "activity" and self.app.registry.get(step.activity)
        self.next_activity = step.activity if planned else ""
        self.next_prompt = (step.prompt or "") if planned else ""
        self._fill_tiles()
        self._fill_made()

    def _fill_tiles(self):
        grid = self.ids.tiles
        grid.clear_widgets()
        registry = self.app.registry
        for activity_id, activity in registry.activities.items():
            tile = ActivityTile(activity_id=activity_id, icon=activity.info.icon, text=activity.info.title)
            tile.bind(on_release=lambda tile: self.app.go("activity", activity_id=tile.activity_id))
            grid.add_widget(tile)
        for broken in registry.unavailable:
            tile = ActivityTile(
                activity_id=broken.name, icon="puzzle-remove-outline", text=broken.name.title(),
                reason=broken.reason, background=theme.DISABLED, foreground=theme.MUTED_INK,
            )
            tile.bind(on_release=self._explain_unavailable)
            grid.add_widget(tile)

    def _explain_unavailable(self, tile):
        # The technical reason (an error, file paths of the device) is the therapist's to read.
        why = ("The therapist can see why with `expressive activities`." if self.app.client_mode
               else f"For whoever looks after this tablet: {tile.reason}")
        self.app.tell(
            f"{tile.text} cannot be used",
            f"This activity did not load, so the rest of the session carries on without it.\n{why}",
        )

    def _fill_made(self):
        strip = self.ids.made
        strip.clear_widgets()
        store = self.app.store
        made = self.app.running.made
        self.made_count = len(made)
        for artifact in made:
            strip.add_widget(MadeThumbnail(texture=picture(store, artifact, artifact.thumbnail)))

    def start_next(self):
        self.app.go("activity", activity_id=self.next_activity)


class SessionDrafts(Drafts):
    """An activity's work in progress, kept by the store within the running session."""

    def __init__(self, store, client_id: str, session_id: str, activity_id: str):
        self._place = (client_id, session_id, activity_id)
        self._store = store

    def write(self, name: str, data: bytes) -> None:
        self._store.write_draft(*self._place, name, data)

    def read(self, name: str) -> bytes | None:
        return self._store.read_draft(*self._place, name)

    def delete(self, name: str) -> None:
        self._store.delete_draft(*self._place, name)


class ClientLibrary(Library):
    """The client's own work of one kind, lent to an activity: every artifact for which
    `file_of(artifact)` names a file, read when asked (decrypted and checked by the store)."""

    def __init__(self, store, client_id: str, file_of: Callable[[ArtifactRecord], str | None]):
        self._store = store
        self._client_id = client_id
        self._file_of = file_of
        self._artifacts: dict[str, ArtifactRecord] = {}

    def available(self) -> list[LibraryItem]:
        self._artifacts = {
            f"{artifact.session_id}/{artifact.id}": artifact
            for artifact in reversed(self._store.artifacts(self._client_id))
            if not artifact.damaged and self._file_of(artifact)
        }
        return [
            LibraryItem(item_id, artifact.title or f"{artifact.created.astimezone():%d %b %Y}")
            for item_id, artifact in self._artifacts.items()
        ]

    def thumbnail(self, item_id: str) -> bytes | None:
        artifact = self._artifacts.get(item_id)
        if artifact is None or _media_type(artifact, artifact.thumbnail) != "image/png":
            return None
        try:
            return self._store.read_file(artifact, artifact.thumbnail)
        except PortfolioError:
            return None

    def read(self, item_id: str) -> bytes:
        artifact = self._artifacts.get(item_id)
        if artifact is None:
            return super().read(item_id)
        try:
            return self._store.read_file(artifact, self._file_of(artifact))
        except PortfolioError as error:
            raise LibraryError(str(error)) from error


def _media_type(artifact: ArtifactRecord, name: str | None) -> str:
    return next((entry.media_type for entry in artifact.files if entry.name == name), "")


def picture_of(artifact: ArtifactRecord) -> str | None:
    """The artifact's main picture, when its main file is one."""
    return artifact.product if _media_type(artifact, artifact.product).startswith("image/") else None


def song_of(artifact: ArtifactRecord) -> str | None:
    """The artifact's MIDI file, when it has one."""
    return next((entry.name for entry in artifact.files if entry.media_type == "audio/midi"), None)


class ActivityScreen(BaseScreen):
    """Hosts one activity's widget: the host owns saving, the activity only hands over drafts."""

    prompt = StringProperty("")
    title = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.activity: Activity | None = None
        self.activity_id = ""
        self._unsaved: list[ArtifactDraft] = []
        self._drafts: SessionDrafts | None = None
        self._last_snapshot: bytes | None = None
        self._autosaving = None

    def show(self, activity_id: str, **_details):
        app = self.app
        activity_class = app.registry.get(activity_id)
        running = app.running
        self.activity_id = activity_id
        self.prompt = running.prompt_for(activity_id) or ""
        self.title = activity_class.info.title
        self._drafts = SessionDrafts(app.store, app.client.id, running.session.id, activity_id)
        host = Host(
            drafts=self._drafts,
            logger=logging.getLogger(f"expressive.activity.{activity_id}"),
            settings=dict(app.client.settings),
            prompt=self.prompt or None,
            pictures=ClientLibrary(app.store, app.client.id, picture_of),
            songs=ClientLibrary(app.store, app.client.id, song_of),
            media=app.media,
            therapist=app.therapist,
        )
        area = self.ids.area
        area.clear_widgets()
        self._unsaved = []
        try:
            self.activity = activity_class(host)
            area.add_widget(self.activity.build())
            self.activity.start()
        except Exception as error:  # an activity's own code may fail in any way
            self.activity_failed("could not start", error)
            return
        self._last_snapshot = None
        self._autosaving = Clock.schedule_interval(self.autosave, AUTOSAVE_SECONDS)
        self._offer_interrupted_work(activity_class, host)

    def _offer_interrupted_work(self, activity_class, host: Host) -> None:
        """Work kept before a crash or a kill: go on with it, or keep it and start anew."""
        try:
            kept = self._drafts.read(AUTOSAVE)
        except PortfolioError:
            log.warning("Kept work in progress could not be read")
            return
        if kept is None:
            return

        def go_on():
            try:
                self.activity.restore(kept)
            except Exception as error:
                self.activity_failed("could not continue its work", error)

        def keep_and_start_anew():
            # Nothing is thrown away: the earlier work is saved to the portfolio first.
            earlier = activity_class(host)
            try:
                earlier.restore(kept)
                drafts = earlier.finish() if earlier.has_work() else []
                saved = [
                    self.app.store.save_artifact(self.app.client.id, self.app.running.session.id, self.activity_id, draft)
                    for draft in drafts
                ]
                self._drafts.delete(AUTOSAVE)
            except PortfolioError as error:
                self.app.tell("Not saved yet", f"{error}\nThe earlier work is kept; it is offered again next time.")
                return
            except Exception as error:
                self.activity_failed("could not save its earlier work", error)
                return
            self.app.running.made.extend(saved)

        ask(
            "Welcome back!",
            f"Your {self.title.lower()} from before is still here, just as it was left.",
            [
                ("arrow-right-bold", "Go on with it", theme.DONE, go_on),
                ("plus", "Keep it, start a new one", theme.PRIMARY, keep_and_start_anew),
            ],
        )

    def autosave(self, *_args) -> None:
        """Keep the work in progress (only when it changed), so that nothing is lost."""
        activity = self.activity
        if activity is None or not activity.has_work():
            return
        try:
            snapshot = activity.snapshot()
        except Exception as error:
            self.activity_failed("could not keep its work", error)
            return
        if snapshot is None or snapshot == self._last_snapshot:
            return
        try:
            self._drafts.write(AUTOSAVE, snapshot)
        except PortfolioError:
            # Saving at Done says so in plain words; a silent retry here is enough.
            log.warning("Could not keep the work in progress")
            return
        self._last_snapshot = snapshot

    def _close_activity(self) -> None:
        self._stop_autosaving()
        self.ids.area.clear_widgets()
        self.activity = None

    def _stop_autosaving(self) -> None:
        if self._autosaving is not None:
            self._autosaving.cancel()
            self._autosaving = None

    def keep_work_before_closing(self) -> None:
        """The app is closing (or locking) with an activity open: keep its work one last time."""
        if self.activity is not None:
            self.autosave()
        self._stop_autosaving()

    def activity_failed(self, what: str, error: BaseException) -> None:
        """Close the activity, keep the session: the client sees a kind sentence and the launcher."""
        log.error("Activity %s %s", self.activity_id, what, exc_info=error)
        # Its popups go with it: none may stay over the launcher, wired to an activity that is gone.
        for view in [child for child in Window.children if isinstance(child, ModalView)]:
            view.dismiss(animation=False)
        self._close_activity()
        reason = f"it {what}: {type(error).__name__}: {error}"
        self.app.registry.mark_unavailable(self.activity_id, reason)
        self.app.go("launcher")
        self.app.tell(
            f"{self.title} stopped working",
            "Sorry, this activity ran into a problem and was closed. "
            "Everything saved so far is safe. Please choose another activity.",
        )

    def done(self):
        """Save the work (if any) to the portfolio, then go back to the launcher."""
        activity = self.activity
        if activity is None:
            return
        app = self.app
        running = app.running
        if not self._unsaved:
            try:
                drafts = activity.finish() if activity.has_work() else []
                for draft in drafts:
                    problems = draft.problems()
                    if problems:
                        raise ActivityError(f"{activity.info.id} returned a bad draft: {'; '.join(problems)}")
            except Exception as error:
                self.activity_failed("could not finish", error)
                return
            self._unsaved = drafts
        while self._unsaved:
            try:
                record = app.store.save_artifact(
                    app.client.id, running.session.id, activity.info.id, self._unsaved[0]
                )
            except Exception as error:
                # Whatever went wrong, the work stays on screen and Done saves what is unsaved.
                if not isinstance(error, PortfolioError):
                    log.error("Saving failed unexpectedly", exc_info=error)
                    error = "Something went wrong while saving."
                app.tell("Not saved yet", f"{error}\nYour work is still here.")
                return
            self._unsaved.pop(0)
            running.made.append(record)
        running.completed(activity.info.id)
        try:
            self._drafts.delete(AUTOSAVE)
        except PortfolioError:
            log.warning("Kept work in progress could not be removed after saving")
        self._close_activity()
        app.go("launcher")

    def pause(self):
        if self.activity is not None:
            self.autosave()
            self.activity.pause()

    def resume(self):
        if self.activity is not None:
            self.activity.resume()


class Reflection(Card):
    """The client's own words about one thing they made."""

    artifact = ObjectProperty(None)
    texture = ObjectProperty(None, allownone=True)
    hint = StringProperty("")


class CheckoutScreen(BaseScreen):
    prompts = ListProperty([])

    def show(self, **_details):
        app = self.app
        running = app.running
        self.ids.feelings.value = 0
        self.prompts = list(running.plan.checkout_prompts)
        hint = " ".join(self.prompts) or "What is it about?"
        box = self.ids.reflections
        box.clear_widgets()
        for artifact in running.made:
            texture = picture(app.store, artifact, artifact.thumbnail)
            box.add_widget(Reflection(artifact=artifact, texture=texture, hint=hint))

    def next(self):
        app = self.app
        try:
            for reflection in self.ids.reflections.children:
                title = reflection.ids.title.text.strip()
                about = reflection.ids.about.text.strip()
                if title or about:
                    app.store.set_reflection(reflection.artifact, title=title, about=about)
        except PortfolioError as error:
            app.tell("Not saved yet", str(error))
            return
        app.go("note", feeling_out=int(self.ids.feelings.value) or None)


class NoteScreen(BaseScreen):
    """The therapist's private note, written after the tablet is handed back; whether the
    goal was met, and homework for next time (both optional)."""

    feeling_out = ObjectProperty(None, allownone=True)
    goal = StringProperty("")
    # "met", "not-met" or "" (not said).
    goal_met = StringProperty("")

    def show(self, feeling_out=None, **_details):
        self.feeling_out = feeling_out
        self.goal = self.app.running.session.goal
        self.goal_met = ""
        self.ids.note.text = ""
        self.ids.homework.text = ""

    def finish(self):
        app = self.app
        session = app.running.session
        try:
            note = self.ids.note.text.strip()
            if note:
                app.store.set_therapist_note(app.client.id, session.id, note)
            if self.goal and self.goal_met:
                app.store.set_goal_met(app.client.id, session.id, self.goal_met == "met")
            homework = self.ids.homework.text.strip()
            if homework:
                app.store.set_homework(app.client.id, session.id, homework)
            app.store.finish_session(app.client.id, session.id, feeling_out=self.feeling_out)
        except PortfolioError as error:
            app.tell("Not saved yet", str(error))
            return
        app.end_session()


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
