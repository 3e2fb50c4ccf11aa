"""Sessions: starting and finishing them, whether their goal was met, and the homework
given in them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from expressive.feelings import FEELINGS
from expressive.i18n import N_, _
from expressive.limits import MAX_GOAL_CHARS, MAX_WORDS_CHARS

from .clients import Clients
from .disk import Disk
from .documents import SESSION_ID_TIME_FORMAT, format_time, session_document
from .layout import ARTIFACTS, SESSIONS, random_letters, unused_name
from .records import PortfolioError, ProgressRow, Session, checked_words, utc

FEELING_VALUES = tuple(feeling.value for feeling in FEELINGS)


class Sessions:
    def __init__(self, disk: Disk, clients: Clients):
        self._disk = disk
        self._clients = clients

    def start(
        self, client_id: str, *, plan_id: str, goal: str, feeling_in: int | None, started: datetime | None
    ) -> Session:
        self._clients.get(client_id)
        _check_feeling(feeling_in)
        goal = checked_words(goal, N_("goal"), MAX_GOAL_CHARS, one_line=True)
        started = utc(started)
        # Named after its start time, so the folders list in order for a person too.
        prefix = started.strftime(SESSION_ID_TIME_FORMAT)
        session_id = unused_name(
            self._disk.layout.client_dir(client_id) / SESSIONS, lambda: f"{prefix}_{random_letters()}"
        )
        session = Session(
            id=session_id, client_id=client_id, plan_id=plan_id, goal=goal,
            feeling_in=feeling_in, feeling_out=None, started=started, ended=None,
        )
        self._disk.create(
            (client_id, session_id, ""), session, session_document(session), subfolders=(ARTIFACTS,),
            action=_("start the session"),
        )
        return session

    def finish(self, client_id: str, session_id: str, *, feeling_out: int | None, ended: datetime | None) -> Session:
        self.get(client_id, session_id)
        _check_feeling(feeling_out)

        def finish(doc: dict[str, Any]) -> None:
            doc["feeling_out"] = feeling_out
            doc["ended"] = format_time(utc(ended))

        return self._disk.rewrite((client_id, session_id, ""), finish, action=_("finish the session"))

    def set_goal_met(self, client_id: str, session_id: str, met: bool | None) -> Session:
        self.get(client_id, session_id)
        if met is not None and not isinstance(met, bool):
            raise PortfolioError(_("A goal is met (True), not met (False) or not said (None), not {met}.").format(
                met=repr(met)))

        def judge(doc: dict[str, Any]) -> None:
            if met is None:
                doc.pop("goal_met", None)
            else:
                doc["goal_met"] = met

        return self._disk.rewrite((client_id, session_id, ""), judge, action=_("save whether the goal was met"))

    def set_homework(self, client_id: str, session_id: str, task: str) -> Session:
        self.get(client_id, session_id)
        if not isinstance(task, str):
            raise PortfolioError(_("Homework is a task in words, not {task}.").format(task=repr(task)))
        task = checked_words(task, N_("homework"), MAX_WORDS_CHARS).strip()

        def give(doc: dict[str, Any]) -> None:
            if not task:
                doc.pop("homework", None)
                return
            given = doc.get("homework")
            given = given if isinstance(given, dict) else {}
            done = given.get("done")
            note = given.get("note")
            doc["homework"] = {
                **given, "task": task,
                "done": done if isinstance(done, bool) else None, "note": note if isinstance(note, str) else "",
            }

        return self._disk.rewrite((client_id, session_id, ""), give, action=_("save the homework"))

    def set_homework_done(self, client_id: str, session_id: str, done: bool | None, note: str) -> Session:
        session = self.get(client_id, session_id)
        if session.homework is None:
            raise PortfolioError(_("No homework was given in session {session_id}, so it cannot be marked.").format(
                session_id=session_id))
        if done is not None and not isinstance(done, bool):
            raise PortfolioError(_("Homework is done (True), not done (False) or not yet said (None), not {done}.").format(
                done=repr(done)))
        if not isinstance(note, str):
            raise PortfolioError(_("The note on the homework is words, not {note}.").format(note=repr(note)))
        note = checked_words(note, N_("note on the homework"), MAX_WORDS_CHARS)

        def mark(doc: dict[str, Any]) -> None:
            given = doc.get("homework")
            if not isinstance(given, dict):
                raise PortfolioError(_("The homework of session {session_id} was changed meanwhile; look again.").format(
                    session_id=session_id))
            doc["homework"] = {**given, "done": done, "note": note.strip()}

        return self._disk.rewrite((client_id, session_id, ""), mark, action=_("save whether the homework was done"))

    def open_homework(self, client_id: str) -> list[tuple[Session, str]]:
        self._clients.get(client_id)
        return [(session, session.homework.task) for session in self._disk.index.open_homework(client_id)]

    def all(self, client_id: str, *, limit: int | None, offset: int) -> list[Session]:
        self._clients.get(client_id)
        return self._disk.index.sessions(client_id, limit=limit, offset=offset)

    def get(self, client_id: str, session_id: str) -> Session:
        session = self._disk.index.session(client_id, session_id)
        if session is None:
            raise PortfolioError(_("There is no session {session_id} for client {client_id} in this portfolio.").format(
                session_id=session_id, client_id=client_id))
        return session

    def progress(self, client_id: str) -> list[ProgressRow]:
        self._clients.get(client_id)
        return self._disk.index.progress(client_id)


def _check_feeling(feeling: int | None) -> None:
    if feeling is not None and (
        isinstance(feeling, bool) or not isinstance(feeling, int) or not FEELING_VALUES[0] <= feeling <= FEELING_VALUES[-1]
    ):
        raise PortfolioError(
            _("A feeling is recorded as a whole number from {lowest} to {highest}, not {feeling}.").format(
                lowest=FEELING_VALUES[0], highest=FEELING_VALUES[-1], feeling=repr(feeling))
        )
