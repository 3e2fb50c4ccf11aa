"""From frames to what the client sees, hears and keeps: the movement activity's engine.

Each frame is analysed (analysis.py), its motion sounds in the zones or the flowing
voice (zones.py) through the music activity's audio engine, paints the trails
(painting.py) and joins the record (record.py); raw video is kept only when the
therapist allowed it for this client (video.py). Live, this runs on a thread of its
own fed by the newest camera frame, so a slow frame drops frames instead of falling
behind; for a video file (`analyse_video`) every frame is analysed in order. No Kivy.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace

import cv2
import numpy as np

from expressive.activities.movement.analysis import MotionAnalyzer
from expressive.activities.movement.features import Features
from expressive.activities.movement.painting import TrailPainter, silhouette_image
from expressive.activities.movement.record import MovementRecord
from expressive.activities.movement.trails import TRAILS_FILE, TrailRecorder
from expressive.activities.movement.video import VideoKeeper
from expressive.activities.movement.zones import ContinuousVoice, ZonePlayer, play, zone_activity, zone_layout
from expressive.lib.music.midifile import to_midi_bytes
from expressive.lib.music.performance import Recorder
from expressive.lib.music.scales import DEFAULT_SCALE
from expressive.api import ArtifactDraft
from expressive.api.i18n import _
from expressive.api.camera import FrameSource, LatestFrame

VIEWS = ("trails", "silhouette", "mirror")
# How long the empty room is watched when calibrating.
CALIBRATION_FRAMES = 15
THUMBNAIL_SIZE = (320, 240)
# How dark the body's shadow falls on the trails in the live view.
SHADOW_STRENGTH = 0.3


@dataclass(frozen=True)
class MovementSettings:
    view: str = "trails"
    sound: str = "zones"  # "zones", "continuous" or "silent"
    zone_count: int = 5
    arrangement: str = "row"
    scale: str = DEFAULT_SCALE
    zone_instrument: str = "marimba"
    flowing_instrument: str = "strings"
    sensitivity: float = 0.5


class MovementPipeline:
    """One capture: analyse frames, sound them, paint them, keep them.

    `engine` plays the notes (None: silent, e.g. a video analysed on the command line);
    `video_seconds` is how much raw video may be kept (0: none, the default). Settings
    may be changed from another thread at any time; they apply from the next frame.
    """

    def __init__(self, engine=None, settings: MovementSettings = MovementSettings(), *, video_seconds: float = 0):
        self.engine = engine
        self.analyzer = MotionAnalyzer(sensitivity=settings.sensitivity)
        self.painter = TrailPainter()
        self.recorder = Recorder()
        self.recorder.start(at=0.0, title=_("Movement"))
        self.video = VideoKeeper(video_seconds) if video_seconds > 0 else None
        self.trails = TrailRecorder()
        self.features: Features | None = None
        # Seconds from a frame arriving to the notes it started being started.
        self.frame_to_note: list[float] = []
        self._lock = threading.Lock()
        self._calibration: list | None = None
        self._last_frame = None
        self.record = MovementRecord(settings.sound, (), settings.scale, settings.zone_instrument)
        self._apply(settings)

    # --- settings ----------------------------------------------------------------------

    @property
    def settings(self) -> MovementSettings:
        return self._settings

    def change(self, **changes) -> None:
        """Change settings (e.g. `change(sound="continuous")`); sounding notes are let go."""
        with self._lock:
            settings = replace(self._settings, **changes)
            self._release_all()
            self._apply(settings)

    def _apply(self, settings: MovementSettings) -> None:
        self._settings = settings
        self.analyzer.sensitivity = settings.sensitivity
        self.zones = zone_layout(settings.zone_count, settings.scale, settings.arrangement, sensitivity=settings.sensitivity)
        self.zone_player = ZonePlayer(self.zones, instrument=settings.zone_instrument)
        self.voice = ContinuousVoice(scale=settings.scale, instrument=settings.flowing_instrument)
        self.record.mode, self.record.zones, self.record.scale = settings.sound, tuple(self.zones), settings.scale
        self.record.instrument = settings.zone_instrument if settings.sound == "zones" else settings.flowing_instrument

    def set_zone_sensitivity(self, index: int, sensitivity: float) -> None:
        """One zone's own sensitivity (until the layout or the overall sensitivity changes)."""
        with self._lock:
            self._release_all()
            zones = list(self.zones)
            zones[index] = replace(zones[index], sensitivity=sensitivity)
            self.zones = zones
            self.zone_player = ZonePlayer(zones, instrument=self._settings.zone_instrument)
            self.record.zones = tuple(zones)

    @property
    def ignored_areas(self) -> tuple[tuple[float, float, float, float], ...]:
        """Areas where movement does not count, as the client sees them (mirrored):
        (x, y, width, height) fractions from the top left."""
        return tuple((1 - x - width, y, width, height) for x, y, width, height in self.analyzer.dead_zones)

    def ignore_area(self, area: tuple[float, float, float, float] | None) -> None:
        """Add an area (as the client sees it) where movement does not count, e.g. a window
        with trees or a fan; None clears them all."""
        with self._lock:
            if area is None:
                self.analyzer.dead_zones = ()
                return
            x, y, width, height = area
            self.analyzer.dead_zones = (*self.analyzer.dead_zones, (1 - x - width, y, width, height))

    def calibrate(self) -> None:
        """Learn the empty room from the next frames (the client steps out of view)."""
        with self._lock:
            self._calibration = []

    @property
    def calibrating(self) -> bool:
        return self._calibration is not None

    # --- frames ------------------------------------------------------------------------

    def step(self, frame, arrived: float | None = None) -> Features:
        """Analyse one frame (arrived at perf_counter time `arrived`, when live)."""
        with self._lock:
            if self._calibration is not None:
                self._calibration.append(frame)
                if len(self._calibration) >= CALIBRATION_FRAMES:
                    self.analyzer.calibrate(self._calibration)
                    self._calibration = None
            features = self.analyzer.analyze(frame)
            settings = self._settings
            if settings.sound == "zones":
                events = self.zone_player.update(features.time, zone_activity(self.analyzer.motion_mask, self.zones))
            elif settings.sound == "continuous":
                events = self.voice.update(features.time, features)
            else:
                events = []
            play(events, self.engine, self.recorder)
            if arrived is not None and any(event.velocity for event in events):
                self.frame_to_note.append(time.perf_counter() - arrived)
            self.painter.add(self.analyzer.history, features.time)
            self.trails.add(self.analyzer.motion_mask, features.time)
            self.record.add(features)
            self.record.add_events(events)
            if self.video is not None:
                self.video.add(frame.image, features.time)
            self.features = features
            self._last_frame = frame
        return features

    def _release_all(self) -> None:
        at = self.features.time if self.features is not None else 0.0
        play(self.zone_player.release_all(at) + self.voice.release_all(at), self.engine, self.recorder)

    def view(self) -> np.ndarray | None:
        """What the client sees now, mirrored like a mirror: RGB uint8 at the analysis size.

        "trails": the painting, with the body's shape now as a soft shadow so the client
        sees where they are (no face, no room); "silhouette": the body's shape alone;
        "mirror": the camera's picture.
        """
        with self._lock:
            frame, view = self._last_frame, self._settings.view
            if frame is None:
                return None
            silhouette = self.analyzer.silhouette
            if view == "silhouette":
                return silhouette_image(silhouette)
            if view == "mirror":
                camera = cv2.flip(frame.image, 1)
                if camera.shape[1::-1] != tuple(self.analyzer.size):
                    camera = cv2.resize(camera, self.analyzer.size)
                return cv2.cvtColor(camera, cv2.COLOR_BGR2RGB)
            trails = self.painter.pixels()
            shadow = cv2.flip(silhouette, 1) > 0
            trails[shadow] = (trails[shadow] * (1 - SHADOW_STRENGTH)).astype(np.uint8)
            return trails

    def sounding_zones(self) -> tuple[bool, ...]:
        with self._lock:
            return self.zone_player.sounding if self._settings.sound == "zones" else ()

    # --- keeping it --------------------------------------------------------------------

    def finish(self) -> ArtifactDraft:
        """The movement artifact: the painting (product), the features over time (process)
        and their plot, the music it made, and raw video only if allowed."""
        with self._lock:
            self._release_all()
            take = self.recorder.stop(at=self.record.duration) if self.recorder.is_recording else self.recorder.takes[-1]
        painting = self.painter.image()
        thumbnail = painting.copy()
        thumbnail.thumbnail(THUMBNAIL_SIZE)
        files = {
            "movement.png": self.painter.png(),
            "thumbnail.png": _png(thumbnail),
            **self.record.files(),
            TRAILS_FILE: self.trails.to_json(),
        }
        if not take.is_empty:
            files["music.mid"] = to_midi_bytes(take)
        video = self.video.avi() if self.video is not None else None
        if video is not None:
            files["video.avi"] = video
        summary = self.record.summary()
        return ArtifactDraft(
            kind="movement",
            files=files,
            product="movement.png",
            process="features.json",
            thumbnail="thumbnail.png",
            metadata={
                "seconds": round(self.record.duration, 2),
                "notes": self.record.notes_played,
                "sound": self._settings.sound,
                "moving_share": round(summary["moving_share"], 3),
                "video_seconds": round(self.video.seconds, 1) if video is not None else 0,
            },
        )


def _png(image) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class LiveCapture:
    """Feeds a pipeline from a live source on a thread of its own, newest frame first."""

    def __init__(self, source: FrameSource, pipeline: MovementPipeline):
        self.source = source
        self.pipeline = pipeline
        self._frames = LatestFrame(source)
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def problem(self) -> str | None:
        return self.source.problem

    @property
    def ended(self) -> bool:
        return self._frames.ended

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            # A second thread would be forgotten by `stop` and outlive it.
            return
        self._frames.start()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="movement-analysis", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.is_set():
            arrived = self._frames.take(timeout=0.2)
            if arrived is None:
                if self._frames.ended:
                    return
                continue
            self.pipeline.step(arrived.frame, arrived.arrived)

    def stop(self) -> None:
        """Stop analysing and reading; returns once both threads have ended, since one
        still inside OpenCV when the process exits aborts it."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
        self._frames.stop()


def analyse_video(source: FrameSource, settings: MovementSettings = MovementSettings()) -> MovementPipeline:
    """Every frame of an opened video source through a silent pipeline (the notes are
    recorded at their times in the video, not played); the source is closed after."""
    pipeline = MovementPipeline(None, settings)
    try:
        while (frame := source.read()) is not None:
            pipeline.step(frame)
    finally:
        source.close()
    return pipeline
