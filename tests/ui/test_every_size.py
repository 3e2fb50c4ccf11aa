"""Every control a person needs is on screen, whole and tappable, at every tablet size.

The app is walked as a therapist and a client would walk it (every screen, each activity at
each complexity level, the popups the activities open) in landscape and upright tablets, and
every visible, enabled button is held to what a finger needs: its centre in the window (or in
a scroll area that can scroll to it), nothing drawn over its centre, its label not cut off,
and at least 48 dp across.
"""

from __future__ import annotations

import pytest
from kivy.metrics import dp
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.slider import Slider
from kivy.uix.textinput import TextInput

from expressive.activity import COMPLEXITY_LEVELS
from expressive.demo import make_demo
from expressive.media import MediaServices
from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, as_main_loop, start_app, stop_app
from tests_support import PIN, cheap_protect, screen

SIZES = [(1280, 800), (1024, 600), (1920, 1200), (800, 1280), (600, 1024)]
ACTIVITIES = ("drawing", "music", "movement", "story")
SMALLEST_TARGET = dp(48)


def is_button(widget) -> bool:
    return isinstance(widget, ButtonBehavior) or widget.is_event_type("on_release") or widget.is_event_type("on_press")


def shown(widget) -> bool:
    """Seen by a person: it and everything around it drawn, not faded out."""
    while widget is not None and widget.parent is not widget:
        if widget.opacity <= 0:
            return False
        widget = widget.parent
    return True


def label_of(widget) -> str:
    texts = [child.text for child in widget.walk() if isinstance(child, Label) and child.text and not child.font_name.endswith("Icons")]
    return texts[0] if texts else f"<{type(widget).__name__} {getattr(widget, 'icon', '')}>".replace(" >", ">")


def is_clipped(label: Label) -> bool:
    """Its words do not all show: cut to '...', or running past its sides (a line a little
    taller than its box still shows whole: a label does not clip its text)."""
    if not label.text or label.width <= 1:
        return False
    if label.shorten and label.text_size[0]:
        room = label.text_size[0] - 2 * label.padding[0]
        return label._label.get_extents(label.text)[0] > room + 1
    if label.max_lines and label.text_size[0]:
        return len(lines_of(label)) > label.max_lines
    return label.texture_size[0] > label.width + 1


def lines_of(label: Label) -> list:
    """The lines `label` needs for all its words, at its width, whatever its line limit."""
    from kivy.core.text import Label as CoreLabel

    options = dict(label._label.options, max_lines=0)
    whole = CoreLabel(**options)
    whole.text = label.text
    whole.refresh()
    return whole._cached_lines


def window_box(widget) -> tuple[float, float, float, float]:
    left, bottom = widget.to_window(widget.x, widget.y)
    return left, bottom, left + widget.width, bottom + widget.height


def contains(box, x, y) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def scroll_areas_around(widget) -> list[ScrollView]:
    areas, parent = [], widget.parent
    while parent is not None and parent.parent is not parent:
        if isinstance(parent, ScrollView):
            areas.append(parent)
        parent = parent.parent
    return areas


def reachable_centre(widget, window) -> tuple[float, float] | None:
    """Where its centre is once any scroll area around it is scrolled to it; None when no
    scrolling brings it into the window."""
    x, y = widget.to_window(*widget.center)
    for area in scroll_areas_around(widget):
        left, bottom, right, top = window_box(area)
        content = area.children[0] if area.children else None
        scrolls_x = area.do_scroll_x and content is not None and content.width > area.width
        scrolls_y = area.do_scroll_y and content is not None and content.height > area.height
        if not left <= x <= right:
            if not scrolls_x:
                return None
            x = min(max(x, left + 1), right - 1)
        if not bottom <= y <= top:
            if not scrolls_y:
                return None
            y = min(max(y, bottom + 1), top - 1)
    if 0 <= x <= window.width and 0 <= y <= window.height:
        return x, y
    return None


def in_view(widget, x, y) -> bool:
    return all(contains(window_box(area), x, y) for area in scroll_areas_around(widget))


def draws_over(widget) -> bool:
    """Something a finger would land on, or words that would hide what is under them."""
    if is_button(widget) or isinstance(widget, (TextInput, Slider)):
        return True
    return isinstance(widget, Label) and bool(widget.text)


def problems_on(layer, window) -> list[str]:
    """Every way a visible, enabled button of `layer` (the screen, or the popup on top) fails a finger."""
    widgets = [widget for widget in layer.walk(restrict=True) if shown(widget)]
    problems = []
    for index, button in enumerate(widgets):
        if not is_button(button) or button.disabled or button.width <= 0:
            continue
        name = label_of(button)
        centre = reachable_centre(button, window)
        if centre is None:
            problems.append(f"{name!r} cannot be reached (centre at {tuple(round(v) for v in button.to_window(*button.center))})")
            continue
        if min(button.size) < SMALLEST_TARGET - 0.5:
            problems.append(f"{name!r} is too small to tap ({button.width / dp(1):.0f}x{button.height / dp(1):.0f} dp)")
        x, y = button.to_window(*button.center)
        if in_view(button, x, y):
            inside = set(button.walk(restrict=True))
            covering = [
                other for other in widgets[index + 1:]
                if other not in inside and draws_over(other) and contains(window_box(other), x, y) and in_view(other, x, y)
            ]
            if covering:
                problems.append(f"{name!r} is covered by {label_of(covering[0])!r}")
        # A piece of work's title is the client's own, of any length: on its thumbnail, beside
        # its picture, it is shortened by design. The app's own words must show whole.
        is_thumbnail = getattr(button, "artifact", None) is not None
        clipped = [
            label.text for label in button.walk(restrict=True)
            if isinstance(label, Label) and shown(label) and not is_thumbnail and is_clipped(label)
        ]
        if clipped:
            problems.append(f"{name!r} has its words cut off: {clipped[0]!r}")
    return problems


def settle(ticks: int = 3) -> None:
    """Lay out what changed, as frames do, without drawing it: drawing a big window in
    software takes a tenth of a second, and only where things are matters here."""
    from kivy.clock import Clock

    for _ in range(ticks):
        as_main_loop(Clock.tick)
        as_main_loop(Clock.tick_draw)


class Walk:
    """The app at one size; `look(where)` notes every problem of what is on top now."""

    def __init__(self, app, window):
        self.app, self.window = app, window
        self.problems: list[str] = []

    def look(self, where: str) -> None:
        settle()
        views = [view for view in self.window.children if isinstance(view, ModalView)]
        layer = views[0] if views else self.app.root
        self.problems.extend(f"{where}: {problem}" for problem in problems_on(layer, self.window))

    def go(self, name: str, **details) -> None:
        self.app.go(name, **details)
        self.look(name)

    def popup(self, where: str, opening) -> None:
        opening()
        self.look(where)
        self.close_popups()

    def close_popups(self) -> None:
        for view in [view for view in self.window.children if isinstance(view, ModalView)]:
            view.dismiss(animation=False)
        settle(1)


@pytest.fixture(scope="module")
def demo_app(window, tmp_path_factory):
    root = tmp_path_factory.mktemp("every-size") / "portfolio"
    cheap_protect(root, PIN)
    store = Portfolio.open(root, passphrase=PIN)
    make_demo(store)
    running = start_app(store, media=MediaServices(sound="synth", midi="fake"))
    before = tuple(window.size)
    yield running
    window.size = before
    stop_app(running)


def walk_the_therapists_screens(walk: Walk) -> None:
    app = walk.app
    app.client_mode = False
    walk.go("setup")
    walk.go("change_pin")
    walk.go("clients")
    walk.go("add_client")
    client = app.store.clients()[0]
    app.open_client(client)
    walk.look("portfolio")
    walk.popup("export dialog", screen(app, "portfolio").open_export)
    for name in ("gallery", "progress", "slideshow", "compare"):
        walk.go(name)
    for artifact in app.store.artifacts(client.id)[:1]:
        walk.go("artifact", artifact=artifact)
    walk.go("delete_client")
    walk.go("session")


def walk_the_session(walk: Walk, level: str) -> None:
    app = walk.app
    app.client_mode = False
    app.open_client(app.store.clients()[0])
    app.begin_session(app.plans[0], "Show what today felt like", 3, complexity=level)
    walk.go("launcher")
    for activity_id in ACTIVITIES:
        walk.go("activity", activity_id=activity_id)
        walk.close_popups()
        studio = screen(app, "activity").ids.area.children[0]
        if activity_id == "drawing":
            walk.popup(f"drawing ({level}) paper chooser", studio.open_paper_chooser)
            walk.popup(f"drawing ({level}) colour picker", studio.open_colour_picker)
            walk.popup(f"drawing ({level}) stamps", studio.open_stamp_chooser)
        if activity_id == "movement":
            from expressive.activities.movement.studio import SETUP_REASON, MovementSetup

            app.client_mode = False
            walk.popup(f"movement ({level}) set-up", MovementSetup(studio=studio, reason=SETUP_REASON).open)
            app.client_mode = True
        # Closed as the client closes it, so nothing of it (the camera) runs on behind the walk.
        screen(app, "activity").done()
        walk.close_popups()
    walk.go("checkout")
    app.client_mode = False
    walk.go("note")
    walk.go("handback")
    app.end_session()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_button_a_person_needs_is_on_screen_whole_and_big_enough(demo_app, window, size):
    window.size = size
    advance_frames(2)
    walk = Walk(demo_app, window)
    walk_the_therapists_screens(walk)
    for level in COMPLEXITY_LEVELS:
        walk_the_session(walk, level)
    demo_app.client_mode = False
    walk.go("lock")
    unique = list(dict.fromkeys(walk.problems))
    assert not unique, f"at {size[0]}x{size[1]}:\n" + "\n".join(unique)
