"""What matching reads and returns: the request, the borrower, each product's facts, and
the offers it ranks. Plain frozen data; no database, no NumPy."""

from dataclasses import dataclass, field
from decimal import Decimal

from lenders import pricing
from lenders.localized import Localized
from lenders.models import EligibilityRules

from ..bands import Band
from .explain import QUESTIONS, explain

ELIGIBLE, UNDECIDED, INELIGIBLE = 0, 1, 2
BUSINESS_PURPOSE = "business"
BANK = "bank"


@dataclass(frozen=True)
class LoanRequest:
    amount: Decimal
    term_months: int
    purpose: str


@dataclass(frozen=True)
class Borrower:
    """What we know of the borrower; ``None`` is "not told". Bands stand in for exact
    values when the borrower is anonymous."""

    age: Band | None = None
    monthly_income: Band | None = None
    city: str = ""
    occupation: str = ""
    months_in_job: int | None = None
    has_social_insurance: bool | None = None
    monthly_debt_payments: Decimal | None = None
    monthly_business_revenue: Decimal | None = None
    years_trading: int | None = None


@dataclass(frozen=True)
class ProductFacts:
    """One published product as matching sees it (built once per catalogue version)."""

    id: int
    name: str
    url: str
    lender_name: str
    lender_kind: str
    category: str
    min_amount: Decimal
    max_amount: Decimal
    min_term: int
    max_term: int
    approval_minutes: int
    price: pricing.QuotedPrice
    term_aprs: tuple[Decimal, ...]  # index: term - min_term
    # The largest installment per yuan lent at each term (index: term - min_term).
    term_payments: tuple[Decimal, ...]
    min_age: int = 18
    max_age: int = 65
    min_monthly_income: Decimal | None = None
    occupations: frozenset[str] = frozenset()
    min_months_in_job: int | None = None
    cities: frozenset[str] = frozenset()
    social_insurance_required: bool = False
    min_business_revenue: Decimal | None = None
    min_years_trading: int | None = None
    max_debt_to_income_pct: Decimal | None = None
    income_multiple: Decimal | None = None
    revenue_multiple: Decimal | None = None
    purposes: frozenset[str] = frozenset()  # empty: the category's own
    apply_url: str = ""
    name_en: str = ""
    lender_name_en: str = ""
    rule_id: int = field(init=False, compare=False, repr=False)

    display_name = Localized("name")
    display_lender_name = Localized("lender_name")

    def __post_init__(self) -> None:
        # Products with the same rules (and lender kind and category) are judged once.
        rules = tuple(getattr(self, name) for name in RULE_FIELDS)
        object.__setattr__(self, "rule_id", _RULE_IDS.setdefault(rules, len(_RULE_IDS)))


RULE_FIELDS = ("lender_kind", "category", *EligibilityRules.FIELDS)
_RULE_IDS: dict[tuple, int] = {}


@dataclass
class Offer:
    product: ProductFacts
    status: int
    amount: Decimal
    term_months: int
    rank_apr: Decimal
    failures: list[tuple] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)
    adjustments: list[tuple] = field(default_factory=list)
    suggestions: list[tuple] = field(default_factory=list)
    quote: pricing.Quote | None = None

    @property
    def eligible(self) -> bool:
        return self.status == ELIGIBLE

    @property
    def undecided(self) -> bool:
        return self.status == UNDECIDED

    @property
    def reasons(self) -> list[str]:
        """Why not, in words a borrower understands."""
        return [explain(code, params) for code, params in self.failures]

    @property
    def missing(self) -> list[str]:
        """What we would need to know to decide."""
        return [QUESTIONS[code] for code in self.unknowns]

    @property
    def notes(self) -> list[str]:
        """How the request was adjusted to fit this product."""
        return [explain(code, params) for code, params in self.adjustments]

    @property
    def suggested(self) -> list[str]:
        """What this product could lend within the borrower's means instead, in words."""
        return [explain(code, params) for code, params in self.suggestions]


@dataclass(frozen=True)
class MatchResult:
    offers: list[Offer]  # the page asked for, ranked and priced
    eligible: int
    undecided: int
    ineligible: int

    @property
    def total(self) -> int:
        return self.eligible + self.undecided + self.ineligible
