"""A film saved where no video encoder was keeps its parts and gets its video later:
`expressive films` lists such films and `expressive films --encode` makes their videos,
which then decode to the film's frames."""

import os
import subprocess
import sys

import av
import pytest

from expressive.film_videos import make_video, waiting_for_video
from expressive.lib.film import EncoderMissing, FilmParts, film_draft, jpeg_frame
from expressive.lib.film import encode as film_encoding
from expressive.portfolio import Portfolio
from PIL import Image

FRAMES = 6
FPS = 6


def expressive(*args):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("EXPRESSIVE_")}
    return subprocess.run([sys.executable, "-m", "expressive", *args], capture_output=True, text=True,
                          env=environment, timeout=300)


def _no_encoder():
    raise EncoderMissing("There is no video encoder here.")


@pytest.fixture
def film_without_video(tmp_path, monkeypatch):
    """A portfolio with a drawn film of FRAMES frames saved with no encoder."""
    parts = FilmParts(frames=[jpeg_frame(Image.new("RGB", (64, 48), (number * 40, 90, 160))) for number in range(FRAMES)],
                      fps=FPS, title="The cat's walk")
    with monkeypatch.context() as patched:
        patched.setattr(film_encoding, "_encoder", _no_encoder)
        draft = film_draft("film", parts)
    root = tmp_path / "portfolio"
    with Portfolio.open(root, fsync=False) as store:
        client = store.add_client("Robin")
        session = store.start_session(client.id, plan_id="free")
        film = store.save_artifact(client.id, session.id, "film", draft)
    return root, film


def test_films_lists_them_and_encode_makes_each_video(film_without_video):
    root, film = film_without_video
    assert waiting_for_video(film) and film.product == "title.png"
    listed = expressive("films", "--portfolio", str(root))
    assert listed.returncode == 0, listed.stderr
    assert f"{film.session_id}/{film.id} has no video yet" in listed.stdout and "1 film has no video yet" in listed.stdout
    made = expressive("films", "--encode", "--portfolio", str(root))
    assert made.returncode == 0, made.stderr
    assert "Made the video of 1 film." in made.stdout
    with Portfolio.open(root, fsync=False) as store:
        encoded = store.artifact(film.client_id, film.session_id, film.id)
        assert not waiting_for_video(encoded) and encoded.product == "film.mp4" and encoded.metadata["encoded"] is True
        video = store.file_path(encoded, "film.mp4")
        assert store.check().ok
    with av.open(str(video)) as container:
        decoded = sum(1 for _frame in container.decode(video=0))
    assert decoded == round(2.0 * FPS) + FRAMES, "the title card, then each frame"
    again = expressive("films", "--encode", "--portfolio", str(root))
    assert again.returncode == 0 and "Made the videos of 0 films." in again.stdout


def test_make_video_says_plainly_when_there_is_still_no_encoder(film_without_video, monkeypatch):
    from expressive.film_videos import VideoNotMade

    root, film = film_without_video
    monkeypatch.setattr(film_encoding, "_encoder", _no_encoder)
    with Portfolio.open(root, fsync=False) as store:
        with pytest.raises(VideoNotMade, match="There is no video encoder here."):
            make_video(store, film)
