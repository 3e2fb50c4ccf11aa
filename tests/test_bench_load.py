"""`expressive bench --load N`: the busy processes run beside the measurement, and none
outlives it, even when a measurement fails; `--only` names groups that exist."""

import os

import pytest

from expressive.tools.bench import busy_processes, run_benchmarks


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_busy_processes_run_for_the_block_and_are_gone_after_it_even_when_it_fails():
    with pytest.raises(RuntimeError), busy_processes(2) as pids:
        assert len(pids) == 2 and all(running(pid) for pid in pids)
        raise RuntimeError("a measurement failed")
    assert not any(running(pid) for pid in pids)


def test_no_load_starts_nothing():
    with busy_processes(0) as pids:
        assert pids == []


def test_only_a_group_that_does_not_exist_is_refused_naming_those_that_do():
    with pytest.raises(SystemExit) as refused:
        run_benchmarks(as_json=True, quick=True, only=["sandbox"])
    assert "sandbox" in str(refused.value) and "play" in str(refused.value) and "exports" in str(refused.value)
