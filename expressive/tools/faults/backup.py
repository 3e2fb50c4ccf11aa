"""`expressive backup` met by real faults, against real restic and the real command line:

- **kill**: SIGKILL of the command and of its restic together (their process group) at a
  random instant of a first backup to a new repository (making it, then uploading), and
  of a restore (which must leave nothing under the new portfolio's name, or all of it);
- **full**: the repository on a real, small filesystem filled to a few bytes, or a few MB,
  of free space (tmpfs: only as root; otherwise skipped, with why); and a restore onto one.

After each, the repository must pass `restic check` (after `restic unlock` has removed a
killed restic's stale lock), the next backup must complete, and the portfolio must still be
whole (`expressive check` clean). A full repository must be said to be full.

    python -m expressive.tools.faults.backup kill --trials 3
    python -m expressive.tools.faults.backup full
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from expressive.portfolio import Portfolio

from .commands import CHEAP_KDF, EXPRESSIVE, PASSPHRASE, _fill, full_filesystem_available, small_filesystem

REPOSITORY_PASSWORD = "harness repository password"
COMMAND_TIMEOUT = 300.0
# Free space left where the repository is: none, a few KB, a few MB (less than the demo).
FREE_BYTES = (0, 20_000, 3_000_000)
FULL_FILESYSTEM_BYTES = 48 * 1024 * 1024


@dataclass
class Inputs:
    portfolio: Path
    passphrase_file: Path
    password_file: Path


def prepare_inputs(folder: Path) -> Inputs:
    """The demo client in an encrypted portfolio (cheap key derivation), to copy for each trial."""
    from expressive.demo import make_demo

    folder.mkdir(parents=True, exist_ok=True)
    root = folder / "portfolio"
    Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        make_demo(store)
    (folder / "passphrase").write_text(PASSPHRASE)
    (folder / "password").write_text(REPOSITORY_PASSWORD)
    return Inputs(root, folder / "passphrase", folder / "password")


def environment(folder: Path) -> dict[str, str]:
    """Ours without EXPRESSIVE_* and RESTIC_* settings; home, cache and temporary files in `folder`."""
    chosen = {name: value for name, value in os.environ.items() if not name.startswith(("EXPRESSIVE_", "RESTIC_"))}
    for name in ("HOME", "XDG_CACHE_HOME", "TMPDIR"):
        (folder / name.lower()).mkdir(parents=True, exist_ok=True)
        chosen[name] = str(folder / name.lower())
    return chosen


def _backup_argv(inputs: Inputs, root: Path, repository: Path) -> list[str]:
    return [*EXPRESSIVE, "backup", "--portfolio", str(root), "--to", str(repository),
            "--passphrase-file", str(inputs.passphrase_file), "--password-file", str(inputs.password_file)]


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=COMMAND_TIMEOUT,
                          stdin=subprocess.DEVNULL)


def _restic(inputs: Inputs, repository: Path, env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    return _run(["restic", "--repo", str(repository), "--password-file", str(inputs.password_file), *arguments], env)


def _afterwards(inputs: Inputs, root: Path, repository: Path, env: dict[str, str]) -> list[str]:
    """What is wrong after a fault: the repository fails its check, the next backup does
    not complete, or the portfolio is not whole."""
    problems = []
    if (repository / "config").exists():
        _restic(inputs, repository, env, "unlock")
        checked = _restic(inputs, repository, env, "check")
        if checked.returncode != 0:
            problems.append(f"restic check fails after the fault: {checked.stderr.strip()[-300:]}")
    again = _run(_backup_argv(inputs, root, repository), env)
    if again.returncode != 0:
        problems.append(f"the next backup does not complete: {again.stderr.strip()[-300:]}")
    checked = _restic(inputs, repository, env, "check")
    if checked.returncode != 0:
        problems.append(f"restic check fails after the next backup: {checked.stderr.strip()[-300:]}")
    portfolio = _run([*EXPRESSIVE, "check", "--portfolio", str(root), "--passphrase-file", str(inputs.passphrase_file)],
                     env)
    if portfolio.returncode != 0:
        problems.append(f"the portfolio is not whole: {portfolio.stdout.strip()[-300:]}")
    return problems


def _new_trial(inputs: Inputs, folder: Path) -> tuple[Path, Path, dict[str, str]]:
    root = folder / "portfolio"
    shutil.copytree(inputs.portfolio, root)
    return root, folder / "repository", environment(folder)


def run_kills(inputs: Inputs, work: Path, *, trials: int, seed: int) -> list[str]:
    """`trials` kills at random instants of a first backup; the problems found, in words."""
    chance = random.Random(seed)
    root, repository, env = _new_trial(inputs, work / "whole")
    begun = time.perf_counter()
    whole = _run(_backup_argv(inputs, root, repository), env)
    duration = time.perf_counter() - begun
    if whole.returncode != 0:
        return [f"the backup fails with no fault at all: {whole.stderr.strip()[-300:]}"]
    problems = []
    for number in range(trials):
        root, repository, env = _new_trial(inputs, work / f"kill-{number}")
        delay = chance.uniform(0, duration * 1.05)
        child = subprocess.Popen(_backup_argv(inputs, root, repository), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        try:
            child.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            _wait_until_gone(child.pid)
        found = _afterwards(inputs, root, repository, env)
        problems += [f"(killed after {delay:.2f} s of {duration:.2f} s) {problem}" for problem in found]
        if not found:
            shutil.rmtree(work / f"kill-{number}")
    return problems


def _restore_argv(inputs: Inputs, repository: Path, target: Path) -> list[str]:
    return [*EXPRESSIVE, "restore", "--from", str(repository), "--portfolio", str(target),
            "--passphrase-file", str(inputs.passphrase_file), "--password-file", str(inputs.password_file)]


def run_restore_kills(inputs: Inputs, work: Path, *, trials: int, seed: int) -> list[str]:
    """`trials` kills at random instants of a restore: the new folder is then absent or a
    whole portfolio that checks clean, and the next restore (into a new name, or the same
    one when it is absent) completes, leaving no hidden staging folder beside it."""
    chance = random.Random(seed)
    root, repository, env = _new_trial(inputs, work / "restore-source")
    backed_up = _run(_backup_argv(inputs, root, repository), env)
    if backed_up.returncode != 0:
        return [f"the backup to restore fails: {backed_up.stderr.strip()[-300:]}"]
    begun = time.perf_counter()
    whole = _run(_restore_argv(inputs, repository, work / "restore-whole" / "portfolio"), env)
    duration = time.perf_counter() - begun
    if whole.returncode != 0:
        return [f"the restore fails with no fault at all: {whole.stderr.strip()[-300:]}"]
    problems = []
    for number in range(trials):
        folder = work / f"restore-kill-{number}"
        folder.mkdir()
        target = folder / "portfolio"
        delay = chance.uniform(0, duration * 1.05)
        child = subprocess.Popen(_restore_argv(inputs, repository, target), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        try:
            child.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            _wait_until_gone(child.pid)
        found = []
        if target.exists():
            checked = _run([*EXPRESSIVE, "check", "--portfolio", str(target),
                            "--passphrase-file", str(inputs.passphrase_file)], env)
            if checked.returncode != 0:
                found.append(f"a half portfolio stands under the new name: {checked.stdout.strip()[-300:]}")
        else:
            again = _run(_restore_argv(inputs, repository, target), env)
            if again.returncode != 0:
                found.append(f"the next restore does not complete: {again.stderr.strip()[-300:]}")
            left = [entry.name for entry in folder.iterdir() if entry.name != "portfolio"]
            if left:
                found.append(f"the next restore left {left} beside the portfolio")
        problems += [f"(restore killed after {delay:.2f} s of {duration:.2f} s) {problem}" for problem in found]
        if not found:
            shutil.rmtree(folder)
    return problems


def _wait_until_gone(group: int, timeout: float = 10.0) -> None:
    """Until every process of `group` is gone (and reaped): restic takes a lock whose
    program still exists, even dying, for a live one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def run_full(inputs: Inputs, work: Path, *, free_bytes=FREE_BYTES) -> tuple[list[str], str | None]:
    """A backup to a repository on a full filesystem, at several amounts of room; the
    problems found, and why the trial was skipped (None when it ran)."""
    why_not = full_filesystem_available()
    if why_not:
        return [], why_not
    problems = []
    for leave in free_bytes:
        root, _unused, env = _new_trial(inputs, work / f"full-{leave}")
        with small_filesystem(work / f"small-{leave}", FULL_FILESYSTEM_BYTES) as mount:
            repository = mount / "repository"
            filler = _fill(mount, leave)
            answer = _run(_backup_argv(inputs, root, repository), env)
            if answer.returncode == 0:
                problems.append(f"({leave} bytes free) the backup says it completed on a full filesystem")
            elif "full" not in answer.stderr or "Traceback" in answer.stderr:
                problems.append(f"({leave} bytes free) a full repository is not said plainly: {answer.stderr.strip()[-300:]}")
            filler.unlink()
            problems += [f"({leave} bytes free) {problem}" for problem in _afterwards(inputs, root, repository, env)]
    return problems, None


def run_full_restore(inputs: Inputs, work: Path, *, free_bytes=FREE_BYTES) -> tuple[list[str], str | None]:
    """A restore onto a full filesystem: said to be full, nothing left under the new name or
    beside it, and the restore after freeing space completes."""
    why_not = full_filesystem_available()
    if why_not:
        return [], why_not
    root, repository, env = _new_trial(inputs, work / "full-restore-source")
    backed_up = _run(_backup_argv(inputs, root, repository), env)
    if backed_up.returncode != 0:
        return [f"the backup to restore fails: {backed_up.stderr.strip()[-300:]}"], None
    problems = []
    for leave in free_bytes:
        with small_filesystem(work / f"small-restore-{leave}", FULL_FILESYSTEM_BYTES) as mount:
            filler = _fill(mount, leave)
            target = mount / "portfolio"
            answer = _run(_restore_argv(inputs, repository, target), env)
            if answer.returncode == 0:
                problems.append(f"({leave} bytes free) the restore says it completed on a full filesystem")
            elif "full" not in answer.stderr or "Traceback" in answer.stderr:
                problems.append(f"({leave} bytes free) a full device is not said plainly: {answer.stderr.strip()[-300:]}")
            left = sorted(entry.name for entry in mount.iterdir() if entry.name != "filler")
            if left:
                problems.append(f"({leave} bytes free) the failed restore left {left}")
            filler.unlink()
            again = _run(_restore_argv(inputs, repository, target), env)
            if again.returncode != 0:
                problems.append(f"({leave} bytes free) the restore after freeing space fails: "
                                f"{again.stderr.strip()[-300:]}")
    return problems, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m expressive.tools.faults.backup", description=__doc__.split("\n")[0])
    parser.add_argument("fault", choices=("kill", "full", "all"))
    parser.add_argument("--trials", type=int, default=3, help="kills")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="expressive-backup-faults-") as scratch:
        work = Path(scratch)
        inputs = prepare_inputs(work / "inputs")
        problems = []
        if args.fault in ("kill", "all"):
            problems += run_kills(inputs, work, trials=args.trials, seed=args.seed)
            problems += run_restore_kills(inputs, work, trials=args.trials, seed=args.seed)
        if args.fault in ("full", "all"):
            found, skipped = run_full(inputs, work)
            problems += found + run_full_restore(inputs, work)[0]
            if skipped:
                print(f"skipped the full filesystem: {skipped}")
    for problem in problems:
        print(f"FAILED {problem}")
    print("no problems" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
