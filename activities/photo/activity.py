"""Photos: the client takes photos that matter with the tablet's camera, looks at them
large, keeps or drops them, and draws on them with the drawing studio (the host's
picture-making service). The therapist can bring in a picture from the device (family
album work). What is kept: the photos as JPEG, the drawings over them, and the order,
times and sources of every photo taken.

Kivy is imported only in `build()`, `viewer()`, the benchmarks and the screenshot scenes:
the registry and the command line import this module on machines with no window.
"""

from __future__ import annotations

from expressive.activities.photo.roll import Roll, draft_from_roll
from expressive.api import Activity, ActivityInfo, ArtifactDraft, Host
from expressive.api.i18n import N_


class PhotoActivity(Activity):
    info = ActivityInfo(
        id="photo",
        title=N_("Photos"),
        icon="camera",
        artifact_kinds=("photos",),
        api_version=(1, 2),
        description=N_("Take photos that matter, and draw on them"),
    )

    def __init__(self, host: Host):
        super().__init__(host)
        self.roll = Roll(host.drafts)
        self._studio = None

    def build(self):
        from expressive.activities.photo.studio import PhotoStudio

        self._studio = PhotoStudio(activity=self)
        return self._studio

    def start(self) -> None:
        if self._studio is not None:
            self._studio.start_camera()

    def pause(self) -> None:
        # The camera goes with the screen: nobody is looking, and nothing is kept of it.
        if self._studio is not None:
            self._studio.stop_camera()

    def resume(self) -> None:
        if self._studio is not None:
            self._studio.start_camera()

    def snapshot(self) -> bytes:
        # The pictures are in the drafts already, written once each as they came.
        return self.roll.to_json().encode("utf-8")

    def restore(self, snapshot: bytes) -> None:
        self.roll = Roll.from_json(snapshot, self.host.drafts)
        if self._studio is not None:
            self._studio.show_roll()

    def has_work(self) -> bool:
        return bool(self.roll.kept)

    def finish(self) -> list[ArtifactDraft]:
        if self._studio is not None:
            self._studio.stop_camera()
        draft = draft_from_roll(self.roll, self.host.prompt)
        return [draft] if draft is not None else []

    @classmethod
    def viewer(cls, artifact, save_marks=None, media=None):
        from expressive.activities.photo.viewer import photos_viewer

        return photos_viewer(artifact)

    @classmethod
    def demo_drafts(cls, variant: int) -> list[ArtifactDraft]:
        from expressive.activities.photo.demo import demo_roll

        roll = demo_roll(variant)
        return [draft_from_roll(roll, roll.photos[0].prompt)]

    @classmethod
    def benchmarks(cls, quick: bool, driver) -> list:
        from expressive.activities.photo.measure import photo_figures

        return photo_figures(driver, quick)

    @classmethod
    def screenshot_scenes(cls):
        from expressive.activities.photo.scenes import looking_at_one, taking_photos

        return {"photo": looking_at_one, "photo_studio": taking_photos}
