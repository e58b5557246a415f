"""Every table of the platform, imported in one place so that Alembic and tests see the whole schema.

The simulator's own table (``sim_truth``, the hidden true values) is not part of it: see ``simulation.truth``."""

from __future__ import annotations

from ippledge.access import tables as access_tables
from ippledge.credit import tables as credit_tables
from ippledge.db import Base
from ippledge.delivery import tables as delivery_tables
from ippledge.demand import tables as demand_tables
from ippledge.disposal import tables as disposal_tables
from ippledge.gateway import tables as gateway_tables
from ippledge.intake import tables as intake_tables
from ippledge.ledger import tables as ledger_tables
from ippledge.lending import tables as lending_tables
from ippledge.lending.close import tables as lending_close_tables
from ippledge.lending.provisioning import tables as lending_provisioning_tables
from ippledge.monitoring import tables as monitoring_tables
from ippledge.outbox import events
from ippledge.outreach import tables as outreach_tables
from ippledge.pledge import tables as pledge_tables
from ippledge.registry import tables as registry_tables
from ippledge.risk_sharing.claims import tables as risk_claim_tables
from ippledge.risk_sharing.covers import tables as risk_cover_tables
from ippledge.risk_sharing.enrolments import tables as risk_enrolment_tables
from ippledge.risk_sharing.liability import tables as risk_liability_tables
from ippledge.risk_sharing.pools import tables as risk_pool_tables
from ippledge.risk_sharing.schemes import tables as risk_scheme_tables
from ippledge.risk_sharing.subsidies import tables as risk_subsidy_tables
from ippledge.supervision import tables as supervision_tables
from ippledge.valuation import tables as valuation_tables
from ippledge.valuation.engine import tables as valuation_engine_tables
from ippledge.valuation.outcomes import tables as valuation_outcome_tables
from ippledge.web import idempotency
from ippledge.whitelist import tables as whitelist_tables

metadata = Base.metadata
SIMULATOR_PREFIX = "sim_"  # the simulator's own tables (``sim_truth``) live beside the schema, never in a migration


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's name filter: a simulator table in a database is not a difference from the product schema."""
    return not (type_ == "table" and name is not None and name.startswith(SIMULATOR_PREFIX))


__all__ = [
    "SIMULATOR_PREFIX",
    "access_tables",
    "credit_tables",
    "delivery_tables",
    "demand_tables",
    "disposal_tables",
    "events",
    "gateway_tables",
    "idempotency",
    "include_name",
    "intake_tables",
    "ledger_tables",
    "lending_close_tables",
    "lending_provisioning_tables",
    "lending_tables",
    "metadata",
    "monitoring_tables",
    "outreach_tables",
    "pledge_tables",
    "registry_tables",
    "risk_claim_tables",
    "risk_cover_tables",
    "risk_enrolment_tables",
    "risk_liability_tables",
    "risk_pool_tables",
    "risk_scheme_tables",
    "risk_subsidy_tables",
    "supervision_tables",
    "valuation_engine_tables",
    "valuation_outcome_tables",
    "valuation_tables",
    "whitelist_tables",
]
