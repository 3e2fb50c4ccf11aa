"""Where a running session is: which plan step comes next, and what was made so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from expressive.plans import SessionPlan, Step

if TYPE_CHECKING:
    from expressive.portfolio import ArtifactRecord, Session


@dataclass
class RunningSession:
    plan: SessionPlan
    session: Session
    made: list[ArtifactRecord] = field(default_factory=list)
    steps_done: int = 0
    # The feeling chosen at check-out (1-5), kept while the client goes back to make more.
    feeling_out: int | None = None

    def upcoming(self) -> Step | None:
        """The plan's next making step, or None once the plan has been followed through."""
        steps = self.plan.making_steps
        return steps[self.steps_done] if self.steps_done < len(steps) else None

    def prompt_for(self, activity_id: str) -> str | None:
        step = self.upcoming()
        if step is not None and step.kind == "activity" and step.activity == activity_id:
            return step.prompt
        return None

    def completed(self, activity_id: str) -> None:
        """A planned step counts as done when its activity was used (any, for a free choice)."""
        step = self.upcoming()
        if step is not None and (step.kind == "choice" or step.activity == activity_id):
            self.steps_done += 1
