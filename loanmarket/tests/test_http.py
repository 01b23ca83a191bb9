"""One helper gives the client's address to rate limits and consent records."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from applications.adapters import AccountAdapter
from applications.models import Consent
from devtools.testing.html import forms_in
from lenders.tests.factories import LoanProductFactory
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


PROXY = "10.0.0.2"  # every request arrives from our one proxy


def through_proxy(client_address: str) -> dict[str, str]:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


@pytest.mark.django_db
def test_behind_one_proxy_bad_logins_from_one_client_do_not_lock_out_another(settings, borrower):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker, neighbour = Client(), Client()
    for n in range(10):
        attacker.post(
            "/accounts/login/",
            {"login": f"guess-{n}@example.test", "password": "wrong"},
            **through_proxy("203.0.113.7"),
        )

    right = {"login": borrower.email, "password": "correct horse battery"}
    refused = attacker.post(
        "/accounts/login/", right, HTTP_ACCEPT_LANGUAGE="en", **through_proxy("203.0.113.7")
    )
    neighbour.post("/accounts/login/", right, **through_proxy("198.51.100.9"))

    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in attacker.session
    assert neighbour.session["_auth_user_id"] == str(borrower.pk)


@pytest.mark.django_db
def test_behind_one_proxy_a_consent_records_the_clients_address(
    settings, borrower_client, full_profile
):
    settings.TRUSTED_PROXY_COUNT = 1
    product = LoanProductFactory()
    url = reverse("applications:apply", args=[product.lender.slug, product.slug])
    url += "?amount=20000&term=12"
    review = borrower_client.get(url, **through_proxy("203.0.113.7"))
    form = next(f for f in forms_in(review.content.decode()) if "consent" in f.offered)

    borrower_client.post(
        url,
        {**form.fields, "consent": "on", "credit_inquiry": "on"},
        **through_proxy("203.0.113.7"),
    )

    assert Consent.objects.get().ip_address == "203.0.113.7"
