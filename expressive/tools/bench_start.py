"""How fast the app starts: from launching the process to its first frame, beside Kivy's
own hello world started the same way in the same run (the floor no Kivy app goes below on
this machine, however loaded it is)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from expressive.api.measure import Figure

# A Kivy app that shows one label, set up as the app is (expressive.ui.display), reporting
# its first frame as `expressive run --quit-after-first-frame` does.
HELLO_WORLD = """
import time
from expressive.ui.display import prepare_kivy
prepare_kivy(headless_ok=True)
from kivy.app import App
from kivy.clock import Clock
from kivy.uix.label import Label

class HelloWorld(App):
    def build(self):
        return Label(text="Hello world")

    def on_start(self):
        Clock.schedule_once(self.drawn, 0)

    def drawn(self, _elapsed):
        print(f"first-frame {time.time():.6f}", flush=True)
        self.stop()

HelloWorld().run()
"""


def seconds_to_first_frame(command: list[str]) -> float:
    """From launching `command` to the first frame it reports ("first-frame <time>")."""
    started = time.time()
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    marks = [line for line in result.stdout.splitlines() if line.startswith("first-frame ")]
    if result.returncode != 0 or not marks:
        raise RuntimeError(f"{' '.join(command[1:])} did not start: {result.stderr.strip()[-500:]}")
    return float(marks[0].split()[1]) - started


def start_figures(quick: bool) -> list[Figure]:
    """`app_start_to_first_screen`, the median of cold starts of the app (a fresh process
    each, on a new portfolio: the set-up screen), and `start_vs_hello_world`, that median
    over the median of Kivy's hello world. The two are started in turns, so that the load
    of the machine weighs on both alike."""
    from expressive.ui.display import prepare_kivy

    # One display for every process started here (a virtual one when there is none), so
    # that starting a display is no part of either figure.
    prepare_kivy(headless_ok=True)
    runs = 3 if quick else 7
    app_starts, hello_starts = [], []
    with tempfile.TemporaryDirectory(prefix="expressive-bench-") as scratch:
        # A file, not `python -c`: Kivy looks for an app's rules beside its source file.
        hello_world = Path(scratch) / "hello_world.py"
        hello_world.write_text(HELLO_WORLD, encoding="utf-8")
        for run in range(runs):
            app_starts.append(seconds_to_first_frame(
                [sys.executable, "-m", "expressive", "run", "--quit-after-first-frame", "--portfolio", f"{scratch}/{run}"]))
            hello_starts.append(seconds_to_first_frame([sys.executable, str(hello_world)]))
    app, hello = statistics.median(app_starts), statistics.median(hello_starts)
    return [
        Figure("app_start_to_first_screen", app, "s", 2.0,
               f"median of {runs} cold starts, process launch to first frame"),
        Figure("start_vs_hello_world", app / hello, "x", 2.0,
               f"app start to first frame ({app:.2f} s, median of {runs}) over Kivy's hello world "
               f"started the same way in the same run ({hello:.2f} s)"),
    ]
