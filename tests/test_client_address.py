"""Which address a request came from, behind none or some of our proxies."""

from __future__ import annotations

import pytest

from blog.client_address import client_ip, network


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "", "203.0.113.7"),
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # no proxy of ours: the header is the client's
        (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # forged entries stay on the left
        (2, "10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "10.0.0.3", "198.51.100.1", "10.0.0.3"),  # fewer entries than proxies: not through them
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "198.51.100.1:4711", "198.51.100.1"),
        (1, "10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_client_ip(rf, settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_an_ipv6_client_is_counted_by_its_network(rf):
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other_device = rf.get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::2")
    other_network = rf.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert network(one) == network(other_device) != network(other_network)
