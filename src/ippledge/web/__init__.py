"""HTTP edge (接口层): the FastAPI application, request dependencies and idempotent money routes."""
