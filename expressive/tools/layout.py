"""`expressive layout`: every screen and popup, walked as a therapist and a client walk
them, held to what an eye and a finger need.

The real app runs on a scratch demo portfolio at one window size, density and language
(set before Kivy is imported and before the app is built; see `expressive.cli`). Each
screen is laid out without being drawn (drawing a big window in software takes a tenth of
a second; only where things are matters here) and every problem of what is on top (the
screen, or the popup over it) is reported:

- words cut off: a visible label whose text is wider or taller than its box, or shortened
  with "..." (the client's own title on a thumbnail is shortened by design);
- two tappable targets overlapping, or words drawn over a target's centre;
- a widget outside the window that no scrolling brings into it;
- a target smaller than 48 dp across (64 dp on the client's screens at the simplest
  complexity level);
- a tappable control with no name: no words of its own and no `accessible_name`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from kivy.base import EventLoop
from kivy.clock import Clock
from kivy.metrics import dp
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.slider import Slider
from kivy.uix.textinput import TextInput

from expressive.activity import COMPLEXITY_LEVELS, complexity_of
from expressive.i18n import _, language
from expressive.tools.driver import AppDriver, as_main_loop, frames_unpaced, scratch_app
from expressive.tools.screenshot import NO_CLIENTS, make_sample_conflicts
from expressive.ui.widgets import ICON_FONT_NAME

SMALLEST_TARGET_DP = 48
# A five-year-old's finger at the simplest level, on the client's own screens.
SMALLEST_SIMPLE_TARGET_DP = 64
SIMPLEST_LEVEL = COMPLEXITY_LEVELS[0]
# The activities' own scenes are walked at one level only, the one with the most on screen:
# each walk at a level costs as much again as the rest of a size's walk.
MOST_CROWDED_LEVEL = COMPLEXITY_LEVELS[-1]
# Rounding in layouts leaves a pixel here and there; less is not a problem anybody sees.
SLACK = 1.5
# Enough frames for any layout of ours to settle; one that never settles is checked as it is.
MOST_FRAMES_TO_SETTLE = 20

Box = tuple[float, float, float, float]


# What is checked ------------------------------------------------------------------------


def is_button(widget) -> bool:
    return isinstance(widget, ButtonBehavior) or widget.is_event_type("on_release") or widget.is_event_type("on_press")


def is_target(widget) -> bool:
    """Something a finger is meant to land on."""
    return is_button(widget) or isinstance(widget, (TextInput, Slider))


def ancestors(widget) -> list:
    found, parent = [], widget.parent
    while parent is not None and parent.parent is not parent:
        found.append(parent)
        parent = parent.parent
    return found


def shown(widget) -> bool:
    """Seen by a person: it and everything around it drawn, not faded out."""
    return all(each.opacity > 0 for each in (widget, *ancestors(widget)))


def is_icon(label: Label) -> bool:
    return label.font_name.endswith(ICON_FONT_NAME)


def name_of(widget) -> str:
    """What a person (or a screen reader) calls `widget`: its accessible name, else its
    first words; "" when it has neither."""
    named = getattr(widget, "accessible_name", "")
    if named:
        return named
    for child in widget.walk(restrict=True):
        if isinstance(child, Label) and child.text.strip() and not is_icon(child) and shown(child):
            return child.text
    return ""


def described(widget) -> str:
    """`widget` as a problem line names it: its name, else its kind and icon."""
    name = name_of(widget)
    if name:
        return repr(name)
    icon = getattr(widget, "icon", "")
    return f"<{type(widget).__name__}{' ' + icon if icon else ''}>"


def whole_text_size(label: Label) -> tuple[int, int, int]:
    """The width and height `label`'s words need to show whole at its width (no line
    limit, no shortening, no height limit), and how many lines that takes."""
    core = label._label
    options = dict(core.options, text_size=(label.text_size[0], None), max_lines=0, shorten=False)
    whole = type(core)(**options)
    whole.text = label.text
    width, height = whole.render()
    return max(width, whole._internal_size[0]), height, len(whole._cached_lines)


def cut_off(label: Label) -> str | None:
    """How `label`'s words fail to show whole in its box, or None when they do."""
    if not label.text.strip() or label.width <= 1 or label.height <= 1:
        return None
    core = label._label
    if core is None:
        return None
    room_x, room_y = label.text_size
    if room_x is not None and label.shorten:
        if core.get_extents(label.text)[0] > room_x - 2 * label.padding[0] + SLACK:
            return "shortened with '...'"
        needed_width, needed_height = label.texture_size
    elif room_x is None and room_y is None and not label.max_lines:
        # Nothing limits the words: the texture is all of them.
        needed_width, needed_height = label.texture_size
    else:
        needed_width, needed_height, lines = whole_text_size(label)
        if lines > len(core._cached_lines):
            return f"{lines - len(core._cached_lines)} of its {lines} lines left out"
    if needed_width > label.width + SLACK:
        return f"{needed_width / dp(1):.0f} dp wide in a box {label.width / dp(1):.0f} dp wide"
    # A line a little taller than its box still shows whole (a label does not clip); half a
    # line more runs into whatever is beside it.
    line = needed_height / max(1, len(core._cached_lines) or 1)
    if needed_height > label.height + max(SLACK, line / 2):
        return f"{needed_height / dp(1):.0f} dp tall in a box {label.height / dp(1):.0f} dp tall"
    return None


def window_box(widget) -> Box:
    left, bottom = widget.to_window(widget.x, widget.y)
    return left, bottom, left + widget.width, bottom + widget.height


def scroll_areas_around(widget) -> list[ScrollView]:
    """The scroll areas that hold `widget`, innermost first (each clips what it holds)."""
    return [parent for parent in ancestors(widget) if isinstance(parent, ScrollView)]


def _scrolls(area: ScrollView, axis: int) -> bool:
    content = area.children[0] if area.children else None
    if content is None:
        return False
    if axis == 0:
        return area.do_scroll_x and content.width > area.width
    return area.do_scroll_y and content.height > area.height


def out_of_reach(widget, window) -> str | None:
    """How some of `widget` stays hidden whatever a person scrolls: cut off by a scroll area
    that cannot scroll to it, or outside the window; None when all of it can be seen."""
    box = list(window_box(widget))
    for area in scroll_areas_around(widget):
        frame = window_box(area)
        for axis in (0, 1):
            low, high = box[axis], box[axis + 2]
            if low >= frame[axis] - SLACK and high <= frame[axis + 2] + SLACK:
                continue
            if not _scrolls(area, axis):
                return f"is cut off by the edge of the scroll area around it (at {_rounded(box)} in {_rounded(frame)})"
            # Scrolled to it; a widget larger than its area is seen a part at a time, each in the area.
            shift = frame[axis] - low if low < frame[axis] else max(frame[axis + 2] - high, frame[axis] - low)
            box[axis], box[axis + 2] = max(low + shift, frame[axis]), min(high + shift, frame[axis + 2])
    if box[0] < -SLACK or box[1] < -SLACK or box[2] > window.width + SLACK or box[3] > window.height + SLACK:
        return f"lies outside the window (at {_rounded(box)})"
    return None


def _rounded(box) -> tuple[int, ...]:
    return tuple(round(value) for value in box)


def seen_box(widget, window) -> Box:
    """The part of `widget` on screen now: its box cut to the scroll areas and the window."""
    box = window_box(widget)
    for frame in [window_box(area) for area in scroll_areas_around(widget)] + [(0, 0, window.width, window.height)]:
        box = (max(box[0], frame[0]), max(box[1], frame[1]), min(box[2], frame[2]), min(box[3], frame[3]))
    return box


def overlap(one: Box, other: Box) -> bool:
    return min(one[2], other[2]) - max(one[0], other[0]) > SLACK and min(one[3], other[3]) - max(one[1], other[1]) > SLACK


def contains(box: Box, x: float, y: float) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _by_design_shortened(label: Label) -> bool:
    # A piece of work's title is the client's own, of any length: on its thumbnail, beside
    # its picture, it is shortened by design. The app's own words must show whole.
    return label.shorten and any(getattr(widget, "artifact", None) is not None for widget in ancestors(label))


def problems_on(layer, window, smallest_target: float) -> list[str]:
    """Every way what `layer` (the screen, or the popup on top) shows fails an eye or a finger."""
    widgets = [widget for widget in layer.walk(restrict=True) if shown(widget) and widget.width > 0 and widget.height > 0]
    # Words inside a target go with it: the target is reported.
    words_alone = {
        widget for widget in widgets
        if isinstance(widget, Label) and widget.text.strip() and not is_target(widget) and not any(map(is_target, ancestors(widget)))
    }
    problems = []
    for widget in widgets:
        if isinstance(widget, Label) and not _by_design_shortened(widget):
            cut = cut_off(widget)
            if cut:
                problems.append(f"the words {widget.text!r} are cut off ({cut})")
        hidden = out_of_reach(widget, window) if is_target(widget) or widget in words_alone else None
        if hidden:
            problems.append(f"{described(widget)} {hidden}")
    targets = [widget for widget in widgets if is_target(widget) and not widget.disabled]
    for index, target in enumerate(targets):
        inside = set(target.walk(restrict=True))
        if is_button(target) and not name_of(target):
            problems.append(f"{described(target)} has no name: no words and no accessible_name")
        if is_button(target) and min(target.size) < dp(smallest_target) - SLACK:
            problems.append(
                f"{described(target)} is too small to tap: {target.width / dp(1):.0f}x{target.height / dp(1):.0f} dp, "
                f"under {smallest_target} dp"
            )
        seen = seen_box(target, window)
        for other in targets[index + 1:]:
            if other not in inside and target not in set(other.walk(restrict=True)) and overlap(seen, seen_box(other, window)):
                problems.append(f"{described(target)} and {described(other)} overlap")
        x, y = target.to_window(*target.center)
        if contains(seen, x, y):
            # Words of another target over it are that target's overlap, reported above.
            covering = [
                other for other in widgets[widgets.index(target) + 1:]
                if other in words_alone and contains(seen_box(other, window), x, y)
            ]
            if covering:
                problems.append(f"{described(target)} has words drawn over it: {covering[0].text!r}")
    return problems


# The walk -------------------------------------------------------------------------------


def settle() -> None:
    """Lay out what changed, as frames do, without drawing it, until nothing moves: words
    that wrap make a label taller, which moves what is below it, a frame later each."""
    placed = None
    for _frame in range(MOST_FRAMES_TO_SETTLE):
        as_main_loop(Clock.tick)
        as_main_loop(Clock.tick_draw)
        now = [(widget.pos, widget.size) for layer in EventLoop.window.children for widget in layer.walk()]
        if now == placed:
            return
        placed = now


class Walk:
    """The app, walked; `look(screen, where)` notes every problem of what is on top now.
    Given `screens`, only those are looked at (named as `expressive screenshot` names them:
    a popup goes with the screen it opens on, an activity's with the activity)."""

    def __init__(self, app, window, screens: Iterable[str] | None = None):
        self.app, self.window = app, window
        self.screens = set(screens) if screens else None
        # Each problem, and the complexity levels of the session it was seen in (none outside one).
        self.found: dict[tuple[str, str], list[str]] = {}
        self.level: str | None = None
        self.walked: set[str] = set()

    def wanted(self, screen: str) -> bool:
        self.walked.add(screen)
        return self.screens is None or screen in self.screens

    def smallest_target(self) -> int:
        app = self.app
        simplest = app.client_mode and app.client is not None and complexity_of(app.client.settings) == SIMPLEST_LEVEL
        return SMALLEST_SIMPLE_TARGET_DP if simplest else SMALLEST_TARGET_DP

    def look(self, screen: str, where: str | None = None) -> None:
        if not self.wanted(screen):
            return
        settle()
        views = [view for view in self.window.children if isinstance(view, ModalView)]
        layer = views[0] if views else self.app.root
        for problem in problems_on(layer, self.window, self.smallest_target()):
            self.note(where or screen, problem)

    def note(self, where: str, problem: str) -> None:
        levels = self.found.setdefault((where, problem), [])
        if self.level:
            levels.append(self.level)

    @property
    def problems(self) -> list[str]:
        """One line per problem: where, at which levels, and what."""
        return [
            f"{where}{' (' + ', '.join(dict.fromkeys(levels)) + ')' if levels else ''}: {problem}"
            for (where, problem), levels in self.found.items()
        ]

    def go(self, screen: str, where: str | None = None, name: str | None = None, **details) -> None:
        """Show `screen`; `name` is what --screens calls it, when not the screen's own name."""
        self.app.go(screen, **details)
        self.look(name or screen, where)

    def popup(self, screen: str, where: str, opening: Callable[[], object]) -> None:
        if not self.wanted(screen):
            return
        opening()
        self.look(screen, where)
        self.close_popups()

    def close_popups(self) -> None:
        for view in [view for view in self.window.children if isinstance(view, ModalView)]:
            view.dismiss(animation=False)
        settle()


def walk_the_therapists_screens(walk: Walk) -> None:
    from expressive.ui.backup_dialog import show_example_backups
    from expressive.ui.screens.access import TherapistPinDialog

    app = walk.app
    app.client_mode = False
    walk.go("setup")
    if walk.wanted("setup"):
        setup = app.root.get_screen("setup")
        setup.may_restore = True  # as on a new tablet, with no portfolio yet
        walk.look("setup", "setup on a new tablet")
        walk.popup("setup", "restore dialog", setup.restore)
        walk.popup("setup", "restore dialog, its backups listed", partial(show_example_backups, app))
    walk.go("recovery", "recovery key", "setup", recovery_key="WXYZ-2345-ABCD-6789-EFGH-2345-JKLM-6789")
    walk.go("change_pin")
    if walk.wanted("devices"):
        from expressive.ui.screens.devices import show_example_devices

        show_example_devices(app)
        walk.look("devices")
    if walk.wanted("colleagues"):
        from expressive.ui.screens.colleagues import show_example_colleagues

        show_example_colleagues(app)
        walk.look("colleagues")
    if walk.wanted("lock_shared"):
        from expressive.ui.screens.access import show_example_names

        show_example_names(app)
        walk.look("lock_shared")
        walk.popup("lock_shared", "join dialog", app.root.get_screen("lock").join)
    walk.go("clients")
    walk.popup("backup", "backup dialog", app.root.get_screen("clients").back_up)
    walk.go("add_client")
    client = app.store.clients()[0]
    app.open_client(client)
    walk.look("portfolio")
    portfolio = app.root.get_screen("portfolio")
    walk.popup("export", "export dialog", portfolio.open_export)
    walk.popup("portfolio", "client settings", portfolio.open_settings)
    walk.popup("portfolio", "about the client", portfolio.show_about)
    walk.popup("portfolio", "bring in a file", portfolio.open_import)
    for session in app.store.sessions(client.id, limit=1):
        walk.popup("portfolio", "note on a session", partial(portfolio.edit_note, session))
    for name in ("gallery", "progress", "slideshow", "compare"):
        walk.go(name)
    shown_kinds = set()
    for artifact in app.store.artifacts(client.id):
        if artifact.activity not in shown_kinds:
            shown_kinds.add(artifact.activity)
            walk.go("artifact", f"artifact ({artifact.activity})", name=f"artifact_{artifact.activity}", artifact=artifact)
    artifact_screen = app.root.get_screen("artifact")
    walk.popup("artifact", "artifact tags", artifact_screen.edit_tags)
    walk.popup("artifact", "note on an artifact", artifact_screen.edit_note)
    if walk.wanted("conflicts"):
        make_sample_conflicts(app.store)
        walk.go("conflicts")
    walk.go("delete_client")
    walk.go("session")
    # As a therapist-only page opened in client mode asks for the PIN, with its own words.
    walk.popup("lock", "therapist's PIN", lambda: TherapistPinDialog(
        app=app, on_verified=lambda: None, reason=_("Open a page for the therapist")).open())


def walk_the_session(walk: Walk, level: str) -> None:
    app = walk.app
    app.client_mode = False
    app.open_client(app.store.clients()[0])
    app.begin_session(app.plans[0], "Show what today felt like", 3, complexity=level)
    walk.level = level
    walk.look("launcher")
    for activity_id in app.registry.activities:
        if not walk.wanted(activity_id):
            continue
        app.go("activity", activity_id=activity_id)
        walk.look(activity_id)
        opened = app.root.get_screen("activity").ids.area.children
        if app.root.current != "activity" or not opened:
            said = [widget.text for view in walk.window.children if isinstance(view, ModalView)
                    for widget in view.walk() if isinstance(widget, Label) and widget.text.strip()]
            walk.note(activity_id, f"the activity did not open; the app said: {' '.join(said) or 'nothing'}")
            walk.close_popups()
            continue
        walk.close_popups()
        studio = opened[0]
        if activity_id == "drawing":
            walk.popup("drawing", "drawing paper chooser", studio.open_paper_chooser)
            walk.popup("drawing", "drawing colour picker", studio.open_colour_picker)
            walk.popup("drawing", "drawing stamps", studio.open_stamp_chooser)
        if activity_id == "movement":
            from expressive.activities.movement.studio import SETUP_REASON, MovementSetup

            app.client_mode = False
            walk.popup("movement", "movement set-up", MovementSetup(studio=studio, reason=SETUP_REASON).open)
            app.client_mode = True
        if activity_id == "play":
            walk.popup("play", "sandtray: using a drawing", studio.open_drawing_chooser)
            app.client_mode = False
            walk.popup("play", "sandtray prompts", studio.open_prompt_chooser)
            app.client_mode = True
        if activity_id == "film":
            walk.popup("film", "film title", studio.edit_title)
            walk.popup("film", "film music", studio.choose_music)
        if activity_id == "stage":
            walk.popup("stage", "puppet stage: a drawing as the backdrop", studio.open_backdrop_chooser)
            walk.popup("stage", "puppet stage: a drawing as a puppet", studio.open_puppet_chooser)
        # Closed as the client closes it, so nothing of it (the camera) runs on behind the walk.
        app.root.get_screen("activity").done()
        walk.close_popups()
    if level == MOST_CROWDED_LEVEL:
        walk_the_scenes(walk)
    walk.go("checkout")
    app.client_mode = False
    walk.go("note")
    walk.go("handback")
    app.end_session()
    walk.level = None


def walk_the_scenes(walk: Walk) -> None:
    """Each activity's screens as its own screenshots show them (its `screenshot_scenes()`:
    a story being written, music being recorded), each closed as the client closes it."""
    app = walk.app
    driver = AppDriver(app)
    for activity in app.registry.activities.values():
        for name, scene in activity.screenshot_scenes().items():
            if not walk.wanted(name):
                continue
            scene(driver)
            walk.look(name, f"{name} (as its screenshot shows it)")
            walk.close_popups()
            app.root.get_screen("activity").done()
            walk.close_popups()


def walk_everything(app, window, screens: Iterable[str] | None = None) -> list[str]:
    """Every problem of every screen and popup (or only of `screens`), each once."""
    walk = Walk(app, window, screens)
    walk_the_therapists_screens(walk)
    for level in COMPLEXITY_LEVELS:
        walk_the_session(walk, level)
    app.client_mode = False
    walk.go("lock")
    unknown = sorted(set(screens or ()) - walk.walked)
    if unknown:
        raise SystemExit(_("No screen is called {names}; the screens are {known}.").format(
            names=", ".join(unknown), known=", ".join(sorted(walk.walked))))
    return walk.problems


@contextmanager
def nothing_drawn(window) -> Iterator[None]:
    """Frames run (the clock, touches, layout, words made into textures) but draw nothing:
    the walk measures widgets, not pixels, and drawing every frame in software was a
    quarter of its time."""
    window.on_draw = window.on_flip = lambda: None
    try:
        yield
    finally:
        del window.on_draw, window.on_flip


def check_layout(
    sizes: Iterable[tuple[int, int]], screens: Iterable[str] | None = None,
    source: Path | None = None, passphrase: str | None = None,
) -> list[str]:
    """The problems of every screen at each of `sizes` (window pixels), in the density and
    language already set, one line each, on a scratch copy of the portfolio at `source` (or
    of a fresh demo one). The app is made once and walked at each size in turn, as a tablet
    turned round would be."""
    from kivy.metrics import Metrics

    problems = []
    with scratch_app(source, passphrase) as app, nothing_drawn(EventLoop.window), frames_unpaced():
        if not app.store.clients():
            raise SystemExit(_(NO_CLIENTS))
        window = EventLoop.window
        for size in sizes:
            window.size = size
            settle()
            setting = f"{size[0]}x{size[1]}, density {Metrics.density:g}, {language()}"
            problems.extend(f"{setting}: {problem}" for problem in walk_everything(app, window, screens))
    return problems


def print_layout_problems(
    sizes: list[tuple[int, int]], screens: Iterable[str] | None = None,
    source: Path | None = None, passphrase: str | None = None,
) -> int:
    """`expressive layout`: one line per problem; 1 when there is any."""
    problems = check_layout(sizes, screens, source, passphrase)
    for problem in problems:
        print(problem)
    if not problems:
        print(_("No layout problems at {sizes}.").format(sizes=", ".join(f"{width}x{height}" for width, height in sizes)))
    return 1 if problems else 0
