"""The command line: for therapists' IT people, for tests, and for anyone without a tablet."""

from __future__ import annotations

import argparse
import atexit
import functools
import os
import sqlite3
import sys
import threading
from pathlib import Path

from expressive import __version__
from expressive.i18n import N_, _, ngettext
from expressive.limits import for_display
from expressive.media import SOUND_CHOICES

PORTFOLIO_ENV = "EXPRESSIVE_PORTFOLIO"
PASSPHRASE_ENV = "EXPRESSIVE_PASSPHRASE"
THERAPIST_ENV = "EXPRESSIVE_THERAPIST"

# The host's own screens; each activity adds its own (its `screenshot_scenes()`).
SCREENS = (
    "clients", "add_client", "session", "launcher", "checkout", "note", "portfolio", "artifact",
    "setup", "lock", "handback", "delete_client", "change_pin", "gallery", "progress", "slideshow", "compare", "export",
    "backup",
    "conflicts",
    "devices",
    "colleagues",
    "lock_shared",
)


def default_portfolio() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("Expressive", appauthor=False)) / "portfolio"


def portfolio_location(args) -> Path:
    """--portfolio, else $EXPRESSIVE_PORTFOLIO, else the platform's folder for user data."""
    chosen = getattr(args, "portfolio", None) or os.environ.get(PORTFOLIO_ENV)
    return Path(chosen).expanduser() if chosen else default_portfolio()


# What a secret file holds, in the words of "Cannot read the {what} from {path}".
PASSPHRASE = N_("passphrase")
NEW_PASSPHRASE = N_("new passphrase")
RECOVERY_KEY = N_("recovery key")


def read_secret_file(path: str, what: str) -> str:
    from expressive.portfolio import PortfolioError

    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as error:
        raise PortfolioError(_("Cannot read the {what} from {path}: {reason}.").format(
            what=_(what), path=path, reason=error.strerror or error)) from None


def given_passphrase(args) -> str | None:
    """--passphrase-file, else $EXPRESSIVE_PASSPHRASE (as restic takes them), else None."""
    if getattr(args, "passphrase_file", None):
        return read_secret_file(args.passphrase_file, PASSPHRASE)
    return os.environ.get(PASSPHRASE_ENV) or None


def ask_secret(prompt: str) -> str | None:
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass(prompt)


def passphrase_for(args, root: Path) -> str | None:
    from expressive.portfolio import Portfolio, PortfolioError

    if Portfolio.status(root) not in ("encrypted", "migrating"):
        return None
    passphrase = given_passphrase(args) or ask_secret(_("Passphrase or PIN: "))
    if passphrase is None:
        raise PortfolioError(
            _("The portfolio in {root} is encrypted. Give its passphrase with {variable} or --passphrase-file FILE.")
            .format(root=root, variable=PASSPHRASE_ENV)
        )
    return passphrase


def given_therapist(args) -> str | None:
    """--therapist, else $EXPRESSIVE_THERAPIST: who unlocks a portfolio several therapists share."""
    return getattr(args, "therapist", None) or os.environ.get(THERAPIST_ENV) or None


def open_store(args, **options):
    from expressive.portfolio import Portfolio

    root = portfolio_location(args)
    return Portfolio.open(root, passphrase=passphrase_for(args, root), therapist=given_therapist(args), **options)


def cmd_run(args) -> int:
    from expressive.ui.display import DisplayUnavailable, prepare_kivy

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print(
            _("No screen was found, so Expressive runs on a virtual display where nothing is visible. "
              "Run it on a tablet or desktop to use it; 'expressive screenshot' shows its screens."),
            file=sys.stderr,
        )
    try:
        prepare_kivy(headless_ok=True)
    except DisplayUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    from expressive.portfolio import Portfolio, PortfolioError

    root = portfolio_location(args)
    try:
        if Portfolio.status(root) in ("new", "plain"):
            # Made (or checked) now, so that an unusable folder is explained before set-up.
            Portfolio.open(root).close()
    except PortfolioError as error:
        # On a tablet nobody reads a terminal: say it on the screen as well.
        print(f"expressive: {error}", file=sys.stderr)
        from expressive.ui.problem import StartupProblemApp

        problem = StartupProblemApp(str(error))
        if args.quit_after_first_frame:
            _quit_after_first_frame(problem)
        problem.run()
        return 2
    from expressive.plans import load_plans
    from expressive.registry import discover
    from expressive.ui.app import ExpressiveApp

    from expressive.media import MediaServices

    app = ExpressiveApp(
        root, discover(), load_plans(), idle_lock_seconds=args.idle_lock_minutes * 60,
        media=MediaServices(sound=args.sound, midi=args.midi, camera=args.camera, microphone=args.microphone),
    )
    if args.quit_after_first_frame:
        _quit_after_first_frame(app)
    app.run()
    return 0


def _quit_after_first_frame(app) -> None:
    """For the start-up benchmark: report when the first screen has been drawn, then stop."""
    import time

    from kivy.clock import Clock

    def drawn(_dt):
        print(f"first-frame {time.time():.6f}", flush=True)
        app.stop()

    def started(_app):
        Clock.schedule_once(drawn, 0)

    app.bind(on_start=started)


def cmd_clients(args) -> int:
    with open_store(args) as store:
        clients = store.clients()
        if not clients:
            print(_("No clients yet. Add one in the app, or run 'expressive demo' to see an example."))
            return 0
        for client in clients:
            count = len(store.sessions(client.id))
            born = _(", born {year}").format(year=client.year_of_birth) if client.year_of_birth else ""
            sessions = ngettext("{n} session", "{n} sessions", count).format(n=count)
            print(f"{client.id}  {client.name}{born}  ({sessions})")
    return 0


def cmd_activities(_args) -> int:
    from expressive.registry import discover

    registry = discover()
    for activity_id, activity in registry.activities.items():
        info = activity.info
        makes = _("{title}: makes {kinds}").format(title=_(info.title), kinds=", ".join(info.artifact_kinds))
        print(f"{activity_id:12} {makes}  [{activity.__module__}]")
    for broken in registry.unavailable:
        unavailable = _("UNAVAILABLE: {reason}").format(reason=broken.reason)
        print(f"{broken.name:12} {unavailable}  [{broken.source}]")
    if not registry.activities:
        print(_("No activities are installed."))
    return 0


def find_client(store, wanted: str):
    """A client by id, or by name (ignoring case) when exactly one has it."""
    from expressive.portfolio import PortfolioError

    clients = store.clients()
    by_id = [client for client in clients if client.id == wanted]
    by_name = [client for client in clients if client.name.casefold() == wanted.strip().casefold()]
    found = by_id or by_name
    if len(found) == 1:
        return found[0]
    if not found:
        raise PortfolioError(_("There is no client {name}. 'expressive clients' lists them.").format(name=repr(wanted)))
    raise PortfolioError(
        ngettext("{n} client is called {name}; name one by its id: {ids}.",
                 "{n} clients are called {name}; name one by its id: {ids}.", len(found))
        .format(n=len(found), name=repr(wanted), ids=", ".join(client.id for client in found))
    )


def cmd_import(args) -> int:
    """A file made elsewhere into a client's portfolio, or a whole client from an archive
    made by `expressive export --format zip` (restored as a new client)."""
    from expressive.activity import ImportRefused
    from expressive.importing import ARCHIVE_ENDING, import_archive, import_file
    from expressive.registry import discover

    path = Path(args.file)
    with open_store(args) as store:
        try:
            if path.suffix.lower() == ARCHIVE_ENDING:
                restored = import_archive(store, path)
            else:
                if not args.client:
                    print("expressive: " + _("Say whose portfolio the file goes into with --client."), file=sys.stderr)
                    return 2
                client = find_client(store, args.client)
                artifact = import_file(store, discover(), client.id, path)
        except ImportRefused as refused:
            print("expressive: " + _("{refusal} Nothing was changed.").format(refusal=refused), file=sys.stderr)
            return 1
    if path.suffix.lower() == ARCHIVE_ENDING:
        print(_("Restored {name}: {sessions}, {pieces}.").format(
            name=restored.client.name,
            sessions=ngettext("{n} session", "{n} sessions", restored.sessions).format(n=restored.sessions),
            pieces=ngettext("{n} piece of work", "{n} pieces of work", restored.artifacts).format(n=restored.artifacts),
        ))
        if restored.not_restored:
            print(_("Kept in the archive but not restored by this version: {parts}.").format(
                parts="; ".join(restored.not_restored)))
        return 0
    print(_("Brought {file} into {name}'s portfolio as {kind} ({session}).").format(
        file=path.name, name=client.name, kind=artifact.kind, session=artifact.session_id))
    return 0


def cmd_export(args) -> int:
    """A client's work out of the tablet: a PDF report, a web page folder, or a ZIP archive."""
    from expressive.exporting import ExportError, prepare

    with open_store(args) as store:
        client = find_client(store, args.client)
        chosen = [tuple(item.split("/", 1)) for item in args.artifact] if args.artifact else None
        if args.format == "pdf" and chosen is None:
            chosen = [(artifact.session_id, artifact.id) for artifact in store.artifacts(client.id) if not artifact.damaged]
        try:
            export = prepare(store, client.id, args.format, artifact_ids=chosen,
                             include_therapist_notes=args.therapist_notes, include_people=args.include_people)
            problems = export.write(Path(args.out), shared=args.readable_by_others)
        except (ExportError, ValueError) as error:
            print(f"expressive: {error}", file=sys.stderr)
            return 1
    for problem in problems:
        print(_("left out: {problem}").format(problem=problem))
    print(_("Exported {name}'s portfolio as {format} to {out}.").format(name=client.name, format=args.format, out=args.out))
    return 0


class CommandPortfolio:
    """The portfolio an activity's command is lent (see `Command` in expressive.activity)."""

    def __init__(self, store):
        self.store = store

    def client(self, wanted: str):
        return find_client(self.store, wanted)

    def bring_in(self, client_id: str, activity_id: str, draft):
        from expressive.importing import save_brought_in

        return save_brought_in(self.store, client_id, activity_id, draft)


def run_activity_command(command, args) -> int:
    with open_store(args) as store:
        return command.run(args, CommandPortfolio(store))


def cmd_delete(args) -> int:
    """Erase a client and everything of theirs, as the app's Delete does: the name typed again."""
    from expressive.portfolio import PortfolioError

    with open_store(args) as store:
        client = find_client(store, args.client)
        if args.name_again != client.name:
            raise PortfolioError(_("The name typed again is not the client's name exactly, so nothing was deleted."))
        store.delete_client(client.id)
    print(_("Deleted the client {client}: every file, note and index row, and the client's key.").format(client=client.id))
    return 0


def cmd_check(args) -> int:
    # The check compares every file with the index itself: after a crash the open need not.
    with open_store(args, compare_later=True) as store:
        report = store.check(repair=args.repair, progress=progress_every_second())
    for note in report.notes:
        print(_("note: {note}").format(note=note))
    for repaired in report.repaired:
        print(_("repaired: {repaired}").format(repaired=repaired))
    for problem in report.problems:
        print(_("PROBLEM {path}: {message}").format(path=problem.path, message=problem.message))
    found = len(report.problems)
    verdict = _("all intact") if report.ok else ngettext("{n} problem", "{n} problems", found).format(n=found)
    checked = report.artifacts_checked
    print(ngettext("Checked {n} artifact in {root}: {verdict}. The index was rebuilt.",
                   "Checked {n} artifacts in {root}: {verdict}. The index was rebuilt.", checked)
          .format(n=checked, root=store.root, verdict=verdict))
    return 0 if report.ok else 1


def cmd_films(args) -> int:
    """Films kept without their video (no encoder was there): listed, or with --encode made now."""
    from expressive.film_videos import encode_waiting_films, waiting_for_video

    with open_store(args) as store:
        if not args.encode:
            waiting = [(client, artifact) for client in store.clients() for artifact in store.artifacts(client.id)
                       if waiting_for_video(artifact)]
            for client, artifact in waiting:
                print(_("{client}: {session}/{artifact} has no video yet").format(
                    client=client.id, session=artifact.session_id, artifact=artifact.id))
            print(ngettext("{n} film has no video yet; 'expressive films --encode' makes it.",
                           "{n} films have no video yet; 'expressive films --encode' makes them.", len(waiting))
                  .format(n=len(waiting)))
            return 0

        def tell(artifact, problem: str | None) -> None:
            where = f"{artifact.client_id}: {artifact.session_id}/{artifact.id}"
            if problem is None:
                print(_("{film}: the video is made").format(film=where))
            else:
                print(_("{film}: {problem}").format(film=where, problem=problem), file=sys.stderr)

        made, failed = encode_waiting_films(store, tell)
    print(ngettext("Made the video of {n} film.", "Made the videos of {n} films.", made).format(n=made))
    return 1 if failed else 0


def progress_every_second():
    """A `progress(done, total)` for a long check: a line on stderr about once a second,
    and one at the end."""
    import time

    last = time.monotonic()

    def tell(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done == total or now - last >= 1:
            last = now
            print(_("Checked {done} of {total} records").format(done=done, total=total), file=sys.stderr, flush=True)

    return tell


def cmd_demo(args) -> int:
    from expressive.demo import make_demo
    from expressive.portfolio import Portfolio, PortfolioError

    root = portfolio_location(args)
    passphrase = given_passphrase(args)
    if passphrase and Portfolio.status(root) == "new":
        protect_after_showing_the_key(Portfolio.plan_protection(root, passphrase), args)
    with open_store(args) as store:
        try:
            client, made = make_demo(store)
        except PortfolioError as error:
            raise PortfolioError(
                _("The demo client was not made, and nothing of it was kept. {error}").format(error=error)) from error
    print(ngettext("Made the demo client {name} with {n} piece of work in {root}.",
                   "Made the demo client {name} with {n} pieces of work in {root}.", made)
          .format(name=repr(client.name), n=made, root=store.root))
    return 0


def protect_after_showing_the_key(plan, args) -> None:
    """Carry out the protection `plan` only once its recovery key has reached the person: at a
    terminal they type it back; otherwise it is printed (and flushed) or saved to
    --recovery-key-file first. Nothing is encrypted under a key nobody saw."""
    from expressive.portfolio import PortfolioError
    from expressive.security.keyring import WrongSecret, parse_recovery_key

    key_file = getattr(args, "recovery_key_file", None)
    if key_file:
        save_recovery_key(plan.recovery_key, Path(key_file))
        print(_("The recovery key is saved in {file}. Move it away from the tablet: it is the only way back "
                "in if the passphrase is forgotten.").format(file=key_file))
    else:
        print(
            _("Recovery key: {key}\n"
              "Write it down and keep it away from the tablet: it is the only way back in if the "
              "passphrase is forgotten, and it is not shown again.").format(key=plan.recovery_key),
            flush=True,
        )
        if sys.stdin.isatty():
            typed = ask_secret(_("Type the recovery key again, to show it is kept: ")) or ""
            try:
                matches = parse_recovery_key(typed) == parse_recovery_key(plan.recovery_key)
            except WrongSecret:
                matches = False
            if not matches:
                raise PortfolioError(_("That was not the recovery key, so nothing was encrypted. Run the command again."))
    plan.carry_out()


def save_recovery_key(recovery_key: str, path: Path) -> None:
    """Write the key to a new file only its owner can read, and make sure it reached the disk."""
    from expressive.portfolio import PortfolioError

    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise PortfolioError(
            _("{path} already exists; choose a new file for the recovery key. Nothing was encrypted.").format(path=path)
        ) from None
    except OSError as error:
        raise cannot_save_recovery_key(path, error) from None
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(recovery_key + "\n")
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:
        path.unlink(missing_ok=True)
        raise cannot_save_recovery_key(path, error) from None


def cannot_save_recovery_key(path: Path, error: OSError):
    from expressive.portfolio import PortfolioError
    from expressive.portfolio.atomic import reason

    return PortfolioError(_("Cannot write the recovery key to {path}: {reason}. Nothing was encrypted.").format(
        path=path, reason=reason(error)))


def new_passphrase(args) -> str:
    from expressive.portfolio import PortfolioError

    if args.new_passphrase_file:
        return read_secret_file(args.new_passphrase_file, NEW_PASSPHRASE)
    first = ask_secret(_("New passphrase or PIN: "))
    if first is None:
        raise PortfolioError(_("Give the new passphrase with --new-passphrase-file FILE."))
    if ask_secret(_("The same again: ")) != first:
        raise PortfolioError(_("The two passphrases did not match; nothing was changed."))
    return first


def cmd_protect(args) -> int:
    from expressive.portfolio import Portfolio, PortfolioError

    root = portfolio_location(args)
    if Portfolio.status(root) == "encrypted":
        raise PortfolioError(
            _("The portfolio in {root} is already encrypted; 'expressive passphrase' changes it.").format(root=root))
    passphrase = given_passphrase(args) or new_passphrase(args)
    protect_after_showing_the_key(Portfolio.plan_protection(root, passphrase), args)
    print(_("Every file in {root} is now encrypted.").format(root=root))
    return 0


def cmd_passphrase(args) -> int:
    from expressive.portfolio import Portfolio

    root = portfolio_location(args)
    current = passphrase_for(args, root)
    with Portfolio.open(root, passphrase=current, therapist=given_therapist(args)) as store:
        store.change_passphrase(current, new_passphrase(args))
    print(_("The passphrase was changed. The recovery key stays the same."))
    return 0


def cmd_recover(args) -> int:
    from expressive.portfolio import Portfolio

    root = portfolio_location(args)
    recovery_key = (read_secret_file(args.recovery_key_file, RECOVERY_KEY) if args.recovery_key_file
                    else ask_secret(_("Recovery key: ")))
    Portfolio.recover(root, recovery_key or "", new_passphrase(args), therapist=given_therapist(args))
    print(_("The portfolio opens with the new passphrase now."))
    return 0


def cmd_audit(args) -> int:
    with open_store(args) as store:
        entries = store.audit_entries()
        problems = store.verify_audit()
    for entry in entries:
        # The audit log is a record: its lines stay as written (English words, ISO times).
        client = f" client {entry.client_id}" if entry.client_id else ""
        detail = f" ({entry.detail})" if entry.detail else ""
        by = f" by {entry.by}" if entry.by else ""
        print(f"{entry.time:%Y-%m-%d %H:%M:%S}  {entry.device} {entry.seq:6}  {entry.event}{client}{detail}{by}")
    for problem in problems:
        print(_("PROBLEM {problem}").format(problem=problem))
    print(_("The audit log is intact.") if not problems else _("The audit log was changed after it was written."))
    return 0 if not problems else 1


def scratch_source(args) -> Path | None:
    """The portfolio a screenshot or a layout check copies, when one is named (else they
    make a demo one)."""
    return portfolio_location(args) if (getattr(args, "portfolio", None) or os.environ.get(PORTFOLIO_ENV)) else None


def prepare_window(args, size: tuple[int, int]) -> None:
    """Kivy set up for a window of `size` at the density `--density` asks for (Kivy reads
    both when it is imported, so this comes first)."""
    from expressive.ui.display import prepare_kivy

    if args.density is not None:
        os.environ["KIVY_METRICS_DENSITY"] = f"{args.density:g}"
    prepare_kivy(headless_ok=True, size=size)


def cmd_screenshot(args) -> int:
    prepare_window(args, args.size)
    from expressive.tools.screenshot import take_screenshot

    source = scratch_source(args)
    take_screenshot(args.screen, Path(args.out), source, passphrase_for(args, source) if source else None,
                    size=args.size, level=args.level)
    print(_("Saved the {screen} screen to {out}").format(screen=args.screen, out=args.out))
    return 0


def cmd_catalogues(args) -> int:
    from expressive.tools.catalogues import cmd_catalogues as run_catalogues

    return run_catalogues(args)


def cmd_stress(args) -> int:
    from expressive.tools.faults.stress import run_stress

    return run_stress(kills_per_command=args.kills, as_json=args.json)


def cmd_bench(args) -> int:
    from expressive.tools.bench import run_benchmarks

    return run_benchmarks(as_json=args.json, quick=args.quick, load=args.load, only=args.only)


def window_size(text: str) -> tuple[int, int]:
    """"1024x768" as (1024, 768)."""
    width, _x, height = text.lower().partition("x")
    try:
        size = int(width), int(height)
    except ValueError:
        size = (0, 0)
    if min(size) < 1:
        raise argparse.ArgumentTypeError(_("a size is WIDTHxHEIGHT in pixels, such as 1024x768"))
    return size


def add_window_options(parser: argparse.ArgumentParser, *, several_sizes: bool = False) -> None:
    from expressive.ui.display import WINDOW_SIZE

    default = f"{WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}"
    if several_sizes:
        parser.add_argument("--size", type=window_size, action="append", dest="sizes", metavar="WxH",
                            help=_("a window size in pixels; give it again for more (default: {size})").format(size=default))
    else:
        parser.add_argument("--size", type=window_size, default=WINDOW_SIZE, metavar="WxH",
                            help=_("the window's size in pixels (default: {size})").format(size=default))
    parser.add_argument("--density", type=float, metavar="D",
                        help=_("pixels per dp, such as 2 for a tablet with a sharp screen (default: $KIVY_METRICS_DENSITY, else 1)"))


def complexity_levels(registry) -> tuple[str, ...] | None:
    """The complexity levels, once activities are found (finding them loads the module that
    knows the levels; a host command does without both, to start fast)."""
    if registry is None:
        return None
    from expressive.activity import COMPLEXITY_LEVELS

    return COMPLEXITY_LEVELS


def cmd_layout(args) -> int:
    from expressive.ui.display import WINDOW_SIZE

    sizes = args.sizes or [WINDOW_SIZE]
    prepare_window(args, sizes[0])
    from expressive.tools.layout import print_layout_problems

    source = scratch_source(args)
    return print_layout_problems(sizes, args.screens, source, passphrase_for(args, source) if source else None)


def build_parser(registry=None) -> argparse.ArgumentParser:
    """The command line: the host's commands, and those of the activities in `registry`
    (without one, only the host's, and screenshots of the host's own screens)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        # SUPPRESS: a subcommand's copy of the option must not reset one given before it.
        "--portfolio", metavar="DIR", default=argparse.SUPPRESS,
        help=_("the portfolio folder (default: ${variable}, else {folder})").format(variable=PORTFOLIO_ENV, folder=default_portfolio()),
    )
    common.add_argument(
        "--passphrase-file", metavar="FILE", default=argparse.SUPPRESS,
        help=_("read the passphrase of an encrypted portfolio from FILE (or set ${variable})").format(variable=PASSPHRASE_ENV),
    )
    common.add_argument(
        "--therapist", metavar="NAME", default=argparse.SUPPRESS,
        help=_("who unlocks, when several therapists share the portfolio (or set ${variable})").format(variable=THERAPIST_ENV),
    )
    common.add_argument(
        "--lang", metavar="LL", default=argparse.SUPPRESS,
        help=_("the language of the app and of exports, such as en or de (default: the one chosen in the app, "
               "else the system's)"),
    )
    parser = argparse.ArgumentParser(
        prog="expressive", parents=[common],
        description=_("Expressive: creative and expressive therapy sessions. With no command, starts the app."),
    )
    parser.add_argument("--version", action="version", version=f"expressive {__version__}")
    commands = parser.add_subparsers(dest="command")

    run = commands.add_parser("run", parents=[common], help=_("start the app"))
    run.add_argument(
        "--idle-lock-minutes", type=float, default=5, metavar="N",
        help=_("lock the app after N minutes without a touch in therapist mode (default 5)"),
    )
    run.add_argument(
        "--sound", choices=SOUND_CHOICES, default=os.environ.get("EXPRESSIVE_SOUND", "auto"),
        help=_("what plays notes: auto (FluidSynth with a General MIDI SoundFont where installed, "
               "else the built-in synthesiser), synth, fluidsynth or silent (default auto, or $EXPRESSIVE_SOUND)"),
    )
    run.add_argument(
        "--midi", choices=("auto", "fake"), default="auto",
        help=_("auto: every MIDI keyboard and pad plugged in; fake: none (default auto)"),
    )
    run.add_argument(
        "--camera", choices=("auto", "pattern", "none"), default="auto",
        help=_("auto: the device's cameras; pattern: a moving test picture; none: no camera (default auto)"),
    )
    run.add_argument(
        "--microphone", choices=("auto", "fake", "none"), default="auto",
        help=_("auto: the device's microphone; fake: one that plays a known sound; none: no microphone (default auto)"),
    )
    run.add_argument("--quit-after-first-frame", action="store_true", help=argparse.SUPPRESS)
    run.set_defaults(handler=cmd_run)
    commands.add_parser("demo", parents=[common], help=_("add a demo client with sessions and work")).set_defaults(handler=cmd_demo)
    commands.add_parser("clients", parents=[common], help=_("list the clients")).set_defaults(handler=cmd_clients)
    commands.add_parser("activities", parents=[common], help=_("list installed activities and any that failed to load")).set_defaults(handler=cmd_activities)
    importing = commands.add_parser(
        "import", parents=[common],
        help=_("bring a file made elsewhere (a MIDI file) into a client's portfolio, or restore a client from a ZIP archive")
    )
    importing.add_argument("file", metavar="FILE")
    importing.add_argument("--client", metavar="CLIENT", help=_("the client's id or name (not for a .zip archive, "
                                  "which is restored as a new client)"))
    importing.set_defaults(handler=cmd_import)
    exporting = commands.add_parser(
        "export", parents=[common], help=_("a client's work as a PDF report, a web page folder or a ZIP archive")
    )
    exporting.add_argument("client", metavar="CLIENT", help=_("the client's id or name"))
    exporting.add_argument("--format", required=True, choices=("pdf", "html", "zip"))
    exporting.add_argument("--out", required=True, metavar="PATH",
                           help=_("the file to write (pdf, zip) or a new or empty folder (html)"))
    exporting.add_argument("--artifact", action="append", metavar="SESSION/ARTIFACT",
                           help=_("for pdf: a piece of work to include (again for more; all when not given)"))
    exporting.add_argument("--readable-by-others", action="store_true",
                           help=_("let every user of this device read the export (by default only you can)"))
    exporting.add_argument("--therapist-notes", action="store_true",
                           help=_("for pdf: include the therapist's private notes (left out unless asked for)"))
    exporting.add_argument("--include-people", action="store_true",
                           help=_("for pdf and html: include photos and films that may show a person (left out unless "
                                  "asked for; a zip archive always holds them)"))
    exporting.set_defaults(handler=cmd_export)
    delete = commands.add_parser("delete", parents=[common], help=_("erase a client: every file, note, index row and the client's key"))
    delete.add_argument("client", metavar="CLIENT", help=_("the client's id or name"))
    delete.add_argument("--name-again", required=True, metavar="NAME", help=_("the client's name, exactly, to confirm"))
    delete.set_defaults(handler=cmd_delete)
    check = commands.add_parser("check", parents=[common], help=_("verify every file against its manifest and rebuild the index"))
    check.add_argument("--repair", action="store_true", help=_("also remove unfinished saves left by a crash"))
    check.set_defaults(handler=cmd_check)
    films = commands.add_parser("films", parents=[common], help=_("list the films kept without their video (made "
                                                                   "where no video encoder was)"))
    films.add_argument("--encode", action="store_true", help=_("make the video of each of them now"))
    films.set_defaults(handler=cmd_films)
    screenshot = commands.add_parser(
        "screenshot", parents=[common],
        help=_("render a screen to a PNG without a screen (uses a scratch copy of the portfolio, or a demo one)"),
    )
    activities = registry.activities.values() if registry is not None else ()
    # artifact_ID: the newest piece the activity ID made, in its own viewer.
    screenshot.add_argument("screen", choices=SCREENS + tuple(
        name for activity in activities for name in activity.screenshot_scenes()) + tuple(
        f"artifact_{activity.info.id}" for activity in activities))
    screenshot.add_argument("--out", required=True, metavar="FILE.png")
    add_window_options(screenshot)
    screenshot.add_argument("--level", choices=complexity_levels(registry),
                            help=_("the tools a session's screens show: few and big, the usual ones or all (default: the client's)"))
    screenshot.set_defaults(handler=cmd_screenshot)
    layout = commands.add_parser(
        "layout", parents=[common],
        help=_("walk every screen and popup and list each problem: words cut off, controls overlapping, off the "
               "window, too small to tap or without a name (uses a scratch copy of the portfolio, or a demo one)"),
    )
    add_window_options(layout, several_sizes=True)
    layout.add_argument("--screens", type=lambda names: names.split(","), metavar="NAME,...",
                        help=_("look only at these screens (the names 'expressive screenshot' takes)"))
    layout.set_defaults(handler=cmd_layout)
    protect = commands.add_parser(
        "protect", parents=[common],
        help=_("encrypt a new or existing portfolio with a passphrase; shows the recovery key before encrypting anything"),
    )
    protect.add_argument("--recovery-key-file", metavar="FILE", help=_("save the recovery key to this new file instead of printing it"))
    protect.set_defaults(handler=cmd_protect, new_passphrase_file=None)
    change = commands.add_parser("passphrase", parents=[common], help=_("change the passphrase (files are not re-encrypted)"))
    change.add_argument("--new-passphrase-file", metavar="FILE")
    change.set_defaults(handler=cmd_passphrase)
    recover = commands.add_parser("recover", parents=[common], help=_("set a new passphrase with the recovery key"))
    recover.add_argument("--recovery-key-file", metavar="FILE")
    recover.add_argument("--new-passphrase-file", metavar="FILE")
    recover.set_defaults(handler=cmd_recover)
    commands.add_parser("audit", parents=[common], help=_("print the audit log and check that it was not changed")).set_defaults(handler=cmd_audit)
    from expressive.commands import backup, sync, therapists

    for beyond_one_tablet in (backup, sync, therapists):
        beyond_one_tablet.add_commands(commands, common)
    bench = commands.add_parser("bench", parents=[common], help=_("measure speed against the design budgets"))
    bench.add_argument("--json", action="store_true", help=_("one JSON object per line for each figure"))
    bench.add_argument("--quick", action="store_true", help=_("smaller samples, for a smoke run"))
    bench.add_argument("--load", type=int, default=0, metavar="N",
                       help=_("measure with N busy processes beside the app, as on a slow or busy tablet"))
    bench.add_argument("--only", action="append", metavar="GROUP",
                       help=_("measure only this group: an activity's id, or start, unlock, lists, check, crash, "
                              "exports, stress (may be given more than once)"))
    bench.set_defaults(handler=cmd_bench)
    stress = commands.add_parser(
        "stress", help=_("kill every command that writes, fill the disk, run two writers, feed hostile files; figures beside budgets"),
    )
    stress.add_argument("--kills", type=int, default=20, metavar="N", help=_("kills per command (20)"))
    stress.add_argument("--json", action="store_true", help=_("one JSON object per line for each figure"))
    stress.set_defaults(handler=cmd_stress)
    catalogues = commands.add_parser(
        "catalogues", parents=[common], help=_("extract, update, compile and check translation catalogues"),
    )
    catalogues.add_argument("action", choices=("update", "compile", "check"))
    catalogues.add_argument("folders", nargs="*", metavar="FOLDER",
                            help=_("a package folder with words of its own (default: the source tree's)"))
    catalogues.add_argument("--language", action="append", metavar="LL", help=_("start a catalogue for a new language"))
    catalogues.set_defaults(handler=cmd_catalogues)
    if registry is not None:
        add_activity_commands(commands, common, registry)
    parser.command_names = frozenset(commands.choices)
    return parser


def choose_language(asked: str | None) -> str:
    """--lang, else the language the therapist chose in the app, else the system's."""
    from expressive.i18n import set_language
    from expressive.preferences import preference

    return set_language(asked or preference("language"))


def asked_language(argv: list[str]) -> str | None:
    """The value of --lang in `argv`, read before the command line is parsed: the parser's
    help is in the language asked for."""
    words = iter(argv)
    for word in words:
        if word == "--lang":
            return next(words, None)
        if word.startswith("--lang="):
            return word.partition("=")[2]
    return None


def command_word(argv: list[str]) -> str | None:
    """The command named in `argv` (the first word that is neither an option nor the value of
    one), or None when there is none."""
    words = iter(argv)
    for word in words:
        if word in ("--portfolio", "--passphrase-file", "--therapist", "--lang"):
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def needs_activities(argv: list[str]) -> bool:
    """Whether the command line may name something an activity adds (its own command, a
    screenshot of its screen) or asks for the whole help, so that activities are found
    before it is read. The host's other commands, and the app started without a command,
    start without loading any activity."""
    word = command_word(argv)
    if word is None:
        return "-h" in argv or "--help" in argv
    return word == "screenshot" or word not in build_parser().command_names


def add_activity_commands(commands, common, registry) -> None:
    """Each activity's own commands (its `cli_commands()`), beside the host's. One whose
    name is taken already is left out, with a warning naming the activity."""
    for activity_id, activity in registry.activities.items():
        for command in activity.cli_commands():
            if command.name in commands.choices:
                print("expressive: " + _("the {activity} activity's command {command} is left out: "
                                         "another command has that name.").format(
                    activity=activity_id, command=repr(command.name)), file=sys.stderr)
                continue
            parser = commands.add_parser(command.name, parents=[common], help=_(command.help))
            command.add_arguments(parser)
            parser.set_defaults(handler=functools.partial(run_activity_command, command))


class _DisplayedStream:
    """A terminal stream that never receives a raw control character: names, titles and
    file names come from anyone, and an escape sequence in one could rewrite the screen.
    Every string printed goes through the one display function, whatever printed it."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(for_display(text, keep_lines=True))
        return len(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    shown = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _DisplayedStream(sys.stdout), _DisplayedStream(sys.stderr)
    # Whatever any command, the app or a library they use writes (a screenshot of the
    # client list, Kivy's settings folder and logs, the GL shader cache, the lockout
    # state) is the therapist's user's alone, as the portfolio is.
    umask = os.umask(0o077)
    try:
        return _run(argv)
    finally:
        os.umask(umask)
        sys.stdout, sys.stderr = shown


def _run(argv: list[str] | None) -> int:
    argv = list(argv if argv is not None else sys.argv[1:])
    choose_language(asked_language(argv))
    registry = None
    if needs_activities(argv):
        from expressive.registry import discover

        registry = discover()
    args = build_parser(registry).parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        args = build_parser(registry).parse_args([*argv, "run"])
        handler = cmd_run
    from expressive.portfolio import PortfolioError

    try:
        return handler(args)
    except PortfolioError as error:
        print(f"expressive: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except (OSError, sqlite3.Error) as error:
        # A fault no command foresaw (the device filling up at an unlucky step) still gets
        # plain words: what stopped it, and that `check` tidies whatever was left half done.
        print("expressive: " + _("The command stopped part way: {reason}. Free some space if the "
                                 "device is full, then run `expressive check`: it finishes or removes anything left "
                                 "half done, and nothing saved before is lost.").format(
            reason=stopped_because(error, args)), file=sys.stderr)
        return 2


def stopped_because(error: OSError | sqlite3.Error, args) -> str:
    from expressive.portfolio.atomic import device_is_full, is_full, reason

    folder = portfolio_location(args)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if isinstance(error, OSError):
        return _("the device is full") if is_full(error, folder) else reason(error)
    if device_is_full(folder):
        return _("the device is full")
    return _("the portfolio's index could not be written ({error})").format(error=error)


def entry() -> None:
    """The `expressive` program: `main`, then an exit that skips tearing the interpreter
    down. A daemon thread still inside OpenCV or another C++ library when Python finalizes
    is ended from under it, which aborts the whole process ("terminate called without an
    active exception") after everything has been written; every command has closed what it
    opened by the time `main` returns. What an exit does before finalizing still runs, in
    its order: other threads that are not daemons are waited for, then the exit handlers
    (a virtual display to stop, logs to flush)."""
    try:
        code = main()
    except SystemExit as leaving:  # --help, a mistyped command: said as Python would say it
        code = leaving.code
        if code is not None and not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
    threading._shutdown()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    entry()
