"""Services activities lend one another through the host, such as the picture maker the
drawing activity lends the story."""

import logging

from expressive.api import PICTURE_MAKER, Host, MemoryDrafts, Services


def host_with(services: dict) -> Host:
    return Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.host"), services=Services(lambda: services))


def test_without_a_picture_maker_the_host_lends_none():
    host = host_with({})
    assert host.picture_maker() is None and host.services.names() == ()


def test_the_picture_maker_is_the_service_of_that_name():
    def make(host, on_picture, *, title, max_size):
        return None

    assert host_with({PICTURE_MAKER: make}).picture_maker() is make


def test_services_are_looked_for_only_when_first_asked_for():
    asked = []
    services = Services(lambda: asked.append(1) or {"greeting": print})
    assert asked == []
    assert services.get("greeting") is print and services.get("greeting") is print
    assert asked == [1]


def test_a_host_given_no_services_lends_those_of_the_installed_activities():
    host = Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.host"))
    assert PICTURE_MAKER in host.services.names()
