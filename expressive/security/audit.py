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

Removing lines from the very end cannot show in the chain itself; the store keeps the last
sequence number and MAC beside the log (in the index) and compares them (`verify(head=)`).

Only ids and fixed event names go in: never a client's name or anything typed.
Lines are appended with O_APPEND in a single write and fsynced.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from expressive.limits import InputRefused, load_json_bounded

EVENTS = ("unlock", "lock", "open-client", "export", "delete-client", "change-passphrase", "protect", "recover")
GENESIS = "0" * 64
HMAC_ALG = "hmac-sha256"
PLAIN_ALG = "sha256"
_FIELDS = ("seq", "time", "event", "client", "detail", "alg", "prev", "mac")
_TAIL_BLOCK = 8192


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    time: datetime
    event: str
    client_id: str | None
    detail: str


@dataclass(frozen=True)
class _Line:
    number: int
    entry: AuditEntry | None  # None: not an audit entry at all
    alg: str
    prev: str
    mac: str
    payload: bytes
    cut: bool = False  # a line that starts like an entry and stops short: an interrupted write


def _payload(seq: int, time: str, event: str, client: str | None, detail: str, alg: str, prev: str) -> bytes:
    return json.dumps([seq, time, event, client, detail, alg, prev], ensure_ascii=True, separators=(",", ":")).encode()


def _parse(number: int, raw: bytes) -> _Line:
    stripped = raw.strip()
    broken = _Line(number, None, "", "", "", b"", cut=stripped.startswith(b"{") and not stripped.endswith(b"}"))
    try:
        doc = load_json_bounded(raw)
    except InputRefused:
        return broken
    if not isinstance(doc, dict) or set(doc) != set(_FIELDS):
        return broken
    seq, time, event, client, detail = doc["seq"], doc["time"], doc["event"], doc["client"], doc["detail"]
    alg, prev, mac = doc["alg"], doc["prev"], doc["mac"]
    if (
        not isinstance(seq, int) or isinstance(seq, bool)
        or not all(isinstance(value, str) for value in (time, event, detail, alg, prev, mac))
        or not (client is None or isinstance(client, str))
    ):
        return broken
    try:
        moment = datetime.fromisoformat(time)
    except ValueError:
        return broken
    entry = AuditEntry(seq=seq, time=moment, event=event, client_id=client, detail=detail)
    return _Line(number, entry, alg, prev, mac, _payload(seq, time, event, client, detail, alg, prev))


class AuditLog:
    def __init__(self, path: Path, key: bytes | None, *, fsync: bool = True):
        self.path = path
        self._key = key
        self._fsync = fsync
        self._head: tuple[int, str] | None = None  # (seq, mac) of the last line, once known

    @property
    def head(self) -> tuple[int, str] | None:
        return self._head

    def _mac(self, payload: bytes, alg: str) -> str | None:
        if alg == HMAC_ALG:
            return None if self._key is None else hmac.new(self._key, payload, hashlib.sha256).hexdigest()
        if alg == PLAIN_ALG:
            return hashlib.sha256(payload).hexdigest()
        return None

    # --- writing ---------------------------------------------------------------------

    def append(self, event: str, client_id: str | None = None, detail: str = "") -> AuditEntry:
        """Add one entry, durably. OSError propagates."""
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r}; one of {', '.join(EVENTS)}")
        if client_id is not None and not isinstance(client_id, str):
            raise ValueError("client_id must be a string")
        if not isinstance(detail, str):
            raise ValueError("detail must be a string")
        seq, prev, needs_newline = self._tail()
        seq += 1
        time = datetime.now(timezone.utc).isoformat(timespec="microseconds")
        alg = PLAIN_ALG if self._key is None else HMAC_ALG
        payload = _payload(seq, time, event, client_id, detail, alg, prev)
        mac = self._mac(payload, alg)
        line = json.dumps(
            {"seq": seq, "time": time, "event": event, "client": client_id, "detail": detail,
             "alg": alg, "prev": prev, "mac": mac},
            ensure_ascii=True,
        )
        data = (b"\n" if needs_newline else b"") + line.encode("ascii") + b"\n"
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
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
        self._head = (seq, mac)
        return AuditEntry(seq, datetime.fromisoformat(time), event, client_id, detail)

    def _tail(self) -> tuple[int, str, bool]:
        """(seq, mac) of the last valid line, and whether the file ends mid-line.

        Reads backwards from the end, so appending stays cheap however long the log is.
        """
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return 0, GENESIS, False
        if size == 0:
            return 0, GENESIS, False
        with open(self.path, "rb") as stream:
            stream.seek(size - 1)
            needs_newline = stream.read(1) != b"\n"
            if self._head is not None and not needs_newline:
                return self._head[0], self._head[1], False
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
                        return parsed.entry.seq, parsed.mac, needs_newline
        return 0, GENESIS, needs_newline

    # --- reading ---------------------------------------------------------------------

    def _lines(self) -> list[_Line]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        raw_lines = data.split(b"\n")
        if raw_lines and raw_lines[-1] == b"":
            raw_lines.pop()
        return [_parse(number, raw) for number, raw in enumerate(raw_lines, start=1)]

    def entries(self) -> list[AuditEntry]:
        """Every readable entry, in file order (damaged lines are left out; `verify` names them)."""
        return [line.entry for line in self._lines() if line.entry is not None]

    def verify(self, *, head: tuple[int, str] | None = None) -> list[str]:
        """What is wrong with the log, one plain sentence per broken line; [] when intact.

        `head` is the (seq, mac) last written, kept elsewhere, to notice lines removed from
        the end.
        """
        problems: list[str] = []
        lines = self._lines()
        prev_mac, prev_seq = GENESIS, 0
        signed_since = None
        last_number = len(lines)
        for line in lines:
            number = line.number
            if line.entry is None:
                if line.cut:
                    problems.append(f"line {number} is incomplete: writing it was interrupted")
                else:
                    problems.append(f"line {number} is not an audit entry: it was changed or damaged")
                continue
            expected = self._mac(line.payload, line.alg)
            if line.alg == HMAC_ALG and self._key is None:
                problems.append(f"line {number} is sealed with a key this portfolio does not have")
            elif expected is None or not hmac.compare_digest(expected, line.mac):
                problems.append(f"line {number} was changed after it was written")
            elif self._key is not None and line.alg == PLAIN_ALG and signed_since is not None:
                problems.append(
                    f"line {number} is not sealed with the portfolio's key, unlike the lines before it: "
                    "it was added or changed by hand"
                )
            elif line.prev != prev_mac or line.entry.seq != prev_seq + 1:
                problems.append(
                    f"line {number} does not follow the line before it: "
                    "lines were removed, inserted or moved here"
                )
            if line.alg == HMAC_ALG and signed_since is None:
                signed_since = number
            # Carry on from this line, so that one break is reported once.
            prev_mac, prev_seq = line.mac, line.entry.seq
        if self._key is not None and lines and signed_since is None:
            problems.append(
                f"line {last_number}: no line is sealed with the portfolio's key, "
                "so lines were removed or the log was replaced"
            )
        if head is not None:
            seq, mac = head
            present = any(line.entry is not None and line.entry.seq == seq and line.mac == mac for line in lines)
            if not present:
                kept = max((line.entry.seq for line in lines if line.entry is not None), default=0)
                if kept < seq:
                    problems.append(
                        f"line {last_number + 1}: the log ends after entry {kept}, but entry {seq} was "
                        "written: lines were removed from its end"
                    )
                elif not problems:
                    problems.append(f"entry {seq}, the last one written, is not in the log as it was written")
        return problems
