"""A film in the portfolio: it opens on its title card, plays frame by frame with its sound
in step (touched Play, a clock the test moves), pauses and silences when scrubbed, and at
its end says it finished, so a slideshow can move on; a damaged film shows its title card
and a plain sentence instead."""

import json

import pytest

from expressive.artifact import ArtifactDraft, ArtifactView
from expressive.audio.engine import FakeAudioEngine
from expressive.audio.microphone import FAKE_VOICE_WAV
from expressive.camera import PatternSource
from expressive.lib.film import TITLE_SECONDS, FilmParts, film_draft, jpeg_frame
from expressive.tools.driver import advance_frames, drag, tap
from expressive.ui.film_player import FilmPlayer, UnreadableFilm, film_viewer
from tests_support import StoppedClock


class Media:
    """The host's media as a viewer gets it: here only the sound engine, a fake one."""

    def __init__(self):
        self.engine = FakeAudioEngine()

    def audio(self):
        return self.engine


def film_artifact(sound=FAKE_VOICE_WAV, frame_count=12) -> ArtifactView:
    source = PatternSource()
    source.open()
    frames = [jpeg_frame(source.read().image) for _ in range(frame_count)]
    draft = film_draft("film", FilmParts(frames=frames, fps=4, title="Across the room", sound=sound))
    return ArtifactView.of_draft(draft, "film")


@pytest.fixture
def shown(window):
    players = []

    def show(player):
        window.add_widget(player)
        players.append(player)
        advance_frames(2)
        return player

    yield show
    for player in players:
        if isinstance(player, FilmPlayer):
            player.stop()
        window.remove_widget(player)
    advance_frames(1)


def advance_until(condition, frames=200):
    for _ in range(frames):
        if condition():
            return
        advance_frames(1)
    raise AssertionError("the condition never held")


def calls(engine, name):
    return [args for _time, call, args in engine.calls if call == name]


def test_a_film_plays_with_its_sound_to_the_end_and_says_it_finished(shown):
    media = Media()
    player = shown(film_viewer(film_artifact(), media))
    assert isinstance(player, FilmPlayer)
    assert player.position == 0 and player.duration == TITLE_SECONDS + 3.0
    assert player.ids.play.text == "Play" and player.ids.fast not in list(player.walk()), "no fast-forward"
    assert player._shown_image[0] is player.film.frame_at(0), "the title card"
    finished = []
    player.bind(on_finished=lambda _player: finished.append(player.position))
    clock = player.now = StoppedClock(50.0)

    tap(player.ids.play)
    ((track, start),) = calls(media.engine, "play_clip")
    assert start == 0 and track.shape == (round(player.duration * media.engine.sample_rate), 2)
    clock.now += TITLE_SECONDS + 1.1
    advance_until(lambda: player.position > 0)
    assert player.position == pytest.approx(TITLE_SECONDS + 1.1)
    assert player.film.frame_number_at(player.position) == 4
    advance_until(lambda: player._shown_image[0] is player.film.frame_at(player.position))

    # Scrubbing pauses the film and its sound; Play goes on from there, sound and all.
    scrubber = player.ids.scrubber
    drag([scrubber.to_window(scrubber.center_x, scrubber.center_y),
          scrubber.to_window(scrubber.center_x + scrubber.width / 8, scrubber.center_y)])
    assert player.speed == 0 and len(calls(media.engine, "stop_clip")) == 1
    tap(player.ids.play)
    assert calls(media.engine, "play_clip")[-1][1] == pytest.approx(player.position)

    clock.now += player.duration
    advance_until(lambda: finished)
    assert finished == [player.duration] and player.speed == 0
    assert len(calls(media.engine, "stop_clip")) == 2


def test_a_silent_film_plays_without_the_sound_engine_and_autoplays_for_the_slideshow(shown):
    media = Media()
    artifact = film_artifact(sound=None, frame_count=4)
    player = shown(FilmPlayer(film_viewer(artifact).film, media.audio(), autoplay=True))
    assert player.speed == 1
    player.now = clock = StoppedClock(player.now())
    player._last_tick = clock.now
    finished = []
    player.bind(on_finished=lambda _player: finished.append(True))
    clock.now += player.duration + 1
    advance_until(lambda: finished)
    assert not calls(media.engine, "play_clip") and not calls(media.engine, "stop_clip")


def test_a_damaged_film_shows_its_title_card_and_says_so(shown):
    artifact = film_artifact(sound=None, frame_count=2)
    draft_files = {name: artifact.read(name) for name in artifact.file_names}
    record = json.loads(draft_files["film.json"])
    draft_files["film.json"] = json.dumps({**record, "frames": ["frame-0009.jpg"]}).encode()
    damaged = ArtifactView.of_draft(ArtifactDraft("film", draft_files, product=artifact.product,
                                                  thumbnail="thumbnail.png", process="film.json"), "film")
    viewer = shown(film_viewer(damaged, Media()))
    assert isinstance(viewer, UnreadableFilm)
    assert viewer.reason.startswith("This film could not be read.") and "frame-0009.jpg" in viewer.reason
    assert viewer.picture is not None
