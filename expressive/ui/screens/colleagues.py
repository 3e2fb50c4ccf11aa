"""The Colleagues screen (the therapist's): inviting a colleague (the one-time code shown
once), who has joined, and giving or taking a colleague's access client by client. The
work is done by `expressive.portfolio.therapists`."""

from __future__ import annotations

from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from expressive.i18n import _
from expressive.portfolio import PortfolioError
from expressive.portfolio.therapists import Colleague
from expressive.ui.rules import load_rules
from expressive.ui.screens.base import BaseScreen


class ColleagueRow(BoxLayout):
    name = StringProperty("")
    state = StringProperty("")
    chosen = BooleanProperty(False)
    choosable = BooleanProperty(True)


class ClientAccessRow(BoxLayout):
    name = StringProperty("")
    sees = BooleanProperty(False)


def describe(colleague: Colleague) -> str:
    if colleague.is_me:
        return _("You")
    return _("Can unlock the portfolio") if colleague.accepted else _("Joined: give them a client to accept them")


class ColleaguesScreen(BaseScreen):
    message = StringProperty("")
    invitation = StringProperty("")
    shared = BooleanProperty(False)
    chosen = StringProperty("")  # the colleague whose access is shown
    chosen_name = StringProperty("")

    def show(self, **_details):
        self.message = self.invitation = ""
        self.refresh()

    def refresh(self) -> None:
        therapists = self.app.store.therapists
        self.shared = therapists.shared
        colleagues = therapists.colleagues()
        if self.chosen not in {colleague.id for colleague in colleagues if not colleague.is_me}:
            self.chosen = self.chosen_name = ""
        access = {}
        if self.chosen:
            access = {client.id: (client.name, self.chosen in therapists.who_sees(client.id))
                      for client in self.app.store.clients()}
        self.show_colleagues(colleagues, therapists.invitations(), access)

    def show_colleagues(self, colleagues: list[Colleague], invited: list[str], access: dict[str, tuple[str, bool]]) -> None:
        """Fill the lists: the therapists, the colleagues invited, and for the chosen
        colleague each client with whether they see it ({client id: (name, sees)})."""
        rows = self.ids.colleagues
        rows.clear_widgets()
        for colleague in colleagues:
            row = ColleagueRow(name=colleague.name, state=describe(colleague), chosen=colleague.id == self.chosen,
                               choosable=not colleague.is_me)
            row.ids.choose.bind(on_release=lambda _button, chosen=colleague: self.choose(chosen))
            rows.add_widget(row)
        for name in invited:
            rows.add_widget(ColleagueRow(name=name, state=_("Invited, not joined yet"), choosable=False))
        clients = self.ids.clients
        clients.clear_widgets()
        for client_id, (name, sees) in access.items():
            row = ClientAccessRow(name=name, sees=sees)
            row.ids.change.bind(on_release=lambda _button, chosen=client_id, seen=sees: self.change(chosen, seen))
            clients.add_widget(row)

    def choose(self, colleague: Colleague) -> None:
        self.chosen, self.chosen_name = colleague.id, colleague.name
        self.refresh()

    def invite(self) -> None:
        fields = self.ids
        try:
            invitation = self.app.store.therapists.invite(
                fields.name.text, fields.passphrase.text, my_name=fields.my_name.text.strip() or None)
        except PortfolioError as error:
            self.message = str(error)
            return
        finally:
            fields.passphrase.text = ""
        fields.name.text = ""
        self.message = ""
        self.invitation = _("Tell {name} this code in person. It is shown only once:\n{code}\nOn their tablet, with "
                            "the portfolio in sync, they choose Join on the lock screen.").format(
                                name=invitation.name, code=invitation.code)
        if invitation.recovery_key:
            self.invitation += "\n\n" + _("The portfolio is now shared. Its new recovery key (the old one no longer "
                                          "works): {key}\nWrite it down and keep it safe, away from the tablets: it "
                                          "opens every client.").format(key=invitation.recovery_key)
        self.refresh()

    def change(self, client_id: str, sees: bool) -> None:
        therapists = self.app.store.therapists
        try:
            if sees:
                therapists.take(client_id, self.chosen)
                self.message = _("{name} can no longer see this client. New work is under a new key.").format(
                    name=self.chosen_name)
            else:
                therapists.give(client_id, self.chosen)
                self.message = _("{name} can now see this client.").format(name=self.chosen_name)
        except PortfolioError as error:
            self.message = str(error)
        self.refresh()


def show_example_colleagues(app) -> None:
    """The Colleagues screen as a clinic sees it, for screenshots and the layout walk: two
    colleagues besides the therapist, one invited, and the clients one of them sees."""
    app.go("colleagues")
    screen = app.root.get_screen("colleagues")
    screen.shared, screen.chosen, screen.chosen_name = True, "t-bbbbbbbb", "Bea Lindqvist"
    screen.invitation = _("Tell {name} this code in person. It is shown only once:\n{code}\nOn their tablet, with "
                          "the portfolio in sync, they choose Join on the lock screen.").format(
                              name="Cleo", code="KQ7M-XR4P-2HDN-8WTA")
    screen.show_colleagues(
        [Colleague("t-aaaaaaaa", "Ana Moreau", True, True), Colleague("t-bbbbbbbb", "Bea Lindqvist", True, False),
         Colleague("t-cccccccc", "Dan", False, False)],
        ["Cleo"],
        {"c-1": ("Robin (demo)", True), "c-2": ("Sam", False), "c-3": ("Alexandra Konstantinopoulou", False)},
    )


load_rules(__name__)
