"""Published read face (查询接口) of risk_sharing: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations
