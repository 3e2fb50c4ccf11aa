"""Shared material for the portfolio tests: real PNGs, drafts, an open store with a session."""

import io

import pytest
from PIL import Image

from expressive.activity import ArtifactDraft
from expressive.portfolio import Portfolio


def png(size: int, colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def drawing_draft(title: str = "", colour: str = "teal") -> ArtifactDraft:
    return ArtifactDraft(
        kind="drawing",
        files={
            "drawing.png": png(64, colour),
            "strokes.json": b'{"strokes": [[0, 0, 10, 10]]}',
            "thumbnail.png": png(16, colour),
        },
        product="drawing.png",
        thumbnail="thumbnail.png",
        process="strokes.json",
        title=title,
        metadata={"canvas": [64, 64]},
    )


@pytest.fixture
def store(portfolio_dir):
    with Portfolio.open(portfolio_dir) as opened:
        yield opened


@pytest.fixture
def client(store):
    return store.add_client("Robin", 2014)


@pytest.fixture
def session(store, client):
    return store.start_session(client.id, plan_id="free-drawing", goal="Draw a safe place", feeling_in=2)


@pytest.fixture
def permission_bits_enforced(tmp_path):
    """Skip unless chmod really blocks this process (root, or a capable one, ignores it)."""
    probe = tmp_path / "permission-probe"
    probe.write_bytes(b"")
    probe.chmod(0)
    try:
        probe.read_bytes()
    except PermissionError:
        return
    finally:
        probe.unlink()
    pytest.skip("permission bits do not block this user")
