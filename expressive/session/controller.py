"""One session of one client, from check-in to the therapist's note, without a window.

The controller holds what the session is doing and decides what happens next; a view (the
app) shows it: which screen, which plain message, and an activity's widget closing. Saving
belongs to the host, not to activities: the controller builds each activity's `Host`, keeps
its work in progress every few seconds (on the clock it is given) and saves what it
finishes to the portfolio.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Protocol
from collections.abc import Callable

from expressive.activity import Activity, ActivityError, Host, Therapist
from expressive.artifact import ArtifactDraft
from expressive.i18n import _
from expressive.media import MediaServices
from expressive.plans import FALLBACK_OPEN_PLAN, SessionPlan, Step
from expressive.portfolio import ArtifactRecord, Client, Portfolio, PortfolioError, Session
from expressive.registry import Registry
from expressive.session.library import ClientLibrary, SessionDrafts, picture_of, song_of
from expressive.session.running import RunningSession

log = logging.getLogger(__name__)

# The host's snapshot of the running activity's work, in that activity's drafts.
AUTOSAVE = "autosave"
AUTOSAVE_SECONDS = 3


class Repeating(Protocol):
    """A call the scheduler repeats until it is cancelled."""

    def cancel(self) -> None: ...


class Scheduler(Protocol):
    """Runs a call every so many seconds: the app's clock, or a test's fake one."""

    def every(self, seconds: float, call: Callable[[], None]) -> Repeating: ...


class SessionView(Protocol):
    """What the controller asks of whatever shows the session."""

    def go(self, screen_name: str, **details: Any) -> None:
        """Show the screen `screen_name`; `details` say what it shows."""

    def tell(self, title: str, message: str) -> None:
        """Show a plain message."""

    def activity_closed(self, failed: bool) -> None:
        """Take the open activity's widget away (and, when it `failed`, its popups too)."""


def therapist_folder(portfolio_root: Path, activity_id: str) -> Path:
    """Where the therapist puts their own files for an activity (figures, prompts): beside
    the portfolio, not in it, as they are no client's work and are never encrypted."""
    return portfolio_root.parent / "therapist-files" / activity_id


class SessionController:
    """Begins or resumes a session of `client` in `store`, and runs it step by step.

    `registry` lists the activities; `media` and `therapist` are lent to each activity
    through its `Host`; `scheduler` times the autosave; `view` shows what happens.
    """

    def __init__(
        self,
        *,
        store: Portfolio,
        registry: Registry,
        media: MediaServices,
        client: Client,
        scheduler: Scheduler,
        therapist: Therapist,
        view: SessionView,
    ):
        # Replaced when the portfolio is locked and opened again during the session.
        self.store = store
        self.registry = registry
        self.media = media
        self.client = client
        self.therapist = therapist
        self._scheduler = scheduler
        self._view = view
        self._running: RunningSession | None = None
        self.activity: Activity | None = None
        self.activity_id = ""
        self.title = ""
        self.prompt = ""
        self._activity_class: type[Activity] | None = None
        self._host: Host | None = None
        self._drafts: SessionDrafts | None = None
        # Drafts the activity finished that are not in the portfolio yet (a save failed).
        self._unsaved: list[ArtifactDraft] = []
        self._last_snapshot: bytes | None = None
        self._autosaving: Repeating | None = None

    # --- where the session is ---------------------------------------------------------

    @property
    def session(self) -> Session:
        return self._running.session

    @property
    def plan(self) -> SessionPlan:
        return self._running.plan

    @property
    def made(self) -> list[ArtifactRecord]:
        """What was saved in this session so far, oldest first."""
        return self._running.made

    def upcoming(self) -> Step | None:
        """The plan's next making step, or None once the plan has been followed through."""
        return self._running.upcoming()

    def next_activity(self) -> str | None:
        """The activity the plan's next step names, when there is one and it can be used."""
        step = self.upcoming()
        if step is not None and step.kind == "activity" and self.registry.get(step.activity):
            return step.activity
        return None

    def next_prompt(self) -> str:
        """The plan's invitation for its next activity ("Draw a safe place"), or ""."""
        next_activity = self.next_activity()
        prompt = self._running.prompt_for(next_activity) if next_activity else None
        return _(prompt) if prompt else ""

    # --- beginning ----------------------------------------------------------------------

    def begin(
        self, plan: SessionPlan, goal: str, feeling_in: int, complexity: str | None = None
    ) -> tuple[str, dict[str, Any]]:
        """Start a session; a `complexity` chosen at check-in is remembered for the client.
        Returns the screen to go to first, with its details: the plan's first activity, or
        the launcher. Raises PortfolioError when the session cannot be kept."""
        if complexity is not None and complexity != self.client.settings.get("complexity"):
            self.client = self.store.set_client_settings(self.client.id, {"complexity": complexity})
        session = self.store.start_session(self.client.id, plan_id=plan.id, goal=goal, feeling_in=feeling_in)
        self._running = RunningSession(plan=plan, session=session)
        next_activity = self.next_activity()
        return ("activity", {"activity_id": next_activity}) if next_activity else ("launcher", {})

    def resume(self, session: Session, plans: list[SessionPlan]) -> tuple[str, dict[str, Any]]:
        """Go on with a session that was interrupted (a crash, a kill, a flat battery): what
        it made counts, and an activity with work kept from before opens first."""
        plan = next((plan for plan in plans if plan.id == session.plan_id), FALLBACK_OPEN_PLAN)
        self._running = RunningSession(plan=plan, session=session)
        for artifact in self.store.artifacts(self.client.id, session.id):
            self._running.made.append(artifact)
            self._running.completed(artifact.activity)
        interrupted = next((activity_id for activity_id in self.registry.activities if self._has_kept_work(activity_id)), None)
        return ("activity", {"activity_id": interrupted}) if interrupted else ("launcher", {})

    def _has_kept_work(self, activity_id: str) -> bool:
        try:
            return self.store.read_draft(self.client.id, self.session.id, activity_id, AUTOSAVE) is not None
        except PortfolioError:
            return False

    # --- an activity --------------------------------------------------------------------

    def start_activity(self, activity_id: str, place: Callable[[Any], None]) -> bool:
        """Open the activity `activity_id`: build it with its host, `place` its widget on
        the screen, start it and keep its work every few seconds. False when it failed to
        start (it is then closed as any failed activity is)."""
        self._stop_autosaving()
        declared = self.registry.infos().get(activity_id)
        activity_class = self.registry.get(activity_id)
        if activity_class is None:
            # It failed as it was first loaded: the registry now lists it as unavailable,
            # with why, and so does the launcher.
            self._view.go("launcher")
            title = _(declared.title) if declared else activity_id
            self._view.tell(_("{activity} cannot be used").format(activity=title),
                            _("This one did not load today. Please choose something else."))
            return False
        self._activity_class = activity_class
        self.activity_id = activity_id
        prompt = self._running.prompt_for(activity_id)
        self.prompt = _(prompt) if prompt else ""
        self.title = _(activity_class.info.title)
        self._drafts = SessionDrafts(self.store, self.client.id, self.session.id, activity_id)
        self._host = Host(
            drafts=self._drafts,
            logger=logging.getLogger(f"expressive.activity.{activity_id}"),
            settings=dict(self.client.settings),
            prompt=self.prompt or None,
            pictures=ClientLibrary(self.store, self.client.id, picture_of),
            songs=ClientLibrary(self.store, self.client.id, song_of),
            media=self.media,
            therapist=self.therapist,
            services=self.registry.services,
            therapist_folder=therapist_folder(self.store.root, activity_id),
        )
        self._unsaved = []
        try:
            self.activity = activity_class(self._host)
            place(self.activity.build())
            self.activity.start()
        except Exception as error:  # an activity's own code may fail in any way
            self.activity_failed("could not start", error)
            return False
        self._last_snapshot = None
        self._autosaving = self._scheduler.every(AUTOSAVE_SECONDS, self.autosave)
        return True

    def interrupted_work(self) -> bytes | None:
        """Work of the open activity kept before a crash or a kill, to offer back, or None."""
        try:
            return self._drafts.read(AUTOSAVE)
        except PortfolioError:
            log.warning("Kept work in progress could not be read")
            return None

    def go_on_with(self, kept: bytes) -> None:
        """Continue the open activity from the interrupted work `kept`."""
        try:
            self.activity.restore(kept)
        except Exception as error:
            self.activity_failed("could not continue its work", error)

    def keep_and_start_anew(self, kept: bytes) -> None:
        """Save the interrupted work `kept` to the portfolio, leaving the open activity fresh.
        Nothing is thrown away: when it cannot be saved it stays kept, offered again."""
        earlier = self._activity_class(self._host)
        try:
            earlier.restore(kept)
            drafts = earlier.finish() if earlier.has_work() else []
            saved = [
                self.store.save_artifact(self.client.id, self.session.id, self.activity_id, draft)
                for draft in drafts
            ]
            self._drafts.delete(AUTOSAVE)
        except PortfolioError as error:
            self._view.tell(
                _("Not saved yet"),
                _("{problem}\nThe earlier work is kept; it is offered again next time.").format(problem=error),
            )
            return
        except Exception as error:
            self.activity_failed("could not save its earlier work", error)
            return
        self._running.made.extend(saved)

    def autosave(self) -> None:
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

    def done(self) -> None:
        """Save the open activity's work (if any) to the portfolio, then go back to the
        launcher. When saving fails the work stays open and a plain message says why;
        Done again saves what is still unsaved."""
        activity = self.activity
        if activity is None:
            return
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
                record = self.store.save_artifact(self.client.id, self.session.id, activity.info.id, self._unsaved[0])
            except Exception as error:
                if not isinstance(error, PortfolioError):
                    log.error("Saving failed unexpectedly", exc_info=error)
                    error = _("Something went wrong while saving.")
                self._view.tell(_("Not saved yet"), _("{problem}\nYour work is still here.").format(problem=error))
                return
            self._unsaved.pop(0)
            self._running.made.append(record)
        self._running.completed(activity.info.id)
        try:
            self._drafts.delete(AUTOSAVE)
        except PortfolioError:
            log.warning("Kept work in progress could not be removed after saving")
        self._close_activity(failed=False)
        self._view.go("launcher")

    def activity_failed(self, what: str, error: BaseException) -> None:
        """Close the activity, keep the session: it is taken out of use, its work kept so
        far stays kept, and the client sees a kind sentence and the launcher."""
        log.error("Activity %s %s", self.activity_id, what, exc_info=error)
        self._close_activity(failed=True)
        self.registry.mark_unavailable(self.activity_id, f"it {what}: {type(error).__name__}: {error}")
        self._view.go("launcher")
        self._view.tell(
            _("{activity} stopped working").format(activity=self.title),
            _("Sorry, this stopped working, so it was closed. Everything saved so far is safe. "
              "Please choose something else."),
        )

    def pause(self) -> None:
        """The app goes to the background: keep the work, then let the activity rest."""
        if self.activity is not None:
            self.autosave()
            self.activity.pause()

    def resume_activity(self) -> None:
        """The app is back in front: the activity goes on."""
        if self.activity is not None:
            self.activity.resume()

    def keep_work_before_closing(self) -> None:
        """The app is closing (or locking) with an activity open: keep its work one last time."""
        if self.activity is not None:
            self.autosave()
        self._stop_autosaving()

    def _close_activity(self, failed: bool) -> None:
        if failed and self.activity is not None:
            # A failed activity is never finished, so it would keep a camera or microphone
            # (and their threads) open until the app exits: resting is its way to let go.
            try:
                self.activity.pause()
            except Exception as error:
                log.error("Activity %s could not rest after failing", self.activity_id, exc_info=error)
        self._view.activity_closed(failed)
        self._stop_autosaving()
        self.activity = None

    def _stop_autosaving(self) -> None:
        if self._autosaving is not None:
            self._autosaving.cancel()
            self._autosaving = None

    # --- the end ------------------------------------------------------------------------

    @property
    def feeling_out(self) -> int | None:
        """The feeling (1-5) chosen at check-out, or None while none is."""
        return self._running.feeling_out

    def check_out(self, reflections: list[tuple[ArtifactRecord, str, str]], feeling_out: int | None) -> bool:
        """Keep the client's words (artifact, title, about) about what they made, and the
        feeling they chose; `made` then holds the words, so check-out shown again shows them.
        False, after a plain message, when the words could not be saved."""
        self._running.feeling_out = feeling_out
        made = self._running.made
        try:
            for artifact, title, about in reflections:
                title, about = title.strip(), about.strip()
                if (title, about) != (artifact.title, artifact.about):
                    made[made.index(artifact)] = self.store.set_reflection(artifact, title=title, about=about)
        except PortfolioError as error:
            self._view.tell(_("Not saved yet"), str(error))
            return False
        return True

    def finish(self, *, note: str, goal_met: str, homework: str) -> bool:
        """Close the session with the feeling chosen at check-out, the therapist's private
        note, whether the goal was `goal_met` ("met", "not-met" or "" when not said) and
        homework for next time (each optional). False, after a plain message, when it could
        not be saved."""
        client_id, session = self.client.id, self.session
        try:
            note = note.strip()
            if note:
                self.store.set_therapist_note(client_id, session.id, note)
            if session.goal and goal_met:
                self.store.set_goal_met(client_id, session.id, goal_met == "met")
            homework = homework.strip()
            if homework:
                self.store.set_homework(client_id, session.id, homework)
            self.store.finish_session(client_id, session.id, feeling_out=self.feeling_out)
        except PortfolioError as error:
            self._view.tell(_("Not saved yet"), str(error))
            return False
        return True
