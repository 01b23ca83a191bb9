"""The partner API (``/api/partner/v1/``), documented by its OpenAPI document.

Every call is a Standard Webhooks-signed message from a lender, who names itself in
``X-Lender``. Errors are JSON ``{"code", "error"}`` with one status per code (``ERRORS``).
"""

import datetime
import json
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as RequestValidationError
from ninja.responses import Status
from pydantic import Field, ValidationError, WithJsonSchema, field_validator, model_validator

from applications import services as application_services
from applications.exceptions import ApplicationError
from applications.models import Application
from lenders import signing
from lenders.models import Lender
from lenders.services import verification_secrets

from .models import InboundMessage

api = NinjaAPI(
    title="LoanMarket partner API",
    version="1",
    urls_namespace="partner_api",
    description=(
        "Signed both ways by the Standard Webhooks scheme (webhook-id, webhook-timestamp, "
        "webhook-signature) with your secret; name yourself in the X-Lender header."
    ),
)

ERRORS = {
    "unauthenticated": 401,
    "not_found": 404,
    "not_json": 400,
    "invalid": 422,
    "invalid_transition": 409,
}


def _decimal(*, minimum: Decimal, digits: int):
    """A decimal with at most two places, as a string (``"18000.00"``) or a JSON number."""
    return Annotated[
        Decimal,
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
    status: Literal["in_review", "approved", "declined", "disbursed", "more_info_needed", "expired"]
    approved_amount: _decimal(minimum=Decimal("0.01"), digits=10) | None = None
    apr: _decimal(minimum=Decimal("0"), digits=7) | None = None
    term_months: int | None = Field(default=None, ge=1, le=360)
    reason: str = Field(default="", max_length=1000, pattern=r"^[^\x00]*$")
    occurred_at: datetime.datetime = Field(
        description="With its UTC offset; from the application's submission to now (300 s slack)."
    )

    @field_validator("occurred_at")
    @classmethod
    def _aware_in_utc(cls, value: datetime.datetime) -> datetime.datetime:
        if value.utcoffset() is None:
            raise ValueError("give the UTC offset, e.g. 2026-11-28T10:00:00+08:00")
        return value.astimezone(datetime.UTC)

    @model_validator(mode="after")
    def _an_approval_says_what_was_approved(self) -> "EventIn":
        if self.status == "approved" and None in (self.approved_amount, self.apr, self.term_months):
            raise ValueError("an approval gives approved_amount, apr and term_months")
        return self


class EventOut(Schema):
    application_id: uuid.UUID
    status: str


class ErrorOut(Schema):
    code: str
    error: str


def _error(code: str, message: str) -> tuple[int, dict]:
    return ERRORS[code], {"code": code, "error": message}


def _first_error(errors: list[dict]) -> str:
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


@api.exception_handler(RequestValidationError)
def _invalid_request(request: HttpRequest, exc: RequestValidationError):
    """What django-ninja itself refuses (a path parameter that is not a UUID), in our shape."""
    status, body = _error("invalid", _first_error(exc.errors))
    return api.create_response(request, body, status=status)


def _header(name: str, description: str) -> dict:
    return {
        "in": "header",
        "name": name,
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


SIGNED_HEADERS = [
    _header("X-Lender", "Your lender code, as given at onboarding."),
    _header("webhook-id", "A unique id per message; a repeated id is answered as the first."),
    _header("webhook-timestamp", "Unix seconds; more than 300 s from our clock is refused."),
    _header("webhook-signature", 'v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>'),
]


@api.post(
    "/applications/{application_id}/events",
    response={
        200: EventOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Report a change in an application's status",
    openapi_extra={
        "parameters": SIGNED_HEADERS,
        "requestBody": {
            "content": {"application/json": {"schema": EventIn.model_json_schema()}},
            "required": True,
        },
    },
)
def application_event(request: HttpRequest, application_id: uuid.UUID):
    """A repeated ``webhook-id`` is answered as the first time and changes nothing; a
    transition the state machine does not allow is 409; another lender's application, 404."""
    lender = Lender.objects.filter(slug=request.headers.get("X-Lender", "")).first()
    if lender is None:
        return Status(*_error("unauthenticated", "Unknown lender: name yourself in X-Lender."))
    try:
        signing.verify(
            secrets_to_try=verification_secrets(lender),
            headers=dict(request.headers.items()),
            body=request.body,
        )
    except signing.InvalidSignature:
        return Status(
            *_error("unauthenticated", "Bad signature, or a timestamp more than 300 s away.")
        )
    message_id = request.headers["webhook-id"][:120]
    seen = InboundMessage.objects.filter(lender=lender, message_id=message_id).first()
    if seen is not None:
        return Status(seen.response_status, seen.response_body)
    status, body = _handle_event(lender, application_id, request.body)
    try:
        with transaction.atomic():
            InboundMessage.objects.create(
                lender=lender, message_id=message_id, response_status=status, response_body=body
            )
    except IntegrityError:  # the same message, at the same moment: answer as it was
        seen = InboundMessage.objects.get(lender=lender, message_id=message_id)
        return Status(seen.response_status, seen.response_body)
    return Status(status, body)


def _handle_event(lender: Lender, application_id: uuid.UUID, raw: bytes) -> tuple[int, dict]:
    application = Application.objects.filter(pk=application_id, lender=lender).first()
    if application is None:
        return _error("not_found", "No such application of yours.")
    try:
        data = json.loads(raw)
    except ValueError:
        return _error("not_json", "The body is not JSON.")
    try:
        event = EventIn.model_validate(data)
    except ValidationError as exc:
        return _error("invalid", _first_error(exc.errors()))
    try:
        application = application_services.record_lender_event(
            application=application,
            status=event.status,
            occurred_at=event.occurred_at,
            reason=event.reason,
            approved_amount=event.approved_amount,
            apr=event.apr,
            term_months=event.term_months,
        )
    except ApplicationError as exc:
        return _error(exc.code if exc.code in ERRORS else "invalid", str(exc.message))
    return 200, {"application_id": str(application.id), "status": application.status}
