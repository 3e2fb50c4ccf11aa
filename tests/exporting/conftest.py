"""Fixtures for the export tests: a demo client with work from every installed activity,
made once per test run in a plain and in an encrypted portfolio (with cheap Argon2id).

Exports only read the work (and add audit entries), so tests share these portfolios;
a test that damages one works on its own copy (`Demo.copied`).
"""

import pytest

from export_helpers import export, make_demo_portfolio, new_portfolio


@pytest.fixture(scope="session")
def plain_demo(tmp_path_factory, demo_copy):
    return make_demo_portfolio(tmp_path_factory.mktemp("plain") / "portfolio", "plain", demo_copy)


@pytest.fixture(scope="session")
def encrypted_demo(tmp_path_factory, demo_copy):
    return make_demo_portfolio(tmp_path_factory.mktemp("encrypted") / "portfolio", "encrypted", demo_copy)


@pytest.fixture(params=["plain", "encrypted"])
def demo(request):
    return request.getfixturevalue(f"{request.param}_demo")


@pytest.fixture
def progress_log():
    """A progress callback that keeps every call, and checks each as it comes."""
    calls = []

    def progress(done, total):
        assert 0 <= done <= total
        assert not calls or (total == calls[-1][1] and done >= calls[-1][0])
        calls.append((done, total))

    progress.calls = calls
    return progress


@pytest.fixture(scope="module")
def good_archive(tmp_path_factory, plain_demo):
    return export(plain_demo, tmp_path_factory.mktemp("archive") / "robin.zip")


@pytest.fixture
def robins_portfolio(tmp_path):
    store = new_portfolio(tmp_path / "portfolio", "plain")
    store.add_client("Robin")
    yield store
    store.close()
