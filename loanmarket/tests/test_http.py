"""One helper gives the client's address to rate limits and consent records."""

import pytest
from django.test import RequestFactory

from applications.adapters import AccountAdapter
from loanmarket.http import client_ip


def _request(remote: str = "10.0.0.9", **headers: str):
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_CLIENT_IP_HEADER = ""

    assert client_ip(_request(x_forwarded_for="203.0.113.7")) == "10.0.0.9"


def test_behind_one_proxy_the_client_is_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_CLIENT_IP_HEADER = ""

    # The client forged the first entry; our proxy appended the real one.
    request = _request(x_forwarded_for="198.51.100.1, 203.0.113.7")

    assert client_ip(request) == "203.0.113.7"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    settings.TRUSTED_CLIENT_IP_HEADER = ""

    request = _request(x_forwarded_for="198.51.100.1, 203.0.113.7, 10.0.0.2")

    assert client_ip(request) == "203.0.113.7"


@pytest.mark.parametrize("header", ["", "not-an-address", "1.2.3.4.5", "a" * 500])
def test_a_missing_or_malformed_forwarded_address_falls_back_to_the_peer(settings, header):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_CLIENT_IP_HEADER = ""

    assert client_ip(_request(x_forwarded_for=header)) == "10.0.0.9"


def test_a_trusted_header_from_our_proxy_names_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"

    request = _request(x_real_ip="2001:db8::1", x_forwarded_for="198.51.100.1")

    assert client_ip(request) == "2001:db8::1"


def test_allauths_rate_limits_read_the_same_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_CLIENT_IP_HEADER = ""

    request = _request(x_forwarded_for="203.0.113.7")

    assert AccountAdapter(request).get_client_ip(request) == "203.0.113.7"
