"""Backups met by real faults (the harness is `expressive.tools.faults.backup`): SIGKILL of
the command and its restic at random instants, and a really full filesystem under the
repository. The kills land at random instants (the seed is printed)."""

import os
import random
import time

import pytest

from expressive.tools.faults import backup as harness

KILLS = 3


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return harness.prepare_inputs(tmp_path_factory.mktemp("backup-fault-inputs"))


def test_a_kill_at_any_moment_of_a_backup_leaves_the_repository_usable_and_the_next_backup_completes(
        inputs, tmp_path):
    seed = random.Random(f"{os.getpid()}{time.time()}").randrange(1 << 30)
    print(f"seed {seed}")
    problems = harness.run_kills(inputs, tmp_path, trials=KILLS, seed=seed)
    assert not problems, "\n".join(problems)


def test_a_kill_at_any_moment_of_a_restore_leaves_no_half_portfolio_and_the_next_restore_completes(
        inputs, tmp_path):
    seed = random.Random(f"{os.getpid()}{time.time()}").randrange(1 << 30)
    print(f"seed {seed}")
    problems = harness.run_restore_kills(inputs, tmp_path, trials=KILLS, seed=seed)
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(harness.full_filesystem_available() is not None,
                    reason=f"no real full filesystem here: {harness.full_filesystem_available()}")
def test_a_full_repository_is_said_plainly_and_the_next_backup_after_freeing_space_completes(inputs, tmp_path):
    problems, skipped = harness.run_full(inputs, tmp_path)
    assert skipped is None and not problems, "\n".join(problems)


@pytest.mark.skipif(harness.full_filesystem_available() is not None,
                    reason=f"no real full filesystem here: {harness.full_filesystem_available()}")
def test_a_restore_onto_a_full_device_is_said_plainly_leaves_nothing_and_completes_after_freeing_space(
        inputs, tmp_path):
    problems, skipped = harness.run_full_restore(inputs, tmp_path)
    assert skipped is None and not problems, "\n".join(problems)
