"""The client list (the therapist's first screen), the form to add a client, and the
choice of the app's language."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from expressive.backup.service import backup_warning
from expressive.i18n import _, available_languages, language, language_name
from expressive.portfolio import PortfolioError
from expressive.portfolio.backups import backup_records
from expressive.ui.rules import load_rules
from expressive.ui.screens.base import BaseScreen
from expressive.ui.screens.conflicts import look_for_conflicts
from expressive.ui.therapist import TherapistView
from expressive.ui.widgets import CardButton, ChoiceButton


class ClientCard(CardButton):
    client = ObjectProperty(None)
    name = StringProperty("")
    initials = StringProperty("")


def initials_of(name: str) -> str:
    """The first letter of the first two words that have one ("(Sam) Kay": "SK")."""
    firsts = (next((letter for letter in word if letter.isalnum()), "") for word in name.split())
    return "".join(letter for letter in firsts if letter)[:2].upper() or "?"


class ClientsScreen(BaseScreen):
    empty = BooleanProperty(True)
    # The therapist's first screen says when the record of access was tampered with.
    audit_warning = StringProperty("")
    # ...and when things changed on two tablets at once wait for the therapist to choose.
    conflicts_notice = StringProperty("")
    # ...and when the portfolio has not been backed up for a week (or ever).
    backup_warning = StringProperty("")

    def show(self, **_details):
        self.see_backups()
        problems = self.app.store.verify_audit()
        self.audit_warning = (
            _("The audit log was changed or cut short ({problem}). Run 'expressive audit' to see every problem.").format(
                problem=problems[0]
            )
            if problems
            else ""
        )
        look_for_conflicts(self.app.store, lambda notice: setattr(self, "conflicts_notice", notice))
        grid = self.ids.grid
        grid.clear_widgets()
        clients = self.app.store.clients()
        self.empty = not clients
        for client in clients:
            card = ClientCard(client=client, name=client.name, initials=initials_of(client.name))
            card.bind(on_release=lambda card: self.app.open_client(card.client))
            grid.add_widget(card)

    def see_backups(self) -> None:
        self.backup_warning = backup_warning(backup_records(self.app.store).last())

    def back_up(self) -> None:
        from expressive.ui.backup_dialog import BackupDialog

        dialog = BackupDialog(app=self.app)
        dialog.bind(on_dismiss=lambda _dialog: self.see_backups())
        dialog.open()

    @staticmethod
    def choose_language() -> None:
        LanguageChooser().open()


class AddClientScreen(BaseScreen):
    error = StringProperty("")

    def show(self, **_details):
        self.error = ""
        for field in ("name", "year", "notes"):
            self.ids[field].text = ""

    def save(self):
        name = self.ids.name.text.strip()
        year_text = self.ids.year.text.strip()
        if not name:
            self.error = _("Please type a name, a pseudonym or initials.")
            return
        if year_text and not year_text.isdigit():
            self.error = _("Please type the year of birth as digits, e.g. 2018, or leave it empty.")
            return
        try:
            client = self.app.store.add_client(
                name, year_of_birth=int(year_text) if year_text else None, notes=self.ids.notes.text.strip()
            )
        except PortfolioError as error:
            self.error = str(error)
            return
        self.app.open_client(client)


class LanguageChooser(TherapistView):
    """The app's language, for the therapist: each language by its own name; choosing one
    shows every screen in it at once and keeps it for the next start."""

    def on_pre_open(self) -> None:
        choices = self.ids.choices
        choices.clear_widgets()
        for code in available_languages():
            choice = ChoiceButton(text=language_name(code), value=code, selected=code == language(), size_hint=(1, 1))
            choice.bind(on_release=self.chose)
            choices.add_widget(choice)

    def chose(self, choice: ChoiceButton) -> None:
        self.dismiss(animation=False)
        if choice.value != language():
            App.get_running_app().use_language(choice.value)


load_rules(__name__)
