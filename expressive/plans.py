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

A plan's words (title, description, prompts) are kept in English as written; the screens
show them through `_()`, and `expressive catalogues update` extracts them from the files.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from expressive.limits import (
    MAX_PROMPT_CHARS,
    MAX_STEPS,
    MAX_TEXT_FILE_BYTES,
    MAX_TITLE_CHARS,
    MAX_WORDS_CHARS,
    InputRefused,
    checked_text,
    load_toml_bounded,
    read_bounded,
)
from expressive.i18n import N_
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
IMPORTED_PLAN_TITLE = N_("Brought in from a file")

# Used only when sessions/open.toml is missing or broken: a free-choice session is always possible.
FALLBACK_OPEN_PLAN = SessionPlan(
    OPEN_PLAN_ID,
    N_("Open session"),
    N_("The client chooses what to make."),
    (Step("checkin"), Step("choice"), Step("checkout")),
)


def parse_plan(text: str | bytes, source: str) -> SessionPlan:
    """The plan described by TOML `text`; `source` names it in errors. Its words are
    bounded and cleaned as typed words are (a plan's id is kept with every session)."""
    try:
        data = load_toml_bounded(text, what=source)
    except InputRefused as refusal:
        raise PlanError(str(refusal).rstrip(".")) from None
    for key in ("id", "title"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise PlanError(f"{source}: '{key}' is missing")
    for key in ("description",):
        if not isinstance(data.get(key, ""), str):
            raise PlanError(f"{source}: '{key}' must be text")
    raw_steps = data.get("steps", [])
    if not isinstance(raw_steps, list) or not all(isinstance(raw, dict) for raw in raw_steps):
        raise PlanError(f"{source}: 'steps' must be a list of [[steps]] tables")
    if len(raw_steps) > MAX_STEPS:
        raise PlanError(f"{source}: it has {len(raw_steps):,} steps; the most a plan has is {MAX_STEPS}")
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        prompts = raw.get("prompts", [])
        if not isinstance(raw.get("prompt", ""), str) or not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
            raise PlanError(f"{source}: step {number} has a prompt that is not text")
        kind = raw.get("kind")
        if kind not in STEP_KINDS:
            raise PlanError(f"{source}: step {number} has kind {kind!r}; use one of {', '.join(STEP_KINDS)}")
        activity = raw.get("activity")
        if kind == "activity" and not activity:
            raise PlanError(f"{source}: step {number} is an activity step but names no activity")
        if activity is not None and not isinstance(activity, str):
            raise PlanError(f"{source}: step {number} names an activity that is not text")
        if len(prompts) > MAX_STEPS:
            raise PlanError(f"{source}: step {number} has {len(prompts):,} prompts; the most a step has is {MAX_STEPS}")
        prompt = None if raw.get("prompt") is None else _words(raw["prompt"], source, f"prompt of step {number}", MAX_PROMPT_CHARS, one_line=False)
        steps.append(
            Step(
                kind,
                None if activity is None else _words(activity, source, f"activity of step {number}", MAX_TITLE_CHARS),
                prompt,
                tuple(_words(each, source, f"prompt of step {number}", MAX_PROMPT_CHARS, one_line=False) for each in prompts),
            )
        )
    kinds = [step.kind for step in steps]
    if not kinds or kinds[0] != "checkin" or kinds[-1] != "checkout" or kinds.count("checkin") != 1 or kinds.count("checkout") != 1:
        raise PlanError(f"{source}: a plan starts with one 'checkin' step and ends with one 'checkout' step")
    if len(steps) < 3:
        raise PlanError(f"{source}: a plan needs at least one step between check-in and check-out")
    return SessionPlan(
        _words(data["id"], source, "id", MAX_TITLE_CHARS),
        _words(data["title"], source, "title", MAX_TITLE_CHARS),
        _words(data.get("description", ""), source, "description", MAX_WORDS_CHARS, one_line=False),
        tuple(steps),
    )


def _words(text: str, source: str, what: str, max_chars: int, *, one_line: bool = True) -> str:
    try:
        return checked_text(text, what, max_chars, one_line=one_line)
    except InputRefused as refusal:
        raise PlanError(f"{source}: {refusal}".rstrip(".")) from None


def load_plans(folder: Path = SESSIONS_DIR) -> list[SessionPlan]:
    """Every valid plan in `folder`, the open session first (built in, if its file is gone).

    A broken or duplicate plan file is left out with a warning, so that one bad edit by a
    therapist never stops the app from starting.
    """
    plans: dict[str, SessionPlan] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            plan = parse_plan(read_bounded(path, MAX_TEXT_FILE_BYTES, what=path.name), path.name)
        except InputRefused as refusal:
            log.warning("Session plan %s is left out: %s", path.name, refusal)
            continue
        except (OSError, PlanError) as error:
            log.warning("Session plan %s is left out: %s", path.name, error)
            continue
        if plan.id in plans:
            log.warning("Session plan %s is left out: another plan already has the id %r", path.name, plan.id)
            continue
        plans[plan.id] = plan
    plans.setdefault(OPEN_PLAN_ID, FALLBACK_OPEN_PLAN)
    return sorted(plans.values(), key=lambda plan: (plan.id != OPEN_PLAN_ID, plan.title.casefold()))
