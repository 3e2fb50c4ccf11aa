"""Camera frames for an activity: a camera, a video file or a moving test pattern, behind
one interface (`FrameSource`), and `LatestFrame`, which reads a source on a thread and
keeps only the newest frame.

`open_frame_source(kind, **options)` returns an opened source and never raises: a tablet
without a camera gets a source whose `problem` says so in one sentence. `list_cameras()`
finds the cameras. `FigureScene` draws the test pattern's figure anywhere in its dim room,
for an activity's own tests and measurements. No Kivy here.

Constants:
- `NO_CAMERA`: the sentence a camera source's `problem` holds when there is no camera.
- `LEFTMOST`, `RIGHTMOST`: how far left and right (fractions of the width) the test
  pattern's figure walks.
"""

from expressive.camera import NO_CAMERA, Frame, FrameSource, LatestFrame, PatternSource, VideoFileSource, list_cameras, open_frame_source
from expressive.camera.pattern import LEFTMOST, RIGHTMOST, FigureScene

__all__ = [
    "LEFTMOST",
    "NO_CAMERA",
    "RIGHTMOST",
    "FigureScene",
    "Frame",
    "FrameSource",
    "LatestFrame",
    "PatternSource",
    "VideoFileSource",
    "list_cameras",
    "open_frame_source",
]
