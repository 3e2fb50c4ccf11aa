"""A film's parts made into a video browsers play: H.264 in MP4 (with AAC sound when it
has any), encoded with PyAV; and the draft of a film as the portfolio keeps it, whose
frames, order and sound are kept whether or not a video could be made. Public, covered by the API version
(through expressive.lib.film). No Kivy here."""

from __future__ import annotations

import io
import json
import logging
from fractions import Fraction

import numpy as np

from expressive.activity import SHOWS_PEOPLE
from expressive.artifact import ArtifactDraft
from expressive.audio.microphone import read_wav
from expressive.i18n import N_, _
from expressive.lib.drawing.render import png_bytes, thumbnail_png
from expressive.lib.film.faststart import moov_first
from expressive.lib.film.parts import FILM_SIZE, FPS_CHOICES, MAX_FILM_FRAMES, EncoderMissing, FilmParts, title_frame_count
from expressive.lib.film.pictures import JPEG_QUALITY, frame_strip, title_card
from expressive.lib.film.sound import soundtrack
from expressive.limits import MAX_TITLE_CHARS, check_picture_size, checked_text, open_picture_bounded

log = logging.getLogger(__name__)

FILM_FORMAT = "expressive-film"
FILM_VERSION = 1
VIDEO_CODEC = "libx264"
AUDIO_CODEC = "aac"
AUDIO_RATES = (44100, 48000)  # what AAC in a browser expects; other rates are resampled to the last
X264_OPTIONS = {"preset": "veryfast", "crf": "23"}
# The fast coder: a quarter of the default's time (0.2 s for 12 s of sound), and a voice
# sounds the same at this bit rate.
AAC_OPTIONS = {"aac_coder": "fast", "b": "128k"}


def _encoder():
    """PyAV, when it is here with the encoders a film needs; EncoderMissing when not."""
    try:
        import av
    except ImportError:
        raise EncoderMissing(_("The video maker is not installed here, so the film is kept as "
                               "its frames and made into a video later.")) from None
    if not {VIDEO_CODEC, AUDIO_CODEC} <= set(av.codecs_available):
        raise EncoderMissing(_("The video maker here cannot make H.264 videos, so the film is kept as "
                               "its frames and made into a video later."))
    return av


def encode_film(parts: FilmParts) -> bytes:
    """The film as an MP4 (H.264, yuv420p; AAC stereo when it has sound), streamable as it
    downloads: the title card for TITLE_SECONDS, silent, then each frame for 1/fps with the
    sound from the first frame on. The video ends with the last frame: longer sound is cut,
    shorter is followed by silence. EncoderMissing when it cannot be made here."""
    _check(parts)
    av = _encoder()
    try:
        return moov_first(_encoded(av, parts))
    except av.FFmpegError as error:
        # An encoder that is here but fails (a broken build, a device's odd library) must
        # not cost the child their film: its parts are kept and the video made later.
        log.warning("the video encoder failed: %s", error)
        raise EncoderMissing(_("The video maker here failed, so the film is kept as its frames and made "
                               "into a video later.")) from error


def _encoded(av, parts: FilmParts) -> bytes:
    """The MP4 of `parts` as the muxer writes it (its index last)."""
    output = io.BytesIO()
    with av.open(output, mode="w", format="mp4") as container:
        video = container.add_stream(VIDEO_CODEC, rate=parts.fps, options=X264_OPTIONS)
        video.width, video.height = FILM_SIZE
        video.pix_fmt = "yuv420p"
        video.codec_context.time_base = Fraction(1, parts.fps)
        audio = None
        if parts.sound is not None:
            samples, rate = read_wav(parts.sound)
            audio_rate = rate if rate in AUDIO_RATES else AUDIO_RATES[-1]
            audio = container.add_stream(AUDIO_CODEC, rate=audio_rate, layout="stereo", options=AAC_OPTIONS)
        packets = []
        for index, picture in enumerate(_pictures_in_order(parts)):
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, parts.fps)
            packets += video.encode(frame)
        packets += video.encode(None)
        if audio is not None:
            packets += _encoded_sound(av, audio, samples, rate, len(parts.frames), parts.fps)
        # In time order, so that a browser playing the film as it downloads finds the
        # pictures and the sound of each moment together.
        container.mux(sorted(packets, key=lambda packet: packet.dts * packet.time_base))
    return output.getvalue()


def _check(parts: FilmParts) -> None:
    # What activities hand over is checked here, so a mistake shows at once, not in a video.
    if not parts.frames:
        raise ValueError("a film needs at least one frame")
    if len(parts.frames) > MAX_FILM_FRAMES:
        raise ValueError(f"a film has at most {MAX_FILM_FRAMES} frames, not {len(parts.frames)}")
    if parts.fps not in FPS_CHOICES:
        raise ValueError(f"a film's speed is one of {FPS_CHOICES} frames a second, not {parts.fps}")
    # A saved film's frames are all FILM_SIZE (read_film holds them to it): made by jpeg_frame.
    for data in set(parts.frames):
        if check_picture_size(data) != FILM_SIZE:
            raise ValueError(f"a film's frames are {FILM_SIZE} pictures made by jpeg_frame")


def _pictures_in_order(parts: FilmParts):
    """Each picture of the video as RGB pixels: the title card's, then each frame's; a
    frame that repeats is decoded once."""
    card = np.asarray(title_card(parts.title))
    for _index in range(title_frame_count(parts.fps)):
        yield card
    decoded: dict[bytes, np.ndarray] = {}
    for data in parts.frames:
        if data not in decoded:
            with open_picture_bounded(data) as picture:
                decoded[data] = np.asarray(picture.convert("RGB"))
        yield decoded[data]


def _encoded_sound(av, audio, samples: np.ndarray, rate: int, frame_count: int, fps: int) -> list:
    """The packets of the sound after the title's silence, cut or padded to end with the last frame."""
    timeline = soundtrack(samples, rate, fps, frame_count)
    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=audio.codec_context.sample_rate)
    packets = []
    chunk = 4096
    for start in range(0, len(timeline), chunk):
        piece = av.AudioFrame.from_ndarray(timeline[np.newaxis, start:start + chunk], format="s16", layout="mono")
        piece.sample_rate = rate
        piece.pts = start
        piece.time_base = Fraction(1, rate)
        for resampled in resampler.resample(piece):
            packets += audio.encode(resampled)
    for resampled in resampler.resample(None):
        packets += audio.encode(resampled)
    return packets + audio.encode(None)


def film_draft(kind: str, parts: FilmParts, title: str = "") -> ArtifactDraft:
    """The film as the portfolio keeps it: the video (film.mp4, the product) when it can be
    made here, and always its parts: each distinct frame once (frame-0001.jpg...), the
    sound (sound.wav), the title card (title.png), a strip of frames (strip.jpg), a
    thumbnail, and film.json (the process: the frames in play order, the speed, the title,
    whether the video is made, and the activity's own `extra`). Without an encoder the
    title card is the product and metadata "encoded" is False, until `encode_saved_film`."""
    _check(parts)
    title = checked_text(title or parts.title, N_("title"), MAX_TITLE_CHARS, one_line=True)
    parts = FilmParts(frames=parts.frames, fps=parts.fps, title=title, sound=parts.sound,
                      shows_people=parts.shows_people, extra=parts.extra)
    names: dict[bytes, str] = {}
    for data in parts.frames:
        names.setdefault(data, f"frame-{len(names) + 1:04d}.jpg")
    card = title_card(title)
    files = {name: data for data, name in names.items()}
    files["title.png"] = png_bytes(card)
    files["strip.jpg"] = _jpeg(frame_strip(parts.frames))
    with open_picture_bounded(parts.frames[0]) as first:
        files["thumbnail.png"] = thumbnail_png(first.convert("RGB"))
    if parts.sound is not None:
        read_wav(parts.sound)  # a sound that cannot be read back is refused now, not in the portfolio
        files["sound.wav"] = parts.sound
    try:
        files["film.mp4"] = encode_film(parts)
        encoded = True
    except EncoderMissing:
        encoded = False
    files["film.json"] = json.dumps({
        "format": FILM_FORMAT,
        "version": FILM_VERSION,
        "fps": parts.fps,
        "title": title,
        "frames": [names[data] for data in parts.frames],
        "sound": "sound.wav" if parts.sound is not None else None,
        "encoded": encoded,
        "extra": parts.extra,
    }, ensure_ascii=False).encode("utf-8")
    return ArtifactDraft(
        kind=kind,
        files=files,
        product="film.mp4" if encoded else "title.png",
        thumbnail="thumbnail.png",
        process="film.json",
        title=title,
        metadata={"frames": len(parts.frames), "fps": parts.fps, "seconds": film_seconds(parts.fps, len(parts.frames)),
                  "encoded": encoded, SHOWS_PEOPLE: parts.shows_people},
    )


def film_seconds(fps: int, frame_count: int) -> float:
    """How long a film of `frame_count` frames at `fps` lasts, its title card included."""
    return (title_frame_count(fps) + frame_count) / fps


def _jpeg(picture) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
