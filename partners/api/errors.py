"""Every answer of the partner API that is not a success: JSON ``{"code", "error"}``, with
one HTTP status per code (``STATUS``)."""

import logging

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as RequestValidationError

from applications.exceptions import ApplicationError
from loanmarket.crypto import UndecryptableValue

from ..exceptions import PartnerError
from ..services import Answer

logger = logging.getLogger(__name__)

STATUS = {
    "not_json": 400,
    "unauthenticated": 401,
    "not_found": 404,
    "method_not_allowed": 405,
    "invalid_transition": 409,
    "offer_not_accepted": 409,
    "message_id_reused": 409,
    "too_large": 413,
    "invalid": 422,
    "application_mismatch": 422,
    "terms_out_of_range": 422,
    "server_error": 500,
    "secret_unavailable": 503,
    "data_unavailable": 503,
}


class ErrorOut(Schema):
    code: str
    error: str


def error_answer(code: str, message: str) -> Answer:
    return Answer(STATUS[code], {"code": code, "error": str(message)})


def answer_for(exc: PartnerError | ApplicationError) -> Answer:
    """A domain error as the API answers it (a rule of ours it broke that has no status of
    its own is 422)."""
    return error_answer(exc.code if exc.code in STATUS else "invalid", exc.message)


def first_error(errors: list[dict]) -> str:
    """Pydantic's first complaint, said where: ``body.status: Input should be …``."""
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def respond(api: NinjaAPI, request: HttpRequest, answer: Answer) -> HttpResponse:
    return api.create_response(request, answer.body, status=answer.status)


def install(api: NinjaAPI) -> None:
    """Answer in our shape whatever an endpoint or django-ninja itself raises."""

    @api.exception_handler(PartnerError)
    @api.exception_handler(ApplicationError)
    def _domain_error(request: HttpRequest, exc: PartnerError | ApplicationError):
        return respond(api, request, answer_for(exc))

    @api.exception_handler(RequestValidationError)
    def _invalid_request(request: HttpRequest, exc: RequestValidationError):
        """What django-ninja refuses before our code runs (a path parameter not a UUID)."""
        return respond(api, request, error_answer("invalid", first_error(exc.errors)))

    @api.exception_handler(UndecryptableValue)
    def _undecryptable(request: HttpRequest, exc: UndecryptableValue):
        """A value stored under an encryption key since removed: our fault, and passing."""
        logger.error("A stored value the partner API needs cannot be decrypted: %s", request.path)
        return respond(
            api,
            request,
            error_answer("data_unavailable", _("We cannot read this just now; try again later.")),
        )

    @api.exception_handler(Exception)
    def _server_error(request: HttpRequest, exc: Exception):
        logger.exception("The partner API failed on %s", request.path)
        return respond(
            api, request, error_answer("server_error", _("Something went wrong on our side."))
        )
