"""What a film is made of before it is a video: its frames (JPEG, in play order), its speed,
its title and its sound, as an activity hands them over. Public, covered by the API version
(through expressive.lib.film). No Kivy here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FILM_SIZE = (640, 480)  # every frame is fitted to this, so the video has one size throughout
FPS_CHOICES = (4, 6, 8, 10, 12)  # stop-motion speeds a child can tell apart
MAX_FILM_FRAMES = 720  # a minute at the fastest speed: far more than a session's film
TITLE_SECONDS = 2.0  # the title card opens the video, silent; then the frames with the sound


@dataclass
class FilmParts:
    """A film as its parts: `frames` are JPEG bytes of FILM_SIZE in play order (a copied
    frame repeats the same bytes), shown `fps` a second after the title card; `sound` is a
    WAV (mono or stereo) that starts with the first frame; `shows_people` is True for a
    film made with a camera; `extra` is the activity's own record of how it was made
    (kept in film.json under "extra")."""

    frames: list[bytes]
    fps: int
    title: str = ""
    sound: bytes | None = None
    shows_people: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class EncoderMissing(Exception):
    """No video encoder here (PyAV is missing or lacks H.264); str() is one plain sentence.
    The film's parts are kept all the same, and the video is made later."""


def title_frame_count(fps: int) -> int:
    """How many frames the title card lasts at `fps`."""
    return round(TITLE_SECONDS * fps)
