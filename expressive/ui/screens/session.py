"""A session, step by step: check-in, the launcher, an activity, check-out, the private note."""

from __future__ import annotations


from kivy.core.window import Window
from kivy.metrics import dp
from kivy.properties import ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.modalview import ModalView
from kivy.uix.togglebutton import ToggleButtonBehavior

from expressive.activity import Activity, complexity_of
from expressive.i18n import _, format_time
from expressive.portfolio import PortfolioError
from expressive.session import SessionController, picture_of
from expressive.ui import theme
from expressive.ui import faces  # noqa: F401  (defines the Face widgets the .kv rules use)
from expressive.ui.dialogs import ask
from expressive.ui.pictures import picture
from expressive.ui.screens.base import BaseScreen
from expressive.ui.screens.portfolio import title_of
from expressive.ui.widgets import Card, CardButton, IconButton
from expressive.ui.rules import load_rules


# The chosen plan's card, under its muted description (4.5:1).
CHOSEN_PLAN = (0.92, 0.95, 1, 1)
# The plan's next step: a warm card, set apart from the page by an outline of 3:1.
NEXT_STEP = (1, 0.95, 0.8, 1)
NEXT_STEP_INK = (0.55, 0.36, 0, 1)


class PlanCard(ToggleButtonBehavior, CardButton):
    chosen_colour = CHOSEN_PLAN
    plan = ObjectProperty(None)
    title = StringProperty("")
    description = StringProperty("")
    # The height its words need at its width.
    needed_height = NumericProperty(0)


class CheckInScreen(BaseScreen):
    client_name = StringProperty("")
    plan = ObjectProperty(None, allownone=True)
    # The homework given last time and not marked yet: (session, task), or None.
    homework = ObjectProperty(None, allownone=True)
    homework_task = StringProperty("")
    # The least height a feeling face gets (with its button's margins; its name's lines
    # come on top), whatever else the check-in shows: the faces are what a child taps here,
    # and the screen scrolls rather than shrink them.
    face_room = NumericProperty(dp(100 + 16))

    def show(self, **_details):
        self.client_name = self.app.client.name
        self._next_homework()
        self.ids.goal.text = ""
        self.ids.feelings.value = 0
        remembered = complexity_of(self.app.client.settings)
        for choice in self.ids.levels.children:
            choice.state = "down" if choice.level == remembered else "normal"
        plans = self.ids.plans
        plans.clear_widgets()
        for plan in self.app.plans:
            card = PlanCard(plan=plan, title=_(plan.title), description=_(plan.description), group="plan")
            card.bind(on_release=self._choose, needed_height=self._fit_plans)
            plans.add_widget(card)
        self._fit_plans()
        first = plans.children[-1]
        first.state = "down"
        self.plan = first.plan

    def _fit_plans(self, *_args) -> None:
        # Cards side by side are as tall as the one with the most words.
        plans = self.ids.plans
        plans.row_default_height = max([dp(132)] + [card.needed_height for card in plans.children])

    def _next_homework(self) -> None:
        try:
            open_homework = self.app.store.open_homework(self.app.client.id)
        except PortfolioError:
            open_homework = []
        self.homework = open_homework[0] if open_homework else None
        self.homework_task = open_homework[0][1] if open_homework else ""

    def homework_done(self, done: bool) -> None:
        """Record whether last time's homework was done; the next open one, if any, shows."""
        session, _task = self.homework
        try:
            self.app.store.set_homework_done(self.app.client.id, session.id, done)
        except PortfolioError as error:
            self.app.tell(_("Not saved"), str(error))
            return
        self._next_homework()

    def _choose(self, card):
        # A toggle group may be emptied by tapping the chosen card again; keep one chosen.
        card.state = "down"
        self.plan = card.plan

    @property
    def complexity(self) -> str:
        return next(choice.level for choice in self.ids.levels.children if choice.state == "down")

    def start(self):
        try:
            self.app.begin_session(
                self.plan, self.ids.goal.text.strip(), int(self.ids.feelings.value), complexity=self.complexity
            )
        except PortfolioError as error:
            self.app.tell(_("The session could not start"), str(error))


class ActivityTile(IconButton):
    activity_id = StringProperty("")
    reason = StringProperty("")


class MadeThumbnail(CardButton):
    """Something made in this session; tapped, it shows large (and only it: the client stays
    in their session)."""

    artifact = ObjectProperty(None)
    texture = ObjectProperty(None, allownone=True)


class MadeLarge(ModalView):
    """One thing made today, as big as the window allows, with its name."""

    texture = ObjectProperty(None, allownone=True)
    title = StringProperty("")


class LauncherScreen(BaseScreen):
    next_step_colour = NEXT_STEP
    next_step_ink = NEXT_STEP_INK
    goal = StringProperty("")
    next_prompt = StringProperty("")
    next_activity = StringProperty("")
    made_count = NumericProperty(0)
    # What the tiles were made for (the registry, and how many of its activities could not
    # be used): they stand as made while it is the same (a session comes back here after
    # every activity, and making them again cost a tenth of a second each time here). An
    # activity that fails is added to those that cannot be used, with its reason.
    _tiles_of = None

    def show(self, **_details):
        running = self.app.running
        self.goal = running.session.goal
        self.next_activity = running.next_activity() or ""
        self.next_prompt = running.next_prompt()
        self._fill_tiles()
        self._fill_made()

    def _fill_tiles(self):
        registry = self.app.registry
        made_for = (registry, len(registry.unavailable))
        if made_for == self._tiles_of:
            return
        self._tiles_of = made_for
        grid = self.ids.tiles
        grid.clear_widgets()
        for activity_id, info in registry.infos().items():
            tile = ActivityTile(activity_id=activity_id, icon=info.icon, text=_(info.title))
            tile.bind(on_release=lambda tile: self.app.go("activity", activity_id=tile.activity_id))
            grid.add_widget(tile)
        for broken in registry.unavailable:
            tile = ActivityTile(
                activity_id=broken.name, icon="puzzle-remove-outline", text=broken.name.title(),
                reason=broken.reason, background=theme.DISABLED, foreground=theme.MUTED_INK,
            )
            tile.bind(on_release=self._explain_unavailable)
            grid.add_widget(tile)

    def _explain_unavailable(self, tile):
        # The technical reason (an error, file paths of the device) is the therapist's to read.
        if self.app.client_mode:
            message = _("This one did not load today. Please choose something else.")
        else:
            message = _(
                "This activity did not load, so the session carries on without it. "
                "For whoever looks after this tablet: {reason}"
            ).format(reason=tile.reason)
        self.app.tell(_("{activity} cannot be used").format(activity=tile.text), message)

    def _fill_made(self):
        strip = self.ids.made
        strip.clear_widgets()
        store = self.app.store
        made = self.app.running.made
        self.made_count = len(made)
        for artifact in made:
            thumbnail = MadeThumbnail(
                artifact=artifact, texture=picture(store, artifact, artifact.thumbnail), accessible_name=self._name_of(artifact)
            )
            thumbnail.bind(on_release=self._show_large)
            strip.add_widget(thumbnail)

    @staticmethod
    def _name_of(artifact) -> str:
        """Its own title, else what it is and when it was made: "Untitled drawing, made at 10:42"."""
        if artifact.title:
            return artifact.title
        return _("{title}, made at {time}").format(title=title_of(artifact), time=format_time(artifact.created.astimezone()))

    def _show_large(self, thumbnail) -> None:
        artifact = thumbnail.artifact
        # The large picture is decoded for this view only; the thumbnail stands in for work
        # whose product is not a picture (a song, a story's pages).
        large = picture(self.app.store, artifact, picture_of(artifact))
        MadeLarge(texture=large or thumbnail.texture, title=thumbnail.accessible_name).open()

    def start_next(self):
        self.app.go("activity", activity_id=self.next_activity)


class ActivityScreen(BaseScreen):
    """Shows the activity the session's controller runs: its widget, its prompt, Done."""

    prompt = StringProperty("")
    title = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The session whose activity this screen shows; it stays with the screen when the
        # app lets go of the session, so that closing the app still keeps that work.
        self.controller: SessionController | None = None

    @property
    def activity(self) -> Activity | None:
        return self.controller.activity if self.controller is not None else None

    def show(self, activity_id: str, **_details):
        controller = self.controller = self.app.running
        area = self.ids.area
        area.clear_widgets()
        started = controller.start_activity(activity_id, place=area.add_widget)
        self.prompt = controller.prompt
        self.title = controller.title
        if started:
            self._offer_interrupted_work()

    def _offer_interrupted_work(self) -> None:
        """Work kept before a crash or a kill: go on with it, or keep it and start anew."""
        controller = self.controller
        kept = controller.interrupted_work()
        if kept is None:
            return
        ask(
            _("Welcome back!"),
            _("What you made in {activity} before is still here, just as you left it.").format(activity=self.title),
            [
                ("arrow-right-bold", _("Go on with it"), theme.DONE, lambda: controller.go_on_with(kept)),
                ("plus", _("Keep it, start a new one"), theme.PRIMARY, lambda: controller.keep_and_start_anew(kept)),
            ],
        )

    def closed(self, failed: bool) -> None:
        """The activity was closed; when it failed, its popups go with it: none may stay
        over the launcher, wired to an activity that is gone."""
        if failed:
            for view in [child for child in Window.children if isinstance(child, ModalView)]:
                view.dismiss(animation=False)
        self.ids.area.clear_widgets()

    def autosave(self) -> None:
        if self.controller is not None:
            self.controller.autosave()

    def keep_work_before_closing(self) -> None:
        if self.controller is not None:
            self.controller.keep_work_before_closing()

    def done(self):
        if self.controller is not None:
            self.controller.done()


class Reflection(Card):
    """The client's own words about one thing they made: what was saved shows again, and a
    piece that came with a title of its own (a story's) offers it, so it has one name."""

    artifact = ObjectProperty(None)
    texture = ObjectProperty(None, allownone=True)
    hint = StringProperty("")


class CheckoutScreen(BaseScreen):
    prompts = ListProperty([])

    def show(self, **_details):
        app = self.app
        running = app.running
        self.ids.feelings.value = running.feeling_out or 0
        self.prompts = [_(prompt) for prompt in running.plan.checkout_prompts]
        hint = " ".join(self.prompts) or _("What is it about?")
        box = self.ids.reflections
        box.clear_widgets()
        for artifact in running.made:
            texture = picture(app.store, artifact, artifact.thumbnail)
            reflection = Reflection(artifact=artifact, texture=texture, hint=hint)
            reflection.ids.title.text = artifact.title
            reflection.ids.about.text = artifact.about
            box.add_widget(reflection)

    def _keep(self) -> bool:
        """Keep the words and the feeling chosen, whichever way the client leaves."""
        reflections = [
            (reflection.artifact, reflection.ids.title.text, reflection.ids.about.text)
            for reflection in self.ids.reflections.children
        ]
        return self.app.running.check_out(reflections, int(self.ids.feelings.value) or None)

    def make_more(self):
        if self._keep():
            self.app.go("launcher")

    def next(self):
        if self._keep():
            self.app.go("note")


class NoteScreen(BaseScreen):
    """The therapist's private note, written after the tablet is handed back; whether the
    goal was met, and homework for next time (both optional)."""

    goal = StringProperty("")
    # "met", "not-met" or "" (not said).
    goal_met = StringProperty("")

    def show(self, **_details):
        self.goal = self.app.running.session.goal
        self.goal_met = ""
        self.ids.note.text = ""
        self.ids.homework.text = ""

    def finish(self):
        saved = self.app.running.finish(
            note=self.ids.note.text,
            goal_met=self.goal_met,
            homework=self.ids.homework.text,
        )
        if saved:
            self.app.end_session()


load_rules(__name__)
