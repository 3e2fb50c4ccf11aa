"""The devices the host lends activities: the audio engine, MIDI input, the microphone and
the cameras.

The engine, MIDI input and microphone are each opened the first time an activity asks for
it and then shared by every activity of the app's run (one sound output, one set of MIDI
ports, one microphone), so a drawing session never opens a sound device. A camera is
opened for the activity that asks, which closes it when done. No Kivy here.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from expressive.audio import AudioEngine
    from expressive.audio.microphone import Microphone
    from expressive.camera import CameraInfo, FrameSource
    from expressive.midi import MidiInput

SOUND_CHOICES = ("auto", "synth", "fluidsynth", "silent")
CAMERA_CHOICES = ("auto", "pattern", "none")
MICROPHONE_CHOICES = ("auto", "fake", "none")
# The test pattern stands for a tablet's two cameras, so that turning to the front camera
# can be tried and tested without one.
PATTERN_CAMERAS = 2


class MediaServices:
    """`sound`: which engine plays notes ("auto" picks FluidSynth with a General MIDI
    SoundFont where installed, else the built-in synthesiser); `midi`: "auto" for the
    devices plugged in, "fake" for a stand-in that tests and demos feed; `camera`: "auto"
    for the cameras found, "pattern" for the moving test pattern, "none" for no camera;
    `microphone`: "auto" for the device's own, "fake" for one that hears a known voice,
    "none" for no microphone."""

    def __init__(self, sound: str = "auto", midi: str = "auto", camera: str = "auto", microphone: str = "auto"):
        self.sound_choice = sound
        self.midi_choice = midi
        self.camera_choice = camera
        self.microphone_choice = microphone
        self._audio: AudioEngine | None = None
        self._midi: MidiInput | None = None
        self._microphone: Microphone | None = None
        self._cameras: list[CameraInfo] | None = None
        self._lock = threading.Lock()

    def audio(self) -> AudioEngine:
        with self._lock:
            if self._audio is None:
                # Imported on first use: numpy and the mixer cost start-up time a
                # session without music should not pay.
                from expressive.audio import open_engine

                self._audio = open_engine(self.sound_choice)
            return self._audio

    def midi(self) -> MidiInput:
        with self._lock:
            if self._midi is None:
                from expressive.midi import open_midi_input

                self._midi = open_midi_input(self.midi_choice)
            return self._midi

    def microphone(self) -> Microphone:
        """The microphone, never None: without one, its `problem` says so."""
        if self.microphone_choice == "auto":
            # The sound first: pygame's mixer does not open while the microphone records
            # (see expressive.audio.microphone), and an activity that records plays too.
            self.audio()
        with self._lock:
            if self._microphone is None:
                from expressive.audio.microphone import open_microphone

                self._microphone = open_microphone(self.microphone_choice)
            return self._microphone

    def camera_count(self) -> int:
        """How many cameras `open_camera` can choose from (0 when there is none)."""
        if self.camera_choice == "pattern":
            return PATTERN_CAMERAS
        if self.camera_choice == "none":
            return 0
        return len(self._found_cameras())

    def open_camera(self, facing: str = "back") -> FrameSource:
        """An opened source of live pictures from the camera `facing` the way asked ("back",
        or "front" for self-portraits: the second camera, else the only one). Never raises:
        without a camera, the source's `problem` says so. The caller closes it."""
        from expressive.camera import NO_CAMERA, UnavailableSource, open_frame_source
        from expressive.i18n import _

        if self.camera_choice == "pattern":
            return open_frame_source("pattern", real_time=True)
        cameras = [] if self.camera_choice == "none" else self._found_cameras()
        if not cameras:
            return UnavailableSource(_(NO_CAMERA), name="camera")
        chosen = cameras[1] if facing == "front" and len(cameras) > 1 else cameras[0]
        return open_frame_source("camera", index=chosen.index)

    def _found_cameras(self) -> list[CameraInfo]:
        # Looked for once: probing each device takes a moment, and cameras are built in.
        with self._lock:
            if self._cameras is None:
                from expressive.camera import list_cameras

                self._cameras = list_cameras()
            return self._cameras

    def close(self) -> None:
        with self._lock:
            if self._midi is not None:
                self._midi.stop()
            if self._audio is not None:
                self._audio.close()
            if self._microphone is not None:
                self._microphone.close()
            self._audio = self._midi = self._microphone = None
