"""Adding a file to saved work as its product (a film's video, made after the film was saved
where no encoder was): listed in the manifest and the index, encrypted, audited; and a
SIGKILL at any moment leaves the work as it was or as it became, with `check` clean."""

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from expressive.artifact import ArtifactDraft
from expressive.portfolio import Portfolio, PortfolioError
from expressive.tools.crash import open_compared
from sample_work import CHEAP_KDF, png

PASSPHRASE = "a film later"
# A video big enough that writing it takes a few milliseconds, so kills land inside.
VIDEO = bytes(random.Random(17).randbytes(3 << 20))
KILLS = 6
# Kills land 0 to this many seconds after the child says it is about to add the file.
KILL_WINDOW = 0.06

CHILD = """
import sys
from expressive.portfolio import Portfolio
root, client_id, session_id, artifact_id, video, passphrase = sys.argv[1:]
store = Portfolio.open(root, passphrase=passphrase)
artifact = store.artifact(client_id, session_id, artifact_id)
data = open(video, "rb").read()
print("adding", flush=True)
store.add_product_file(artifact, "film.mp4", data, metadata={"encoded": True})
print("added", flush=True)
store.close()
"""


def film_not_yet_encoded() -> ArtifactDraft:
    return ArtifactDraft(
        kind="film",
        files={"title.png": png(32, "gold"), "film.json": b'{"format": "expressive-film"}', "thumbnail.png": png(8, "gold")},
        product="title.png", process="film.json", thumbnail="thumbnail.png", title="The cat's walk",
        metadata={"frames": 24, "fps": 8, "encoded": False},
    )


@pytest.fixture(scope="module")
def saved_film(tmp_path_factory):
    root = tmp_path_factory.mktemp("film") / "portfolio"
    Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)
    with Portfolio.open(root, passphrase=PASSPHRASE, fsync=False) as store:
        client = store.add_client("Robin")
        session = store.start_session(client.id, plan_id="free")
        film = store.save_artifact(client.id, session.id, "film", film_not_yet_encoded())
    return root, film


def test_the_file_becomes_the_product_listed_encrypted_and_audited(saved_film, tmp_path):
    template, film = saved_film
    root = tmp_path / "portfolio"
    shutil.copytree(template, root)
    with Portfolio.open(root, passphrase=PASSPHRASE, fsync=False) as store:
        with pytest.raises(PortfolioError, match="already has a file named title.png"):
            store.add_product_file(film, "title.png", b"again")
        with pytest.raises(PortfolioError, match="not allowed"):
            store.add_product_file(film, "../film.mp4", b"escape")
        added = store.add_product_file(film, "film.mp4", VIDEO, metadata={"encoded": True})
        assert added.product == "film.mp4" and added.metadata == {"frames": 24, "fps": 8, "encoded": True}
        assert {entry.name: entry.role for entry in added.files} == {
            "title.png": "file", "film.json": "process", "thumbnail.png": "thumbnail", "film.mp4": "product"}
        assert store.artifact(film.client_id, film.session_id, film.id) == added
        assert store.read_file(added, "film.mp4") == VIDEO
        assert VIDEO[:4096] not in (added.path / "film.mp4").read_bytes()
        entry = store.audit_entries()[-1]
        assert (entry.event, entry.client_id, entry.detail) == ("add-file", film.client_id,
                                                                 f"{film.session_id}/{film.id}/film.mp4")
        assert store.check().ok
        with pytest.raises(PortfolioError, match="already has a file named film.mp4"):
            store.add_product_file(added, "film.mp4", VIDEO)
    with Portfolio.open(root, passphrase=PASSPHRASE, fsync=False) as store:
        store.rebuild_index()
        assert store.artifact(film.client_id, film.session_id, film.id) == added


def _kill_while_adding(root, film, video, delay: float) -> str:
    """Run the child that adds the video, SIGKILL it `delay` seconds after it starts adding;
    its last word ("adding", or "added" when it finished first)."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("EXPRESSIVE_")}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), film.client_id, film.session_id, film.id, str(video), PASSPHRASE],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment,
    )
    try:
        first = child.stdout.readline()
        assert first == b"adding\n", child.stderr.read().decode()[-2000:]
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        said = child.stdout.read().decode().split()
    finally:
        child.stdout.close()
        child.stderr.close()
    return said[-1] if said else "adding"


def test_a_kill_at_any_moment_leaves_the_work_as_it_was_or_as_it_became(saved_film, tmp_path):
    template, film = saved_film
    video = tmp_path / "film.mp4"
    video.write_bytes(VIDEO)
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    outcomes = []
    for trial in range(KILLS):
        root = tmp_path / f"trial-{trial}"
        shutil.copytree(template, root)
        said = _kill_while_adding(root, film, video, rng.uniform(0, KILL_WINDOW))
        with open_compared(root, PASSPHRASE, compare_later=trial % 2 == 0) as store:
            report = store.check()
            assert report.ok, f"seed {seed}: {report.problems}"
            found = store.artifact(film.client_id, film.session_id, film.id)
            assert store.verify_artifact(found) == []
            if found.product == "film.mp4":
                assert hashlib.sha256(store.read_file(found, "film.mp4")).digest() == hashlib.sha256(VIDEO).digest()
                assert found.metadata["encoded"] is True
                outcomes.append("new")
            else:
                assert said != "added", f"seed {seed}: the child said it added the video, yet it is not there"
                assert found == replace(film, path=found.path), f"seed {seed}: the work changed, the video not added"
                # Trying again after the kill works, over whatever the kill left.
                again = store.add_product_file(found, "film.mp4", VIDEO, metadata={"encoded": True})
                assert store.read_file(again, "film.mp4") == VIDEO and store.check().ok
                outcomes.append("old")
    print(f"seed {seed}: {outcomes}")
