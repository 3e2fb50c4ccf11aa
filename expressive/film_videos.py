"""Films saved without their video (no encoder was there when they were made) get it later:
from the portfolio's artifact screen ("Make the video now") or `expressive films --encode`.

The video is made from the film's kept parts by `expressive.lib.film.encode_saved_film`,
which takes seconds, so in two steps that may run on two threads, as exports do:
`make_video` reads and encodes (any thread: reading a file does not touch the index), and
`keep_video` adds it to the work as its product (the store's thread). No Kivy here.
"""

from __future__ import annotations

from collections.abc import Callable

from expressive.artifact import ArtifactUnreadable, artifact_view
from expressive.i18n import _
from expressive.limits import InputRefused
from expressive.portfolio import ArtifactRecord, Portfolio, PortfolioError

FILM_VIDEO = "film.mp4"


class VideoNotMade(Exception):
    """The video could not be made; str() is one plain sentence."""


def waiting_for_video(artifact: ArtifactRecord) -> bool:
    """Whether the work is a film kept without its video."""
    return not artifact.damaged and artifact.metadata.get("encoded") is False and artifact.file(FILM_VIDEO) is None


def make_video(store: Portfolio, artifact: ArtifactRecord) -> bytes:
    """The film's video (MP4), made from its kept parts; on any thread. VideoNotMade when
    there is still no encoder here, or the parts cannot be read."""
    # Imported here: PyAV and the film library load only when a video is made.
    from expressive.lib.film import EncoderMissing, encode_saved_film

    try:
        return encode_saved_film(artifact_view(artifact, lambda name: store.read_file(artifact, name)))
    except EncoderMissing as exc:
        raise VideoNotMade(str(exc)) from None
    except (ArtifactUnreadable, InputRefused, PortfolioError) as exc:
        raise VideoNotMade(_("The video could not be made: {reason}").format(reason=exc)) from None


def keep_video(store: Portfolio, artifact: ArtifactRecord, video: bytes) -> ArtifactRecord:
    """Add the video to the film as its product; on the store's thread. PortfolioError
    when it cannot be saved."""
    return store.add_product_file(artifact, FILM_VIDEO, video, metadata={"encoded": True})


def encode_waiting_films(
    store: Portfolio, tell: Callable[[ArtifactRecord, str | None], None]
) -> tuple[int, int]:
    """Make the video of every film of every client kept without one; `tell(film, problem)`
    after each (problem None when its video is made and saved). (made, failed)."""
    made = failed = 0
    for client in store.clients():
        for artifact in store.artifacts(client.id):
            if not waiting_for_video(artifact):
                continue
            try:
                keep_video(store, artifact, make_video(store, artifact))
            except (VideoNotMade, PortfolioError) as exc:
                failed += 1
                tell(artifact, str(exc))
                continue
            made += 1
            tell(artifact, None)
    return made, failed
