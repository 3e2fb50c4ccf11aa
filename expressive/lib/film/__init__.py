"""Films: stop-motion films and puppet plays as the film and stage activities make them,
and as the portfolio, the exports and the slideshow show them. Public: activities and
plugins may use it; it changes only with the API version. No Kivy here (the player is
`expressive.api.widgets.FilmPlayer`).

    parts = FilmParts(frames=[jpeg_frame(camera_frame.image), ...], fps=8, title="My dog",
                      sound=wav_bytes, shows_people=True, extra={"made": "camera"})
    draft = film_draft("film", parts)          # film.mp4 + its frames, sound and film.json
    film = read_film(artifact)                 # a saved film read back, within bounds
    picture = film.frame_at(2.5)               # the title card, then frame after frame

A film opens with its title card (`title_card`, TITLE_SECONDS, silent), then shows each
frame for 1/fps with the sound from the first frame. When no video encoder is here the
parts are kept all the same (metadata "encoded" False) and `encode_saved_film` makes the
video later. `onion_skin` shows the last frame faintly over the camera while a child
moves the figure; `frame_strip` is a row of frames for reports.
"""

from expressive.lib.film.encode import encode_film, film_draft, film_seconds
from expressive.lib.film.parts import FILM_SIZE, FPS_CHOICES, MAX_FILM_FRAMES, TITLE_SECONDS, EncoderMissing, FilmParts
from expressive.lib.film.pictures import frame_strip, jpeg_frame, onion_skin, title_card
from expressive.lib.film.read import Film, encode_saved_film, read_film

__all__ = [
    "FILM_SIZE",
    "FPS_CHOICES",
    "MAX_FILM_FRAMES",
    "TITLE_SECONDS",
    "EncoderMissing",
    "Film",
    "FilmParts",
    "encode_film",
    "encode_saved_film",
    "film_draft",
    "film_seconds",
    "frame_strip",
    "jpeg_frame",
    "onion_skin",
    "read_film",
    "title_card",
]
