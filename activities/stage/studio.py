"""The puppet stage's screen: the stage, the backdrops and the puppets' shelf before the
show, and the show itself: a 3-2-1 countdown, then the microphone records while fingers
move the puppets (several at once), a level meter shows the voice, and a big Stop ends
the take. Then the take can be watched as the film it becomes, or tried again.

The stage is one textured rectangle for the backdrop and one for each puppet: a finger
moving a puppet records one event in the show's log and moves that puppet's rectangle,
nothing else.
"""

from __future__ import annotations

import math
import time

from kivy.clock import Clock
from kivy.graphics import Color, InstructionGroup, Rectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.uix.widget import Widget

from expressive.activities.stage.activity import SHIPPED_PREFIX, Take, take_film
from expressive.activities.stage.backdrops import BACKDROPS, DRAWN_BACKDROP, drawn_backdrop
from expressive.activities.stage.render import puppet_extent
from expressive.activities.stage.show import MAX_PUPPETS, MAX_TAKE_SECONDS, STAGE_HEIGHT, STAGE_WIDTH, Puppet, PuppetState, ShowLog
from expressive.api import LibraryError
from expressive.api.i18n import N_, _
from expressive.api.widgets import ChoiceButton, FilmPlayer, IconButton, image_texture, load_rules, show_message, texture_from_file, theme
from expressive.lib.figures import CATEGORIES, Figure, FigureUnreadable, category_title, cut_out

BACKDROP_ICONS = {"theatre": "drama-masks", "forest": "pine-tree", "house": "home", "night": "weather-night",
                  "shore": "beach", "plain": "square-rounded-outline"}
CATEGORY_ICONS = {"people": "account-group", "animals": "paw", "fantasy": "ghost", "buildings": "castle",
                  "nature": "pine-tree", "vehicles": "car-side", "things": "teddy-bear", "symbols": "heart",
                  "own": "image-edit"}
COUNTDOWN_FROM = 3
# Further than this from where it went down, a finger on a puppet is moving it, not tapping it.
TAP_SLOP = dp(20)
# A puppet smaller than a finger is still caught by a finger beside it (screen pixels).
FINGER_SLACK = dp(14)
# Where puppets stand when they join the cast, in turn: four side by side at the front of
# the stage, then four above them, none hiding another.
START_PLACES = [(180 + 306 * (slot % 4), 500 if slot < 4 else 230) for slot in range(MAX_PUPPETS)]
# Figures on one page of the shelf: as many as a landscape tablet shows in a row.
SHELF_PAGE = 11
# The client's pictures offered (as a backdrop or to be cut out), newest first.
MOST_PICTURES_OFFERED = 40
SETUP_WORDS = N_("Choose a backdrop and up to {most} puppets, then start the show.")


def mirrored(tex_coords) -> tuple[float, ...]:
    """Texture coordinates that show a texture mirrored left to right."""
    u0, v0, u1, v1, u2, v2, u3, v3 = tex_coords
    return (u1, v0, u0, v1, u3, v2, u2, v3)


class Stage(Widget):
    """The stage: the backdrop and the puppets on it, moved by fingers. Sized by its parent
    to the stage's 16:9 shape; tells the studio of each move (`studio.puppet_moved`), tap
    (`studio.puppet_tapped`) and puppet let go off the stage (`studio.puppet_dropped_off`)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.studio = None
        self.states: dict[int, PuppetState] = {}
        self.rectangles: dict[int, Rectangle] = {}
        self.holds: dict[int, tuple[int, tuple[float, float]]] = {}  # touch uid: (puppet, offset in stage pixels)
        self._touches: dict[int, object] = {}
        with self.canvas:
            Color(1, 1, 1, 1)
            self._backdrop = Rectangle(pos=self.pos, size=self.size)
        self._puppets = InstructionGroup()
        self.canvas.add(self._puppets)
        self.bind(pos=self._layout, size=self._layout)

    @property
    def scale(self) -> float:
        return self.width / STAGE_WIDTH

    def to_stage(self, x: float, y: float) -> tuple[float, float]:
        # Kivy counts y up from the bottom, the stage counts down from the top.
        return (x - self.x) / self.scale, (self.top - y) / self.scale

    def show_backdrop(self, texture) -> None:
        self._backdrop.texture = texture

    def show(self, shown: list[tuple[int, PuppetState]]) -> None:
        """Show exactly the puppets in `shown` (number, state), back to front."""
        self.end_gestures()
        self.states = dict(shown)
        self.rectangles = {}
        self._puppets.clear()
        for number, _state in shown:
            rectangle = Rectangle(texture=self.studio.texture_for(number))
            self.rectangles[number] = rectangle
            self._puppets.add(rectangle)
            self._place(number)

    def _layout(self, *_args) -> None:
        self._backdrop.pos, self._backdrop.size = self.pos, self.size
        for number in self.rectangles:
            self._place(number)

    def _extent(self, number: int) -> tuple[float, float]:
        texture = self.rectangles[number].texture
        return puppet_extent(texture.size if texture is not None else (1, 1))

    def _place(self, number: int) -> None:
        """Bring one puppet's rectangle to its state: the only work a move costs."""
        state, rectangle = self.states[number], self.rectangles[number]
        width, height = self._extent(number)
        k = self.scale
        rectangle.size = (width * k, height * k)
        rectangle.pos = (self.x + (state.x - width / 2) * k, self.top - (state.y + height / 2) * k)
        if rectangle.texture is not None:
            coords = rectangle.texture.tex_coords
            rectangle.tex_coords = mirrored(coords) if state.flipped else coords

    def move_puppet(self, number: int, x: float, y: float) -> None:
        self.states[number].x, self.states[number].y = x, y
        self._place(number)

    def flip_puppet(self, number: int) -> None:
        self.states[number].flipped = not self.states[number].flipped
        self._place(number)

    def puppet_at(self, x: float, y: float) -> int | None:
        """The puppet in front under the window point (x, y), if any."""
        if self.width <= 0:
            return None
        stage_x, stage_y = self.to_stage(x, y)
        slack = FINGER_SLACK / self.scale
        for number in reversed(list(self.rectangles)):
            state = self.states[number]
            width, height = self._extent(number)
            if abs(stage_x - state.x) <= width / 2 + slack and abs(stage_y - state.y) <= height / 2 + slack:
                return number
        return None

    def on_touch_down(self, touch):
        # While the countdown runs the puppets wait where the show will begin.
        if not self.collide_point(*touch.pos) or touch.is_mouse_scrolling or self.studio is None or self.studio.phase == "countdown":
            return super().on_touch_down(touch)
        number = self.puppet_at(*touch.pos)
        if number is None or number in {held for held, _offset in self.holds.values()}:
            return True
        touch.grab(self)
        stage_x, stage_y = self.to_stage(*touch.pos)
        state = self.states[number]
        self.holds[touch.uid] = (number, (state.x - stage_x, state.y - stage_y))
        self._touches[touch.uid] = touch
        touch.ud["stage_moved"] = False
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        held = self.holds.get(touch.uid)
        if held is None:
            return True
        number, (dx, dy) = held
        if math.hypot(touch.x - touch.ox, touch.y - touch.oy) > TAP_SLOP:
            touch.ud["stage_moved"] = True
        stage_x, stage_y = self.to_stage(*touch.pos)
        x = min(max(stage_x + dx, 0.0), STAGE_WIDTH)
        y = min(max(stage_y + dy, 0.0), STAGE_HEIGHT)
        self.move_puppet(number, x, y)
        self.studio.puppet_moved(number, x, y)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        self._touches.pop(touch.uid, None)
        held = self.holds.pop(touch.uid, None)
        if held is not None:
            if not self.collide_point(*touch.pos):
                self.studio.puppet_dropped_off(held[0])
            elif not touch.ud.get("stage_moved"):
                self.studio.puppet_tapped(held[0])
        return True

    def end_gestures(self) -> None:
        """Let go of every finger."""
        for touch in self._touches.values():
            touch.ungrab(self)
        self._touches.clear()
        self.holds.clear()


class ShelfPuppet(ButtonBehavior, Widget):
    """A figure on the shelf; tapped, it joins the cast (or leaves it, when it is in it).
    A picture on a card and nothing more: a shelf holds a hundred of them."""

    texture = ObjectProperty(None, allownone=True)
    selected = BooleanProperty(False)
    accessible_name = StringProperty("")

    def __init__(self, figure: Figure, **kwargs):
        super().__init__(**kwargs)
        self.figure = figure
        with self.canvas.after:
            Color(1, 1, 1, 1)
            self._picture = Rectangle()
        self.bind(pos=self._fit, size=self._fit, texture=self._fit)

    def _fit(self, *_args) -> None:
        side = min(self.width, self.height) * 0.8
        texture = self.texture
        if texture is None:
            self._picture.size = (0, 0)
            return
        k = side / max(texture.width, texture.height, 1)
        self._picture.texture = texture
        self._picture.size = (texture.width * k, texture.height * k)
        self._picture.pos = (self.center_x - texture.width * k / 2, self.center_y - texture.height * k / 2)


class OwnDrawingCard(ChoiceButton):
    """One of the client's own pictures, offered in an OwnDrawingChooser."""

    texture = ObjectProperty(None, allownone=True)
    picture_id = StringProperty("")


class OwnDrawingChooser(ModalView):
    """The client's own pictures; the one tapped is handed to `on_choose`."""

    heading = StringProperty("")
    __events__ = ("on_choose",)

    def __init__(self, pictures, **kwargs):
        super().__init__(**kwargs)
        self.cards: list[OwnDrawingCard] = []
        try:
            items = pictures.available()[:MOST_PICTURES_OFFERED]
        except LibraryError:
            items = []
        for item in items:
            card = OwnDrawingCard(text=item.title or _("A picture"), picture_id=item.id,
                               texture=texture_from_file(pictures.thumbnail(item.id)))
            card.bind(on_release=self._chosen)
            self.ids.cards.add_widget(card)
            self.cards.append(card)
        self.ids.empty.opacity = 0 if self.cards else 1

    def _chosen(self, card: OwnDrawingCard) -> None:
        self.dismiss(animation=False)
        self.dispatch("on_choose", card.picture_id, card.text)

    def on_choose(self, picture_id: str, title: str):
        pass


class FilmPopup(ModalView):
    """The take played as its film, with a Close button."""

    def __init__(self, player, **kwargs):
        super().__init__(**kwargs)
        self.player = player
        self.ids.player_place.add_widget(player)
        self.bind(on_dismiss=lambda _popup: player.stop())


class StageStudio(BoxLayout):
    """The whole puppet stage on screen. `phase` is "setup" (choosing, and after a take),
    "countdown" or "recording"."""

    phase = OptionProperty("setup", options=("setup", "countdown", "recording"))
    countdown = NumericProperty(COUNTDOWN_FROM)
    message = StringProperty("")
    has_take = BooleanProperty(False)
    category = StringProperty(CATEGORIES[0])
    picture_chooser = ObjectProperty(None, allownone=True)
    film_popup = ObjectProperty(None, allownone=True)

    def __init__(self, activity, **kwargs):
        self.activity = activity
        self.host = activity.host
        self.library = activity.library
        # The seconds of a take; tests and benchmarks lend a clock of their own.
        self.clock = time.monotonic
        self.cast: list[Puppet] = []
        self.places: list[list[float]] = []  # [x, y] of each puppet of the cast before the show
        self.log: ShowLog | None = None  # the take being recorded
        self.microphone = None
        self._take_started = 0.0
        self._countdown_started = 0.0
        self._textures: dict[str, object] = {}
        super().__init__(**kwargs)
        self.stage = self.ids.stage
        self.stage.studio = self
        # `ids` holds weak references: the panel is kept while it is off the screen.
        self.setup_panel = self.ids.setup
        self.backdrop_buttons = [ChoiceButton(icon=BACKDROP_ICONS[backdrop_id], text=_(name), value=backdrop_id)
                                 for backdrop_id, (name, _painter) in BACKDROPS.items()]
        self.backdrop_buttons.append(ChoiceButton(icon="image", text=_("My drawing"), value=DRAWN_BACKDROP))
        for button in self.backdrop_buttons:
            button.size = (theme.TARGET * 1.7, theme.TARGET * 1.2)
            button.bind(on_release=lambda button: self.choose_backdrop(button.value))
            self.ids.backdrops.add_widget(button)
        self.category_buttons = [ChoiceButton(icon=CATEGORY_ICONS.get(category, "shape"), text=category_title(category), value=category)
                                 for category in CATEGORIES]
        for button in self.category_buttons:
            button.size = (theme.TARGET * 1.5, theme.TARGET * 1.2)
            button.bind(on_release=lambda button: self.choose_category(button.value))
            self.ids.tabs.add_widget(button)
        self.shelf_cells: list[ShelfPuppet] = []
        self.shelf_page = 0
        self.bind(category=lambda *_args: self._fill_shelf())
        self._fill_shelf()
        if activity.take is not None:
            self.show_take()
        else:
            self._show_backdrop()
            self._show_setup()
            self.message = _(SETUP_WORDS).format(most=MAX_PUPPETS)

    def on_phase(self, _studio, phase: str) -> None:
        if phase == "setup" and self.setup_panel.parent is None:
            self.add_widget(self.setup_panel)
        elif phase != "setup" and self.setup_panel.parent is not None:
            self.remove_widget(self.setup_panel)

    # --- pictures -----------------------------------------------------------------------

    def texture_for(self, number: int):
        """The texture of puppet `number` of the cast shown; a grey square when unreadable."""
        puppet = (self.log.puppets if self.log is not None else self.cast)[number]
        return self._figure_texture(puppet.figure)

    def _figure_texture(self, key: str):
        texture = self._textures.get(key)
        if texture is None:
            figure = self.library.get(key)
            try:
                picture = figure.picture() if figure is not None else None
            except FigureUnreadable:
                picture = None
            if picture is None:
                from PIL import Image

                picture = Image.new("RGBA", (8, 8), (150, 150, 150, 200))
            texture = self._textures[key] = image_texture(picture)
        return texture

    def _show_backdrop(self) -> None:
        self.stage.show_backdrop(image_texture(self.activity.backdrop))
        for button in self.backdrop_buttons:
            button.selected = button.value == self.activity.backdrop_id

    # --- before the show ----------------------------------------------------------------

    def choose_backdrop(self, backdrop_id: str) -> None:
        if self.phase != "setup":
            return
        if backdrop_id == DRAWN_BACKDROP:
            self.open_backdrop_chooser()
            return
        self.activity.choose_backdrop(backdrop_id)
        self._show_backdrop()

    def _use_drawn_backdrop(self, picture_id: str, _title: str) -> None:
        try:
            picture = drawn_backdrop(self.host.pictures.read(picture_id))
        except (LibraryError, ValueError) as refused:
            show_message(_("This drawing cannot be a backdrop"), str(refused))
            return
        self.activity.choose_backdrop(DRAWN_BACKDROP, picture)
        self._show_backdrop()

    def choose_category(self, category: str) -> None:
        self.shelf_page = 0
        self.category = category

    def turn_shelf_page(self, pages: int) -> None:
        self.shelf_page += pages
        self._fill_shelf()

    def _fill_shelf(self) -> None:
        """A page of the chosen shelf's figures, with buttons to the pages before and after
        (a page, not the whole shelf: a hundred pictures cost every frame of the show)."""
        shelf = self.ids.shelf
        shelf.clear_widgets()
        self.shelf_cells = []
        for button in self.category_buttons:
            button.selected = button.value == self.category
        if self.category == "own":
            cut = ChoiceButton(icon="content-cut", text=_("Use my drawing"), value="cut-out", size=(dp(150), dp(92)))
            cut.bind(on_release=lambda _button: self.open_puppet_chooser())
            shelf.add_widget(cut)
        level = "simple" if self.host.complexity == "simple" else "full"
        figures = self.library.figures(self.category, level=level)
        self.shelf_page = min(self.shelf_page, max(0, (len(figures) - 1) // SHELF_PAGE))
        first = self.shelf_page * SHELF_PAGE
        if first > 0:
            back = IconButton(icon="chevron-left", accessible_name=_("Puppets before"), size=(theme.TARGET, dp(92)))
            back.bind(on_release=lambda _button: self.turn_shelf_page(-1))
            shelf.add_widget(back)
        in_cast = {puppet.figure for puppet in self.cast}
        for figure in figures[first:first + SHELF_PAGE]:
            name = _(figure.name) if figure.key.startswith(SHIPPED_PREFIX) else figure.name
            cell = ShelfPuppet(figure, accessible_name=name, selected=figure.key in in_cast,
                               texture=self._figure_texture(figure.key))
            cell.bind(on_release=lambda cell: self.toggle_puppet(cell.figure))
            shelf.add_widget(cell)
            self.shelf_cells.append(cell)
        if first + SHELF_PAGE < len(figures):
            more = IconButton(icon="chevron-right", accessible_name=_("More puppets"), size=(theme.TARGET, dp(92)))
            more.bind(on_release=lambda _button: self.turn_shelf_page(1))
            shelf.add_widget(more)

    def _cut_out_drawing(self, picture_id: str, title: str) -> None:
        try:
            figure = cut_out(self.host.pictures.read(picture_id), f"cutout:{picture_id}", title)
        except (LibraryError, FigureUnreadable) as refused:
            show_message(_("This drawing cannot be a puppet"), str(refused))
            return
        self.library.add(figure)
        self._fill_shelf()
        self.toggle_puppet(figure)

    def open_backdrop_chooser(self) -> None:
        """The client's drawings, to choose one as the backdrop."""
        self._open_picture_chooser(_("Which drawing shall be the backdrop?"), self._use_drawn_backdrop)

    def open_puppet_chooser(self) -> None:
        """The client's drawings, to cut one out as a puppet."""
        self._open_picture_chooser(_("Which drawing shall be a puppet?"), self._cut_out_drawing)

    def _open_picture_chooser(self, heading: str, then) -> None:
        self.picture_chooser = OwnDrawingChooser(self.host.pictures, heading=heading)
        self.picture_chooser.bind(on_choose=lambda _chooser, picture_id, title: then(picture_id, title))
        self.picture_chooser.open(animation=False)

    def toggle_puppet(self, figure: Figure) -> None:
        """Put the figure in the cast, standing at the next free place; or, if it is in the
        cast, take it out."""
        if self.phase != "setup":
            return
        keys = [puppet.figure for puppet in self.cast]
        if figure.key in keys:
            self._take_out(keys.index(figure.key))
            return
        if len(self.cast) >= MAX_PUPPETS:
            show_message(_("The stage is full"), _("A show has at most {most} puppets.").format(most=MAX_PUPPETS))
            return
        source = "shipped" if figure.key.startswith(SHIPPED_PREFIX) else ("drawing" if figure.key.startswith("cutout:") else "own")
        self.cast.append(Puppet(figure.key, figure.name, source))
        taken = {tuple(place) for place in self.places}
        self.places.append(list(next((place for place in START_PLACES if place not in taken), START_PLACES[0])))
        self._show_setup()

    def _take_out(self, number: int) -> None:
        del self.cast[number]
        del self.places[number]
        self._show_setup()

    def _show_setup(self) -> None:
        self.stage.show([(number, PuppetState(x, y, False, True, number)) for number, (x, y) in enumerate(self.places)])
        in_cast = {puppet.figure for puppet in self.cast}
        for cell in self.shelf_cells:
            cell.selected = cell.figure.key in in_cast

    # --- the show ---------------------------------------------------------------------

    def start_show(self) -> None:
        """Count down 3, 2, 1, then record."""
        if self.phase != "setup":
            return
        if not self.cast:
            show_message(_("Who is in the show?"), _("Choose at least one puppet first."))
            return
        self.phase = "countdown"
        self.countdown = COUNTDOWN_FROM
        self._countdown_started = self.clock()
        Clock.schedule_interval(self._tick, 0)

    def _tick(self, _dt) -> None:
        """Every frame of the countdown and the take: the countdown's number, the take's end."""
        if self.phase == "countdown":
            left = COUNTDOWN_FROM - (self.clock() - self._countdown_started)
            self.countdown = max(1, math.ceil(left))
            if left <= 0:
                self._begin_take()
        elif self.phase == "recording":
            microphone = self.microphone
            if self.now() >= MAX_TAKE_SECONDS or (microphone is not None and microphone.lost):
                self.stop_take()
        else:
            Clock.unschedule(self._tick)

    def _begin_take(self) -> None:
        self.log = ShowLog(self.activity.backdrop_id, self.cast)
        self._take_started = self.clock()
        for number, (x, y) in enumerate(self.places):
            self.log.enter(number, x, y, 0.0)
        microphone = self.microphone = self.host.media.microphone()
        if microphone.problem is None:
            microphone.start()
            self.ids.meter.follow(microphone)
            self.message = _("Recording. Move the puppets and speak!")
        else:
            self.message = _(microphone.problem)
        self.phase = "recording"
        self.stage.show(self.log.on_stage_at(None))

    def now(self) -> float:
        """Seconds since the take began."""
        return self.clock() - self._take_started

    def puppet_moved(self, number: int, x: float, y: float) -> None:
        if self.phase == "recording":
            self.log.move(number, x, y, self.now())
        elif self.phase == "setup" and self.log is None:
            self.places[number] = [x, y]

    def puppet_tapped(self, number: int) -> None:
        """A tap turns a puppet round while the show is on."""
        if self.phase == "recording" and self.log.flip(number, self.now()):
            self.stage.flip_puppet(number)

    def puppet_dropped_off(self, number: int) -> None:
        """A puppet carried off the stage before the show leaves the cast."""
        if self.phase == "setup" and self.log is None:
            self._take_out(number)

    def stop_take(self) -> None:
        """End the take (Stop, the longest take reached, the microphone lost, the app
        paused): what was recorded is kept as the take."""
        if self.phase == "countdown":
            self.phase = "setup"
            return
        if self.phase != "recording":
            return
        seconds = max(self.now(), self.log.duration)
        self.stage.end_gestures()
        microphone, sound, lost = self.microphone, None, None
        if microphone is not None and microphone.problem is None:
            sound = microphone.stop()
            lost = microphone.lost
            self.ids.meter.follow(None)
        self.activity.take = Take(self.log, seconds, sound, microphone.sample_rate if sound is not None else 0,
                                  self.activity.backdrop, lost)
        self.phase = "setup"
        self.show_take()
        if lost:
            self.message = _(lost)

    def show_take(self) -> None:
        """Show the kept take: its cast where the show began, ready to watch or try again."""
        take = self.activity.take
        self.has_take = True
        self.log = None
        self.cast = list(take.log.puppets)
        self.places = [[state.x, state.y] for state in take.log.state_at(0.0)]
        self._show_backdrop()
        self._show_setup()
        self.message = _("The show is kept. Watch it, or try again.")

    def watch(self) -> None:
        """Play the take as the film it becomes."""
        if self.activity.take is None or self.phase != "setup":
            return
        film = take_film(self.activity.take, self.library, self.activity.title)
        self.film_popup = FilmPopup(FilmPlayer(film, self.host.media.audio(), autoplay=True))
        self.film_popup.open(animation=False)


load_rules(__name__)
