"""Play: a sandtray, the small world of play therapy. The client builds a world in a tray
of sand with little figures; what is kept is a picture of the tray from above and a log of
every placement, move, turn, burial and removal with its time, which the portfolio replays.

Kivy is imported only in `build()`, `viewer()`, the benchmarks and the screenshot scenes:
the registry and the command line import this module on machines with no window.
"""

from __future__ import annotations

import base64
import json

from expressive.activities.play.render import png_bytes, render_tray, thumbnail_png
from expressive.activities.play.tray import TrayLog
from expressive.api import API_VERSION, Activity, ActivityInfo, ArtifactDraft, Host
from expressive.api.i18n import N_, _
from expressive.api.limits import MAX_SNAPSHOT_BYTES, InputRefused, load_json_bounded
from expressive.lib.figures import FigureLibrary, FigureUnreadable, figure_from_png

# Shipped figures are in every copy of the app; every other figure on a tray (the
# therapist's own, a client's cut-out drawing) is kept with the work, so that the tray can
# still be drawn years later on another tablet.
SHIPPED_PREFIX = "noto:"


def is_shipped(key: str) -> bool:
    return key.startswith(SHIPPED_PREFIX)


def saved_figure_names(log: TrayLog) -> dict[str, str]:
    """The file name each figure that is not shipped is saved under ("figure-<n>.png"),
    numbered in the order the log first names them: the viewer reads them back so."""
    kept = [key for key in log.figures if not is_shipped(key)]
    return {key: f"figure-{number}.png" for number, key in enumerate(kept, start=1)}


def kept_figures(log: TrayLog, library: FigureLibrary) -> dict[str, bytes]:
    """The PNG of every figure of the log that is not shipped, by key; a figure the library
    no longer has (its file gone, unreadable) is left out and drawn as missing."""
    pictures = {}
    for key in saved_figure_names(log):
        figure = library.get(key)
        if figure is None:
            continue
        try:
            pictures[key] = figure.png_bytes()
        except FigureUnreadable:
            continue
    return pictures


def figures_on_tray(log: TrayLog) -> int:
    return sum(1 for placed in log.state_at().figures.values() if not placed.removed)


def draft_from_log(log: TrayLog, library: FigureLibrary) -> ArtifactDraft:
    """The tray from above at full size (the product), its log (the process), a thumbnail,
    and the pictures of the figures that are not shipped, ready for the host to save."""
    image = render_tray(log.state_at(), library)
    names = saved_figure_names(log)
    files = {
        "tray.png": png_bytes(image),
        "tray.json": log.to_json().encode("utf-8"),
        "thumbnail.png": thumbnail_png(image),
    }
    files.update({names[key]: picture for key, picture in kept_figures(log, library).items()})
    return ArtifactDraft(
        kind="sandtray",
        files=files,
        product="tray.png",
        process="tray.json",
        thumbnail="thumbnail.png",
        metadata={"figures": figures_on_tray(log), "prompt": log.prompt},
    )


def snapshot_bytes(log: TrayLog, library: FigureLibrary) -> bytes:
    """The log and the PNGs of its figures that are not shipped (by key), as one JSON text."""
    pictures = kept_figures(log, library)
    return json.dumps({
        "log": log.to_json(),
        "figures": {key: base64.b64encode(picture).decode("ascii") for key, picture in pictures.items()},
    }).encode("utf-8")


def restore_snapshot(snapshot: bytes, library: FigureLibrary) -> TrayLog:
    """The log kept by `snapshot_bytes`; its figures that the library lacks are added to it
    (only figures the log names, under the names it gives them). ValueError (InputRefused)
    when the snapshot is damaged."""
    data = load_json_bounded(snapshot, max_bytes=MAX_SNAPSHOT_BYTES, what=N_("The kept sandtray"))
    if not isinstance(data, dict) or not isinstance(data.get("log"), str) or not isinstance(data.get("figures", {}), dict):
        raise InputRefused(_("The kept sandtray is damaged."), "damaged")
    log = TrayLog.from_json(data["log"])
    for key, encoded in data.get("figures", {}).items():
        if key not in log.figures or library.get(key) is not None or not isinstance(encoded, str):
            continue
        try:
            picture = base64.b64decode(encoded, validate=True)
            library.add(figure_from_png(key, log.figures[key].get("name", ""), picture, category="own"))
        except (ValueError, FigureUnreadable):
            continue  # drawn as missing; the rest of the tray goes on
    return log


class PlayActivity(Activity):
    info = ActivityInfo(
        id="play",
        title=N_("Sandtray"),
        icon="shovel",
        artifact_kinds=("sandtray",),
        api_version=API_VERSION,
        description=N_("Build a world in the sand with little figures"),
    )

    def __init__(self, host: Host):
        super().__init__(host)
        self.library = FigureLibrary.load(self.figures_folder, logger=host.logger)
        self.log = TrayLog(prompt=host.prompt)
        self._studio = None

    @property
    def figures_folder(self):
        """Where the therapist puts figures of their own (PNG files), if the host lends a folder."""
        folder = self.host.therapist_folder
        # A folder the therapist has not made yet is not a problem to tell anyone about.
        return folder / "figures" if folder is not None and (folder / "figures").is_dir() else None

    def build(self):
        from expressive.activities.play.studio import PlayStudio

        self._studio = PlayStudio(activity=self)
        return self._studio

    def snapshot(self) -> bytes:
        return snapshot_bytes(self.log, self.library)

    def restore(self, snapshot: bytes) -> None:
        # The log carries the whole process, so going on is exactly where it was.
        self.log = restore_snapshot(snapshot, self.library)
        if self._studio is not None:
            self._studio.show_log(self.log)

    def has_work(self) -> bool:
        # A world built and then taken apart is still kept: how it was made matters.
        return bool(self.log.events)

    def finish(self) -> list[ArtifactDraft]:
        if self._studio is not None:
            self._studio.end_gestures()
        return [draft_from_log(self.log, self.library)]

    @classmethod
    def demo_drafts(cls, variant: int) -> list[ArtifactDraft]:
        from expressive.activities.play.demo import demo_log

        return [draft_from_log(demo_log(variant), FigureLibrary.load())]

    @classmethod
    def viewer(cls, artifact, save_marks=None, media=None):
        from expressive.activities.play.viewer import tray_viewer

        return tray_viewer(artifact, save_marks)

    @classmethod
    def benchmarks(cls, quick: bool, driver) -> list:
        from expressive.activities.play.drag_measure import drag_figures
        from expressive.activities.play.measure import tray_picture_figures

        activity, studio = driver.open_activity("play")
        return drag_figures(driver, activity, studio, figures_on_tray=200, moves=300 if quick else 2000) + tray_picture_figures(quick)

    @classmethod
    def screenshot_scenes(cls):
        from expressive.activities.play.scenes import building, choosing_figures

        return {"play": building, "play_shelf": choosing_figures}
