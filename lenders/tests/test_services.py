import os
import subprocess
import sys
from datetime import date
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from lenders import pricing, services
from lenders.exceptions import AprAboveCap, InsecureApiUrl
from lenders.models import LoanProduct, ProductTermApr, StatusEvent
from lenders.selectors import CATALOGUE_VERSION_KEY, catalogue_version
from lenders.states import InvalidProductTransition
from lenders.tests.factories import LenderFactory, LoanProductFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
STAFF = StatusEvent.Actor.STAFF
P = LoanProduct.Status


def test_saving_a_product_prices_every_allowed_term():
    """Given a 3–24 month product, when saved, each term gets its APR and the range is stored."""
    product = LoanProductFactory(min_term_months=3, max_term_months=24, status=P.DRAFT)

    terms = dict(product.term_aprs.values_list("term_months", "apr"))
    assert sorted(terms) == list(range(3, 25))
    assert product.apr_min == min(terms.values())
    assert product.apr_max == max(terms.values())
    # 0.03 % a day on equal installments: 10.95 % whatever the term (to the cent).
    assert product.apr_min >= Decimal("10.90")
    assert product.apr_max <= Decimal("11.00")


def test_saving_a_product_stores_each_terms_largest_installment_per_yuan():
    """Given ¥1,000–¥50,000 at 0.03 % a day over 3–24 months, each term keeps its largest
    installment per yuan at ¥50,000 (rounded up), so any amount times it is that amount's
    largest installment to the cent; an interest-only plan's is its last (the principal)."""
    product = LoanProductFactory(min_term_months=3, max_term_months=24, status=P.DRAFT)

    per_yuan = dict(product.term_aprs.values_list("term_months", "max_payment_per_yuan"))
    schedule = pricing.build_schedule(
        product.quoted_price, amount=Decimal("20000"), term_months=12, start=date.today()
    )
    largest = max(installment.payment for installment in schedule.installments)
    assert abs(Decimal("20000") * per_yuan[12] - largest) < Decimal("0.02")
    assert per_yuan[3] > per_yuan[12] > per_yuan[24]

    product.repayment_method = LoanProduct.RepaymentMethod.INTEREST_ONLY
    services.save_product(product=product)
    per_yuan = dict(product.term_aprs.values_list("term_months", "max_payment_per_yuan"))
    assert per_yuan[12] == (1 + Decimal("0.0003") * 365 / 12).quantize(
        Decimal("1E-10"), rounding=ROUND_CEILING
    )


def test_repricing_replaces_the_term_aprs_of_a_narrowed_range():
    """Narrowing the term range drops the APRs of terms no longer offered."""
    product = LoanProductFactory(min_term_months=3, max_term_months=24, status=P.DRAFT)
    product.max_term_months = 6
    services.save_product(product=product)

    assert set(
        ProductTermApr.objects.filter(product=product).values_list("term_months", flat=True)
    ) == {
        3,
        4,
        5,
        6,
    }


def test_publishing_a_product_shows_it_and_records_when():
    product = LoanProductFactory(status=P.PENDING_REVIEW)

    services.publish_product(product=product, actor=STAFF)

    product.refresh_from_db()
    assert product.status == LoanProduct.Status.PUBLISHED
    assert product.published_at is not None


def test_publishing_refuses_a_product_above_the_apr_cap(settings):
    """A flat fee of 1.5 % a month (APR above 30 %) is never published under a 24 % cap."""
    settings.PLATFORM_MAX_APR = Decimal("24")
    product = LoanProductFactory(
        rate_value=Decimal("1.5"),
        rate_unit=LoanProduct.RateUnit.MONTHLY,
        repayment_method=LoanProduct.RepaymentMethod.FLAT_FEE,
        status=P.PENDING_REVIEW,
    )

    with pytest.raises(AprAboveCap) as refused:
        services.publish_product(product=product, actor=STAFF)

    product.refresh_from_db()
    assert product.status == P.PENDING_REVIEW
    assert not product.events.filter(to_status=P.PUBLISHED).exists()
    assert "24" in refused.value.message


def test_the_cap_applies_to_the_highest_apr_anywhere_in_the_range(settings):
    """An upfront fee makes short terms dearest: the cap is checked against them too."""
    settings.PLATFORM_MAX_APR = Decimal("24")
    product = LoanProductFactory(
        upfront_fee_pct=Decimal("3"), min_term_months=1, max_term_months=36, status=P.PENDING_REVIEW
    )
    assert product.apr_min < Decimal("24") < product.apr_max

    with pytest.raises(AprAboveCap):
        services.publish_product(product=product, actor=STAFF)


def test_a_published_product_cannot_be_repriced_above_the_cap(settings):
    settings.PLATFORM_MAX_APR = Decimal("24")
    product = LoanProductFactory()
    product.rate_value = Decimal("0.2")

    with pytest.raises(AprAboveCap):
        services.save_product(product=product)

    product.refresh_from_db()
    assert product.rate_value == Decimal("0.0300")


def test_pausing_takes_a_published_product_off_the_site():
    product = LoanProductFactory()

    services.pause_product(product=product, actor=STAFF)

    product.refresh_from_db()
    assert product.status == P.PAUSED


def test_only_a_published_product_can_be_paused():
    product = LoanProductFactory(status=P.DRAFT)

    with pytest.raises(InvalidProductTransition) as refused:
        services.pause_product(product=product, actor=STAFF)

    assert refused.value.code == "invalid_product_transition"


def test_every_write_changes_the_catalogue_version_after_commit(
    django_capture_on_commit_callbacks,
):
    """Cached pages are keyed by the version, so a change is visible at once."""
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        LoanProductFactory()
    assert cache.get(CATALOGUE_VERSION_KEY) != before


# A lender's API address (hole 10: it could be plain http://)


@pytest.mark.parametrize(
    ("url", "allow_http", "accepted"),
    [
        ("https://api.lender.example/v1", False, True),
        ("HTTPS://api.lender.example/v1", False, True),
        ("", False, True),  # no API: the partner portal's inbox
        ("http://api.lender.example/v1", False, False),
        ("http://127.0.0.1:8100/sandbox", False, False),
        ("http://localhost:8100/sandbox", False, False),
        ("http://[::1]:8100/sandbox", False, False),
        ("http://127.0.0.1:8100/sandbox", True, True),
        ("http://localhost:8100/sandbox", True, True),
        ("http://[::1]:8100/sandbox", True, True),
        ("http://api.lender.example/v1", True, False),
        ("http://10.0.0.5/v1", True, False),
        ("http://127.0.0.1.nip.io/v1", True, False),
        ("http://localhost.lender.example/v1", True, False),
        ("ftp://api.lender.example/", True, False),
        ("https:///no-host", True, False),
    ],
)
def test_a_lender_api_address_is_https_and_loopback_http_only_where_allowed(
    settings, url, allow_http, accepted
):
    settings.ALLOW_HTTP_LENDER_URLS = allow_http
    lender = LenderFactory(api_base_url="https://before.lender.example/")
    lender.api_base_url = url

    if accepted:
        services.save_lender(lender=lender)
    else:
        with pytest.raises(InsecureApiUrl) as refused:
            services.save_lender(lender=lender)
        assert refused.value.code == "insecure_api_url"

    lender.refresh_from_db()
    assert lender.api_base_url == (url if accepted else "https://before.lender.example/")


def test_model_validation_refuses_a_plain_http_api_address(settings):
    settings.ALLOW_HTTP_LENDER_URLS = False
    lender = LenderFactory()
    lender.api_base_url = "http://127.0.0.1:8100/sandbox"

    with pytest.raises(ValidationError) as refused:
        lender.full_clean()

    assert "https://" in str(refused.value.message_dict["api_base_url"])


def test_production_settings_never_allow_plain_http_even_with_debug_on():
    """Only local settings (with DEBUG) and the test settings turn loopback http:// on."""
    check = (
        "from django.conf import settings; "
        "from lenders.validators import check_api_base_url; "
        "print(settings.ALLOW_HTTP_LENDER_URLS); "
        "check_api_base_url('http://127.0.0.1:8100/sandbox')"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="loanmarket.settings.production",
        DEBUG="1",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        FIELD_ENCRYPTION_KEYS="ZmRlZmF1bHQtdGVzdC1rZXktZm9yLWxvYW5tYXJrZXQ=",
        BLIND_INDEX_KEYS="v1:dGVzdC1ibGluZC1pbmRleC1rZXktZm9yLWxvYW5tYXJrZXQ=",
        ADMIN_URL="manage-test/",
        TRUSTED_PROXY_COUNT="0",
        CACHE_URL="redis://127.0.0.1:6379/3",
        ADMINS="ops@loanmarket.example.cn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", check],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stdout.strip() == "False"
    assert result.returncode != 0
    assert "InsecureApiUrl" in result.stderr
