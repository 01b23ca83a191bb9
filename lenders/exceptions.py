import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


class LenderError(Exception):
    """A business rule of the lenders domain was broken.

    ``code`` is stable for machines; ``message`` is for people.
    """

    code = "lender_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AprAboveCap(LenderError):
    code = "apr_above_cap"

    def __init__(self, *, product_name: str, apr: Decimal, cap: Decimal) -> None:
        super().__init__(
            _(
                "%(product)s cannot be published: its APR reaches %(apr)s%%, above the "
                "platform's limit of %(cap)s%%."
            )
            % {"product": product_name, "apr": apr, "cap": cap}
        )
        self.apr = apr
        self.cap = cap


class InsecureApiUrl(LenderError):
    code = "insecure_api_url"

    def __init__(self, *, allow_http: bool) -> None:
        if allow_http:
            message = _(
                "A lender's API address must start with https:// (or http:// to this machine "
                "only: 127.0.0.1, localhost or [::1])."
            )
        else:
            message = _("A lender's API address must start with https://.")
        super().__init__(message)


class LenderOffboarded(LenderError):
    code = "lender_offboarded"

    def __init__(self, *, product_name: str) -> None:
        super().__init__(
            _("%(product)s cannot be reviewed or published: its lender was offboarded.")
            % {"product": product_name}
        )


class StatusNotEditable(LenderError):
    """A status is changed by a transition (``services.transition_*``), never by a save."""

    code = "status_not_editable"

    def __init__(self, *, initial: str) -> None:
        super().__init__(
            _("It starts as “%(initial)s”; after that, only a status change moves it.")
            % {"initial": initial}
        )


class InvalidCap(LenderError):
    code = "invalid_cap"

    def __init__(self) -> None:
        from .models import CAP_AT_LEAST_ONE

        super().__init__(str(CAP_AT_LEAST_ONE))


class ProductAtCap(LenderError):
    """The product has accepted as many applications as its daily or monthly cap allows."""

    code = "product_at_cap"

    def __init__(self, *, reopens_on: datetime.date) -> None:
        from .caps import not_taking_until

        super().__init__(not_taking_until(reopens_on))
        self.reopens_on = reopens_on
