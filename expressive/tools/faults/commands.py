"""Every command that writes, tried with faults from outside, as a person's tablet meets them.

Three kinds of fault, each against the real `expressive` command line in a child process:

- **kill**: SIGKILL at a random instant of the command (a pulled battery);
- **full**: the command run on a real, small filesystem filled to a few bytes of free
  space (a tmpfs mounted for the purpose, so only as root; otherwise skipped, with why);
- **two writers**: two commands at once on one portfolio.

After each fault the portfolio is opened as the app opens it (comparing its index with the
files in the background when nothing vouches for it), then the next start of the program
(`expressive check`) runs, and then the trial's verdict lists what is wrong, in words:

- the index as that first open left it differs from the files (a stale index hides work);
- `check` is not clean, or the audit log does not verify;
- a piece of work that was there before is missing or does not verify (except the client
  a delete was told to erase, which must be either whole or gone);
- something is half there: a restored client with fewer sessions than its archive, a
  session brought in from a file with no work in it;
- something is left behind: any file beside a finished export, a file or folder readable
  by other users of the device, or client words in plaintext anywhere outside the
  portfolio except the finished export (the trial's scratch folder, its temporary folder)
  or, in an encrypted portfolio, inside it;
- the command answered with a traceback, or said something that is not so (it failed, yet
  the portfolio changed: the passphrase "not changed" but the new one works).

    python -m expressive.tools.faults.commands kill --trials 3
    python -m expressive.tools.faults.commands full
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from expressive.portfolio import KdfParams, Portfolio, PortfolioError
from expressive.tools.crash import listing, open_compared, stale

PASSPHRASE = "harness passphrase 1"
NEW_PASSPHRASE = "harness passphrase 2"
DEMO_NAME = "Robin (demo)"
# What the demo client said and the therapist wrote: none of it may be readable outside
# a finished export. The name is not among them: a file name alone ("Robin-2026-12-01.zip")
# is where the person asked the export to go.
CLIENT_WORDS = (
    b"where I live with my mum",
    b"nobody shouts there",
    b"Follow up on school",
    b"Breathing slowed",
    b"Get to know the tablet",
)
CHEAP_KDF = KdfParams(time_cost=1, memory_cost=8192, parallelism=1)
COMMAND_TIMEOUT = 300.0
EARLY_KILL_SHARE = 0.2
# Free space left on the full filesystem for each try: nothing, then a little more each time.
FREE_BYTES = (0, 2_000, 20_000, 120_000, 600_000)
FULL_FILESYSTEM_BYTES = 48 * 1024 * 1024


# --- the trial's world ------------------------------------------------------------------


@dataclass
class Inputs:
    """Files made once and reused by every trial: portfolios to copy and things to import."""

    folder: Path
    plain: Path
    encrypted: Path
    recovery_key: str
    archive: Path
    midi: Path
    video: Path
    passphrase_file: Path
    new_passphrase_file: Path
    recovery_key_file: Path


@dataclass
class Trial:
    """One trial's own folders: a copy of a portfolio, where exports go, its temporary folder."""

    folder: Path
    inputs: Inputs
    encrypted: bool

    @property
    def root(self) -> Path:
        return self.folder / "portfolio"

    @property
    def out(self) -> Path:
        return self.folder / "Downloads"

    @property
    def tmp(self) -> Path:
        return self.folder / "tmp"

    def environment(self) -> dict[str, str]:
        environment = {name: value for name, value in os.environ.items() if not name.startswith("EXPRESSIVE_")}
        environment.update(TMPDIR=str(self.tmp), HOME=str(self.folder / "home"), PYTHONDONTWRITEBYTECODE="1")
        environment.pop("XDG_DATA_HOME", None)
        return environment

    def passphrase_args(self, passphrase_file: Path | None = None) -> list[str]:
        if not self.encrypted:
            return []
        return ["--passphrase-file", str(passphrase_file or self.inputs.passphrase_file)]


@dataclass
class Command:
    """A command that writes, and what must be true after it was interrupted."""

    name: str
    encrypted: bool
    argv: Callable[[Trial], list[str]]
    # Extra checks of this command's own promise, given the state before.
    verify: Callable[[Trial, dict], list[str]] = lambda trial, before: []
    # The output the command was asked to make (a finished export may stay there).
    output: Callable[[Trial], Path | None] = lambda trial: None


def _export(format_: str, ending: str) -> Command:
    def output(trial: Trial) -> Path:
        return trial.out / f"robin{ending}"

    return Command(
        f"export-{format_}", True,
        lambda trial: ["export", DEMO_NAME, "--format", format_, "--out", str(output(trial)),
                       *(["--therapist-notes"] if format_ == "pdf" else []), *trial.passphrase_args()],
        output=output,
        verify=lambda trial, before: _whole_export(output(trial)),
    )


def _whole_export(path: Path) -> list[str]:
    """An export at its final name must be whole: a kill may only leave it absent."""
    if not path.exists():
        return []
    if path.is_dir():
        index = path / "index.html"
        whole = index.is_file() and index.read_bytes().rstrip().endswith(b"</html>")
    elif path.suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                whole = archive.testzip() is None
        except (zipfile.BadZipFile, OSError):
            whole = False
    else:
        whole = path.read_bytes().rstrip().endswith(b"%%EOF")
    return [] if whole else [f"an export cut short stands at its final name: {path.name}"]


def _demo_client(contents: dict) -> str:
    return next(client_id for client_id, name in contents["names"].items() if name == DEMO_NAME)


def _verify_restored_whole(trial: Trial, before: dict) -> list[str]:
    problems = []
    source = before["clients"][_demo_client(before)]
    for client_id, sessions in current_contents(trial)["clients"].items():
        if client_id in before["clients"]:
            continue
        if len(sessions) != len(source) or sum(map(len, sessions.values())) != sum(map(len, source.values())):
            problems.append(
                f"a half-restored client is visible: {len(sessions)} of {len(source)} sessions, "
                f"{sum(map(len, sessions.values()))} of {sum(map(len, source.values()))} pieces of work"
            )
    return problems


def _verify_no_empty_session(trial: Trial, before: dict) -> list[str]:
    demo = _demo_client(before)
    after = current_contents(trial)["clients"].get(demo, {})
    return [
        f"the session {session} was left with no work in it"
        for session, artifacts in after.items()
        if not artifacts and session not in before["clients"][demo]
    ]


def _verify_key_was_shown(trial: Trial, before: dict) -> list[str]:
    """A portfolio that is (being) encrypted must open with the recovery key the command
    saved before encrypting anything."""
    if Portfolio.status(trial.root) == "plain":
        return []
    key_file = trial.folder / "recovery.key"
    if not key_file.exists():
        return ["the portfolio is encrypted, but the recovery key never reached the person"]
    try:
        Portfolio.recover(trial.root, key_file.read_text().strip(), NEW_PASSPHRASE)
    except PortfolioError as error:
        return [f"the recovery key that was shown does not open the portfolio: {error}"]
    return []


COMMANDS = (
    _export("zip", ".zip"),
    _export("html", ""),
    _export("pdf", ".pdf"),
    Command("import-archive", True, lambda trial: ["import", str(trial.inputs.archive), *trial.passphrase_args()],
            verify=_verify_restored_whole),
    Command("import-midi", True,
            lambda trial: ["import", str(trial.inputs.midi), "--client", DEMO_NAME, *trial.passphrase_args()],
            verify=_verify_no_empty_session),
    Command("movement", True,
            lambda trial: ["movement", str(trial.inputs.video), "--client", DEMO_NAME, *trial.passphrase_args()],
            verify=_verify_no_empty_session),
    Command("delete", True,
            lambda trial: ["delete", DEMO_NAME, "--name-again", DEMO_NAME, *trial.passphrase_args()]),
    Command("demo", True, lambda trial: ["demo", *trial.passphrase_args()]),
    Command("films-encode", True, lambda trial: ["films", "--encode", *trial.passphrase_args()]),
    Command("check-repair", True, lambda trial: ["check", "--repair", *trial.passphrase_args()]),
    Command("protect", False,
            lambda trial: ["protect", "--passphrase-file", str(trial.inputs.passphrase_file),
                           "--recovery-key-file", str(trial.folder / "recovery.key")],
            verify=_verify_key_was_shown),
    Command("passphrase", True,
            lambda trial: ["passphrase", *trial.passphrase_args(), "--new-passphrase-file",
                           str(trial.inputs.new_passphrase_file)]),
    Command("recover", True,
            lambda trial: ["recover", "--recovery-key-file", str(trial.inputs.recovery_key_file),
                           "--new-passphrase-file", str(trial.inputs.new_passphrase_file)]),
)
COMMAND_NAMES = tuple(command.name for command in COMMANDS)


def prepare_inputs(folder: Path) -> Inputs:
    """The demo client in a plain and an encrypted portfolio (cheap key derivation), with a
    film kept without its video (for `films --encode`), its ZIP archive, a short MIDI file
    and a short video, made here so nothing outside is needed. The encrypted one is a copy
    of the plain one, protected as `expressive protect` protects it (making the demo's work
    takes far longer than encrypting it)."""
    from expressive.demo import make_demo

    folder.mkdir(parents=True, exist_ok=True)
    plain, encrypted = folder / "plain", folder / "encrypted"
    with Portfolio.open(plain) as store:
        make_demo(store, DEMO_NAME)
        _add_film_without_video(store)
    shutil.copytree(plain, encrypted)
    recovery_key = Portfolio.protect(encrypted, PASSPHRASE, kdf=CHEAP_KDF)
    passphrase_file, new_passphrase_file = folder / "passphrase", folder / "new-passphrase"
    passphrase_file.write_text(PASSPHRASE)
    new_passphrase_file.write_text(NEW_PASSPHRASE)
    recovery_key_file = folder / "recovery-key"
    recovery_key_file.write_text(recovery_key)
    archive = folder / "robin.zip"
    made = _run_cli(["export", DEMO_NAME, "--format", "zip", "--out", str(archive), "--portfolio", str(encrypted),
                     "--passphrase-file", str(passphrase_file)], os.environ | {"TMPDIR": str(folder)})
    if made.returncode != 0:
        raise RuntimeError(f"could not make the archive to import: {made.stderr}")
    return Inputs(folder, plain, encrypted, recovery_key, archive, _make_midi(folder / "tune.mid"),
                  _make_video(folder / "dance.avi"), passphrase_file, new_passphrase_file, recovery_key_file)


def _add_film_without_video(store: Portfolio) -> None:
    """A demo film saved as on a tablet without a video encoder: its import fails while the
    film is made, so the film keeps its parts and waits for its video."""
    from expressive.registry import discover

    film = discover().get("film")
    client = next(client for client in store.clients() if client.name == DEMO_NAME)
    session = store.sessions(client.id)[0]
    saved = sys.modules.get("av")
    sys.modules["av"] = None  # makes `import av` fail, as where PyAV is not installed
    try:
        drafts = film.demo_drafts(0)
    finally:
        if saved is None:
            del sys.modules["av"]
        else:
            sys.modules["av"] = saved
    store.save_artifact(client.id, session.id, "film", drafts[0])


def _make_midi(path: Path) -> Path:
    import mido

    song = mido.MidiFile(ticks_per_beat=480)
    track = mido.MidiTrack()
    song.tracks.append(track)
    for note in (60, 62, 64, 65, 67, 69, 71, 72) * 4:
        track.append(mido.Message("note_on", note=note, velocity=80, time=0))
        track.append(mido.Message("note_off", note=note, velocity=0, time=240))
    song.save(path)
    return path


def _make_video(path: Path, seconds: float = 4.0, fps: int = 15) -> Path:
    import cv2
    import numpy

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (320, 240))
    for frame_number in range(int(seconds * fps)):
        frame = numpy.full((240, 320, 3), 40, numpy.uint8)
        x = 20 + (frame_number * 9) % 260
        cv2.rectangle(frame, (x, 60), (x + 40, 200), (230, 230, 230), -1)
        writer.write(frame)
    writer.release()
    return path


def new_trial(inputs: Inputs, folder: Path, encrypted: bool) -> Trial:
    if folder.exists():
        shutil.rmtree(folder)
    trial = Trial(folder, inputs, encrypted)
    for needed in (trial.out, trial.tmp, folder / "home"):
        needed.mkdir(parents=True)
    shutil.copytree(inputs.encrypted if encrypted else inputs.plain, trial.root)
    return trial


# --- what the portfolio holds ------------------------------------------------------------


def _open_any(trial: Trial, *, compare_later: bool = False) -> Portfolio:
    """The trial's portfolio, with whichever passphrase opens it now (`compare_later`: as
    the app opens it, its comparison after a crash waited for)."""
    status = Portfolio.status(trial.root)
    if status == "plain":
        return open_compared(trial.root, None, compare_later=compare_later)
    for passphrase in (PASSPHRASE, NEW_PASSPHRASE):
        try:
            return open_compared(trial.root, passphrase, compare_later=compare_later)
        except PortfolioError:
            continue
    raise PortfolioError("neither the old nor the new passphrase opens the portfolio")


def _stale_after_the_fault(trial: Trial) -> list[str]:
    """How the index, as the first open after the fault leaves it (the app's, comparing in
    the background if it must), differs from what a rebuild reads in the files."""
    try:
        with _open_any(trial, compare_later=True) as store:
            as_opened = listing(store)
            store.rebuild_index()
            return stale(as_opened, listing(store))
    except PortfolioError:
        return []  # said below, by the opens that follow


def current_contents(trial: Trial) -> dict:
    """{"clients": {client id: {session id: {artifact id: sorted file hashes}}},
    "names": {client id: name}, "damaged": [what does not verify]}"""
    contents: dict = {"clients": {}, "names": {}, "damaged": []}
    with _open_any(trial) as store:
        for client in store.clients():
            contents["names"][client.id] = client.name
            sessions = contents["clients"].setdefault(client.id, {})
            for session in store.sessions(client.id):
                artifacts = sessions.setdefault(session.id, {})
                for artifact in store.artifacts(client.id, session.id):
                    problems = store.verify_artifact(artifact)
                    if problems:
                        contents["damaged"].append(f"{client.name}/{session.id}/{artifact.id}: {'; '.join(problems)}")
                    artifacts[artifact.id] = sorted(entry.sha256 for entry in artifact.files)
    return contents


# --- one trial's verdict -----------------------------------------------------------------


@dataclass
class Verdict:
    command: str
    fault: str
    problems: list[str] = field(default_factory=list)
    leftovers_with_client_words: int = 0
    seconds: float = 0.0
    # Whether the fault cut work short: something half done was there for the next start.
    cut_mid_work: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def judge(trial: Trial, command: Command, before: dict, answer: subprocess.CompletedProcess | None) -> Verdict:
    """What is wrong after `command` met its fault and the program started again."""
    verdict = Verdict(command.name, "", cut_mid_work=_half_done(trial, command))
    problems = verdict.problems
    if answer is not None:
        problems += _answer_problems(command, answer)
    problems += _stale_after_the_fault(trial)
    next_start = _run_cli(["check", *_passphrase_now(trial)], trial.environment(), root=trial.root)
    if next_start.returncode != 0:
        problems.append(f"check after the fault is not clean: {(next_start.stdout + next_start.stderr).strip()[-400:]}")
    try:
        after = current_contents(trial)
        with _open_any(trial) as store:
            problems += [f"audit log: {problem}" for problem in store.verify_audit()]
    except PortfolioError as error:
        problems.append(f"the portfolio does not open after the fault: {error}")
        return verdict
    problems += after["damaged"]
    problems += _lost_work(command, before, after)
    problems += command.verify(trial, before)
    if answer is not None and answer.returncode != 0:
        problems += _changed_though_refused(command, before, after, trial, answer.stdout + answer.stderr)
    left, with_words = _leftovers(trial, command.output(trial))
    problems += left
    verdict.leftovers_with_client_words = with_words
    return verdict


def _half_done(trial: Trial, command: Command) -> bool:
    finished = command.output(trial)
    if any(path != finished and finished not in path.parents for path in _walk(trial.out)):
        return True
    if Portfolio.status(trial.root) == "migrating":
        return True
    return any(path.name.startswith(".") for path in _walk(trial.root / "clients"))


def _passphrase_now(trial: Trial) -> list[str]:
    if Portfolio.status(trial.root) == "plain":
        return ["--portfolio", str(trial.root)]
    for passphrase_file in (trial.inputs.passphrase_file, trial.inputs.new_passphrase_file):
        try:
            Portfolio.open(trial.root, passphrase=passphrase_file.read_text()).close()
            return ["--portfolio", str(trial.root), "--passphrase-file", str(passphrase_file)]
        except PortfolioError:
            continue
    return ["--portfolio", str(trial.root), "--passphrase-file", str(trial.inputs.passphrase_file)]


def _answer_problems(command: Command, answer: subprocess.CompletedProcess) -> list[str]:
    said = answer.stdout + answer.stderr
    problems = []
    if "Traceback" in said:
        problems.append(f"{command.name} answered with a traceback: {said.strip()[-600:]}")
    elif answer.returncode != 0 and not answer.stderr.strip():
        problems.append(f"{command.name} failed (status {answer.returncode}) and said nothing")
    if answer.returncode not in (0, 1, 2):
        problems.append(f"{command.name} ended with status {answer.returncode}")
    return problems


def _lost_work(command: Command, before: dict, after: dict) -> list[str]:
    problems = []
    for client_id, sessions in before["clients"].items():
        name = before["names"][client_id]
        now = after["clients"].get(client_id)
        if now is None:
            if command.name == "delete" and name == DEMO_NAME:
                continue
            problems.append(f"the client {name} is gone")
            continue
        for session, artifacts in sessions.items():
            for artifact, hashes in artifacts.items():
                found = now.get(session, {}).get(artifact)
                if found != hashes and not (command.name == "films-encode" and _video_added(hashes, found)):
                    problems.append(f"{name}: the piece of work {session}/{artifact} is missing or changed")
    return problems


def _video_added(before: list[str], after: list[str] | None) -> bool:
    """A film kept without its video, now with it: every file as it was, and one more."""
    return after is not None and len(after) == len(before) + 1 and set(before) <= set(after)


def _changed_though_refused(command: Command, before: dict, after: dict, trial: Trial, said: str) -> list[str]:
    """A command that said it failed must not have changed the record, unless it said so."""
    if command.name in ("export-zip", "export-html", "export-pdf", "delete"):
        return []
    if command.name in ("passphrase", "recover"):
        try:
            Portfolio.open(trial.root, passphrase=PASSPHRASE).close()
            return []
        except PortfolioError:
            return [] if "in force" in said else [
                f"{command.name} said it failed, but the new passphrase is in force and it did not say so"
            ]
    if after["clients"] != before["clients"] and command.name != "protect":
        return [f"{command.name} said it failed, but the portfolio changed"]
    return []


def _leftovers(trial: Trial, finished: Path | None) -> tuple[list[str], int]:
    """Anything the command left behind outside the portfolio, and files readable by others."""
    problems: list[str] = []
    with_words = 0
    for path in _walk(trial.out):
        if finished is not None and (path == finished or finished in path.parents):
            if _readable_by_others(path):
                problems.append(f"the finished export {path.relative_to(trial.folder)} is readable by other users")
            continue
        problems.append(f"left behind beside the export: {path.relative_to(trial.folder)}")
        if path.is_file() and _has_client_words(path):
            with_words += 1
    for path in _walk(trial.tmp):
        if path.is_file() and _has_client_words(path):
            problems.append(f"client words in plaintext in the temporary folder: {path.name}")
            with_words += 1
    for path in _walk(trial.root):
        if _readable_by_others(path):
            problems.append(f"readable by other users of the device: {path.relative_to(trial.folder)}")
            break
    if Portfolio.status(trial.root) == "encrypted":
        for path in _walk(trial.root):
            if path.is_file() and _has_client_words(path):
                problems.append(f"client words in plaintext inside the encrypted portfolio: {path.relative_to(trial.root)}")
                with_words += 1
    return problems, with_words


def _walk(folder: Path) -> Iterator[Path]:
    if not folder.exists():
        return
    for here, folders, files in os.walk(folder):
        for name in folders + files:
            yield Path(here) / name


def _readable_by_others(path: Path) -> bool:
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return False
    return not stat.S_ISLNK(mode) and bool(mode & 0o077)


def _has_client_words(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    candidates = [data]
    if data[:4] == b"PK\x03\x04":
        candidates += _unzipped(path)
    return any(words in candidate for candidate in candidates for words in CLIENT_WORDS)


def _unzipped(path: Path) -> list[bytes]:
    """The members of a (possibly cut short) ZIP file: deflated text is not plaintext to grep."""
    try:
        with zipfile.ZipFile(path) as archive:
            return [archive.read(member) for member in archive.namelist()[:200]]
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        return []


# --- running commands --------------------------------------------------------------------

# The verdicts read what a command says ("in use", "full", "in force"), so it says it in English.
EXPRESSIVE = (sys.executable, "-m", "expressive", "--lang", "en")


def _run_cli(args: list[str], environment: dict[str, str], *, root: Path | None = None) -> subprocess.CompletedProcess:
    if root is not None and "--portfolio" not in args:
        args = [*args, "--portfolio", str(root)]
    return subprocess.run([*EXPRESSIVE, *args], capture_output=True, text=True,
                          env=environment, timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL)


def _argv(trial: Trial, command: Command) -> list[str]:
    return [*EXPRESSIVE, *command.argv(trial), "--portfolio", str(trial.root)]


def timed_run(trial: Trial, command: Command) -> tuple[subprocess.CompletedProcess, float]:
    begun = time.perf_counter()
    answer = subprocess.run(_argv(trial, command), capture_output=True, text=True, env=trial.environment(),
                            timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL)
    return answer, time.perf_counter() - begun


def _start_up_seconds(inputs: Inputs, work: Path) -> float:
    """How long the program takes to start and open a portfolio before a command's own work."""
    trial = new_trial(inputs, work / "start-up", True)
    begun = time.perf_counter()
    _run_cli(["clients", *trial.passphrase_args()], trial.environment(), root=trial.root)
    seconds = time.perf_counter() - begun
    shutil.rmtree(trial.folder)
    return seconds


def kill_after(trial: Trial, command: Command, delay: float) -> None:
    child = subprocess.Popen(_argv(trial, command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, env=trial.environment())
    try:
        child.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()


# --- the three faults --------------------------------------------------------------------


@dataclass
class Report:
    verdicts: list[Verdict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def failures(self) -> list[Verdict]:
        return [verdict for verdict in self.verdicts if not verdict.ok]

    def cut_mid_work(self, fault: str, command: str) -> int:
        return sum(verdict.cut_mid_work for verdict in self.verdicts if (verdict.fault, verdict.command) == (fault, command))

    def by_command(self, fault: str) -> dict[str, tuple[int, int]]:
        """{command: (trials without a problem, trials)} for one kind of fault."""
        counts: dict[str, tuple[int, int]] = {}
        for verdict in self.verdicts:
            if verdict.fault == fault:
                ok, total = counts.get(verdict.command, (0, 0))
                counts[verdict.command] = (ok + verdict.ok, total + 1)
        return counts

    def leftovers_with_client_words(self) -> int:
        return sum(verdict.leftovers_with_client_words for verdict in self.verdicts)

    def describe(self) -> str:
        lines = []
        for fault in ("kill", "full", "two-writers"):
            for command, (ok, total) in self.by_command(fault).items():
                lines.append(f"{fault:12} {command:16} {ok}/{total} survived "
                             f"({self.cut_mid_work(fault, command)} left work half done for the next start)")
        lines += [f"skipped: {why}" for why in self.skipped]
        for verdict in self.failures():
            lines += [f"FAILED {verdict.fault} {verdict.command}: {problem}" for problem in verdict.problems]
        return "\n".join(lines)


def run_kills(inputs: Inputs, work: Path, commands=COMMANDS, *, trials: int, seed: int = 0,
              report: Report | None = None) -> Report:
    """`trials` SIGKILLs per command, each at a random instant of its run."""
    report = report or Report()
    chance = random.Random(seed)
    start_up = _start_up_seconds(inputs, work)
    for command in commands:
        trial = new_trial(inputs, work / f"{command.name}-whole", command.encrypted)
        answer, duration = timed_run(trial, command)
        if answer.returncode != 0:
            verdict = Verdict(command.name, "kill", [f"{command.name} fails with no fault at all: {answer.stderr.strip()}"])
            report.verdicts.append(verdict)
            continue
        for number in range(trials):
            trial = new_trial(inputs, work / f"{command.name}-{number}", command.encrypted)
            before = current_contents(trial)
            # Most kills land while the command does its work, after starting up and opening
            # the portfolio; the rest anywhere, start-up included.
            earliest = 0.0 if chance.random() < EARLY_KILL_SHARE else min(start_up * 0.8, duration * 0.5)
            delay = chance.uniform(earliest, duration * 1.05)
            begun = time.perf_counter()
            kill_after(trial, command, delay)
            verdict = judge(trial, command, before, None)
            verdict.fault, verdict.seconds = "kill", time.perf_counter() - begun
            verdict.problems = [f"(killed after {delay:.2f} s) {problem}" for problem in verdict.problems]
            report.verdicts.append(verdict)
            if verdict.ok:
                shutil.rmtree(trial.folder)
    return report


def full_filesystem_available() -> str | None:
    """None when a small real filesystem can be mounted here; else why not."""
    if not sys.platform.startswith("linux"):
        return "a small real filesystem is mounted with Linux's tmpfs"
    if os.geteuid() != 0:
        return "mounting a small real filesystem needs root"
    if shutil.which("mount") is None:
        return "there is no mount command"
    return None


@contextmanager
def small_filesystem(folder: Path, size: int = FULL_FILESYSTEM_BYTES) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        raise OSError(f"cannot mount a small filesystem: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _fill(folder: Path, leave: int) -> Path:
    """Fill the filesystem of `folder` until `leave` bytes are free."""
    filler = folder / "filler"
    with open(filler, "wb") as file:
        while True:
            usage = os.statvfs(folder)
            free = usage.f_bavail * usage.f_frsize
            chunk = min(free - leave, 1 << 20)
            if chunk <= 0:
                break
            try:
                file.write(b"\0" * chunk)
                file.flush()
            except OSError:
                break
    return filler


def run_full(inputs: Inputs, work: Path, commands=COMMANDS, *, report: Report | None = None) -> Report:
    """Each command on a real filesystem with almost no room left, at several amounts of room."""
    report = report or Report()
    why_not = full_filesystem_available()
    if why_not:
        report.skipped.append(f"the full filesystem: {why_not}")
        return report
    for command in commands:
        for leave in FREE_BYTES:
            with small_filesystem(work / "small") as mount:
                trial = new_trial(inputs, mount / "trial", command.encrypted)
                before = current_contents(trial)
                filler = _fill(mount, leave)
                begun = time.perf_counter()
                answer, _ = timed_run(trial, command)
                filler.unlink()
                verdict = judge(trial, command, before, answer)
                if answer.returncode != 0 and "full" not in answer.stderr:
                    verdict.problems.append(f"{command.name} failed on a full device without saying so: "
                                            f"{answer.stderr.strip()[-300:]}")
                verdict.fault, verdict.seconds = "full", time.perf_counter() - begun
                verdict.problems = [f"({leave} bytes free) {problem}" for problem in verdict.problems]
                report.verdicts.append(verdict)
    return report


# Two programs started at once on one portfolio: a MIDI import beside another import, a
# check --repair (which removes unfinished saves: never another program's save in
# progress) or an archive import (which builds a whole client out of sight).
WRITER_PAIRS = (("import-midi", "import-midi"), ("check-repair", "import-midi"), ("import-archive", "import-midi"))


def run_two_writers(inputs: Inputs, work: Path, *, rounds: int = 3, report: Report | None = None) -> Report:
    """Each pair of WRITER_PAIRS started at once on one portfolio, `rounds` times: each
    program either does its work or says plainly that the portfolio is in use; every MIDI
    import acknowledged is there, nothing acknowledged before is lost and the audit chain
    stays whole."""
    report = report or Report()
    by_name = {command.name: command for command in COMMANDS}
    midi = by_name["import-midi"]
    for first, second in WRITER_PAIRS:
        trial = new_trial(inputs, work / f"two-writers-{first}-{second}", True)
        pair = (by_name[first], by_name[second])
        for _round in range(rounds):
            before = current_contents(trial)
            children = [
                subprocess.Popen(_argv(trial, command), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 stdin=subprocess.DEVNULL, env=trial.environment())
                for command in pair
            ]
            answers = []
            for child in children:
                stdout, stderr = child.communicate(timeout=COMMAND_TIMEOUT)
                answers.append(subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr))
            verdict = judge(trial, midi, before, None)
            verdict.fault = "two-writers"
            verdict.command = f"{first}+{second}"
            for command, answer in zip(pair, answers):
                verdict.problems += _answer_problems(command, answer)
                if answer.returncode != 0 and "in use" not in answer.stderr:
                    verdict.problems.append(
                        f"{command.name} failed without saying the portfolio is in use: {answer.stderr.strip()}")
            saved = sum(answer.returncode == 0 for command, answer in zip(pair, answers) if command is midi)
            demo = _demo_client(before)
            added = sum(map(len, current_contents(trial)["clients"][demo].values())) - sum(
                map(len, before["clients"][demo].values()))
            if added != saved:
                verdict.problems.append(f"{saved} MIDI imports were acknowledged but {added} pieces of work were added")
            report.verdicts.append(verdict)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m expressive.tools.faults.commands", description=__doc__.split("\n")[0])
    parser.add_argument("fault", choices=("kill", "full", "two-writers", "all"))
    parser.add_argument("--trials", type=int, default=3, help="kills per command")
    parser.add_argument("--command", action="append", choices=COMMAND_NAMES, help="only these commands")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    commands = [command for command in COMMANDS if not args.command or command.name in args.command]
    with tempfile.TemporaryDirectory(prefix="expressive-faults-") as scratch:
        work = Path(scratch)
        inputs = prepare_inputs(work / "inputs")
        report = Report()
        if args.fault in ("kill", "all"):
            run_kills(inputs, work, commands, trials=args.trials, seed=args.seed, report=report)
        if args.fault in ("full", "all"):
            run_full(inputs, work, commands, report=report)
        if args.fault in ("two-writers", "all"):
            run_two_writers(inputs, work, report=report)
        if args.json:
            print(json.dumps([verdict.__dict__ for verdict in report.verdicts]))
        else:
            print(report.describe())
    return 1 if report.failures() else 0


if __name__ == "__main__":
    sys.exit(main())
