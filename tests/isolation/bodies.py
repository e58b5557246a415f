"""Minimal valid request bodies generated from the OpenAPI schema, so a foreign write reaches the route's own
checks instead of stopping at validation (a 422 before any lookup would prove nothing)."""

from __future__ import annotations

from typing import Any

TODAY = "2025-11-20"


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def example(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    schema = _resolve(spec, schema)
    if depth > 6:
        return None
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(spec, o).get("type") != "null"]
            return example(spec, options[0], depth + 1) if options else None
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: example(spec, props[name], depth + 1) for name in schema.get("required", []) if name in props}
    if kind == "array":
        item = example(spec, schema.get("items", {}), depth + 1)
        return [item] * max(1, int(schema.get("minItems", 1))) if item is not None else []
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return TODAY
        if fmt == "date-time":
            return f"{TODAY}T10:00:00+08:00"
        if schema.get("pattern", "").startswith("^-?\\d") or "decimal" in str(schema.get("description", "")).lower():
            return "100.00"
        return "x" * max(1, int(schema.get("minLength", 1)))
    return None


def body_for(spec: dict[str, Any], operation: dict[str, Any]) -> Any:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return example(spec, schema) if schema else None
