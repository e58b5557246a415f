"""Identifier errors (编号校验错误): what exactly is wrong with a number, in Chinese and English.

Every identifier module raises one of the classes below through a named ``ErrorCode`` constant: the code is
``id.<identifier>.<problem>`` (e.g. ``USCC_CHECKSUM``, ``id.uscc.checksum``), the constant's ``kind`` the class, and
``details`` carries the compacted input plus what the message names (for checksums the expected and the found check
character). Where one code has several wordings, the variable part travels in ``why_zh`` / ``why_en``.
"""

from __future__ import annotations

from collections.abc import Callable

from ippledge.kernel.errors import ErrorCode, ValidationError


class InvalidIdentifier(ValidationError):
    """Base for every identifier problem (编号无效)."""

    default_code = "id.invalid"


class InvalidFormat(InvalidIdentifier):
    """Characters or structure do not fit the identifier (格式错误)."""

    default_code = "id.format"


class InvalidLength(InvalidIdentifier):
    """Too many or too few characters (长度错误)."""

    default_code = "id.length"


class InvalidChecksum(InvalidIdentifier):
    """The check character does not match the body (校验位错误)."""

    default_code = "id.checksum"


class InvalidComponent(InvalidIdentifier):
    """A part has a value that cannot occur: type digit, year, kind code, section (组成部分无效)."""

    default_code = "id.component"


def validity(validate: Callable[[str], str]) -> Callable[[str], bool]:
    """``is_valid`` for a module's ``validate``: True when it accepts the number, False when it raises."""

    def is_valid(number: str) -> bool:
        try:
            validate(number)
        except InvalidIdentifier:
            return False
        return True

    is_valid.__doc__ = "True when ``validate`` would accept the number."
    return is_valid


# ---- unified social credit code (统一社会信用代码) -----------------------------------------------------------------

USCC_FORMAT = ErrorCode(
    "id.uscc.format",
    InvalidFormat,
    "统一社会信用代码第{position}位字符“{char}”无效（只允许数字和除I、O、Z、S、V外的大写字母）",
    "USCC character {position} '{char}' is not allowed (digits and capitals except I, O, Z, S, V)",
)
# "统一社会信用代码应为18位，实际为17位" from validate(), the parts' lengths from generate().
USCC_LENGTH = ErrorCode("id.uscc.length", InvalidLength, "{why_zh}", "{why_en}")
USCC_DIVISION = ErrorCode(
    "id.uscc.division",
    InvalidComponent,
    "统一社会信用代码第3-8位应为6位数字的行政区划码，实际为“{division}”",
    "USCC characters 3-8 must be a 6-digit division code, got '{division}'",
)
USCC_CHECKSUM = ErrorCode(
    "id.uscc.checksum",
    InvalidChecksum,
    "统一社会信用代码校验位错误：应为“{expected}”，实际为“{found}”",
    "USCC check character is wrong: expected '{expected}', got '{found}'",
)
USCC_ORG_CHECKSUM = ErrorCode(
    "id.uscc.org_checksum",
    InvalidChecksum,
    "统一社会信用代码中的组织机构代码（第9-17位）校验位错误：应为“{expected}”，实际为“{found}”",
    "the organisation code in USCC characters 9-17 fails GB 11714: expected check '{expected}', got '{found}'",
)

# ---- patent application number (专利申请号) and patent number (专利号), which share the application rules ----------
# The format codes have several wordings (a misplaced dot, a stray character, a missing ZL): "{why}：{number}".

PATENT_APPLICATION_FORMAT = ErrorCode(
    "id.patent_application.format", InvalidFormat, "{why_zh}：{number}", "{why_en}: {number}"
)
PATENT_APPLICATION_LENGTH = ErrorCode(
    "id.patent_application.length",
    InvalidLength,
    "专利申请号应为12位（2003年起）或8位（2003年前）数字加校验位，实际为{length}位数字",
    "a patent application number has 12 digits (from 2003) or 8 (earlier) plus a check character, got {length}",
)
PATENT_APPLICATION_YEAR = ErrorCode(
    "id.patent_application.year",
    InvalidComponent,
    "专利申请号的申请年份{year}不可能（12位格式始于2003年，8位格式用于1985-2003年）",
    "impossible filing year {year} in a patent application number (12-digit form from 2003, 8-digit form 1985-2003)",
)
PATENT_APPLICATION_TYPE = ErrorCode(
    "id.patent_application.type",
    InvalidComponent,
    "专利申请号的专利类型位“{type_digit}”无效（应为1发明、2实用新型、3外观设计、8 PCT发明、9 PCT实用新型）",
    "patent application number type digit '{type_digit}' is not one of 1 invention, 2 utility model, 3 design, "
    "8 PCT invention, 9 PCT utility model",
)
PATENT_APPLICATION_CHECKSUM = ErrorCode(
    "id.patent_application.checksum",
    InvalidChecksum,
    "专利申请号校验位错误：应为“{expected}”，实际为“{found}”",
    "patent application number check character is wrong: expected '{expected}', got '{found}'",
)
PATENT_NUMBER_FORMAT = ErrorCode("id.patent_number.format", InvalidFormat, "{why_zh}：{number}", "{why_en}: {number}")
PATENT_NUMBER_LENGTH = ErrorCode(
    "id.patent_number.length",
    InvalidLength,
    "专利号应为12位（2003年起）或8位（2003年前）数字加校验位，实际为{length}位数字",
    "a patent number has 12 digits (from 2003) or 8 (earlier) plus a check character, got {length}",
)
PATENT_NUMBER_YEAR = ErrorCode(
    "id.patent_number.year",
    InvalidComponent,
    "专利号的申请年份{year}不可能（12位格式始于2003年，8位格式用于1985-2003年）",
    "impossible filing year {year} in a patent number (12-digit form from 2003, 8-digit form 1985-2003)",
)
PATENT_NUMBER_TYPE = ErrorCode(
    "id.patent_number.type",
    InvalidComponent,
    "专利号的专利类型位“{type_digit}”无效（应为1发明、2实用新型、3外观设计、8 PCT发明、9 PCT实用新型）",
    "patent number type digit '{type_digit}' is not one of 1 invention, 2 utility model, 3 design, "
    "8 PCT invention, 9 PCT utility model",
)
PATENT_NUMBER_CHECKSUM = ErrorCode(
    "id.patent_number.checksum",
    InvalidChecksum,
    "专利号校验位错误：应为“{expected}”，实际为“{found}”",
    "patent number check character is wrong: expected '{expected}', got '{found}'",
)

# ---- patent publication number (公开（公告）号) --------------------------------------------------------------------

PUBLICATION_NUMBER_FORMAT = ErrorCode(
    "id.publication_number.format",
    InvalidFormat,
    "公开（公告）号应为“CN”+9位数字+文献类型代码（如CN103606972A）：{number}",
    "a publication number is 'CN' + 9 digits + kind code (e.g. CN103606972A): {number}",
)
PUBLICATION_NUMBER_LENGTH = ErrorCode(
    "id.publication_number.length",
    InvalidLength,
    "公开（公告）号的数字部分应为9位，实际为{length}位",
    "a publication number has 9 digits, got {length}",
)
PUBLICATION_NUMBER_TYPE = ErrorCode(
    "id.publication_number.type",
    InvalidComponent,
    "公开（公告）号首位数字“{type_digit}”无效（应为1发明、2实用新型、3外观设计）",
    "publication number first digit '{type_digit}' is not 1 invention, 2 utility model or 3 design",
)
PUBLICATION_NUMBER_KIND_CODE = ErrorCode(
    "id.publication_number.kind_code",
    InvalidComponent,
    "文献类型代码“{kind_code}”与{patent_kind_zh}专利（首位{type_digit}）不符，应为{allowed_zh}之一",
    "kind code '{kind_code}' does not fit patent type {patent_kind} (first digit {type_digit}); "
    "expected one of {allowed_en}",
)

# ---- trademark registration number (商标注册号) and Nice class (尼斯分类) ------------------------------------------

TRADEMARK_FORMAT = ErrorCode(
    "id.trademark.format",
    InvalidFormat,
    "商标注册号只能由数字组成：{number}",
    "a trademark registration number has only digits: {number}",
)
TRADEMARK_LENGTH = ErrorCode(
    "id.trademark.length",
    InvalidLength,
    "商标注册号应为1-9位非零数字，实际为“{number}”",
    "a trademark registration number has 1-9 digits and is not zero, got '{number}'",
)
TRADEMARK_NICE_CLASS = ErrorCode(
    "id.trademark.nice_class",
    InvalidComponent,
    "尼斯分类应为1-45类，实际为{nice_class}",
    "a Nice class is 1-45, got {nice_class}",
)

# ---- copyright registration number (作品登记号 / 软件著作权登记号) -------------------------------------------------

COPYRIGHT_FORMAT = ErrorCode(
    "id.copyright.format",
    InvalidFormat,
    "无法识别的版权登记号：{number}（应形如 国作登字-2021-F-00012345、2021SR0123456 或 软著登字第1234567号）",
    "unrecognised copyright registration number: {number} "
    "(expected e.g. 国作登字-2021-F-00012345, 2021SR0123456 or 软著登字第1234567号)",
)
COPYRIGHT_LENGTH = ErrorCode(
    "id.copyright.length",
    InvalidLength,
    "版权登记号的流水号应为{expected}位，实际为{length}位：{number}",
    "the serial of a {label} copyright registration number has {expected} digits, got {length}: {number}",
)
COPYRIGHT_YEAR = ErrorCode(
    "id.copyright.year",
    InvalidComponent,
    "版权登记号中的年份{year}不可能（应在1992-2099之间）",
    "impossible year {year} in a copyright registration number (1992-2099)",
)

# ---- IPC symbol (国际专利分类号) -----------------------------------------------------------------------------------

IPC_FORMAT = ErrorCode(
    "id.ipc.format",
    InvalidFormat,
    "IPC分类号格式应为 部+2位大类+小类字母+主组/分组（如 A61K 31/495）：{symbol}",
    "an IPC symbol is section + 2-digit class + subclass letter + group/subgroup (e.g. A61K 31/495): {symbol}",
)
IPC_SECTION = ErrorCode(
    "id.ipc.section", InvalidComponent, "IPC部“{section}”无效（应为A-H）", "IPC section '{section}' is not one of A-H"
)
# One code, two classes: a main group 0 is an impossible component, one of five digits has the wrong length.
IPC_GROUP_ZERO = ErrorCode("id.ipc.group", InvalidComponent, "IPC主组{why_zh}", "an IPC main group {why_en}")
IPC_GROUP_LENGTH = ErrorCode("id.ipc.group", InvalidLength, "IPC主组{why_zh}", "an IPC main group {why_en}")
IPC_SUBGROUP = ErrorCode(
    "id.ipc.subgroup",
    InvalidLength,
    "IPC分组应为2-6位数字，实际为{length}位",
    "an IPC subgroup has 2-6 digits, got {length}",
)
IPC_SUBCLASS = ErrorCode(
    "id.ipc.subclass",
    InvalidComponent,
    "IPC小类“{subclass}”不存在（依据WIPO IPC表）",
    "IPC subclass '{subclass}' does not exist in the WIPO IPC table",
)

# ---- recognition (编号识别) ----------------------------------------------------------------------------------------
# Not raised: ``detect.recognise`` reports it when no identifier's shape fits.

UNKNOWN = ErrorCode("id.unknown", InvalidIdentifier, "无法识别的编号：{text}", "not a recognised identifier: {text}")
