"""Movement: the client moves in front of the camera and sees and hears it.

The pipeline (pipeline.py) does the work on a thread of its own; this class picks the
picture source, lends the pipeline the host's audio engine, and hands the record to the
host when the client is done. Kivy is imported only in `build()` and `viewer()`.
"""

from __future__ import annotations

import json

from expressive.activities.movement.pipeline import LiveCapture, MovementPipeline, MovementSettings
from expressive.activities.movement.record import MovementRecord
from expressive.api import MOVEMENT_VIDEO_SETTING, API_VERSION, Activity, ActivityInfo, ArtifactDraft, Host
from expressive.api.camera import NO_CAMERA, list_cameras, open_frame_source
from expressive.api.i18n import N_, _
from expressive.api.limits import MAX_SNAPSHOT_BYTES, load_json_bounded

SNAPSHOT_FORMAT = "expressive-movement-snapshot"
# The moving pattern stands in for a camera until the client chooses one (or has none).
NO_CAMERA_YET = "pattern"
# What a camera is asked for: the analysis works at 640x480, so more only costs time,
# but some cameras see a wider field at 1280x720.
CAMERA_RESOLUTIONS = ((640, 480), (1280, 720))


class MovementActivity(Activity):
    info = ActivityInfo(
        id="movement",
        title=N_("Movement"),
        icon="human-handsup",
        artifact_kinds=("movement",),
        api_version=API_VERSION,
        description=N_("Move in front of the camera: paint and play with your body"),
    )

    def __init__(self, host: Host):
        super().__init__(host)
        self.settings = MovementSettings()
        self.pipeline: MovementPipeline | None = None
        self.capture: LiveCapture | None = None
        self.source_kind = ""
        self.camera_index: int | None = None
        self.camera_resolution = CAMERA_RESOLUTIONS[0]
        self.problem: str | None = None
        self._studio = None
        # Work kept from an interrupted run (the features so far), added to at finish.
        self._restored: MovementRecord | None = None

    @property
    def video_seconds(self) -> float:
        value = self.host.settings.get(MOVEMENT_VIDEO_SETTING, 0)
        return float(value) if isinstance(value, (int, float)) and value > 0 else 0.0

    def build(self):
        from expressive.activities.movement.studio import MovementStudio

        self._studio = MovementStudio(activity=self, complexity=self.host.complexity)
        return self._studio

    def start(self) -> None:
        engine = self.host.media.audio()
        engine.prepare(self.settings.zone_instrument)
        self.pipeline = MovementPipeline(engine, self.settings, video_seconds=self.video_seconds)
        cameras = list_cameras()
        if cameras:
            self.use_source("camera", index=cameras[0].index, resolution=self.camera_resolution)
        else:
            self.use_source(NO_CAMERA_YET)
            self.problem = _("There is no camera here, so a pretend dancer moves for you.")

    def use_source(self, kind: str, **options) -> str | None:
        """Watch another picture source ("camera", "file" or "pattern"); the problem, if
        it cannot be used (the earlier source then goes on)."""
        if kind in ("pattern", "file"):
            # Live, a pattern or a video plays at its own pace, as a camera would.
            options.setdefault("real_time", True)
        source = open_frame_source(kind, **options)
        if source.problem:
            source.close()
            return source.problem
        if self.capture is not None:
            self.capture.stop()
        self.capture = LiveCapture(source, self.pipeline)
        self.capture.start()
        self.source_kind = kind
        self.camera_index = options.get("index", 0) if kind == "camera" else None
        self.problem = None
        return None

    def next_camera(self, resolution: tuple[int, int] | None = None) -> str | None:
        """Watch the next camera (the first, if none is watched yet), or the same one at
        another `resolution`; the problem, if there is no camera to use."""
        cameras = list_cameras()
        if not cameras:
            return NO_CAMERA
        indexes = [camera.index for camera in cameras]
        if resolution is not None:
            self.camera_resolution = resolution
            index = self.camera_index if self.camera_index in indexes else indexes[0]
        elif self.camera_index in indexes:
            index = indexes[(indexes.index(self.camera_index) + 1) % len(indexes)]
        else:
            index = indexes[0]
        return self.use_source("camera", index=index, resolution=self.camera_resolution)

    def change(self, **changes) -> None:
        self.pipeline.change(**changes)
        self.settings = self.pipeline.settings

    def pause(self) -> None:
        if self.capture is not None:
            self.capture.stop()

    def resume(self) -> None:
        if self.capture is not None:
            self.capture.start()

    def has_work(self) -> bool:
        moved = self.pipeline is not None and self.pipeline.record.duration > 0
        return moved or self._restored is not None

    def snapshot(self) -> bytes | None:
        if self.pipeline is None:
            return None
        return json.dumps({"format": SNAPSHOT_FORMAT, "record": self.pipeline.record.to_json().decode("utf-8")}).encode()

    def restore(self, snapshot: bytes) -> None:
        # The features so far come back; the painting and the sounds start afresh.
        document = load_json_bounded(snapshot, max_bytes=MAX_SNAPSHOT_BYTES, what="The movement snapshot")
        if not isinstance(document, dict) or document.get("format") != SNAPSHOT_FORMAT:
            raise ValueError("not a movement snapshot")
        self._restored = MovementRecord.from_json(document["record"].encode("utf-8"))

    def finish(self) -> list[ArtifactDraft]:
        if self.capture is not None:
            self.capture.stop()
            self.capture = None
        drafts = []
        if self._restored is not None:
            drafts.append(ArtifactDraft(
                kind="movement", files=self._restored.files() | {"thumbnail.png": self._restored.plot_png((320, 240))},
                product="features.png", process="features.json", thumbnail="thumbnail.png",
                metadata={"seconds": round(self._restored.duration, 2), "interrupted": True},
            ))
        if self.pipeline is not None and self.pipeline.record.duration > 0:
            drafts.append(self.pipeline.finish())
        return drafts

    @classmethod
    def demo_drafts(cls, variant: int) -> list[ArtifactDraft]:
        from expressive.activities.movement.pipeline import analyse_video
        from expressive.api.camera import PatternSource

        pattern = PatternSource(size=(320, 240), fps=15, seconds=4 + variant)
        pattern.open()
        return [analyse_video(pattern).finish()]

    @classmethod
    def viewer(cls, artifact, save_marks=None, media=None):
        from expressive.activities.movement.viewer import MovementViewer

        return MovementViewer(artifact=artifact)

    @classmethod
    def cli_commands(cls):
        from expressive.activities.movement.command import ANALYSE_VIDEO

        return [ANALYSE_VIDEO]

    @classmethod
    def benchmarks(cls, quick: bool, driver) -> list:
        from expressive.activities.movement.measure import movement_figures

        return movement_figures(60 if quick else 300, driver)

    @classmethod
    def screenshot_scenes(cls):
        from expressive.activities.movement.scenes import moving, setting_up

        return {"movement": moving, "movement_setup": setting_up}
