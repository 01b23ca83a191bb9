"""A lender tells us what became of an application (DESIGN.md, "Callbacks").

The signed body names the application it is about (``application_id``); on another
application's path it is 422 ``application_mismatch``, so an event signed for one
application cannot be replayed against another. The path is looked up first: an
application that is not the caller's is 404 whatever the body says.
"""

import datetime
import json
import re
import uuid
from decimal import Decimal
from functools import partial
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import (
    BeforeValidator,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from applications import services as application_services
from applications import states
from applications.exceptions import ApplicationError
from lenders.models import Lender

from .. import selectors, services
from ..auth import MAX_BODY_BYTES, signed_lender
from ..exceptions import ApplicationMismatch, InvalidBody, NotJson, PartnerError
from ..services import Answer
from .errors import ErrorOut, answer_for, first_error

# What a lender may report: the state machine's own set (applications/states.py).
LenderStatus = Literal[tuple(str(status) for status in states.LENDER_SETTABLE)]

router = Router(tags=["applications"])
PLAIN_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)
TERMS = ("approved_amount", "apr", "term_months")


def _plain(value: object) -> object:
    """A string spells a decimal in ASCII digits alone, as documented: Python would also
    read "+1000", "1_000" or full-width digits as numbers, and no lender means those."""
    if isinstance(value, str) and not PLAIN_DECIMAL.fullmatch(value):
        raise ValueError("give plain digits with an optional decimal point, e.g. 18000.00")
    return value


def _decimal(*, minimum: Decimal, digits: int):
    """A decimal with at most two places, as a string (``"18000.00"``) or a JSON number."""
    return Annotated[
        Decimal,
        BeforeValidator(_plain),
        Field(ge=minimum, max_digits=digits + 2, decimal_places=2),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "pattern": rf"^[0-9]{{1,{digits}}}(\.[0-9]{{1,2}})?$"},
                    {
                        "type": "number",
                        "minimum": float(minimum),
                        "maximum": float(10**digits - Decimal("0.01")),
                    },
                ]
            }
        ),
    ]


class EventIn(Schema):
    application_id: uuid.UUID = Field(
        description=(
            "The application this event is about, the same as in the path; it is signed with "
            "the body, so an event cannot be replayed against another application."
        )
    )
    status: LenderStatus
    approved_amount: _decimal(minimum=Decimal("0.01"), digits=10) | None = Field(
        default=None,
        description=(
            "With an approval: within the product's amount range. Other terms than those "
            "applied for are shown to the borrower beside the old ones, and must be accepted "
            "by them before the application may be disbursed."
        ),
    )
    apr: _decimal(minimum=Decimal("0"), digits=7) | None = Field(
        default=None,
        description=(
            "With an approval: the true annual rate (APR, IRR method), within the product's "
            "published APR range and at most the platform's limit."
        ),
    )
    term_months: int | None = Field(
        default=None,
        ge=1,
        le=360,
        strict=True,  # a JSON integer: not "12", 12.0 or true
        description="With an approval: within the product's terms.",
    )
    reason: str = Field(default="", max_length=1000, pattern=r"^[^\x00]*$")
    occurred_at: datetime.datetime = Field(
        description="With its UTC offset; from the application's submission to now (300 s slack)."
    )

    @field_validator("occurred_at")
    @classmethod
    def _aware_in_utc(cls, value: datetime.datetime) -> datetime.datetime:
        if value.utcoffset() is None:
            raise ValueError("give the UTC offset, e.g. 2026-11-28T10:00:00+08:00")
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:  # 0001-01-01T00:00:00+03:04 is before year 1 in UTC
            raise ValueError("out of range once in UTC") from None

    @model_validator(mode="after")
    def _an_approval_says_what_was_approved(self) -> "EventIn":
        given = [getattr(self, name) is not None for name in TERMS]
        if self.status == "approved" and not all(given):
            raise ValueError("an approval gives approved_amount, apr and term_months")
        if self.status != "approved" and any(given):
            # A disbursement "of ¥50,000" would be ignored, not paid out: terms are approved
            # once, and changed terms are the borrower's to accept before that.
            raise ValueError("approved_amount, apr and term_months come only with an approval")
        return self


class EventOut(Schema):
    application_id: uuid.UUID
    status: str


def _header(name: str, description: str) -> dict:
    return {
        "in": "header",
        "name": name,
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


SIGNED_HEADERS = [
    _header(
        "webhook-id",
        "A unique id per message. Sent again with the same path and body, it is answered as "
        "the first time and changes nothing; with another path or body it is 409 "
        "message_id_reused.",
    ),
    _header("webhook-timestamp", "Unix seconds; more than 300 s from our clock is refused."),
    _header("webhook-signature", 'v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>'),
]

RESPONSES = {
    400: {"description": "not_json: the body is not JSON."},
    401: {"description": "unauthenticated: unknown X-Lender, bad signature or stale timestamp."},
    404: {"description": "not_found: no application of yours has this id."},
    405: {
        "description": "method_not_allowed: only POST; the Allow header says so.",
        "headers": {"Allow": {"schema": {"type": "string"}, "description": "POST"}},
    },
    409: {
        "description": (
            "invalid_transition: the application's state does not allow this status (the "
            "error says why); offer_not_accepted: a disbursement of changed terms the "
            "borrower has not accepted yet (we tell you, by a signed POST to <your API base "
            "URL>/acceptances, when they do); or message_id_reused: this webhook-id came "
            "before with another path or body."
        )
    },
    413: {"description": f"too_large: the body is over {MAX_BODY_BYTES} bytes."},
    422: {
        "description": (
            "invalid: the body breaks this schema or a rule of the application's (the error "
            "names the field; approved_amount, apr and term_months come with an approval and "
            "only then); terms_out_of_range: an approval's amount, term or APR is "
            "outside the product's published ranges or above the platform's APR limit (the "
            "error says which); or application_mismatch: the body's application_id is not the "
            "path's."
        )
    },
    503: {
        "description": (
            "secret_unavailable or data_unavailable: something we keep encrypted cannot be "
            "read on our side just now; nothing changed, send the message again later."
        )
    },
}


@router.post(
    "/applications/{application_id}/events",
    auth=signed_lender,
    response={200: EventOut, **dict.fromkeys(RESPONSES, ErrorOut)},
    summary="Report a change in an application's status",
    openapi_extra={
        "parameters": SIGNED_HEADERS,
        "requestBody": {
            "content": {"application/json": {"schema": EventIn.model_json_schema()}},
            "required": True,
        },
        "responses": RESPONSES,
    },
)
def application_event(request: HttpRequest, application_id: uuid.UUID):
    """Only real outcomes (2xx and 409) are remembered by ``webhook-id``: a message refused
    with 400, 404 or 422 changed nothing and may be sent again, to the right place."""
    lender = request.auth
    answer = services.answer_once(
        lender=lender,
        message_id=request.headers["webhook-id"][:120],
        fingerprint=services.message_fingerprint(path=request.path, body=request.body),
        handle=partial(
            _record_event, lender=lender, application_id=application_id, raw=request.body
        ),
    )
    return Status(answer.status, answer.body)


def _record_event(*, lender: Lender, application_id: uuid.UUID, raw: bytes) -> Answer:
    try:
        application = selectors.lender_application(lender=lender, application_id=application_id)
        event = _parse(raw)
        if event.application_id != application.id:
            raise ApplicationMismatch
        application = application_services.record_lender_event(
            application=application,
            status=event.status,
            occurred_at=event.occurred_at,
            reason=event.reason,
            approved_amount=event.approved_amount,
            apr=event.apr,
            term_months=event.term_months,
        )
    except (PartnerError, ApplicationError) as exc:
        return answer_for(exc)
    return Answer(200, {"application_id": str(application.id), "status": application.status})


def _parse(raw: bytes) -> EventIn:
    try:
        data = json.loads(raw)
    except ValueError:
        raise NotJson from None
    try:
        return EventIn.model_validate(data)
    except ValidationError as exc:
        raise InvalidBody(first_error(exc.errors())) from None
