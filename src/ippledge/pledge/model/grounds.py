"""Refusal grounds (不予登记的情形) and what a refusal says: the grounds of DOMAIN.md §3 (专利权质押登记办法, CNIPA
2021, art. 12; 商标专用权质权登记程序 2020 for the trademark grounds), the forfeiture clause as a warning (Civil Code
art. 428: recorded, not a ground), the facts a filing states, and the errors an officer gets. Pure, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ippledge.kernel.errors import ErrorCode, IppledgeError
from ippledge.pledge import errors
from ippledge.registry.model import IpKind


class RefusalGround(StrEnum):
    """The grounds of DOMAIN.md §3 in order, plus the forfeiture clause. The value is the reason code."""

    NOT_OWNER = errors.NOT_OWNER.code  # 1 出质人不是登记的权利人
    RIGHT_NOT_ALIVE = errors.RIGHT_NOT_ALIVE.code  # 2 权利已终止或被宣告无效
    NOT_GRANTED = errors.NOT_GRANTED.code  # 3 申请尚未授权
    ANNUITY_UNPAID = errors.ANNUITY_UNPAID.code  # 4 年费未缴
    PRESERVED = errors.PRESERVED.code  # 5 权属纠纷中止或被保全
    DEBT_PAST_EXPIRY = errors.DEBT_PAST_EXPIRY.code  # 6 债务履行期限超过权利有效期
    CONTRACT_INCOMPLETE = errors.CONTRACT_INCOMPLETE.code  # 7 合同缺少必备内容
    COOWNER_CONSENT_MISSING = errors.COOWNER_CONSENT_MISSING.code  # 8 共有未经全体共有人同意
    ALREADY_PLEDGED = errors.ALREADY_PLEDGED.code  # 9 已被质押且处于质押状态
    SAME_DAY_DUAL = errors.SAME_DAY_DUAL.code  # 10 同日申请的发明与实用新型
    INVALIDATION_PENDING = errors.INVALIDATION_PENDING.code  # 11 无效宣告请求审查中
    OTHER = errors.OTHER.code  # 12 其他不符合规定的情形
    # trademarks (商标专用权质权登记程序): their own grounds, numbered on from 13
    MARK_REVOKED = errors.MARK_REVOKED.code  # 13 商标被撤销
    MARK_CANCELLED = errors.MARK_CANCELLED.code  # 14 商标被注销
    MARK_EXPIRED = errors.MARK_EXPIRED.code  # 15 商标有效期满未续展
    MARK_SEALED = errors.MARK_SEALED.code  # 16 商标被查封、冻结
    SIMILAR_MARKS_APART = errors.SIMILAR_MARKS_APART.code  # 17 相同或近似商标未一并出质

    @property
    def number(self) -> int:
        """The ground's number: 1-12 as DOMAIN.md §3 lists them, 13-17 the trademark grounds."""
        return list(RefusalGround).index(self) + 1

    @property
    def title_zh(self) -> str:
        return _TITLES[self][0]

    @property
    def title_en(self) -> str:
        return _TITLES[self][1]


_GROUND_ERRORS: dict[RefusalGround, ErrorCode] = {g: getattr(errors, g.name) for g in RefusalGround}
assert all(e.code == g.value for g, e in _GROUND_ERRORS.items())

_TITLES: dict[RefusalGround, tuple[str, str]] = {
    RefusalGround.NOT_OWNER: ("出质人不是登记的权利人", "pledgor is not the registered owner"),
    RefusalGround.RIGHT_NOT_ALIVE: ("权利已终止或被宣告无效", "the right has terminated or been invalidated"),
    RefusalGround.NOT_GRANTED: ("专利申请尚未被授权", "the application has not been granted"),
    RefusalGround.ANNUITY_UNPAID: ("年费未按期缴纳", "annuity unpaid"),
    RefusalGround.PRESERVED: ("因权属纠纷中止或被采取保全措施", "suspended for an ownership dispute or preserved"),
    RefusalGround.DEBT_PAST_EXPIRY: ("债务履行期限超过权利有效期", "debt term runs past the right's expiry"),
    RefusalGround.CONTRACT_INCOMPLETE: ("质押合同缺少必备内容", "contract lacks mandatory content"),
    RefusalGround.COOWNER_CONSENT_MISSING: ("共有权利未经全体共有人同意", "co-owned without every co-owner's consent"),
    RefusalGround.ALREADY_PLEDGED: ("已被质押且质押处于有效状态", "already pledged with a pledge in force"),
    RefusalGround.SAME_DAY_DUAL: ("同日申请的发明与实用新型", "same-day invention and utility model"),
    RefusalGround.INVALIDATION_PENDING: ("无效宣告请求正在审查", "invalidation request pending"),
    RefusalGround.OTHER: ("其他不符合规定的情形", "other ground"),
    RefusalGround.MARK_REVOKED: ("注册商标已被撤销", "the mark has been revoked"),
    RefusalGround.MARK_CANCELLED: ("注册商标已被注销", "the mark has been cancelled"),
    RefusalGround.MARK_EXPIRED: ("注册商标期满未续展", "the mark expired and was not renewed"),
    RefusalGround.MARK_SEALED: ("注册商标被查封、冻结", "the mark is sealed or frozen"),
    RefusalGround.SIMILAR_MARKS_APART: ("相同或近似商标未一并出质", "identical or similar marks not pledged together"),
}

# Grounds the parties clear in the filing itself (a consent, an agreement, a confirmation, the contract's text, the
# marks listed): an early check (intake, credit) reports them but does not stop the loan on them.
CURED_IN_FILING = frozenset(
    {
        RefusalGround.CONTRACT_INCOMPLETE,
        RefusalGround.COOWNER_CONSENT_MISSING,
        RefusalGround.SAME_DAY_DUAL,
        RefusalGround.INVALIDATION_PENDING,
        RefusalGround.SIMILAR_MARKS_APART,
    }
)


@dataclass(frozen=True)
class Refusal:
    """One reason a filing cannot be registered; ``asset_id``/``number`` name the IP when the ground is per IP."""

    ground: RefusalGround
    message_zh: str
    message_en: str
    asset_id: int | None = None
    number: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.ground.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "ground": self.ground.number,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "asset_id": self.asset_id,
            "number": self.number,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class FilingWarning:
    """Something the registry records and tells the parties but that does not stop registration (提示)."""

    code: str
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}


FORFEITURE_WARNING = FilingWarning(
    "pledge.forfeiture_clause",
    "合同约定债务人不履行到期债务时质物归质权人所有（流质条款）：该约定不发生所有权转移的效力，"
    "质权人只能依法就质物优先受偿（民法典第428条）",
    "the contract says the IP passes to the pledgee on default (forfeiture clause): that term does not transfer "
    "the right; the pledgee may only be paid first out of the IP (Civil Code art. 428)",
)


@dataclass(frozen=True)
class FilingFacts:
    """What a filing says (the contract's content and the parties' recorded confirmations)."""

    pledgor_id: int | None
    pledgee_id: int | None
    debt_type: str | None = None
    debt_amount: Decimal | None = None
    debt_start: dt.date | None = None
    debt_end: dt.date | None = None  # performance deadline (债务履行期限)
    security_scope: str | None = None  # 担保范围
    forfeiture_clause: bool = False
    consenting_party_ids: frozenset[int] = frozenset()  # co-owners whose consent is on file
    coowner_agreement: bool = False  # the co-owners' prior agreement (特别约定) allowing a pledge is on file
    confirms_same_day_dual: bool = False
    confirms_invalidation_pending: bool = False
    registry_kinds: frozenset[IpKind] | None = None  # kinds the registry registers; None = any


def warnings(filing: FilingFacts) -> list[FilingWarning]:
    """What the registry records and warns about without refusing: a forfeiture clause (Civil Code art. 428)."""
    return [FORFEITURE_WARNING] if filing.forfeiture_clause else []


def blocking(refusals: Sequence[Refusal]) -> list[Refusal]:
    """Those refusals the parties cannot clear in the filing itself (see ``CURED_IN_FILING``)."""
    return [r for r in refusals if r.ground not in CURED_IN_FILING]


def refusal_error(refusals: Sequence[Refusal]) -> IppledgeError:
    """The error an officer gets when asked to register a filing that has refusals.

    One distinct ground gives that ground's code (so a double pledge is ``pledge.already_pledged`` whether Python
    or the database caught it); several give ``pledge.precheck_failed``. ``details.reasons`` lists them all.
    """
    grounds = sorted({r.ground for r in refusals}, key=lambda g: g.number)
    error = _GROUND_ERRORS[grounds[0]] if len(grounds) == 1 else errors.PRECHECK_FAILED
    zh = "；".join(r.message_zh for r in refusals)
    en = "; ".join(r.message_en for r in refusals)
    return error.kind(
        f"不予登记：{zh}",
        f"cannot register: {en}",
        code=error.code,
        details={"reasons": [r.to_dict() for r in refusals]},
    )


def already_pledged_error(numbers: Sequence[str]) -> IppledgeError:
    """The double-pledge error when the database's unique index caught it (another registration won the race)."""
    reasons = [{"code": RefusalGround.ALREADY_PLEDGED.value, "numbers": list(numbers)}]
    return errors.ALREADY_PLEDGED(numbers=", ".join(numbers), reasons=reasons)
