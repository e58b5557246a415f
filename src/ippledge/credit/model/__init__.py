"""Credit rules (授信规则), pure: no database, no framework, no clock. Where each rule lives:

- ``product``: product kinds, repayment methods, LTV caps by IP subtype, the LPR-relative price cap, a product
  version's validation, the contract and penalty rates;
- ``basis``: the lending basis (贷款依据): appraisal of record x LTV cap, the model as challenger, loss given default
  at forced-sale value, coverage (decision record 0008);
- ``challenges``: the model's non-blocking warnings on a basis (appraisal outside the band, model cap, coverage);
- ``decision``: ``evaluate``, every rule check of a proposal (all failures, never only the first), the approved terms;
- ``security``: other security of a combination loan (组合担保) and the IP-pledged share.

The names other capabilities use are re-exported here.
"""

from __future__ import annotations

from ippledge.credit.model.basis import (
    Basis,
    BasisKind,
    Collateral,
    LendingBasis,
    ModelView,
    basis_of,
    coverage_ratio,
    loss_given_default,
    max_supported,
    outside_band,
    supported_by,
)
from ippledge.credit.model.challenges import CreditWarning, basis_warnings
from ippledge.credit.model.decision import ApprovedTerms, Outcome, Proposal, RuleCheck, evaluate
from ippledge.credit.model.product import (
    BP,
    DEFAULT_LTV_BP,
    MAX_TERM_MONTHS,
    ProductKind,
    ProductRules,
    RateCap,
    RepaymentMethod,
    Underwriting,
    annual_rate,
    penalty_rate,
)
from ippledge.credit.model.security import OtherSecurity, SecurityKind, ip_share_bp

__all__ = [
    "BP",
    "DEFAULT_LTV_BP",
    "MAX_TERM_MONTHS",
    "ApprovedTerms",
    "Basis",
    "BasisKind",
    "Collateral",
    "CreditWarning",
    "LendingBasis",
    "ModelView",
    "OtherSecurity",
    "Outcome",
    "ProductKind",
    "ProductRules",
    "Proposal",
    "RateCap",
    "RepaymentMethod",
    "RuleCheck",
    "SecurityKind",
    "Underwriting",
    "annual_rate",
    "basis_of",
    "basis_warnings",
    "coverage_ratio",
    "evaluate",
    "ip_share_bp",
    "loss_given_default",
    "max_supported",
    "outside_band",
    "penalty_rate",
    "supported_by",
]
