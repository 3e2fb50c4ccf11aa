"""The level meter in the real window: it follows a microphone, green to amber to red, falls
gently, and stops following when taken off the screen."""

import pytest

from expressive.audio.microphone import FakeMicrophone
from expressive.tools.driver import advance_frames
from expressive.ui.level_meter import AMBER, FALL_PER_POLL, GREEN, RED, LevelMeter


class HeldLevel:
    """A microphone whose level the test sets."""

    def __init__(self) -> None:
        self.heard = 0.0
        self.asked = 0

    def level(self) -> float:
        self.asked += 1
        return self.heard


def advance_until(condition, frames: int = 200) -> None:
    for _ in range(frames):
        if condition():
            return
        advance_frames(1)
    raise AssertionError("the condition never held")


@pytest.fixture
def meter(window):
    shown = LevelMeter(size_hint=(None, None), size=(400, 32), pos=(20, 20))
    window.add_widget(shown)
    yield shown
    if shown.parent is not None:
        window.remove_widget(shown)


def test_the_meter_rises_at_once_changes_colour_and_falls_gently(meter):
    assert meter.accessible_name and meter.level == 0
    microphone = HeldLevel()
    meter.follow(microphone)
    microphone.heard = 0.8
    advance_until(lambda: meter.level == 0.8)
    assert tuple(meter.colour) == AMBER
    microphone.heard = 1.0
    advance_until(lambda: meter.level == 1.0)
    assert tuple(meter.colour) == RED
    microphone.heard = 0.0
    advance_until(lambda: meter.level < 1.0)
    assert meter.level == pytest.approx(1.0 - FALL_PER_POLL)
    advance_until(lambda: meter.level == 0.0)
    assert tuple(meter.colour) == GREEN


def test_the_meter_follows_the_fake_voice_and_lets_go_when_taken_away(meter, window):
    microphone = FakeMicrophone()
    meter.follow(microphone)
    microphone.start()
    advance_until(lambda: meter.level > 0.3)
    microphone.stop()
    advance_until(lambda: meter.level == 0.0)
    held = HeldLevel()
    meter.follow(held)
    advance_until(lambda: held.asked > 0)
    window.remove_widget(meter)
    asked = held.asked
    advance_frames(5)
    assert held.asked == asked
