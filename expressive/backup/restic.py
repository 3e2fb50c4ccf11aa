"""The backup engine: the `restic` program, driven as a child process.

restic does the hard parts (content-addressed, deduplicated, encrypted snapshots; local
folders, sftp:, s3:, rest: and every other place it knows, passed through as typed). This
module only runs it and turns what it says into plain words:

- The repository password reaches restic through a pipe (`--password-file /dev/fd/N`):
  never in its arguments (which every user of the device can read with `ps`), never in
  its environment, never in a file. Our own environment's RESTIC_PASSWORD* are dropped,
  so restic cannot take a password from anywhere else.
- Its `--json` status lines are read one bounded line at a time and given to a
  `progress(Progress)` callback; its error output is kept (the last 64 KiB) to say why it
  stopped.
- A killed backup leaves a stale lock in the repository. A backup takes a shared lock, so
  another's stale one does not stop it; `unlock` (restic's own, which removes only locks
  whose program is gone) runs before a check, and before a backup that met an exclusive
  lock. (Each restic start costs a key derivation, half a second: none is wasted.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from expressive.i18n import _
from expressive.limits import InputRefused, load_json_bounded
from expressive.portfolio.records import PortfolioError

PROGRAM = "restic"
# restic's status and summary lines are a few hundred bytes; a longer one is not read.
_MAX_LINE_BYTES = 64 * 1024
_MAX_ERROR_BYTES = 64 * 1024
_MAX_SNAPSHOT_LIST_BYTES = 16 * 1024 * 1024
# restic writes its --json status this many times a second when not on a terminal.
_STATUS_PER_SECOND = "2"
_OUR_OWN_SETTINGS = ("RESTIC_PASSWORD", "RESTIC_PASSWORD_FILE", "RESTIC_PASSWORD_COMMAND", "RESTIC_REPOSITORY",
                     "RESTIC_REPOSITORY_FILE", "RESTIC_PROGRESS_FPS")
# What restic says (on its error output) for the troubles a person can do something about.
_WRONG_PASSWORD = "wrong password or no key found"
_NO_REPOSITORY = ("Is there a repository at the following location?", "unable to open config file")
_FULL = ("no space left on device", "disk quota exceeded")
_DAMAGED = ("ciphertext verification failed", "repository contains errors", "Pack ID does not match",
            "invalid data returned", "There were")
_LOCKED = "repository is already locked"
_REMOTE_SCHEMES = ("sftp", "rest", "s3", "swift", "b2", "azure", "gs", "rclone")


class BackupError(PortfolioError):
    """A backup, restore or listing could not be done; the message says why and what to do
    (a PortfolioError, so the command line and the app say it as they say the others)."""


class ResticMissing(BackupError):
    pass


class WrongPassword(BackupError):
    pass


class NoRepository(BackupError):
    pass


class RepositoryFull(BackupError):
    pass


class RepositoryDamaged(BackupError):
    pass


class RepositoryLocked(BackupError):
    pass


@dataclass(frozen=True)
class Progress:
    """How far a backup is: `fraction` from 0 to 1, and the files and bytes behind it."""

    fraction: float
    files_done: int = 0
    total_files: int = 0
    bytes_done: int = 0
    total_bytes: int = 0


@dataclass(frozen=True)
class Snapshot:
    id: str
    time: datetime
    paths: tuple[str, ...]

    @property
    def short_id(self) -> str:
        return self.id[:8]


def find_restic() -> str:
    """The path of the restic program; ResticMissing (with what to install) without it."""
    found = shutil.which(PROGRAM)
    if found is None:
        raise ResticMissing(_("Backups are made with the restic program, which is not installed. Install it "
                              "(on Debian or Ubuntu: sudo apt install restic; elsewhere: https://restic.net) "
                              "and try again."))
    return found


def exclusion(pattern: str, folder: Path) -> str:
    """A pattern of `LOCAL_ONLY_PATTERNS` as a restic --exclude for a backup of `folder`:
    one starting with "/" is anchored to the folder (restic matches excludes against
    absolute paths), one without matches the name anywhere below it."""
    if not pattern.startswith("/"):
        return pattern
    anchored = "".join("\\" + letter if letter in "*?[\\" else letter for letter in str(folder.absolute()))
    return anchored.rstrip("/") + pattern


def address_shown(repository: str) -> str:
    """The repository's address without a password or other credentials in it
    (rest:https://user:secret@host/ -> rest:https://host/), to show and to keep."""
    scheme, separator, rest = repository.rpartition("://")
    if not separator or "@" not in rest.split("/", 1)[0]:
        return repository
    return f"{scheme}://{rest.split('@', 1)[1]}"


def absolute_address(repository: str) -> str:
    """A local repository's path made absolute (restic runs in the portfolio folder during
    a backup, where a relative path would name another place); other addresses as given."""
    scheme, colon, rest = repository.partition(":")
    if colon and scheme in _REMOTE_SCHEMES:
        return repository
    if colon and scheme == "local":
        return f"local:{Path(rest).expanduser().absolute()}"
    return str(Path(repository).expanduser().absolute())


class Restic:
    """One repository, opened with its password. `environment` (default: ours) is where
    restic finds credentials for remote places (AWS_*, B2_* ...) and its cache."""

    def __init__(self, repository: str, password: str, *, environment: dict[str, str] | None = None):
        self.repository = absolute_address(repository)
        self._password = password.encode("utf-8")
        self._program = find_restic()
        chosen = dict(os.environ if environment is None else environment)
        self._environment = {name: value for name, value in chosen.items() if name not in _OUR_OWN_SETTINGS}
        self._environment["RESTIC_PROGRESS_FPS"] = _STATUS_PER_SECOND

    # --- what the commands do ---------------------------------------------------------

    def init(self) -> None:
        self._run(["init"])

    def unlock(self) -> None:
        """Remove the locks of restic programs that are gone (a killed backup's);
        NoRepository when there is no repository, WrongPassword when it will not open."""
        self._run(["unlock"])

    def backup(self, folder: Path, excludes: list[str], progress: Callable[[Progress], None] | None = None,
               *, tags: tuple[str, ...] = ()) -> str:
        """Back up the contents of `folder`; the new snapshot's id."""
        arguments = ["backup", "--json", ".", *[f"--exclude={pattern}" for pattern in excludes],
                     *[f"--tag={tag}" for tag in tags]]
        summary: dict = {}
        for message in self._messages(arguments, cwd=folder):
            kind = message.get("message_type")
            if kind == "status" and progress is not None:
                progress(_progress_of(message))
            elif kind == "summary":
                summary = message
                if progress is not None:
                    files, size = _number(message, "total_files_processed"), _number(message, "total_bytes_processed")
                    progress(Progress(1.0, files, files, size, size))
        snapshot = summary.get("snapshot_id")
        if not isinstance(snapshot, str) or not snapshot.isalnum():
            raise BackupError(_("restic finished without saying which snapshot it made. Run the backup again."))
        return snapshot

    def snapshots(self) -> list[Snapshot]:
        """The repository's snapshots, oldest first."""
        output = self._run(["snapshots", "--json"], max_output=_MAX_SNAPSHOT_LIST_BYTES)
        try:
            listed = load_json_bounded(output, max_bytes=_MAX_SNAPSHOT_LIST_BYTES)
        except InputRefused as error:
            raise BackupError(_("restic's list of snapshots could not be read: {error}").format(error=error)) from None
        snapshots = [_snapshot_of(entry) for entry in listed if isinstance(entry, dict)] if isinstance(listed, list) else []
        return sorted((snapshot for snapshot in snapshots if snapshot is not None), key=lambda snapshot: snapshot.time)

    def restore(self, snapshot: str, target: Path) -> None:
        """Restore `snapshot` ("latest" or an id) into the folder `target`, verifying every
        restored file against the repository."""
        try:
            self._run(["restore", snapshot, "--target", str(target), "--verify"])
        except RepositoryFull:
            # What fills up in a restore is the device restored onto.
            raise RepositoryFull(_("The device of {folder} is full, so the backup was not restored. Free some "
                                   "space there and restore again.").format(folder=target.parent)) from None

    def check(self, *, read_data: bool = False) -> None:
        """RepositoryDamaged when restic finds the repository damaged; `read_data` reads
        every pack too (slow: the whole repository is downloaded)."""
        self.unlock()
        self._run(["check", *(["--read-data"] if read_data else [])])

    # --- running restic ---------------------------------------------------------------

    def _run(self, arguments: list[str], *, max_output: int = _MAX_LINE_BYTES) -> bytes:
        """restic's standard output (at most `max_output` bytes are kept)."""
        with self._started(arguments) as (child, errors):
            output = child.stdout.read(max_output)
            while child.stdout.read(_MAX_LINE_BYTES):
                pass  # past the bound: drained so restic is not blocked, and dropped
        return output

    def _messages(self, arguments: list[str], *, cwd: Path) -> Iterator[dict]:
        with self._started(arguments, cwd=cwd) as (child, errors):
            for line in iter(lambda: child.stdout.readline(_MAX_LINE_BYTES), b""):
                if not line.endswith(b"\n"):
                    continue  # a line longer than the bound (its rest comes next, and is skipped too)
                try:
                    message = load_json_bounded(line, max_bytes=_MAX_LINE_BYTES)
                except InputRefused:
                    continue
                if isinstance(message, dict):
                    yield message

    @contextmanager
    def _started(self, arguments: list[str], *, cwd: Path | None = None):
        reading, writing = os.pipe()
        try:
            # A password is a few bytes: the pipe holds it whole before restic reads it.
            os.write(writing, self._password)
            os.close(writing)
            writing = -1
            child = subprocess.Popen(
                [self._program, "--repo", self.repository, f"--password-file=/dev/fd/{reading}", *arguments],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                pass_fds=(reading,), env=self._environment, cwd=cwd,
            )
        finally:
            os.close(reading)
            if writing != -1:
                os.close(writing)
        errors = _ErrorOutput(child.stderr)
        try:
            yield child, errors
        except BaseException:
            child.kill()
            raise
        finally:
            child.stdout.close()
            code = child.wait()
            said = errors.finish()
        if code != 0:
            raise self._failure(said)

    def _failure(self, said: str) -> BackupError:
        where = address_shown(self.repository)
        if _WRONG_PASSWORD in said:
            return WrongPassword(_("The password does not open the backup repository {repository}. Check it "
                                   "and try again.").format(repository=where))
        if any(words in said for words in _NO_REPOSITORY):
            return NoRepository(_("There is no backup repository at {repository}. Check the address, or make "
                                  "a backup there first.").format(repository=where))
        if any(words in said.lower() for words in _FULL):
            return RepositoryFull(_("The place of the backup repository {repository} is full. Free some space "
                                    "there and back up again: nothing was lost.").format(repository=where))
        if any(words in said for words in _DAMAGED):
            return RepositoryDamaged(_("The backup repository {repository} is damaged: restic found parts of it "
                                       "changed or missing. Nothing here was changed. Make a new backup to another "
                                       "place; 'restic check' tells more.").format(repository=where))
        if _LOCKED in said:
            return RepositoryLocked(_("Another program is using the backup repository {repository}. Wait until it "
                                 "has finished and try again.").format(repository=where))
        last = said.strip().splitlines()[-1] if said.strip() else _("no reason given")
        return BackupError(_("restic stopped: {reason}").format(reason=last.removeprefix("Fatal: ")))


class _ErrorOutput:
    """restic's error output, read on a thread of its own (so neither pipe fills and
    blocks it), the last `_MAX_ERROR_BYTES` kept."""

    def __init__(self, stream):
        self._stream = stream
        self._kept = bytearray()
        self._thread = threading.Thread(target=self._read, name="restic-errors", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for chunk in iter(lambda: self._stream.read1(_MAX_LINE_BYTES), b""):
            self._kept += chunk
            del self._kept[:-_MAX_ERROR_BYTES]

    def finish(self) -> str:
        self._thread.join()
        self._stream.close()
        return self._kept.decode("utf-8", "replace")


def _number(message: dict, name: str) -> int:
    value = message.get(name)
    return value if isinstance(value, int) and value >= 0 else 0


def _progress_of(message: dict) -> Progress:
    fraction = message.get("percent_done")
    fraction = min(1.0, max(0.0, float(fraction))) if isinstance(fraction, (int, float)) and fraction == fraction else 0.0
    return Progress(fraction, _number(message, "files_done"), _number(message, "total_files"),
                    _number(message, "bytes_done"), _number(message, "total_bytes"))


def _snapshot_of(entry: dict) -> Snapshot | None:
    identity, time, paths = entry.get("id"), entry.get("time"), entry.get("paths")
    if not isinstance(identity, str) or not identity.isalnum() or not isinstance(time, str):
        return None
    try:
        when = datetime.fromisoformat(_seconds_only(time))
    except ValueError:
        return None
    return Snapshot(identity, when, tuple(path for path in paths if isinstance(path, str)) if isinstance(paths, list) else ())


def _seconds_only(time: str) -> str:
    """restic's times have nanoseconds, which Python's ISO reader (before 3.11) refuses."""
    time = time.replace("Z", "+00:00")
    if "." not in time:
        return time
    whole, rest = time.split(".", 1)
    zone = next((index for index, letter in enumerate(rest) if letter in "+-"), len(rest))
    return whole + rest[zone:]
