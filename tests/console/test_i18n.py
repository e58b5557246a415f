"""Figures and words of the console, without a server."""

from __future__ import annotations

from decimal import Decimal

from ippledge.console import i18n


def test_amounts_in_yuan_and_wan() -> None:
    assert i18n.yuan("1800000") == "1,800,000.00 元"
    assert i18n.yuan(Decimal("0.005")) == "0.01 元"  # half-up to the fen
    assert i18n.wan("1800000") == "180.00 万元"
    assert i18n.wan(None) == "—" and i18n.percent_bp(350) == "3.50%"


def test_labels_in_both_languages() -> None:
    assert (
        i18n.t("grade.special_mention", "zh") == "关注" and i18n.t("grade.special_mention", "en") == "Special mention"
    )
    assert i18n.t("no.such.key", "zh") == "no.such.key"  # a missing label shows, never blank
    assert i18n.both(i18n.FIELD_ERRORS["amount"], "en").startswith("Enter an amount")


def test_every_grade_and_status_has_a_label() -> None:
    from ippledge.credit.model import BasisKind
    from ippledge.gateway.model import Purpose, Source
    from ippledge.intake.model import ApplicationStatus, TaskKind, TaskStatus
    from ippledge.lending.model.charges import ChargeKind, Collect, Payee
    from ippledge.lending.model.renewal import RenewalKind
    from ippledge.lending.queries import grade_labels
    from ippledge.monitoring.model import ActionKind, Finding
    from ippledge.pledge.model import FilingStatus
    from ippledge.registry.model import LegalState
    from ippledge.risk_sharing.model import Party
    from ippledge.valuation.governance.model import FlagKind
    from ippledge.whitelist.model import AnnuityRisk

    keys = [f"grade.{g.code}" for g in grade_labels()]
    keys += [f"app.{s.value}" for s in ApplicationStatus] + [f"task.{k.value}" for k in TaskKind]
    keys += [f"tstatus.{s.value}" for s in TaskStatus] + [f"filing.{s.value}" for s in FilingStatus]
    keys += [f"ip.{s.value}" for s in LegalState] + [f"basis.{b.value}" for b in BasisKind]
    keys += [f"flag.{f.value}" for f in FlagKind] + [f"finding.{f.value}" for f in Finding]
    keys += [f"purpose.{p.value}" for p in Purpose] + [f"gwsource.{s.value}" for s in Source]
    keys += [f"sharer.{p.value}" for p in Party] + [f"arisk.{r.value}" for r in AnnuityRisk]
    keys += [f"bidder.{s}" for s in ("held", "refunded", "applied", "forfeited")]  # disposal_bidder.status
    keys += [f"work.{s}" for s in ("close", "payment", "next_round", "settle")]  # disposal.queries.LotWork.step
    keys += [f"dfiling.{k}" for k in ("transfer", "release")]
    keys += [f"act.{k.value}" for k in ActionKind] + [f"fee.{k.value}" for k in ChargeKind]
    keys += [f"collect.{c.value}" for c in Collect] + [f"payee.{p.value}" for p in Payee]
    keys += [f"renew.{k.value}" for k in RenewalKind] + [f"ext.{s}" for s in ("proposed", "approved", "rejected")]
    missing = [k for k in keys if k not in i18n.LABELS]
    assert missing == []
    zh = {g.code: g.zh for g in grade_labels()}
    assert all(i18n.t(f"grade.{c}", "zh") == z for c, z in zh.items())  # the console says what lending says


def test_an_operator_is_named_by_where_it_works() -> None:
    """The platform's operator is the centre's window officer; an IP operator's is its operations officer."""
    from ippledge.console.pages.base import role_label

    assert role_label("operator", "platform", "zh") == "窗口受理员"
    assert role_label("operator", "ip_operator", "zh") == "运营专员"
    assert role_label("operator", "ip_operator", "en") == "IP operations officer"
    assert role_label("approver", "bank", "zh") == "审批人"
