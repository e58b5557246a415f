"""Outbox (事件发件箱): domain events written in the same transaction as the change they announce."""
