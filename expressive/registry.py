"""Finding activities: built-ins and third-party packages alike, through entry points.

Every activity is declared in the entry-point group `expressive.activities`; a third party
adds one with `pip install` and nothing else. An activity may also describe itself in a
declaration file (`activity.toml`) beside the module its entry point names: the app then
lists it, its title, icon and translations without importing it, and imports it when it is
first used (started, or its viewer, demo work, commands or services are needed). The app
starts without loading any activity that way. One without a declaration is imported when
it is found.

Discovery never raises: an activity that cannot be imported, declares itself wrongly,
disagrees with its declaration or was written for another major version of the activity
API is recorded as unavailable with the reason (when it is found, or when it is first
used), logged, and the rest of the app carries on. The registry also gathers the services
activities lend one another.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, fields
from functools import cache
from importlib.machinery import ModuleSpec
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from expressive.activity import Activity, ActivityInfo, Services
from expressive.i18n import _, add_catalogue

ENTRY_POINT_GROUP = "expressive.activities"
# The file beside an activity's module that describes it without importing it.
DECLARATION = "activity.toml"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnavailableActivity:
    """An activity that was found but cannot be used, and why (in words for a person)."""

    name: str
    source: str
    reason: str


@dataclass(frozen=True)
class DeclaredActivity:
    """An activity known by its declaration file, not imported yet; `services` names what
    it lends other activities."""

    info: ActivityInfo
    services: frozenset[str]
    entry_point: EntryPoint
    source: str


class ActivitiesOnDemand(MutableMapping[str, type[Activity]]):
    """The usable activities' classes by id. One known by its declaration is imported the
    first time its class is asked for, and checked against its declaration then; when that
    fails it is taken out of use (into `unavailable`, with the reason) and reads as absent.

    `in`, `len()` and iterating the ids import nothing; `items()` and `values()` import
    every activity (those that fail are left out)."""

    def __init__(self, activities: Mapping[str, type[Activity] | DeclaredActivity],
                 unavailable: list[UnavailableActivity]):
        self._entries: dict[str, type[Activity] | DeclaredActivity] = dict(activities)
        self._unavailable = unavailable

    def __getitem__(self, activity_id: str) -> type[Activity]:
        entry = self._entries[activity_id]
        if isinstance(entry, DeclaredActivity):
            return self._load(activity_id, entry)
        return entry

    def __setitem__(self, activity_id: str, activity: type[Activity]) -> None:
        self._entries[activity_id] = activity

    def __delitem__(self, activity_id: str) -> None:
        del self._entries[activity_id]

    def __contains__(self, activity_id: object) -> bool:
        return activity_id in self._entries

    def __iter__(self) -> Iterator[str]:
        # A copy: loading an activity may take it out while the ids are walked.
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def items(self) -> list[tuple[str, type[Activity]]]:
        loaded = ((activity_id, self.get(activity_id)) for activity_id in self)
        return [(activity_id, activity) for activity_id, activity in loaded if activity is not None]

    def values(self) -> list[type[Activity]]:
        return [activity for _activity_id, activity in self.items()]

    def lenders(self) -> dict[str, type[Activity]]:
        """The classes of the activities that may lend services: those imported already,
        and those whose declaration names a service (imported now)."""
        may_lend = [activity_id for activity_id, entry in self._entries.items()
                    if not isinstance(entry, DeclaredActivity) or entry.services]
        classes = ((activity_id, self.get(activity_id)) for activity_id in may_lend)
        return {activity_id: activity for activity_id, activity in classes if activity is not None}

    def info(self, activity_id: str) -> ActivityInfo | None:
        """What the activity declares about itself, without importing it; None when it is
        not (or no longer) usable."""
        entry = self._entries.get(activity_id)
        return entry.info if entry is not None else None

    def source(self, activity_id: str) -> str:
        entry = self._entries[activity_id]
        return entry.source if isinstance(entry, DeclaredActivity) else entry.__module__

    def _load(self, activity_id: str, declared: DeclaredActivity) -> type[Activity]:
        loaded = load_declared(declared)
        if isinstance(loaded, list):
            reason = "; ".join(loaded)
            log.warning("Activity %r from %s is unavailable: %s", activity_id, declared.source, reason)
            del self._entries[activity_id]
            self._unavailable.append(UnavailableActivity(activity_id, declared.source, reason))
            raise KeyError(activity_id)
        self._entries[activity_id] = loaded
        return loaded


class Registry:
    """The activities found and usable, by id (`activities`, each imported when first
    asked for); those found but unusable, with why (`unavailable`, which grows when one
    fails as it is first used); and `services`, what the usable ones lend one another
    (gathered when first asked for)."""

    def __init__(self, activities: Mapping[str, type[Activity] | DeclaredActivity],
                 unavailable: list[UnavailableActivity]):
        self.unavailable = unavailable
        self.activities = ActivitiesOnDemand(activities, unavailable)
        self.services = Services(lambda: offered_services(self.activities.lenders()))

    def get(self, activity_id: str) -> type[Activity] | None:
        """The activity's class, imported now if it was not yet; None when there is no
        such activity or it cannot be used (then `unavailable` says why)."""
        return self.activities.get(activity_id)

    def infos(self) -> dict[str, ActivityInfo]:
        """What each usable activity declares (its title, icon, kinds), by id, without
        importing any: what a list of activities shows."""
        return {activity_id: self.activities.info(activity_id) for activity_id in self.activities}

    def mark_unavailable(self, activity_id: str, reason: str) -> None:
        """Take an activity out of use after it failed at run time."""
        if activity_id in self.activities:
            source = self.activities.source(activity_id)
            del self.activities[activity_id]
            self.unavailable.append(UnavailableActivity(activity_id, source, reason))


def offered_services(activities: Mapping[str, type[Activity]]) -> dict[str, Callable[..., Any]]:
    """Every service the `activities` offer, by name; when two offer one name, the activity
    whose id sorts first lends it. An activity whose `services()` fails or answers with
    something else than a dict lends nothing, and the rest carry on."""
    offered: dict[str, Callable[..., Any]] = {}
    for activity_id in sorted(activities):
        activity = activities.get(activity_id)
        if activity is None:
            continue
        try:
            services = activity.services()
        except Exception:  # a plugin's own code may fail in any way at all
            log.exception("Activity %r could not say which services it lends", activity_id)
            continue
        if not isinstance(services, dict):
            log.warning("Activity %r lends no services: services() gave a %s, not a dict", activity_id, type(services).__name__)
            continue
        for name, factory in services.items():
            if name in offered:
                log.warning("Activity %r also offers the service %r; another activity lends it", activity_id, name)
            elif callable(factory):
                offered[name] = factory
            else:
                log.warning("Activity %r offers the service %r, which cannot be called", activity_id, name)
    return offered


@cache
def installed_services() -> Services:
    """The services of the activities installed, gathered once per run when first asked
    for: what a Host lends when it is given none of its own."""
    return Services(lambda: offered_services(discover().activities.lenders()))


def _source(entry_point: EntryPoint) -> str:
    distribution = entry_point.dist
    package = f"{distribution.name} {distribution.version}" if distribution else "unknown package"
    return f"{entry_point.value} ({package})"


def _icon_problem(icon: str, folder: Path | None) -> str | None:
    """An icon is a Material Design Icons name or an image file beside the activity's module."""
    from expressive.lib.fonts import is_icon_name

    if is_icon_name(icon) or (folder is not None and (folder / icon).is_file()):
        return None
    return _("icon {icon} is neither a known icon name nor an image file beside the activity").format(icon=repr(icon))


def _info_problems(name: str, info: ActivityInfo, folder: Path | None) -> list[str]:
    problems = info.problems()
    if not problems and info.id != name:
        problems.append(_("its id {id} differs from its entry-point name {name}").format(
            id=repr(info.id), name=repr(name)))
    if not problems:
        icon_problem = _icon_problem(info.icon, folder)
        if icon_problem:
            problems.append(icon_problem)
    return problems


def validate(name: str, loaded: object) -> list[str]:
    """Everything that stops `loaded` (from entry point `name`) being used as an activity."""
    if not (isinstance(loaded, type) and issubclass(loaded, Activity)):
        return [_("it is a {type}, not a subclass of expressive.api.Activity").format(type=type(loaded).__name__)]
    info = getattr(loaded, "info", None)
    if not isinstance(info, ActivityInfo):
        return [_("it does not declare `info = ActivityInfo(...)`")]
    spec = _spec_with_file(loaded.__module__)
    return _info_problems(name, info, Path(spec.origin).parent if spec else None)


def _spec_with_file(module_name: str) -> ModuleSpec | None:
    """The spec of a module kept in a file, found without running the module (its parent
    packages are imported, as they are to run it); None for any other."""
    try:
        spec = importlib.util.find_spec(module_name)
    except Exception:  # a parent package's import may fail in any way; loading it says why
        return None
    return spec if spec is not None and spec.origin and spec.has_location else None


def _load(entry_point: EntryPoint) -> type[Activity] | list[str]:
    """The activity class an entry point names, or why it cannot be used."""
    try:
        loaded = entry_point.load()
    except Exception as error:  # a plugin's import may fail in any way at all
        return [_("it could not be loaded: {error}").format(error=f"{type(error).__name__}: {error}")]
    return validate(entry_point.name, loaded) or loaded


def load_declared(declared: DeclaredActivity) -> type[Activity] | list[str]:
    """The declared activity's class, imported now, or why it cannot be used: it fails to
    load, or its class says something else than its declaration."""
    loaded = _load(declared.entry_point)
    if isinstance(loaded, list):
        return loaded
    differing = [part.name for part in fields(ActivityInfo)
                 if getattr(loaded.info, part.name) != getattr(declared.info, part.name)]
    try:
        lent = loaded.services()
    except Exception:  # a plugin's own code may fail in any way; gathering services says so
        lent = None
    if isinstance(lent, dict) and set(lent) != declared.services:
        differing.append("services")
    if differing:
        return [_("its class and its declaration file {file} differ in {fields}").format(
            file=DECLARATION, fields=", ".join(differing))]
    return loaded


def read_declaration(path: Path) -> tuple[ActivityInfo, frozenset[str]] | list[str]:
    """The ActivityInfo a declaration file gives and the names of the services it says the
    activity lends (`services`, none when absent), or what is wrong with the file."""
    try:
        declared = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return [_("its declaration file {file} cannot be read: {error}").format(file=DECLARATION, error=error)]
    required = [part.name for part in fields(ActivityInfo) if part.name != "description"]
    missing = [name for name in required if name not in declared]
    if missing:
        return [_("its declaration file {file} does not give {keys}").format(file=DECLARATION, keys=", ".join(missing))]
    unknown = sorted(set(declared) - {part.name for part in fields(ActivityInfo)} - {"services"})
    if unknown:
        return [_("its declaration file {file} gives unknown keys: {keys}").format(file=DECLARATION, keys=", ".join(unknown))]
    services = declared.pop("services", [])
    if not isinstance(services, list) or not all(isinstance(name, str) for name in services):
        return [_("its declaration file {file} must give services as a list of names").format(file=DECLARATION)]
    as_tuples = {name: tuple(declared[name]) for name in ("artifact_kinds", "api_version") if isinstance(declared[name], list)}
    return ActivityInfo(**{**declared, **as_tuples}), frozenset(services)


def _declared(entry_point: EntryPoint, source: str) -> DeclaredActivity | list[str] | None:
    """The activity as its declaration file describes it (its package's translations added),
    why that declaration cannot be used, or None when it has none."""
    spec = _spec_with_file(entry_point.module)
    if spec is None:
        return None
    folder = Path(spec.origin).parent
    declaration = folder / DECLARATION
    if not declaration.is_file():
        return None
    declared = read_declaration(declaration)
    if isinstance(declared, list):
        return declared
    info, services = declared
    problems = _info_problems(entry_point.name, info, folder)
    if problems:
        return problems
    # An activity translates its own words, from the locale folder of its package.
    add_catalogue(spec.parent or spec.name)
    return DeclaredActivity(info, services, entry_point, source)


def discover(group: str = ENTRY_POINT_GROUP) -> Registry:
    activities: dict[str, type[Activity] | DeclaredActivity] = {}
    unavailable: list[UnavailableActivity] = []
    for entry_point in sorted(entry_points(group=group), key=lambda point: point.name):
        source = _source(entry_point)
        if entry_point.name in activities:
            found: type[Activity] | DeclaredActivity | list[str] = [_("another installed activity already uses this id")]
        else:
            found = _declared(entry_point, source) or _load(entry_point)
        if isinstance(found, list):
            reason = "; ".join(found)
            log.warning("Activity %r from %s is unavailable: %s", entry_point.name, source, reason)
            unavailable.append(UnavailableActivity(entry_point.name, source, reason))
            continue
        if not isinstance(found, DeclaredActivity):
            # An activity translates its own words, from the locale folder of its package.
            add_catalogue(sys.modules[entry_point.module].__package__ or entry_point.module)
        activities[entry_point.name] = found
    return Registry(activities, unavailable)
