"""Speed figures of films, for `expressive bench`, with no window: making the video of a
10-second film with sound, the onion skin over each camera frame, and opening a saved film
and showing its frames as the player does. Public, covered by the API version
(through expressive.lib.film). No Kivy here."""

from __future__ import annotations

import io
import statistics
import time
from fractions import Fraction

import cv2
import numpy as np

from expressive.api.measure import Figure, percentile
from expressive.artifact import ArtifactView
from expressive.audio.microphone import FAKE_VOICE_WAV, read_wav
from expressive.camera import PatternSource
from expressive.lib.film.encode import VIDEO_CODEC, X264_OPTIONS, encode_film, film_draft
from expressive.lib.film.parts import FILM_SIZE, FilmParts
from expressive.lib.film.pictures import jpeg_frame, onion_skin
from expressive.lib.film.read import read_film

FILM_SECONDS = 10
FILM_FPS = 12


def film_figures(quick: bool) -> list[Figure]:
    """The video of a 10-second film at 12 fps with 10 s of voice, against a floor: PyAV
    encoding the same frames, already decoded, with no title card and no sound; the onion
    skin of one 640x480 camera frame, against OpenCV's blend alone making a new picture;
    and a saved film opened, then each of its frames shown in turn."""
    runs = 1 if quick else 3
    camera = PatternSource(FILM_SIZE, fps=FILM_FPS)
    camera.open()
    pictures = [camera.read().image for _ in range(FILM_SECONDS * FILM_FPS)]
    frames = [jpeg_frame(picture) for picture in pictures]
    parts = FilmParts(frames=frames, fps=FILM_FPS, title="A walk across the room", sound=_voice_wav(FILM_SECONDS))
    encodings, floors = [], []
    for _run in range(runs):
        begun = time.perf_counter()
        video = encode_film(parts)
        encodings.append(time.perf_counter() - begun)
        floors.append(_encoding_alone([cv2.cvtColor(picture, cv2.COLOR_BGR2RGB) for picture in pictures]))
    encoding, floor = statistics.median(encodings), statistics.median(floors)

    blends, plain_blends = [], []
    out = np.empty_like(pictures[0])
    for index in range(100 if quick else 600):
        live, previous = pictures[index % len(pictures)], pictures[(index + 7) % len(pictures)]
        begun = time.perf_counter()
        onion_skin(live, previous, out=out)
        blends.append(time.perf_counter() - begun)
        begun = time.perf_counter()
        cv2.addWeighted(live, 0.65, previous, 0.35, 0.0)
        plain_blends.append(time.perf_counter() - begun)

    saved = ArtifactView.of_draft(film_draft("film", parts), "film")
    begun = time.perf_counter()
    film = read_film(saved)
    opening = time.perf_counter() - begun
    shown = []
    for index in range(len(film.frame_names)):
        begun = time.perf_counter()
        film.frame_at(2.0 + (index + 0.5) / film.fps)
        shown.append(time.perf_counter() - begun)
    return [
        Figure("film_encode_10s_12fps_with_sound", encoding, "s", 5.0,
               f"a film of {len(frames)} camera frames (the moving test pattern, 640x480) at 12 fps with 10 s of voice "
               f"made into an H.264/AAC MP4 ({len(video) / 1e6:.1f} MB) with PyAV, title card included, median of "
               f"{runs}; floor: PyAV encoding the same frames, already decoded, with no title card and no sound, "
               f"{floor:.2f} s ({encoding / floor:.1f}x)"),
        Figure("film_onion_skin_640x480", percentile(blends, 0.99) * 1000, "ms", 10.0,
               f"the last frame laid faintly over a live 640x480 camera frame, into a picture kept for the purpose, "
               f"p99 of {len(blends)} (median {statistics.median(blends) * 1000:.2f} ms); floor: OpenCV's blend alone "
               f"making a new picture, p99 {percentile(plain_blends, 0.99) * 1000:.2f} ms"),
        Figure("film_frame_shown_p99", percentile(shown, 0.99) * 1000, "ms", 1000 / 60,
               f"each frame of a saved 120-frame film decoded for the player in turn, p99 of {len(shown)} (median "
               f"{statistics.median(shown) * 1000:.1f} ms); opening the film (its record, every frame's header, "
               f"its sound) took {opening * 1000:.0f} ms"),
    ]


def _voice_wav(seconds: float) -> bytes:
    """The fake microphone's voice repeated to last `seconds`, as a WAV."""
    import wave

    voice, rate = read_wav(FAKE_VOICE_WAV)
    samples = np.resize(voice, round(seconds * rate))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return buffer.getvalue()


def _encoding_alone(pictures: list[np.ndarray]) -> float:
    """Seconds PyAV takes to encode `pictures` (RGB) as the film's video is encoded, and no more."""
    import av

    begun = time.perf_counter()
    with av.open(io.BytesIO(), mode="w", format="mp4") as container:
        video = container.add_stream(VIDEO_CODEC, rate=FILM_FPS, options=X264_OPTIONS)
        video.width, video.height = FILM_SIZE
        video.pix_fmt = "yuv420p"
        for index, picture in enumerate(pictures):
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, FILM_FPS)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
    return time.perf_counter() - begun
