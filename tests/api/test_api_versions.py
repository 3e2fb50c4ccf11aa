"""The version of the activity API, and how a name leaves it."""

import warnings

import pytest

from expressive.api import API_VERSION, ActivityInfo, deprecated


def test_the_version_is_major_and_minor():
    assert API_VERSION == (1, 2)


def test_an_activity_written_for_1_0_runs_on_1_2():
    info = ActivityInfo(id="first", title="First", icon="brush", artifact_kinds=("note",), api_version=(1, 0))
    assert info.problems() == []


def test_a_whole_number_version_is_read_as_its_major_version():
    info = ActivityInfo(id="older", title="Older", icon="brush", artifact_kinds=("note",), api_version=1)
    assert info.api_version == (1, 0) and info.problems() == []


def test_a_deprecated_name_warns_with_its_replacement_and_the_major_version_it_goes_in():
    def old_name():
        deprecated("expressive.api.old_name", "expressive.api.new_name")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old_name()
    (warning,) = caught
    assert warning.category is DeprecationWarning
    assert str(warning.message) == (
        f"expressive.api.old_name is deprecated and goes in activity API {API_VERSION[0] + 2}.0; "
        "use expressive.api.new_name instead."
    )
    assert warning.filename == __file__, "the warning points at the code that used the old name"


def test_a_deprecated_name_keeps_working_for_one_whole_major_version():
    with pytest.raises(ValueError, match="keeps working until"):
        deprecated("expressive.api.old_name", "expressive.api.new_name", removed_in=API_VERSION[0] + 1)
    with pytest.warns(DeprecationWarning, match=f"goes in activity API {API_VERSION[0] + 3}.0"):
        deprecated("expressive.api.old_name", "expressive.api.new_name", removed_in=API_VERSION[0] + 3)
