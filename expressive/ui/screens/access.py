"""Who may see what: the passphrase or PIN set-up, the lock screen, handing the tablet
back from a client, and deleting a client for good."""

from __future__ import annotations

import math
from collections.abc import Callable

from kivy.clock import Clock, mainthread
from kivy.properties import BooleanProperty, DictProperty, ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from expressive.i18n import _, ngettext
from expressive.portfolio import Portfolio, PortfolioError, WrongPassphrase
from expressive.portfolio.therapists import join, therapist_names
from expressive.ui.pictures import forget_pictures
from expressive.ui.screens.base import BaseScreen
from expressive.ui.widgets import ChoiceButton
from expressive.ui.rules import load_rules

MINIMUM_SECRET_LENGTH = 6
# Damaged records named in the message after a comparison; `expressive check` lists them all.
PROBLEMS_NAMED = 5


def unlocked(app, store: Portfolio, next_screen: tuple[str, dict] | None = None) -> None:
    """Hand the opened store to the app. After a crash, nothing vouches that the index
    matches the files: it is shown as it is at once and compared on a thread meanwhile
    (opened with `compare_later`); what the comparison brings is shown when it is done."""
    app.unlocked(store, next_screen=next_screen)

    @mainthread
    def compared() -> None:
        if app.store is not store:
            return  # locked meanwhile: closing the store stopped the comparison
        try:
            report = store.finish_comparison()
        except PortfolioError as error:
            app.tell(_("The portfolio could not be checked"), str(error))
            return
        if report is None:
            return
        if not app.client_mode and app.root.current in ("clients", "portfolio"):
            app.go(app.root.current)
        if report.problems:
            app.tell(_("Some saved work is damaged"), damage_message(report.problems))

    store.compare_in_background(compared)


def damage_message(problems) -> str:
    named = "\n".join(f"{problem.path}: {problem.message}" for problem in problems[:PROBLEMS_NAMED])
    more = len(problems) - PROBLEMS_NAMED
    if more > 0:
        named += "\n" + ngettext("and {n} more", "and {n} more", more).format(n=more)
    return _("After the last interruption Expressive compared its list of the work with the saved files and "
             "found damage:\n{problems}\nRun `expressive check` for the whole list.").format(problems=named)


def too_short() -> str:
    return ngettext(
        "Please use at least {n} digit or character.",
        "Please use at least {n} digits or characters.",
        MINIMUM_SECRET_LENGTH,
    ).format(n=MINIMUM_SECRET_LENGTH)


class SecretEntry(BoxLayout):
    """A hidden text field with a big number pad: a PIN by tapping, a passphrase by typing."""

    hint = StringProperty("")
    action = StringProperty("")
    __events__ = ("on_submit",)

    def press(self, key: str) -> None:
        field = self.ids.field
        if key == "back":
            field.text = field.text[:-1]
        else:
            field.text += key

    def submit(self) -> None:
        self.dispatch("on_submit", self.ids.field.text)

    def clear(self) -> None:
        self.ids.field.text = ""

    def on_submit(self, secret: str) -> None:
        pass


class SecretGuard:
    """Asks for the therapist's secret in `ids.entry` and slows down wrong guesses (the
    wait is the app's, so it holds across every place that asks)."""

    message = StringProperty("")
    waiting = BooleanProperty(False)

    def _ready(self) -> None:
        self.message = ""
        self.ids.entry.clear()
        self._wait()

    def _may_try(self) -> bool:
        return self.app.lockout.seconds_to_wait() <= 0

    def _verified(self, secret: str) -> bool:
        """Whether `secret` is the therapist's; a wrong one is counted and slowed down."""
        try:
            right = self.app.store.verify_passphrase(secret)
        except PortfolioError as error:
            self.message = str(error)
            return False
        if right:
            self.app.lockout.succeeded()
        else:
            self._wrong()
        return right

    def _wrong(self) -> None:
        delay = self.app.lockout.failed()
        self.ids.entry.clear()
        self._wait(delay)

    def _wait(self, _dt=None, *_args) -> None:
        remaining = self.app.lockout.seconds_to_wait()
        was_waiting, self.waiting = self.waiting, remaining > 0
        if self.waiting:
            seconds = math.ceil(remaining)
            self.message = ngettext(
                "That was not right. You can try again in {n} second.",
                "That was not right. You can try again in {n} seconds.",
                seconds,
            ).format(n=seconds)
            Clock.schedule_once(self._wait, min(1.0, remaining))
        elif was_waiting:
            self.message = _("Please try again.")


class GuardedScreen(SecretGuard, BaseScreen):
    """A screen that asks for the secret."""

    def show(self, **_details):
        self._ready()


class TherapistPinDialog(SecretGuard, ModalView):
    """In client mode, the therapist's PIN before one therapist-only action (`reason`);
    the action runs once it is right (`on_verified`), and the tablet stays in client mode."""

    reason = StringProperty("")

    def __init__(self, *, app, on_verified: Callable[[], None], **kwargs):
        self.app = app
        self._on_verified = on_verified
        super().__init__(**kwargs)

    def on_pre_open(self) -> None:
        # Before it shows (on_open waits for the opening animation): a wait still running
        # is there from the first frame.
        self._ready()

    def entered(self, secret: str) -> None:
        if not self._may_try() or not self._verified(secret):
            return
        self.dismiss(animation=False)
        self._on_verified()


class SetupScreen(BaseScreen):
    """First start: choose the passphrase or PIN that protects everything."""

    message = StringProperty("")
    existing_work = BooleanProperty(False)
    confirming = BooleanProperty(False)
    # A new tablet, with no portfolio yet: it may take one back from a backup instead.
    may_restore = BooleanProperty(False)

    def show(self, **_details):
        self.existing_work = self._portfolio_has_work()
        self.may_restore = Portfolio.status(self.app.portfolio_root) == "new"
        self.confirming = False
        self._first = ""
        self.message = ""
        self.ids.entry.clear()

    def _portfolio_has_work(self) -> bool:
        """Whether an unprotected portfolio already holds clients (a first start on a new
        one has nothing to encrypt yet)."""
        root = self.app.portfolio_root
        if Portfolio.status(root) != "plain":
            return False
        try:
            with Portfolio.open(root) as store:
                return bool(store.clients())
        except PortfolioError:
            # Unreadable now: protecting it will say why; until then, assume there is work.
            return True

    def restore(self) -> None:
        from expressive.ui.backup_dialog import RestoreDialog

        RestoreDialog(app=self.app).open()

    def entered(self, secret: str) -> None:
        if not self.confirming:
            if len(secret) < MINIMUM_SECRET_LENGTH:
                self.message = too_short()
                return
            self._first = secret
            self.confirming = True
            self.message = ""
            self.ids.entry.clear()
            return
        if secret != self._first:
            self.show()
            self.message = _("The two did not match. Please choose again.")
            return
        try:
            plan = Portfolio.plan_protection(self.app.portfolio_root, secret)
        except PortfolioError as error:
            self.message = str(error)
            return
        # Nothing is encrypted until the therapist says the recovery key is written down.
        self.app.go("recovery", recovery_key=plan.recovery_key, protect=plan, passphrase=secret)


class ChangePinScreen(GuardedScreen):
    """The current PIN or passphrase, then the new one twice; only the keys are re-wrapped."""

    step = StringProperty("current")

    def show(self, **details):
        self.step = "current"
        self._current = self._new = ""
        super().show(**details)

    def entered(self, secret: str) -> None:
        app = self.app
        self.ids.entry.clear()
        if self.step == "current":
            if not self._may_try() or not self._verified(secret):
                return
            self._current, self.step, self.message = secret, "new", ""
        elif self.step == "new":
            if len(secret) < MINIMUM_SECRET_LENGTH:
                self.message = too_short()
                return
            self._new, self.step, self.message = secret, "again", ""
        elif secret != self._new:
            self.step, self.message = "new", _("The two did not match. Please choose the new one again.")
        else:
            try:
                app.store.change_passphrase(self._current, self._new)
            except PortfolioError as error:
                self.message = str(error)
                return
            app.go("clients")
            app.tell(
                _("PIN changed"),
                _("From now on, Expressive opens with the new PIN or passphrase. The recovery key stays the same."),
            )


class RecoveryKeyScreen(BaseScreen):
    """Shows a new recovery key once. When it comes from first-start protection, the
    portfolio is encrypted only after the therapist says it is written down."""

    recovery_key = StringProperty("")
    message = StringProperty("")

    def show(self, recovery_key: str = "", protect=None, passphrase: str = "", **_details):
        self.recovery_key = recovery_key
        self.message = ""
        self._plan, self._passphrase = protect, passphrase

    def written_down(self) -> None:
        if self._plan is not None:
            try:
                self._plan.carry_out()
                store = Portfolio.open(self._plan.root, passphrase=self._passphrase, compare_later=True)
            except PortfolioError as error:
                self.message = str(error)
                return
            self._plan = self._passphrase = None
            self.recovery_key = ""
            unlocked(self.app, store)
            return
        # Shown once: it is not kept anywhere the app can show it again.
        self.recovery_key = ""
        self.app.go("clients")


class LockScreen(GuardedScreen):
    """The passphrase or PIN; with several therapists, first whose (their name)."""

    names = ListProperty([])
    therapist = StringProperty("")

    def show(self, **details):
        super().show(**details)
        self.show_names(therapist_names(self.app.portfolio_root))

    def show_names(self, names: list[str]) -> None:
        self.names = names
        if self.therapist not in self.names:
            self.therapist = self.names[0] if len(self.names) == 1 else ""
        choices = self.ids.names
        choices.clear_widgets()
        if len(self.names) > 1:
            for name in self.names:
                choice = NameChoice(text=name, selected=name == self.therapist)
                choice.bind(on_release=lambda _button, chosen=name: self.choose(chosen))
                choices.add_widget(choice)

    def choose(self, name: str) -> None:
        self.therapist = name
        for choice in self.ids.names.children:
            choice.selected = choice.text == name

    def join(self) -> None:
        JoinDialog(app=self.app, on_joined=self.show).open()

    def entered(self, secret: str) -> None:
        app = self.app
        if not self._may_try():
            return
        if len(self.names) > 1 and not self.therapist:
            self.message = _("Choose your name first.")
            return
        # Protecting was interrupted last time: opening finishes it, and the recovery key
        # made then was never seen, so a new one is made and shown.
        interrupted = Portfolio.status(app.portfolio_root) == "migrating"
        try:
            store = Portfolio.open(app.portfolio_root, passphrase=secret, compare_later=True,
                                   therapist=self.therapist or None)
            recovery_key = store.new_recovery_key(secret) if interrupted else None
        except WrongPassphrase:
            self._wrong()
            return
        except PortfolioError as error:
            self.message = str(error)
            return
        unlocked(app, store, next_screen=("recovery", {"recovery_key": recovery_key}) if recovery_key else None)


def show_example_names(app) -> None:
    """The lock screen of a portfolio three therapists share, for screenshots and the layout
    walk (which goes on afterwards: the store stays open)."""
    app.go("lock")
    app.root.get_screen("lock").show_names(["Ana Moreau", "Bea Lindqvist", "Dan"])


class NameChoice(ChoiceButton):
    """One therapist's name on the lock screen."""


class JoinDialog(ModalView):
    """Joining a shared portfolio on this tablet: the code a colleague gave, one's name and
    a passphrase of one's own (see `expressive.portfolio.therapists`)."""

    message = StringProperty("")

    def __init__(self, *, app, on_joined: Callable[[], None], **kwargs):
        self.app = app
        self._on_joined = on_joined
        super().__init__(**kwargs)

    def join(self) -> None:
        fields = self.ids
        if fields.passphrase.text != fields.again.text:
            self.message = _("The two passphrases are not the same. Type them again.")
            return
        try:
            join(self.app.portfolio_root, fields.code.text, fields.name.text, fields.passphrase.text)
        except PortfolioError as error:
            self.message = str(error)
            return
        self.dismiss()
        self._on_joined()
        self.app.tell(_("You have joined"), _("A colleague now accepts you and gives you access to clients. Then "
                                             "choose your name here and open the portfolio with your passphrase."))


class HandBackScreen(GuardedScreen):
    """The way out of client mode: only the therapist's secret opens it."""

    then = StringProperty("")
    details = DictProperty({})

    def show(self, then: str = "clients", details: dict | None = None, **_details):
        self.then = then
        self.details = details or {}
        super().show()

    def entered(self, secret: str) -> None:
        app = self.app
        if not self._may_try() or not self._verified(secret):
            return
        app.client_mode = False
        app.go(self.then, **self.details)

    def back_to_client(self) -> None:
        self.app.go("launcher")


class DeleteClientScreen(BaseScreen):
    client_name = StringProperty("")
    message = StringProperty("")
    confirmed = BooleanProperty(False)

    def show(self, **_details):
        self.client_name = self.app.client.name
        self.message = ""
        self.ids.confirmation.text = ""

    def delete(self) -> None:
        app = self.app
        if not self.confirmed:
            return
        try:
            app.store.delete_client(app.client.id)
        except PortfolioError as error:
            self.message = str(error)
            return
        forget_pictures()
        app.client = None
        app.go("clients")


load_rules(__name__)
