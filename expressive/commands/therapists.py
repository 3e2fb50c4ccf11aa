"""The `expressive therapists` commands: several therapists sharing a portfolio, each with
their own passphrase (see `expressive.portfolio.therapists` for the flow)."""

from __future__ import annotations

from expressive.i18n import _


def add_commands(commands, common) -> None:
    """Add this module's subcommands to the parser's `commands`."""
    therapists = commands.add_parser(
        "therapists", parents=[common],
        help=_("the therapists who share this portfolio: list them, invite a colleague, join, give or take access"))
    therapists.set_defaults(handler=cmd_list)
    actions = therapists.add_subparsers(dest="action", metavar=_("ACTION"))
    invite = actions.add_parser("invite", parents=[common], help=_("invite a colleague: shows a one-time code to tell them"))
    invite.add_argument("name", metavar="NAME", help=_("the colleague's name"))
    invite.add_argument("--my-name", metavar="NAME",
                        help=_("your own name, the first time (default: Therapist)"))
    invite.set_defaults(handler=cmd_invite)
    join = actions.add_parser(
        "join", parents=[common],
        help=_("join a shared portfolio with the code a colleague gave you and a passphrase of your own"))
    join.add_argument("--code", required=True, metavar="CODE", help=_("the invitation's code"))
    join.add_argument("--name", required=True, metavar="NAME", help=_("your name, as the invitation says it"))
    join.set_defaults(handler=cmd_join)
    for word, words in (("give", _("let a colleague see a client (accepting them first if they just joined)")),
                        ("take", _("take a colleague's access to a client: new work is under a new key"))):
        action = actions.add_parser(word, parents=[common], help=words)
        action.add_argument("client", metavar="CLIENT", help=_("the client's id (see `expressive clients`)"))
        action.add_argument("therapist_name", metavar="THERAPIST", help=_("the colleague's name"))
        action.set_defaults(handler=cmd_give if word == "give" else cmd_take)


def cmd_list(args) -> int:
    from expressive.cli import open_store

    with open_store(args) as store:
        colleagues = store.therapists.colleagues()
        if not colleagues:
            print(_("One passphrase opens this portfolio. Invite a colleague with "
                    "`expressive therapists invite NAME`."))
            return 0
        for colleague in colleagues:
            state = _("you") if colleague.is_me else (_("can unlock") if colleague.accepted else _("joined, not accepted yet"))
            print(f"{colleague.id}  {colleague.name}  ({state})")
        for name in store.therapists.invitations():
            print(_("invited, not joined yet: {name}").format(name=name))
    return 0


def cmd_invite(args) -> int:
    from expressive.cli import open_store, passphrase_for, portfolio_location

    passphrase = passphrase_for(args, portfolio_location(args))
    with open_store(args) as store:
        invitation = store.therapists.invite(args.name, passphrase or "", my_name=args.my_name)
    if invitation.recovery_key:
        print(_("This portfolio is now shared. Its NEW recovery key (the old one no longer works) is:\n\n    {key}\n\n"
                "Write it down and keep it safe, away from the tablets: it opens every client.").format(
                    key=invitation.recovery_key))
    print(_("Tell {name} this code in person; it is shown only once:\n\n    {code}\n\nOn their tablet, with the "
            "portfolio in sync, they run `expressive therapists join --code CODE --name \"{name}\"` (or use the "
            "unlock screen). Then give them access to clients with `expressive therapists give CLIENT \"{name}\"`.").format(
                name=invitation.name, code=invitation.code))
    return 0


def cmd_join(args) -> int:
    from expressive.cli import given_passphrase, new_passphrase, portfolio_location
    from expressive.portfolio.therapists import join

    root = portfolio_location(args)
    join(root, args.code, args.name, given_passphrase(args) or new_passphrase(args))
    print(_("You have joined the portfolio in {root} as {name}. A colleague now accepts you and gives you access "
            "to clients; then open it with your own passphrase.").format(root=root, name=args.name))
    return 0


def cmd_give(args) -> int:
    from expressive.cli import open_store

    with open_store(args) as store:
        store.therapists.give(args.client, args.therapist_name)
    print(_("{name} can now see the client {client}.").format(name=args.therapist_name, client=args.client))
    return 0


def cmd_take(args) -> int:
    from expressive.cli import open_store

    with open_store(args) as store:
        store.therapists.take(args.client, args.therapist_name)
    print(_("{name} can no longer see the client {client}. New work is encrypted with a new key; copies of older "
            "files they may have made before could still be read with their old key.").format(
                name=args.therapist_name, client=args.client))
    return 0
