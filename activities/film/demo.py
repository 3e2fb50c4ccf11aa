"""Demo films for `expressive demo`, made without a window: a drawn ball that bounces across
the page, squashing where it lands, to a little tune of plain tones."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from expressive.activities.film.reel import Reel
from expressive.api import MemoryDrafts
from expressive.api.audio import wav_bytes
from expressive.lib.film import FILM_SIZE, jpeg_frame

DEMO_FRAMES = 24
DEMO_FPS = 8
DEMO_TITLES = ("The bouncing ball", "Up and down", "Hop!")
BALL_COLOURS = ((231, 76, 60), (52, 152, 219), (46, 204, 113))
# A bounce for each of the tune's notes: up a scale and down again.
TUNE = (60, 64, 67, 72, 67, 64)
SAMPLE_RATE = 44100


def ball_frame(step: int, colour: tuple[int, int, int]) -> bytes:
    """The ball at `step` of its bounces: three arcs across the page, squashed on the floor."""
    width, height = FILM_SIZE
    page = Image.new("RGB", FILM_SIZE, (252, 248, 238))
    draw = ImageDraw.Draw(page)
    floor = height - 60
    draw.line([(0, floor), (width, floor)], fill=(120, 100, 80), width=6)
    phase = (step % (DEMO_FRAMES // 3)) / (DEMO_FRAMES // 3)
    x = 60 + (width - 120) * step / (DEMO_FRAMES - 1)
    radius = 38
    lift = math.sin(math.pi * phase) * (height - 200)
    squash = 1.0 if lift > 10 else 0.7
    centre_y = floor - radius * squash - lift
    draw.ellipse([x - radius / squash, centre_y - radius * squash, x + radius / squash, centre_y + radius * squash],
                 fill=colour, outline=(40, 30, 30), width=4)
    return jpeg_frame(page)


def tune_wav(seconds: float) -> bytes:
    """Soft tones, one to a bounce, as a WAV (mono, 16 bit)."""
    length = int(seconds * SAMPLE_RATE)
    samples = np.zeros(length, np.float32)
    note_length = length // len(TUNE)
    fade = np.linspace(1.0, 0.0, note_length, dtype=np.float32) ** 2
    times = np.arange(note_length, dtype=np.float32) / SAMPLE_RATE
    for index, note in enumerate(TUNE):
        pitch = 440.0 * 2 ** ((note - 69) / 12)
        samples[index * note_length:(index + 1) * note_length] = np.sin(2 * np.pi * pitch * times) * fade
    return wav_bytes((samples * 9000).astype(np.int16), SAMPLE_RATE)


def demo_reel(variant: int) -> Reel:
    reel = Reel(MemoryDrafts(), fps=DEMO_FPS, title=DEMO_TITLES[variant % len(DEMO_TITLES)])
    colour = BALL_COLOURS[variant % len(BALL_COLOURS)]
    for step in range(DEMO_FRAMES):
        reel.add(ball_frame(step, colour), "drawn")
    reel.set_sound(tune_wav(reel.seconds), "music")
    reel.choose(0)
    return reel
