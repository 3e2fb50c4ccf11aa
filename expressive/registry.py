"""Finding activities: built-ins and third-party packages alike, through entry points.

Every activity is declared in the entry-point group `expressive.activities`; a third party
adds one with `pip install` and nothing else. Discovery never raises: an activity that
cannot be imported, declares itself wrongly or was written for another major version of
the activity API is recorded as unavailable with the reason, logged, and the rest of the
app carries on. The registry also gathers the services activities lend one another.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from expressive.activity import Activity, ActivityInfo, Services
from expressive.i18n import _, add_catalogue

ENTRY_POINT_GROUP = "expressive.activities"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnavailableActivity:
    """An activity that was found but cannot be used, and why (in words for a person)."""

    name: str
    source: str
    reason: str


@dataclass
class Registry:
    """The activities found and usable, by id; those found but unusable, with why; and
    `services`, what the usable ones lend one another (gathered when first asked for)."""

    activities: dict[str, type[Activity]]
    unavailable: list[UnavailableActivity]
    services: Services = field(init=False, repr=False)

    def __post_init__(self):
        self.services = Services(lambda: offered_services(self.activities))

    def get(self, activity_id: str) -> type[Activity] | None:
        return self.activities.get(activity_id)

    def mark_unavailable(self, activity_id: str, reason: str) -> None:
        """Take an activity out of use after it failed at run time."""
        activity = self.activities.pop(activity_id, None)
        if activity is not None:
            self.unavailable.append(UnavailableActivity(activity_id, activity.__module__, reason))


def offered_services(activities: Mapping[str, type[Activity]]) -> dict[str, Callable[..., Any]]:
    """Every service the `activities` offer, by name; when two offer one name, the activity
    whose id sorts first lends it. An activity whose `services()` fails or answers with
    something else than a dict lends nothing, and the rest carry on."""
    offered: dict[str, Callable[..., Any]] = {}
    for activity_id in sorted(activities):
        try:
            services = activities[activity_id].services()
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
    return Services(lambda: offered_services(discover().activities))


def _source(entry_point: EntryPoint) -> str:
    distribution = entry_point.dist
    package = f"{distribution.name} {distribution.version}" if distribution else "unknown package"
    return f"{entry_point.value} ({package})"


def _icon_problem(activity: type[Activity]) -> str | None:
    """An icon is a Material Design Icons name or an image file beside the activity's module."""
    from expressive.lib.fonts import is_icon_name

    icon = activity.info.icon
    if is_icon_name(icon):
        return None
    module = __import__(activity.__module__, fromlist=["__file__"])
    module_file = getattr(module, "__file__", None)
    if module_file and (Path(module_file).parent / icon).is_file():
        return None
    return _("icon {icon} is neither a known icon name nor an image file beside the activity").format(icon=repr(icon))


def validate(name: str, loaded: object) -> list[str]:
    """Everything that stops `loaded` (from entry point `name`) being used as an activity."""
    if not (isinstance(loaded, type) and issubclass(loaded, Activity)):
        return [_("it is a {type}, not a subclass of expressive.api.Activity").format(type=type(loaded).__name__)]
    info = getattr(loaded, "info", None)
    if not isinstance(info, ActivityInfo):
        return [_("it does not declare `info = ActivityInfo(...)`")]
    problems = info.problems()
    if not problems and info.id != name:
        problems.append(_("its id {id} differs from its entry-point name {name}").format(
            id=repr(info.id), name=repr(name)))
    if not problems:
        icon_problem = _icon_problem(loaded)
        if icon_problem:
            problems.append(icon_problem)
    return problems


def discover(group: str = ENTRY_POINT_GROUP) -> Registry:
    activities: dict[str, type[Activity]] = {}
    unavailable: list[UnavailableActivity] = []
    for entry_point in sorted(entry_points(group=group), key=lambda point: point.name):
        source = _source(entry_point)
        try:
            loaded = entry_point.load()
        except Exception as error:  # a plugin's import may fail in any way at all
            reason = _("it could not be loaded: {error}").format(error=f"{type(error).__name__}: {error}")
            log.warning("Activity %r from %s is unavailable: %s", entry_point.name, source, reason)
            unavailable.append(UnavailableActivity(entry_point.name, source, reason))
            continue
        problems = validate(entry_point.name, loaded)
        if entry_point.name in activities:
            problems.append(_("another installed activity already uses this id"))
        if problems:
            reason = "; ".join(problems)
            log.warning("Activity %r from %s is unavailable: %s", entry_point.name, source, reason)
            unavailable.append(UnavailableActivity(entry_point.name, source, reason))
            continue
        activities[entry_point.name] = loaded
        # An activity translates its own words, from the locale folder of its package.
        add_catalogue(sys.modules[entry_point.module].__package__ or entry_point.module)
    return Registry(activities, unavailable)
