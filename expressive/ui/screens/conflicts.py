"""Things changed on two tablets at once: both versions side by side, and "Keep this one"
(the therapist's choice; nothing is ever chosen by itself). See `portfolio.conflicts`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from kivy.clock import mainthread
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from expressive.i18n import _, format_datetime, format_number, ngettext
from expressive.portfolio import PortfolioError
from expressive.portfolio.conflicts import (
    SHOW_PICTURE,
    SHOW_WORDS,
    Conflict,
    Version,
    find_sync_conflicts,
    record_words,
)
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


def look_for_conflicts(root: Path, shown: Callable[[str], None]) -> None:
    """Find the conflicts on a thread of its own, since it is a walk of the whole folder (a
    fifth of a second at 5,000 pieces of work), then hand `shown` the notice on the UI
    thread. The walk only reads the folder, never the store."""

    @mainthread
    def counted(count: int) -> None:
        shown(conflicts_notice(count))

    def look() -> None:
        try:
            counted(len(find_sync_conflicts(root)))
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
        found = store.conflicts()
        self.summary = (conflicts_notice(len(found)) if found
                        else _("Nothing is waiting to be chosen: every change from the other tablets fitted together."))
        listing = self.ids.listing
        listing.clear_widgets()
        for conflict in found:
            card = ConflictCard(what=conflict.what, where=conflict.where, advice=conflict.advice)
            for version in conflict.versions:
                column = VersionColumn(conflict=conflict, version=version, label=version.label,
                                       facts=_facts(version))
                _fill(store, column, conflict, version)
                card.ids.versions.add_widget(column)
            listing.add_widget(card)

    def keep(self, column: VersionColumn) -> None:
        others = len(column.conflict.versions) - 1
        confirm(
            _("Keep this version?"),
            ngettext("The other version is removed. This cannot be undone.",
                     "The {n} other versions are removed. This cannot be undone.", others).format(n=others),
            act=_("Keep this one"),
            on_act=lambda: self._keep(column.conflict, column.version),
        )

    def _keep(self, conflict: Conflict, version: Version) -> None:
        try:
            self.app.store.keep_conflict_version(conflict, version)
        except PortfolioError as error:
            self.app.tell(_("The version could not be kept"), str(error))
        self.show()


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
