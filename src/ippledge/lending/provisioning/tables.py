"""Provisioning policy versions (贷款损失准备计提政策版本): the versioned policy documents, per bank and default."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ippledge.db import Base, IdMixin, utcnow


class ProvisionPolicyVersion(IdMixin, Base):
    """A version of the provisioning policy (贷款损失准备计提政策版本, ``lending.provisioning.model``).

    ``bank_id`` null is the platform default; a bank's own version wins over it. ``body`` is the JSON document of
    ``model.to_dict``; ``effective_to`` (inclusive) is set when a newer version of the same owner starts.
    """

    __tablename__ = "provision_policy_version"

    bank_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
