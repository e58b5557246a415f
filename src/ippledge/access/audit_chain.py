"""Audit chain (审计链): pure hashing and verification of the append-only audit trail.

Each record's hash covers its own content and the previous record's hash, so altering, removing or reordering any
record breaks the chain from that point on. Verification returns a list of problems (empty when intact) rather than
stopping at the first one, so an auditor sees the whole picture.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical_json(payload: Mapping[str, Any]) -> str:
    """Stable text for hashing: sorted keys, no whitespace, non-ASCII kept, everything else via ``str``."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str  # ISO 8601 UTC instant, as stored
    actor: str
    party_id: int | None
    action: str
    subject_type: str
    subject_id: str
    payload: str  # canonical JSON
    prev_hash: str
    hash: str


def entry_hash(
    prev_hash: str,
    seq: int,
    at: str,
    actor: str,
    party_id: int | None,
    action: str,
    subject_type: str,
    subject_id: str,
    payload: str,
) -> str:
    body = canonical_json(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "party_id": party_id,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "payload": payload,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    code: str  # audit.altered | audit.broken_link | audit.gap | audit.head_mismatch
    message_zh: str
    message_en: str


def verify_chain(
    entries: Iterable[AuditEntry], head_seq: int | None = None, head_hash: str | None = None
) -> list[ChainProblem]:
    """Check every link; ``head_*`` (kept separately) reveals records removed from the end."""
    problems: list[ChainProblem] = []
    prev_hash = GENESIS
    expected_seq = 1
    last_seq = 0
    for e in entries:
        if e.seq != expected_seq:
            problems.append(
                ChainProblem(
                    e.seq,
                    "audit.gap",
                    f"审计记录序号不连续：期望 {expected_seq}，实际 {e.seq}（记录被删除或重排）",
                    f"sequence gap: expected {expected_seq}, found {e.seq} (records removed or reordered)",
                )
            )
        if e.prev_hash != prev_hash:
            problems.append(
                ChainProblem(
                    e.seq,
                    "audit.broken_link",
                    f"第 {e.seq} 条记录的前序哈希与上一条不符",
                    f"record {e.seq} does not link to the record before it",
                )
            )
        recomputed = entry_hash(
            e.prev_hash, e.seq, e.at, e.actor, e.party_id, e.action, e.subject_type, e.subject_id, e.payload
        )
        if recomputed != e.hash:
            problems.append(
                ChainProblem(
                    e.seq,
                    "audit.altered",
                    f"第 {e.seq} 条记录内容已被改动（哈希不符）",
                    f"record {e.seq} was altered (hash mismatch)",
                )
            )
        prev_hash = e.hash
        expected_seq = e.seq + 1
        last_seq = e.seq
    if head_seq is not None and (head_seq != last_seq or (head_hash or GENESIS) != prev_hash):
        problems.append(
            ChainProblem(
                last_seq,
                "audit.head_mismatch",
                f"链头记录为第 {head_seq} 条，但最后一条为第 {last_seq} 条（末尾记录被删除或改动）",
                f"chain head says {head_seq} but the last record is {last_seq} (records removed or altered at the end)",
            )
        )
    return problems
