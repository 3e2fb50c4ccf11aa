"""Camera frames: a camera, a video file or a moving test pattern, behind one interface.

`open_frame_source(kind, **options)` returns an opened `FrameSource` and never raises:
a tablet without a camera gets a source whose `problem` says so in one sentence, and
the person can go on with a video file or the test pattern. `LatestFrame` reads any
source on a thread and keeps only the newest frame, for live views and analysis.

Backends, all imported lazily:
- `CameraSource`: a camera through OpenCV (V4L2 on Linux); `list_cameras()` finds them.
- `VideoFileSource`: a file played like a camera, decoded in a child process so that a
  damaged or crafted file cannot crash the app.
- `PatternSource`: a figure crossing a dim room, drawn on the fly.

A tablet's own camera (Android, iOS) is reached through Kivy's camera provider instead,
which only works inside the running app. Such a backend belongs in the UI layer: a
`FrameSource` whose `open()` starts a `kivy.core.camera.Camera` and whose texture
callback (on the UI thread) converts each picture to a BGR array and pushes it into a
one-slot buffer; its `read()` waits on that buffer and returns `Frame(image,
time.perf_counter() at the push, index)`. Everything downstream (`LatestFrame`, the
movement analysis, the recording) then works unchanged, and nothing here imports Kivy.
"""

from __future__ import annotations

import logging

from expressive.camera.base import Frame, FrameSource, UnavailableSource
from expressive.camera.camera import NO_CAMERA, CameraInfo, CameraSource, list_cameras
from expressive.camera.latest import ArrivedFrame, LatestFrame
from expressive.camera.pattern import PatternSource
from expressive.camera.video_file import MISSING_VIDEO, UNREADABLE_VIDEO, VIDEO_ENDED_EARLY, VideoFileSource
from expressive.i18n import _

log = logging.getLogger(__name__)

SOURCE_KINDS = {"camera": CameraSource, "file": VideoFileSource, "pattern": PatternSource}


def open_frame_source(kind: str, **options) -> FrameSource:
    """An opened source of `kind` ("camera", "file" or "pattern") made with `options`
    (the keyword arguments of CameraSource, VideoFileSource or PatternSource).

    Never raises: an unknown kind or unusable options give a source whose `problem`
    says what is wrong, and a source that cannot open keeps its own `problem`.
    """
    backend = SOURCE_KINDS.get(kind)
    if backend is None:
        return UnavailableSource(_("The picture source {kind} is not one of {known}.").format(
            kind=repr(kind), known=', '.join(SOURCE_KINDS)))
    try:
        source = backend(**options)
        source.open()
    except Exception as error:
        # Sources report what a person can fix in `problem`; anything raised here is a
        # fault in how the source was asked for, which must not stop the app either.
        log.exception("Could not open the %s source with %r", kind, options)
        return UnavailableSource(_("The {kind} source cannot be set up that way ({error}).").format(
            kind=kind, error=error), name=kind)
    return source


__all__ = [
    "MISSING_VIDEO",
    "NO_CAMERA",
    "SOURCE_KINDS",
    "UNREADABLE_VIDEO",
    "VIDEO_ENDED_EARLY",
    "ArrivedFrame",
    "CameraInfo",
    "CameraSource",
    "Frame",
    "FrameSource",
    "LatestFrame",
    "PatternSource",
    "UnavailableSource",
    "VideoFileSource",
    "list_cameras",
    "open_frame_source",
]
