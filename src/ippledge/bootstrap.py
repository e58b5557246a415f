"""Composition root (组装): the one place that registers what the capabilities contribute to shared mechanisms.

Scope rules (who may read which rows), the ledger check's expectation providers, the audit chain's commit hook and
the ports through which a lower capability reads a higher one's data are registered here by an explicit call, never
as a side effect of importing a module. Every entry point calls :func:`wire` before it touches the database: the API
(``app.create_app``), every CLI command (``cli``'s callback), the outbox relay, the demo, the benchmarks and the test
suite. Calling it twice is harmless.
"""

from __future__ import annotations

_wired = False


def wire() -> None:
    """Register every capability's scope rules, ledger expectations and the audit hook (idempotent)."""
    global _wired
    if _wired:
        return
    import ippledge.migrations.schema  # noqa: F401  (every table mapped, so foreign keys resolve)
    from ippledge.access import audit
    from ippledge.access import scope_rules as access_scope
    from ippledge.credit import queries as credit_queries
    from ippledge.credit import store as credit_store
    from ippledge.delivery import store as delivery_store
    from ippledge.demand import scope_rules as demand_scope
    from ippledge.disposal import custody_check as disposal_check
    from ippledge.disposal import postings as disposal_chart
    from ippledge.disposal import queries as disposal_queries
    from ippledge.gateway import fakes as gateway_fakes
    from ippledge.gateway import ports as gateway_ports
    from ippledge.gateway import scope_rules as gateway_scope
    from ippledge.gateway import service as gateway_service
    from ippledge.gateway import store as gateway_store
    from ippledge.intake import ports as intake_ports
    from ippledge.intake import store as intake_store
    from ippledge.ledger import scope_rules as ledger_scope
    from ippledge.lending import queries as lending_queries
    from ippledge.lending import renewal_ports
    from ippledge.lending import store as lending_store
    from ippledge.lending.close import ports as close_ports
    from ippledge.monitoring import ports as monitoring_ports
    from ippledge.monitoring import scope_rules as monitoring_scope
    from ippledge.monitoring import service as monitoring_service
    from ippledge.outreach import scope_rules as outreach_scope
    from ippledge.pledge import queries as pledge_queries
    from ippledge.pledge import store as pledge_store
    from ippledge.registry import ports as registry_ports
    from ippledge.registry import scope_rules as registry_scope
    from ippledge.risk_sharing import pool_check as risk_pool_check
    from ippledge.risk_sharing import scope_rules as risk_scope
    from ippledge.risk_sharing import service as risk_service
    from ippledge.risk_sharing.liability import postings as liability_chart
    from ippledge.risk_sharing.pools import postings as risk_chart
    from ippledge.supervision import ports as supervision_ports
    from ippledge.valuation import ports as valuation_ports
    from ippledge.valuation import store as valuation_store
    from ippledge.whitelist import ports as whitelist_ports
    from ippledge.whitelist import scope_rules as whitelist_scope

    audit.install_hooks()
    gateway_store.install_hooks()  # access-log rows outlive a failed request (record 0027)
    registry_ports.plug_pledges_in_force(pledge_queries.pledges_in_force)
    supervision_ports.plug_rounds_closed(  # disposal sits above supervision (record 0034)
        lambda s, start, end: [
            supervision_ports.RoundResult(r.sold, r.appraisal, r.price)
            for r in disposal_queries.rounds_closed(s, start, end)
        ]
    )
    for register_rules in (
        risk_chart.register_rules,
        liability_chart.register_rules,
        disposal_chart.register_rules,
        disposal_check.register_rules,
        ledger_scope.register_rules,
        access_scope.register_rules,
        registry_scope.register_rules,
        monitoring_scope.register_rules,
        gateway_scope.register_rules,
        pledge_store.register_rules,
        intake_store.register_rules,
        valuation_store.register_rules,
        credit_store.register_rules,
        lending_store.register_rules,
        risk_scope.register_rules,
        risk_pool_check.register_rules,
        delivery_store.register_rules,
        whitelist_scope.register_rules,
        demand_scope.register_rules,
        outreach_scope.register_rules,
    ):
        register_rules()
    # Ports: a lower capability reads a higher one's data through a function plugged here (decision record 0005).
    intake_ports.plug_banks_offering(credit_queries.banks_offering)
    valuation_ports.plug_secured_outstanding(lending_queries.outstanding_by_pledge)
    valuation_ports.plug_ltv_caps(lending_queries.ltv_cap_by_pledge)
    close_ports.plug_after_close(monitoring_service.after_close)  # post-loan monitoring after each close (0018)
    renewal_ports.plug_after_renewal(risk_service.carry_enrolment)  # a renewal keeps the scheme's share (0042)
    # Borrower signals: the data gateway under post-loan consents, plus the stand-in tests and the demo feed by hand.
    monitoring_ports.plug_borrower_signals(monitoring_ports.GatewaySignals(monitoring_ports.FAKE))
    # The data gateway's outside systems: the seeded stand-ins until adapters exist (docs/gateway.md, record 0027).
    gateway_ports.plug_sources(gateway_fakes.FAKE.as_sources())
    # Tax credit grades for whitelist criteria: read through the gateway where the firm consented to the platform
    # operator reading them for the purpose 'whitelist' (record 0032); without consent the criterion is 'unknown'.
    whitelist_ports.plug_tax_grades(gateway_service.tax_grades)
    _wired = True
