"""`expressive stress`: the fault harnesses' figures, printed beside their budgets.

Kills survived per command that writes, the same on a really full filesystem, two writers
at once, leftovers holding client words, and the hostile-input corpus's worst peak memory
and longest answer. `expressive bench` runs a smaller round of it with its other figures.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from expressive.api.measure import Figure
from expressive.tools.faults import commands as harness
from expressive.tools.faults import hostile
from expressive.tools.report import print_figure

MIB = 1024 * 1024
QUICK_COMMANDS = ("export-zip", "import-midi")


def stress_figures(scratch: Path, *, kills_per_command: int, quick: bool = False) -> list[Figure]:
    """Run every fault harness in `scratch`; one figure per command and fault, each with the
    number of trials that found a problem (budget 0), and the hostile corpus's extremes.
    `quick` (a smoke run) kills two commands only, fills no filesystem and tries each pair
    of writers once."""
    inputs = harness.prepare_inputs(scratch / "inputs")
    commands = [command for command in harness.COMMANDS if not quick or command.name in QUICK_COMMANDS]
    report = harness.run_kills(inputs, scratch, commands, trials=kills_per_command)
    if not quick:
        harness.run_full(inputs, scratch, report=report)
    harness.run_two_writers(inputs, scratch, rounds=1 if quick else 3, report=report)
    figures = []
    for fault in ("kill", "full", "two-writers"):
        for command, (survived, tried) in report.by_command(fault).items():
            figures.append(Figure(f"{fault}_{command}", tried - survived, "", 0,
                                  f"{survived}/{tried} {fault} trials with nothing wrong afterwards"))
    figures.append(Figure("leftovers_with_client_words", report.leftovers_with_client_words(), "", 0,
                          "files holding client words left outside the portfolio or a finished export"))
    answers = [hostile.run_in_child(case.name) for case in hostile.cases()]
    worst_memory = max(answers, key=lambda answer: answer.peak_bytes)
    slowest = max(answers, key=lambda answer: answer.seconds)
    failing = [answer.case.name for answer in answers if not answer.holds]
    figures += [
        Figure("hostile_peak_memory", worst_memory.peak_bytes / MIB, "MiB", hostile.MEMORY_BUDGET_BYTES / MIB,
               f"worst of {len(answers)} hostile inputs: {worst_memory.case.name}"),
        Figure("hostile_longest_answer", slowest.seconds, "s", hostile.TIME_BUDGET_SECONDS,
               f"slowest of {len(answers)} hostile inputs: {slowest.case.name}"),
        Figure("hostile_not_refused_plainly", len(failing), "", 0,
               "hostile inputs not refused in a sentence naming the bound, or that changed the portfolio"
               + (f": {', '.join(failing)}" if failing else "")),
    ]
    for why in report.skipped:
        figures.append(Figure("skipped", 0, "", 0, why))
    for verdict in report.failures():
        for problem in verdict.problems:
            figures.append(Figure(f"problem_{verdict.fault}_{verdict.command}", 1, "", 0, problem))
    return figures


def run_stress(*, kills_per_command: int, as_json: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="expressive-stress-") as scratch:
        figures = stress_figures(Path(scratch), kills_per_command=kills_per_command)
    for figure in figures:
        print_figure(figure, as_json)
    return 0 if all(figure.within_budget for figure in figures) else 1
