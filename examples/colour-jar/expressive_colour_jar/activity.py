"""The activity: what the host calls, and nothing it does not need."""

from __future__ import annotations

import io

from expressive.api import Activity, ActivityInfo, ArtifactDraft
from expressive.api.i18n import N_, _
from expressive.api.limits import load_json_bounded

from expressive_colour_jar.jar import CAPACITY, Jar, render

THUMBNAIL_SIZE = (240, 320)


def png(picture) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def draft_of(jar: Jar) -> ArtifactDraft:
    """The finished jar as the host saves it: the picture (product), its thumbnail, and the
    marbles in order (process), from which the picture can be made again."""
    picture = render(jar)
    thumbnail = picture.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    return ArtifactDraft(
        kind="jar",
        files={"jar.png": png(picture), "thumbnail.png": png(thumbnail), "jar.json": jar.to_json()},
        product="jar.png",
        thumbnail="thumbnail.png",
        process="jar.json",
        title=_("Colour jar"),
        metadata={"marbles": len(jar.marbles)},
    )


class ColourJarActivity(Activity):
    info = ActivityInfo(
        id="colour-jar",
        # N_: the host shows these in the client's language, from this package's catalogue.
        title=N_("Colour jar"),
        icon="bottle-tonic-outline",
        artifact_kinds=("jar",),
        # The API version this was written for: it runs on every 1.x host from 1.0 on.
        api_version=(1, 0),
        description=N_("Fill a jar with marbles, one colour for each feeling."),
    )

    def __init__(self, host):
        super().__init__(host)
        self.jar = Jar()
        self.screen = None

    def build(self):
        # Kivy is imported only here, so the host can finish recovered work, make demo
        # work and run tests of this activity without a window.
        from expressive_colour_jar.screen import JarScreen

        self.screen = JarScreen(self.jar)
        return self.screen

    def has_work(self) -> bool:
        return bool(self.jar.marbles)

    def snapshot(self) -> bytes:
        return self.jar.to_json()

    def restore(self, snapshot: bytes) -> None:
        # A snapshot comes back from disk: bound it before decoding, as any input.
        self.jar.marbles[:] = Jar.from_json(load_json_bounded(snapshot, what="The kept jar")).marbles
        if self.screen is not None:
            self.screen.show()

    def finish(self) -> list[ArtifactDraft]:
        return [draft_of(self.jar)]

    @classmethod
    def demo_drafts(cls, variant: int) -> list[ArtifactDraft]:
        jar = Jar()
        for index in range(CAPACITY // 2 + 3 * variant):
            jar.add((index * (variant + 2) + index // 5) % 6)
        return [draft_of(jar)]
