"""Things changed on two tablets at once: both versions side by side, and "Keep this one"
(the therapist's choice; nothing is ever chosen by itself). See `portfolio.conflicts`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from kivy.clock import mainthread
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from expressive.i18n import _, format_datetime, format_number, ngettext
from expressive.portfolio import PortfolioError
from expressive.portfolio.conflicts import SHOW_PICTURE, SHOW_WORDS, Conflict, Survey, Version, record_words, survey
from expressive.portfolio.edit_conflicts import RecordConflict
from expressive.portfolio.edits import EditVersion
from expressive.portfolio.records import RecordError
from expressive.ui.dialogs import confirm
from expressive.ui.pictures import texture_from_file
from expressive.ui.rules import load_rules
from expressive.ui.screens.base import BaseScreen
from expressive.ui.widgets import Card


def conflicts_notice(count: int) -> str:
    """What the therapist's home screen says while there are conflicts ("" when none)."""
    if not count:
        return ""
    return ngettext("{n} thing was changed on two tablets at once: choose which version to keep.",
                    "{n} things were changed on two tablets at once: choose which versions to keep.",
                    count).format(n=count)


def look_for_conflicts(store, shown: Callable[[str], None]) -> None:
    """Walk the folder for conflicts on a thread of its own (a fifth of a second at 5,000
    pieces of work; the walk only reads names, never the store), then, on the UI thread,
    read the records of the clients edited on several tablets and hand `shown` the notice."""
    root = store.root

    @mainthread
    def counted(found: Survey) -> None:
        if store.closed:
            return  # locked since: the next look, once it is open again, counts
        try:
            words = store.word_conflicts(found.edited_on_several_devices) if found.edited_on_several_devices else []
        except PortfolioError:
            words = []  # unreadable now: the next look counts them
        shown(conflicts_notice(len(found.copies) + len(words)))

    def look() -> None:
        try:
            counted(survey(root))
        except OSError:
            pass  # the folder could not be read now: the next look tries again

    threading.Thread(target=look, name="expressive-conflicts", daemon=True).start()


class VersionColumn(BoxLayout):
    """One version: what it is, when, and its words, its picture or its size."""

    conflict = ObjectProperty(None)
    version = ObjectProperty(None)
    label = StringProperty("")
    facts = StringProperty("")
    words = StringProperty("")
    picture = ObjectProperty(None, allownone=True)


class ConflictCard(Card):
    what = StringProperty("")
    where = StringProperty("")
    advice = StringProperty("")


class ConflictsScreen(BaseScreen):
    summary = StringProperty("")

    def show(self, **_details):
        store = self.app.store
        copies, words = store.waiting_choices()
        count = len(copies) + len(words)
        self.summary = (conflicts_notice(count) if count
                        else _("Nothing is waiting to be chosen: every change from the other tablets fitted together."))
        listing = self.ids.listing
        listing.clear_widgets()
        for conflict in copies:
            card = ConflictCard(what=conflict.what, where=conflict.where, advice=conflict.advice)
            for version in conflict.versions:
                column = VersionColumn(conflict=conflict, version=version, label=version.label,
                                       facts=_facts(version))
                _fill(store, column, conflict, version)
                card.ids.versions.add_widget(column)
            listing.add_widget(card)
        for conflict in words:
            card = ConflictCard(what=store.describe_word_conflict(conflict), where=_whose(store, conflict.key))
            for version in (conflict.edit.shown, *conflict.edit.others):
                card.ids.versions.add_widget(VersionColumn(
                    conflict=conflict, version=version, label=store.edit_version_label(version),
                    facts=_written(version), words=str(version.value or "") or _("(left empty)")))
            listing.add_widget(card)

    def keep(self, column: VersionColumn) -> None:
        conflict = column.conflict
        others = len(conflict.edit.others) if isinstance(conflict, RecordConflict) else len(conflict.versions) - 1
        confirm(
            _("Keep this version?"),
            ngettext("The other version is removed. This cannot be undone.",
                     "The {n} other versions are removed. This cannot be undone.", others).format(n=others),
            act=_("Keep this one"),
            on_act=lambda: self._keep(conflict, column.version),
        )

    def _keep(self, conflict: Conflict | RecordConflict, version: Version | EditVersion) -> None:
        store = self.app.store
        try:
            if isinstance(conflict, RecordConflict):
                store.choose_edit(conflict, version)
            else:
                store.keep_conflict_version(conflict, version)
        except PortfolioError as error:
            self.app.tell(_("The version could not be kept"), str(error))
        self.show()


def _whose(store, key: tuple[str, str, str]) -> str:
    """Whose record the words are in: the client, and the session's day when in one."""
    client_id, session_id, _artifact_id = key
    try:
        name = store.client(client_id).name
        if not session_id:
            return name
        started = store.session(client_id, session_id).started
    except PortfolioError:
        return ""
    return _("{client}, session of {day}").format(client=name, day=format_datetime(started.astimezone(), "short"))


def _written(version: EditVersion) -> str:
    return _("Written {when}").format(when=format_datetime(datetime.fromisoformat(version.at).astimezone(), "short"))


def _facts(version: Version) -> str:
    when = format_datetime(version.modified, "short") if version.modified else _("time not known")
    size = format_number(max(version.size, 1) / 1024, 1)
    return _("Changed {when}, {size} KB").format(when=when, size=size)


def _fill(store, column: VersionColumn, conflict: Conflict, version: Version) -> None:
    """Show the version's words or picture; its size and time say the rest."""
    if conflict.show not in (SHOW_WORDS, SHOW_PICTURE):
        return
    try:
        content = store.conflict_content(conflict, version)
    except (RecordError, OSError):
        column.words = _("This version cannot be read.")
        return
    if conflict.show == SHOW_WORDS:
        column.words = record_words(content)
    else:
        column.picture = texture_from_file(content)


load_rules(__name__)
