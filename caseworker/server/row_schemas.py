"""The synced rows in the OpenAPI document: one JSON schema per table, with every field's type, length, range,
choices and date format from caseworker.domain.fields (what the push policy enforces), so an integrator
sees the limits before the server refuses a value."""

from __future__ import annotations

from typing import Any

from caseworker.domain import fields as f
from caseworker.server.policy import POLICY, STAMPED

_TYPES = {str: "string", int: "integer", float: "number"}


def _field_schema(table: str, column: str, kind: type) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": [_TYPES[kind], "null"]}
    if kind is str:
        if column in f.ID_COLUMNS:
            schema.update(maxLength=f.ID_MAX_LENGTH, pattern=r"^[A-Za-z0-9._:\-]{1,64}$")
        elif column in f.USER_COLUMNS:
            schema["maxLength"] = f.USERNAME_MAX_LENGTH
        else:
            schema["maxLength"] = f.MAX_LENGTHS.get(
                f"{table}.{column}", f.MAX_LENGTHS.get(column, f.DEFAULT_MAX_LENGTH)
            )
        if column in f.DATE_COLUMNS:
            schema["description"] = "a date (2026-10-17) or UTC timestamp (2026-10-17T08:00:00Z), 1900-2100"
        choices = f.CHOICES.get(f"{table}.{column}", f.CHOICES.get(column))
        if choices:
            schema["enum"] = [*choices, "", None]
        if f"{table}.{column}" in f.JSON_SHAPES:
            schema["description"] = "JSON text"
    else:
        low, high = (0, 1) if column in f.FLAG_COLUMNS else f.RANGES.get(column, f.INT64)
        schema.update(minimum=low, maximum=high)
    if column in STAMPED:
        schema["description"] = "set by the server from the token; a sent value is ignored"
    return schema


def row_schemas() -> dict[str, dict[str, Any]]:
    """Component name -> JSON schema, for every synced table."""
    out: dict[str, dict[str, Any]] = {}
    for table, rule in POLICY.items():
        props = {column: _field_schema(table, column, kind) for column, kind in f.columns(table).items()}
        out[f"Row_{table}"] = {
            "title": f"Row_{table}",
            "type": "object",
            "description": f"`{table}` fields in a Mutation; references: {rule.references or 'none'}",
            "properties": props,
            "additionalProperties": False,
        }
    return out


def add_to(openapi: dict[str, Any]) -> dict[str, Any]:
    openapi.setdefault("components", {}).setdefault("schemas", {}).update(row_schemas())
    return openapi
