"""Films (expressive.lib.film): a 30-frame film with the fake microphone's voice made into a
video that OpenCV and PyAV decode, kept as its parts, read back within bounds, and made
into a video later when no encoder was there."""

import io
import json
import sys

import av
import cv2
import numpy as np
import pytest
from PIL import Image

from expressive.activity import SHOWS_PEOPLE
from expressive.artifact import ArtifactDraft, ArtifactUnreadable, ArtifactView
from expressive.audio.microphone import FAKE_VOICE_WAV, read_wav
from expressive.camera import PatternSource
from expressive.lib.film import (
    FILM_SIZE,
    MAX_FILM_FRAMES,
    TITLE_SECONDS,
    EncoderMissing,
    FilmParts,
    encode_film,
    encode_saved_film,
    film_draft,
    frame_strip,
    jpeg_frame,
    onion_skin,
    read_film,
    title_card,
)
from expressive.limits import InputRefused

FPS = 10
TITLE_FRAMES = round(TITLE_SECONDS * FPS)


def pattern_frames(count: int) -> list[bytes]:
    """`count` frames of the moving test pattern, as the film activity takes them."""
    source = PatternSource()
    source.open()
    return [jpeg_frame(source.read().image) for _ in range(count)]


@pytest.fixture(scope="module")
def frames():
    return pattern_frames(30)


@pytest.fixture(scope="module")
def draft(frames):
    # The last frame copied twice, as a child copies a frame to hold a moment.
    return film_draft("film", FilmParts(frames=[*frames, frames[-1], frames[-1]], fps=FPS, title="The walk",
                                        sound=FAKE_VOICE_WAV, shows_people=True, extra={"made": "camera"}))


def saved(draft: ArtifactDraft, **changed_files) -> ArtifactView:
    files = {name: content for name, content in {**draft.files, **changed_files}.items() if content is not None}
    return ArtifactView.of_draft(ArtifactDraft(kind=draft.kind, files=files, product=draft.product,
                                               thumbnail=draft.thumbnail, process=draft.process, title=draft.title,
                                               metadata=draft.metadata), "film")


def decoded_frames(mp4: bytes, tmp_path) -> tuple[int, int, list[tuple[int, int]]]:
    """OpenCV's frame count of the video, and the frames its decode loop gives and their sizes."""
    path = tmp_path / "film.mp4"
    path.write_bytes(mp4)
    capture = cv2.VideoCapture(str(path))
    declared = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    sizes = []
    while True:
        ok, picture = capture.read()
        if not ok:
            break
        sizes.append((picture.shape[1], picture.shape[0]))
    capture.release()
    return declared, len(sizes), sizes


def spectrum(samples: np.ndarray) -> np.ndarray:
    magnitudes = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return magnitudes / np.linalg.norm(magnitudes)


def test_a_30_frame_film_with_voice_is_a_video_of_the_right_frames_and_sound(draft, tmp_path):
    assert draft.product == "film.mp4" and draft.metadata["encoded"] is True
    mp4 = draft.files["film.mp4"]
    declared, counted, sizes = decoded_frames(mp4, tmp_path)
    assert declared == counted == TITLE_FRAMES + 32
    assert set(sizes) == {FILM_SIZE}
    # Streamable: the index comes before the pictures and the sound.
    assert mp4.index(b"moov") < mp4.index(b"mdat")

    with av.open(io.BytesIO(mp4)) as container:
        (video,), (audio,) = container.streams.video, container.streams.audio
        assert (video.codec_context.name, video.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert audio.codec_context.name == "aac"
        rate = audio.codec_context.sample_rate
        heard = np.concatenate([frame.to_ndarray()[0] for frame in container.decode(audio=0)])
    voice, voice_rate = read_wav(FAKE_VOICE_WAV)
    assert voice_rate == rate
    assert np.abs(heard[:round(1.9 * rate)]).max() < 0.01, "the title card is silent"
    # The voice starts with the first frame: the same second of it, in and out, sounds alike.
    window = slice(round(0.5 * rate), round(1.5 * rate))
    heard_voice = heard[round(TITLE_SECONDS * rate):][window]
    similarity = float(np.dot(spectrum(heard_voice), spectrum(voice[window].astype(float))))
    assert similarity > 0.9
    peak = np.argmax(spectrum(heard_voice)) * rate / len(heard_voice)
    assert peak == pytest.approx(220, abs=2)
    # The film ends with its last frame (3.2 s of frames, 3 s of voice): silence after the voice.
    assert len(heard) / rate == pytest.approx(TITLE_SECONDS + 3.2, abs=0.05)


def test_the_draft_keeps_each_frame_once_the_order_the_sound_and_what_it_shows(draft, frames):
    record = json.loads(draft.files["film.json"])
    assert record["frames"][-3:] == ["frame-0030.jpg"] * 3, "a copied frame names the same file"
    assert len(record["frames"]) == 32
    assert sorted(name for name in draft.files if name.startswith("frame-")) == [f"frame-{n:04d}.jpg" for n in range(1, 31)]
    assert draft.files["frame-0001.jpg"] == frames[0]
    assert (record["fps"], record["title"], record["sound"], record["encoded"], record["extra"]) == \
        (FPS, "The walk", "sound.wav", True, {"made": "camera"})
    assert draft.files["sound.wav"] == FAKE_VOICE_WAV
    assert draft.process == "film.json" and draft.thumbnail == "thumbnail.png"
    assert draft.metadata == {"frames": 32, "fps": FPS, "seconds": TITLE_SECONDS + 3.2, "encoded": True,
                              SHOWS_PEOPLE: True}
    assert Image.open(io.BytesIO(draft.files["title.png"])).size == FILM_SIZE
    assert Image.open(io.BytesIO(draft.files["strip.jpg"])).width > 5 * Image.open(io.BytesIO(draft.files["strip.jpg"])).height
    assert not draft.problems()


def test_a_saved_film_reads_back_frame_by_frame_with_its_sound(draft):
    film = read_film(saved(draft))
    assert (film.fps, film.title, film.duration, film.extra) == (FPS, "The walk", TITLE_SECONDS + 3.2, {"made": "camera"})
    assert film.frame_number_at(0.0) == film.frame_number_at(1.99) == -1
    assert film.frame_number_at(TITLE_SECONDS) == 0
    assert film.frame_number_at(film.duration) == 31
    assert film.frame_at(TITLE_SECONDS + 0.35).size == FILM_SIZE
    assert film.frame_at(TITLE_SECONDS + 0.35) is film.frame_at(TITLE_SECONDS + 0.39), "decoded once"
    track = film.soundtrack(48000)
    assert track.shape == (round(film.duration * 48000), 2) and track.dtype == np.int16
    assert not track[:round(1.9 * 48000)].any()


def test_without_an_encoder_the_parts_are_kept_and_the_video_is_made_later(frames, monkeypatch, tmp_path):
    parts = FilmParts(frames=frames[:8], fps=4, title="")
    with monkeypatch.context() as without_av:
        without_av.setitem(sys.modules, "av", None)  # import av fails, as where PyAV is missing
        with pytest.raises(EncoderMissing) as missing:
            encode_film(parts)
        assert str(missing.value).endswith(".") and "\n" not in str(missing.value)
        kept = film_draft("film", parts)
    assert "film.mp4" not in kept.files
    assert (kept.product, kept.metadata["encoded"], json.loads(kept.files["film.json"])["encoded"]) == \
        ("title.png", False, False)
    declared, counted, _sizes = decoded_frames(encode_saved_film(saved(kept)), tmp_path)
    assert declared == counted == round(TITLE_SECONDS * 4) + 8


def test_an_encoder_that_fails_keeps_the_film_as_its_parts(frames, monkeypatch):
    from expressive.lib.film import encode as film_encoding

    monkeypatch.setattr(film_encoding, "X264_OPTIONS", {"preset": "no-such-preset"})
    kept = film_draft("film", FilmParts(frames=frames[:2], fps=4))
    assert (kept.product, kept.metadata["encoded"]) == ("title.png", False)


@pytest.mark.parametrize("damage, refusal", [
    ({"film.json": b"{not json"}, InputRefused),
    ({"film.json": b'{"format": "a-film", "version": 1}'}, InputRefused),
    ("too many frames", InputRefused),
    ("a frame not in the film", ArtifactUnreadable),
    ({"frame-0002.jpg": None}, ArtifactUnreadable),
    ({"frame-0002.jpg": b"\xff\xd8 not a picture"}, InputRefused),
    ({"sound.wav": b"RIFF\x00\x00\x00\x00WAVEnonsense"}, InputRefused),
])
def test_a_damaged_film_is_refused_in_one_sentence(draft, damage, refusal):
    record = json.loads(draft.files["film.json"])
    if damage == "too many frames":
        damage = {"film.json": json.dumps({**record, "frames": ["frame-0001.jpg"] * (MAX_FILM_FRAMES + 1)}).encode()}
    elif damage == "a frame not in the film":
        damage = {"film.json": json.dumps({**record, "frames": ["../secrets.jpg"]}).encode()}
    with pytest.raises(refusal) as refused:
        read_film(saved(draft, **damage))
    assert str(refused.value).endswith((".", ").")) and "\n" not in str(refused.value)


def test_pictures_onion_skin_letterbox_title_card_and_strip():
    live = np.full((480, 640, 3), 200, np.uint8)
    previous = np.zeros((480, 640, 3), np.uint8)
    out = np.empty_like(live)
    assert onion_skin(live, previous, 0.25, out=out) is out
    assert int(out[0, 0, 0]) == 150

    square = Image.new("RGB", (100, 100), "white")
    framed = cv2.imdecode(np.frombuffer(jpeg_frame(square), np.uint8), cv2.IMREAD_COLOR)
    assert framed.shape == (480, 640, 3)
    assert framed[240, 20].max() < 10 and framed[240, 320].min() > 245, "black bars beside the picture"

    untitled, titled = np.asarray(title_card("")), np.asarray(title_card("Our walk to the park " * 8))
    assert untitled.shape == titled.shape == (480, 640, 3)
    assert (untitled != untitled[0, 0]).any() and (titled != titled[0, 0]).any()
    assert frame_strip(pattern_frames(3)).size[0] < frame_strip(pattern_frames(9)).size[0]


def test_frames_not_made_for_a_film_are_refused_at_once(frames):
    small = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(small, "JPEG")
    with pytest.raises(ValueError):
        film_draft("film", FilmParts(frames=[frames[0], small.getvalue()], fps=4))
    with pytest.raises(ValueError):
        film_draft("film", FilmParts(frames=frames[:2], fps=5))

