"""Films in the real app: the slideshow plays a film to its end before it moves on, side by
side shows a film by the strip of its frames, and a film kept without its video gets it
from the therapist's "Make the video now"."""

import threading

import pytest
from PIL import Image

from expressive.lib.film import EncoderMissing, FilmParts, film_draft, jpeg_frame
from expressive.lib.film import encode as film_encoding
from expressive.tools.driver import advance_frames, tap
from expressive.ui.film_player import film_viewer
from sample_work import drawing_draft
from tests_support import screen

FRAMES = 6


def _film(monkeypatch=None):
    parts = FilmParts(frames=[jpeg_frame(Image.new("RGB", (64, 48), (number * 40, 90, 160))) for number in range(FRAMES)],
                      fps=6, title="The cat's walk")
    if monkeypatch is None:
        return film_draft("film", parts)

    def no_encoder():
        raise EncoderMissing("There is no video encoder here.")

    with monkeypatch.context() as patched:
        patched.setattr(film_encoding, "_encoder", no_encoder)
        return film_draft("film", parts)


@pytest.fixture
def app(app, monkeypatch):
    """The app with a client whose work is a drawing, a film, then another drawing; films
    are shown by the host's film player, as the film activity's viewer shows them."""
    monkeypatch.setattr(app.registry.get("film"), "viewer",
                        classmethod(lambda _cls, artifact, save_marks=None, media=None: film_viewer(artifact, media)))
    store = app.store
    client = store.add_client("Robin")
    session = store.start_session(client.id, plan_id="free")
    store.save_artifact(client.id, session.id, "drawing", drawing_draft("Before"))
    store.save_artifact(client.id, session.id, "film", _film())
    store.save_artifact(client.id, session.id, "drawing", drawing_draft("After"))
    app.open_client(store.client(client.id))
    return app


def test_the_slideshow_plays_a_film_to_its_end_then_moves_on(app):
    tap(screen(app, "portfolio").ids.slideshow)
    slideshow = screen(app, "slideshow")
    slide = slideshow.ids.slide
    assert slideshow.index == 0 and not slide.plays_to_end
    slideshow._advance(0)
    player = slide.viewer
    assert slideshow.index == 1 and slide.plays_to_end
    assert player.is_event_type("on_finished") and player.autoplay and player.speed == 1, "it plays at once"
    slideshow._advance(0)
    assert slideshow.index == 1, "not in the middle of the film"
    player.dispatch("on_finished")
    assert slideshow.index == 2 and slide.title == "After" and not slide.plays_to_end
    assert player.speed == 0, "the film stopped as it left"
    app.go("portfolio")
    advance_frames(2)
    assert slideshow._ticker is None


def test_side_by_side_shows_a_film_by_its_strip(app):
    film = next(artifact for artifact in app.store.artifacts(app.client.id) if artifact.kind == "film")
    tap(screen(app, "portfolio").ids.compare)
    left = screen(app, "compare").ids.left
    left.choose(1)
    assert left.chosen.id == film.id and left.texture is not None and left.texture.width > left.texture.height * 3


def test_the_therapist_makes_the_video_of_a_film_kept_without_it(app, monkeypatch):
    store = app.store
    session = store.sessions(app.client.id)[0]
    film = store.save_artifact(app.client.id, session.id, "film", _film(monkeypatch))
    assert film.product == "title.png"
    app.go("artifact", artifact=film)
    artifact_screen = screen(app, "artifact")
    assert artifact_screen.waiting_for_video and artifact_screen.ids.make_video.opacity == 1
    # Said while it is made (the video of a short film can be made within the frames of the tap).
    told = []
    artifact_screen.bind(making_video=lambda _screen, making: told.append(making))
    tap(artifact_screen.ids.make_video)
    assert told[:1] == [True]
    for worker in [thread for thread in threading.enumerate() if thread.name == "expressive-film-video"]:
        worker.join(60)
    advance_frames(3)
    made = store.artifact(film.client_id, film.session_id, film.id)
    assert made.product == "film.mp4" and made.metadata["encoded"] is True
    assert not artifact_screen.making_video and not artifact_screen.waiting_for_video
    assert artifact_screen.ids.make_video.opacity == 0
