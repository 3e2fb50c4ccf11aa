"""Test set-up: Kivy runs in a real (virtual) display with Mesa's software OpenGL.

The environment is prepared before any test module imports Kivy; tests that need a
window take the `window` fixture and drive it with `expressive.tools.driver`.
"""

import os
import tempfile

import pytest

# Hermetic: nothing from the caller's shell or home folder reaches a test or the programs it
# starts. Tests that need one of these variables set it themselves.
for _name in [name for name in os.environ if name.startswith("EXPRESSIVE_")]:
    del os.environ[_name]
_home = tempfile.mkdtemp(prefix="expressive-test-home-")
os.environ["HOME"] = _home
for _variable, _folder in (("XDG_DATA_HOME", ".local/share"), ("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache")):
    os.environ[_variable] = os.path.join(_home, _folder)
# The words the tests read are English whatever the caller's locale; a test that wants
# another language asks for it.
for _variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_variable, None)
os.environ["LANG"] = "C.UTF-8"
os.environ["KIVY_HOME"] = tempfile.mkdtemp(prefix="expressive-kivy-home-")

from expressive.ui.display import prepare_kivy  # noqa: E402

prepare_kivy(headless_ok=True)

# The files that take minutes, longest first. The two workers take files in the order they
# are collected (`--no-loadscope-reorder`), so these start at once and the many short files
# fill the time beside them, instead of the longest walk starting when all else is done.
SLOWEST_FILES = (
    "tests/ui/test_every_size_longest.py",
    "tests/test_wheel.py",
    "tests/ui/test_every_size.py",
    "tests/ui/test_client_mode_reach.py",
)


def pytest_collection_modifyitems(config, items):
    def place(item) -> int:
        file = item.nodeid.split("::")[0]
        return SLOWEST_FILES.index(file) if file in SLOWEST_FILES else len(SLOWEST_FILES)

    items.sort(key=place)


@pytest.fixture(scope="session")
def window():
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    return EventLoop.window


@pytest.fixture(autouse=True)
def window_size_put_back(request):
    """A test that turns or resizes the window leaves it as every test finds it (the window
    is one for the whole run, and a test after it may be on a landscape tablet)."""
    yield
    if "window" not in request.fixturenames:
        return
    from kivy.base import EventLoop

    from expressive.ui.display import WINDOW_SIZE

    if EventLoop.window is not None and tuple(EventLoop.window.size) != tuple(WINDOW_SIZE):
        EventLoop.window.size = WINDOW_SIZE


@pytest.fixture
def portfolio_dir(tmp_path):
    return tmp_path / "portfolio"


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory):
    """`demo_copy(target, passphrase=None)`: a copy of the demo portfolio at `target` (see
    `sample_work.DemoTemplates`), its templates made once for the whole run: the workers
    share the run's temporary folder (each has a folder of its own inside it)."""
    from sample_work import DemoTemplates

    base = tmp_path_factory.getbasetemp()
    return DemoTemplates((base.parent if "PYTEST_XDIST_WORKER" in os.environ else base) / "demo-templates").copy


@pytest.fixture
def one_client_app(window, tmp_path):
    """The app on a new portfolio with one client, Sam."""
    from expressive.portfolio import Portfolio
    from expressive.tools.driver import start_app, stop_app

    store = Portfolio.open(tmp_path / "portfolio")
    store.add_client("Sam")
    running = start_app(store)
    yield running
    stop_app(running)
