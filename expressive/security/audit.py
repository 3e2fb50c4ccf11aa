"""The audit log: an append-only file of JSON lines, each sealed to the one before it.

    {"seq": 3, "time": "2026-...", "event": "open-client", "client": "c-1a2b3c4d",
     "detail": "", "alg": "hmac-sha256", "prev": "<mac of line 2>", "mac": "<mac of this line>"}

The MAC covers every field of the line and the previous line's MAC, so changing, removing,
inserting or reordering a line breaks the chain at that line. In an encrypted portfolio
the MAC is HMAC-SHA256 under the audit key (derived from the master key): nobody without
the passphrase can write a line that verifies. An unencrypted portfolio has no key, so
its chain is plain SHA-256: it shows accidental edits and careless tampering, not a
determined editor who recomputes every hash.

A portfolio that was protected after some use keeps its older SHA-256 lines; the first
HMAC line seals them (its "prev" is their last hash), and after it every line must carry
an HMAC.

Removing lines from the very end, emptying the log or deleting it cannot show in the chain
itself. So every append also replaces `audit.anchor` beside the log (atomically): the last
entry's number and MAC, sealed like a line (HMAC under the audit key, or plain SHA-256).
The anchor is not derived from the log and nothing rebuilds it: the next append checks the
log's end against it before writing (a portfolio that has a keyring must have both), and
`verify` names a log that no longer reaches it.

A log found broken is never started again at 1, which would hide the break: the next line
carries on from the anchor (its number and "prev" follow the last entry written, so the
chain shows the gap for good), and the anchor keeps a dated sentence for each break found
before an append (its "damage"), which `verify` reports every time after. Only someone
with the passphrase could seal an anchor without them; in a plain portfolio, as for its
lines, anyone could, so there it shows accidents only. What no file on the device can
show is the whole folder (log and anchor together) put back from an older copy.

Only ids and fixed event names go in: never a client's name or anything typed. A portfolio
shared by several therapists adds "by" to each line, the id of the therapist who unlocked
it (covered by the MAC like every other field); lines without it keep verifying.
Lines are appended with O_APPEND in a single write and fsynced.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from expressive.i18n import _, ngettext
from expressive.limits import InputRefused, load_json_bounded

EVENTS = (
    "unlock", "lock", "open-client", "export", "delete-client", "change-passphrase", "protect", "recover", "add-file",
    "conflict-kept", "backup", "invite", "give-access", "take-access", "chains-sealed",
)
GENESIS = "0" * 64
HMAC_ALG = "hmac-sha256"
PLAIN_ALG = "sha256"
_FIELDS = ("seq", "time", "event", "client", "detail", "alg", "prev", "mac")
_OPTIONAL_FIELDS = ("by",)
_TAIL_BLOCK = 8192
ANCHOR_FORMAT = "expressive-audit-anchor"
ANCHOR_VERSION = 1
_ANCHOR_FIELDS = ("format", "version", "seq", "mac", "damage", "alg", "seal")
# What replaces the anchor file whole and durably, called as replace_file(path, data, fsync=...).
ReplaceFile = Callable[..., None]


class AuditLogNotAFile(OSError):
    """audit.log or audit.anchor is a folder, a link or a device instead of a file: nothing
    is read through it or written into it (a link could lead to another portfolio's log).
    An OSError, so that every caller that reports a failed write reports this one too."""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    time: datetime
    event: str
    client_id: str | None
    detail: str
    # Which device's chain the entry is in: named by the chain's file, not by the line.
    device: str = ""
    # Which therapist did it (their id), in a portfolio several therapists share.
    by: str = ""


@dataclass(frozen=True)
class Anchor:
    """The last entry written (its number and MAC), and the breaks found before appends."""

    seq: int
    mac: str
    damage: tuple[str, ...] = ()
    alg: str = ""  # how it was sealed, once read


@dataclass(frozen=True)
class _Line:
    number: int
    entry: AuditEntry | None  # None: not an audit entry at all
    alg: str
    prev: str
    mac: str
    payload: bytes
    cut: bool = False  # a line that starts like an entry and stops short: an interrupted write


def _payload(seq: int, time: str, event: str, client: str | None, detail: str, alg: str, prev: str,
             by: str | None = None) -> bytes:
    fields = [seq, time, event, client, detail, alg, prev] + ([] if by is None else [by])
    return json.dumps(fields, ensure_ascii=True, separators=(",", ":")).encode()


def _parse(number: int, raw: bytes) -> _Line:
    stripped = raw.strip()
    broken = _Line(number, None, "", "", "", b"", cut=stripped.startswith(b"{") and not stripped.endswith(b"}"))
    try:
        doc = load_json_bounded(raw)
    except InputRefused:
        return broken
    if not isinstance(doc, dict) or not set(_FIELDS) <= set(doc) <= set(_FIELDS + _OPTIONAL_FIELDS):
        return broken
    seq, time, event, client, detail = doc["seq"], doc["time"], doc["event"], doc["client"], doc["detail"]
    alg, prev, mac = doc["alg"], doc["prev"], doc["mac"]
    if (
        not isinstance(seq, int) or isinstance(seq, bool)
        or not all(isinstance(value, str) for value in (time, event, detail, alg, prev, mac))
        or not (client is None or isinstance(client, str))
        or not isinstance(doc.get("by", ""), str)
    ):
        return broken
    try:
        moment = datetime.fromisoformat(time)
    except ValueError:
        return broken
    by = doc.get("by")
    entry = AuditEntry(seq=seq, time=moment, event=event, client_id=client, detail=detail, by=by or "")
    return _Line(number, entry, alg, prev, mac, _payload(seq, time, event, client, detail, alg, prev, by))


class AuditLog:
    """The log in `path` and its anchor beside it (`audit.anchor`).

    `entries_expected`: the portfolio has a keyring, so it was protected, which is always
    recorded: a log and anchor both missing there were deleted. `replace_file` writes the
    anchor atomically (the store's crash-safe writer). `vouched_head`: the (number, MAC)
    of this log's last line as a line sealed with the key in another log says it was (a
    device's log written before the portfolio was protected, which that device never
    carried on: see `chains-sealed`), so its plain lines need no sealed line of their own.
    """

    def __init__(
        self, path: Path, key: bytes | None, *, replace_file: ReplaceFile, fsync: bool = True,
        entries_expected: bool = False, vouched_head: tuple[int, str] | None = None,
    ):
        self.path = path
        self.anchor_path = path.with_suffix(".anchor")
        self._key = key
        self._fsync = fsync
        self._replace_file = replace_file
        self._entries_expected = entries_expected
        self._vouched_head = vouched_head

    def _mac(self, payload: bytes, alg: str) -> str | None:
        if alg == HMAC_ALG:
            return None if self._key is None else hmac.new(self._key, payload, hashlib.sha256).hexdigest()
        if alg == PLAIN_ALG:
            return hashlib.sha256(payload).hexdigest()
        return None

    # --- writing ---------------------------------------------------------------------

    def append(self, event: str, client_id: str | None = None, detail: str = "", by: str | None = None) -> AuditEntry:
        """Add one entry, durably, after checking the log's end against the anchor; `by`
        names the therapist who did it. OSError propagates."""
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}; one of {', '.join(EVENTS)}")
        if client_id is not None and not isinstance(client_id, str):
            raise ValueError("client_id must be a string")
        if not isinstance(detail, str):
            raise ValueError("detail must be a string")
        tail, needs_newline = self._tail()
        (seq, prev), damage, settled = self._carry_on_from(tail)
        if not settled:
            # The anchor is brought up to the log's end (or records the break) before the
            # next line, so the log is never two lines past it: an anchor that could not be
            # written twice in a row (a full disk) is no break.
            self._write_anchor(Anchor(seq, prev, tuple(damage)))
        seq += 1
        now = datetime.now(UTC)
        time = now.isoformat(timespec="microseconds")
        alg = PLAIN_ALG if self._key is None else HMAC_ALG
        payload = _payload(seq, time, event, client_id, detail, alg, prev, by)
        mac = self._mac(payload, alg)
        line = json.dumps(
            {"seq": seq, "time": time, "event": event, "client": client_id, "detail": detail,
             "alg": alg, "prev": prev, "mac": mac, **({} if by is None else {"by": by})},
            ensure_ascii=True,
        )
        data = (b"\n" if needs_newline else b"") + line.encode("ascii") + b"\n"
        created = not os.path.lexists(self.path)
        fd = _open_file(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, data)
            if self._fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        if created and self._fsync and os.name != "nt":
            folder = os.open(self.path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        # A kill here leaves the log one entry past the anchor, which the next append and
        # `verify` accept: that entry follows the anchor's.
        self._write_anchor(Anchor(seq, mac, tuple(damage)))
        return AuditEntry(seq, now, event, client_id, detail, by=by or "")

    def adopt(self, head: tuple[int, str]) -> None:
        """Anchor a log written before anchors existed at `head`, the (number, MAC) of the
        last entry written then (kept by those versions in the index)."""
        self._write_anchor(Anchor(*head))

    @property
    def anchored(self) -> bool:
        return os.path.lexists(self.anchor_path)

    def _carry_on_from(self, tail: _Line | None) -> tuple[tuple[int, str], list[str], bool]:
        """Where the next entry follows on, (number, MAC), the anchor's damage record with
        whatever is found broken now added to it, and whether the anchor says just that."""
        anchor, anchor_problem = self._read_anchor()
        end = (tail.entry.seq, tail.mac) if tail is not None else (0, GENESIS)
        # What is found here is kept in the anchor, a record: in English, as written.
        if anchor is None:
            if anchor_problem:
                found = anchor_problem
            elif tail is not None:
                found = f"the log's anchor ({self.anchor_path.name}) was missing"
            elif self._entries_expected:
                found = f"the log and its anchor ({self.anchor_path.name}) were missing"
            else:
                # A new log: its anchor is written before its first line, so that a kill
                # between that line and the next anchor leaves one that it follows.
                return end, [], False
            return end, [_dated(found)], False
        damage = list(anchor.damage)
        follows = tail is not None and tail.entry.seq == anchor.seq + 1 and tail.prev == anchor.mac
        if end == (anchor.seq, anchor.mac) or follows:
            return end, damage, not follows
        if tail is None:
            found = f"the log was missing or empty, but {anchor.seq} entries had been written"
        elif tail.entry.seq < anchor.seq:
            found = f"the log ended after entry {tail.entry.seq}, but entry {anchor.seq} had been written"
        else:
            found = f"the log's last entry was not entry {anchor.seq} as it was written"
        # Carry on from the last entry written, so that the gap stays in the chain.
        return (anchor.seq, anchor.mac), [*damage, _dated(found)], False

    def _tail(self) -> tuple[_Line | None, bool]:
        """The last valid entry's line (None when there is none), and whether the file ends
        mid-line.

        Reads backwards from the end, so appending stays cheap however long the log is.
        """
        try:
            stream = open(self.path, "rb", opener=_open_file)
        except FileNotFoundError:
            return None, False
        with stream:
            size = os.fstat(stream.fileno()).st_size
            if size == 0:
                return None, False
            stream.seek(size - 1)
            needs_newline = stream.read(1) != b"\n"
            buffer = b""
            position = size
            while position > 0:
                step = min(_TAIL_BLOCK, position)
                position -= step
                stream.seek(position)
                buffer = stream.read(step) + buffer
                lines = buffer.split(b"\n")
                # The first piece may be a partial line unless we reached the start.
                complete = lines if position == 0 else lines[1:]
                for raw in reversed(complete):
                    if not raw.strip():
                        continue
                    parsed = _parse(0, raw)
                    if parsed.entry is not None and parsed.mac:
                        return parsed, needs_newline
        return None, needs_newline

    # --- the anchor ------------------------------------------------------------------

    def _seal(self, seq: int, mac: str, damage: tuple[str, ...], alg: str) -> str | None:
        payload = json.dumps(
            [ANCHOR_FORMAT, ANCHOR_VERSION, seq, mac, list(damage), alg], ensure_ascii=True, separators=(",", ":")
        ).encode()
        return self._mac(payload, alg)

    def _write_anchor(self, anchor: Anchor) -> None:
        alg = PLAIN_ALG if self._key is None else HMAC_ALG
        document = {
            "format": ANCHOR_FORMAT, "version": ANCHOR_VERSION, "seq": anchor.seq, "mac": anchor.mac,
            "damage": list(anchor.damage), "alg": alg, "seal": self._seal(anchor.seq, anchor.mac, anchor.damage, alg),
        }
        data = json.dumps(document, ensure_ascii=True).encode("ascii") + b"\n"
        try:
            self._replace_file(self.anchor_path, data, fsync=self._fsync)
        except IsADirectoryError:
            raise AuditLogNotAFile(_not_a_file(self.anchor_path)) from None

    def _read_anchor(self) -> tuple[Anchor | None, str | None]:
        """The anchor, or why it cannot be trusted; (None, None) when there is none. The why is
        kept in the anchor's damage record as written, so it stays in English."""
        name = self.anchor_path.name
        try:
            with open(self.anchor_path, "rb", opener=_open_file) as stream:
                doc = json.loads(stream.read().decode("utf-8"))
        except FileNotFoundError:
            return None, None
        except AuditLogNotAFile as exc:
            return None, str(exc)
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            return None, f"the log's anchor ({name}) is damaged"
        if (
            not isinstance(doc, dict) or set(doc) != set(_ANCHOR_FIELDS) or doc["format"] != ANCHOR_FORMAT
            or not isinstance(doc["seq"], int) or isinstance(doc["seq"], bool) or doc["seq"] < 0
            or not isinstance(doc["mac"], str) or not isinstance(doc["alg"], str) or not isinstance(doc["seal"], str)
            or not isinstance(doc["damage"], list) or not all(isinstance(item, str) for item in doc["damage"])
        ):
            return None, f"the log's anchor ({name}) is damaged"
        damage = tuple(doc["damage"])
        if doc["alg"] == HMAC_ALG and self._key is None:
            return None, f"the log's anchor ({name}) is sealed with a key this portfolio does not have"
        expected = self._seal(doc["seq"], doc["mac"], damage, doc["alg"])
        if expected is None or not hmac.compare_digest(expected, doc["seal"]):
            return None, f"the log's anchor ({name}) was changed after it was written"
        return Anchor(doc["seq"], doc["mac"], damage, doc["alg"]), None

    # --- reading ---------------------------------------------------------------------

    def _lines(self) -> list[_Line]:
        try:
            with open(self.path, "rb", opener=_open_file) as stream:
                data = stream.read()
        except FileNotFoundError:
            return []
        raw_lines = data.split(b"\n")
        if raw_lines and raw_lines[-1] == b"":
            raw_lines.pop()
        return [_parse(number, raw) for number, raw in enumerate(raw_lines, start=1)]

    def head(self) -> tuple[int, str] | None:
        """The last entry's number and MAC; None when there is none."""
        try:
            tail, _needs_newline = self._tail()
        except AuditLogNotAFile:
            return None
        return None if tail is None or tail.entry is None else (tail.entry.seq, tail.mac)

    def sealed_entries(self) -> list[AuditEntry]:
        """The entries whose lines are sealed with the key, each MAC verified: only someone
        with the passphrase could have written them, wherever they are in the log."""
        if self._key is None:
            return []
        try:
            lines = self._lines()
        except AuditLogNotAFile:
            return []
        return [
            line.entry for line in lines
            if line.entry is not None and line.alg == HMAC_ALG
            and hmac.compare_digest(self._mac(line.payload, HMAC_ALG) or "", line.mac)
        ]

    def entries(self) -> list[AuditEntry]:
        """Every readable entry, in file order (damaged lines, and a log that is not a file,
        are left out; `verify` names them)."""
        try:
            lines = self._lines()
        except AuditLogNotAFile:
            return []
        return [line.entry for line in lines if line.entry is not None]

    def verify(self) -> list[str]:
        """What is wrong with the log, one plain sentence per broken line or break found;
        [] when intact. Checked against the anchor, so that lines removed from the end, an
        emptied or a deleted log are named too."""
        try:
            lines = self._lines()
        except AuditLogNotAFile as exc:
            anchor, anchor_problem = self._read_anchor()
            return [str(exc), *([anchor_problem] if anchor_problem else []),
                    *(_("found on {found}").format(found=found) for found in (anchor.damage if anchor else ()))]
        problems: list[str] = []
        prev_mac, prev_seq = GENESIS, 0
        signed_since = None
        last_number = len(lines)
        for line in lines:
            number = line.number
            if line.entry is None:
                if line.cut:
                    problems.append(_("line {number} is incomplete: writing it was interrupted").format(number=number))
                else:
                    problems.append(_("line {number} is not an audit entry: it was changed or damaged").format(
                        number=number))
                continue
            expected = self._mac(line.payload, line.alg)
            if line.alg == HMAC_ALG and self._key is None:
                problems.append(_("line {number} is sealed with a key this portfolio does not have").format(
                    number=number))
            elif expected is None or not hmac.compare_digest(expected, line.mac):
                problems.append(_("line {number} was changed after it was written").format(number=number))
            elif self._key is not None and line.alg == PLAIN_ALG and signed_since is not None:
                problems.append(
                    _("line {number} is not sealed with the portfolio's key, unlike the lines before it: it was "
                       "added or changed by hand").format(number=number)
                )
            elif line.prev != prev_mac or line.entry.seq != prev_seq + 1:
                problems.append(
                    _("line {number} does not follow the line before it: lines were removed, inserted or moved "
                       "here").format(number=number)
                )
            if line.alg == HMAC_ALG and signed_since is None:
                signed_since = number
            # Carry on from this line, so that one break is reported once.
            prev_mac, prev_seq = line.mac, line.entry.seq
        if self._key is not None and lines and signed_since is None and self.head() != self._vouched_head:
            problems.append(
                _("line {number}: no line is sealed with the portfolio's key, so lines were removed or "
                   "the log was replaced").format(number=last_number)
            )
        anchor, anchor_problem = self._read_anchor()
        if anchor_problem:
            problems.append(anchor_problem)
        elif anchor is None:
            if lines:
                problems.append(
                    _("the log's anchor ({file}) is missing: it was deleted, so lines removed from the end "
                       "of the log could go unnoticed").format(file=self.anchor_path.name)
                )
            elif self._entries_expected:
                problems.append(_("the log and its anchor ({file}) are missing: they were deleted").format(
                    file=self.anchor_path.name))
        else:
            problems += self._short_of(anchor, lines, last_number, quiet=bool(problems))
            problems += [_("found on {found}").format(found=found) for found in anchor.damage]
        return problems

    def _short_of(self, anchor: Anchor, lines: list[_Line], last_number: int, *, quiet: bool) -> list[str]:
        """Whether the log still holds the anchor's entry as it was written."""
        if anchor.seq == 0:
            return []  # a new log's anchor, written before its first entry: nothing to miss
        head = next(
            (line for line in lines if line.entry is not None and line.entry.seq == anchor.seq and line.mac == anchor.mac),
            None,
        )
        if head is not None:
            if self._key is not None and head.alg == HMAC_ALG and anchor.alg == PLAIN_ALG:
                return [_("the log's anchor ({file}) is not sealed with the portfolio's key: it was replaced").format(
                    file=self.anchor_path.name)]
            return []
        if not any(line.entry is not None for line in lines):
            return [ngettext("the log is missing or empty, but {n} entry was written: it was deleted or emptied",
                             "the log is missing or empty, but {n} entries were written: it was deleted or emptied",
                             anchor.seq).format(n=anchor.seq)]
        kept = max(line.entry.seq for line in lines if line.entry is not None)
        if kept < anchor.seq:
            return [
                _("line {number}: the log ends after entry {kept}, but entry {written} was "
                  "written: lines were removed from its end").format(
                      number=last_number + 1, kept=kept, written=anchor.seq)
            ]
        return [] if quiet else [
            _("entry {written}, the last one written, is not in the log as it was written").format(written=anchor.seq)]



def _open_file(path: str | Path, flags: int) -> int:
    """Open the log or its anchor (0600 when created) without following a link, and only
    when it is a regular file; AuditLogNotAFile otherwise."""
    try:
        fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0), 0o600)
    except IsADirectoryError:
        raise AuditLogNotAFile(_not_a_file(Path(path))) from None
    except OSError:
        if os.path.islink(path):
            raise AuditLogNotAFile(_not_a_file(Path(path))) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise AuditLogNotAFile(_not_a_file(Path(path)))
    return fd


def _not_a_file(path: Path) -> str:
    return _(
        "{file} is not a file but a folder, a link or a device put in its place, so nothing is read "
        "from it or recorded in it: move it out of the portfolio, and the break stays on record"
    ).format(file=path.name)


def _dated(found: str) -> str:
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {found}"
