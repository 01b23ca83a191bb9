"""The partner API against its own OpenAPI document, by schemathesis.

Whatever a lender sends — valid and invalid bodies, path parameters and headers, signed
or not, for its own application, another lender's or none — is answered with a status
the document lists and a body of the documented shape, and never a 500.
"""

import json
import uuid

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.core import NotSet
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from applications.models import Application
from devtools.testing.fixtures import submit
from lenders import signing
from lenders.tests.factories import LoanProductFactory
from partners.api import api

pytestmark = pytest.mark.django_db

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    unsupported_method,
]


# The document the API serves (its /openapi.json); requests go to the site on a loopback port.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/partner/v1/"))


@pytest.fixture
def other_application(borrower, full_profile):
    """Another lender's application: the caller must not learn it exists."""
    return submit(borrower, LoanProductFactory())


@schema.parametrize()
@schema.given(
    # Mostly a signed event for the lender's own application, so that most examples reach
    # the body's validation and the state machine; the rest probe the doors before them.
    target=st.sampled_from(["own", "own", "own", "others", "generated"]),
    caller=st.sampled_from(["signed", "signed", "signed", "named", "anonymous"]),
    status=st.sampled_from(Application.Status.values),
    just_now=st.booleans(),
    # Mostly an event about the application in the path, as a lender signs it; else one
    # about whatever application the example names.
    bound=st.sampled_from([True, True, True, False]),
)
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_is_documented_and_none_is_a_server_error(
    case,
    target,
    caller,
    status,
    just_now,
    bound,
    live_server,
    lender,
    application,
    other_application,
):
    # Whatever state the application is in when the event comes (set here, so that every
    # example starts from a chosen state rather than where the last one left it).
    Application.objects.filter(pk=application.pk).update(status=status)
    if target != "generated":
        chosen = application if target == "own" else other_application
        case.path_parameters = {**(case.path_parameters or {}), "application_id": str(chosen.id)}
    if just_now and isinstance(case.body, dict) and "occurred_at" in case.body:
        case.body["occurred_at"] = timezone.now().isoformat()  # within the accepted window
    path_id = (case.path_parameters or {}).get("application_id")
    if (
        bound
        and path_id is not None
        and isinstance(case.body, dict)
        and "application_id" in case.body
    ):
        case.body["application_id"] = path_id
    if isinstance(case.body, NotSet):
        raw = b""
    elif isinstance(case.body, bytes):  # a negative case: not even text
        raw = case.body
    else:
        raw = json.dumps(case.body).encode()
    headers = {}
    if caller == "signed":  # a correct signature over exactly these bytes
        headers = signing.signed_headers(
            secret=lender.secret,
            message_id=uuid.uuid4().hex,
            body=raw.decode(errors="replace"),  # not UTF-8: cannot verify, 401
            at=timezone.now(),
        )
    if caller != "anonymous":  # "named": our lender, with whatever signature headers came
        headers["X-Lender"] = lender.slug
    case.call_and_validate(base_url=live_server.url, headers=headers, data=raw, checks=CHECKS)
