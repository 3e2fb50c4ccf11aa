"""The command line, run as a therapist's IT person would: a separate process, real folders."""

import os
import re
import subprocess
import sys

import pytest
from PIL import Image

from expressive.registry import discover


def expressive(*args, env=None):
    environment = dict(os.environ)
    environment.pop("EXPRESSIVE_PORTFOLIO", None)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "expressive", *args], capture_output=True, text=True, env=environment, timeout=300
    )


@pytest.fixture(scope="module")
def demo_portfolio(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli") / "portfolio"
    result = expressive("demo", "--portfolio", str(root))
    assert result.returncode == 0, result.stderr
    assert "Robin (demo)" in result.stdout
    return root


def test_demo_makes_a_client_with_sessions_and_work_of_every_activity(demo_portfolio):
    from expressive.portfolio import Portfolio

    with Portfolio.open(demo_portfolio) as store:
        (client,) = store.clients()
        sessions = store.sessions(client.id)
        assert len(sessions) == 3
        made = {artifact.activity for artifact in store.artifacts(client.id)}
        # Each activity makes demo work in every session, or (a puppet play, slow to film) in one.
        assert made == set(discover().activities)
        for session in sessions:
            artifacts = store.artifacts(client.id, session.id)
            assert len(artifacts) >= len(made) - 1
            assert all(artifact.title and artifact.about for artifact in artifacts)
            assert store.therapist_note(client.id, session.id)
            assert session.feeling_in and session.feeling_out


def test_clients_lists_them_and_the_environment_variable_chooses_the_portfolio(demo_portfolio, tmp_path):
    listed = expressive("clients", env={"EXPRESSIVE_PORTFOLIO": str(demo_portfolio)})
    assert listed.returncode == 0
    assert "Robin (demo), born 2017  (3 sessions)" in listed.stdout
    empty = expressive("clients", "--portfolio", str(tmp_path / "new"))
    assert "No clients yet" in empty.stdout
    before_the_command = expressive("--portfolio", str(demo_portfolio), "clients")
    assert "Robin (demo)" in before_the_command.stdout, "--portfolio counts before the command too"


def test_check_passes_then_names_a_damaged_file_and_exits_non_zero(demo_portfolio, tmp_path):
    import shutil

    from expressive.portfolio import Portfolio

    copy = tmp_path / "copy"
    shutil.copytree(demo_portfolio, copy)
    with Portfolio.open(demo_portfolio) as store:
        pieces = len(store.artifacts(store.clients()[0].id))
    intact = expressive("check", "--portfolio", str(copy))
    assert intact.returncode == 0, intact.stdout
    assert f"Checked {pieces} artifacts" in intact.stdout and "all intact" in intact.stdout
    progress = re.findall(r"Checked (\d+) of (\d+) records", intact.stderr)
    assert progress and progress[-1][0] == progress[-1][1], "a long check tells how far it is, to the end"
    (png,) = list(copy.glob("clients/*/sessions/*/artifacts/01-*/drawing.png"))[:1]
    data = bytearray(png.read_bytes())
    data[len(data) // 2] ^= 0xFF
    png.write_bytes(bytes(data))
    (copy / "index.sqlite").unlink()
    damaged = expressive("check", "--portfolio", str(copy))
    assert damaged.returncode == 1
    assert "PROBLEM" in damaged.stdout and "drawing.png" in damaged.stdout
    assert damaged.stdout.count("PROBLEM") == 1, "only the damaged file is named"
    assert (copy / "index.sqlite").exists(), "check rebuilds the index"


def test_an_unwritable_portfolio_location_gives_a_plain_message(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = expressive("clients", "--portfolio", str(blocker / "portfolio"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(blocker / "portfolio") in result.stderr


def test_activities_lists_drawing():
    result = expressive("activities")
    assert result.returncode == 0
    assert result.stdout.startswith("drawing")


@pytest.mark.parametrize("screen", ["clients", "portfolio", "drawing"])
def test_screenshot_renders_a_screen_without_changing_the_portfolio(demo_portfolio, tmp_path, screen):
    before = sorted(path.relative_to(demo_portfolio) for path in demo_portfolio.rglob("*") if "index.sqlite" not in path.name)
    out = tmp_path / f"{screen}.png"
    result = expressive("screenshot", screen, "--out", str(out), "--portfolio", str(demo_portfolio))
    assert result.returncode == 0, result.stderr
    picture = Image.open(out).convert("RGB")
    assert picture.size == (1280, 800)
    assert len(picture.resize((64, 40)).getcolors(4096)) > 10, "the screen is not blank"
    after = sorted(path.relative_to(demo_portfolio) for path in demo_portfolio.rglob("*") if "index.sqlite" not in path.name)
    assert before == after


def test_the_app_explains_on_screen_when_its_portfolio_cannot_be_opened(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = expressive("run", "--quit-after-first-frame", "--portfolio", str(blocker / "portfolio"))
    assert result.returncode == 2
    assert "first-frame" in result.stdout, "a screen with the explanation was shown"
    assert "Cannot write to the portfolio folder" in result.stderr and "Traceback" not in result.stderr


def test_screenshot_without_a_portfolio_uses_a_scratch_demo_and_writes_nothing_else(tmp_path):
    out = tmp_path / "launcher.png"
    data_home = tmp_path / "data-home"
    result = expressive("screenshot", "launcher", "--out", str(out), env={"XDG_DATA_HOME": str(data_home)})
    assert result.returncode == 0, result.stderr
    assert Image.open(out).size == (1280, 800)
    assert not data_home.exists(), "the default portfolio was not touched"


def test_the_hosts_own_commands_load_no_activity_and_activity_commands_are_offered(tmp_path):
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys; from expressive import cli; status = cli.main(['clients', '--portfolio', "
         f"{str(tmp_path / 'portfolio')!r}]); print(sorted(m for m in sys.modules if m.startswith('expressive.activities')))"
         "; sys.exit(status)"],
        capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.splitlines()[-1] == "[]"
    assert "movement" in expressive("--help").stdout
    assert expressive("movement", "--help").returncode == 0


# A daemon thread inside OpenCV (as the camera's, a film's or movement's can be) when the
# program ends; Python's own exit ends it from under OpenCV, and the process aborts.
BUSY_IN_OPENCV_AT_EXIT = """
import sys, threading, time, numpy, cv2
frame = numpy.zeros((1500, 1500, 3), dtype=numpy.uint8)
def blur_for_ever():
    while True:
        cv2.GaussianBlur(frame, (31, 31), 0)
threading.Thread(target=blur_for_ever, daemon=True).start()
time.sleep(0.2)
from expressive.cli import entry
entry()
"""


@pytest.mark.parametrize("command", [["activities"], ["--version"]])
def test_the_program_ends_cleanly_while_a_thread_is_inside_opencv(command):
    for _attempt in range(3):
        ended = subprocess.run([sys.executable, "-c", BUSY_IN_OPENCV_AT_EXIT, *command], capture_output=True, text=True,
                               timeout=120)
        assert ended.returncode == 0, ended.stderr
        assert "terminate called" not in ended.stderr
