"""Market parameters (模拟市场参数): what a simulated market looks like, with the source of every number.

Each field's comment names its source (DOMAIN.md section, a public statistic) or says ``assumption``. Counts of
assets *in force* (有效) are exact: extra non-valid assets (lapsed, expired, pending) are added on top of them, so
``beijing`` holds exactly 473,000 valid invention patents and 2,891,000 valid trademarks (DOMAIN.md §8, Nov 2022).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from ippledge.simulation.errors import BAD_SPEC, UNKNOWN_SCALE


class AnnuityHistory(StrEnum):
    """How many annuity rows a patent gets."""

    FULL = "full"  # every year from the grant year to the next one due (small demo)
    LAST_AND_NEXT = "last_and_next"  # only the last paid year and the next due year (keeps beijing light)


@dataclass(frozen=True)
class MarketSpec:
    """Parameters of one simulated market. Pure data: generation reads it, never changes it."""

    name: str
    as_of: dt.date  # the market is generated as it stands on this date (CLI default: today)

    # --- enterprises -------------------------------------------------------------------------------------------
    enterprises: int
    # Share of firms that are national high-tech enterprises (高新技术企业). Assumption: IP holders skew high-tech;
    # Beijing had ~28,000 高企 (2022) among the ~120k IP-holding firms assumed below.
    high_tech_share: float = 0.25

    # --- assets in force (exact counts) ------------------------------------------------------------------------
    inventions: int = 0  # 发明专利 in force
    utility_models: int = 0  # 实用新型 in force
    designs: int = 0  # 外观设计 in force
    trademarks: int = 0  # 注册商标 in force
    software_copyrights: int = 0  # 计算机软件著作权登记
    work_copyrights: int = 0  # 作品登记

    # --- extra assets that are not in force, and flags (demo interest) ------------------------------------------
    lapsed_patent_share: float = 0.0  # terminated for unpaid annuity (CF01), relative to patents in force
    expired_patent_share: float = 0.0  # term expired (CX01), utility models and designs only
    pending_inventions: int = 0  # filed, not yet granted (审中)
    same_day_twins: int = 0  # same-day invention (pending) + utility model (in force) pairs, Patent Law art. 9
    expired_trademark_share: float = 0.0  # not renewed
    in_grace_share: float = 0.0  # in-force patents whose last annuity is unpaid but inside the 6-month grace
    preserved_share: float = 0.0  # court preservation (PP01) on an in-force patent
    invalidation_pending_share: float = 0.0  # invalidation request under examination
    co_owned_share: float = 0.0  # patents co-owned by two firms (50/50)

    # --- institutions -------------------------------------------------------------------------------------------
    banks: int = 8
    valuers: int = 4
    insurers: int = 2
    guarantors: int = 2
    ip_operators: int = 1
    funds: int = 1
    enterprise_users: bool = True  # one admin per enterprise (small only: argon2 hashes are reused, rows are not)

    # --- distributions ------------------------------------------------------------------------------------------
    annuity_history: AnnuityHistory = AnnuityHistory.FULL
    # Filing years span as_of.year - years_back .. as_of.year; an invention lives 20 years (Patent Law art. 42).
    years_back: int = 19
    # Yearly growth of filings. CNIPA: invention applications rose from 173k (2005) to 1.59m (2021), ~15%/yr;
    # trademarks from 0.66m (2005) to 9.4m (2021), ~18%/yr. Assumption: one rate of 14% for all kinds.
    filing_growth: float = 0.14
    # Invention grant lag (审查周期). CNIPA reported ~22 months average pendency (2020) and 16.5 (2023); we draw
    # 2.0-3.5 years from filing to grant (examination requested later than filing). Assumption on the spread.
    invention_lag_years: tuple[float, float] = (2.0, 3.5)
    utility_lag_months: tuple[int, int] = (5, 12)  # assumption; no substantive examination
    trademark_lag_months: tuple[int, int] = (9, 18)  # assumption: filing to registration
    claims_mean_invention: float = 9.0  # assumption (typical CN invention ~9 claims)
    claims_mean_utility: float = 7.0  # assumption
    backward_citations_mean: float = 6.0  # assumption
    forward_citations_per_year: float = 0.4  # assumption: mean forward citations grow with age
    # Portfolio concentration: patents and trademarks are assigned to firms with Pareto(alpha) weights.
    # Assumption: alpha ~1.2 reproduces "a few firms hold thousands, most hold one or two".
    portfolio_alpha: float = 1.2

    def __post_init__(self) -> None:
        counts = (self.enterprises, self.inventions, self.utility_models, self.designs, self.trademarks)
        if min(counts) < 0 or self.enterprises < 2:
            raise BAD_SPEC(name=self.name)

    @property
    def first_year(self) -> int:
        return self.as_of.year - self.years_back

    def planned_counts(self) -> dict[str, int]:
        """Assets the generator will produce, by subtype and state; in-force counts are exact."""
        patents = self.inventions + self.utility_models + self.designs
        lapsed = round(patents * self.lapsed_patent_share)
        expired = round((self.utility_models + self.designs) * self.expired_patent_share)
        return {
            "invention_in_force": self.inventions,
            "utility_model_in_force": self.utility_models + self.same_day_twins,
            "design_in_force": self.designs,
            "patent_lapsed": lapsed,
            "patent_expired": expired,
            "invention_pending": self.pending_inventions + self.same_day_twins,
            "trademark_in_force": self.trademarks,
            "trademark_expired": round(self.trademarks * self.expired_trademark_share),
            "software": self.software_copyrights,
            "work": self.work_copyrights,
        }

    def scaled(self, factor: float, name: str | None = None) -> MarketSpec:
        """The same market shape with every count multiplied by ``factor`` (tests use a tiny ``beijing``)."""

        def n(x: int, floor: int = 0) -> int:
            return max(floor, round(x * factor)) if x else 0

        return dataclasses.replace(
            self,
            name=name or f"{self.name}x{factor:g}",
            enterprises=n(self.enterprises, 2),
            inventions=n(self.inventions),
            utility_models=n(self.utility_models),
            designs=n(self.designs),
            trademarks=n(self.trademarks),
            software_copyrights=n(self.software_copyrights),
            work_copyrights=n(self.work_copyrights),
            pending_inventions=n(self.pending_inventions),
            same_day_twins=n(self.same_day_twins),
            banks=n(self.banks, 1),
        )


# Fixed default date so that presets are reproducible; the CLI replaces it with today.
DEFAULT_AS_OF = dt.date(2025, 6, 30)

SMALL = MarketSpec(
    name="small",
    as_of=DEFAULT_AS_OF,
    enterprises=300,  # assumption: enough firms for a demo, few enough to load in seconds
    inventions=1_800,
    utility_models=700,
    designs=200,
    trademarks=6_000,
    software_copyrights=300,
    work_copyrights=100,
    lapsed_patent_share=0.10,  # brief: ~10% lapsed for unpaid annuity, with CF01 history
    expired_patent_share=0.05,
    pending_inventions=150,
    same_day_twins=30,
    expired_trademark_share=0.03,
    in_grace_share=0.03,
    preserved_share=0.01,
    invalidation_pending_share=0.01,
    co_owned_share=0.05,
)

BEIJING = MarketSpec(
    name="beijing",
    as_of=DEFAULT_AS_OF,
    # Assumption: ~120k Beijing firms hold the IP below (Beijing had ~28k high-tech firms in 2022 and far more
    # trademark holders); portfolio sizes are heavy-tailed (portfolio_alpha).
    enterprises=120_000,
    high_tech_share=0.23,
    inventions=473_000,  # DOMAIN.md §8: valid invention patents held by Beijing firms, Nov 2022
    # Assumption: utility models 0.75x and designs 0.25x of inventions (Beijing is invention-heavy; nationally
    # utility models outnumber inventions about 2.5:1).
    utility_models=354_750,
    designs=118_250,
    trademarks=2_891_000,  # DOMAIN.md §8: valid trademarks held by Beijing firms, Nov 2022
    preserved_share=0.002,  # assumption
    invalidation_pending_share=0.001,  # assumption
    co_owned_share=0.03,  # assumption
    banks=36,  # DOMAIN.md §9: "a few dozen banks lend against IP"
    valuers=20,  # assumption
    insurers=6,  # assumption
    guarantors=8,  # assumption
    ip_operators=1,
    funds=2,  # assumption: municipal and one district risk-compensation fund
    enterprise_users=False,
    annuity_history=AnnuityHistory.LAST_AND_NEXT,
)

PRESETS: dict[str, MarketSpec] = {"small": SMALL, "beijing": BEIJING}


def preset(name: str, as_of: dt.date | None = None) -> MarketSpec:
    """The named preset, optionally as of another date; unknown names raise a ``ValidationError``."""
    try:
        spec = PRESETS[name]
    except KeyError:
        raise UNKNOWN_SCALE(scale=name, choices=", ".join(PRESETS)) from None
    return spec if as_of is None else dataclasses.replace(spec, as_of=as_of)
