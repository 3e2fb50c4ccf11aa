"""Every command that writes, met by real faults: SIGKILL, a really full filesystem, a second
writer. The harness is `expressive.tools.faults.commands`; `expressive stress` runs more of it.

The kills land at random instants (the seed is printed), so each run tries other moments.
"""

import os
import random
import time

import pytest

from expressive.tools.faults import commands as harness
from expressive.portfolio import Portfolio

KILLS_PER_COMMAND = 2
# A few amounts of room on the full filesystem: none, a few KB, most of a MB.
FREE_BYTES = (0, 20_000, 600_000)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return harness.prepare_inputs(tmp_path_factory.mktemp("fault-inputs"))


def _explain(report):
    return "\n" + report.describe()


@pytest.mark.parametrize("command", harness.COMMANDS, ids=harness.COMMAND_NAMES)
def test_a_kill_at_any_moment_of_a_writing_command_leaves_nothing_wrong(inputs, tmp_path, command):
    seed = random.Random(f"{os.getpid()}{time.time()}").randrange(1 << 30)
    print(f"seed {seed}")
    report = harness.run_kills(inputs, tmp_path, [command], trials=KILLS_PER_COMMAND, seed=seed)
    assert not report.failures(), _explain(report)
    assert report.by_command("kill")[command.name] == (KILLS_PER_COMMAND, KILLS_PER_COMMAND)


@pytest.mark.skipif(harness.full_filesystem_available() is not None,
                    reason=f"no real full filesystem here: {harness.full_filesystem_available()}")
@pytest.mark.parametrize("command", harness.COMMANDS, ids=harness.COMMAND_NAMES)
def test_a_full_filesystem_gets_a_plain_answer_and_loses_nothing(inputs, tmp_path, command, monkeypatch):
    monkeypatch.setattr(harness, "FREE_BYTES", FREE_BYTES)
    report = harness.run_full(inputs, tmp_path, [command])
    assert not report.failures(), _explain(report)
    assert report.by_command("full")[command.name][1] == len(FREE_BYTES)


def test_two_writers_at_once_lose_nothing_and_the_second_is_told_plainly(inputs, tmp_path):
    report = harness.run_two_writers(inputs, tmp_path, rounds=1)
    assert not report.failures(), _explain(report)


# --- the harness's own checks catch what they are for (negative controls) ------------------


@pytest.fixture
def trial(inputs, tmp_path):
    return harness.new_trial(inputs, tmp_path / "trial", encrypted=True)


def _export_zip():
    return next(command for command in harness.COMMANDS if command.name == "export-zip")


def test_a_file_with_client_words_left_beside_an_export_is_caught(trial):
    before = harness.current_contents(trial)
    (trial.out / ".tmp-export.html").write_bytes(b"<p>" + harness.CLIENT_WORDS[0] + b"</p>")
    verdict = harness.judge(trial, _export_zip(), before, None)
    assert verdict.leftovers_with_client_words == 1
    assert any("left behind" in problem for problem in verdict.problems)


def test_client_words_in_the_temporary_folder_are_caught(trial):
    before = harness.current_contents(trial)
    (trial.tmp / "report.pdf").write_bytes(b"%PDF " + harness.CLIENT_WORDS[1])
    verdict = harness.judge(trial, _export_zip(), before, None)
    assert verdict.leftovers_with_client_words == 1


def verdict_on_an_export_left_as(trial, content: bytes, mode: int):
    """The harness's verdict when the export's final file holds `content` with `mode`."""
    before = harness.current_contents(trial)
    finished = _export_zip().output(trial)
    finished.write_bytes(content)
    finished.chmod(mode)
    return harness.judge(trial, _export_zip(), before, None)


def test_a_finished_export_readable_by_others_is_caught(trial):
    verdict = verdict_on_an_export_left_as(trial, b"PK", 0o644)
    assert any("readable by other users" in problem for problem in verdict.problems)


def test_lost_work_and_a_traceback_are_caught(trial):
    before = harness.current_contents(trial)
    with Portfolio.open(trial.root, passphrase=harness.PASSPHRASE) as store:
        client = store.clients()[0]
        artifact = store.artifacts(client.id)[0]
        store.file_path(artifact, artifact.files[0].name).unlink()
    answer = harness.subprocess.CompletedProcess([], 1, "", "Traceback (most recent call last):\n  boom")
    verdict = harness.judge(trial, _export_zip(), before, answer)
    assert any("missing or changed" in problem or "verify" in problem or "not clean" in problem
               for problem in verdict.problems)
    assert any("traceback" in problem for problem in verdict.problems)


def test_an_export_cut_short_at_its_final_name_is_caught(trial):
    verdict = verdict_on_an_export_left_as(trial, b"PK\x03\x04 cut short", 0o600)
    assert any("cut short stands at its final name" in problem for problem in verdict.problems)


def test_a_stale_index_after_a_fault_is_caught(trial):
    before = harness.current_contents(trial)
    with Portfolio.open(trial.root, passphrase=harness.PASSPHRASE) as store:
        client = store.clients()[0]
        artifact = store.artifacts(client.id)[0]
        # Gone behind the store's back, then a clean close: the seal vouches for an index
        # that still lists it, as a broken seal would after a fault.
        harness.shutil.rmtree(artifact.path)
    verdict = harness.judge(trial, _export_zip(), before, None)
    assert f"the index as opened lists {client.id}/{artifact.session_id}/{artifact.id}, which is not in the files" in (
        verdict.problems)
