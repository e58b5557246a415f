"""The stand-in outside systems (测试/演示用数据源): deterministic, seeded answers for any USCC.

Each answer is drawn from ``random.Random`` seeded with (seed, source, USCC), so the same firm gets the same answer in
every run and on every machine, and a test may pin one firm's answer with :meth:`FakeSources.pin`. The draws are
plausible, not calibrated: the shares of tax grades, debt and overdue rates below are assumptions for tests and the
demo, stated here, not published figures.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from ippledge.gateway.model import (
    TAX_GRADES,
    CopyrightRecord,
    CreditBureauRecord,
    IpOfficeRecord,
    PatentStatus,
    SciTechRecord,
    Source,
    TaxRecord,
    Work,
)
from ippledge.gateway.ports import Sources

GRADE_WEIGHTS = (30, 35, 15, 12, 8)  # A B M C D (assumption)
SUBTYPES = ("invention", "utility_model", "design")
STATUSES = ("valid", "valid", "valid", "valid", "lapsed", "pending")  # 4 in 6 valid (assumption)


def _yuan(value: float) -> Decimal:
    return Decimal(int(value * 100)) / 100


@dataclass
class FakeSources:
    """All five ports at once, answered from the seed unless pinned."""

    seed: int = 20260101
    pinned: dict[tuple[Source, str], object] = field(default_factory=dict)
    calls: int = 0

    def _rng(self, source: Source, uscc: str) -> random.Random:
        self.calls += 1
        return random.Random(f"{self.seed}:{source.value}:{uscc}")

    def pin(self, source: Source, uscc: str, record: object) -> None:
        """Answer ``record`` for this firm and source from now on (tests)."""
        self.pinned[(source, uscc)] = record

    def clear(self) -> None:
        self.pinned.clear()

    def ip_status(self, uscc: str, on: dt.date) -> IpOfficeRecord:
        if (hit := self.pinned.get((Source.IP_OFFICE, uscc))) is not None:
            assert isinstance(hit, IpOfficeRecord)
            return hit
        rng = self._rng(Source.IP_OFFICE, uscc)
        patents = tuple(
            PatentStatus(
                f"ZL{2015 + rng.randrange(10)}{rng.randrange(10**8):08d}",
                rng.choice(SUBTYPES),
                rng.choice(STATUSES),
                uscc,
            )
            for _ in range(rng.randrange(0, 12))
        )
        return IpOfficeRecord(patents, 1 if rng.random() < 0.03 else 0)

    def works(self, uscc: str, on: dt.date) -> CopyrightRecord:
        if (hit := self.pinned.get((Source.COPYRIGHT, uscc))) is not None:
            assert isinstance(hit, CopyrightRecord)
            return hit
        rng = self._rng(Source.COPYRIGHT, uscc)
        works = tuple(
            Work(f"2024SR{rng.randrange(10**7):07d}", rng.choice(("software", "work")), f"作品{i + 1}", uscc)
            for i in range(rng.randrange(0, 6))
        )
        return CopyrightRecord(works)

    def tax(self, uscc: str, on: dt.date) -> TaxRecord:
        if (hit := self.pinned.get((Source.TAX, uscc))) is not None:
            assert isinstance(hit, TaxRecord)
            return hit
        rng = self._rng(Source.TAX, uscc)
        grade = rng.choices(TAX_GRADES, weights=GRADE_WEIGHTS)[0]
        raw = rng.lognormvariate(17.0, 1.0)  # median about 24m CNY (assumption)
        arrears = _yuan(raw * rng.uniform(0.001, 0.02)) if grade in ("C", "D") else Decimal("0.00")
        revenue = _yuan(raw)
        return TaxRecord(grade, revenue, arrears)

    def sci_tech(self, uscc: str, on: dt.date) -> SciTechRecord:
        if (hit := self.pinned.get((Source.SCI_TECH, uscc))) is not None:
            assert isinstance(hit, SciTechRecord)
            return hit
        rng = self._rng(Source.SCI_TECH, uscc)
        return SciTechRecord(rng.random() < 0.4, rng.random() < 0.5, _yuan(rng.lognormvariate(14.5, 1.0)))

    def credit_report(self, uscc: str, on: dt.date) -> CreditBureauRecord:
        if (hit := self.pinned.get((Source.CREDIT_BUREAU, uscc))) is not None:
            assert isinstance(hit, CreditBureauRecord)
            return hit
        rng = self._rng(Source.CREDIT_BUREAU, uscc)
        raw = rng.lognormvariate(15.5, 1.2)  # median about 5.4m CNY (assumption)
        overdue = _yuan(raw * rng.uniform(0.01, 0.1)) if rng.random() < 0.06 else Decimal("0.00")
        npl = _yuan(raw * rng.uniform(0.01, 0.1)) if rng.random() < 0.03 else Decimal("0.00")
        return CreditBureauRecord(_yuan(raw), overdue, npl)

    def as_sources(self) -> Sources:
        return Sources(self, self, self, self, self)


FAKE = FakeSources()
