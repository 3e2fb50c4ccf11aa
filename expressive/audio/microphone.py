"""The microphone: a voice recorded while a film plays or a puppet play is acted, behind
one interface (`Microphone`) with three backends chosen at run time by `open_microphone`.

- `SdlMicrophone` captures through SDL2 (pygame._sdl2.audio), 16-bit mono. The device is
  opened when a take starts and closed when it stops, so the microphone is only ever on
  while the person can see that they are recording.
- `FakeMicrophone` plays a known WAV (`FAKE_VOICE_WAV`, a vowel-like voice) into the
  microphone on a thread, for tests, demos and screenshots; it can "disappear" mid-take.
- `NoMicrophone` records nothing; its `problem` says so in one sentence.

A take that outlives its device keeps what was recorded: `lost` says what happened and
`stop()` still returns the samples. `read_wav` reads a sound back, bounded before
decoding. No Kivy here.
"""

from __future__ import annotations

import ctypes
import io
import logging
import threading
import time
import wave

import numpy as np

from expressive.audio.render import wav_bytes
from expressive.i18n import N_, _
from expressive.limits import InputRefused, describe_seconds

log = logging.getLogger(__name__)

NO_MICROPHONE = N_("There is no microphone here, so the film will be silent.")
MICROPHONE_LOST = N_("The microphone stopped working during the recording. What was recorded before is kept.")

SAMPLE_RATE = 44100
CHUNK_FRAMES = 512  # 11.6 ms at 44.1 kHz: the level meter sees each buffer soon after it is heard
# The level meter (expressive.ui.level_meter) looks at level() this often.
METER_POLLS_PER_SECOND = 30
# One take is at most 10 minutes (53 MB of samples): longer than the longest film (720
# frames at 4 a second is 3 minutes), short enough that a forgotten recording cannot
# fill the tablet's memory. The take simply stops growing there.
MAX_TAKE_SECONDS = 10 * 60
# A device that sends nothing for this long while recording has gone (unplugged, taken
# by another app); SDL tells only its event loop, which the app's window owns. Its first
# buffer may take longer: a wireless headset wakes up slowly.
SILENT_DEVICE_SECONDS = 1.0
FIRST_BUFFER_SECONDS = 3.0

# What read_wav accepts: what the app writes (wav_bytes) and what any recorder makes.
WAV_RATES = range(8000, 192001)
WAV_CHANNELS = (1, 2)


class Microphone:
    """One recording at a time; every method is safe to call from any thread.

    `problem` is None when the microphone can record, otherwise one sentence for the
    person. `sample_rate` is the rate of the samples `stop()` returns; they are always mono.
    `lost` is set when the device went away during the take (what came before is kept).
    `last_buffer_time` is the `time.perf_counter()` at which the newest buffer arrived,
    for measuring how soon the level meter follows.
    """

    channels = 1

    def __init__(self, sample_rate: int = SAMPLE_RATE, problem: str | None = None) -> None:
        self.sample_rate = sample_rate
        self.problem = problem
        self._lost: str | None = None
        self._chunks: list[np.ndarray] = []
        self._frames = 0
        self._recording = False
        self._level = 0.0
        self.last_buffer_time: float | None = None
        self._take_opened = 0.0
        self._changed = threading.Condition()

    # ----- what activities call

    def start(self) -> None:
        """Begin a new recording; the last one is forgotten. Does nothing when `problem`."""
        self._end_take()
        with self._changed:
            self._chunks, self._frames, self._lost = [], 0, None
            self._level, self.last_buffer_time = 0.0, None
            if self.problem is not None:
                return
            self._recording = True
            self._take_opened = time.perf_counter()
        self._open_take()

    def stop(self) -> np.ndarray:
        """End the recording: its int16 mono samples, also when the device was lost."""
        self._end_take()
        with self._changed:
            if len(self._chunks) > 1:
                self._chunks = [np.concatenate(self._chunks)]
            return self._chunks[0].copy() if self._chunks else np.zeros(0, dtype=np.int16)

    def level(self) -> float:
        """How loud the newest buffer is, 0 to 1 (its peak), for a level meter; 0 when
        not recording."""
        self._notice_silent_device()
        return self._level

    def recorded_seconds(self) -> float:
        """How long this take is so far (or was, once stopped)."""
        self._notice_silent_device()
        return self._frames / self.sample_rate

    @property
    def lost(self) -> str | None:
        self._notice_silent_device()
        return self._lost

    @property
    def recording(self) -> bool:
        """Whether a take is going on (False once stopped, lost or never started)."""
        return self._recording

    def wait_for_seconds(self, seconds: float, timeout: float = 10.0) -> bool:
        """Wait until this take holds `seconds` of sound, or ends, or is full, or `timeout`
        passes; whether it holds them."""
        deadline = time.monotonic() + timeout
        wanted = min(seconds, MAX_TAKE_SECONDS) * self.sample_rate  # a full take grows no more
        with self._changed:
            while self._frames < wanted and self._recording and not self._silent_too_long():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(min(left, SILENT_DEVICE_SECONDS / 4))
        self._notice_silent_device()
        return self._frames >= seconds * self.sample_rate

    def close(self) -> None:
        """Let go of the device; the microphone can still be started again later."""
        self.stop()

    # ----- what backends call and provide

    def _receive(self, samples: np.ndarray) -> None:
        """A buffer of int16 mono samples arrived from the device (any thread)."""
        arrived = time.perf_counter()
        peak = max(int(samples.max()), -int(samples.min())) / 32768 if len(samples) else 0.0
        with self._changed:
            if not self._recording:
                return
            room = int(MAX_TAKE_SECONDS * self.sample_rate) - self._frames
            if room > 0:
                kept = samples[:room].copy()
                self._chunks.append(kept)
                self._frames += len(kept)
            self._level = min(1.0, peak)
            self.last_buffer_time = arrived
            self._changed.notify_all()

    def _lose(self) -> None:
        """The device went away: stop taking, keep what came, say what happened."""
        with self._changed:
            if not self._recording:
                return
            self._lost = _(MICROPHONE_LOST)
        self._end_take()

    def _end_take(self) -> None:
        with self._changed:
            self._recording = False
            self._level = 0.0
            self._changed.notify_all()
        # Also when the take already ended on the device's own thread, which cannot close it.
        self._close_take()

    def _notice_silent_device(self) -> None:
        with self._changed:
            silent = self._silent_too_long()
        if silent:
            self._lose()

    def _silent_too_long(self) -> bool:
        if not self._recording or not self._watches_silence():
            return False
        if self.last_buffer_time is None:
            return time.perf_counter() - self._take_opened > FIRST_BUFFER_SECONDS
        return time.perf_counter() - self.last_buffer_time > SILENT_DEVICE_SECONDS

    def _watches_silence(self) -> bool:
        """Whether a device that sends nothing counts as lost (a real device does)."""
        return False

    def _open_take(self) -> None:
        """Start the device delivering to `_receive`; on failure call `_lose`."""

    def _close_take(self) -> None:
        """Stop the device delivering; safe to call more than once."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.sample_rate} Hz problem={self.problem!r} lost={self._lost!r}>"


class NoMicrophone(Microphone):
    """Records nothing: what `open_microphone` gives when there is no microphone."""

    def __init__(self, problem: str | None = None) -> None:
        super().__init__(SAMPLE_RATE, problem or _(NO_MICROPHONE))


class SdlMicrophone(Microphone):
    """The default capture device through SDL2, 16-bit mono at 44.1 kHz (SDL converts
    whatever the device sends). Raises RuntimeError from the constructor when SDL has no
    capture device; `open_microphone` turns that into a NoMicrophone."""

    def __init__(self, sample_rate: int = SAMPLE_RATE, chunk_frames: int = CHUNK_FRAMES) -> None:
        super().__init__(sample_rate)
        self.chunk_frames = chunk_frames
        self._sdl = _SdlAudio()
        self._sdl.start()
        try:
            if not self._sdl.audio.get_audio_device_names(True):
                raise RuntimeError("SDL lists no capture device")
        finally:
            self._sdl.stop()
        self._device = None
        self._device_lock = threading.Lock()

    def _watches_silence(self) -> bool:
        return True

    def _open_take(self) -> None:
        audio = self._sdl.audio
        self._sdl.start()
        try:
            # Looked for at every take: the device may have been unplugged or changed.
            # The first listed is the system's default.
            names = audio.get_audio_device_names(True)
            if not names:
                raise RuntimeError("SDL lists no capture device")
            device = audio.AudioDevice(
                devicename=names[0], iscapture=True, frequency=self.sample_rate, audioformat=audio.AUDIO_S16,
                numchannels=1, chunksize=self.chunk_frames, allowed_changes=0, callback=self._on_buffer)
        except Exception as error:
            log.warning("the microphone did not open: %s", error)
            self._sdl.stop()
            self._lose()
            return
        with self._device_lock:
            self._device = device
        device.pause(0)  # SDL opens it paused, so no callback can be waiting yet

    def _on_buffer(self, _device, buffer: memoryview) -> None:
        # On SDL's audio thread, which must never close the device (closing waits for
        # it): a buffer that cannot be read ends the take, and the next stop() closes it.
        try:
            self._receive(np.frombuffer(buffer, dtype="<i2"))
        except Exception:
            log.exception("a microphone buffer could not be read")
            with self._changed:
                self._lost = _(MICROPHONE_LOST)
                self._recording = False

    def _close_take(self) -> None:
        with self._device_lock:
            device, self._device = self._device, None
        if device is None:
            return
        try:
            self._sdl.close_device(device)
        except Exception:
            log.exception("closing the microphone failed")
        self._sdl.stop()


class _SdlAudio:
    """SDL's audio part, as the microphone uses it: started only while it is needed, and
    devices stopped without waiting forever.

    pygame.mixer opens its sound output only if it starts SDL's audio part itself: started
    by the microphone, the music would be silent. So it is started for a take (or to list
    the devices) and stopped after; SDL counts the starts and stops, so the music's mixer
    is undisturbed. (The mixer opened during a take stays closed; MediaServices opens the
    sound before it lends the microphone.)

    pygame's AudioDevice pause() and close() keep the GIL while SDL waits for the
    device's lock, which SDL's audio thread holds while its callback waits for the GIL:
    stopping a device that is handing over a buffer would hang the app (it did within a
    few dozen stops while another thread was busy). So SDL is called directly through
    ctypes, which lets go of the GIL. The symbols are looked up through pygame's own
    module, so they are the very SDL that opened the device. Where that lookup fails (on
    Windows a module does not lend its libraries' symbols), pygame's calls are the
    fallback, and SDL's audio stays started.
    """

    def __init__(self) -> None:
        import os

        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame._sdl2.audio as audio
        import pygame._sdl2.sdl2 as sdl2

        self.audio = audio
        self._sdl2 = sdl2
        try:
            sdl = ctypes.CDLL(audio.__file__)
            self._pause, self._close, self._quit = sdl.SDL_PauseAudioDevice, sdl.SDL_CloseAudioDevice, sdl.SDL_QuitSubSystem
        except (OSError, AttributeError):
            log.info("SDL is not reachable through ctypes here; the microphone stops through pygame")
            self._pause = self._close = self._quit = None
            return
        self._pause.argtypes, self._pause.restype = (ctypes.c_uint32, ctypes.c_int), None
        self._close.argtypes, self._close.restype = (ctypes.c_uint32,), None
        self._quit.argtypes, self._quit.restype = (ctypes.c_uint32,), None

    def start(self) -> None:
        self._sdl2.init_subsystem(self._sdl2.INIT_AUDIO)

    def stop(self) -> None:
        if self._quit is not None:
            self._quit(self._sdl2.INIT_AUDIO)

    def close_device(self, device) -> None:
        if self._close is not None:
            self._pause(device.deviceid, 1)
            self._close(device.deviceid)
        else:
            device.pause(1)
        # pygame forgets the device, and will not close it again when collected (which could
        # close a later device given the same number); SDL ignores a closed number.
        device.close()


class FakeMicrophone(Microphone):
    """A microphone that hears `wav` (FAKE_VOICE_WAV unless given), from its start at each
    take and looping, in buffers of CHUNK_FRAMES delivered on a thread: at the pace of a
    real device with `real_time`, else as fast as they are taken. With `lose_after`, every
    take loses its "device" after that many seconds of sound."""

    def __init__(self, wav: bytes | None = None, *, real_time: bool = True, lose_after: float | None = None) -> None:
        samples, rate = read_wav(FAKE_VOICE_WAV if wav is None else wav)
        super().__init__(rate)
        if not len(samples):
            raise ValueError("the fake microphone needs a WAV with sound in it")
        self.samples = samples
        self.real_time = real_time
        self.lose_after = lose_after
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def _open_take(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._deliver, name="fake microphone", daemon=True)
        self._thread.start()

    def _deliver(self) -> None:
        started = time.perf_counter()
        delivered = 0
        lose_at = None if self.lose_after is None else round(self.lose_after * self.sample_rate)
        while not self._stopping.is_set():
            count = CHUNK_FRAMES if lose_at is None else min(CHUNK_FRAMES, lose_at - delivered)
            if count <= 0:
                self._lose()
                return
            at = delivered % len(self.samples)
            chunk = np.take(self.samples, range(at, at + count), mode="wrap")
            if self.real_time:
                # A device hands over a buffer once it is full.
                due = started + (delivered + count) / self.sample_rate
                if self._stopping.wait(max(0.0, due - time.perf_counter())):
                    return
            else:
                time.sleep(0)  # let the thread that is waiting for the take run
            self._receive(chunk)
            delivered += count
            if not self._recording:
                return

    def _close_take(self) -> None:
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join()


def open_microphone(choice: str = "auto") -> Microphone:
    """The microphone for `choice` ("auto": the device's own, "fake": FakeMicrophone,
    "none": NoMicrophone). Never raises: without a usable device, the microphone's
    `problem` says so."""
    if choice == "fake":
        return FakeMicrophone()
    if choice == "none":
        return NoMicrophone()
    if choice != "auto":
        log.warning("unknown microphone choice %r, using auto", choice)
    try:
        return SdlMicrophone()
    except Exception as error:
        log.info("no microphone: %s", error)
        return NoMicrophone()


# ----- the known voice and reading WAVs

FAKE_VOICE_RATE = 44100
FAKE_VOICE_SECONDS = 3.0
FAKE_VOICE_FUNDAMENTAL = 220.0
# Harmonic amplitudes of a sung "ah": strong low harmonics, falling off above.
FAKE_VOICE_HARMONICS = (1.0, 0.6, 0.45, 0.3, 0.2, 0.12, 0.08, 0.05)


def fake_voice_wav() -> bytes:
    """FAKE_VOICE_WAV: a 220 Hz vowel-like tone with harmonics, 3 s, 44.1 kHz mono 16-bit,
    swelling in and out a little as a voice does, fading at both ends."""
    # 220 Hz fits 11 whole periods in 2205 samples (50 ms): one such block is made and
    # repeated, so that making the voice costs almost nothing at import.
    block_frames = FAKE_VOICE_RATE // 20
    block_times = np.arange(block_frames) / FAKE_VOICE_RATE
    block = sum(amount * np.sin(2 * np.pi * FAKE_VOICE_FUNDAMENTAL * number * block_times)
                for number, amount in enumerate(FAKE_VOICE_HARMONICS, start=1))
    total = round(FAKE_VOICE_SECONDS * FAKE_VOICE_RATE)
    times = np.arange(total) / FAKE_VOICE_RATE
    swell = 0.8 + 0.2 * np.sin(2 * np.pi * 0.5 * times)
    fade = np.minimum(1.0, np.minimum(times, FAKE_VOICE_SECONDS - times) / 0.05)
    shaped = np.tile(block, total // block_frames) * swell * fade
    samples = np.round(shaped * (0.7 * 32767 / np.abs(block).max())).astype(np.int16)
    return wav_bytes(samples, FAKE_VOICE_RATE)


# The most samples a second read_wav takes: 48 kHz stereo.
_MOST_SAMPLES_PER_SECOND = 48_000 * 2


def read_wav(data: bytes, *, max_seconds: float = MAX_TAKE_SECONDS) -> tuple[np.ndarray, int]:
    """The sound in WAV `data` as int16 mono samples (stereo is mixed down) and its rate.

    16-bit PCM, 1 or 2 channels, 8 to 192 kHz, at most `max_seconds`, and at most as many
    samples as `max_seconds` of 48 kHz stereo (so a long take at a studio rate cannot fill
    the memory): what the header declares is checked before any sound is decoded, and the
    file's size before the header is read. Raises InputRefused in one plain sentence
    otherwise, never anything else.
    """
    most_samples = round(max_seconds * _MOST_SAMPLES_PER_SECOND)
    longest_bytes = 64 + most_samples * 2
    if len(data) > longest_bytes:
        raise InputRefused(_("This sound is longer than {most}, the most Expressive reads.").format(
            most=describe_seconds(max_seconds)), "too-long")
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise InputRefused(_("This is not a WAV sound file."), "not-a-sound")
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            channels, width, rate, frames = (
                reader.getnchannels(), reader.getsampwidth(), reader.getframerate(), reader.getnframes())
            if channels not in WAV_CHANNELS or width != 2 or rate not in WAV_RATES:
                raise InputRefused(_("This sound is in a form Expressive does not read; it reads 16-bit sound, "
                                     "mono or stereo."), "unsupported")
            if frames > max_seconds * rate:
                raise InputRefused(_("This sound is longer than {most}, the most Expressive reads.").format(
                    most=describe_seconds(max_seconds)), "too-long")
            if frames * channels > most_samples:
                raise InputRefused(_("This sound holds more than Expressive reads: at most {most} of stereo "
                                     "sound at 48 kHz.").format(most=describe_seconds(max_seconds)), "too-long")
            raw = reader.readframes(frames)
    except InputRefused:
        raise
    except Exception as error:
        # wave.Error (not PCM, a chunk missing), EOFError and struct.error (cut short)
        log.info("unreadable WAV: %r", error)
        raise InputRefused(_("This sound file is damaged, so it cannot be read."), "damaged") from None
    usable = len(raw) // (2 * channels) * 2 * channels  # a file cut short ends mid-frame
    samples = np.frombuffer(raw[:usable], dtype="<i2").reshape(-1, channels)
    if channels == 1:
        return samples[:, 0].astype(np.int16), rate
    # Summed in int32 (no float64 copy of the whole sound), halved rounding down.
    return ((samples[:, 0].astype(np.int32) + samples[:, 1]) >> 1).astype(np.int16), rate


FAKE_VOICE_WAV = fake_voice_wav()
