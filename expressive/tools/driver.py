"""Driving the real app without its main loop: for screenshots, benchmarks and tests.

The app is built and shown in the window as `App.run()` would, but the caller advances
frames itself and sends touches through Kivy's own input path (`Finger`), so what
is exercised is exactly what a finger on the tablet exercises.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kivy.base import EventLoop, ExceptionManager
from kivy.clock import Clock
from kivy.input.motionevent import MotionEvent
from kivy.uix.scrollview import ScrollView

from expressive.demo import make_demo
from expressive.media import MediaServices
from expressive.plans import load_plans
from expressive.portfolio import Portfolio
from expressive.registry import discover


class Finger(MotionEvent):
    """One finger on the window at (x, y) in window pixels, dispatched as the input
    providers do. Kivy's own UnitTestTouch lives in kivy.tests, which needs pytest: the
    installed app's screenshots and benchmarks must not."""

    _numbers = itertools.count(1)

    def __init__(self, x: float, y: float):
        super().__init__("expressive-finger", next(self._numbers), self._relative(x, y), is_touch=True, type_id="touch")
        self.profile = ["pos"]

    @staticmethod
    def _relative(x: float, y: float) -> dict[str, float]:
        window = EventLoop.window
        return {"x": x / (window.width - 1.0), "y": y / (window.height - 1.0)}

    def depack(self, args):
        self.sx, self.sy = args["x"], args["y"]
        super().depack(args)

    def touch_down(self) -> None:
        EventLoop.post_dispatch_input("begin", self)

    def touch_move(self, x: float, y: float) -> None:
        self.move(self._relative(x, y))
        EventLoop.post_dispatch_input("update", self)

    def touch_up(self) -> None:
        EventLoop.post_dispatch_input("end", self)


def start_app(store: Portfolio | None = None, *, root: Path | None = None, **options):
    """The app already unlocked with `store`, or, given only `root`, as it starts for real."""
    from expressive.ui.app import ExpressiveApp

    EventLoop.ensure_window()
    app = ExpressiveApp(store.root if store else root, discover(), load_plans(), store=store, **options)
    # What App.run() does before it enters the main loop; the caller advances frames.
    app._run_prepare()
    advance_frames(3)
    return app


@contextmanager
def scratch_app(source: Path | None = None, passphrase: str | None = None) -> Iterator:
    """The app, started on a scratch copy of the portfolio at `source` (or on a fresh demo
    one), stopped and its copy gone afterwards, so looking at screens never changes anybody's
    portfolio. It needs no sound: SDL's dummy output stands in where there is no device,
    and no MIDI device is opened."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    with tempfile.TemporaryDirectory(prefix="expressive-scratch-") as scratch:
        root = Path(scratch) / "portfolio"
        if source is not None:
            shutil.copytree(source, root)
            store = Portfolio.open(root, passphrase=passphrase)
        else:
            store = Portfolio.open(root)
            make_demo(store)
        app = start_app(store, media=MediaServices(sound="synth", midi="fake", camera="pattern", microphone="fake"))
        try:
            yield app
        finally:
            stop_app(app)


def stop_app(app) -> None:
    """Stop as the app stops: its store is closed (and, if encrypted, locked)."""
    app.dispatch("on_stop")
    EventLoop.window.remove_widget(app.root)
    for view in list(EventLoop.window.children):
        EventLoop.window.remove_widget(view)
    advance_frames(1)


def advance_frames(count: int = 2) -> None:
    for _ in range(count):
        as_main_loop(EventLoop.idle)


class _ClockAhead:
    """Kivy's clock time: the real time, plus the seconds it was moved on (advance_clock,
    and, within frames_unpaced(), what Kivy's clock would have slept)."""

    def __init__(self, real_time):
        self.real_time = real_time
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.real_time() + self.seconds

    def move_on(self, microseconds: float) -> None:
        self.seconds += microseconds / 1_000_000


def _clock_ahead() -> _ClockAhead:
    if not isinstance(Clock.time, _ClockAhead):
        Clock.time = _ClockAhead(Clock.time)
    return Clock.time


def advance_clock(seconds: float, frames: int = 1) -> None:
    """Move Kivy's clock `seconds` on at once, then run `frames`: what it was to do within
    them (a scroll view's delayed tap, an animation's end) is done as if they had been
    waited out, without waiting them. Threads, the app's own clock and the touches' times
    keep the real time."""
    _clock_ahead().seconds += seconds
    advance_frames(frames)


@contextmanager
def frames_unpaced() -> Iterator[None]:
    """Within, where Kivy's clock would sleep out the rest of a frame (it keeps 60 frames a
    second, as a screen refreshes), it moves on instead: to what runs on Kivy's clock,
    frames still come at a screen's pace, but none is waited for. For walks that wait on
    nothing but Kivy's clock: a camera's or a microphone's thread keeps the real time."""
    Clock.usleep = _clock_ahead().move_on
    try:
        yield
    finally:
        del Clock.usleep  # the clock's own sleep again


def as_main_loop(action, *args) -> None:
    """Run `action` with the main loop's error policy: the app's handlers may absorb errors."""
    try:
        action(*args)
    except Exception as error:
        if ExceptionManager.handle_exception(error) == ExceptionManager.RAISE:
            raise


# How long a scroll view holds back a tap's lifting, to tell it from the start of a scroll
# (Kivy's own fixed delay), and a little more.
SCROLL_VIEW_TAP_DELAY = 0.25


def tap(widget, frames: int = 2) -> None:
    """A finger tap at the centre of `widget` as it is on screen (layout settled first),
    after scrolling it into view as a person would, where it lies in a scroll view."""
    advance_frames(1)
    scrolling_views = scrolling_views_around(widget)
    for view in scrolling_views:
        view.scroll_to(widget, padding=0, animate=False)
    if scrolling_views:
        advance_frames(1)
    x, y = widget.to_window(*widget.center)
    touch = Finger(x, y)
    as_main_loop(touch.touch_down)
    as_main_loop(touch.touch_up)
    if scrolling_views:
        # The tap reaches the button only once the scroll view knows it was not a scroll.
        advance_clock(SCROLL_VIEW_TAP_DELAY)
    advance_frames(frames)


def scrolling_views_around(widget) -> list[ScrollView]:
    """The scroll views that hold `widget` and can scroll, innermost first."""
    views, parent = [], widget.parent
    while parent is not None and parent is not parent.parent:
        if isinstance(parent, ScrollView) and (parent.do_scroll_x or parent.do_scroll_y):
            views.append(parent)
        parent = parent.parent
    return views


def drag(points: list[tuple[float, float]], frames: int = 2) -> None:
    """One finger put down at the first window point, moved through the rest, lifted."""
    touch = Finger(*points[0])
    as_main_loop(touch.touch_down)
    for x, y in points[1:]:
        as_main_loop(touch.touch_move, x, y)
    as_main_loop(touch.touch_up)
    advance_frames(frames)


def type_into(text_input, text: str) -> None:
    """Text as if typed on the on-screen keyboard (focus, then characters)."""
    tap(text_input, frames=1)
    text_input.insert_text(text)
    advance_frames(1)


class AppDriver:
    """The running `app`, worked as a person works it, lent to an activity's screenshot
    scenes and benchmarks (see `Activity.screenshot_scenes` and `Activity.benchmarks`), so
    that an activity drives the real app without importing the tools."""

    tap = staticmethod(tap)
    drag = staticmethod(drag)
    type_into = staticmethod(type_into)
    advance_frames = staticmethod(advance_frames)
    finger = Finger

    def __init__(self, app):
        self.app = app

    @property
    def window(self):
        return EventLoop.window

    def frame_milliseconds(self) -> float:
        """Draw and show one frame as the main loop does; how long it took, in milliseconds."""
        begun = time.perf_counter()
        self.window.dispatch("on_draw")
        self.window.dispatch("on_flip")
        return (time.perf_counter() - begun) * 1000

    def open_activity(self, activity_id: str):
        """Open `activity_id` in the running session, as its tile on the launcher does;
        the running activity and the widget it built."""
        self.app.go("activity", activity_id=activity_id)
        advance_frames(2)
        screen = self.app.root.get_screen("activity")
        return screen.activity, screen.ids.area.children[0]


class BenchDriver(AppDriver):
    """The driver an activity's benchmarks are lent (see `Activity.benchmarks`): the real
    app, started on a new scratch portfolio at `root` only when the activity first opens
    itself, with a client in a session of the open plan. Sound and MIDI are this machine's;
    the camera is the moving test pattern and the microphone the stand-in that plays a
    known voice, so that figures measured on machines with and without them compare."""

    def __init__(self, root: Path):
        super().__init__(app=None)
        self.root = root
        self._activity_id: str | None = None

    def open_activity(self, activity_id: str):
        if self.app is None:
            store = Portfolio.open(self.root)
            self.app = start_app(store, media=MediaServices(camera="pattern", microphone="fake"))
            self.app.open_client(store.add_client("Bench"))
            plan = next(plan for plan in self.app.plans if plan.id == "open")
            self.app.begin_session(plan, "", 3)
        self._activity_id = activity_id
        return super().open_activity(activity_id)

    def save(self, draft):
        """Keep `draft` in the scratch session as the opened activity's work, durably."""
        app = self.app
        return app.store.save_artifact(app.client.id, app.running.session.id, self._activity_id, draft)

    @staticmethod
    def sound_output():
        """The built-in synthesiser on this machine's sound output, or on SDL's dummy output
        (which takes sound at the device's pace and plays it nowhere) where there is none;
        and the words that say which."""
        from expressive.audio import open_engine

        engine = open_engine("synth")
        if engine.problem is None:
            dummy = os.environ.get("SDL_AUDIODRIVER") == "dummy"
            return engine, "SDL's dummy output (no sound device here)" if dummy else "this machine's sound output"
        engine.close()
        os.environ["SDL_AUDIODRIVER"] = "dummy"
        engine = open_engine("synth")
        if engine.problem is not None:
            raise RuntimeError(f"no sound output to measure, not even a dummy one: {engine.problem}")
        return engine, "SDL's dummy output (no sound device here)"

    def close(self) -> None:
        if self.app is not None:
            stop_app(self.app)
            self.app = None
