"""Record ids in paths (路径编号): a 64-bit signed integer greater than zero, checked before any query runs.

An id outside ``1 .. 2**63 - 1`` can name no row (the columns are BIGINT or SQLite INTEGER); without this bound the
driver overflowed and the request answered 500. With it the answer is a 422 naming the parameter.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Path, Query

MAX_ID: Final = 2**63 - 1

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="record id (1 to 2^63-1)")]
IdQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="record id (1 to 2^63-1)")]
