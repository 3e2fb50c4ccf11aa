"""Getting a window to draw into: a real display, or a virtual one for headless machines.

Kivy needs an OpenGL context even to render off-screen. On a machine with no display
(CI, a server, `expressive screenshot` over ssh) we start Xvfb and use Mesa's software
OpenGL, the same path the tests take.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import time
from pathlib import Path

from expressive.i18n import _

WINDOW_SIZE = (1280, 800)


class DisplayUnavailable(RuntimeError):
    pass


def _free_display_number() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise DisplayUnavailable(_("No free X display number between :90 and :199."))


def start_virtual_display() -> str:
    """Start Xvfb on a free display, stop it at exit; returns the DISPLAY value."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise DisplayUnavailable(
            _("There is no display and Xvfb is not installed. Install it with 'apt-get install xvfb' or run where a screen is attached.")
        )
    for _attempt in range(5):
        display = f":{_free_display_number()}"
        process = subprocess.Popen(
            [xvfb, display, "-screen", "0", f"{WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        socket = Path(f"/tmp/.X11-unix/X{display[1:]}")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None and not socket.exists():
            time.sleep(0.02)
        if socket.exists() and process.poll() is None:
            atexit.register(_stop, process)
            return display
        _stop(process)
    raise DisplayUnavailable(_("Xvfb did not start."))


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def prepare_kivy(*, headless_ok: bool, size: tuple[int, int] = WINDOW_SIZE) -> None:
    """Set up the environment Kivy reads at import; call before importing kivy.

    With `headless_ok`, a missing display is replaced by a virtual one.
    """
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "MIXED")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        if not headless_ok:
            raise DisplayUnavailable(
                _("No display found. Run Expressive on a tablet or desktop with a screen, or use 'expressive screenshot' to render screens without one.")
            )
        os.environ["DISPLAY"] = start_virtual_display()
        os.environ.setdefault("LIBGL_ALWAYS_SOFTWARE", "1")
    import kivy
    from kivy.config import Config

    from expressive.portfolio.atomic import make_all_private

    # Importing Kivy made its home folder (settings, logs, a copy of its icons) with the
    # modes of the files it copied; it is the therapist's user's alone, as the portfolio is.
    make_all_private(Path(kivy.kivy_home_dir))
    Config.set("graphics", "width", str(size[0]))
    Config.set("graphics", "height", str(size[1]))
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("kivy", "exit_on_escape", "0")
    # Kivy's developer modules, which a Kivy config file on the device may name, must never run
    # under a client: the inspector shows and changes every widget, the recorder writes every
    # touch to a file, keybinding saves screenshots of the client's work in plain files.
    for module, _options in Config.items("modules"):
        Config.remove_option("modules", module)
