"""The OpenAPI document as the API behaves (接口文档与实现一致).

FastAPI documents only the success answer and its own validation shape. Every operation here can also answer 403
(role or party), 404 (missing, or another party's: the same answer), 409 (a state that forbids the change) and 422
(bad input), each in the one bilingual error shape; and ``Idempotency-Key`` is required wherever it is read (a
request without it is refused with ``idempotency.key_required``), though its dependency declares it optional so that
the refusal carries the project's code. ``document_errors`` patches the generated document once.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "description": "Every error: a stable machine code and a Chinese and an English message (错误).",
    "required": ["code", "message_zh", "message_en"],
    "properties": {
        "code": {"type": "string", "examples": ["not_found", "money.precision"]},
        "message_zh": {"type": "string"},
        "message_en": {"type": "string"},
        "details": {"type": "object", "description": "the parameters; for 422, ``errors`` names each field"},
    },
}
ERROR_ANSWERS = {
    "403": "forbidden: the caller's role or party may not do this (禁止)",
    "404": "not found, or another party's record: the two are indistinguishable (不存在)",
    "409": "conflict: the record's state forbids this now (冲突)",
    "422": "invalid input: the code names the rule, ``details.errors`` the fields (输入无效)",
}
_REF = {"$ref": "#/components/schemas/Error"}
METHODS = {"get", "post", "put", "patch", "delete"}


def patch_document(spec: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers to every operation and mark ``Idempotency-Key`` required; returns ``spec``."""
    spec.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in spec.get("paths", {}).values():
        for method, op in operations.items():
            if method not in METHODS:
                continue
            answers = op.setdefault("responses", {})
            for status, description in ERROR_ANSWERS.items():
                answers[status] = {"description": description, "content": {"application/json": {"schema": _REF}}}
            for param in op.get("parameters", []):
                if param.get("in") == "header" and param.get("name") == "Idempotency-Key":
                    param["required"] = True
                    param["schema"] = {"type": "string", "minLength": 8, "maxLength": 100}
    return spec


def document_errors(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the patched document (built once, then cached as FastAPI does)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
                openapi_version=app.openapi_version,
                tags=app.openapi_tags,
                servers=app.servers,
                separate_input_output_schemas=app.separate_input_output_schemas,
            )
            app.openapi_schema = patch_document(spec)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
