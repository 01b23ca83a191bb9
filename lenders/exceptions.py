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


class InvalidProductStatus(LenderError):
    code = "invalid_product_status"
