"""Drawing: paint with a finger on a sheet of paper; keeps the picture and how it was made.

It lends other activities its studio as the host's picture-making service (a story's
page is drawn with it). Kivy is imported only in `build()`, `viewer()` and that service:
the registry and the command line import this module on machines with no window.
"""

from __future__ import annotations

from expressive.lib.drawing.demo import demo_log
from expressive.lib.drawing.render import render_image, png_bytes, thumbnail_png
from expressive.lib.drawing.strokes import DrawingLog
from expressive.api import API_VERSION, PICTURE_MAKER, Activity, ActivityInfo, ArtifactDraft, Host
from expressive.api.i18n import N_


def make_picture(host: Host, on_picture, *, title: str, max_size: tuple[int, int], paper: bytes | None = None):
    """The picture-making service (PICTURE_MAKER): the studio, whole, in a full-screen popup,
    on `paper` (a photo's PNG or JPEG, API 1.2) when given. A ValueError saying why in plain
    words when `paper` cannot be opened (damaged, not a picture, too big)."""
    from expressive.activities.drawing.picture_maker import open_picture_popup

    return open_picture_popup(host, on_picture, title=title, max_size=max_size, paper=paper)


def draft_from_log(log: DrawingLog, picture=None) -> ArtifactDraft:
    """The picture, its stroke log and a thumbnail, ready for the host to save; `picture`
    is the log's picture when it is at hand (the studio's), rendered from the log if not."""
    image = picture if picture is not None else render_image(log)
    return ArtifactDraft(
        kind="drawing",
        files={
            "drawing.png": png_bytes(image),
            "strokes.json": log.to_json().encode("utf-8"),
            "thumbnail.png": thumbnail_png(image),
        },
        product="drawing.png",
        process="strokes.json",
        thumbnail="thumbnail.png",
        metadata={"width": log.width, "height": log.height, "strokes": len(log.visible_strokes())},
    )


class DrawingActivity(Activity):
    info = ActivityInfo(
        id="drawing",
        title=N_("Drawing"),
        icon="brush",
        artifact_kinds=("drawing",),
        api_version=API_VERSION,
        description=N_("Draw and paint with your finger"),
    )

    def __init__(self, host: Host):
        super().__init__(host)
        self.log = DrawingLog()
        self._studio = None

    def build(self):
        from expressive.activities.drawing.studio import DrawingStudio

        self._studio = DrawingStudio(log=self.log, complexity=self.host.complexity, pictures=self.host.pictures)
        return self._studio

    def snapshot(self) -> bytes:
        return self.log.to_json().encode("utf-8")

    def restore(self, snapshot: bytes) -> None:
        # The log carries the whole process, so continuing is exactly where it was.
        self.log = DrawingLog.from_json(snapshot)
        if self._studio is not None:
            self._studio.log = self.log

    def has_work(self) -> bool:
        # Even a picture that was drawn and then cleared is kept: how it was made matters.
        return bool(self.log.events)

    def finish(self) -> list[ArtifactDraft]:
        # The studio's picture is the log's already: a long drawing is not drawn again.
        return [draft_from_log(self.log, self._studio.finished_picture() if self._studio is not None else None)]

    @classmethod
    def demo_drafts(cls, variant: int) -> list[ArtifactDraft]:
        return [draft_from_log(demo_log(variant))]

    @classmethod
    def services(cls):
        return {PICTURE_MAKER: make_picture}

    @classmethod
    def viewer(cls, artifact, save_marks=None, media=None):
        from expressive.activities.drawing.replay_view import replay_viewer

        return replay_viewer(artifact, save_marks)

    @classmethod
    def benchmarks(cls, quick: bool, driver) -> list:
        from expressive.activities.drawing.measure import drawing_figures, drawing_file_figures, undo_figures

        activity, studio = driver.open_activity("drawing")
        return (drawing_figures(driver, activity, studio, strokes_on_screen=200, measured_moves=400 if quick else 2000)
                + undo_figures(driver, activity, studio, strokes=1000, undos=50 if quick else 200)
                + drawing_file_figures(quick))

    @classmethod
    def screenshot_scenes(cls):
        from expressive.activities.drawing.scenes import choosing_colour, choosing_paper, choosing_stamp, drawing

        return {"drawing": drawing, "drawing_papers": choosing_paper, "drawing_stamps": choosing_stamp,
                "drawing_colours": choosing_colour}
