"""Audio tests run the real pygame backend on SDL's dummy audio driver: it mixes in real
time like a sound card, with no device and no noise from the speakers."""

import pytest

from expressive.audio import open_engine


@pytest.fixture(scope="module", autouse=True)
def dummy_audio_driver():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SDL_AUDIODRIVER", "dummy")
        yield


@pytest.fixture(scope="module")
def synth_engine(dummy_audio_driver):
    engine = open_engine("synth")
    yield engine
    engine.close()
