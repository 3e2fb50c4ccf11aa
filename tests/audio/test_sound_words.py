"""The instruments' names and the sound's problems are marked for translation where they
are made (the activities show them through `_`), so the host's catalogue has them."""

from pathlib import Path

from expressive.audio import engine, instruments
from expressive.camera import camera, latest, video_file
from expressive.tools.catalogues import CatalogueFolder, extract

EXPRESSIVE = Path(engine.__file__).resolve().parents[1]


def words_in(*folders: str) -> set[str]:
    catalogue = extract(CatalogueFolder(locale=EXPRESSIVE / "locale", sources=[EXPRESSIVE / folder for folder in folders]))
    return {message.id for message in catalogue if message.id}


def test_every_instruments_name_and_every_sound_and_picture_problem_is_in_the_catalogue():
    words = words_in("audio", "camera")
    assert {each.title for each in instruments.INSTRUMENTS} <= words
    problems = {
        engine.NO_OUTPUT, engine.SOUND_OFF, camera.NO_CAMERA, camera.CAMERA_BUSY, camera.CAMERA_STOPPED,
        camera.NO_VIDEO_LIBRARY, latest.SOURCE_FAILED, video_file.UNREADABLE_VIDEO, video_file.MISSING_VIDEO,
    }
    assert problems <= words
