"""While the client holds the tablet they stay in their session; leaving takes the therapist."""

import pytest

from expressive.session import CLIENT_SCREENS, client_may_see, screen_for_client


@pytest.mark.parametrize("screen_name", CLIENT_SCREENS)
def test_a_client_may_be_on_the_screens_of_their_session(screen_name):
    assert client_may_see(screen_name)
    assert screen_for_client(screen_name, {"activity_id": "notes"}) == (screen_name, {"activity_id": "notes"})


@pytest.mark.parametrize("screen_name", ["clients", "portfolio", "note", "session", "gallery", "change_pin"])
def test_leaving_the_session_goes_through_the_therapist(screen_name):
    assert not client_may_see(screen_name)
    assert screen_for_client(screen_name, {"feeling_out": 4}) == (
        "handback",
        {"then": screen_name, "details": {"feeling_out": 4}},
    )
