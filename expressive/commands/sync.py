"""The `expressive sync` commands: this device's id, pairing, and syncing in the
foreground (see `expressive.sync`). They need no passphrase: Syncthing carries the files
as they are (encrypted, in a protected portfolio) and never opens the portfolio."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from expressive.i18n import N_, _, ngettext

SERVER_PASSWORD_ENV = "EXPRESSIVE_SYNC_SERVER_PASSWORD"
API_KEY_ENV = "EXPRESSIVE_SYNCTHING_API_KEY"
SERVER_PASSWORD = N_("clinic server password")


def add_commands(commands, common) -> None:
    """Add this module's subcommands to the parser's `commands`."""
    engine = argparse.ArgumentParser(add_help=False)
    engine.add_argument("--sync-home", metavar="DIR",
                        help=_("where this device's Syncthing keeps its keys and pairings (default: in the app's data "
                               "folder, one for each portfolio)"))
    engine.add_argument("--listen", metavar="tcp://HOST:PORT",
                        help=_("where the other devices reach this one (default: tcp://0.0.0.0:22000, "
                               "or the address given before)"))
    engine.add_argument("--syncthing-url", metavar="URL",
                        help=_("use a Syncthing the clinic runs on this machine (such as http://127.0.0.1:8384) "
                               "instead of starting one; its API key in ${variable}").format(variable=API_KEY_ENV))
    sync = commands.add_parser("sync", parents=[common], help=_("share the portfolio with other tablets and a clinic "
                                                                "server through Syncthing"))
    actions = sync.add_subparsers(dest="sync_action", required=True, metavar="ACTION")
    status = actions.add_parser("status", parents=[common, engine],
                                help=_("this device's id, the devices paired with it and how far each has synced"))
    status.add_argument("--qr", metavar="FILE.png", help=_("also save this device's id as a QR code"))
    status.set_defaults(handler=cmd_status)
    pair = actions.add_parser("pair", parents=[common, engine], help=_("share the portfolio with another device"))
    pair.add_argument("device", metavar="DEVICE-ID", help=_("the id the other device shows (its Devices screen, "
                                                            "or 'expressive sync status' there)"))
    pair.add_argument("--address", metavar="tcp://HOST:PORT", help=_("where to reach it (needed unless it reaches this "
                                                                     "device itself)"))
    pair.add_argument("--untrusted", action="store_true",
                      help=_("a clinic server that must not read the work: it keeps only an encrypted copy"))
    pair.add_argument("--server-password-file", metavar="FILE",
                      help=_("with --untrusted: the clinic server's password, the same on every tablet (or set "
                             "${variable}); without it one is made and shown").format(variable=SERVER_PASSWORD_ENV))
    pair.set_defaults(handler=cmd_pair)
    unpair = actions.add_parser("unpair", parents=[common, engine], help=_("stop sharing the portfolio with a device"))
    unpair.add_argument("device", metavar="DEVICE-ID")
    unpair.set_defaults(handler=cmd_unpair)
    run = actions.add_parser("run", parents=[common, engine],
                             help=_("keep syncing until Ctrl-C, saying what arrives (counts only)"))
    run.set_defaults(handler=cmd_run)


def _engine(args):
    import os

    from expressive.cli import portfolio_location
    from expressive.sync.service import open_engine

    return open_engine(portfolio_location(args), home=Path(args.sync_home) if args.sync_home else None,
                       listen=args.listen, url=args.syncthing_url, api_key=os.environ.get(API_KEY_ENV))


def _stop_unless_running(engine, was_on: bool) -> None:
    """A command that started Syncthing only to ask it something stops it again; one that
    found it running (the app, or `sync run`) leaves it."""
    if not was_on:
        engine.stop()


def _was_running(args) -> bool:
    from expressive.cli import portfolio_location
    from expressive.sync.service import default_sync_home
    from expressive.sync.syncthing import running_instance

    if args.syncthing_url:
        return True
    home = Path(args.sync_home) if args.sync_home else default_sync_home(portfolio_location(args))
    return running_instance(home) is not None


def cmd_status(args) -> int:
    from expressive.sync.engine import OTHER_PORTFOLIO
    from expressive.sync.service import qr_png

    was_on = _was_running(args)
    engine = _engine(args)
    try:
        device = engine.device_id()
        print(_("This device's id: {device}").format(device=device))
        for address in engine.listen_addresses():
            print(_("Other devices reach it at: {address}").format(address=address))
        if args.qr:
            Path(args.qr).write_bytes(qr_png(device))
            print(_("Saved the id as a QR code in {file}.").format(file=args.qr))
        folder = engine.folder_state()
        print(_("Portfolio folder: {state}, {files} files here, {needed} still to fetch").format(
            state=folder.state, files=folder.local_files, needed=folder.need_files))
        if folder.state == "waiting":
            print(_("No portfolio here yet: this tablet takes the one a paired tablet shares with it "
                    "(pair both ways, then 'expressive sync run')."))
        for device in engine.other_portfolios_offered():
            print(_(OTHER_PORTFOLIO).format(device=device))
        peers = engine.peers()
        if not peers:
            print(_("No device is paired yet: 'expressive sync pair DEVICE-ID' shares the portfolio with one."))
        for peer in peers:
            print(describe_peer(peer))
    finally:
        _stop_unless_running(engine, was_on)
    return 0


def describe_peer(peer) -> str:
    kind = _("clinic server (encrypted copy)") if peer.untrusted else _("tablet")
    seen = _("connected") if peer.connected else (
        _("last seen {time}").format(time=peer.last_seen) if peer.last_seen else _("never connected"))
    return _("{device} ({kind}): {seen}, {percent}% in sync, at {address}").format(
        device=peer.device_id, kind=kind, seen=seen, percent=int(peer.completion), address=peer.address)


def server_password(args) -> str | None:
    import os

    from expressive.cli import read_secret_file

    if args.server_password_file:
        return read_secret_file(args.server_password_file, SERVER_PASSWORD)
    return os.environ.get(SERVER_PASSWORD_ENV) or None


def cmd_pair(args) -> int:
    from expressive.sync.engine import normal_device_id

    device = normal_device_id(args.device)
    was_on = _was_running(args)
    given = server_password(args) if args.untrusted else None
    engine = _engine(args)
    try:
        used = engine.pair(device, args.address, untrusted=args.untrusted, server_password=given)
    finally:
        _stop_unless_running(engine, was_on)
    print(_("The portfolio is shared with {device}. Pair this device on that one too, then both sync while "
            "'expressive sync run' or the app's syncing is on.").format(device=device))
    if used and used != given:
        print(_("The clinic server keeps the work encrypted with this password: {password}\nGive it to every other "
                "tablet that pairs with the server (--server-password-file): they must all use the same one.").format(
            password=used))
    return 0


def cmd_unpair(args) -> int:
    from expressive.sync.engine import normal_device_id

    device = normal_device_id(args.device)
    was_on = _was_running(args)
    engine = _engine(args)
    try:
        engine.unpair(device)
    finally:
        _stop_unless_running(engine, was_on)
    print(_("The portfolio is no longer shared with {device}. What it has already stays there.").format(
        device=device))
    return 0


def cmd_run(args) -> int:
    from expressive.sync.engine import OTHER_PORTFOLIO
    from expressive.sync.service import count_arrivals

    engine = _engine(args)
    print(_("Syncing as {device}. Press Ctrl-C to stop.").format(device=engine.device_id()), flush=True)
    told: set[str] = set()
    try:
        while True:
            for device in set(engine.other_portfolios_offered()) - told:
                print(_(OTHER_PORTFOLIO).format(device=device), file=sys.stderr, flush=True)
                told.add(device)
            arrived = engine.arrived(30)
            if arrived:
                counts = count_arrivals(arrived)
                print(ngettext("{n} file arrived", "{n} files arrived", counts["files"]).format(n=counts["files"]) + " " +
                      _("({pieces} pieces of work, {sessions} sessions).").format(**counts), flush=True)
    except KeyboardInterrupt:
        print(_("Stopping."), file=sys.stderr)
    finally:
        engine.stop()
    return 0
