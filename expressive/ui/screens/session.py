"""A session, step by step: check-in, the launcher, an activity, check-out, the private note."""

from __future__ import annotations


from kivy.core.window import Window
from kivy.properties import ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.modalview import ModalView
from kivy.uix.togglebutton import ToggleButtonBehavior

from expressive.activity import Activity, complexity_of
from expressive.portfolio import PortfolioError
from expressive.session import SessionController
from expressive.ui import theme
from expressive.ui import faces  # noqa: F401  (defines the Face widgets the .kv rules use)
from expressive.ui.dialogs import ask
from expressive.ui.pictures import picture
from expressive.ui.screens.base import BaseScreen
from expressive.ui.widgets import Card, CardButton, IconButton
from expressive.ui.rules import load_rules


class PlanCard(ToggleButtonBehavior, CardButton):
    plan = ObjectProperty(None)
    title = StringProperty("")
    description = StringProperty("")


class CheckInScreen(BaseScreen):
    client_name = StringProperty("")
    plan = ObjectProperty(None, allownone=True)
    # The homework given last time and not marked yet: (session, task), or None.
    homework = ObjectProperty(None, allownone=True)
    homework_task = StringProperty("")

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
            card = PlanCard(plan=plan, title=plan.title, description=plan.description, group="plan")
            card.bind(on_release=self._choose)
            plans.add_widget(card)
        first = plans.children[-1]
        first.state = "down"
        self.plan = first.plan

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
            self.app.tell("Not saved", str(error))
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
            self.app.tell("The session could not start", str(error))


class ActivityTile(IconButton):
    activity_id = StringProperty("")
    reason = StringProperty("")


class MadeThumbnail(CardButton):
    texture = ObjectProperty(None, allownone=True)


class LauncherScreen(BaseScreen):
    goal = StringProperty("")
    next_prompt = StringProperty("")
    next_activity = StringProperty("")
    made_count = NumericProperty(0)

    def show(self, **_details):
        running = self.app.running
        self.goal = running.session.goal
        self.next_activity = running.next_activity() or ""
        self.next_prompt = running.next_prompt()
        self._fill_tiles()
        self._fill_made()

    def _fill_tiles(self):
        grid = self.ids.tiles
        grid.clear_widgets()
        registry = self.app.registry
        for activity_id, activity in registry.activities.items():
            tile = ActivityTile(activity_id=activity_id, icon=activity.info.icon, text=activity.info.title)
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
        why = ("The therapist can see why with `expressive activities`." if self.app.client_mode
               else f"For whoever looks after this tablet: {tile.reason}")
        self.app.tell(
            f"{tile.text} cannot be used",
            f"This activity did not load, so the rest of the session carries on without it.\n{why}",
        )

    def _fill_made(self):
        strip = self.ids.made
        strip.clear_widgets()
        store = self.app.store
        made = self.app.running.made
        self.made_count = len(made)
        for artifact in made:
            strip.add_widget(MadeThumbnail(texture=picture(store, artifact, artifact.thumbnail)))

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
            "Welcome back!",
            f"Your {self.title.lower()} from before is still here, just as it was left.",
            [
                ("arrow-right-bold", "Go on with it", theme.DONE, lambda: controller.go_on_with(kept)),
                ("plus", "Keep it, start a new one", theme.PRIMARY, lambda: controller.keep_and_start_anew(kept)),
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
    """The client's own words about one thing they made."""

    artifact = ObjectProperty(None)
    texture = ObjectProperty(None, allownone=True)
    hint = StringProperty("")


class CheckoutScreen(BaseScreen):
    prompts = ListProperty([])

    def show(self, **_details):
        app = self.app
        running = app.running
        self.ids.feelings.value = 0
        self.prompts = list(running.plan.checkout_prompts)
        hint = " ".join(self.prompts) or "What is it about?"
        box = self.ids.reflections
        box.clear_widgets()
        for artifact in running.made:
            texture = picture(app.store, artifact, artifact.thumbnail)
            box.add_widget(Reflection(artifact=artifact, texture=texture, hint=hint))

    def next(self):
        reflections = [
            (reflection.artifact, reflection.ids.title.text, reflection.ids.about.text)
            for reflection in self.ids.reflections.children
        ]
        if self.app.running.save_reflections(reflections):
            self.app.go("note", feeling_out=int(self.ids.feelings.value) or None)


class NoteScreen(BaseScreen):
    """The therapist's private note, written after the tablet is handed back; whether the
    goal was met, and homework for next time (both optional)."""

    feeling_out = ObjectProperty(None, allownone=True)
    goal = StringProperty("")
    # "met", "not-met" or "" (not said).
    goal_met = StringProperty("")

    def show(self, feeling_out=None, **_details):
        self.feeling_out = feeling_out
        self.goal = self.app.running.session.goal
        self.goal_met = ""
        self.ids.note.text = ""
        self.ids.homework.text = ""

    def finish(self):
        saved = self.app.running.finish(
            feeling_out=self.feeling_out,
            note=self.ids.note.text,
            goal_met=self.goal_met,
            homework=self.ids.homework.text,
        )
        if saved:
            self.app.end_session()


load_rules(__name__)
