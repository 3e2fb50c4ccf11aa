"""The replay of a drawing in the portfolio: the kit's replay on the drawing's log.

Pictures come from `ReplayRenderer` (Pillow), so what is replayed is exactly what was
saved; the kit's `ReplayView` plays, scrubs and keeps the therapist's marks.
"""

from __future__ import annotations

from expressive.api import ArtifactView
from expressive.api.widgets import ReplayView
from expressive.lib.drawing.replay import ReplayRenderer
from expressive.lib.drawing.strokes import DrawingLog


def replay_viewer(artifact: ArtifactView, save_marks):
    """The replay of a saved drawing, or None when it has no log this version can read
    (the host then shows the picture). `save_marks` as `ReplayView` takes it."""
    if not artifact.process:
        return None
    try:
        log = DrawingLog.from_json(artifact.read(artifact.process))
    except (ValueError, KeyError, TypeError):  # an older or newer log, or a damaged one
        return None
    return ReplayView(duration=log.duration, picture_at=ReplayRenderer(log).image_at, marks=list(artifact.marks),
                      save_marks=save_marks)
