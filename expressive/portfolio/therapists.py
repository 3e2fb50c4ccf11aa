"""Several therapists sharing one portfolio, each with their own passphrase.

The flow (see `therapist_files` for where each key lives):

1. Therapist A invites a colleague by name: an invitation file, and a one-time code shown
   once on A's screen and told to the colleague in person. The first invitation makes the
   portfolio shared: A becomes its first therapist (with the passphrase A uses today), every
   client key is sealed to A and to a new recovery key (shown once), and keyring.json stops
   holding a passphrase.
2. The colleague, on a tablet with the same portfolio (synced), joins with the code and a
   passphrase of their own: their key pair is made there, and their record carries a MAC,
   under the code, of their name and public key.
3. A (or any therapist already in) accepts them: the MAC is checked against the code kept
   sealed in the invitation, then the master key is sealed to the colleague. Someone who
   could only write into the folder (the clinic's sync server, a stranger's device) cannot
   make a record that passes, so is never given a key. The invitation is then removed.
4. Access to each client is given one by one: every generation of the client's key is
   sealed to the colleague. Taking it away removes the colleague's sealed keys and makes a
   new generation, sealed to the therapists who keep access: new files are encrypted with
   it, old files stay under the generation they were written with. A colleague who copied
   old files and their keys before could still read those copies; nothing new.
"""

from __future__ import annotations

import base64
import dataclasses
import os
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from expressive.i18n import N_, _
from expressive.limits import checked_text
from expressive.security.cipher import DecryptionError, new_key, seal, unseal
from expressive.security.keyring import KdfParams, new_recovery_secret, recovery_private_key
from expressive.security.therapist_keys import (
    MAX_THERAPIST_NAME_CHARS,
    TherapistRecord,
    invitation_proof,
    master_key_context,
    proof_matches,
    public_bytes,
    seal_to,
)

from .atomic import fsync_folder
from .auditing import Audit
from .disk import writing
from .folder import hold
from .key_files import KEYS, MASTER_HOLDER, RECOVERY_HOLDER, key_file, read_key_files
from .layout import random_letters
from .lock import release
from .records import PortfolioError, WrongPassphrase, now
from .therapist_files import (
    INVITATION_FORMAT,
    INVITATIONS,
    PORTFOLIO_GRANTS,
    THERAPISTS,
    find_therapist,
    grant_file,
    invitation_file,
    read_json,
    read_therapists,
    therapist_file,
    write_json,
)
from .vault import Vault, check_new_passphrase, drop_master_wrapped_keys, load_keyring

_CODE_SECRET_LETTERS = 12
_INVITATION_ID_LETTERS = 4


@dataclass(frozen=True)
class Colleague:
    """A therapist of the portfolio, as the Colleagues screen lists them."""

    id: str
    name: str
    accepted: bool  # the master key is sealed to them: they can unlock
    is_me: bool


@dataclass(frozen=True)
class Invitation:
    name: str
    code: str  # shown once, told to the colleague in person
    recovery_key: str | None  # the new recovery key when this invitation made the portfolio shared


def _invitation_aad(invitation_id: str) -> bytes:
    return b"expressive invitation code\x00" + invitation_id.encode()


def _check_client_id(client_id: object) -> None:
    """A client id as the store makes them ("c-" and 8 hex digits), so a typed one never
    leads out of the keys folder."""
    if not (isinstance(client_id, str) and len(client_id) == 10 and client_id.startswith("c-")
            and all(char in "0123456789abcdef" for char in client_id[2:])):
        raise PortfolioError(_("There is no client {client_id} in this portfolio.").format(client_id=client_id))


def _is_invitation_id(text: object) -> bool:
    return isinstance(text, str) and len(text) == _INVITATION_ID_LETTERS and text.isalnum() and text.isascii()


def _checked_name(name: object) -> str:
    name = checked_text(name if isinstance(name, str) else "", N_("therapist's name"), MAX_THERAPIST_NAME_CHARS,
                        one_line=True).strip()
    if not name:
        raise PortfolioError(_("A therapist needs a name."))
    return name


def parse_code(code: str) -> tuple[str, str]:
    """(invitation id, secret) from a code as typed: case, spaces and dashes do not matter."""
    cleaned = "".join(str(code).split()).replace("-", "").lower()
    if len(cleaned) != _INVITATION_ID_LETTERS + _CODE_SECRET_LETTERS or not cleaned.isalnum():
        raise PortfolioError(_("That is not an invitation code. A code has 16 letters and digits in 4 groups, "
                               "like ABCD-EFGH-JKLM-NPQR."))
    return cleaned[:_INVITATION_ID_LETTERS], cleaned[_INVITATION_ID_LETTERS:]


def therapist_names(root: Path) -> list[str]:
    """The names of the therapists who share the portfolio in `root`, by name; [] while one
    passphrase opens it. Read without unlocking, for the lock screen."""
    try:
        shared = load_keyring(root).shared
    except PortfolioError:
        return []
    return [record.name for record in read_therapists(root)] if shared else []


def _new_therapist_id(root: Path) -> str:
    while True:
        therapist_id = f"t-{random_letters(8)}"
        if not therapist_file(root, therapist_id).exists():
            return therapist_id


def join(root: Path, code: str, name: str, passphrase: str, kdf: KdfParams | None = None) -> str:
    """Join the shared portfolio in `root` with an invitation's code and a passphrase of
    one's own (on one's own tablet, the portfolio locked); returns the new therapist's id.
    They can unlock once a colleague has accepted them."""
    name = _checked_name(name)
    check_new_passphrase(passphrase)
    invitation_id, secret = parse_code(code)
    hold(root)
    try:
        keyring = load_keyring(root)
        invitation = read_json(invitation_file(root, invitation_id))
        if not keyring.shared or not isinstance(invitation, dict) or invitation.get("format") != INVITATION_FORMAT:
            raise PortfolioError(_("There is no invitation with this code in {root}. Check the code, and that this "
                                   "tablet has the portfolio in sync.").format(root=root))
        if any(record.name.casefold() == name.casefold() for record in read_therapists(root)):
            raise PortfolioError(_("A therapist called {name} already uses this portfolio.").format(name=name))
        therapist_id = _new_therapist_id(root)
        record, private = TherapistRecord.create(therapist_id, name, passphrase, kdf or keyring.kdf)
        record.doc["invitation"] = invitation_id
        record.doc["proof"] = invitation_proof(secret.encode(), invitation_id, therapist_id, name, public_bytes(private))
        write_json(therapist_file(root, therapist_id), record.doc, fsync=True)
        return therapist_id
    finally:
        release(root)


class Therapists:
    """An open portfolio's therapists: who they are, invitations, and who sees which client."""

    def __init__(self, vault: Vault, audit: Audit):
        self._vault = vault
        self._audit = audit

    @property
    def _root(self) -> Path:
        return self._vault.root

    @property
    def shared(self) -> bool:
        return self._vault.keyring is not None and self._vault.keyring.shared

    @property
    def me(self) -> str:
        """The unlocked therapist's id; "" while one passphrase opens the portfolio."""
        return self._vault.keys.therapist if self._vault.keys else ""

    def _require_keys(self, action: str) -> None:
        self._vault.require_keyring(action)

    def colleagues(self) -> list[Colleague]:
        """Every therapist who has joined, by name; [] while the portfolio is not shared."""
        if not self.shared:
            return []
        return [Colleague(record.id, record.name, grant_file(self._root, record.id).exists(), record.id == self.me)
                for record in read_therapists(self._root)]

    def invitations(self) -> list[str]:
        """The names of colleagues invited who have not joined yet."""
        try:
            paths = sorted((self._root / THERAPISTS / INVITATIONS).glob("*.json"))
        except OSError:
            return []
        joined = {record.doc.get("invitation") for record in read_therapists(self._root)}
        docs = [read_json(path) for path in paths]
        return [doc["name"] for doc in docs if isinstance(doc, dict) and isinstance(doc.get("name"), str)
                and 0 < len(doc["name"]) <= MAX_THERAPIST_NAME_CHARS and doc.get("id") not in joined]

    def who_sees(self, client_id: str) -> list[str]:
        """The ids of the therapists holding the client's newest key."""
        found = read_key_files(self._root, client_id)
        newest = found[0].generation if found else 0
        return sorted(wrapped.holder for wrapped in found
                      if wrapped.generation == newest and wrapped.holder not in (MASTER_HOLDER, RECOVERY_HOLDER))

    # --- inviting -----------------------------------------------------------------------

    def invite(self, name: str, passphrase: str, my_name: str | None = None) -> Invitation:
        """Invite a colleague (see the module's flow); `passphrase` is the inviting
        therapist's, asked again. The first invitation makes the portfolio shared, with
        `my_name` (else "Therapist") as the inviting therapist's name."""
        self._require_keys(_("invite a colleague"))
        name = _checked_name(name)
        if not self._vault.verify_passphrase(passphrase):
            raise WrongPassphrase(_("The passphrase is not right, so nobody was invited."))
        if any(colleague.name.casefold() == name.casefold() for colleague in self.colleagues()):
            raise PortfolioError(_("A therapist called {name} already uses this portfolio.").format(name=name))
        recovery_key = None
        with self._vault_writing(_("invite a colleague")):
            if not self.shared:
                recovery_key = self._share(_checked_name(my_name or _("Therapist")), passphrase)
            invitation_id = random_letters(_INVITATION_ID_LETTERS)
            secret = random_letters(_CODE_SECRET_LETTERS)
            sealed = seal(self._vault.keys.wrapping, secret.encode(), _invitation_aad(invitation_id))
            write_json(invitation_file(self._root, invitation_id), {
                "format": INVITATION_FORMAT, "id": invitation_id, "name": name, "by": self.me,
                "made": now().isoformat(timespec="seconds"), "code": base64.b64encode(sealed).decode("ascii"),
            }, fsync=self._vault.fsync)
        self._audit.record_after(_("The colleague was invited"), "invite", detail=invitation_id)
        text = (invitation_id + secret).upper()
        code = "-".join(text[i:i + 4] for i in range(0, len(text), 4))
        return Invitation(name, code, recovery_key)

    def _vault_writing(self, action: str) -> AbstractContextManager[None]:
        return writing(action, self._root, self._root)

    def _share(self, my_name: str, passphrase: str) -> str:
        """Make the portfolio shared, with the therapist unlocking it now as its first:
        their record, the master key and every client key sealed to them and to a new
        recovery key, all written first; then keyring.json without the passphrase (from
        that moment each therapist unlocks with their own); then the keys wrapped under the
        master key are removed, since every colleague will hold the master key."""
        vault, root = self._vault, self._root
        keys, fsync = vault.keys, vault.fsync
        _remove_unshared_leftovers(root)
        therapist_id = _new_therapist_id(root)
        record, private = TherapistRecord.create(therapist_id, my_name, passphrase, vault.keyring.kdf)
        write_json(therapist_file(root, therapist_id), record.doc, fsync=fsync)
        write_json(grant_file(root, therapist_id), seal_to(record.public, keys.master, master_key_context(therapist_id)),
                   fsync=fsync)
        recovery_secret = new_recovery_secret()
        recovery_public = public_bytes(recovery_private_key(recovery_secret))
        clients = _clients_with_keys(root)
        for client_id in clients:
            for wrapped in read_key_files(root, client_id):
                if wrapped.holder == MASTER_HOLDER:
                    key = vault.open_key_file(wrapped)
                    vault.seal_client_key(client_id, wrapped.generation, key, therapist_id, record.public)
                    vault.seal_client_key(client_id, wrapped.generation, key, RECOVERY_HOLDER, recovery_public)
        recovery_key = vault.update_keyring(lambda keyring: keyring.share(keys.master, recovery_secret))
        drop_master_wrapped_keys(root, vault.keyring, fsync=fsync)
        vault.become(dataclasses.replace(keys, therapist=therapist_id, private=private))
        self._audit.therapist = therapist_id
        return recovery_key

    # --- accepting, giving and taking ----------------------------------------------------

    def _record(self, who: str) -> TherapistRecord:
        return find_therapist(read_therapists(self._root), who)

    def accept(self, who: str) -> None:
        """Let a colleague who joined unlock the portfolio, once their record proves they
        hold the invitation's code; nothing to do when they already can."""
        self._require_shared(_("accept a colleague"))
        record = self._record(who)
        if grant_file(self._root, record.id).exists():
            return
        invitation_id = record.doc.get("invitation")
        invitation = read_json(invitation_file(self._root, invitation_id)) if _is_invitation_id(invitation_id) else None
        try:
            secret = unseal(self._vault.keys.wrapping, base64.b64decode(str(invitation["code"]), validate=True),
                            _invitation_aad(invitation_id))
        except (TypeError, KeyError, ValueError, DecryptionError):
            raise PortfolioError(_("{name} did not join with an invitation of this portfolio, so they were not "
                                   "accepted. Invite them again.").format(name=record.name)) from None
        expected = invitation_proof(secret, invitation_id, record.id, record.name, record.public)
        if str(invitation.get("name", "")).casefold() != record.name.casefold() or not proof_matches(expected, record.doc.get("proof")):
            raise PortfolioError(_("{name}'s joining does not match the invitation's code, so they were not accepted. "
                                   "Someone else may have tried to join: invite them again.").format(name=record.name))
        with self._vault_writing(_("accept a colleague")):
            write_json(grant_file(self._root, record.id),
                       seal_to(record.public, self._vault.keys.master, master_key_context(record.id)), fsync=self._vault.fsync)
            invitation_file(self._root, invitation_id).unlink(missing_ok=True)
        self._audit.record_after(_("The colleague was accepted"), "give-access", detail=record.id)

    def give(self, client_id: str, who: str) -> None:
        """Seal every generation of the client's key this therapist holds to the colleague
        `who` (accepting them first if need be)."""
        self._require_shared(_("give access to a client"))
        _check_client_id(client_id)
        record = self._record(who)
        self.accept(record.id)
        held = [(wrapped.generation, self._vault.open_key_file(wrapped)) for wrapped in read_key_files(self._root, client_id)
                if wrapped.holder == self.me]
        if not held:
            raise PortfolioError(_("You have no access to the client {client_id}, so you cannot give it.").format(
                client_id=client_id))
        with self._vault_writing(_("give access to a client")):
            for generation, key in held:
                if not key_file(self._root, client_id, generation, record.id).exists():
                    self._vault.seal_client_key(client_id, generation, key, record.id, record.public)
        self._audit.record_after(_("Access was given"), "give-access", client_id, record.id)

    def take(self, client_id: str, who: str) -> None:
        """Take the colleague's access to the client: their sealed keys go, and a new
        generation of the client's key, sealed to the therapists who keep access (and the
        recovery key), encrypts every new file from now on."""
        self._require_shared(_("take access to a client"))
        _check_client_id(client_id)
        record = self._record(who)
        if record.id == self.me:
            raise PortfolioError(_("You cannot take your own access. Ask a colleague to take it."))
        found = read_key_files(self._root, client_id)
        theirs = [wrapped for wrapped in found if wrapped.holder == record.id]
        if not theirs:
            raise PortfolioError(_("{name} has no access to the client {client_id}.").format(
                name=record.name, client_id=client_id))
        if not any(wrapped.holder == self.me for wrapped in found):
            raise PortfolioError(_("You have no access to the client {client_id}, so you cannot take it.").format(
                client_id=client_id))
        generation = found[0].generation + 1
        keeping = {wrapped.holder for wrapped in found if wrapped.generation == found[0].generation} - {
            record.id, RECOVERY_HOLDER, MASTER_HOLDER}
        publics = {colleague.id: colleague.public for colleague in read_therapists(self._root)}
        key = new_key()
        with self._vault_writing(_("take access to a client")):
            # The new generation first: a kill before the old keys go leaves access as it
            # was plus an unused generation, and taking access again finishes the work.
            for holder in sorted(keeping | {self.me}):
                if holder in publics:
                    self._vault.seal_client_key(client_id, generation, key, holder, publics[holder])
            self._vault.seal_client_key(client_id, generation, key, RECOVERY_HOLDER, self._vault.keyring.recovery_public)
            for wrapped in theirs:
                key_file(self._root, client_id, wrapped.generation, record.id).unlink(missing_ok=True)
            if self._vault.fsync:
                fsync_folder(key_file(self._root, client_id, generation, self.me).parent)
        self._vault.forget_client_keys(client_id)
        self._audit.record_after(_("Access was taken"), "take-access", client_id, record.id)

    def _require_shared(self, action: str) -> None:
        self._require_keys(action)
        if not self.shared or not self.me:
            raise PortfolioError(_("Only one passphrase opens this portfolio, so Expressive cannot {action}. Invite a "
                                   "colleague first.").format(action=action))


def _remove_unshared_leftovers(root: Path) -> None:
    """What an earlier sharing left when it was interrupted before it took effect: the
    records, sealed master keys and sealed client keys of a therapist no one can unlock
    as yet (keyring.json still holds the passphrase)."""
    for path in [*(root / THERAPISTS).glob("t-*.json"), *(root / KEYS / PORTFOLIO_GRANTS).glob("t-*.json"),
                 *(root / KEYS).glob("c-*/g*-t-*.json"), *(root / KEYS).glob(f"c-*/g*-{RECOVERY_HOLDER}.json")]:
        path.unlink()


def _clients_with_keys(root: Path) -> list[str]:
    try:
        return sorted(name for name in os.listdir(root / KEYS) if name.startswith("c-"))
    except FileNotFoundError:
        return []

