"""The client list (the first screen) and the form to add a client."""

from __future__ import annotations


from kivy.properties import BooleanProperty, ObjectProperty, StringProperty

from expressive.portfolio import PortfolioError
from expressive.ui.screens.base import BaseScreen
from expressive.ui.widgets import CardButton
from expressive.ui.rules import load_rules


class ClientCard(CardButton):
    client = ObjectProperty(None)
    name = StringProperty("")
    initials = StringProperty("")


def initials_of(name: str) -> str:
    letters = [word[0] for word in name.split() if word[0].isalnum()]
    return "".join(letters[:2]).upper() or "?"


class ClientsScreen(BaseScreen):
    empty = BooleanProperty(True)
    # The therapist's first screen says when the record of access was tampered with.
    audit_warning = StringProperty("")

    def show(self, **_details):
        problems = self.app.store.verify_audit()
        self.audit_warning = (
            f"The audit log was changed or cut short ({problems[0]}). Run 'expressive audit' to see every problem."
            if problems else ""
        )
        grid = self.ids.grid
        grid.clear_widgets()
        clients = self.app.store.clients()
        self.empty = not clients
        for client in clients:
            card = ClientCard(client=client, name=client.name, initials=initials_of(client.name))
            card.bind(on_release=lambda card: self.app.open_client(card.client))
            grid.add_widget(card)


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
            self.error = "Please type a name, a pseudonym or initials."
            return
        if year_text and not year_text.isdigit():
            self.error = "Please type the year of birth as digits, e.g. 2018, or leave it empty."
            return
        try:
            client = self.app.store.add_client(
                name, year_of_birth=int(year_text) if year_text else None, notes=self.ids.notes.text.strip()
            )
        except PortfolioError as error:
            self.error = str(error)
            return
        self.app.open_client(client)


load_rules(__name__)
