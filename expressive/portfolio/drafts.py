"""Work in progress: files an activity keeps in its drafts folder until the work is saved."""

from __future__ import annotations

from pathlib import Path

from expressive.activity import ACTIVITY_ID_PATTERN
from expressive.artifact import FILE_NAME_PATTERN
from expressive.i18n import _

from .atomic import make_folders, reason
from .disk import Disk
from .records import PortfolioError, RecordError
from .sessions import Sessions


class Drafts:
    def __init__(self, disk: Disk, sessions: Sessions):
        self._disk = disk
        self._sessions = sessions

    def folder(self, client_id: str, session_id: str, activity_id: str) -> Path:
        return self._disk.layout.drafts_dir(client_id, session_id, activity_id)

    def write(self, client_id: str, session_id: str, activity_id: str, name: str, data: bytes) -> None:
        self._sessions.get(client_id, session_id)
        _check_draft_name(activity_id, name)
        folder = self.folder(client_id, session_id, activity_id)
        with self._disk.writing(_("keep the work in progress"), folder):
            make_folders(folder)
            self._disk.write_bytes(folder / name, bytes(data))

    def read(self, client_id: str, session_id: str, activity_id: str, name: str) -> bytes | None:
        self._sessions.get(client_id, session_id)
        _check_draft_name(activity_id, name)
        try:
            return self._disk.read_bytes(self.folder(client_id, session_id, activity_id) / name)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise PortfolioError(_("The work in progress {name} cannot be read: {reason}.").format(
                name=name, reason=reason(exc))) from None
        except RecordError as exc:
            raise PortfolioError(_("The work in progress is damaged: {error}.").format(error=exc)) from None

    def delete(self, client_id: str, session_id: str, activity_id: str, name: str) -> None:
        _check_draft_name(activity_id, name)
        self._disk.remove(self.folder(client_id, session_id, activity_id) / name, _("put the work in progress aside"))


def _check_draft_name(activity_id: str, name: str) -> None:
    if not isinstance(activity_id, str) or not ACTIVITY_ID_PATTERN.match(activity_id):
        raise PortfolioError(_("The activity id {activity_id} is not valid.").format(activity_id=repr(activity_id)))
    if not isinstance(name, str) or not FILE_NAME_PATTERN.match(name):
        raise PortfolioError(_("The file name {name} is not allowed for work in progress.").format(name=repr(name)))
