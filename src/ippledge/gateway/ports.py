"""Ports of the data gateway (数据网关端口): one typed interface per outside system, keyed by the firm's USCC.

An adapter for a real system implements the port (docs/gateway.md states each contract: what is asked, what is
answered, the errors, the timeouts); the composition root plugs the fakes (``fakes.FakeSources``) until one exists.
Nothing outside this package calls a port directly: every read goes through ``service.read``, which checks the
firm's consent and logs the access.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from ippledge.gateway.model import (
    CopyrightRecord,
    CreditBureauRecord,
    IpOfficeRecord,
    SciTechRecord,
    Source,
    TaxRecord,
)


class IpOfficePort(Protocol):
    """The IP office (国家知识产权局): legal status and ownership of the firm's patents on ``on``."""

    def ip_status(self, uscc: str, on: dt.date) -> IpOfficeRecord: ...


class CopyrightPort(Protocol):
    """The copyright register (中国版权保护中心): the firm's registered works and software."""

    def works(self, uscc: str, on: dt.date) -> CopyrightRecord: ...


class TaxPort(Protocol):
    """The tax bureau (银税互动): credit grade A/B/M/C/D, last year's revenue, arrears."""

    def tax(self, uscc: str, on: dt.date) -> TaxRecord: ...


class SciTechPort(Protocol):
    """The science and technology bureau: high-tech and tech-SME status, R&D expense."""

    def sci_tech(self, uscc: str, on: dt.date) -> SciTechRecord: ...


class CreditBureauPort(Protocol):
    """The credit bureau (征信中心企业信用报告): bank debt, overdue and NPL at other banks."""

    def credit_report(self, uscc: str, on: dt.date) -> CreditBureauRecord: ...


class SourceUnavailable(Exception):
    """An adapter could not answer (timeout, outage); the gateway answers 503 and logs nothing as read."""


@dataclass
class Sources:
    """The five ports, as plugged by the composition root."""

    ip_office: IpOfficePort
    copyright: CopyrightPort
    tax: TaxPort
    sci_tech: SciTechPort
    credit_bureau: CreditBureauPort

    def answer(self, source: Source, uscc: str, on: dt.date) -> dict[str, object]:
        """Every field of ``source`` for the firm (the service keeps only the consented ones)."""
        if source is Source.IP_OFFICE:
            return self.ip_office.ip_status(uscc, on).fields()
        if source is Source.COPYRIGHT:
            return self.copyright.works(uscc, on).fields()
        if source is Source.TAX:
            return self.tax.tax(uscc, on).fields()
        if source is Source.SCI_TECH:
            return self.sci_tech.sci_tech(uscc, on).fields()
        return self.credit_bureau.credit_report(uscc, on).fields()


_sources: Sources | None = None


def plug_sources(sources: Sources) -> None:
    global _sources
    _sources = sources


def sources() -> Sources:
    if _sources is None:
        raise LookupError("gateway.ports.sources is not plugged: call ippledge.bootstrap.wire() first")
    return _sources
