"""Proof of crash safety: kill a saving process at random instants and check what is left.

A pulled battery is simulated with SIGKILL: the worker process gets no chance to tidy up,
exactly as when power is lost (only data the kernel has not yet written is spared the
test, which fsync is there to cover). The worker saves artifacts in a loop and
acknowledges each save on stdout only once the store has returned, as the app tells the
client "saved" only then. After each kill the driver opens the portfolio in this process
and checks three things:

- `check()` finds no problems (unfinished saves are notes, not problems);
- every acknowledged client, session, artifact and reflection is there, intact, with the
  product the worker meant to save;
- nothing half-written is visible: every listed artifact verifies, acknowledged or not
  (a save can complete just before the kill and never be acknowledged; that is fine);
- nothing is stale: what the index lists once the next open is done (and, when that open
  left it for later, once its comparison in the background is done) is exactly what
  `check` finds in the files. The worker closes and opens the portfolio again now and then,
  sometimes comparing in the background while it saves, so that kills also land inside a
  close (the seal that lets the next open trust the index), an open and a comparison.

State accumulates over the kills, so later kills land in a portfolio with history, a
dirty index and leftovers from earlier ones. No Kivy here: the tests and `expressive
bench` import this module, and the worker runs as

    python -m expressive.tools.crash worker ROOT [--passphrase-file F] [--seed S] [--fault MODE] [--reopen-share P]
    python -m expressive.tools.crash run ROOT --kills N [--seed S] [--passphrase-file F]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from expressive.artifact import ArtifactDraft
from expressive.portfolio import ArtifactRecord, Portfolio, PortfolioError
from expressive.portfolio.layout import MARKER_FILE

ACTIVITY_ID = "crash-test"
PRODUCT, THUMBNAIL, PROCESS = "product.bin", "thumbnail.bin", "process.json"

# Kill timing. Most kills land while the worker saves, 0 to KILL_WINDOW seconds after it
# reported the portfolio open: a save takes a few ms, so that spans a dozen saves and
# every step inside one. A longer window would only grow the portfolio, which every
# check reads whole. The rest land at a random instant from the launch, not waiting for
# anything: during start-up and the open, which rebuilds the index after a kill that
# left it dirty.
KILL_WINDOW = 0.1
EARLY_KILL_SHARE = 0.2
EARLY_KILL_WINDOW = 0.3
# A worker that has not opened the portfolio by then is stuck, not slow.
WORKER_OPEN_TIMEOUT = 60.0

# How often the worker closes the portfolio and opens it again after a save.
REOPEN_SHARE = 0.1

# Worker faults for negative controls: writers that break the store's promises, so the
# tests can show that the driver's checks catch them.
FAULTS = ("in-place", "early-ack")

# What the harness needs of a portfolio's encryption is only that it is there: a cheap
# key derivation keeps the two opens per kill fast.
CHEAP_KDF = {"time_cost": 1, "memory_cost": 8192, "parallelism": 1}


# --- encryption at rest, when the store has it -------------------------------------------


def encryption_available() -> bool:
    return hasattr(Portfolio, "protect")


def open_portfolio(root: Path, passphrase: str | None, *, compare_later: bool = False) -> Portfolio:
    return Portfolio.open(root, passphrase=passphrase, compare_later=compare_later)


def open_compared(root: Path, passphrase: str | None, *, compare_later: bool) -> Portfolio:
    """Open as the app does (`compare_later`: the comparison a crash calls for on a thread,
    waited for here) or as a command does (compared at once)."""
    store = open_portfolio(root, passphrase, compare_later=compare_later)
    try:
        done = threading.Event()
        store.compare_in_background(done.set)
        if store.needs_full_comparison:
            done.wait()
            store.finish_comparison()
    except BaseException:
        store.close()
        raise
    return store


def create_portfolio(root: Path, passphrase: str | None) -> None:
    """Make an empty portfolio in `root`, encrypted when a passphrase is given."""
    if passphrase is None:
        Portfolio.open(root).close()
        return
    if not encryption_available():
        raise PortfolioError("This version of the portfolio store cannot encrypt (no Portfolio.protect).")
    from expressive.portfolio import KdfParams

    Portfolio.protect(root, passphrase, kdf=KdfParams(**CHEAP_KDF))


# --- the worker: saves for ever, acknowledging each save once it returned -----------------


def make_draft(rng: random.Random, number: int) -> ArtifactDraft:
    """An artifact of several files; the product is a few KB up to about 1 MB.

    Mostly small, like drawings and stroke logs, sometimes large, like a recording: the
    portfolio grows with every kill and each check reads all of it.
    """
    if rng.random() < 0.05:
        product_size = rng.randint(64 * 1024, 1024 * 1024)
    else:
        product_size = int(2048 * 32 ** rng.random())
    return ArtifactDraft(
        kind="noise",
        files={
            PRODUCT: rng.randbytes(product_size),
            THUMBNAIL: rng.randbytes(rng.randint(512, 4096)),
            PROCESS: b'{"number": %d, "padding": "%s"}' % (number, b"x" * rng.randint(0, 4000)),
        },
        product=PRODUCT,
        thumbnail=THUMBNAIL,
        process=PROCESS,
        title=f"draft {number}",
        metadata={"number": number},
    )


def reflection_title(artifact_id: str) -> str:
    return f"reflected {artifact_id}"


def run_worker(
    root: Path, *, passphrase: str | None, seed: int, fault: str | None, reopen_share: float = REOPEN_SHARE
) -> None:
    rng = random.Random(seed)
    if fault == "in-place":
        _write_in_place()

    def acknowledge(*fields: str) -> None:
        print(*fields, flush=True)

    store = open_portfolio(root, passphrase, compare_later=rng.random() < 0.5)
    comparing = threading.Event()
    store.compare_in_background(comparing.set)
    acknowledge("opened")
    clients = store.clients()
    if not clients or rng.random() < 0.1:
        client = store.add_client(f"Client {len(clients) + 1}")
        acknowledge("client", client.id)
    else:
        client = rng.choice(clients)
    session = None
    number = 0
    while True:
        if session is None or rng.random() < 0.15:
            session = store.start_session(client.id, plan_id="crash-test", goal=f"goal {number}")
            acknowledge("session", client.id, session.id)
        number += 1
        draft = make_draft(rng, number)
        digest = hashlib.sha256(draft.files[draft.product]).hexdigest()
        artifact = store.save_artifact(client.id, session.id, ACTIVITY_ID, draft)
        acknowledge("saved", client.id, session.id, artifact.id, digest)
        if fault == "early-ack":
            # Says "saved" first and saves a moment later, as an app saving in the
            # background might: a kill in between loses acknowledged work.
            acknowledge("reflected", client.id, session.id, artifact.id)
            time.sleep(0.002)
            store.set_reflection(artifact, title=reflection_title(artifact.id), about="in my own words")
        elif rng.random() < 0.5:
            about = "in my own words " * rng.randint(1, 50)
            store.set_reflection(artifact, title=reflection_title(artifact.id), about=about)
            acknowledge("reflected", client.id, session.id, artifact.id)
        if comparing.is_set():
            comparing.clear()
            store.finish_comparison()
        if rng.random() < reopen_share:
            store.close()
            store = open_portfolio(root, passphrase, compare_later=rng.random() < 0.5)
            store.compare_in_background(comparing.set)


def _write_in_place() -> None:
    """Replace the store's atomic helpers with the naive way: folders created under their
    final names and files written over themselves. A kill inside a save then leaves a
    visible, torn artifact, which the driver must report."""
    from expressive.portfolio import disk as store_module

    def write_file(path: Path, data: bytes, *, fsync: bool, sync_folder: bool = True) -> None:
        with open(path, "wb") as stream:
            # Two halves with a pause between: a kill lands inside the torn write often
            # enough for the negative control to be quick.
            stream.write(data[: len(data) // 2])
            stream.flush()
            time.sleep(0.002)
            stream.write(data[len(data) // 2 :])

    @contextmanager
    def staged_folder(final: Path, *, fsync: bool) -> Iterator[Path]:
        final.mkdir()
        yield final

    store_module.write_file = write_file
    store_module.staged_folder = staged_folder


# --- the driver ------------------------------------------------------------------------


@dataclass
class Ledger:
    """Everything acknowledged so far, and which listed artifacts were already verified."""

    clients: set[str] = field(default_factory=set)
    sessions: set[tuple[str, str]] = field(default_factory=set)
    artifacts: dict[tuple[str, str, str], str] = field(default_factory=dict)  # -> product SHA-256
    reflections: set[tuple[str, str, str]] = field(default_factory=set)
    verified: set[tuple[str, str, str]] = field(default_factory=set)

    def record(self, line: str) -> bool:
        """Take in one acknowledgement; True when it was a save."""
        kind, *fields = line.split()
        if kind == "client":
            self.clients.add(fields[0])
        elif kind == "session":
            self.sessions.add((fields[0], fields[1]))
        elif kind == "saved":
            self.artifacts[(fields[0], fields[1], fields[2])] = fields[3]
            return True
        elif kind == "reflected":
            self.reflections.add((fields[0], fields[1], fields[2]))
        return False


@dataclass
class Summary:
    kills: int = 0
    acknowledged_saves: int = 0
    # Saves that completed just before a kill, too late to be acknowledged: allowed.
    unacknowledged_saves: int = 0
    leftovers_seen: int = 0
    early_kills: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        verdict = "no problems" if self.ok else "PROBLEMS:\n  " + "\n  ".join(self.problems)
        return (
            f"{self.kills} kills ({self.early_kills} timed from the launch) in {self.seconds:.1f} s: "
            f"{self.acknowledged_saves} acknowledged saves, all checked after every kill; "
            f"{self.unacknowledged_saves} complete but unacknowledged; "
            f"{self.leftovers_seen} unfinished saves left as notes; {verdict}"
        )


def run(
    root: Path,
    kills: int,
    *,
    seed: int = 0,
    passphrase: str | None = None,
    fault: str | None = None,
    kill_window: float = KILL_WINDOW,
    first_kill: int = 1,
    reopen_share: float = REOPEN_SHARE,
) -> Summary:
    """Kill a saving worker `kills` times in the portfolio `root`, checking after each.

    Stops at the first kill after which something is wrong (the damage would only be
    reported again by every later kill); `Summary.problems` then says which and what.
    Kills are numbered from `first_kill`; `reopen_share` is how often the worker closes
    and opens the portfolio again after a save.
    """
    root = Path(root)
    rng = random.Random(seed)
    summary = Summary()
    ledger = Ledger()
    begun = time.perf_counter()
    if not (root / MARKER_FILE).exists():
        # Only a new folder is made a portfolio; an existing one is used as it is, even broken.
        create_portfolio(root, passphrase)
    with _passphrase_file(passphrase) as passphrase_path:
        for number in range(first_kill, first_kill + kills):
            early = rng.random() < EARLY_KILL_SHARE
            delay = rng.uniform(0, EARLY_KILL_WINDOW if early else kill_window)
            command = [
                sys.executable, "-m", "expressive.tools.crash", "worker", str(root), "--seed", str(rng.getrandbits(32)),
                "--reopen-share", str(reopen_share),
            ]
            if passphrase_path:
                command += ["--passphrase-file", str(passphrase_path)]
            if fault:
                command += ["--fault", fault]
            lines, failure = _kill_worker(command, delay=delay, wait_until_open=not early)
            summary.kills += 1
            summary.early_kills += early
            when = f"{delay:.3f} s after {'the launch' if early else 'the portfolio was open'}"
            problems = [failure] if failure else []
            for line in lines:
                summary.acknowledged_saves += ledger.record(line)
            if not failure:
                problems, leftovers, unacknowledged = inspect(root, ledger, passphrase, repair=rng.random() < 0.5)
                summary.leftovers_seen += leftovers
                summary.unacknowledged_saves += unacknowledged
            if problems:
                summary.problems = [f"kill {number} ({when}): {problem}" for problem in problems]
                break
    summary.seconds = time.perf_counter() - begun
    return summary


def run_batches(folder: Path, kills: int, *, per_portfolio: int, seed: int = 0, **options) -> Summary:
    """`kills` kills in fresh portfolios under `folder`, `per_portfolio` kills each.

    Every check reads the whole portfolio, so one portfolio killed a thousand times would
    spend its time re-reading tens of thousands of artifacts; state accumulates within
    each batch only.
    """
    total = Summary()
    begun = time.perf_counter()
    for batch, first in enumerate(range(0, kills, per_portfolio), start=1):
        summary = run(
            Path(folder) / f"portfolio-{batch:02d}", min(per_portfolio, kills - first),
            seed=seed * 1000 + batch, first_kill=first + 1, **options,
        )
        total.kills += summary.kills
        total.acknowledged_saves += summary.acknowledged_saves
        total.unacknowledged_saves += summary.unacknowledged_saves
        total.leftovers_seen += summary.leftovers_seen
        total.early_kills += summary.early_kills
        total.problems = summary.problems
        if summary.problems:
            break
    total.seconds = time.perf_counter() - begun
    return total


@contextmanager
def _passphrase_file(passphrase: str | None) -> Iterator[Path | None]:
    """The passphrase for the worker in a private file, as `--passphrase-file` takes it."""
    if passphrase is None:
        yield None
        return
    handle, name = tempfile.mkstemp(prefix="expressive-crash-")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(passphrase)
        yield Path(name)
    finally:
        os.unlink(name)


def _kill_worker(command: list[str], *, delay: float, wait_until_open: bool) -> tuple[list[str], str | None]:
    """Run the worker, SIGKILL it, return its complete acknowledgement lines and what went
    wrong if it stopped by itself (it never should)."""
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        if wait_until_open:
            with selectors.DefaultSelector() as selector:
                selector.register(child.stdout, selectors.EVENT_READ)
                if not selector.select(WORKER_OPEN_TIMEOUT):
                    child.kill()
                    child.wait()
                    return [], f"the worker did not open the portfolio within {WORKER_OPEN_TIMEOUT:.0f} s"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        returncode = child.wait()
        output = child.stdout.read().decode()
        errors = child.stderr.read().decode()
    finally:
        child.stdout.close()
        child.stderr.close()
    # A line cut short by the kill was never acknowledged.
    lines = output.split("\n")[:-1]
    if returncode != -signal.SIGKILL:
        return lines, f"the worker stopped by itself (exit code {returncode}): {errors.strip()[-2000:]}"
    return lines, None


def inspect(root: Path, ledger: Ledger, passphrase: str | None, *, repair: bool) -> tuple[list[str], int, int]:
    """Everything wrong with the portfolio after a kill, the number of unfinished saves
    found, and the number of artifacts saved but never acknowledged.

    Verification is the store's own (`check`, `verify_artifact`, `read_file`); this only
    compares what it finds with what was acknowledged. `check` reads every file of every
    artifact on each kill; `verify_artifact` and a read of the product are added only for
    artifacts seen for the first time, whose files no earlier kill has checked.
    """
    try:
        store = open_compared(root, passphrase, compare_later=repair)
    except PortfolioError as exc:
        return [f"the portfolio does not open: {exc}"], 0, 0
    with store:
        as_opened = listing(store)
        report = store.check(repair=repair)
        problems = [f"check: {problem.path}: {problem.message}" for problem in report.problems]
        problems += stale(as_opened, listing(store))
        leftovers = len(report.notes)

        clients = {client.id for client in store.clients()}
        sessions: set[tuple[str, str]] = set()
        listed: dict[tuple[str, str, str], ArtifactRecord] = {}
        for client_id in clients:
            sessions.update((client_id, session.id) for session in store.sessions(client_id))
            listed.update(((client_id, a.session_id, a.id), a) for a in store.artifacts(client_id))

        problems += [f"acknowledged client {c} is missing" for c in sorted(ledger.clients - clients)]
        problems += [f"acknowledged session {c}/{s} is missing" for c, s in sorted(ledger.sessions - sessions)]
        for key, digest in sorted(ledger.artifacts.items()):
            artifact = listed.get(key)
            name = "/".join(key)
            if artifact is None:
                problems.append(f"acknowledged artifact {name} is missing")
                continue
            product = artifact.file(artifact.product) if not artifact.damaged else None
            if artifact.damaged:
                problems.append(f"acknowledged artifact {name} is damaged: {artifact.damaged}")
            elif product is None or product.sha256 != digest:
                # `check` proved the files match the manifest; this proves the manifest
                # is the one that was acknowledged.
                problems.append(f"acknowledged artifact {name} lists a product other than the one saved")
            if key in ledger.reflections and artifact.title != reflection_title(artifact.id):
                problems.append(f"acknowledged reflection on {name} is missing: the title is {artifact.title!r}")

        unacknowledged = 0
        for key in sorted(listed.keys() - ledger.verified):
            artifact = listed[key]
            name = "/".join(key)
            acknowledged = key in ledger.artifacts
            unacknowledged += not acknowledged
            broken = store.verify_artifact(artifact)
            if broken:
                what = "acknowledged artifact" if acknowledged else "unacknowledged artifact, visible half-written:"
                problems.append(f"{what} {name} does not verify: {'; '.join(broken)}")
                continue
            if acknowledged:
                content = store.read_file(artifact, artifact.product)
                if hashlib.sha256(content).hexdigest() != ledger.artifacts[key]:
                    problems.append(f"acknowledged artifact {name} reads back a different product")
                    continue
            ledger.verified.add(key)
    return problems, leftovers, unacknowledged


def listing(store: Portfolio) -> dict[str, object]:
    """Everything the index lists, by record."""
    found: dict[str, object] = {}
    for client in store.clients():
        found[client.id] = client
        for session in store.sessions(client.id):
            found[f"{client.id}/{session.id}"] = session
        for artifact in store.artifacts(client.id):
            found[f"{client.id}/{artifact.session_id}/{artifact.id}"] = artifact
    return found


def stale(as_opened: dict[str, object], in_the_files: dict[str, object]) -> list[str]:
    """How the index as an open left it differs from what `check` read in the files."""
    problems = []
    for name in sorted(as_opened.keys() | in_the_files.keys()):
        if name not in in_the_files:
            problems.append(f"the index as opened lists {name}, which is not in the files")
        elif name not in as_opened:
            problems.append(f"the index as opened misses {name}")
        elif as_opened[name] != in_the_files[name]:
            problems.append(f"the index as opened has {name} other than it is in the files")
    return problems


# --- command line ------------------------------------------------------------------------


def _read_passphrase(path: str | None) -> str | None:
    return Path(path).read_text().rstrip("\n") if path else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m expressive.tools.crash", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker", help="save artifacts in ROOT until killed")
    worker.add_argument("root", type=Path)
    worker.add_argument("--seed", type=int, default=0)
    worker.add_argument("--fault", choices=FAULTS, help="break the store's promises (negative controls)")
    worker.add_argument("--passphrase-file", metavar="FILE")
    worker.add_argument("--reopen-share", type=float, default=REOPEN_SHARE,
                        help="how often to close and open the portfolio again after a save")
    runner = commands.add_parser("run", help="kill a worker N times in ROOT, checking after each kill")
    runner.add_argument("root", type=Path)
    runner.add_argument("--kills", type=int, default=100)
    runner.add_argument("--seed", type=int, default=0)
    runner.add_argument("--fault", choices=FAULTS, help="use a broken worker: the run should find problems")
    runner.add_argument("--passphrase-file", metavar="FILE")
    args = parser.parse_args(argv)
    passphrase = _read_passphrase(args.passphrase_file)
    if args.command == "worker":
        run_worker(args.root, passphrase=passphrase, seed=args.seed, fault=args.fault, reopen_share=args.reopen_share)
        return 0
    summary = run(args.root, args.kills, seed=args.seed, passphrase=passphrase, fault=args.fault)
    print(summary.describe())
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
