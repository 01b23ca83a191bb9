"""Signed messages from lenders are answered once, even when copies arrive at the same
moment (a real server, real concurrent requests, PostgreSQL's locks)."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone

from applications.models import Application
from lenders import signing
from partners.models import InboundMessage

pytestmark = pytest.mark.django_db(transaction=True)

S = Application.Status
COPIES = 4


def send(url: str, raw: bytes, headers: dict, ready: threading.Barrier) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=raw, method="POST", headers=headers)
    ready.wait()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_copies_of_a_message_sent_at_once_change_the_application_once_and_agree(
    live_server, lender, application
):
    raw = json.dumps(
        {
            "application_id": str(application.id),
            "status": "in_review",
            "occurred_at": timezone.now().isoformat(),
        }
    ).encode()
    headers = {
        **signing.signed_headers(
            secret=lender.secret, message_id="evt-1", body=raw.decode(), at=timezone.now()
        ),
        "Content-Type": "application/json",
        "X-Lender": lender.slug,
    }
    url = f"{live_server.url}/api/partner/v1/applications/{application.id}/events"
    ready = threading.Barrier(COPIES)

    with ThreadPoolExecutor(COPIES) as pool:
        answers = list(pool.map(lambda _: send(url, raw, headers, ready), range(COPIES)))

    expected = (200, {"application_id": str(application.id), "status": "in_review"})
    assert answers == [expected] * COPIES
    assert application.events.filter(to_status=S.IN_REVIEW).count() == 1
    assert InboundMessage.objects.get().response_status == 200
