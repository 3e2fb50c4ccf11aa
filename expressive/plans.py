"""Session plans: a session as a sequence of steps, shipped as data in `sessions/`.

A plan file is TOML that a therapist can copy and edit:

    id = "safe-place"
    title = "A safe place"
    description = "..."
    [[steps]]
    kind = "checkin"
    [[steps]]
    kind = "activity"        # one named activity with an invitation
    activity = "drawing"
    prompt = "Draw a place where you feel safe."
    [[steps]]
    kind = "checkout"
    prompts = ["What would you like to call it?"]

A step of kind "choice" opens the launcher so the client picks freely.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from expressive.resources import SESSIONS_DIR

STEP_KINDS = ("checkin", "activity", "choice", "checkout")
OPEN_PLAN_ID = "open"

log = logging.getLogger(__name__)


class PlanError(ValueError):
    pass


@dataclass(frozen=True)
class Step:
    kind: str
    activity: str | None = None
    prompt: str | None = None
    prompts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionPlan:
    id: str
    title: str
    description: str
    steps: tuple[Step, ...] = field(default_factory=tuple)

    @property
    def making_steps(self) -> tuple[Step, ...]:
        """The steps between check-in and check-out, where the client makes things."""
        return tuple(step for step in self.steps if step.kind in ("activity", "choice"))

    @property
    def checkout_prompts(self) -> tuple[str, ...]:
        return next((step.prompts for step in self.steps if step.kind == "checkout"), ())


# The session a file brought in from elsewhere (`expressive import`) is kept in.
IMPORTED_PLAN_ID = "imported"
IMPORTED_PLAN_TITLE = "Brought in from a file"

# Used only when sessions/open.toml is missing or broken: a free-choice session is always possible.
FALLBACK_OPEN_PLAN = SessionPlan(
    OPEN_PLAN_ID,
    "Open session",
    "The client chooses what to make.",
    (Step("checkin"), Step("choice"), Step("checkout")),
)


def parse_plan(text: str, source: str) -> SessionPlan:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PlanError(f"{source}: not valid TOML ({error})") from error
    for key in ("id", "title"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise PlanError(f"{source}: '{key}' is missing")
    for key in ("description",):
        if not isinstance(data.get(key, ""), str):
            raise PlanError(f"{source}: '{key}' must be text")
    raw_steps = data.get("steps", [])
    if not isinstance(raw_steps, list) or not all(isinstance(raw, dict) for raw in raw_steps):
        raise PlanError(f"{source}: 'steps' must be a list of [[steps]] tables")
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        prompts = raw.get("prompts", [])
        if not isinstance(raw.get("prompt", ""), str) or not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
            raise PlanError(f"{source}: step {number} has a prompt that is not text")
        kind = raw.get("kind")
        if kind not in STEP_KINDS:
            raise PlanError(f"{source}: step {number} has kind {kind!r}; use one of {', '.join(STEP_KINDS)}")
        if kind == "activity" and not raw.get("activity"):
            raise PlanError(f"{source}: step {number} is an activity step but names no activity")
        steps.append(
            Step(kind, raw.get("activity"), raw.get("prompt"), tuple(prompts))
        )
    kinds = [step.kind for step in steps]
    if not kinds or kinds[0] != "checkin" or kinds[-1] != "checkout" or kinds.count("checkin") != 1 or kinds.count("checkout") != 1:
        raise PlanError(f"{source}: a plan starts with one 'checkin' step and ends with one 'checkout' step")
    if len(steps) < 3:
        raise PlanError(f"{source}: a plan needs at least one step between check-in and check-out")
    return SessionPlan(data["id"], data["title"], data.get("description", ""), tuple(steps))


def load_plans(folder: Path = SESSIONS_DIR) -> list[SessionPlan]:
    """Every valid plan in `folder`, the open session first (built in, if its file is gone).

    A broken or duplicate plan file is left out with a warning, so that one bad edit by a
    therapist never stops the app from starting.
    """
    plans: dict[str, SessionPlan] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            plan = parse_plan(path.read_text(encoding="utf-8"), path.name)
        except (OSError, UnicodeDecodeError, PlanError) as error:
            log.warning("Session plan %s is left out: %s", path.name, error)
            continue
        if plan.id in plans:
            log.warning("Session plan %s is left out: another plan already has the id %r", path.name, plan.id)
            continue
        plans[plan.id] = plan
    plans.setdefault(OPEN_PLAN_ID, FALLBACK_OPEN_PLAN)
    return sorted(plans.values(), key=lambda plan: (plan.id != OPEN_PLAN_ID, plan.title.casefold()))
