"""Finding activities: built-ins and third-party packages alike, through entry points.

Every activity is declared in the entry-point group `expressive.activities`; a third party
adds one with `pip install` and nothing else. Discovery never raises: an activity that
cannot be imported or declares itself wrongly is recorded as unavailable with the reason,
logged, and the rest of the app carries on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from expressive.activity import Activity, ActivityInfo

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
    activities: dict[str, type[Activity]]
    unavailable: list[UnavailableActivity]

    def get(self, activity_id: str) -> type[Activity] | None:
        return self.activities.get(activity_id)

    def mark_unavailable(self, activity_id: str, reason: str) -> None:
        """Take an activity out of use after it failed at run time."""
        activity = self.activities.pop(activity_id, None)
        if activity is not None:
            self.unavailable.append(UnavailableActivity(activity_id, activity.__module__, reason))


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
    return f"icon {icon!r} is neither a known icon name nor an image file beside the activity"


def validate(name: str, loaded: object) -> list[str]:
    """Everything that stops `loaded` (from entry point `name`) being used as an activity."""
    if not (isinstance(loaded, type) and issubclass(loaded, Activity)):
        return [f"it is a {type(loaded).__name__}, not a subclass of expressive.activity.Activity"]
    info = getattr(loaded, "info", None)
    if not isinstance(info, ActivityInfo):
        return ["it does not declare `info = ActivityInfo(...)`"]
    problems = info.problems()
    if not problems and info.id != name:
        problems.append(f"its id {info.id!r} differs from its entry-point name {name!r}")
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
            reason = f"it could not be loaded: {type(error).__name__}: {error}"
            log.warning("Activity %r from %s is unavailable: %s", entry_point.name, source, reason)
            unavailable.append(UnavailableActivity(entry_point.name, source, reason))
            continue
        problems = validate(entry_point.name, loaded)
        if entry_point.name in activities:
            problems.append("another installed activity already uses this id")
        if problems:
            reason = "; ".join(problems)
            log.warning("Activity %r from %s is unavailable: %s", entry_point.name, source, reason)
            unavailable.append(UnavailableActivity(entry_point.name, source, reason))
            continue
        activities[entry_point.name] = loaded
    return Registry(activities, unavailable)
