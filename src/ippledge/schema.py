"""Every table of the platform, imported in one place so that Alembic and tests see the whole schema."""

from __future__ import annotations

from ippledge import events, idempotency
from ippledge.access import audit as _audit  # noqa: F401  (registers the commit hook that chains audit records)
from ippledge.access import tables as access_tables
from ippledge.credit import store as _credit_scope  # noqa: F401  (registers credit scope rules)
from ippledge.credit import tables as credit_tables
from ippledge.db import Base
from ippledge.delivery import store as _delivery_scope  # noqa: F401  (registers webhook scope rules)
from ippledge.delivery import tables as delivery_tables
from ippledge.intake import store as _intake_scope  # noqa: F401  (registers application and task scope rules)
from ippledge.intake import tables as intake_tables
from ippledge.ledger import scope_rules as _ledger_scope  # noqa: F401  (registers ledger scope rules)
from ippledge.ledger import tables as ledger_tables
from ippledge.lending import close_tables as lending_close_tables
from ippledge.lending import store as _lending_scope  # noqa: F401  (registers loan scope and ledger expectations)
from ippledge.lending import tables as lending_tables
from ippledge.pledge import store as _pledge_scope  # noqa: F401  (registers pledge scope rules)
from ippledge.pledge import tables as pledge_tables
from ippledge.registry import scope_rules as _registry_scope  # noqa: F401  (registers register scope rules)
from ippledge.registry import tables as registry_tables
from ippledge.risk_sharing import store as _risk_scope  # noqa: F401  (registers risk-sharing scope rules)
from ippledge.risk_sharing import tables as risk_tables
from ippledge.simulation import truth as simulation_truth
from ippledge.valuation import service as _valuation_scope  # noqa: F401  (registers valuation report scope rules)
from ippledge.valuation import tables as valuation_tables

metadata = Base.metadata

__all__ = [
    "access_tables",
    "credit_tables",
    "delivery_tables",
    "events",
    "idempotency",
    "intake_tables",
    "ledger_tables",
    "lending_close_tables",
    "lending_tables",
    "metadata",
    "pledge_tables",
    "registry_tables",
    "risk_tables",
    "simulation_truth",
    "valuation_tables",
]
