"""Event delivery (事件投递): webhook subscriptions, fan-out from the outbox, signed pushes with retries, pull feed."""
