"""The command line: for therapists' IT people, for tests, and for anyone without a tablet."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from expressive import __version__

PORTFOLIO_ENV = "EXPRESSIVE_PORTFOLIO"
SCREENS = ("clients", "add_client", "session", "launcher", "drawing", "checkout", "note", "portfolio", "artifact")


def default_portfolio() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("Expressive", appauthor=False)) / "portfolio"


def portfolio_location(args) -> Path:
    """--portfolio, else $EXPRESSIVE_PORTFOLIO, else the platform's folder for user data."""
    chosen = getattr(args, "portfolio", None) or os.environ.get(PORTFOLIO_ENV)
    return Path(chosen).expanduser() if chosen else default_portfolio()


def open_store(args):
    from expressive.portfolio import Portfolio

    return Portfolio.open(portfolio_location(args))


def cmd_run(args) -> int:
    from expressive.ui.display import DisplayUnavailable, prepare_kivy

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print(
            "No screen was found, so Expressive runs on a virtual display where nothing is visible. "
            "Run it on a tablet or desktop to use it; 'expressive screenshot' shows its screens.",
            file=sys.stderr,
        )
    try:
        prepare_kivy(headless_ok=True)
    except DisplayUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    from expressive.portfolio import PortfolioError

    try:
        store = open_store(args)
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

    app = ExpressiveApp(store, discover(), load_plans())
    if args.quit_after_first_frame:
        _quit_after_first_frame(app)
    app.run()
    store.close()
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
            print("No clients yet. Add one in the app, or run 'expressive demo' to see an example.")
            return 0
        for client in clients:
            sessions = store.sessions(client.id)
            born = f", born {client.year_of_birth}" if client.year_of_birth else ""
            print(f"{client.id}  {client.name}{born}  ({len(sessions)} session{'s' * (len(sessions) != 1)})")
    return 0


def cmd_activities(_args) -> int:
    from expressive.registry import discover

    registry = discover()
    for activity_id, activity in registry.activities.items():
        info = activity.info
        print(f"{activity_id:12} {info.title}: makes {', '.join(info.artifact_kinds)}  [{activity.__module__}]")
    for broken in registry.unavailable:
        print(f"{broken.name:12} UNAVAILABLE: {broken.reason}  [{broken.source}]")
    if not registry.activities:
        print("No activities are installed.")
    return 0


def cmd_check(args) -> int:
    with open_store(args) as store:
        report = store.check(repair=args.repair)
    for note in report.notes:
        print(f"note: {note}")
    for repaired in report.repaired:
        print(f"repaired: {repaired}")
    for problem in report.problems:
        print(f"PROBLEM {problem.path}: {problem.message}")
    verdict = "all intact" if report.ok else f"{len(report.problems)} problem(s)"
    print(f"Checked {report.artifacts_checked} artifacts in {store.root}: {verdict}. The index was rebuilt.")
    return 0 if report.ok else 1


def cmd_demo(args) -> int:
    from expressive.demo import make_demo

    with open_store(args) as store:
        client, made = make_demo(store)
    print(f"Made the demo client {client.name!r} with {made} pieces of work in {store.root}.")
    return 0


def cmd_screenshot(args) -> int:
    from expressive.ui.display import prepare_kivy

    prepare_kivy(headless_ok=True)
    from expressive.ui.screenshot import take_screenshot

    source = portfolio_location(args) if (getattr(args, "portfolio", None) or os.environ.get(PORTFOLIO_ENV)) else None
    take_screenshot(args.screen, Path(args.out), source)
    print(f"Saved the {args.screen} screen to {args.out}")
    return 0


def cmd_bench(args) -> int:
    from expressive.bench import run_benchmarks

    return run_benchmarks(as_json=args.json, quick=args.quick)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        # SUPPRESS: a subcommand's copy of the option must not reset one given before it.
        "--portfolio", metavar="DIR", default=argparse.SUPPRESS,
        help=f"the portfolio folder (default: ${PORTFOLIO_ENV}, else {default_portfolio()})",
    )
    parser = argparse.ArgumentParser(
        prog="expressive", parents=[common],
        description="Expressive: creative and expressive therapy sessions. With no command, starts the app.",
    )
    parser.add_argument("--version", action="version", version=f"expressive {__version__}")
    commands = parser.add_subparsers(dest="command")

    run = commands.add_parser("run", parents=[common], help="start the app")
    run.add_argument("--quit-after-first-frame", action="store_true", help=argparse.SUPPRESS)
    run.set_defaults(handler=cmd_run)
    commands.add_parser("demo", parents=[common], help="add a demo client with sessions and work").set_defaults(handler=cmd_demo)
    commands.add_parser("clients", parents=[common], help="list the clients").set_defaults(handler=cmd_clients)
    commands.add_parser("activities", parents=[common], help="list installed activities and any that failed to load").set_defaults(handler=cmd_activities)
    check = commands.add_parser("check", parents=[common], help="verify every file against its manifest and rebuild the index")
    check.add_argument("--repair", action="store_true", help="also remove unfinished saves left by a crash")
    check.set_defaults(handler=cmd_check)
    screenshot = commands.add_parser(
        "screenshot", parents=[common],
        help="render a screen to a PNG without a screen (uses a scratch copy of the portfolio, or a demo one)",
    )
    screenshot.add_argument("screen", choices=SCREENS)
    screenshot.add_argument("--out", required=True, metavar="FILE.png")
    screenshot.set_defaults(handler=cmd_screenshot)
    bench = commands.add_parser("bench", parents=[common], help="measure speed against the design budgets")
    bench.add_argument("--json", action="store_true", help="one JSON object per line for each figure")
    bench.add_argument("--quick", action="store_true", help="smaller samples, for a smoke run")
    bench.set_defaults(handler=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        args.quit_after_first_frame = False
        handler = cmd_run
    from expressive.portfolio import PortfolioError

    try:
        return handler(args)
    except PortfolioError as error:
        print(f"expressive: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
