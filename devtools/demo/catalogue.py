"""Fictional demo lenders and products (realistic for the Chinese market).

Also the generated products that benchmarks add on top of them.
"""

import contextlib
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from lenders import services
from lenders.exceptions import AprAboveCap
from lenders.models import EligibilityRules, Lender, LoanProduct, StatusEvent

D = Decimal

LENDERS = [
    ("bank", "Huaxia Harbour Bank", "huaxia-harbour", "B0012H231000001", "NFRA Shanghai Office"),
    ("bank", "Jade River Commercial Bank", "jade-river", "B0458H244010001", "NFRA Zhejiang Office"),
    ("consumer_finance", "Silk Road Consumer Finance", "silk-road-cf", "S0015H244030001", "NFRA Guangdong Office"),
    ("microloan", "Pearl Delta Microcredit", "pearl-delta", "XD-440300-2019-017", "Shenzhen Local Financial Regulatory Bureau"),
    ("microloan", "Mountain Tea Online Microloans", "mountain-tea", "XD-350100-2020-004", "Fujian Local Financial Regulatory Bureau"),
    ("p2p", "Bamboo Lending Exchange", "bamboo-exchange", "ZX-110000-2018-211", "Beijing Local Financial Regulatory Bureau"),
    ("auto_finance", "Great Wall Motor Credit", "great-wall-motor", "A0003H213010001", "NFRA Hebei Office"),
    ("card_issuer", "Golden Panda Card Services", "golden-panda", "C0021H211000001", "NFRA Beijing Office"),
    ("consumer_finance", "Lotus Lake Consumer Finance", "lotus-lake-cf", "S0031H232010001", "NFRA Jiangsu Office"),
]

# (lender slug, name, slug, category, min, max, min term, max term, rate, unit, method,
#  upfront %, monthly fee %, free months, approval minutes)
PRODUCTS = [
    ("huaxia-harbour", "Salary Express", "salary-express", "cash", 1000, 300000, 1, 36, "3.6", "annual", "equal_installment", "0", "0", 0, 240),
    ("huaxia-harbour", "Home Renovation Installments", "home-renovation", "installment", 10000, 300000, 12, 60, "4.2", "annual", "equal_principal", "0", "0", 0, 2880),
    ("huaxia-harbour", "Small Business Flow", "business-flow", "business", 50000, 300000, 6, 36, "4.8", "annual", "interest_only", "0", "0", 0, 4320),
    ("huaxia-harbour", "Car Purchase Loan", "car-purchase", "vehicle", 30000, 300000, 12, 60, "3.9", "annual", "equal_installment", "1", "0", 0, 1440),
    ("huaxia-harbour", "Card Bill Installments", "card-bill", "credit_card", 1000, 100000, 3, 24, "0.55", "monthly", "flat_fee", "0", "0", 0, 10),
    ("jade-river", "Jade Quick Cash", "quick-cash", "cash", 500, 50000, 1, 12, "0.025", "daily", "equal_installment", "0", "0", 0, 30),
    ("jade-river", "Jade Bullet Bridge", "bullet-bridge", "cash", 5000, 200000, 1, 12, "5.5", "annual", "bullet", "0", "0", 0, 720),
    ("jade-river", "Merchant Revenue Loan", "merchant-revenue", "business", 20000, 300000, 6, 36, "6.0", "annual", "equal_installment", "0", "0.2", 0, 2880),
    ("jade-river", "Green Car Loan", "green-car", "vehicle", 50000, 300000, 12, 60, "0", "annual", "equal_principal", "2", "0.3", 0, 2880),
    ("jade-river", "Appliance Installments", "appliance", "installment", 1000, 30000, 3, 24, "0.5", "monthly", "flat_fee", "0", "0", 3, 15),
    ("silk-road-cf", "Silk Everyday Loan", "everyday", "cash", 500, 200000, 3, 36, "0.035", "daily", "equal_installment", "0", "0", 0, 20),
    ("silk-road-cf", "Silk Education Installments", "education", "installment", 2000, 80000, 6, 36, "7.2", "annual", "equal_installment", "0", "0.5", 0, 120),
    ("silk-road-cf", "Silk Travel Plan", "travel", "installment", 1000, 50000, 3, 24, "0.6", "monthly", "flat_fee", "0", "0", 1, 30),
    ("silk-road-cf", "Silk Interest-Free Starter", "starter", "cash", 500, 20000, 3, 12, "0.04", "daily", "equal_installment", "0", "0", 1, 15),
    ("silk-road-cf", "Silk Shop Owner Loan", "shop-owner", "business", 10000, 200000, 6, 24, "9.0", "annual", "equal_principal", "1", "0.3", 0, 1440),
    ("pearl-delta", "Pearl 7-Day Cash", "seven-day", "cash", 500, 20000, 1, 6, "0.05", "daily", "bullet", "0", "0", 0, 5),
    ("pearl-delta", "Pearl Monthly Loan", "monthly", "cash", 1000, 50000, 3, 24, "0.045", "daily", "equal_installment", "0", "0", 0, 10),
    ("pearl-delta", "Pearl Trader Loan", "trader", "business", 10000, 300000, 3, 24, "10.8", "annual", "interest_only", "2", "0", 0, 480),
    ("pearl-delta", "Pearl Phone Installments", "phone", "installment", 1000, 15000, 3, 24, "0.4", "monthly", "flat_fee", "1", "0", 0, 5),
    ("pearl-delta", "Pearl Motorbike Loan", "motorbike", "vehicle", 3000, 30000, 6, 36, "12.0", "annual", "equal_installment", "0", "0.3", 0, 60),
    ("mountain-tea", "Tea Garden Working Capital", "tea-garden", "business", 20000, 300000, 6, 36, "8.4", "annual", "equal_principal", "0", "0.2", 0, 2880),
    ("mountain-tea", "Tea Daily Cash", "daily-cash", "cash", 500, 30000, 1, 12, "0.03", "daily", "equal_installment", "0", "0", 0, 15),
    ("mountain-tea", "Tea Harvest Bridge", "harvest-bridge", "business", 10000, 200000, 3, 12, "0.6", "monthly", "bullet", "1", "0", 0, 1440),
    ("mountain-tea", "Tea Home Goods Plan", "home-goods", "installment", 1000, 20000, 3, 18, "0.45", "monthly", "flat_fee", "0", "0", 0, 10),
    ("mountain-tea", "Tea Interest-Only Line", "interest-only", "cash", 5000, 100000, 3, 12, "10.0", "annual", "interest_only", "1", "0", 0, 120),
    ("bamboo-exchange", "Bamboo Personal Loan", "personal", "cash", 1000, 100000, 6, 36, "9.6", "annual", "equal_installment", "2", "0.2", 0, 1440),
    ("bamboo-exchange", "Bamboo Business Loan", "business", "business", 20000, 300000, 6, 36, "10.2", "annual", "equal_installment", "3", "0", 0, 4320),
    ("bamboo-exchange", "Bamboo Flexible Plan", "flexible", "installment", 2000, 50000, 3, 24, "0.5", "monthly", "flat_fee", "1", "0", 0, 720),
    ("bamboo-exchange", "Bamboo Bridge Loan", "bridge", "cash", 10000, 200000, 1, 6, "11.0", "annual", "bullet", "1", "0", 0, 1440),
    ("bamboo-exchange", "Bamboo Declining Loan", "declining", "cash", 5000, 150000, 6, 36, "12.0", "annual", "equal_principal", "0", "0", 0, 1440),
    ("great-wall-motor", "New Car 0% Plan", "new-car-zero", "vehicle", 30000, 300000, 12, 36, "0", "annual", "equal_installment", "3", "0", 0, 1440),
    ("great-wall-motor", "Used Car Loan", "used-car", "vehicle", 20000, 200000, 12, 60, "6.5", "annual", "equal_installment", "0", "0.25", 0, 2880),
    ("great-wall-motor", "Fleet Finance", "fleet", "business", 100000, 300000, 12, 60, "5.2", "annual", "equal_principal", "1", "0", 0, 4320),
    ("great-wall-motor", "Balloon Car Plan", "balloon", "vehicle", 50000, 300000, 12, 36, "5.0", "annual", "interest_only", "1", "0", 0, 2880),
    ("great-wall-motor", "Car Upgrade Installments", "upgrade", "vehicle", 10000, 150000, 12, 48, "0.35", "monthly", "flat_fee", "0", "0", 6, 1440),
    ("golden-panda", "Panda Bill Installments", "bill", "credit_card", 500, 100000, 3, 24, "0.6", "monthly", "flat_fee", "0", "0", 0, 5),
    ("golden-panda", "Panda Cash Advance Plan", "cash-advance", "credit_card", 1000, 50000, 3, 24, "0.02", "daily", "equal_installment", "0", "0", 0, 10),
    ("golden-panda", "Panda Big Purchase", "big-purchase", "credit_card", 3000, 200000, 6, 36, "0.5", "monthly", "flat_fee", "0", "0", 2, 60),
    ("golden-panda", "Panda Card Loan", "card-loan", "cash", 2000, 200000, 6, 36, "7.0", "annual", "equal_principal", "0", "0", 0, 120),
    ("golden-panda", "Panda Holiday Plan", "holiday", "installment", 1000, 30000, 3, 12, "0.55", "monthly", "flat_fee", "0", "0", 1, 30),
    ("lotus-lake-cf", "Lotus Light Loan", "light", "cash", 500, 100000, 3, 36, "0.032", "daily", "equal_installment", "0", "0", 1, 15),
    ("lotus-lake-cf", "Lotus Furniture Plan", "furniture", "installment", 2000, 60000, 6, 36, "6.0", "annual", "equal_installment", "0", "0.4", 0, 60),
    ("lotus-lake-cf", "Lotus Studio Business Loan", "studio", "business", 10000, 200000, 6, 36, "0.04", "daily", "equal_principal", "0", "0", 0, 1440),
    ("lotus-lake-cf", "Lotus Scooter Plan", "scooter", "vehicle", 2000, 20000, 6, 24, "0.45", "monthly", "flat_fee", "2", "0", 0, 60),
    ("lotus-lake-cf", "Lotus One-Payment Loan", "one-payment", "cash", 1000, 50000, 1, 3, "0.04", "daily", "bullet", "0", "0", 0, 20),
    # Priced above the platform's APR cap: stays in review, never published.
    ("pearl-delta", "Pearl Premium Express", "premium-express", "cash", 500, 10000, 1, 6, "1.5", "monthly", "flat_fee", "3", "0", 0, 5),
]

# Who each kind of lender lends to (a business loan adds its own rules below).
RULES_BY_KIND = {
    "bank": {"min_age": 22, "max_age": 60, "min_monthly_income": D("5000"), "min_months_in_job": 6,
             "social_insurance_required": True, "income_multiple": D("20"), "max_debt_to_income_pct": D("50")},
    "consumer_finance": {"min_age": 22, "max_age": 55, "min_monthly_income": D("3000"),
                         "income_multiple": D("10"), "max_debt_to_income_pct": D("60")},
    "microloan": {"min_age": 20, "max_age": 55, "min_monthly_income": D("2000"), "income_multiple": D("5")},
    "p2p": {"min_age": 22, "max_age": 55, "min_monthly_income": D("4000"), "max_debt_to_income_pct": D("50"),
            "income_multiple": D("8")},
    "auto_finance": {"min_age": 22, "max_age": 60, "min_monthly_income": D("6000"), "min_months_in_job": 6},
    "card_issuer": {"min_age": 20, "max_age": 60, "min_monthly_income": D("3000")},
}
BUSINESS_RULES = {
    "occupations": ["business_owner", "self_employed"], "min_business_revenue": D("30000"),
    "min_years_trading": 1, "revenue_multiple": D("6"), "income_multiple": None,
    "min_months_in_job": None, "social_insurance_required": False,
}
# Local lenders serve their own region only.
CITIES_BY_LENDER = {
    "pearl-delta": ["shenzhen", "guangzhou"],
    "mountain-tea": ["xiamen", "hangzhou", "shanghai"],
}

# What a purpose-bound product serves (the rest serve their category's purposes: a vehicle
# loan buying a car, a business loan business, any other everything but business).
PURPOSES_BY_PRODUCT = {
    "home-renovation": ["home"], "appliance": ["home", "consumption"], "education": ["education"],
    "travel": ["travel"], "phone": ["consumption"], "home-goods": ["home", "consumption"],
    "holiday": ["travel"], "furniture": ["home"],
}

PRODUCT_FIELDS = (
    "category", "min_amount", "max_amount", "min_term_months", "max_term_months", "rate_value",
    "rate_unit", "repayment_method", "upfront_fee_pct", "monthly_fee_pct",
    "interest_free_periods", "approval_minutes",
)
EARLY_REPAYMENT = "Free after the third installment; before that, 1% of the principal repaid early."


# Demo lenders answer through the sandbox lender (``manage.py sandbox_lender``), except one
# that takes applications in the partner portal's inbox.
PORTAL_ONLY = "bamboo-exchange"
PLATFORM = StatusEvent.Actor.PLATFORM
# A demo lender is onboarded (reviewed, then activated) as staff would do it.
ONBOARDING = {
    Lender.Status.APPLIED: [Lender.Status.UNDER_REVIEW, Lender.Status.ACTIVE],
    Lender.Status.UNDER_REVIEW: [Lender.Status.ACTIVE],
}


def _lender(kind: str, name: str, slug: str, licence: str, authority: str) -> Lender:
    lender = Lender.objects.filter(slug=slug).first()
    sandbox = settings.SANDBOX_LENDER_URL.rstrip("/")
    fields = {
        "api_base_url": "" if slug == PORTAL_ONLY else f"{sandbox}/{slug}",
        "name": name, "kind": kind, "licence_number": licence, "licence_authority": authority,
        "website": f"https://{slug}.example.cn",
        "description": f"{name} is a fictional lender used in the LoanMarket demo.",
    }
    if not (lender and all(getattr(lender, k) == v for k, v in fields.items())):
        lender = lender or Lender(slug=slug)
        for key, value in fields.items():
            setattr(lender, key, value)
        lender = services.save_lender(lender=lender)
    for step in ONBOARDING.get(lender.status, []):
        lender = services.transition_lender(lender=lender, to=step, actor=PLATFORM)
    if not lender.webhook_secret:
        services.rotate_webhook_secret(lender=lender)
    return lender


def _product(lender: Lender, row: tuple) -> tuple[LoanProduct, bool]:
    name, slug, *values = row
    fields = dict(zip(PRODUCT_FIELDS, values, strict=True))
    for key in ("min_amount", "max_amount"):
        fields[key] = D(fields[key]).quantize(D("0.01"))
    for key in ("rate_value", "upfront_fee_pct", "monthly_fee_pct"):
        fields[key] = D(fields[key]).quantize(D("0.0001"))
    fields.update(name=name, early_repayment_terms=EARLY_REPAYMENT)
    product = LoanProduct.objects.filter(lender=lender, slug=slug).first()
    if product and all(getattr(product, k) == v for k, v in fields.items()):
        return product, False
    product = product or LoanProduct(lender=lender, slug=slug)
    for key, value in fields.items():
        setattr(product, key, value)
    return services.save_product(product=product), True


def rules_for(product: LoanProduct, lender: Lender) -> dict:
    rules = {"occupations": [], "cities": CITIES_BY_LENDER.get(lender.slug, []), **RULES_BY_KIND[lender.kind],
             "purposes": PURPOSES_BY_PRODUCT.get(product.slug, [])}
    if product.category == LoanProduct.Category.BUSINESS:
        rules.update(BUSINESS_RULES)
    return rules


def _rules(product: LoanProduct, lender: Lender) -> None:
    fields = rules_for(product, lender)
    rules = EligibilityRules.objects.filter(product=product).first()
    if rules and all(getattr(rules, k) == v for k, v in fields.items()):
        return
    rules = rules or EligibilityRules(product=product)
    for key, value in fields.items():
        setattr(rules, key, value)
    services.save_rules(rules=rules)


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create or update the demo catalogue; a second run changes nothing."""
    lenders = {row[2]: _lender(*row) for row in LENDERS}
    changed = 0
    for lender_slug, *row in PRODUCTS:
        product, was_changed = _product(lenders[lender_slug], tuple(row))
        _rules(product, lenders[lender_slug])
        changed += was_changed
        if product.status == LoanProduct.Status.DRAFT:
            product = services.transition_product(
                product=product, to=LoanProduct.Status.PENDING_REVIEW, actor=PLATFORM
            )
            with contextlib.suppress(AprAboveCap):  # above the cap: it stays pending review
                services.publish_product(product=product, actor=PLATFORM)
    return {"lenders": len(lenders), "products": len(PRODUCTS), "changed": changed}


def create_bench_products(*, count: int, seed: int = 7) -> int:
    """Add published generated products (``bench-*``) until there are ``count`` of them."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    lenders = list(Lender.objects.filter(status=Lender.Status.ACTIVE).order_by("pk"))
    existing = LoanProduct.objects.filter(slug__startswith="bench-").count()
    for batch_start in range(existing, count, 500):
        batch = []
        for index in range(batch_start, min(batch_start + 500, count)):
            _lender_slug, name, _slug, *values = rng.choice(PRODUCTS[:-1])
            fields = dict(zip(PRODUCT_FIELDS, values, strict=True))
            for key in ("min_amount", "max_amount", "upfront_fee_pct", "monthly_fee_pct"):
                fields[key] = D(fields[key])
            fields["rate_value"] = (D(fields["rate_value"]) * rng.randint(80, 120) / 100).quantize(
                D("0.0001")
            )
            batch.append(
                LoanProduct(
                    lender=lenders[index % len(lenders)],
                    slug=f"bench-{index}",
                    name=f"{name} #{index}",
                    early_repayment_terms=EARLY_REPAYMENT,
                    **fields,
                )
            )
        with transaction.atomic():  # matching sees a batch with its rules, or not at all
            services.import_products(products=batch, publish=True)
            EligibilityRules.objects.bulk_create(
                EligibilityRules(product=product, **rules_for(product, product.lender))
                for product in batch
            )
    return count
