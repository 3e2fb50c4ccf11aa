"""SIGKILL at random instants while saving: acknowledged work survives, nothing is damaged."""

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from portfolio_helpers import drawing_draft

from expressive.portfolio import Portfolio

# The child saves artifacts for ever, printing each id only once the save has returned:
# everything printed was acknowledged to the person and must survive.
CHILD = r"""
import sys
from expressive.activity import ArtifactDraft
from expressive.portfolio import Portfolio

root, client_id, session_id, png_path = sys.argv[1:]
with open(png_path, "rb") as stream:
    png = stream.read()
store = Portfolio.open(root)
print("ready", flush=True)
number = 0
while True:
    number += 1
    draft = ArtifactDraft(
        kind="drawing",
        files={"drawing.png": png, "strokes.json": b"[%d]" % number, "thumbnail.png": png[: 100 + number]},
        product="drawing.png",
        thumbnail="thumbnail.png",
        process="strokes.json",
    )
    artifact = store.save_artifact(client_id, session_id, "drawing", draft)
    store.set_reflection(artifact, title=f"number {number}", about="x" * number)
    print(artifact.id, flush=True)
"""

ROUNDS = 20


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_saves_never_lose_acknowledged_work_or_damage_the_portfolio(portfolio_dir, tmp_path):
    with Portfolio.open(portfolio_dir) as store:
        client = store.add_client("Robin")
        session = store.start_session(client.id, plan_id="free")
    png_path = tmp_path / "drawing.png"
    png_path.write_bytes(drawing_draft().files["drawing.png"])
    chance = random.Random(os.environ.get("PYTEST_XDIST_WORKER", "") + str(time.time()))

    acknowledged = []
    for round_number in range(ROUNDS):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(portfolio_dir), client.id, session.id, str(png_path)],
            stdout=subprocess.PIPE,
        )
        # Most rounds die while saving; some while opening, which may be rebuilding the
        # index after the previous kill.
        if round_number % 4:
            assert child.stdout.readline() == b"ready\n"
        time.sleep(chance.uniform(0.0, 0.15))
        child.send_signal(signal.SIGKILL)
        child.wait()
        lines = child.stdout.read().decode().split()
        child.stdout.close()
        acknowledged += [line for line in lines if line != "ready"]

    assert acknowledged, "no save finished before a kill: the test did not test anything"
    with Portfolio.open(portfolio_dir) as store:
        report = store.check()
        assert report.ok, report.problems
        listed = {artifact.id: artifact for artifact in store.artifacts(client.id, session.id)}
        for artifact_id in acknowledged:
            artifact = listed[artifact_id]
            assert artifact.damaged is None and artifact.title.startswith("number ")
            assert store.verify_artifact(artifact) == []

        store.check(repair=True)
        after_repair = store.check()
        assert after_repair.ok and after_repair.notes == []
        assert set(listed) == {artifact.id for artifact in store.artifacts(client.id, session.id)}
