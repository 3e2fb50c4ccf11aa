"""What the portfolio holds: its records, the errors it raises, and the words it accepts.

How each record is read from and written to its JSON file is in `documents`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

from expressive.limits import InputRefused, checked_text


class PortfolioError(Exception):
    """Something the person using the app must know about; the message is plain language."""


class WrongPassphrase(PortfolioError):
    """No passphrase, or a wrong passphrase or recovery key, was given for an encrypted
    portfolio. Nothing on disk was touched."""


class RecordError(Exception):
    """A record or file is missing or invalid; the message says why, in plain words."""


class MissingRecord(RecordError):
    """The record's file does not exist."""


class NewerVersionError(RecordError):
    """The file was written by a newer version of Expressive than this one."""


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    year_of_birth: int | None
    notes: str
    created: datetime
    # Set to a plain reason when client.json is missing or unreadable; the client is still
    # listed (under its folder id as name) so that its work stays reachable.
    damaged: str | None = None
    # What the therapist chose for this client and the app remembers between sessions,
    # e.g. {"complexity": "simple"}; activities read it through their Host.
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Homework:
    """A task the therapist gave in a session, to do before the next one.

    `done` is None until it is marked (at the next session, or any later review), then
    True or False; `note` is what was said about it then ("did half of it").
    """

    task: str
    done: bool | None = None
    note: str = ""


@dataclass(frozen=True)
class Session:
    id: str
    client_id: str
    plan_id: str
    goal: str
    feeling_in: int | None
    feeling_out: int | None
    started: datetime
    ended: datetime | None
    # Set when session.json is missing or unreadable; `started` is then read from the id.
    damaged: str | None = None
    # Whether the session's goal was met: None until someone says (at check-out or later).
    goal_met: bool | None = None
    # The homework given in this session, if any (most sessions have none).
    homework: Homework | None = None


@dataclass(frozen=True)
class Noticing:
    """What the client noticed about their work at a later look: "what I notice now"."""

    at: datetime
    text: str


@dataclass(frozen=True)
class ProgressRow:
    """One session as the progress charts see it."""

    session_id: str
    started: datetime
    plan_id: str
    goal: str
    goal_met: bool | None
    feeling_in: int | None
    feeling_out: int | None
    # Activity id -> how many pieces of work were made with it, in order of activity id.
    activities: dict[str, int]
    homework: Homework | None = None

    @property
    def artifacts(self) -> int:
        return sum(self.activities.values())


@dataclass(frozen=True)
class FileEntry:
    name: str
    role: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ArtifactRecord:
    id: str
    client_id: str
    session_id: str
    activity: str
    kind: str
    created: datetime
    title: str
    about: str
    files: tuple[FileEntry, ...]
    product: str | None
    thumbnail: str | None
    process: str | None
    metadata: dict[str, Any]
    damaged: str | None
    path: Path
    # Moments a therapist marked while reviewing how the work was made:
    # {"t": seconds into the process, "note": text, "created": ISO time}, in time order.
    marks: tuple[dict[str, Any], ...] = ()
    # The client's later words, "what I notice now", oldest first (manifest: reflection.noticings).
    noticings: tuple[Noticing, ...] = ()
    # Review aids (the therapist's private note on the work is apart, under private/).
    tags: tuple[str, ...] = ()
    starred: bool = False

    def file(self, name: str) -> FileEntry | None:
        return next((entry for entry in self.files if entry.name == name), None)


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    artifacts_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def now() -> datetime:
    return datetime.now(UTC)


def utc(moment: datetime | None) -> datetime:
    """`moment` in UTC (now when None); a naive datetime is taken to be local time."""
    return now() if moment is None else moment.astimezone(UTC)


def checked_words(text: Any, what: str, max_chars: int, *, one_line: bool = False) -> str:
    """Typed words fit to store (see `checked_text`); PortfolioError, naming the bound, when not."""
    try:
        return checked_text(text, what, max_chars, one_line=one_line)
    except InputRefused as refusal:
        raise PortfolioError(str(refusal)) from None
