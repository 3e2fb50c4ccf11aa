"""How `Disk` reads a document merged with every device's edits of it, and writes this
device's: the changes made to records and notes after they were made (see `edits`).

`EditFiles` is part of `Disk` (which would be too long with it inside).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from expressive.i18n import _

from .atomic import ensure_folder, reason
from .documents import encode_document, format_time
from .edits import (
    MAX_EDIT_FILES,
    MAX_EDITS_BYTES,
    MAX_ENTRIES,
    EditPath,
    Entry,
    Merged,
    changes,
    compacted,
    edits_document,
    merge,
    new_entry,
    parse_edits,
    value_at,
)
from .device import device_id
from .layout import Layout, edit_files, own_edit_file
from .records import MissingRecord, PortfolioError, RecordError, now


class EditFiles:
    """The part of `Disk` that reads and writes per-device edits."""

    fsync: bool
    layout: Layout
    _device: str | None
    read_bytes: Callable[[Path], bytes]
    write_bytes: Callable[..., None]
    read_document: Callable[[Path, str], dict[str, Any]]
    writing: Callable[[str, Path], AbstractContextManager[None]]

    @property
    def device(self) -> str:
        """This copy's device id: the name of the edits files only it writes."""
        if self._device is None:
            self._device = device_id(self.layout.root, fsync=self.fsync)
        return self._device

    def read_edited(self, path: Path, expected_format: str, *, base_optional: bool = False) -> tuple[Merged, list[tuple[Path, str]]]:
        """The document at `path` merged with every device's edits of it, and the edits files
        left out as damaged. `base_optional`: the document may exist only as edits (a note
        first written on this version). MissingRecord when there is nothing at all."""
        entries, problems = self._read_edits(path)
        if base_optional and (entries or problems) and not path.exists():
            return merge({}, entries), problems  # a note first written by this version
        return merge(self.read_document(path, expected_format), entries, base_is_spare=True), problems

    def _read_edits(self, path: Path) -> tuple[dict[str, list[Entry]], list[tuple[Path, str]]]:
        entries: dict[str, list[Entry]] = {}
        problems: list[tuple[Path, str]] = []
        for number, (device, edits_path) in enumerate(edit_files(path).items()):
            if number >= MAX_EDIT_FILES and device != self.device:
                problems.append((edits_path, _("{file} is left out: no record is changed on more than {most} "
                                               "devices").format(file=edits_path.name, most=MAX_EDIT_FILES)))
                continue
            try:
                entries[device] = parse_edits(self.read_bytes(edits_path), edits_path.name, device)
            except FileNotFoundError:
                continue  # replaced or taken away since the folder was listed
            except OSError as exc:
                problems.append((edits_path, _("{file} cannot be read: {reason}").format(
                    file=edits_path.name, reason=reason(exc))))
            except RecordError as exc:
                problems.append((edits_path, str(exc)))
        return entries, problems

    def write_edit(self, path: Path, expected_format: str, change: Callable[[dict[str, Any]], None], *,
                   action: str, base_optional: bool = False, written: Callable[[], None] = lambda: None,
                   settling: EditPath | None = None) -> bool:
        """Apply `change` to the merged document at `path` and keep what it changed as a new
        entry in this device's edits file (replaced whole, atomically), calling `written`
        once the file is in place. False when `change` changed nothing: nothing is written.
        `settling`: a path whose value is written even when unchanged, to settle a conflict."""
        try:
            merged, problems = self.read_edited(path, expected_format, base_optional=base_optional)
        except MissingRecord:
            if not base_optional:
                raise PortfolioError(_("Could not {action}: {file} is missing.").format(
                    action=action, file=path.name)) from None
            merged, problems = merge({}, {}), []
        except RecordError as exc:
            raise PortfolioError(_("Could not {action}: {error}.").format(action=action, error=exc)) from None
        own_path = own_edit_file(path, self.device)
        for damaged, why in problems:
            if damaged == own_path:
                # Never written over: it may be mended by hand, and holds this tablet's changes.
                raise PortfolioError(_("Could not {action}: {error}. Run `expressive check`.").format(
                    action=action, error=why))
        after = copy.deepcopy(merged.doc)
        change(after)
        operations = changes(merged.doc, after)
        if settling is not None and settling not in {path for path, _value in operations.get("set", [])}:
            operations.setdefault("set", []).append((settling, copy.deepcopy(value_at(after, settling))))
        if not operations:
            return False
        own = self._own_entries(own_path)
        entries = compacted([*own, new_entry(self.device, own, merged.seen, format_time(now()), operations)])
        data = encode_document(edits_document(self.device, entries))
        if len(entries) > MAX_ENTRIES or len(data) > MAX_EDITS_BYTES:
            raise PortfolioError(_("Could not {action}: this record was changed too often on this device ({file} is "
                                   "full). Nothing was lost; make a copy of the work instead.").format(
                                       action=action, file=own_path.name))
        folder_was_there = own_path.parent.is_dir()
        try:
            with self.writing(action, own_path.parent):
                ensure_folder(own_path.parent, fsync=self.fsync)
                try:
                    self.write_bytes(own_path, data)
                finally:
                    if own_path.exists():  # in place, even when the device did not confirm it
                        written()
        except PortfolioError:
            if not folder_was_there:
                _remove_empty_folder(own_path.parent)
            raise
        return True

    def _own_entries(self, own_path: Path) -> list[Entry]:
        try:
            return parse_edits(self.read_bytes(own_path), own_path.name, self.device)
        except FileNotFoundError:
            return []



def _remove_empty_folder(folder: Path) -> None:
    """Take away a folder made for a write that failed, so a failure changes nothing."""
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (a temporary file the next `check --repair` removes) or not there
