"""Stand-ins for the session tests: a tiny activity, a clock that moves when told, a view
that writes down what it was asked to show, and a registry built in the test."""

from __future__ import annotations

import io

from PIL import Image

from expressive.activity import API_VERSION, Activity, ActivityInfo, Therapist
from expressive.artifact import ArtifactDraft
from expressive.media import MediaServices
from expressive.plans import SessionPlan, Step
from expressive.registry import Registry
from expressive.session import SessionController


def tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


class NotesActivity(Activity):
    """Words typed one after another; its widget is a plain object (no window needed)."""

    info = ActivityInfo(id="notes", title="Notes", icon="pencil", artifact_kinds=("note",), api_version=API_VERSION)

    def __init__(self, host):
        super().__init__(host)
        self.words = ""
        self.widget = None
        self.paused = False

    def build(self):
        self.widget = object()
        return self.widget

    def write(self, words: str) -> None:
        self.words += words

    def has_work(self) -> bool:
        return bool(self.words)

    def snapshot(self) -> bytes | None:
        return self.words.encode()

    def restore(self, snapshot: bytes) -> None:
        self.words = snapshot.decode()

    def pause(self) -> None:
        self.paused = True

    def finish(self) -> list[ArtifactDraft]:
        return [
            ArtifactDraft(
                kind="note",
                files={"note.txt": self.words.encode(), "thumbnail.png": tiny_png()},
                product="note.txt",
                thumbnail="thumbnail.png",
                title=self.words[:20],
            )
        ]


class SnapshotBreaks(NotesActivity):
    """Its own bug shows only when its work is kept."""

    info = ActivityInfo(id="brittle", title="Brittle", icon="pencil", artifact_kinds=("note",), api_version=API_VERSION)

    def snapshot(self) -> bytes | None:
        raise ZeroDivisionError("the activity's own bug")


class BuildBreaks(NotesActivity):
    info = ActivityInfo(id="broken", title="Broken", icon="pencil", artifact_kinds=("note",), api_version=API_VERSION)

    def build(self):
        raise RuntimeError("kaboom")


def registry_with(*activities: type[Activity]) -> Registry:
    return Registry(activities={activity.info.id: activity for activity in activities}, unavailable=[])


OPEN_PLAN = SessionPlan("open", "Open session", "The client chooses.", (Step("checkin"), Step("choice"), Step("checkout")))
GUIDED_PLAN = SessionPlan(
    "guided",
    "Guided",
    "Notes first, then a free choice.",
    (
        Step("checkin"),
        Step("activity", activity="notes", prompt="Write about your week"),
        Step("choice"),
        Step("checkout", prompts=("What does it say?",)),
    ),
)


class FakeClock:
    """A scheduler whose time passes only when a test says so."""

    def __init__(self):
        self.repeating: list[FakeRepeating] = []

    def every(self, seconds: float, call) -> FakeRepeating:
        repeating = FakeRepeating(seconds, call)
        self.repeating.append(repeating)
        return repeating

    def tick(self) -> None:
        """One interval passes: every call still scheduled runs once."""
        for repeating in list(self.repeating):
            if not repeating.cancelled:
                repeating.call()

    @property
    def running(self) -> list[FakeRepeating]:
        return [repeating for repeating in self.repeating if not repeating.cancelled]


class FakeRepeating:
    def __init__(self, seconds: float, call):
        self.seconds = seconds
        self.call = call
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeView:
    """Writes down the screens, messages and closed activities the controller asked for."""

    def __init__(self):
        self.screens: list[tuple[str, dict]] = []
        self.messages: list[tuple[str, str]] = []
        self.closed: list[bool] = []

    def go(self, screen_name: str, **details) -> None:
        self.screens.append((screen_name, details))

    def tell(self, title: str, message: str) -> None:
        self.messages.append((title, message))

    def activity_closed(self, failed: bool) -> None:
        self.closed.append(failed)

    @property
    def screen(self) -> str | None:
        return self.screens[-1][0] if self.screens else None


def new_controller(store, client, registry, clock=None, view=None, therapist=None, media=None) -> SessionController:
    return SessionController(
        store=store,
        registry=registry,
        media=media or MediaServices(sound="silent", midi="fake"),
        client=client,
        scheduler=clock or FakeClock(),
        therapist=therapist or Therapist(),
        view=view or FakeView(),
    )


def notes_session(store, client, clock=None, view=None, plan=OPEN_PLAN) -> SessionController:
    """A controller of a session begun with `plan`, with the notes activity running."""
    controller = new_controller(store, client, registry_with(NotesActivity), clock, view)
    controller.begin(plan, "", 3)
    controller.start_activity("notes", place=lambda _widget: None)
    return controller
