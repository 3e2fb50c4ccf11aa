"""`expressive movement VIDEO --client CLIENT`: a video recorded elsewhere is analysed as
if it came from the camera; an unreadable one changes nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from expressive.activities.movement.clips import write_moving_shape_clip
from expressive.portfolio import Portfolio
from sample_work import tree_fingerprint

VTEST = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "video" / "vtest.avi"


def expressive(*args):
    environment = {key: value for key, value in os.environ.items() if key != "EXPRESSIVE_PORTFOLIO"}
    return subprocess.run([sys.executable, "-m", "expressive", *args], capture_output=True, text=True, env=environment, timeout=300)


@pytest.fixture
def portfolio(tmp_path):
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as store:
        client = store.add_client("Robin")
    return root, client


def test_a_video_is_analysed_and_its_record_kept(portfolio, tmp_path):
    root, client = portfolio
    clip = write_moving_shape_clip(tmp_path / "dance.avi", seconds=3, fps=15)
    result = expressive("movement", str(clip), "--client", "Robin", "--portfolio", str(root))
    assert result.returncode == 0, result.stderr
    assert "seconds of movement" in result.stdout and "Kept in Robin's portfolio" in result.stdout
    with Portfolio.open(root) as store:
        (artifact,) = store.artifacts(client.id)
        names = {entry.name for entry in artifact.files}
        assert artifact.kind == "movement" and {"movement.png", "features.json", "features.png"} <= names
        assert "video.avi" not in names, "a video from elsewhere is analysed, not copied in"
        assert store.session(client.id, artifact.session_id).plan_id == "imported"


@pytest.mark.parametrize("content", [b"", b"this is a letter, not a film", b"RIFF\x00\x00\x00\x00AVI LIST"])
def test_an_unreadable_video_gives_a_plain_message_and_changes_nothing(portfolio, tmp_path, content):
    root, _client = portfolio
    (tmp_path / "broken.avi").write_bytes(content)
    before = tree_fingerprint(root)
    result = expressive("movement", str(tmp_path / "broken.avi"), "--client", "Robin", "--portfolio", str(root))
    assert result.returncode == 1
    assert "could not be read" in result.stderr and "Nothing was changed." in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_fingerprint(root) == before


@pytest.mark.skipif(not VTEST.is_file(), reason=f"the shared test video is not at {VTEST}")
def test_real_footage_of_people_walking_is_summarised(portfolio):
    root, _client = portfolio
    result = expressive("movement", str(VTEST), "--client", "Robin", "--portfolio", str(root))
    assert result.returncode == 0, result.stderr
    assert "14 seconds of movement" in result.stdout
