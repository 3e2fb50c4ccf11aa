"""Each client's data key in files of its own, each written once.

    <root>/keys/<client-id>/g<generation>-<holder>.json

`holder` says who can open the wrapped key: "master" (wrapped under a key derived from
the portfolio's master key, as keyring.json held it before: one passphrase for all), or,
once several therapists share the portfolio, a therapist's id or "recovery" (sealed to
that therapist's or the recovery key's public key, see `expressive.security.therapist_keys`). `generation`
counts the client's keys: a new one is made when a colleague's access is taken away, and
every new file is encrypted with the newest.

Why files and not entries of keyring.json: several tablets carry one portfolio in sync,
and two of them adding a client at the same moment would each rewrite keyring.json; the
sync engine keeps one of the two, and the other client's key, and so all of its work,
would be lost. A key file is written by one device, once, before any of the client's
files exists, and never rewritten, so no two devices ever write the same file.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from expressive.i18n import _
from expressive.limits import InputRefused, load_json_bounded
from expressive.security.keyring import KeyringError

from .atomic import ensure_folder, fsync_folder, write_file

KEYS = "keys"
KEY_FILE_FORMAT = "expressive-client-key"
MASTER_HOLDER = "master"
RECOVERY_HOLDER = "recovery"
_MAX_KEY_FILE_BYTES = 16 * 1024
_KEY_FILE_NAME = re.compile(r"g([1-9][0-9]{0,5})-(master|recovery|t-[a-z0-9]{8})\.json")


@dataclass(frozen=True)
class KeyFile:
    """One wrapped key of a client, as read from its file."""

    client_id: str
    generation: int
    holder: str
    fields: dict[str, Any]


def key_folder(root: Path, client_id: str) -> Path:
    return root / KEYS / client_id


def key_file(root: Path, client_id: str, generation: int, holder: str) -> Path:
    return key_folder(root, client_id) / f"g{generation}-{holder}.json"


def write_key_file(root: Path, client_id: str, generation: int, holder: str, fields: dict[str, str], *, fsync: bool) -> None:
    """Write one wrapped key, durably (the file and its folder) before returning."""
    ensure_folder(root / KEYS, fsync=fsync)
    ensure_folder(key_folder(root, client_id), fsync=fsync)
    doc = {"format": KEY_FILE_FORMAT, "client": client_id, "generation": generation, "holder": holder, **fields}
    write_file(key_file(root, client_id, generation, holder), (json.dumps(doc, indent=2) + "\n").encode("utf-8"),
               fsync=fsync)


def read_key_files(root: Path, client_id: str, holder: str | None = None) -> list[KeyFile]:
    """The client's wrapped keys (only `holder`'s, when given), newest generation first;
    [] when it has none.

    Names that are not key files (a sync engine's conflict copy, a temporary file) are
    passed over; a key file whose content does not match its name is KeyringError (so a
    damaged file of another holder never hides a therapist's own keys from them)."""
    try:
        names = sorted(path.name for path in key_folder(root, client_id).iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for name in names:
        match = _KEY_FILE_NAME.fullmatch(name)
        if match is None:
            continue
        generation, named = int(match[1]), match[2]
        if holder is not None and named != holder:
            continue
        path = key_folder(root, client_id) / name
        try:
            doc = load_json_bounded(path.read_bytes(), max_bytes=_MAX_KEY_FILE_BYTES, what=name)
        except (InputRefused, FileNotFoundError):
            doc = None
        if not (
            isinstance(doc, dict) and doc.get("format") == KEY_FILE_FORMAT and doc.get("client") == client_id
            and doc.get("generation") == generation and doc.get("holder") == named
            and all(isinstance(value, str) for value in doc.values() if not isinstance(value, int))
        ):
            raise KeyringError(_("the key file {file} of client {client_id} is damaged").format(
                file=name, client_id=client_id))
        fields = {name: value for name, value in doc.items() if name not in ("format", "client", "generation", "holder")}
        found.append(KeyFile(client_id, generation, named, fields))
    return sorted(found, key=lambda wrapped: -wrapped.generation)


def remove_key_files(root: Path, client_id: str, *, fsync: bool) -> None:
    """Remove every wrapped key of the client, durably; nothing to do when there is none."""
    folder = key_folder(root, client_id)
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in names:
        os.unlink(folder / name)
    if fsync:
        fsync_folder(folder)
    folder.rmdir()
    if fsync:
        fsync_folder(root / KEYS)
