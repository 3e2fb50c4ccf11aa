"""The microphone: the fake that hears a known voice, a device lost mid-take, the bound on a
take, WAVs read back within bounds, and the real SDL backend capturing from SDL's disk
driver (a file standing in for the sound card) in a child process."""

import os
import struct
import subprocess
import sys

import numpy as np
import pytest

from expressive.audio import MixerEngine, open_engine, wav_bytes
from expressive.audio import microphone as microphone_module
from expressive.audio.microphone import (
    FAKE_VOICE_FUNDAMENTAL,
    FAKE_VOICE_WAV,
    MICROPHONE_LOST,
    NO_MICROPHONE,
    FakeMicrophone,
    NoMicrophone,
    SdlMicrophone,
    open_microphone,
    read_wav,
)
from expressive.limits import InputRefused

VOICE, VOICE_RATE = read_wav(FAKE_VOICE_WAV)


def loudest_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return np.argmax(spectrum) * rate / len(samples)


def test_the_fake_voice_is_a_vowel_on_220_hz():
    assert (VOICE_RATE, len(VOICE)) == (44100, 3 * 44100)
    assert loudest_frequency(VOICE, VOICE_RATE) == pytest.approx(FAKE_VOICE_FUNDAMENTAL, abs=1)
    assert 0.5 < np.abs(VOICE).max() / 32768 < 0.9


def test_the_fake_microphone_records_its_voice_from_the_start_and_loops():
    microphone = FakeMicrophone(real_time=False)
    assert (microphone.problem, microphone.sample_rate, microphone.channels) == (None, 44100, 1)
    microphone.start()
    assert microphone.wait_for_seconds(4.0)
    samples = microphone.stop()
    assert samples.dtype == np.int16 and samples.ndim == 1
    assert np.array_equal(samples[: len(VOICE)], VOICE)
    assert np.array_equal(samples[len(VOICE): len(VOICE) + 44100], VOICE[:44100])
    assert loudest_frequency(samples[:44100], 44100) == pytest.approx(FAKE_VOICE_FUNDAMENTAL, abs=1)
    assert microphone.lost is None and not microphone.recording and microphone.level() == 0
    assert microphone.recorded_seconds() == len(samples) / 44100


def test_a_new_take_forgets_the_last():
    microphone = FakeMicrophone(real_time=False)
    microphone.start()
    microphone.wait_for_seconds(1.0)
    microphone.start()
    assert microphone.recording
    microphone.wait_for_seconds(0.5)
    again = microphone.stop()
    assert np.array_equal(again[:22050], VOICE[:22050])


def test_the_level_follows_the_voice_at_a_real_devices_pace():
    microphone = FakeMicrophone()
    microphone.start()
    assert microphone.wait_for_seconds(0.2)
    heard = microphone.level()
    assert 0 < heard <= np.abs(VOICE).max() / 32768 + 1e-9
    assert microphone.last_buffer_time is not None
    microphone.stop()
    assert microphone.level() == 0


def test_a_microphone_lost_mid_take_keeps_what_it_recorded():
    microphone = FakeMicrophone(real_time=False, lose_after=0.5)
    microphone.start()
    assert not microphone.wait_for_seconds(2.0)
    assert microphone.lost == MICROPHONE_LOST and not microphone.recording
    samples = microphone.stop()
    assert np.array_equal(samples, VOICE[:22050])
    assert microphone.lost == MICROPHONE_LOST
    microphone.start()
    assert microphone.lost is None


def test_a_take_stops_growing_at_its_bound(monkeypatch):
    monkeypatch.setattr(microphone_module, "MAX_TAKE_SECONDS", 0.25)
    microphone = FakeMicrophone(real_time=False)
    microphone.start()
    assert not microphone.wait_for_seconds(1.0)
    assert microphone.recording
    assert len(microphone.stop()) == round(0.25 * 44100)


def test_without_a_microphone_nothing_is_recorded_and_one_sentence_says_why():
    for microphone in (NoMicrophone(), open_microphone("none")):
        assert microphone.problem == NO_MICROPHONE
        microphone.start()
        assert not microphone.recording
        assert len(microphone.stop()) == 0 and microphone.level() == 0
    assert isinstance(open_microphone("fake"), FakeMicrophone)
    assert open_microphone("no-such-choice") is not None


def test_the_music_still_opens_after_the_microphone_recorded():
    # On SDL's dummy driver (this folder's tests use it), whose microphone hears silence.
    microphone = open_microphone("auto")
    assert isinstance(microphone, SdlMicrophone)
    microphone.start()
    assert microphone.wait_for_seconds(0.05)
    microphone.stop()
    engine = open_engine("synth")
    try:
        assert isinstance(engine, MixerEngine) and engine.problem is None
    finally:
        engine.close()


# ----- read_wav


def wav_header(*, channels=1, rate=44100, width=2, data_bytes=0, format_tag=1) -> bytes:
    fmt = struct.pack("<HHIIHH", format_tag, channels, rate, rate * channels * width, channels * width, width * 8)
    return (b"RIFF" + struct.pack("<I", min(36 + data_bytes, 0xFFFFFFFF)) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", data_bytes))


def test_read_wav_gives_mono_and_mixes_stereo_down():
    samples, rate = read_wav(wav_bytes(VOICE[:1000], 22050))
    assert rate == 22050 and np.array_equal(samples, VOICE[:1000])
    stereo = np.column_stack((VOICE[:1000], np.zeros(1000, dtype=np.int16)))
    mixed, _rate = read_wav(wav_bytes(stereo, 44100))
    assert mixed.dtype == np.int16 and np.all(np.abs(mixed - VOICE[:1000] / 2) <= 0.5)


def test_read_wav_bounds_the_samples_a_studio_rate_would_hold_before_decoding_them():
    """Ten minutes of 192 kHz stereo would be 460 MB of samples: the header is refused."""
    with pytest.raises(InputRefused, match="48 kHz") as refused:
        read_wav(wav_header(channels=2, rate=192_000, data_bytes=192_000 * 4 * 180) + b"\x00" * 64)
    assert refused.value.reason == "too-long"


@pytest.mark.parametrize(("data", "reason"), [
    (b"not a sound at all, just words", "not-a-sound"),
    (b"RIFF\x00\x00\x00\x00AVI LIST", "not-a-sound"),
    (wav_header(data_bytes=0xFFFFFFF0) + b"\x00" * 64, "too-long"),
    (wav_header(channels=0) + b"\x00" * 64, "damaged"),
    (wav_header(channels=8, data_bytes=64) + b"\x00" * 64, "unsupported"),
    (wav_header(width=1, data_bytes=64) + b"\x00" * 64, "unsupported"),
    (wav_header(rate=4_000_000, data_bytes=64) + b"\x00" * 64, "unsupported"),
    (wav_header(format_tag=3, width=4, data_bytes=64) + b"\x00" * 64, "damaged"),
    (wav_header()[:30], "damaged"),
])
def test_read_wav_refuses_hostile_and_damaged_headers_in_plain_words(data, reason):
    with pytest.raises(InputRefused) as refused:
        read_wav(data)
    assert refused.value.reason == reason
    assert "\n" not in str(refused.value) and str(refused.value).endswith(".")


def test_read_wav_refuses_a_sound_longer_than_asked_before_decoding_it():
    with pytest.raises(InputRefused, match="longer than 1 second") as refused:
        read_wav(wav_bytes(VOICE, VOICE_RATE), max_seconds=1)
    assert refused.value.reason == "too-long"
    with pytest.raises(InputRefused) as refused:
        read_wav(b"RIFF" + b"\x00" * 2_000_000, max_seconds=1)
    assert refused.value.reason == "too-long"


def test_a_wav_cut_short_gives_what_it_holds():
    data = wav_bytes(VOICE[:1000], 44100)[:-101]
    samples, _rate = read_wav(data)
    assert np.array_equal(samples, VOICE[: len(samples)]) and 900 < len(samples) < 1000


# ----- the SDL backend, on SDL's disk driver

CAPTURE = """
import sys
import numpy as np
import pygame
from expressive.audio import microphone as microphone_module
from expressive.audio.microphone import SdlMicrophone, open_microphone
if len(sys.argv) > 3:  # how long a device may keep silent, at the first buffer and after
    microphone_module.FIRST_BUFFER_SECONDS, microphone_module.SILENT_DEVICE_SECONDS = map(float, sys.argv[3:])
microphone = open_microphone("auto")
assert isinstance(microphone, SdlMicrophone), microphone
# The music's mixer, opened and closed since the microphone was made, stopped SDL's audio
# when it quit: the take starts it again.
pygame.mixer.init()
pygame.mixer.quit()
microphone.start()
held = microphone.wait_for_seconds(float(sys.argv[2]))
level = microphone.level()
lost = microphone.lost
samples = microphone.stop()
np.save(sys.argv[1], samples)
print(held, level, lost, microphone.sample_rate, sep=chr(10))
"""


def disk_driver(tmp_path, **env) -> dict:
    """The environment of a child process whose SDL reads `in.raw` as the sound card."""
    child_env = {name: value for name, value in os.environ.items() if not name.startswith("SDL_")}
    child_env.update(SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILEIN=str(tmp_path / "in.raw"),
                     SDL_DISKAUDIOFILE=os.devnull, **env)
    return child_env


def capture_with_disk_driver(tmp_path, seconds: float, *silences: float, **env) -> tuple[list[str], np.ndarray]:
    """Run the SDL microphone in a child process on the disk driver; what it printed and
    what it recorded."""
    result = subprocess.run([sys.executable, "-c", CAPTURE, str(tmp_path / "out.npy"), str(seconds), *map(str, silences)],
                            env=disk_driver(tmp_path, **env), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-4:], np.load(tmp_path / "out.npy")


def test_the_sdl_microphone_records_what_the_device_hears(tmp_path):
    VOICE[:44100].astype("<i2").tofile(tmp_path / "in.raw")
    (held, level, lost, rate), samples = capture_with_disk_driver(tmp_path, 0.5)
    assert (held, lost, rate) == ("True", "None", "44100")
    assert 0 < float(level) <= 1
    assert len(samples) >= 0.5 * 44100
    assert np.array_equal(samples[:22050], VOICE[:22050])


def test_an_sdl_microphone_that_stops_sending_is_lost_and_keeps_its_take(tmp_path):
    VOICE[:44100].astype("<i2").tofile(tmp_path / "in.raw")
    # The disk driver waits a second before each buffer: the first comes within the 1.5 s
    # a device may take to start, the next after the 0.3 s it may then keep silent.
    (held, _level, lost, _rate), samples = capture_with_disk_driver(tmp_path, 5.0, 1.5, 0.3, SDL_DISKAUDIODELAY="1000")
    assert held == "False" and lost != "None"
    assert len(samples) == 512 and np.array_equal(samples, VOICE[:512])



STARTS_AND_STOPS = """
import random
import threading
from expressive.audio.microphone import open_microphone
microphone = open_microphone("auto")
busy = True
def keep_python_busy():
    while busy:
        sum(range(1000))
threading.Thread(target=keep_python_busy, daemon=True).start()
for take in range(30):
    microphone.start()
    microphone.wait_for_seconds(random.uniform(0, 0.03))
    microphone.stop()
busy = False
print("stopped", take + 1)
"""


def test_stopping_the_sdl_microphone_mid_buffer_never_hangs(tmp_path):
    # pygame's own stop waits for SDL's device lock holding the GIL, which SDL's thread
    # holds while it waits for the GIL to hand over a buffer: with another thread busy,
    # one stop in a few hung for ever before the microphone stopped SDL without the GIL.
    VOICE.astype("<i2").tofile(tmp_path / "in.raw")
    result = subprocess.run([sys.executable, "-c", STARTS_AND_STOPS], env=disk_driver(tmp_path), capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.split()[-2:] == ["stopped", "30"], result.stderr


def test_the_bench_measures_buffer_to_meter_and_to_level():
    from expressive.audio.microphone_measure import microphone_figures

    figures = microphone_figures(quick=True)
    assert [figure.name for figure in figures] == ["microphone_buffer_to_meter_p99", "microphone_buffer_to_level_p99"]
    assert all(figure.value > 0 and figure.unit == "ms" and figure.what for figure in figures)
