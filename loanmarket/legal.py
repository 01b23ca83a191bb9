"""The versions of the texts a borrower agrees to. A change of wording is a new version:
the consent record keeps the version agreed to, and a review page shown before a change
is confirmed again (``applications.disclosure``)."""

PRIVACY_POLICY_VERSION = "2026-12"
USER_AGREEMENT_VERSION = "2026-12"
# The lender's credit-inquiry authorisation (征信查询授权) shown at consent.
CREDIT_INQUIRY_VERSION = "2026-12"
