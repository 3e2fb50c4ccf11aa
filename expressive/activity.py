"""The activity contract: what a plugin declares, what the host hands it, what it returns.

An activity never writes to the portfolio itself. It builds its widget, lets the client
create, and when asked to finish returns `ArtifactDraft`s; the host validates and saves
them (the Sugar model: the host owns saving). This module imports no Kivy so that the
registry, the command line and the tests can inspect activities without a window.

This is the implementation; activities reach it through `expressive.api`, the public,
versioned surface, and never import this module themselves.
"""

from __future__ import annotations

import logging
from pathlib import Path
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from expressive.artifact import ArtifactDraft, ArtifactView
from expressive.i18n import _

if TYPE_CHECKING:
    import argparse

    from expressive.api.measure import Figure
    from expressive.media import MediaServices

# The version of the activity API, (major, minor). A minor version only adds to the API,
# so an activity written for 1.0 runs on any 1.x; a major version may remove or change
# names, so an activity runs only on the major version it was written for.
# 1.1 added `Host.therapist_folder`; 1.2 the microphone (`host.media.microphone()`), the
# camera the host lends (`host.media.open_camera()`), SHOWS_PEOPLE, DraftNotKept and the
# picture maker's `paper`.
API_VERSION = (1, 2)

ACTIVITY_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{1,39}$")

# The complexity levels a client's settings can ask for; an activity shows fewer tools
# at lower levels (Tux Paint's "complexity" idea).
COMPLEXITY_LEVELS = ("simple", "standard", "full")
# How many seconds of raw camera video a movement activity may keep for this client:
# absent (never, the default) unless the therapist turns it on for them.
MOVEMENT_VIDEO_SETTING = "movement_video_seconds"
# The metadata key (of an ArtifactDraft) that says the work may show a person: a photo, a
# film made with the camera. Such work is the most sensitive the app holds, so the PDF
# report and the web portfolio leave it out unless the therapist chooses to include it.
SHOWS_PEOPLE = "shows_people"


def api_version_of(declared: object) -> tuple[int, int] | None:
    """A declared `api_version` as (major, minor): a whole number N is (N, 0), as activities
    written before minor versions declared it; None when it is neither."""
    if isinstance(declared, int) and not isinstance(declared, bool):
        return (declared, 0)
    if (
        isinstance(declared, tuple)
        and len(declared) == 2
        and all(isinstance(part, int) and not isinstance(part, bool) and part >= 0 for part in declared)
    ):
        return declared
    return None


def api_version_problem(declared: object) -> str | None:
    """Why this app cannot run an activity written for API version `declared`, naming both
    versions, or None when it can: the majors must be equal and the activity's minor no
    newer than the app's."""
    version = api_version_of(declared)
    major, minor = API_VERSION
    if version is None:
        return _("api_version {declared} must be (major, minor) such as {example}").format(
            declared=repr(declared), example=repr(API_VERSION))
    if version[0] != major or version[1] > minor:
        return _(
            "it was written for activity API {wanted}, and this app offers API "
            "{offered} (it runs activities written for {oldest} to {offered})"
        ).format(wanted=f"{version[0]}.{version[1]}", offered=f"{major}.{minor}", oldest=f"{major}.0")
    return None


def deprecated(name: str, replacement: str, *, removed_in: int | None = None) -> None:
    """Warn the caller (a DeprecationWarning) that `name` is deprecated, naming what to use
    instead and the major version of the API in which `name` goes.

    The policy: a name deprecated in version N.m keeps working, with this warning, for the
    rest of major version N and the whole of N+1, and goes in (N+2).0 at the earliest, so
    every author has one whole major version of warnings. `removed_in` defaults to N+2;
    an earlier one is refused (ValueError).
    """
    earliest = API_VERSION[0] + 2
    goes = earliest if removed_in is None else removed_in
    if goes < earliest:
        raise ValueError(
            f"{name} cannot go in API {goes}.0: a deprecated name keeps working until {earliest}.0"
        )
    warnings.warn(
        f"{name} is deprecated and goes in activity API {goes}.0; use {replacement} instead.",
        DeprecationWarning,
        stacklevel=3,
    )


class ActivityError(Exception):
    """An activity broke its contract; the message names the activity and the fault."""


class ImportRefused(ValueError):
    """A file cannot be brought into the portfolio; the message says why in plain words."""


@dataclass(frozen=True)
class ActivityInfo:
    """What an activity declares about itself; validated by the registry at discovery.

    `id` is short and lower-case ("drawing"), and the same as the activity's entry-point
    name; `title` is the label under its `icon` (a Material Design Icons name, or an image
    file beside the activity's module); `artifact_kinds` names the kinds of work it makes.
    `api_version` is the (major, minor) version of the activity API it was written for; a
    whole number N means (N, 0).
    """

    id: str
    title: str
    icon: str
    artifact_kinds: tuple[str, ...]
    api_version: tuple[int, int]
    description: str = ""

    def __post_init__(self):
        if isinstance(self.api_version, int) and not isinstance(self.api_version, bool):
            object.__setattr__(self, "api_version", (self.api_version, 0))

    def problems(self) -> list[str]:
        """Everything wrong with this declaration, in words a developer can act on."""
        found = []
        if not isinstance(self.id, str) or not ACTIVITY_ID_PATTERN.match(self.id):
            found.append(
                _("id {id} must be 2-40 characters: lower-case letters, digits, '-' or '_'").format(id=repr(self.id))
            )
        if not isinstance(self.title, str) or not self.title.strip():
            found.append(_("title is empty"))
        elif len(self.title) > 24:
            found.append(_("title {title} is longer than 24 characters (it is a label under an icon)").format(
                title=repr(self.title)))
        if not isinstance(self.icon, str) or not self.icon.strip():
            found.append(_("icon is empty"))
        kinds = self.artifact_kinds
        if not isinstance(kinds, tuple) or not kinds or not all(
            isinstance(kind, str) and ACTIVITY_ID_PATTERN.match(kind) for kind in kinds
        ):
            found.append(_("artifact_kinds must be a non-empty tuple of short lower-case names"))
        version_problem = api_version_problem(self.api_version)
        if version_problem:
            found.append(version_problem)
        return found


class DraftNotKept(Exception):
    """Work in progress could not be kept (the device is full, its folder cannot be
    written); str() says what happened in plain words, for the client's screen."""


class Drafts:
    """Where an activity keeps work in progress, by file name.

    The host stores drafts like finished work (atomically, encrypted in an encrypted
    portfolio), which is why an activity gets this rather than a folder to write into.
    """

    def write(self, name: str, data: bytes) -> None:
        """Keep `data` under `name` (a file name), replacing what was kept before; raises
        DraftNotKept (API 1.2) when it cannot be kept, and what was kept before stays."""
        raise NotImplementedError

    def read(self, name: str) -> bytes | None:
        """What was kept under `name`, or None when nothing was."""
        raise NotImplementedError


class MemoryDrafts(Drafts):
    """Drafts that live only as long as the activity, for demos and tests."""

    def __init__(self):
        self._files: dict[str, bytes] = {}

    def write(self, name: str, data: bytes) -> None:
        self._files[name] = bytes(data)

    def read(self, name: str) -> bytes | None:
        return self._files.get(name)


@dataclass(frozen=True)
class LibraryItem:
    """A piece of the client's own work an activity may use (a photo, a song)."""

    id: str
    title: str


class LibraryError(Exception):
    """An item could not be read; the message says why in plain words."""


class Library:
    """Some of the client's own work, lent to an activity: pictures to draw on, songs to
    play along with. Only the client's: an activity never sees another client's work.
    This one is empty."""

    def available(self) -> list[LibraryItem]:
        """The items, newest first."""
        return []

    def thumbnail(self, item_id: str) -> bytes | None:
        """A small PNG of the item, or None when there is none to show."""
        return None

    def read(self, item_id: str) -> bytes:
        """The item's file (a picture's PNG or JPEG, a song's MIDI file); raises LibraryError."""
        raise LibraryError(_("That is not in this portfolio any more."))


class MemoryLibrary(Library):
    """Items given as bytes, for demos and tests: {id: (title, file bytes)}; a picture's
    file is its own thumbnail."""

    def __init__(self, items: dict[str, tuple[str, bytes]]):
        self._items = dict(items)

    def available(self) -> list[LibraryItem]:
        return [LibraryItem(item_id, title) for item_id, (title, _data) in self._items.items()]

    def thumbnail(self, item_id: str) -> bytes | None:
        return self._items[item_id][1] if item_id in self._items else None

    def read(self, item_id: str) -> bytes:
        if item_id not in self._items:
            return super().read(item_id)
        return self._items[item_id][1]


class Therapist:
    """Whether the therapist, rather than the client, holds the tablet, and a way to ask
    for them before a therapist-only action.

    The app lends activities one that follows client mode as it changes and asks for the
    therapist's PIN. This one stands in where there is no app (demos, tests, the command
    line): the therapist is there or not, as it was made, and asking in their absence is
    refused, so that nothing therapist-only runs by default.
    """

    def __init__(self, present: bool = False):
        self._present = present

    def is_present(self) -> bool:
        """Whether the therapist holds the tablet now."""
        return self._present

    def ask(self, reason: str, then: Callable[[], None]) -> None:
        """Run `then` once the therapist has shown they are here (their PIN), or never.
        `reason` says in a few words what they are asked for ("Set up the movement")."""
        if self.is_present():
            then()


# The service that lets a client make a picture for another activity's work (a story's
# page, a photo drawn on, a film's drawn frame). Its factory is called as
# `make(host, on_picture, *, title, max_size, paper=None)`: it opens a full-screen place to
# make a picture, titled `title`, and returns it (a Kivy ModalView, whose on_dismiss says it
# closed); when the client chooses to use their picture it calls `on_picture(png_bytes)`
# with a PNG no larger than `max_size` (width, height), and when they cancel, nothing.
# `paper` (API 1.2) is a PNG or JPEG to draw on (a photo), kept under the drawing; one that
# cannot be opened raises ValueError (its message a plain sentence) and opens nothing.
PICTURE_MAKER = "picture-maker"


class Services:
    """What activities lend one another, by name ("picture-maker"): each activity offers
    its own through `Activity.services()`, and the host lends them all to every activity.

    `find` gives the services offered; it is called when one is first asked for, not
    before, so that a host that never needs a service never looks for one.
    """

    def __init__(self, find: Callable[[], Mapping[str, Callable[..., Any]]]):
        self._find = find
        self._offered: Mapping[str, Callable[..., Any]] | None = None

    def _all(self) -> Mapping[str, Callable[..., Any]]:
        if self._offered is None:
            self._offered = dict(self._find())
        return self._offered

    def get(self, name: str) -> Callable[..., Any] | None:
        """The service called `name`, or None when no activity offers it."""
        return self._all().get(name)

    def names(self) -> tuple[str, ...]:
        """The names of every service on offer, sorted."""
        return tuple(sorted(self._all()))


def _installed_services() -> Services:
    # Imported here: the registry imports this module.
    from expressive.registry import installed_services

    return installed_services()


@dataclass
class Host:
    """The narrow set of services the host lends an activity for one run.

    `prompt` is the session plan's invitation for this step ("Draw a safe place"), or None
    in a free-choice session. `settings` are the client's settings (e.g. "complexity").
    `drafts` keeps work in progress; `pictures` and `songs` lend the client's own
    pictures and MIDI files from the portfolio;
    `media` the sound output and MIDI input (`media.audio()`, `media.midi()`), opened
    on first use and shared with the activities that come after. `services` are what
    other activities lend (see `Services`; `picture_maker()` is one), by default those of
    every activity installed. `therapist_folder` is a folder on this tablet where the
    therapist puts files of their own for this activity (figures, prompts), which the
    activity only reads; None when the host offers none (demos, tests).

    The client holds the tablet while an activity runs (client mode), and must reach
    nothing but their own work: every therapist-only control of an activity (a set-up,
    a choice of camera or file, a setting) is either hidden while `therapist_present`
    is False, or runs through `ask_therapist`, which asks for the therapist's PIN first.
    """

    drafts: Drafts
    logger: logging.Logger
    settings: dict[str, Any] = field(default_factory=dict)
    prompt: str | None = None
    pictures: Library = field(default_factory=Library)
    songs: Library = field(default_factory=Library)
    media: MediaServices = field(default_factory=lambda: _default_media())
    therapist: Therapist = field(default_factory=Therapist)
    therapist_folder: Path | None = None
    services: Services = field(default_factory=_installed_services)

    @property
    def complexity(self) -> str:
        """The complexity level the client's settings ask for: one of COMPLEXITY_LEVELS."""
        return complexity_of(self.settings)

    def picture_maker(self) -> Callable[..., Any] | None:
        """The factory of the picture-making service (see PICTURE_MAKER), or None when no
        installed activity offers one; an activity then offers no way to make a picture."""
        return self.services.get(PICTURE_MAKER)

    @property
    def therapist_present(self) -> bool:
        """Whether the therapist holds the tablet now; it changes while an activity runs
        (the therapist may end client mode), so ask each time rather than once."""
        return self.therapist.is_present()

    def ask_therapist(self, reason: str, then: Callable[[], None]) -> None:
        """Run the therapist-only action `then`: at once when the therapist is present,
        else only after their PIN, and never if it is not given. `reason` names the action
        in a few words for the PIN dialog ("Set up the movement")."""
        self.therapist.ask(reason, then)


def _default_media() -> MediaServices:
    # Imported here: the registry imports this module, and needs no audio to list activities.
    from expressive.media import MediaServices

    return MediaServices()


def complexity_of(settings: dict[str, Any]) -> str:
    """The complexity level `settings` ask for, "standard" when none (or an unknown one)."""
    level = settings.get("complexity", "standard")
    return level if level in COMPLEXITY_LEVELS else "standard"


class Activity:
    """Base class of every activity. Subclasses set `info` and override the hooks.

    Lifecycle, all called by the host on the UI thread:
    `build()` once -> `start()` -> (`pause()` / `resume()` / `snapshot()`)* -> `finish()`,
    with `restore()` after `start()` when the client continues interrupted work, or on a
    fresh instance that is never built, to `finish()` that work and save it.
    `has_work()` tells the host whether Done should save anything at all.
    `demo_drafts()` makes example artifacts for `expressive demo` without any window.
    `viewer()` shows a saved artifact in its own way (a replay, a player) in the portfolio.
    `services()` are what the activity lends other activities through the host.
    """

    info: ClassVar[ActivityInfo]
    # File name endings (".mid") of files made elsewhere that this activity can bring
    # into a portfolio with `draft_from_file`.
    imports: ClassVar[tuple[str, ...]] = ()

    def __init__(self, host: Host):
        self.host = host

    def build(self):
        """Return the Kivy widget the client works in."""
        raise NotImplementedError

    def start(self) -> None:
        """The widget is on screen and the client may begin (start the clock, open a device)."""

    def pause(self) -> None:
        """The app goes to the background or the screen locks: stop sounds and devices."""

    def resume(self) -> None:
        """The app is back after `pause()`."""

    def has_work(self) -> bool:
        """Whether there is anything to save; False makes Done save nothing."""
        return True

    def snapshot(self) -> bytes | None:
        """The work in progress as bytes, which the host keeps every few seconds and on
        pause so that a crash, a kill or a flat battery loses (almost) nothing."""
        return None

    def restore(self, snapshot: bytes) -> None:
        """Continue from a `snapshot` taken before the app was interrupted."""

    def finish(self) -> list[ArtifactDraft]:
        """The finished work, as drafts the host validates and saves; called once, at Done."""
        raise NotImplementedError

    @classmethod
    def draft_from_file(cls, file_name: str, data: bytes) -> ArtifactDraft:
        """A file made elsewhere (named by one of `imports`), as this activity's work; raises
        ImportRefused when the file is damaged or not what its name says."""
        raise ImportRefused(_("{title} cannot bring in files.").format(title=cls.info.title))

    @classmethod
    def demo_drafts(cls, variant: int) -> list[ArtifactDraft]:
        """Example work for a newcomer's demo portfolio; `variant` varies it per session."""
        return []

    @classmethod
    def services(cls) -> dict[str, Callable[..., Any]]:
        """What this activity lends other activities, by service name, such as
        {PICTURE_MAKER: factory}; the host lends every activity's services to all. When
        two activities offer one name, the one whose id sorts first is lent."""
        return {}

    @classmethod
    def viewer(
        cls,
        artifact: ArtifactView,
        save_marks: Callable[[list[dict]], tuple[dict, ...] | None] | None = None,
        media: MediaServices | None = None,
    ):
        """A Kivy widget that shows `artifact` (a piece of work this activity made), or
        None for the host's plain view of its product picture.

        `artifact.read(name)` gives one of its files (decrypted, checked); it raises
        ArtifactUnreadable, and a viewer that fails in any way is replaced by the plain
        view. `artifact.marks` are the moments marked in review; a viewer that lets a
        therapist mark moments ({"t", "note", "created"}) hands the whole new list to
        `save_marks`, which returns the marks as stored, or None when they could not be
        saved (the host has told why). Without `save_marks` (None) the viewer offers no
        marking. `media` lends the sound output, for a viewer that plays (None: play
        nothing). The host calls `stop()` on the widget, if it has one, when the artifact
        is no longer shown.
        """
        return None

    @classmethod
    def cli_commands(cls) -> list[Command]:
        """Commands this activity adds to `expressive` (as a beets plugin adds its own), each
        a `Command`; the command line offers them beside its own for every activity it
        finds. A command whose name is taken already (by the command line or another
        activity) is left out, with a warning naming the activity."""
        return []

    @classmethod
    def benchmarks(cls, quick: bool, driver: Any) -> list[Figure]:
        """Speed figures of this activity for `expressive bench`, each a `Figure` (from
        `expressive.api.measure`) beside its budget. `quick` asks for smaller samples, for a
        smoke run that still prints every figure. Measure on scratch work only, never on a
        real portfolio, and raise RuntimeError when a figure cannot be measured at all.

        `driver` works the real app in its window, for a figure that needs it:
        `driver.open_activity(activity_id)` opens the activity in a fresh session of a
        scratch portfolio and returns the running activity and the widget it built;
        `driver.save(draft)` keeps a draft in that session as the app's Done does;
        `driver.finger(x, y)` puts a finger down (its `touch_down()`, `touch_move(x, y)`,
        `touch_up()`), `driver.drag(points, frames)` draws through window points,
        `driver.advance_frames(count)` runs the main loop, `driver.frame_milliseconds()`
        draws and shows one frame and says how long it took, and `driver.window` is Kivy's
        window; `driver.sound_output()` gives a sound engine and the words naming the
        output it plays on (the machine's, or a silent stand-in of the same pace).
        """
        return []

    @classmethod
    def screenshot_scenes(cls) -> dict[str, Callable[[Any], None]]:
        """Screens of this activity that `expressive screenshot NAME` can show, as
        {NAME: scene}. The screenshot tool brings the app on a scratch copy of a portfolio
        to a started session (the launcher), calls `scene(driver)`, and takes the picture
        when it returns. A scene opens the activity with `driver.open_activity(activity_id)`
        (the running activity and the widget it built) and works it as a client would:
        `driver.tap(widget)`, `driver.drag(points)` through window points,
        `driver.type_into(text_input, text)`, `driver.finger(x, y)` for a finger held
        down, `driver.advance_frames(count)`. A NAME the host's own screens use is
        refused."""
        return {}


@dataclass(frozen=True)
class Command:
    """A command an activity adds to `expressive` (see `Activity.cli_commands`).

    `name` is the word typed after `expressive`, `help` one line for `expressive --help`.
    `add_arguments(parser)` declares the command's own arguments on its argparse parser;
    the host adds --portfolio and --passphrase-file itself. `run(args, portfolio)` carries
    the command out with the parsed arguments and the portfolio they name, opened (and
    unlocked) by the host and closed after: `portfolio.client(wanted)` finds a client by id
    or by name, and `portfolio.bring_in(client_id, activity_id, draft)` keeps a draft made
    from something brought in, in a session of its own. `run` prints its result, says a
    problem in a sentence on stderr (beginning "expressive: "), and returns the exit
    status: 0 when it worked. A PortfolioError it lets through is printed the same way,
    with status 2.
    """

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Any], int]
