"""The portfolio store: clients, their sessions and their work, in a folder a person can read.

    <root>/portfolio.json
    <root>/index.sqlite                      derived, rebuilt from the JSON files at will
    <root>/index.sqlite-closed               vouches for the index after a clean close (see `index_seal`)
    <root>/clients/<client>/client.json
    <root>/clients/<client>/private/notes-<session>.json        therapist only
    <root>/clients/<client>/private/notes-<session>-<artifact>.json   therapist only
    <root>/clients/<client>/sessions/<session>/session.json
    <root>/clients/<client>/sessions/<session>/artifacts/<artifact>/{files..., manifest.json}

Names of files and folders never carry client data: ids are opaque or made of a date,
a sequence number, an activity id and random letters, so encrypting every file in place
leaves nothing readable.

`Portfolio` is a facade: it opens and closes the portfolio and hands each call to one of
its parts, which are plain objects sharing one `Disk`:
- `disk.Disk`: the encrypted, atomic reads and writes of every client-data file
  (`read_bytes`, `write_bytes`), the records made and rewritten whole, and the index kept
  in step with them. No part touches a client file any other way, so encryption at rest
  lives there alone. The files read before any client key is known (portfolio.json,
  keyring.json, the audit log's anchor) are replaced whole by `disk.replace_file`, through
  the same atomic writer; only the SQLite index, the audit log's lines, the lock and the
  export journal are written elsewhere.
- `vault.Vault`: the keys (keyring.json, each client's key, passphrase, recovery key);
  `Disk` asks it for a client's key. `migration` protects an unencrypted portfolio.
- `auditing.Audit`: the audit log.
- `clients`, `sessions`, `artifacts`, `review`, `notes` and `drafts`: what the app does
  with the records; `integrity`: `check` and its repairs.
- `folder`: portfolio.json, creating the folder and holding its lock (see `lock`).

Crash safety: see `atomic`. New folders appear complete or not at all; JSON files are
replaced whole. One Portfolio per folder, used from one thread at a time.

Encryption at rest (portfolio.json "encryption" set; see `expressive.security`): every
client-data file is stored encrypted under its own name with its client's data key and its
path as associated data, written through the same atomic writer (so temporary files hold
ciphertext too). keyring.json holds the wrapped keys, audit.log the chained audit entries.
An unencrypted portfolio ("encryption": null) behaves exactly as before, and can be
migrated in place by `Portfolio.protect`.

Reviewing the work (the portfolio-review screens): where each thing lives, and why.
- The client's own words stay in the artifact's manifest, since they belong with the work
  (and are shown with it): the title, "reflection": {"about", "noticings": [{"at", "text"}]},
  the noticings being "what I notice now", added at any later look and never overwritten.
- Tags ("tags", normalised: lower case, spaces collapsed, each once) and the star
  ("starred") are in the manifest too: they describe the work, are not secret from the
  client (a therapist picks favourites and themes with the client), travel with the work
  when it is copied or synced, and come back with any index rebuild like everything else.
- The therapist's private note on a piece of work is NOT in the manifest: it is
  private/notes-<session>-<artifact>.json, beside the session notes, so that nothing that
  shows, exports or shares the work can carry it. It is not in the index either (read one
  at a time, by the therapist only), and is erased with the client.
- Whether the session's goal was met ("goal_met") and the homework given in it
  ("homework": {"task", "done", "note"}) are in session.json, written only when set: a
  session without them keeps the shape older versions wrote. Old versions ignore the new
  fields and `Disk.rewrite` keeps them, so FORMAT_VERSION stays 1.
- The index holds all of it (typed text encrypted when the portfolio is) for the gallery,
  tag list, open homework and progress queries; search terms: see `search`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

from expressive.artifact import ArtifactDraft
from expressive.i18n import _
from expressive.security.audit import AuditEntry, AuditLogNotAFile
from expressive.security.keyring import KdfParams, Keyring, Keys

from . import folder, index_seal, migration, vault
from .artifacts import Artifacts
from .auditing import Audit
from .clients import Clients
from .changes_beneath import ChangesBeneath
from .edit_conflicts import EditChoices
from .comparison import Comparison
from .disk import Disk
from .drafts import Drafts
from .folder import absolute, cannot_write_folder
from .index import Index
from .integrity import Integrity
from .journal import ExportJournal, journal_key
from .layout import INDEX_FILE, Layout
from .lock import holders, release
from .migration import ProtectionPlan
from .notes import Notes
from .records import ArtifactRecord, CheckReport, Client, PortfolioError, ProgressRow, Session
from .review import Review
from .sessions import Sessions
from .therapist_files import same_reader
from .therapists import Therapists
from .vault import Vault


class Portfolio(ChangesBeneath, EditChoices):
    """An open portfolio folder; get one with `Portfolio.open` (or `protect` first). Taking
    in what changed beneath it (a comparison, arrivals, conflicts): see `ChangesBeneath`."""

    def __init__(
        self, layout: Layout, index: Index, *, fsync: bool, keys: Keys | None = None, keyring: Keyring | None = None
    ):
        self._encrypted = keys is not None
        self._audit = Audit(layout.root, keys, fsync=fsync)
        self._vault = Vault(layout.root, keys, keyring, self._audit, fsync=fsync)
        self._disk = Disk(layout, index, self._vault, fsync=fsync)
        self._exports = ExportJournal(layout.root, None if keys is None else journal_key(keys.master), fsync=fsync)
        self._clients = Clients(self._disk, self._audit)
        self.therapists = Therapists(self._vault, self._audit)  # several therapists' keys: see `therapists`
        self._sessions = Sessions(self._disk, self._clients)
        self._artifacts = Artifacts(self._disk, self._clients, self._sessions)
        self._review = Review(self._disk, self._clients, self._artifacts)
        self._notes = Notes(self._disk, self._sessions, self._artifacts)
        self._drafts = Drafts(self._disk, self._sessions)
        self._integrity = Integrity(self._disk, self._audit, self._clients, self._artifacts, self._notes)
        self._comparison: Comparison | None = None
        self._closed = False

    @staticmethod
    def status(root: Path | str) -> str:
        """"new" (no portfolio there yet), "plain", "encrypted", or "migrating" (protecting
        it was interrupted: the next `open` with the passphrase, or `protect`, finishes it).

        PortfolioError when the folder is a file or holds a portfolio this version cannot read.
        """
        return folder.status(absolute(root))

    @classmethod
    def open(
        cls, root: Path | str, *, passphrase: str | None = None, fsync: bool = True, compare_later: bool = False,
        therapist: str | None = None,
    ) -> Portfolio:
        """Open the portfolio in `root`.

        Without a passphrase, a missing or empty folder becomes a new unencrypted portfolio.
        An encrypted portfolio needs its passphrase: without it, or with a wrong one,
        WrongPassphrase is raised and nothing on disk is touched. A portfolio whose
        protection was interrupted ("migrating") is finished first. A passphrase given for
        an unencrypted portfolio is not needed and is ignored; one given for a folder with
        no portfolio yet is refused (create a protected portfolio with `protect`).
        Once several therapists share it, `therapist` names the one unlocking (their
        name; not needed while there is one): see `therapists`.

        Opening takes the same time however large the portfolio: after a clean close the
        index is trusted as it is (see `index_seal`). Otherwise (after a crash, or when
        the index was replaced) it is compared with every file now, or, with
        `compare_later`, left as it is for `compare_in_background`, which the caller then
        starts at once. A missing or damaged index is rebuilt whole either way.

        `fsync=False` trades crash safety for speed; only benchmarks that generate large
        portfolios use it.
        """
        root = absolute(root)
        layout = Layout(root)
        try:
            if passphrase is not None and cls.status(root) == "new":
                raise PortfolioError(
                    _("There is no portfolio in {root} yet, so there is nothing to unlock. Set a passphrase to "
                       "create a protected portfolio there first.").format(root=root)
                )
            folder.hold(root)
            store = None
            try:
                encryption = folder.prepare_root(root, fsync=fsync)
                folder.make_top_private(root)
                keys = keyring = None
                if encryption is not None:
                    keyring = vault.load_keyring(root)
                    keys = vault.unlock(keyring, passphrase, root, therapist)
                    migration.bring_up_to_date(root, keyring, keys, encryption["state"], fsync=fsync)
                index = Index.open(
                    root / INDEX_FILE, layout, fsync=fsync,
                    cipher=None if keys is None else keys.field_cipher(), search_key=None if keys is None else keys.index,
                )
                sealed = index_seal.vouches(index.path, index.closed_token()) and same_reader(root, keys, fsync=fsync)
                try:
                    index_seal.break_seal(index.path, fsync=fsync)
                except BaseException:
                    index.close()
                    raise
                # From here the store holds the lock, and closing it lets go.
                store = cls(layout, index, fsync=fsync, keys=keys, keyring=keyring)
            finally:
                if store is None:
                    release(root)
            try:
                store._audit.anchor_older_log(index)
                store._clients.finish_deletions()
                store._exports.tidy()
                store._disk.open_index(sealed=sealed, compare_now=not compare_later)
                if keys is not None:
                    store._audit.record("unlock")
            except BaseException:
                store._close_quietly()
                raise
        except AuditLogNotAFile as exc:
            raise PortfolioError(_("The portfolio in {root} was not opened: {error}.").format(
                root=root, error=exc)) from exc
        except OSError as exc:
            raise cannot_write_folder(root, exc) from exc
        except sqlite3.Error as exc:
            raise cannot_write_folder(root, exc) from exc
        return store

    @classmethod
    def plan_protection(cls, root: Path | str, passphrase: str, *, kdf: KdfParams | None = None) -> ProtectionPlan:
        """Get ready to protect the portfolio in `root` with `passphrase`, changing nothing yet.

        The plan holds the recovery key: show it to the person, and only when they confirm
        they have kept it, `carry_out()` the plan. So no file is ever encrypted under a key
        nobody saw, and a kill or a refusal before that leaves the portfolio as it was.
        A portfolio whose protection was interrupted ("migrating") gets a new recovery key
        too: the first may never have been seen. `kdf` sets the Argon2id cost (tests use
        cheap parameters); it is stored in the keyring.
        """
        return migration.plan_protection(absolute(root), passphrase, kdf)

    @classmethod
    def protect(cls, root: Path | str, passphrase: str, *, kdf: KdfParams | None = None) -> str:
        """Protect the portfolio at once and return its recovery key: for programs that
        make portfolios no person will open with it (benchmarks, demos for tests). A person
        is shown the key first: see `plan_protection`."""
        plan = cls.plan_protection(root, passphrase, kdf=kdf)
        plan.carry_out()
        return plan.recovery_key

    @classmethod
    def recover(cls, root: Path | str, recovery_key: str, new_passphrase: str, therapist: str | None = None) -> None:
        """Set a new passphrase with the recovery key; the recovery key stays valid. With
        several therapists, the passphrase of `therapist` (see `therapist_files.recover_therapist`)."""
        vault.check_new_passphrase(new_passphrase)
        root = absolute(root)
        status = cls.status(root)
        if status == "new":
            raise PortfolioError(_("There is no portfolio in {root}.").format(root=root))
        if status == "plain":
            raise PortfolioError(_("The portfolio in {root} is not protected by a passphrase, so there is nothing to recover.").format(
                root=root))
        vault.recover(root, recovery_key, new_passphrase, therapist)

    @property
    def root(self) -> Path:
        return self._disk.root

    @property
    def encrypted(self) -> bool:
        return self._encrypted

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close the index; an encrypted portfolio records "lock" and forgets its keys.

        Closing twice is harmless. A failure to record "lock" (a full disk) does not stop
        the closing: the keys are dropped all the same.
        """
        if self._closed:
            return
        try:
            if self._vault.unlocked:
                try:
                    self._audit.record("lock")
                except (OSError, sqlite3.Error):
                    pass
        finally:
            self._close_quietly()

    def _close_quietly(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop_comparison()
        self._vault.forget()
        try:
            self._disk.close_index(last_holder=holders(self.root) == 1)
        finally:
            release(self.root)

    def __enter__(self) -> Portfolio:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- passphrase -------------------------------------------------------------------

    def verify_passphrase(self, passphrase: str) -> bool:
        """Whether `passphrase` is this portfolio's (Argon2id verify; nothing is reopened)."""
        return self._vault.verify_passphrase(passphrase)

    def change_passphrase(self, old: str, new: str) -> None:
        """Re-wrap the master key under `new`; no client file is re-encrypted. Audited."""
        self._vault.change_passphrase(old, new)

    def new_recovery_key(self, passphrase: str) -> str:
        """Replace the recovery key (the old one stops working) and return the new one, to
        show once. For when the first one was lost, or never seen because protecting the
        portfolio was interrupted. Audited as a passphrase change."""
        return self._vault.new_recovery_key(passphrase)

    # --- audit ------------------------------------------------------------------------

    def audit(self, event: str, client_id: str | None = None, detail: str = "") -> None:
        """Append an entry to the audit log: one of `expressive.security.audit.EVENTS`, the
        client's id (never a name), and a short detail that holds nothing a person typed."""
        self._audit.record_reporting_failures(event, client_id, detail)

    def audit_entries(self) -> list[AuditEntry]:
        return self._audit.entries()

    def verify_audit(self) -> list[str]:
        """What is wrong with the audit log, one plain sentence per line or break found
        (also a log cut short, emptied or deleted, and breaks found before); [] when intact."""
        return self._audit.verify()

    # --- exports ----------------------------------------------------------------------

    def export_in_flight(self, paths: list[Path]) -> AbstractContextManager[None]:
        """Remember, for the duration of the block, the temporary files or folders an
        export is about to write outside the portfolio (encrypted when the portfolio is),
        so that what a killed export leaves is deleted at the next open. Call before the
        first byte of them exists; OSError when that cannot be recorded. Safe on any thread."""
        return self._exports.in_flight(paths)

    def read_stored(self, path: Path) -> bytes:
        """A client-data file of the portfolio as stored (a record, a note: as it now reads,
        merged with every device's edits of it), decrypted: for exports that carry documents
        whole, with fields this version does not know.
        RecordError when it does not decrypt; OSError when it cannot be read."""
        return self._disk.read_stored(path)

    # --- clients ----------------------------------------------------------------------

    def built_whole(self, kind: str) -> AbstractContextManager[None]:
        """Build the next new client (`kind` "client") or session ("session"), with
        everything made in it within the block, out of sight: it appears in the portfolio
        whole, in one rename, when the block ends, or not at all. An error in the block
        takes it out again (and propagates); a kill leaves only a hidden folder, which
        `check` names and `check --repair` removes. For a client restored from an archive
        and a session made from a file brought in, which must never show half made."""
        return self._disk.built_whole(kind)

    def add_client(self, name: str, year_of_birth: int | None = None, notes: str = "") -> Client:
        return self._clients.add(name, year_of_birth, notes)

    def delete_client(self, client_id: str) -> None:
        """Erase the client: every file (work, notes, drafts), its index rows, and its key.

        The client's folder is first renamed to a hidden ".deleting-<id>" name, in one step:
        from then on the client is gone from every listing, and an interruption can only
        leave hidden files that the next open or check erases. Then the index rows go (the
        index is vacuumed so no free page keeps their text), then the client's key (after
        which no copy of its files can be decrypted), then the files. Audited.
        """
        self._clients.delete(client_id)

    def clients(self) -> list[Client]:
        """All clients, sorted by name regardless of case."""
        return self._clients.all()

    def client(self, client_id: str) -> Client:
        return self._clients.get(client_id)

    def set_client_settings(self, client_id: str, changes: dict[str, Any]) -> Client:
        """Remember `changes` among the client's settings (a value of None forgets one)."""
        return self._clients.set_settings(client_id, changes)

    # --- sessions ---------------------------------------------------------------------

    def start_session(
        self,
        client_id: str,
        *,
        plan_id: str,
        goal: str = "",
        feeling_in: int | None = None,
        started: datetime | None = None,
    ) -> Session:
        return self._sessions.start(client_id, plan_id=plan_id, goal=goal, feeling_in=feeling_in, started=started)

    def finish_session(
        self, client_id: str, session_id: str, *, feeling_out: int | None, ended: datetime | None = None
    ) -> Session:
        return self._sessions.finish(client_id, session_id, feeling_out=feeling_out, ended=ended)

    def set_goal_met(self, client_id: str, session_id: str, met: bool | None) -> Session:
        """Record whether the session's goal was met (None: not said, or taken back); at
        check-out or at any later review."""
        return self._sessions.set_goal_met(client_id, session_id, met)

    def set_homework(self, client_id: str, session_id: str, task: str) -> Session:
        """Give homework in this session, to do before the next; an empty task takes it
        back (with what was recorded about it). Changing the words of a task keeps whether
        it was done: it is the same homework, said better."""
        return self._sessions.set_homework(client_id, session_id, task)

    def set_homework_done(self, client_id: str, session_id: str, done: bool | None, note: str = "") -> Session:
        """Record whether the homework given in the session was done, with what was said
        about it; `done=None` makes it open again."""
        return self._sessions.set_homework_done(client_id, session_id, done, note)

    def open_homework(self, client_id: str) -> list[tuple[Session, str]]:
        """Homework given and not yet marked done or not: (the session it was given in,
        the task), oldest first; what the next session shows."""
        return self._sessions.open_homework(client_id)

    def sessions(self, client_id: str, *, limit: int | None = None, offset: int = 0) -> list[Session]:
        """A client's sessions, newest first; `limit` and `offset` page through them."""
        return self._sessions.all(client_id, limit=limit, offset=offset)

    def session(self, client_id: str, session_id: str) -> Session:
        return self._sessions.get(client_id, session_id)

    def progress(self, client_id: str) -> list[ProgressRow]:
        """One row per session, oldest first, for the progress charts: when it started, its
        plan, goal and whether it was met, the feelings at check-in and check-out, what was
        made with which activity, and the homework given. From the index alone."""
        return self._sessions.progress(client_id)

    # --- artifacts --------------------------------------------------------------------

    def save_artifact(
        self,
        client_id: str,
        session_id: str,
        activity_id: str,
        draft: ArtifactDraft,
        *,
        created: datetime | None = None,
    ) -> ArtifactRecord:
        """Save `draft` as a new artifact of the session; it appears whole or not at all."""
        return self._artifacts.save(client_id, session_id, activity_id, draft, created=created)

    def artifacts(self, client_id: str, session_id: str | None = None) -> list[ArtifactRecord]:
        """A session's artifacts oldest first; without a session, all of the client's,
        newest session first and oldest first inside each."""
        return self._artifacts.listed(client_id, session_id)

    def artifacts_by_session(self, client_id: str, session_ids: list[str]) -> dict[str, list[ArtifactRecord]]:
        """The artifacts of several sessions (a page of them) in one query."""
        return self._artifacts.by_session(client_id, session_ids)

    def artifact(self, client_id: str, session_id: str, artifact_id: str) -> ArtifactRecord:
        return self._artifacts.get(client_id, session_id, artifact_id)

    def file_path(self, artifact: ArtifactRecord, name: str) -> Path:
        """Where the file lies. In an encrypted portfolio it holds ciphertext: read the
        content with `read_file`, never from this path."""
        return self._artifacts.file_path(artifact, name)

    def read_file(self, artifact: ArtifactRecord, name: str) -> bytes:
        """The file's content, checked against the manifest's SHA-256."""
        return self._artifacts.read_file(artifact, name)

    def add_product_file(self, artifact: ArtifactRecord, name: str, data: bytes, *,
                         metadata: dict[str, Any] | None = None) -> ArtifactRecord:
        """Add a file to saved work as its product (a film's video, made later), `metadata`
        merged in; as it was or whole after a kill, encrypted, audited ("add-file")."""
        added = self._artifacts.add_product_file(artifact, name, data, metadata)
        self._audit.record_after(_("{name} was added to the work").format(name=name), "add-file", added.client_id,
                                 f"{added.session_id}/{added.id}/{name}")
        return added

    def verify_artifact(self, artifact: ArtifactRecord) -> list[str]:
        """What is wrong with the artifact, in plain words; [] when it is intact."""
        return self._artifacts.verify(artifact)

    # --- reviewing the work -----------------------------------------------------------

    def set_reflection(self, artifact: ArtifactRecord, *, title: str, about: str) -> ArtifactRecord:
        """Store the client's own words about their work; the files are left untouched."""
        return self._review.set_reflection(artifact, title=title, about=about)

    def set_marks(self, artifact: ArtifactRecord, marks: list[dict[str, Any]]) -> ArtifactRecord:
        """Store the moments marked while reviewing how the work was made (all of them:
        the list replaces the one stored); the files are left untouched."""
        return self._review.set_marks(artifact, marks)

    def add_noticing(self, artifact: ArtifactRecord, text: str, at: datetime | None = None) -> ArtifactRecord:
        """Keep what the client notices now about their work, with when (now, or `at`),
        after what they said before: earlier words are never overwritten."""
        return self._review.add_noticing(artifact, text, at)

    def set_tags(self, artifact: ArtifactRecord, tags: list[str]) -> ArtifactRecord:
        """Label the work (all its tags: the list replaces the one stored). Tags are
        normalised: lower case, spaces collapsed, a leading "#" dropped, each kept once
        ("Family" and "family " are one tag), empty ones left out."""
        return self._review.set_tags(artifact, tags)

    def set_star(self, artifact: ArtifactRecord, starred: bool) -> ArtifactRecord:
        """Mark the work as a favourite, or not."""
        return self._review.set_star(artifact, starred)

    def gallery(
        self,
        client_id: str,
        *,
        activity: str | None = None,
        tag: str | None = None,
        starred: bool | None = None,
        search: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ArtifactRecord]:
        """The client's work newest first, as the gallery pages through it, all in the index.

        `activity` keeps one activity's work, `tag` the work with that tag (spelled any
        way: "Family", "#family"), `starred` the favourites (True) or the others (False),
        and `search` the work whose words match: the title, what it is about, what was
        noticed later and the tags, case and accents aside. Every word of the search
        must match a word, or the beginning of one when it has 3 letters or more ("hous"
        finds "House"); see `search` for how this works, unchanged, in an encrypted
        portfolio. `limit` and `offset` page through the result.
        """
        return self._review.gallery(
            client_id, activity=activity, tag=tag, starred=starred, search=search, limit=limit, offset=offset
        )

    def tags(self, client_id: str) -> list[str]:
        """Every tag on the client's work, in alphabetical order, for the gallery's filter."""
        return self._review.tags(client_id)

    # --- work in progress -------------------------------------------------------------

    def drafts_dir(self, client_id: str, session_id: str, activity_id: str) -> Path:
        """Where an activity may keep work in progress; created by the activity when it needs it."""
        return self._drafts.folder(client_id, session_id, activity_id)

    def write_draft(self, client_id: str, session_id: str, activity_id: str, name: str, data: bytes) -> None:
        """Keep a file of work in progress in the activity's drafts folder, atomically and,
        in an encrypted portfolio, encrypted like every other client file. Activities that
        write into `drafts_dir` themselves write plaintext."""
        self._drafts.write(client_id, session_id, activity_id, name, data)

    def read_draft(self, client_id: str, session_id: str, activity_id: str, name: str) -> bytes | None:
        """A file kept with `write_draft`; None when there is none."""
        return self._drafts.read(client_id, session_id, activity_id, name)

    def delete_draft(self, client_id: str, session_id: str, activity_id: str, name: str) -> None:
        """Forget a file kept with `write_draft` (once the work is saved, or set aside)."""
        self._drafts.delete(client_id, session_id, activity_id, name)

    # --- therapist notes --------------------------------------------------------------

    def set_therapist_note(self, client_id: str, session_id: str, text: str) -> None:
        self._notes.set_session_note(client_id, session_id, text)

    def therapist_note(self, client_id: str, session_id: str) -> str:
        """The therapist's private note on the session, "" if there is none."""
        return self._notes.session_note(client_id, session_id)

    def set_artifact_note(self, artifact: ArtifactRecord, text: str) -> None:
        """The therapist's private note on one piece of work; empty text removes it (see `notes`)."""
        self._notes.set_artifact_note(artifact, text)

    def artifact_note(self, artifact: ArtifactRecord) -> str:
        """The therapist's private note on the piece of work, "" if there is none."""
        return self._notes.artifact_note(artifact)

    # --- checking and the index -------------------------------------------------------

    def check(self, *, repair: bool = False, progress: Callable[[int, int], None] | None = None) -> CheckReport:
        """Verify every record and every artifact file; rebuild the index from what is found.

        Unfinished saves are notes, not problems (with `repair` they are removed). Damaged
        records are reported and never deleted: they may be recoverable by hand. Every
        file is read once. `progress(done, total)` is called, on this thread, as each of
        the `total` records (clients, sessions, artifacts with their files) is checked.
        """
        self._stop_comparison()
        return self._integrity.check(repair=repair, progress=progress)

    def rebuild_index(self) -> None:
        """Read every record again; the index then matches the files exactly."""
        self._stop_comparison()
        self._disk.sync_index(full=True)
