"""The partner API (``/api/partner/v1/``), documented by its OpenAPI document.

Every call is a Standard Webhooks-signed message from a lender, who names itself in
``X-Lender``. Errors are JSON ``{"code", "error"}`` with one status per code (``ERRORS``).
"""

import datetime
import json
import uuid
from decimal import Decimal
from typing import Literal

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.responses import Status
from pydantic import Field, ValidationError

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


class EventIn(Schema):
    status: Literal["in_review", "approved", "declined", "disbursed", "more_info_needed", "expired"]
    approved_amount: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    apr: Decimal | None = Field(default=None, ge=0, max_digits=9, decimal_places=2)
    term_months: int | None = Field(default=None, ge=1, le=360)
    reason: str = Field(default="", max_length=1000)
    occurred_at: datetime.datetime


class EventOut(Schema):
    application_id: uuid.UUID
    status: str


class ErrorOut(Schema):
    code: str
    error: str


def _error(code: str, message: str) -> tuple[int, dict]:
    return ERRORS[code], {"code": code, "error": message}


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
        "requestBody": {
            "content": {"application/json": {"schema": EventIn.model_json_schema()}},
            "required": True,
        }
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
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return _error("invalid", f"{where}: {first['msg']}")
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
