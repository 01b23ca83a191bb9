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

# (kind, name, English name, slug, licence number, issuing authority, in English)
LENDERS = [
    ("bank", "海港银行", "Harbour Bank", "huaxia-harbour", "B0012H231000001", "国家金融监督管理总局上海监管局", "NFRA Shanghai Office"),
    ("bank", "玉河商业银行", "Jade River Commercial Bank", "jade-river", "B0458H244010001", "国家金融监督管理总局浙江监管局", "NFRA Zhejiang Office"),
    ("consumer_finance", "丝路消费金融", "Silk Road Consumer Finance", "silk-road-cf", "S0015H244030001", "国家金融监督管理总局广东监管局", "NFRA Guangdong Office"),
    ("microloan", "珠三角小额贷款", "Pearl Delta Microcredit", "pearl-delta", "XD-440300-2019-017", "深圳市地方金融管理局", "Shenzhen Local Financial Regulatory Bureau"),
    ("microloan", "山茶网络小贷", "Mountain Tea Online Microloans", "mountain-tea", "XD-350100-2020-004", "福建省地方金融管理局", "Fujian Local Financial Regulatory Bureau"),
    ("p2p", "竹林借贷平台", "Bamboo Lending Exchange", "bamboo-exchange", "ZX-110000-2018-211", "北京市地方金融管理局", "Beijing Local Financial Regulatory Bureau"),
    ("auto_finance", "长风汽车金融", "Changfeng Motor Credit", "great-wall-motor", "A0003H213010001", "国家金融监督管理总局河北监管局", "NFRA Hebei Office"),
    ("card_issuer", "金熊猫信用卡中心", "Golden Panda Card Services", "golden-panda", "C0021H211000001", "国家金融监督管理总局北京监管局", "NFRA Beijing Office"),
    ("consumer_finance", "莲湖消费金融", "Lotus Lake Consumer Finance", "lotus-lake-cf", "S0031H232010001", "国家金融监督管理总局江苏监管局", "NFRA Jiangsu Office"),
]

# (lender slug, English name, slug, category, min, max, min term, max term, rate, unit, method,
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

# Each product's name in Chinese (the default), by its slug.
CHINESE_NAMES = {
    "salary-express": "薪享快贷", "home-renovation": "安家装修分期", "business-flow": "小微经营贷",
    "car-purchase": "购车贷款", "card-bill": "信用卡账单分期",
    "quick-cash": "玉河快现", "bullet-bridge": "玉河到期一次还款贷", "merchant-revenue": "商户流水贷",
    "green-car": "绿色车贷", "appliance": "家电分期",
    "everyday": "丝路随心借", "education": "丝路教育分期", "travel": "丝路旅行分期",
    "starter": "丝路新客免息贷", "shop-owner": "丝路店主贷",
    "seven-day": "珠联7天应急贷", "monthly": "珠联月月贷", "trader": "珠联商贸贷",
    "phone": "珠联手机分期", "motorbike": "珠联摩托车贷", "premium-express": "珠联尊享极速贷",
    "tea-garden": "茶园流动资金贷", "daily-cash": "山茶日日借", "harvest-bridge": "山茶采收周转贷",
    "home-goods": "山茶家居分期", "interest-only": "山茶先息后本贷",
    "personal": "竹林个人贷", "business": "竹林经营贷", "flexible": "竹林灵活分期",
    "bridge": "竹林过桥贷", "declining": "竹林等额本金贷",
    "new-car-zero": "新车零息计划", "used-car": "二手车贷款", "fleet": "车队融资",
    "balloon": "弹性尾款车贷", "upgrade": "换车分期",
    "bill": "熊猫账单分期", "cash-advance": "熊猫现金分期", "big-purchase": "熊猫大额消费分期",
    "card-loan": "熊猫卡友贷", "holiday": "熊猫假期分期",
    "light": "莲湖轻松借", "furniture": "莲湖家具分期", "studio": "莲湖工作室经营贷",
    "scooter": "莲湖电动车分期", "one-payment": "莲湖一次还本付息贷",
}
# What each category is for, in Chinese and in English.
DESCRIPTIONS = {
    "cash": ("线上申请，审批通过后放款至本人银行卡，用于日常消费。",
             "Apply online; once approved, the money is paid into your own bank card, for everyday spending."),
    "installment": ("按月分期支付一笔指定消费，款项直接付给商户。",
                    "Pay for one purchase in monthly installments; the money goes straight to the merchant."),
    "vehicle": ("用于购买新车或二手车，车辆须办理抵押登记。",
                "For buying a new or used car; the car is registered as security."),
    "business": ("面向个体工商户和小微企业主的经营周转贷款。",
                 "Working capital for sole traders and small business owners."),
    "credit_card": ("将信用卡账单或一笔大额消费分期偿还。",
                    "Spread a credit card bill or one large purchase over monthly installments."),
}

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
EARLY_REPAYMENT = "第三期还款后可免费提前还款；此前提前还款，收取提前偿还本金的1%。"
EARLY_REPAYMENT_EN = "Free after the third installment; before that, 1% of the principal repaid early."


# Demo lenders answer through the sandbox lender (``manage.py sandbox_lender``), except one
# that takes applications in the partner portal's inbox.
PORTAL_ONLY = "bamboo-exchange"
PLATFORM = StatusEvent.Actor.PLATFORM
# A demo lender is onboarded (reviewed, then activated) as staff would do it.
ONBOARDING = {
    Lender.Status.APPLIED: [Lender.Status.UNDER_REVIEW, Lender.Status.ACTIVE],
    Lender.Status.UNDER_REVIEW: [Lender.Status.ACTIVE],
}


def _lender(
    kind: str, name: str, name_en: str, slug: str, licence: str, authority: str, authority_en: str
) -> Lender:
    lender = Lender.objects.filter(slug=slug).first()
    sandbox = settings.SANDBOX_LENDER_URL.rstrip("/")
    fields = {
        "api_base_url": "" if slug == PORTAL_ONLY else f"{sandbox}/{slug}",
        "name": name, "name_en": name_en, "kind": kind, "licence_number": licence,
        "licence_authority": authority, "licence_authority_en": authority_en,
        "website": f"https://{slug}.example.cn",
        "description": f"{name}是贷款超市演示用的虚构放款机构。",
        "description_en": f"{name_en} is a fictional lender used in the LoanMarket demo.",
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


def _text(name_en: str, slug: str, category: str) -> dict[str, str]:
    """A demo product's names, description and early-repayment terms, in both languages."""
    description, description_en = DESCRIPTIONS[category]
    return {
        "name": CHINESE_NAMES[slug], "name_en": name_en,
        "description": description, "description_en": description_en,
        "early_repayment_terms": EARLY_REPAYMENT, "early_repayment_terms_en": EARLY_REPAYMENT_EN,
    }


def _product(lender: Lender, row: tuple) -> tuple[LoanProduct, bool]:
    name_en, slug, *values = row
    fields = dict(zip(PRODUCT_FIELDS, values, strict=True))
    for key in ("min_amount", "max_amount"):
        fields[key] = D(fields[key]).quantize(D("0.01"))
    for key in ("rate_value", "upfront_fee_pct", "monthly_fee_pct"):
        fields[key] = D(fields[key]).quantize(D("0.0001"))
    fields.update(_text(name_en, slug, fields["category"]))
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
    lenders = {row[3]: _lender(*row) for row in LENDERS}
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
            _lender_slug, name_en, slug, *values = rng.choice(PRODUCTS[:-1])
            fields = dict(zip(PRODUCT_FIELDS, values, strict=True))
            text = _text(name_en, slug, fields["category"])
            text["name"] += f" #{index}"
            text["name_en"] += f" #{index}"
            for key in ("min_amount", "max_amount", "upfront_fee_pct", "monthly_fee_pct"):
                fields[key] = D(fields[key])
            fields["rate_value"] = (D(fields["rate_value"]) * rng.randint(80, 120) / 100).quantize(
                D("0.0001")
            )
            batch.append(
                LoanProduct(
                    lender=lenders[index % len(lenders)],
                    slug=f"bench-{index}",
                    **text,
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
