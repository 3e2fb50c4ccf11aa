"""A sandtray in the portfolio: the replay of how the world was built, and the list of its
figures (where each stands, which came first and last, what was buried, what was taken away).

The replay is the widget kit's `ReplayView`; its pictures are drawn from the tray's log by
the same renderer as the saved picture, at the size the screen shows them. The library is
the shipped figures and the figures saved with the tray (the therapist's own, cut-outs), so
a tray is drawn as it was made years later, on another tablet.

A log that cannot be read is said so plainly, over the saved picture of the tray.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict

from kivy.properties import ListProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from PIL import Image

from expressive.activities.play.activity import is_shipped, saved_figure_names
from expressive.activities.play.render import render_tray
from expressive.activities.play.tray import TRAY_HEIGHT, TRAY_WIDTH, FigureFacts, TrayLog, tray_summary
from expressive.api import ArtifactUnreadable, ArtifactView
from expressive.api.i18n import _, format_percent, ngettext
from expressive.api.widgets import ReplayView, load_rules, texture_from_file
from expressive.lib.figures import FigureLibrary, FigureUnreadable, figure_from_png

# The smallest picture worth drawing, before the view is laid out.
SMALLEST_SIDE = 64


def tray_viewer(artifact: ArtifactView, save_marks):
    """The replay of a saved tray beside the list of its figures; when the tray's log is
    damaged, a plain sentence saying so over the saved picture. `save_marks` as
    `ReplayView` takes it. Raises ArtifactUnreadable only when the picture is damaged too."""
    try:
        if not artifact.process:
            raise ValueError("the tray has no log")
        log = TrayLog.from_json(artifact.read(artifact.process))
    except (ValueError, ArtifactUnreadable):
        return DamagedTray(picture=texture_from_file(artifact.read(artifact.product)))
    return TrayViewer(log=log, library=library_of(artifact, log), marks=list(artifact.marks), save_marks=save_marks)


def library_of(artifact: ArtifactView, log: TrayLog) -> FigureLibrary:
    """The shipped figures and those saved with the tray. A saved figure that cannot be read
    is left out: the renderer draws a soft disc in its place and the rest of the tray shows."""
    library = FigureLibrary.load()
    for key, file_name in saved_figure_names(log).items():
        if file_name not in artifact.file_names:
            continue
        try:
            library.add(figure_from_png(key, log.figures[key].get("name", ""), artifact.read(file_name)))
        except (FigureUnreadable, ArtifactUnreadable):
            continue
    return library


class TrayFrames:
    """Pictures of one tray at any moment of its log, at the size they are shown.

    A frame is named by how many events had happened by its moment, so the frames of a
    pause cost nothing and playing on folds only the new events (`TrayLog.state_at` goes
    on from the last moment asked for). A few recent pictures are kept for a scrubber
    dragged back and forth.
    """

    KEPT = 8

    def __init__(self, log: TrayLog, library: FigureLibrary):
        self.log, self.library = log, library
        self._times = [event["t"] for event in log.events]
        self.size = (TRAY_WIDTH // 2, TRAY_HEIGHT // 2)
        self._kept: OrderedDict[tuple, Image.Image] = OrderedDict()

    def fit(self, width: float, height: float) -> None:
        """Draw from now on at the largest size with the tray's proportions that fits
        `width` x `height` (and no larger than the tray itself)."""
        scale = min(width / TRAY_WIDTH, height / TRAY_HEIGHT, 1.0)
        self.size = (max(SMALLEST_SIDE, round(TRAY_WIDTH * scale)), max(SMALLEST_SIDE, round(TRAY_HEIGHT * scale)))

    def picture_at(self, t: float) -> Image.Image:
        """The tray at `t` seconds; the same image for every moment between two events."""
        name = (bisect.bisect_right(self._times, t), self.size)
        picture = self._kept.get(name)
        if picture is None:
            picture = self._kept[name] = render_tray(self.log.state_at(t), self.library, self.size)
            if len(self._kept) > self.KEPT:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(name)
        return picture


def figure_name(facts: FigureFacts) -> str:
    # Shipped figures are named in English in the catalogue, and translated where shown;
    # a therapist's own figure is called what they called it.
    return _(facts.name) if is_shipped(facts.figure) else facts.name


def figure_details(facts: FigureFacts) -> str:
    """What the list says about one figure, as short phrases: where it stands, whether it
    came first or last, how much of it was buried, whether it was taken away."""
    phrases = [_("taken away") if facts.removed else facts.where]
    if facts.first:
        phrases.append(_("placed first"))
    if facts.last:
        phrases.append(_("placed last"))
    if facts.buried >= 1:
        phrases.append(_("buried whole"))
    elif facts.buried > 0:
        phrases.append(_("{share} buried").format(share=format_percent(round(facts.buried, 2))))
    if facts.moved:
        phrases.append(ngettext("moved once", "moved {count} times", facts.moved).format(count=facts.moved))
    return " · ".join(phrases)


class FigureRow(BoxLayout):
    """One figure of the tray in the list: its place in the order of placing, its name and what happened to it."""

    heading = StringProperty("")
    details = StringProperty("")
    facts = ObjectProperty(None)


class TrayViewer(BoxLayout):
    """The replay of the tray beside (or, upright, above) the list of its figures."""

    figure_facts = ListProperty([])

    def __init__(self, *, log: TrayLog, library: FigureLibrary, marks: list[dict], save_marks, **kwargs):
        super().__init__(**kwargs)
        self.frames = TrayFrames(log, library)
        self.replay = ReplayView(duration=log.duration, picture_at=self.frames.picture_at, marks=marks,
                                 save_marks=save_marks)
        picture_area = self.replay.ids.picture
        picture_area.bind(size=lambda area, size: self.frames.fit(*size))
        self.ids.replay_place.add_widget(self.replay)
        self.figure_facts = tray_summary(log)
        rows = self.ids.figure_rows
        for facts in self.figure_facts:
            rows.add_widget(FigureRow(
                facts=facts, details=figure_details(facts),
                heading=_("{number}. {name}").format(number=facts.order, name=figure_name(facts))))

    def stop(self) -> None:
        """Called by the host when the tray is no longer on screen."""
        self.replay.stop()


class DamagedTray(BoxLayout):
    """A tray whose log cannot be read: said plainly, above the saved picture."""

    picture = ObjectProperty(None, allownone=True)
    message = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.message = _("The record of how this tray was built is damaged, so it cannot be replayed. "
                         "Here is the picture.")


load_rules(__name__)
