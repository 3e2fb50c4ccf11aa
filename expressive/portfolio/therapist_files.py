"""Where several therapists' keys live in a portfolio, and unlocking as one of them.

    <root>/therapists/<therapist-id>.json          their name, public key, private key under
                                                   their passphrase (written by them alone)
    <root>/therapists/invitations/<id>.json         an invitation: the colleague's name and the
                                                   one-time code, sealed under the master key
    <root>/keys/portfolio/<therapist-id>.json       the master key sealed to the therapist
    <root>/keys/<client-id>/g<n>-<therapist-id>.json  a client's key sealed to them (`key_files`)
    <root>/keys/<client-id>/g<n>-recovery.json      ... and to the recovery key

A portfolio is "shared" once keyring.json holds no passphrase any more (see
`Keyring.shared`): then each therapist unlocks with their own passphrase.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from expressive.i18n import _
from expressive.limits import InputRefused, load_json_bounded
from expressive.security.keyring import Keyring, KeyringError, Keys, parse_recovery_key, recovery_private_key
from expressive.security.therapist_keys import (
    TherapistRecord,
    client_key_context,
    master_key_context,
    open_sealed,
    public_bytes,
    seal_to,
)

from .atomic import ensure_folder, write_file
from .key_files import KEYS, RECOVERY_HOLDER, read_key_files, write_key_file
from .layout import INDEX_FILE
from .records import PortfolioError

THERAPISTS = "therapists"
INVITATIONS = "invitations"
PORTFOLIO_GRANTS = "portfolio"
INVITATION_FORMAT = "expressive-invitation"
# Which therapist this copy's index was last opened by: local, like the index itself.
READER_FILE = f"{INDEX_FILE}-reader"
_MAX_FILE_BYTES = 16 * 1024


def therapist_file(root: Path, therapist_id: str) -> Path:
    return root / THERAPISTS / f"{therapist_id}.json"


def grant_file(root: Path, therapist_id: str) -> Path:
    return root / KEYS / PORTFOLIO_GRANTS / f"{therapist_id}.json"


def invitation_file(root: Path, invitation_id: str) -> Path:
    return root / THERAPISTS / INVITATIONS / f"{invitation_id}.json"


def is_therapist_id(text: Any) -> bool:
    return isinstance(text, str) and len(text) == 10 and text.startswith("t-") and text[2:].isalnum() and text.islower()


def write_json(path: Path, doc: dict[str, Any], *, fsync: bool) -> None:
    """A key file of the portfolio, durably; its folders are made as needed."""
    for folder in reversed(path.parents):
        if not folder.exists():
            ensure_folder(folder, fsync=fsync)
    write_file(path, (json.dumps(doc, indent=2) + "\n").encode("utf-8"), fsync=fsync)


def read_json(path: Path) -> Any:
    """A small JSON file, bounded; None when it is missing or not JSON."""
    try:
        return load_json_bounded(path.read_bytes(), max_bytes=_MAX_FILE_BYTES, what=path.name)
    except (FileNotFoundError, NotADirectoryError, InputRefused):
        return None


def read_therapists(root: Path) -> list[TherapistRecord]:
    """Every therapist whose record is whole, by name; a damaged record is left out."""
    try:
        names = sorted(path.name for path in (root / THERAPISTS).iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for name in names:
        therapist_id = name.removesuffix(".json")
        if not name.endswith(".json") or not is_therapist_id(therapist_id):
            continue
        try:
            found.append(TherapistRecord.from_doc(read_json(root / THERAPISTS / name), therapist_id))
        except KeyringError:
            continue
    return sorted(found, key=lambda record: record.name.casefold())


def find_therapist(records: list[TherapistRecord], who: str | None) -> TherapistRecord:
    """The therapist named `who` (their name in any case, or their id); without a name,
    the only one. PortfolioError in plain words otherwise."""
    if who is None or not who.strip():
        if len(records) == 1:
            return records[0]
        raise PortfolioError(_("Several therapists use this portfolio ({names}). Say which one you are.").format(
            names=", ".join(record.name for record in records)))
    wanted = who.strip().casefold()
    for record in records:
        if record.id == who.strip() or record.name.casefold() == wanted:
            return record
    raise PortfolioError(_("No therapist called {name} uses this portfolio. The therapists are: {names}.").format(
        name=who, names=", ".join(record.name for record in records)))


def unlock_as_therapist(root: Path, passphrase: str, who: str | None) -> Keys:
    """The keys of the therapist `who` (see `find_therapist`) with their passphrase:
    WrongSecret when it is not theirs; PortfolioError when they have no access yet."""
    record = find_therapist(read_therapists(root), who)
    private = record.unlock(passphrase)
    grant = read_json(grant_file(root, record.id))
    if not isinstance(grant, dict):
        raise PortfolioError(
            _("{name} has joined this portfolio, but no colleague has accepted them yet. Ask a colleague to "
              "accept you (Colleagues, or `expressive therapists give`), then open it again.").format(name=record.name))
    try:
        master = open_sealed(private, grant, master_key_context(record.id))
    except KeyringError as exc:
        raise PortfolioError(_("The portfolio cannot be unlocked for {name}: {error}.").format(
            name=record.name, error=exc)) from None
    return dataclasses.replace(Keys.from_master(master), therapist=record.id, private=private)


def same_reader(root: Path, keys: Keys | None, *, fsync: bool) -> bool:
    """Whether this copy's index was last opened by the therapist unlocking now (always
    with one passphrase). When another therapist opens it (a tablet two share), the index
    is compared with the files again, so each sees only the clients they hold a key for."""
    therapist = keys.therapist if keys is not None else ""
    path = root / READER_FILE
    try:
        last = path.read_bytes()[:64].decode("ascii", "replace")
    except FileNotFoundError:
        last = ""
    if last == therapist:
        return True
    write_file(path, therapist.encode("ascii"), fsync=fsync)
    return False


def recover_therapist(root: Path, keyring: Keyring, keys: Keys, recovery_key: str, who: str | None,
                      passphrase: str) -> Keys:
    """A therapist who forgot their passphrase, with the recovery key: a new key pair under
    `passphrase`, the master key and every client key they held sealed to it again (each
    client key opened with the recovery key's own). Their record is written last; a kill
    before it leaves the old one, and recovering again finishes the work."""
    record = find_therapist(read_therapists(root), who)
    recovery = recovery_private_key(parse_recovery_key(recovery_key))
    renewed, private = TherapistRecord.create(record.id, record.name, passphrase, keyring.kdf)
    public = public_bytes(private)
    write_json(grant_file(root, record.id), seal_to(public, keys.master, master_key_context(record.id)), fsync=True)
    for folder in sorted((root / KEYS).glob("c-*")):
        found = read_key_files(root, folder.name)
        held = {wrapped.generation for wrapped in found if wrapped.holder == record.id}
        for wrapped in found:
            if wrapped.holder == RECOVERY_HOLDER and wrapped.generation in held:
                key = open_sealed(recovery, wrapped.fields, client_key_context(folder.name, RECOVERY_HOLDER, wrapped.generation))
                write_key_file(root, folder.name, wrapped.generation, record.id,
                               seal_to(public, key, client_key_context(folder.name, record.id, wrapped.generation)), fsync=True)
    write_json(therapist_file(root, record.id), renewed.doc, fsync=True)
    return dataclasses.replace(keys, therapist=record.id, private=private)
